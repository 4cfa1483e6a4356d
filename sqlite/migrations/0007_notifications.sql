-- Notifications. Every email and webhook call is written to the outbox
-- first and sent by a worker, so a page never waits on a mail server and
-- nothing is lost while one is down; delivery_attempts is the log the
-- newsroom shows. Readers follow comments or new articles once they have
-- confirmed by email (double opt-in); the nonces make the links in those
-- emails single-use. Lost passwords are reset with hashed, expiring,
-- single-use tokens.
CREATE TABLE webhooks (
	id         INTEGER PRIMARY KEY,
	url        TEXT NOT NULL,
	secret     TEXT NOT NULL,
	events     TEXT NOT NULL, -- space-separated event names
	created_at TEXT NOT NULL
);

CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	kind            TEXT NOT NULL,
	sender          TEXT NOT NULL DEFAULT '',
	recipient       TEXT NOT NULL,
	subject         TEXT NOT NULL DEFAULT '',
	body            TEXT NOT NULL,
	webhook_id      INTEGER REFERENCES webhooks (id) ON DELETE CASCADE,
	event           TEXT NOT NULL DEFAULT '',
	status          TEXT NOT NULL DEFAULT 'pending',
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	claimed_until   TEXT,
	claim_token     TEXT NOT NULL DEFAULT '',
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	sent_at         TEXT
);
-- The worker's claim looks for due messages.
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_webhook ON outbox (webhook_id, id);

CREATE TABLE delivery_attempts (
	id           INTEGER PRIMARY KEY,
	message_id   INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
	attempted_at TEXT NOT NULL,
	ok           INTEGER NOT NULL,
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_message ON delivery_attempts (message_id, id);

CREATE TABLE subscribers (
	id              INTEGER PRIMARY KEY,
	email           TEXT NOT NULL UNIQUE, -- lower case
	confirm_nonce   TEXT NOT NULL DEFAULT '',
	confirm_sent_at TEXT,
	manage_nonce    TEXT NOT NULL,
	created_at      TEXT NOT NULL
);

CREATE TABLE subscriptions (
	id            INTEGER PRIMARY KEY,
	subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
	topic         TEXT NOT NULL,
	article_id    INTEGER REFERENCES articles (id) ON DELETE CASCADE,
	status        TEXT NOT NULL DEFAULT 'pending',
	nonce         TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	confirmed_at  TEXT
);
-- One subscription per address and topic (and article).
CREATE UNIQUE INDEX subscriptions_comments ON subscriptions (subscriber_id, article_id) WHERE topic = 'comments';
CREATE UNIQUE INDEX subscriptions_posts ON subscriptions (subscriber_id) WHERE topic = 'posts';
-- Who hears about a new comment, or a new article.
CREATE INDEX subscriptions_article ON subscriptions (article_id, status);
CREATE INDEX subscriptions_topic ON subscriptions (topic, status);

CREATE TABLE password_resets (
	token_hash TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
