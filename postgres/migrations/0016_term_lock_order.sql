-- A change of an article's status recounts its terms. The trigger
-- updated them in the order its scan found them, so two transactions
-- publishing or unpublishing articles that share terms could each hold
-- a term the other wanted next and one was aborted for a deadlock. The
-- store now locks the terms in id order before it changes an article;
-- the trigger does the same, for any other writer (an import, psql).
CREATE OR REPLACE FUNCTION articles_term_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	id_of_article BIGINT;
BEGIN
	IF TG_OP = 'DELETE' THEN
		id_of_article := OLD.id;
	ELSE
		id_of_article := NEW.id;
	END IF;
	PERFORM 1 FROM terms WHERE id IN (SELECT term_id FROM article_terms WHERE article_id = id_of_article)
		ORDER BY id FOR NO KEY UPDATE;
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
