-- The first schema: users, articles and pages, terms, settings, menus.
-- Times are fixed-width UTC text (sqlstore.TimeText) so they sort and compare.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	login         TEXT NOT NULL,
	slug          TEXT NOT NULL UNIQUE,
	display_name  TEXT NOT NULL,
	email         TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (LOWER(login));

CREATE TABLE articles (
	id            INTEGER PRIMARY KEY,
	type          TEXT NOT NULL DEFAULT 'post',
	title         TEXT NOT NULL,
	slug          TEXT NOT NULL UNIQUE,
	format        TEXT NOT NULL,
	source        TEXT NOT NULL,
	html          TEXT NOT NULL,
	excerpt       TEXT NOT NULL DEFAULT '',
	summary       TEXT NOT NULL DEFAULT '',
	author_id     INTEGER NOT NULL REFERENCES users (id),
	status        TEXT NOT NULL,
	published_at  TEXT,
	created_at    TEXT NOT NULL,
	modified_at   TEXT NOT NULL,
	sticky        INTEGER NOT NULL DEFAULT 0,
	comments_open INTEGER NOT NULL DEFAULT 1,
	parent_id     INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	menu_order    INTEGER NOT NULL DEFAULT 0,
	comment_count INTEGER NOT NULL DEFAULT 0
);
-- Listings: published posts, newest first.
CREATE INDEX articles_listing ON articles (type, status, published_at DESC, id DESC);
CREATE INDEX articles_author ON articles (author_id, published_at DESC);

-- Old slugs answer 301 to the article's current URL.
CREATE TABLE slug_history (
	slug       TEXT PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	created_at TEXT NOT NULL
);

CREATE TABLE terms (
	id          INTEGER PRIMARY KEY,
	taxonomy    TEXT NOT NULL,
	name        TEXT NOT NULL,
	slug        TEXT NOT NULL,
	parent_id   INTEGER REFERENCES terms (id) ON DELETE SET NULL,
	description TEXT NOT NULL DEFAULT '',
	UNIQUE (taxonomy, slug)
);

CREATE TABLE article_terms (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	term_id    INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, term_id)
);
CREATE INDEX article_terms_term ON article_terms (term_id, article_id);

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE menus (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL,
	slug     TEXT NOT NULL UNIQUE,
	location TEXT NOT NULL DEFAULT ''
);

CREATE TABLE menu_items (
	id          INTEGER PRIMARY KEY,
	menu_id     INTEGER NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
	parent_id   INTEGER REFERENCES menu_items (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL,
	url         TEXT NOT NULL DEFAULT '',
	object_type TEXT NOT NULL DEFAULT 'custom',
	object_id   INTEGER NOT NULL DEFAULT 0
);
