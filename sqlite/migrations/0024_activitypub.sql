-- The fediverse (ActivityPub). Followers of the site's actors (the site
-- and its authors), one row per local actor and remote actor; remote
-- actors the site heard from, with the public key their signatures are
-- checked against (a cache: refetched when stale or when a signature
-- fails); and the queue of signed activities received, processed by a
-- worker so a flood of deliveries never holds up a page.
CREATE TABLE ap_followers (
	id           INTEGER PRIMARY KEY,
	local_actor  TEXT NOT NULL, -- "site" or "user:ID"
	actor_id     TEXT NOT NULL,
	inbox        TEXT NOT NULL,
	shared_inbox TEXT NOT NULL DEFAULT '',
	follow_id    TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL DEFAULT 'accepted',
	created_at   TEXT NOT NULL,
	UNIQUE (local_actor, actor_id)
);

CREATE TABLE ap_actors (
	id                 TEXT PRIMARY KEY,
	key_id             TEXT NOT NULL,
	public_key_pem     TEXT NOT NULL,
	inbox              TEXT NOT NULL DEFAULT '',
	shared_inbox       TEXT NOT NULL DEFAULT '',
	preferred_username TEXT NOT NULL DEFAULT '',
	name               TEXT NOT NULL DEFAULT '',
	url                TEXT NOT NULL DEFAULT '',
	fetched_at         TEXT NOT NULL
);
CREATE INDEX ap_actors_key ON ap_actors (key_id);

CREATE TABLE ap_inbox (
	id              INTEGER PRIMARY KEY,
	body            TEXT NOT NULL,
	signer          TEXT NOT NULL,
	status          TEXT NOT NULL DEFAULT 'pending', -- pending, working, done, failed
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	claimed_until   TEXT,
	claim_token     TEXT NOT NULL DEFAULT '',
	last_error      TEXT NOT NULL DEFAULT '',
	received_at     TEXT NOT NULL
);
CREATE INDEX ap_inbox_due ON ap_inbox (status, next_attempt_at);
