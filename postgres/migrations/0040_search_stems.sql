-- SQLite's search stems every Snowball language from here on (see its
-- 0040); PostgreSQL's text search configurations always did. Nothing to
-- change here: the number is kept in step with SQLite's.
SELECT 1;
