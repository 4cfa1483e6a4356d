-- Application passwords for the REST API (HTTP Basic, as in WordPress):
-- one per program, revocable alone, kept only as argon2id hashes. The last
-- use and IP let a user spot a program they no longer run.
CREATE TABLE app_passwords (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	hash         TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_used_at TEXT,
	last_ip      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX app_passwords_user ON app_passwords (user_id, id);
