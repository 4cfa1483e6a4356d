-- The edited front page: zones an editor arranges in the newsroom (lead,
-- top stories, a row per section, most discussed), each with the articles
-- picked for it, in order. Triggers bump the 'content' cache tag, as for
-- articles, so every node and process redraws the front page at once.
CREATE TABLE front_zones (
	id         INTEGER PRIMARY KEY,
	position   INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	section_id INTEGER REFERENCES terms (id) ON DELETE SET NULL,
	size       INTEGER NOT NULL,
	fill       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE front_zone_articles (
	zone_id    INTEGER NOT NULL REFERENCES front_zones (id) ON DELETE CASCADE,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	PRIMARY KEY (zone_id, article_id)
);
CREATE INDEX front_zone_articles_article ON front_zone_articles (article_id);

CREATE TRIGGER front_zones_cache_insert AFTER INSERT ON front_zones BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER front_zones_cache_update AFTER UPDATE ON front_zones BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER front_zones_cache_delete AFTER DELETE ON front_zones BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER front_zone_articles_cache_insert AFTER INSERT ON front_zone_articles BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
CREATE TRIGGER front_zone_articles_cache_delete AFTER DELETE ON front_zone_articles BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
