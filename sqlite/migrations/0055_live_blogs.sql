-- Live blogs (issue 22): an article marked live takes short timestamped
-- entries from the desk, newest first on its page, pushed to open pages.
-- A live blog's row says when its coverage started and, once the desk
-- ends it, when it ended.
CREATE TABLE live_blogs (
	article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	started_at TEXT NOT NULL,
	ended_at   TEXT
);

CREATE TABLE live_entries (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES live_blogs (article_id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	source     TEXT NOT NULL,
	html       TEXT NOT NULL,
	key_event  INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX live_entries_article ON live_entries (article_id, created_at DESC, id DESC);

-- The article's page shows these: drop it from every node's cache, and
-- wake the nodes' live streams, without touching the article itself (an
-- entry is no reason to refuse a colleague's save of the body).
CREATE TRIGGER live_blogs_cache_insert AFTER INSERT ON live_blogs BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER live_blogs_cache_update AFTER UPDATE ON live_blogs BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER live_blogs_cache_delete AFTER DELETE ON live_blogs BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || OLD.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER live_entries_cache_insert AFTER INSERT ON live_entries BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER live_entries_cache_update AFTER UPDATE ON live_entries BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER live_entries_cache_delete AFTER DELETE ON live_entries BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || OLD.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
