-- Per-article discussion settings chosen in the editor, beside the
-- article's own comments_open (WordPress's comment_status, which the REST
-- API and the importer keep speaking): hidden closes the thread from
-- view as well, premoderate holds every reader's comment, message is
-- shown above the reply form, qa holds readers' questions and shows only
-- those a newsroom member answered. No row: the site's rules alone.
CREATE TABLE article_discussions (
	article_id  BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	hidden      BOOLEAN NOT NULL DEFAULT FALSE,
	premoderate BOOLEAN NOT NULL DEFAULT FALSE,
	message     TEXT NOT NULL DEFAULT '',
	qa          BOOLEAN NOT NULL DEFAULT FALSE
);

-- The article's page shows these: drop it from every node's cache.
CREATE FUNCTION communique_article_discussion_changed() RETURNS trigger AS $$
BEGIN
	PERFORM communique_bump('article:' || NEW.article_id);
	RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER article_discussions_cache AFTER INSERT OR UPDATE ON article_discussions
	FOR EACH ROW EXECUTE FUNCTION communique_article_discussion_changed();
