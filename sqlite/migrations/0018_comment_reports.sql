-- Readers flag comments; after enough distinct readers a comment is held
-- until a moderator decides, and the decision is kept with its reason
-- (the EU Digital Services Act asks that a notice's outcome be stated).
CREATE TABLE comment_reports (
	id              INTEGER PRIMARY KEY,
	comment_id      INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
	reason          TEXT NOT NULL,
	explanation     TEXT NOT NULL DEFAULT '',
	reporter_key    TEXT NOT NULL,
	reporter_ip     TEXT NOT NULL DEFAULT '',
	notify_email    TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	decision        TEXT NOT NULL DEFAULT '',
	decision_reason TEXT NOT NULL DEFAULT '',
	decided_at      TEXT,
	decided_by      INTEGER REFERENCES users (id) ON DELETE SET NULL
);
-- One report per reader and comment.
CREATE UNIQUE INDEX comment_reports_reader ON comment_reports (comment_id, reporter_key);
-- The reported queue lists open reports.
CREATE INDEX comment_reports_open ON comment_reports (decision, comment_id);
