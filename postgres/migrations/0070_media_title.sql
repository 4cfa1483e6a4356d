-- A library item's own title and description, as WordPress keeps them
-- for attachments ('' for the title: the file name without extension
-- stands in, as before).
ALTER TABLE media ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN description TEXT NOT NULL DEFAULT '';
