package communique

import (
	"context"
	"time"
)

// EditLockTTL is how long an edit lock lasts without being renewed: the
// editor renews it while the page stays open, so a closed tab frees the
// article within minutes.
const EditLockTTL = 2 * time.Minute

// EditLock says who has an article open in the editor, and since when.
type EditLock struct {
	ArticleID int64
	UserID    int64
	UserName  string // the holder's display name, as the store read it
	Since     time.Time
	ExpiresAt time.Time
}

// EditLocks keeps who is editing which article.
type EditLocks interface {
	// LockArticle gives lock.UserID the article's lock until ExpiresAt
	// when it is free, expired, theirs already, or takeOver is set, and
	// returns the lock as it then stands: another user's when it was not
	// given. ENOTFOUND when the article or user does not exist.
	LockArticle(ctx context.Context, lock EditLock, takeOver bool) (*EditLock, error)
	// UnlockArticle frees the article when userID holds its lock.
	UnlockArticle(ctx context.Context, articleID, userID int64) error
}
