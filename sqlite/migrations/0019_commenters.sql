-- Moderating people, not only comments: a standing per commenter (by
-- lower-case email, or "@domain" for a domain ban), private notes, and
-- the audit log of every moderator action, which administrators read.
CREATE TABLE commenter_standings (
	subject    TEXT PRIMARY KEY,
	standing   TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT '',
	until      TEXT,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE commenter_notes (
	id         INTEGER PRIMARY KEY,
	subject    TEXT NOT NULL,
	text       TEXT NOT NULL,
	created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL
);
CREATE INDEX commenter_notes_subject ON commenter_notes (subject, id);

CREATE TABLE moderation_log (
	id         INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
	action     TEXT NOT NULL,
	comment_id INTEGER,
	subject    TEXT NOT NULL DEFAULT '',
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX moderation_log_subject ON moderation_log (subject, id);
-- A commenter's reports: those they sent with their address.
CREATE INDEX comment_reports_email ON comment_reports (LOWER(notify_email));
