-- Search in languages other than English: FTS5's only stemmer is porter,
-- for English, so for the other Snowball languages the index holds the
-- stems of the words, which the search_stem function (registered by the
-- binary, see sqlite/stem.go) derives in Go in the search_language
-- setting's language. For English, and for 'simple', it returns the text
-- as it is. The triggers of 0003 read this view by name, so replacing it
-- is enough; RebuildSearchIndex fills the index again.
DROP VIEW articles_fts_source;

CREATE VIEW articles_fts_source AS
	SELECT a.id, search_stem(l.language, a.title) AS title, search_stem(l.language, a.excerpt) AS excerpt,
		search_stem(l.language, COALESCE(a.body_text, a.html)) AS body,
		'ztype' || a.type || ' zauthor' || a.author_id || ' zm' || substr(a.published_at, 1, 4) || substr(a.published_at, 6, 2) ||
			COALESCE((SELECT ' ' || group_concat('zterm' || at.term_id, ' ') FROM article_terms at WHERE at.article_id = a.id), '') AS facets
	FROM articles a
	LEFT JOIN (SELECT value AS language FROM settings WHERE key = 'search_language') l ON true
	WHERE a.status = 'published';

-- A site already set to another language is indexed in it from now on.
DELETE FROM articles_fts;
INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source;
