-- Readers' appreciation of a comment ("Respect"), one per reader: the
-- reader is a signed first-party cookie, the address is kept for the
-- per-address limit and to see a pattern.
CREATE TABLE comment_reactions (
	comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	reader_key TEXT NOT NULL,
	ip         TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (comment_id, reader_key)
);
