-- One email address, one account: with two accounts on one address
-- (in any case), signing in by email failed for both and a password
-- reset for it sent nothing. Accounts that shared an address before
-- keep it on the oldest; the others get a placeholder at
-- duplicate.invalid, which an administrator replaces.
UPDATE users SET email = 'user-' || id || '@duplicate.invalid'
WHERE EXISTS (SELECT 1 FROM users o WHERE LOWER(o.email) = LOWER(users.email) AND o.id < users.id);
CREATE UNIQUE INDEX users_email ON users (LOWER(email));
