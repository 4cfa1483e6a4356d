-- Comments under articles, their edit history, and the spam classifier's
-- counts (kept in the store so every node scores alike).
CREATE TABLE comments (
	id           INTEGER PRIMARY KEY,
	article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	parent_id    INTEGER REFERENCES comments (id) ON DELETE SET NULL,
	thread_id    INTEGER NOT NULL DEFAULT 0,
	user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
	author_name  TEXT NOT NULL DEFAULT '',
	author_email TEXT NOT NULL DEFAULT '',
	author_url   TEXT NOT NULL DEFAULT '',
	author_ip    TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT '',
	avatar_hash  TEXT NOT NULL DEFAULT '',
	type         TEXT NOT NULL DEFAULT 'comment',
	text         TEXT NOT NULL,
	html         TEXT NOT NULL,
	status       TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	edited_at    TEXT,
	spam_score   REAL NOT NULL DEFAULT 0.5,
	owner_key    TEXT NOT NULL DEFAULT '',
	trained      TEXT NOT NULL DEFAULT ''
);
-- An article's discussion, one page of threads at a time.
CREATE INDEX comments_article ON comments (article_id, status, parent_id, created_at, id);
CREATE INDEX comments_thread ON comments (thread_id);
CREATE INDEX comments_status ON comments (status, created_at);
-- Flood control and "previously approved" look commenters up.
CREATE INDEX comments_email ON comments (LOWER(author_email), created_at);
CREATE INDEX comments_ip ON comments (author_ip, created_at);

CREATE TABLE comment_revisions (
	id         INTEGER PRIMARY KEY,
	comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	text       TEXT NOT NULL,
	edited_at  TEXT NOT NULL
);
CREATE INDEX comment_revisions_comment ON comment_revisions (comment_id, id);

-- token '' holds the number of documents trained as spam and as ham.
CREATE TABLE spam_tokens (
	token TEXT PRIMARY KEY,
	spam  INTEGER NOT NULL DEFAULT 0,
	ham   INTEGER NOT NULL DEFAULT 0
);
