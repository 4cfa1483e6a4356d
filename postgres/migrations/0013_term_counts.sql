-- Every term's number of published articles (of any type), stored as
-- WordPress stores term_taxonomy.count. Counted on read, it joined
-- article_terms to articles for every term of every listed article: 70%
-- of an uncached article page at 10,000 articles, growing with the
-- archive. Triggers keep it exact whoever writes (this node, another, the
-- CLI, an import, a restore).
ALTER TABLE terms ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;

-- A count changes only with articles and article_terms, whose triggers
-- bump the page cache already.
DROP TRIGGER terms_cache ON terms;
CREATE TRIGGER terms_cache AFTER INSERT OR DELETE OR UPDATE OF taxonomy, name, slug, parent_id, description ON terms
	FOR EACH ROW EXECUTE FUNCTION communique_content_changed();

UPDATE terms SET article_count = c.n FROM (
	SELECT x.term_id, COUNT(*) AS n FROM article_terms x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published' GROUP BY x.term_id
) AS c WHERE c.term_id = terms.id;

-- A new term has no links yet (they need it first), whatever the insert
-- says: Load and Copy bring terms with their counts, then the links,
-- whose triggers count them again.
CREATE FUNCTION terms_count_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.article_count := 0;
	RETURN NEW;
END
$$;
CREATE TRIGGER terms_count_reset BEFORE INSERT ON terms
	FOR EACH ROW WHEN (NEW.article_count <> 0) EXECUTE FUNCTION terms_count_reset();

-- A link counts while its article is published. When an article is
-- deleted, its links go by the foreign key's cascade after the article
-- row, so a delete here finds no published article and leaves the count
-- to articles_term_count_delete.
CREATE FUNCTION article_terms_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		UPDATE terms SET article_count = article_count + 1 WHERE id = NEW.term_id
			AND EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published');
	ELSE
		UPDATE terms SET article_count = article_count - 1 WHERE id = OLD.term_id
			AND EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published');
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER article_terms_count AFTER INSERT OR DELETE ON article_terms
	FOR EACH ROW EXECUTE FUNCTION article_terms_count();

CREATE FUNCTION articles_term_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		UPDATE terms SET article_count = article_count - 1
			WHERE id IN (SELECT term_id FROM article_terms WHERE article_id = OLD.id);
		RETURN OLD; -- NULL would cancel the delete
	END IF;
	UPDATE terms SET article_count = article_count + CASE WHEN NEW.status = 'published' THEN 1 ELSE -1 END
		WHERE id IN (SELECT term_id FROM article_terms WHERE article_id = NEW.id);
	RETURN NULL;
END
$$;
CREATE TRIGGER articles_term_count_status AFTER UPDATE OF status ON articles
	FOR EACH ROW WHEN ((OLD.status = 'published') <> (NEW.status = 'published')) EXECUTE FUNCTION articles_term_count();
-- Before the delete: afterwards the cascade has taken the links.
CREATE TRIGGER articles_term_count_delete BEFORE DELETE ON articles
	FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION articles_term_count();
