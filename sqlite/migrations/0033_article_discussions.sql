-- Per-article discussion settings chosen in the editor, beside the
-- article's own comments_open (WordPress's comment_status, which the REST
-- API and the importer keep speaking): hidden closes the thread from
-- view as well, premoderate holds every reader's comment, message is
-- shown above the reply form, qa holds readers' questions and shows only
-- those a newsroom member answered. No row: the site's rules alone.
CREATE TABLE article_discussions (
	article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	hidden      INTEGER NOT NULL DEFAULT 0,
	premoderate INTEGER NOT NULL DEFAULT 0,
	message     TEXT NOT NULL DEFAULT '',
	qa          INTEGER NOT NULL DEFAULT 0
);

-- The article's page shows these: drop it from every node's cache.
CREATE TRIGGER article_discussions_cache_insert AFTER INSERT ON article_discussions BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER article_discussions_cache_update AFTER UPDATE ON article_discussions BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
