-- An author's photo: a picture from the media library (0 for none),
-- shown on their author page. A changed biography or photo changes
-- public pages, so it bumps the 'content' cache tag like a new name.
ALTER TABLE users ADD COLUMN photo_id INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER users_cache_update;
CREATE TRIGGER users_cache_update AFTER UPDATE OF display_name, slug, login, bio, photo_id ON users BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
