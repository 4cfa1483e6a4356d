-- Flood control counts per commenter (email or browser key) and, more
-- loosely, per address: readers behind one office or carrier address
-- no longer block each other. The browser key needs its own index.
CREATE INDEX comments_owner ON comments (owner_key, created_at);
-- A refused comment is kept for its writer for an hour, so the page
-- that says what to fix is reached by a redirect (reloading it posts
-- nothing) and still holds every word typed. Never carried by backups.
CREATE TABLE comment_drafts (
	id          TEXT PRIMARY KEY,
	owner_key   TEXT NOT NULL,
	article_id  BIGINT NOT NULL,
	data        TEXT NOT NULL,
	created_at  TEXT NOT NULL
);
CREATE INDEX comment_drafts_created ON comment_drafts (created_at);
