-- The media library. A record per uploaded image: its key (the stored
-- original and its public URL /media/{key}), what sniffing found, the
-- text writers attach, and its renditions for srcset as JSON
-- ([{"width":…,"height":…,"key":…,"mime_type":…,"size":…}], narrowest
-- first), read and written whole with the record.
--
-- media_blobs holds the files themselves when the site keeps media in the
-- database (sqlstore.DBStorage, used with PostgreSQL so that nodes share
-- media without a shared disk); with the data folder it stays empty.
--
-- articles.featured_media_id is the image shown with an article in
-- listings and on its page; deleting the image removes it from articles.
CREATE TABLE media (
	id          INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	filename    TEXT NOT NULL DEFAULT '',
	mime_type   TEXT NOT NULL,
	width       INTEGER NOT NULL,
	height      INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	alt_text    TEXT NOT NULL DEFAULT '',
	caption     TEXT NOT NULL DEFAULT '',
	uploader_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
	variants    TEXT NOT NULL DEFAULT '[]',
	created_at  TEXT NOT NULL
);
-- The library, newest first.
CREATE INDEX media_created ON media (created_at DESC, id DESC);
CREATE INDEX media_uploader ON media (uploader_id, created_at DESC);

CREATE TABLE media_blobs (
	key        TEXT PRIMARY KEY,
	data       BLOB NOT NULL,
	created_at TEXT NOT NULL
);

ALTER TABLE articles ADD COLUMN featured_media_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX articles_featured_media ON articles (featured_media_id);
