-- An author page says who the author is: a few lines of plain text.
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';
