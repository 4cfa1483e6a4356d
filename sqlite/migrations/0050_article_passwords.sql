-- Password-protected articles (WordPress's post_password): the body and
-- comments wait for the password; stored as given, as WordPress does, so
-- imports and exports carry it. Private articles need no column: they
-- are the status 'private'.
ALTER TABLE articles ADD COLUMN password TEXT NOT NULL DEFAULT '';
