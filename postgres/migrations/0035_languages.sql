-- Each newsroom member's own language for the newsroom (a BCP 47 tag;
-- empty: the site's), and an article's own language on a multilingual
-- site (empty: the site's), shown as lang on its <article> element.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN lang TEXT NOT NULL DEFAULT '';
