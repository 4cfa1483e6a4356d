-- An author's photo: a picture from the media library (0 for none),
-- shown on their author page. A changed biography or photo changes
-- public pages, so it bumps the 'content' cache tag like a new name.
ALTER TABLE users ADD COLUMN photo_id BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER users_cache ON users;
CREATE TRIGGER users_cache AFTER INSERT OR DELETE OR UPDATE OF display_name, slug, login, bio, photo_id ON users FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
