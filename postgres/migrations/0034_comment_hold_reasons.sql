-- Why the rules held a comment or took it for spam (first comment, link
-- limit, word list, spam score, the article's pre-moderation, an edit
-- after approval...), written when the rules judge it, so the moderation
-- queue can say why each item is there even after the settings change.
-- One line of labels per comment, separated by newlines.
CREATE TABLE comment_hold_reasons (
	comment_id BIGINT PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
	reasons    TEXT NOT NULL
);
