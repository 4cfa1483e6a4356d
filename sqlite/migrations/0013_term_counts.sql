-- Every term's number of published articles (of any type), stored as
-- WordPress stores term_taxonomy.count. Counted on read, it joined
-- article_terms to articles for every term of every listed article and
-- read status past each article's body: 70% of an uncached article page
-- at 10,000 articles, growing with the archive. Triggers keep it exact
-- whoever writes (this node, another, the CLI, an import).
ALTER TABLE terms ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;

-- A count changes only with articles and article_terms, whose triggers
-- bump the page cache already.
DROP TRIGGER terms_cache_update;
CREATE TRIGGER terms_cache_update AFTER UPDATE OF taxonomy, name, slug, parent_id, description ON terms BEGIN
	INSERT INTO cache_tags (tag, version, updated_at) VALUES ('content', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
		ON CONFLICT (tag) DO UPDATE SET version = version + 1, updated_at = excluded.updated_at;
END;

UPDATE terms SET article_count = c.n FROM (
	SELECT x.term_id, COUNT(*) AS n FROM article_terms x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published' GROUP BY x.term_id
) AS c WHERE c.term_id = terms.id;

-- A link counts while its article is published.
CREATE TRIGGER article_terms_count_insert AFTER INSERT ON article_terms BEGIN
	UPDATE terms SET article_count = article_count + 1 WHERE id = NEW.term_id
		AND EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published');
END;

-- When an article is deleted, its links go by the foreign key's cascade
-- after the article row, so this finds no published article and leaves
-- the count to articles_term_count_delete.
CREATE TRIGGER article_terms_count_delete AFTER DELETE ON article_terms BEGIN
	UPDATE terms SET article_count = article_count - 1 WHERE id = OLD.term_id
		AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published');
END;

CREATE TRIGGER articles_term_count_status AFTER UPDATE OF status ON articles
	WHEN (OLD.status = 'published') <> (NEW.status = 'published')
BEGIN
	UPDATE terms SET article_count = article_count + CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END
		WHERE id IN (SELECT term_id FROM article_terms WHERE article_id = NEW.id);
END;

-- Before the delete: afterwards the cascade has taken the links.
CREATE TRIGGER articles_term_count_delete BEFORE DELETE ON articles
	WHEN OLD.status = 'published'
BEGIN
	UPDATE terms SET article_count = article_count - 1
		WHERE id IN (SELECT term_id FROM article_terms WHERE article_id = OLD.id);
END;
