-- Full-text search, and Webmentions received and sent.
--
-- body_text is the article body as plain text (markup.PlainText of html),
-- written by the store so search matches and snippets show words, not
-- tags. NULL means "not derived yet" (a row written by other means, or an
-- html change that did not bring its body_text): search then falls back
-- to html until RebuildSearchIndex derives it.
ALTER TABLE articles ADD COLUMN body_text TEXT;

-- The FTS5 index keeps its own copy of the text (not external content), so
-- it can never disagree with what a trigger removes. porter stems English;
-- RebuildSearchIndex recreates the table with plain unicode61 when the
-- search_language setting names another language.
--
-- Only published articles are indexed, so a search never has to look
-- at the articles table to leave drafts out. facets holds tokens for the
-- filters (ztypepost, zauthor3, zterm7 for each category and tag, zm202603
-- for the UTC month of publication), so a filter is one more term of the
-- MATCH instead of a join per match; user queries are confined to the
-- other columns.
CREATE VIRTUAL TABLE articles_fts USING fts5(title, excerpt, body, facets,
	tokenize = 'porter unicode61 remove_diacritics 2');

-- articles_fts_source is what the index holds for each published article.
CREATE VIEW articles_fts_source AS
	SELECT a.id, a.title, a.excerpt, COALESCE(a.body_text, a.html) AS body,
		'ztype' || a.type || ' zauthor' || a.author_id || ' zm' || substr(a.published_at, 1, 4) || substr(a.published_at, 6, 2) ||
			COALESCE((SELECT ' ' || group_concat('zterm' || at.term_id, ' ') FROM article_terms at WHERE at.article_id = a.id), '') AS facets
	FROM articles a WHERE a.status = 'published';

INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source;

-- Every change re-reads the row through the view rather than use NEW, so
-- that whichever trigger runs last (the stale-text one below updates the
-- row again) indexes what is finally stored.
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
	INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source WHERE id = NEW.id;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, excerpt, html, body_text, status, type, author_id, published_at ON articles BEGIN
	DELETE FROM articles_fts WHERE rowid = OLD.id;
	INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source WHERE id = NEW.id;
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
	DELETE FROM articles_fts WHERE rowid = OLD.id;
END;

CREATE TRIGGER article_terms_fts_insert AFTER INSERT ON article_terms BEGIN
	DELETE FROM articles_fts WHERE rowid = NEW.article_id;
	INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source WHERE id = NEW.article_id;
END;

CREATE TRIGGER article_terms_fts_delete AFTER DELETE ON article_terms BEGIN
	DELETE FROM articles_fts WHERE rowid = OLD.article_id;
	INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source WHERE id = OLD.article_id;
END;

-- A date filter checks candidates' exact publication time; this index
-- answers that without reading the rows, whose bodies come first.
CREATE INDEX articles_id_published ON articles (id, published_at);

-- An html change that does not also set body_text makes it stale.
CREATE TRIGGER articles_body_text_stale AFTER UPDATE OF html ON articles
	WHEN NEW.html IS NOT OLD.html AND NEW.body_text IS OLD.body_text AND NEW.body_text IS NOT NULL
BEGIN
	UPDATE articles SET body_text = NULL WHERE id = NEW.id;
END;

-- Webmentions other sites sent to our articles (W3C Webmention). A new one
-- is 'verifying' until its source has been fetched; then 'pending' for a
-- moderator (or 'refused', with the reason), then 'approved', 'spam' or
-- 'trash' like a comment. One row per source and target: a source that is
-- sent again updates its row.
CREATE TABLE webmentions (
	id          INTEGER PRIMARY KEY,
	article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	source      TEXT NOT NULL,
	target      TEXT NOT NULL,
	status      TEXT NOT NULL,
	refusal     TEXT NOT NULL DEFAULT '',
	author_name TEXT NOT NULL DEFAULT '',
	author_url  TEXT NOT NULL DEFAULT '',
	title       TEXT NOT NULL DEFAULT '',
	excerpt     TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	UNIQUE (source, target)
);
CREATE INDEX webmentions_article ON webmentions (article_id, status, created_at);
CREATE INDEX webmentions_status ON webmentions (status, created_at);

-- Webmentions we sent for the links of our published articles, so each
-- link is notified once (and again only when the article changes).
CREATE TABLE webmention_sends (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	target     TEXT NOT NULL,
	status     TEXT NOT NULL,
	sent_at    TEXT NOT NULL,
	PRIMARY KEY (article_id, target)
);
