-- An imported attachment whose file came into the media library names
-- its image, so a second import of the same site fetches nothing twice
-- and its old addresses lead to the local file.
ALTER TABLE attachments ADD COLUMN media_id BIGINT REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX attachments_media ON attachments (media_id);
