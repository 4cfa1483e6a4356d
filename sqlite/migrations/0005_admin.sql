-- The newsroom: sessions shared by all nodes, sign-in throttling, and
-- article revisions (every save, plus one autosave per article and user).
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	ip           TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
	id         INTEGER PRIMARY KEY,
	login      TEXT NOT NULL,
	ip         TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX login_failures_login ON login_failures (login, created_at);
CREATE INDEX login_failures_ip ON login_failures (ip, created_at);

CREATE TABLE revisions (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	title      TEXT NOT NULL,
	source     TEXT NOT NULL,
	excerpt    TEXT NOT NULL DEFAULT '',
	autosave   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);
CREATE INDEX revisions_article ON revisions (article_id, id);
