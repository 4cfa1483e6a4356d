-- Several bylines: the people credited on an article, in order, each a
-- user or a guest contributor without a login (guest_authors), as
-- Co-Authors Plus gives WordPress newsrooms. An article without rows here
-- is credited to its author alone. Changes bump the 'content' cache tag.
CREATE TABLE guest_authors (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	slug       TEXT NOT NULL UNIQUE,
	bio        TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);

CREATE TABLE article_authors (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
	guest_id   INTEGER REFERENCES guest_authors (id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, position),
	CHECK ((user_id IS NULL) <> (guest_id IS NULL))
);
CREATE INDEX article_authors_user ON article_authors (user_id);
CREATE INDEX article_authors_guest ON article_authors (guest_id);

CREATE TRIGGER article_authors_cache_insert AFTER INSERT ON article_authors BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER article_authors_cache_delete AFTER DELETE ON article_authors BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER guest_authors_cache_update AFTER UPDATE ON guest_authors BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
