-- WordPress imports. wp_ids remembers where each imported item came from
-- (the old site, the kind of item and its WordPress id) so that importing
-- the same export again updates instead of duplicating, and old links
-- such as /?p=123 find their article. redirects maps the old permalinks
-- to the item now living there; its URL is worked out at request time
-- because slugs may change after the import. attachments keeps the media
-- records of the old site until a media library takes the files over.
-- articles.guid keeps each imported item's <guid> so feed readers do not
-- show old stories again as new.
ALTER TABLE articles ADD COLUMN guid TEXT NOT NULL DEFAULT '';

CREATE TABLE wp_ids (
	source   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	wp_id    INTEGER NOT NULL,
	local_id INTEGER NOT NULL,
	-- In this order the key also serves ?p=ID and friends, which look
	-- an id up whatever the source.
	PRIMARY KEY (kind, wp_id, source)
);

CREATE TABLE redirects (
	path      TEXT PRIMARY KEY,
	kind      TEXT NOT NULL,
	target_id INTEGER NOT NULL
);

CREATE TABLE attachments (
	id          INTEGER PRIMARY KEY,
	wp_id       INTEGER NOT NULL DEFAULT 0,
	article_id  INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	title       TEXT NOT NULL DEFAULT '',
	url         TEXT NOT NULL,
	mime_type   TEXT NOT NULL DEFAULT '',
	alt_text    TEXT NOT NULL DEFAULT '',
	caption     TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL
);
CREATE INDEX attachments_article ON attachments (article_id, id);
