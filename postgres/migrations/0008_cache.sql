-- Page cache invalidation. Triggers bump a tag's version whenever
-- something pages show changes, whoever writes it (this node, another
-- node, the CLI, an import), and NOTIFY communique_cache so listening
-- nodes drop cached pages at once; nodes also poll recently bumped tags.
-- Tags: 'content' (articles, terms, menus, settings, authors: every page
-- may show them), 'article:ID' (that article's discussion) and 'comments'
-- (counts on listings, comment feeds).
CREATE TABLE cache_tags (
	tag        TEXT PRIMARY KEY,
	version    BIGINT NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX cache_tags_updated ON cache_tags (updated_at);

CREATE FUNCTION communique_bump(t TEXT) RETURNS void AS $$
BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES (t, 1, clock_timestamp())
		ON CONFLICT (tag) DO UPDATE SET version = cache_tags.version + 1, updated_at = EXCLUDED.updated_at;
	PERFORM pg_notify('communique_cache', t);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION communique_content_changed() RETURNS trigger AS $$
BEGIN
	PERFORM communique_bump('content');
	RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION communique_comments_changed() RETURNS trigger AS $$
BEGIN
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		PERFORM communique_bump('article:' || NEW.article_id);
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		PERFORM communique_bump('article:' || OLD.article_id);
	END IF;
	PERFORM communique_bump('comments');
	RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER articles_cache AFTER INSERT OR DELETE OR UPDATE OF title, slug, format, source, html, excerpt, summary, author_id, status, published_at, modified_at, sticky, comments_open, parent_id, menu_order, featured_media_id ON articles FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER article_terms_cache AFTER INSERT OR UPDATE OR DELETE ON article_terms FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER terms_cache AFTER INSERT OR UPDATE OR DELETE ON terms FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER menus_cache AFTER INSERT OR UPDATE OR DELETE ON menus FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER menu_items_cache AFTER INSERT OR UPDATE OR DELETE ON menu_items FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER settings_cache AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER users_cache AFTER INSERT OR DELETE OR UPDATE OF display_name, slug, login ON users FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
CREATE TRIGGER comments_cache AFTER INSERT OR UPDATE OR DELETE ON comments FOR EACH ROW EXECUTE FUNCTION communique_comments_changed();
-- Pages show library images (featured images with their alt text).
CREATE TRIGGER media_cache AFTER UPDATE OR DELETE ON media FOR EACH ROW EXECUTE FUNCTION communique_content_changed();
