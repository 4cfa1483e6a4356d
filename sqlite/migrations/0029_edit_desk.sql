-- Nobody loses a change: each article counts its saves, so a save based on
-- an older version is refused rather than overwriting a colleague's; and
-- an edit lock says who has the article open, until it expires.
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE article_locks (
	article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	since      TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
