-- Editors' picks: comments a moderator lifted above the thread.
CREATE TABLE comment_features (
	comment_id  INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
	article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	featured_at TEXT NOT NULL,
	featured_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX comment_features_article ON comment_features (article_id, featured_at);
