-- Page cache invalidation. Triggers bump a tag's version whenever
-- something pages show changes, whoever writes it (this node, another
-- node, the CLI, an import). Nodes poll recently bumped tags and drop the
-- cached pages that carry them. Tags: 'content' (articles, terms, menus,
-- settings, authors: every page may show them), 'article:ID' (that
-- article's discussion) and 'comments' (counts on listings, comment feeds).
CREATE TABLE cache_tags (
	tag        TEXT PRIMARY KEY,
	version    INTEGER NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX cache_tags_updated ON cache_tags (updated_at);

CREATE TRIGGER articles_cache_insert AFTER INSERT ON articles BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER articles_cache_update AFTER UPDATE OF title, slug, format, source, html, excerpt, summary, author_id, status, published_at, modified_at, sticky, comments_open, parent_id, menu_order, featured_media_id ON articles BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER articles_cache_delete AFTER DELETE ON articles BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER article_terms_cache_insert AFTER INSERT ON article_terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER article_terms_cache_delete AFTER DELETE ON article_terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER terms_cache_insert AFTER INSERT ON terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER terms_cache_update AFTER UPDATE ON terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER terms_cache_delete AFTER DELETE ON terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menus_cache_insert AFTER INSERT ON menus BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menus_cache_update AFTER UPDATE ON menus BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menus_cache_delete AFTER DELETE ON menus BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menu_items_cache_insert AFTER INSERT ON menu_items BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menu_items_cache_update AFTER UPDATE ON menu_items BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER menu_items_cache_delete AFTER DELETE ON menu_items BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER settings_cache_insert AFTER INSERT ON settings BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER settings_cache_update AFTER UPDATE ON settings BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER settings_cache_delete AFTER DELETE ON settings BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER users_cache_insert AFTER INSERT ON users BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER users_cache_update AFTER UPDATE OF display_name, slug, login ON users BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER users_cache_delete AFTER DELETE ON users BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER comments_cache_insert AFTER INSERT ON comments BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('comments', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER comments_cache_update AFTER UPDATE ON comments BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || NEW.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || OLD.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('comments', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER comments_cache_delete AFTER DELETE ON comments BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('article:' || OLD.article_id, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('comments', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

-- Pages show library images (featured images with their alt text).
CREATE TRIGGER media_cache_update AFTER UPDATE ON media BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

CREATE TRIGGER media_cache_delete AFTER DELETE ON media BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;
