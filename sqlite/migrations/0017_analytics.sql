-- First-party analytics (package analytics): counters, never hits. Days
-- are UTC dates as text ('2026-12-07') in both stores, so the keys, the
-- roll-ups and the ranges read the same everywhere.
-- Page views per hour and path; only paths with content are named (one
-- '(not found)' line holds the rest), so invented URLs add no rows.
-- Path '*' (kind 'site') counts the whole site's visitors.
CREATE TABLE analytics_hours (
	day        TEXT NOT NULL,
	hour       INTEGER NOT NULL,
	path       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	article_id INTEGER NOT NULL DEFAULT 0,
	views      INTEGER NOT NULL DEFAULT 0,
	visitors   INTEGER NOT NULL DEFAULT 0,
	entries    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, hour, path)
);
-- The same per day, written beside the hourly rows and kept longer.
CREATE TABLE analytics_days (
	day        TEXT NOT NULL,
	path       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	article_id INTEGER NOT NULL DEFAULT 0,
	views      INTEGER NOT NULL DEFAULT 0,
	visitors   INTEGER NOT NULL DEFAULT 0,
	entries    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, path)
);
CREATE INDEX analytics_days_article ON analytics_days (article_id, day);
-- Daily rows older than analytics_daily_days, rolled up by month.
CREATE TABLE analytics_months (
	month      TEXT NOT NULL,
	path       TEXT NOT NULL,
	kind       TEXT NOT NULL,
	article_id INTEGER NOT NULL DEFAULT 0,
	views      INTEGER NOT NULL DEFAULT 0,
	visitors   INTEGER NOT NULL DEFAULT 0,
	entries    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (month, path)
);
-- Referrers, campaigns, devices, browsers, entry pages and readers who
-- reached the comments, per day, for the site (article 0) and each article.
CREATE TABLE analytics_dims (
	day        TEXT NOT NULL,
	article_id INTEGER NOT NULL,
	dim        TEXT NOT NULL,
	value      TEXT NOT NULL,
	count      INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, article_id, dim, value)
);
CREATE INDEX analytics_dims_dim ON analytics_dims (dim, article_id, day);
-- Site page views per minute for the realtime count; kept an hour.
CREATE TABLE analytics_minutes (
	minute TEXT PRIMARY KEY,
	views  INTEGER NOT NULL DEFAULT 0
);
-- The day's random salt, shared by every node; deleted the next day, so
-- no visitor can be followed from one day to another.
CREATE TABLE analytics_salts (
	day  TEXT PRIMARY KEY,
	salt TEXT NOT NULL
);
-- The day's visitor hashes per scope (a path, or '*' for the site), so
-- every node counts a visitor once; deleted with the salt.
CREATE TABLE analytics_seen (
	day   TEXT NOT NULL,
	scope TEXT NOT NULL,
	hash  TEXT NOT NULL,
	PRIMARY KEY (day, scope, hash)
);
-- When a held comment was decided, for the moderation queue time.
CREATE TABLE comment_decisions (
	comment_id INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
	article_id INTEGER NOT NULL,
	posted_at  TEXT NOT NULL,
	decided_at TEXT NOT NULL
);
CREATE INDEX comment_decisions_decided ON comment_decisions (decided_at);
