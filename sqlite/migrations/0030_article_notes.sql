-- Corrections and updates in the open: dated notes appended to a
-- published article, shown on it, in its JSON-LD, in the feeds and on the
-- site-wide corrections page.
CREATE TABLE article_notes (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('correction', 'update')),
	body       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX article_notes_article ON article_notes (article_id, id);
CREATE INDEX article_notes_kind ON article_notes (kind, created_at DESC);
