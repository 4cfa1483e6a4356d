-- Nobody loses a change: each article counts its saves, so a save based on
-- an older version is refused rather than overwriting a colleague's; and
-- an edit lock says who has the article open, until it expires.
ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE article_locks (
	article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	since      TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
