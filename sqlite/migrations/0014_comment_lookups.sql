-- The duplicate check looks for the same text from the same address on
-- the same article; with only the article in an index it read every
-- comment of a busy article for each new one (a millisecond per comment
-- at 1,600 comments, on the single writer).
CREATE INDEX comments_article_email ON comments (article_id, LOWER(author_email));
-- A commenter sees their own held comments beside the approved ones:
-- with the owner key in the article index, that listing and the count
-- that finds a new comment's page are read from the index alone.
DROP INDEX comments_article;
CREATE INDEX comments_article ON comments (article_id, status, parent_id, created_at, id, owner_key);
