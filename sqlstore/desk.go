package sqlstore

import (
	"context"
	"fmt"

	"communique"
)

var _ communique.EditLocks = (*Articles)(nil)

// LockArticle takes or renews an article's edit lock in one statement, so
// two editors opening the article at once cannot both get it: the upsert
// only replaces a lock that is the same user's, expired, or taken over.
func (db *Articles) LockArticle(ctx context.Context, lock communique.EditLock, takeOver bool) (*communique.EditLock, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	var n int
	if err := w.row(ctx, `SELECT (SELECT COUNT(*) FROM articles WHERE id = ?) + (SELECT COUNT(*) FROM users WHERE id = ?)`,
		lock.ArticleID, lock.UserID).Scan(&n); err != nil {
		return nil, fmt.Errorf("lock article: %w", err)
	}
	if n != 2 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	now := w.t(tx.now)
	_, err = w.exec(ctx, `INSERT INTO article_locks (article_id, user_id, since, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at,
			since = CASE WHEN article_locks.user_id = excluded.user_id AND article_locks.expires_at > ? THEN article_locks.since ELSE excluded.since END
		WHERE article_locks.user_id = excluded.user_id OR article_locks.expires_at <= ? OR ?`,
		lock.ArticleID, lock.UserID, now, w.t(lock.ExpiresAt), now, now, takeOver)
	if err != nil {
		return nil, fmt.Errorf("lock article: %w", err)
	}
	held := &communique.EditLock{ArticleID: lock.ArticleID}
	u := &communique.User{}
	err = w.row(ctx, `SELECT l.user_id, l.since, l.expires_at, u.login, u.display_name
		FROM article_locks l JOIN users u ON u.id = l.user_id WHERE l.article_id = ?`, lock.ArticleID).
		Scan(&held.UserID, scanTime{&held.Since}, scanTime{&held.ExpiresAt}, &u.Login, &u.DisplayName)
	if err != nil {
		return nil, db.wrap(err, "Lock")
	}
	held.UserName = u.Name()
	return held, tx.Commit()
}

// UnlockArticle frees an article's lock if userID holds it.
func (db *Articles) UnlockArticle(ctx context.Context, articleID, userID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, `DELETE FROM article_locks WHERE article_id = ? AND user_id = ?`, articleID, userID); err != nil {
		return fmt.Errorf("unlock article: %w", err)
	}
	return tx.Commit()
}
