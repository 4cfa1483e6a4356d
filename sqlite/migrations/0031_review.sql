-- Review and handover: the desk's internal notes on an article (never
-- public), and secret preview links for a source or a lawyer, kept as a
-- hash of the token, expiring and revocable.
CREATE TABLE editorial_notes (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	body       TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX editorial_notes_article ON editorial_notes (article_id, id);

CREATE TABLE preview_links (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX preview_links_article ON preview_links (article_id);
