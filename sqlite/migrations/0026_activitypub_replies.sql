-- Replies from the fediverse are comments; this ties each to the object
-- it came from (its Update and Delete name it) and to its author's actor
-- (blocks and privacy requests find them by it). Likes and Announces of
-- articles are counted once per actor.
CREATE TABLE ap_comments (
	comment_id INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
	object_id  TEXT NOT NULL UNIQUE,
	actor_id   TEXT NOT NULL,
	handle     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ap_comments_actor ON ap_comments (actor_id);

CREATE TABLE ap_reactions (
	id          INTEGER PRIMARY KEY,
	article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	actor_id    TEXT NOT NULL,
	kind        TEXT NOT NULL, -- like or announce
	activity_id TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	UNIQUE (article_id, actor_id, kind)
);
CREATE INDEX ap_reactions_actor ON ap_reactions (actor_id);
