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

// Kinds of note on a published article.
const (
	NoteCorrection = "correction"
	NoteUpdate     = "update"
)

// MaxNoteLength bounds a correction or update, in characters.
const MaxNoteLength = 2000

// ArticleNote is a dated correction or update appended to a published
// article in the open. Text is plain text.
type ArticleNote struct {
	ID        int64
	ArticleID int64
	UserID    int64
	Kind      string
	Text      string
	CreatedAt time.Time
	// Article is the noted article, filled by FindCorrections.
	Article *Article
}

// ArticleNotes keeps corrections and updates.
type ArticleNotes interface {
	// AddArticleNote stores a note and marks the article modified at the
	// note's time (a new version), in one transaction. ENOTFOUND.
	AddArticleNote(ctx context.Context, n *ArticleNote) error
	// FindArticleNotes returns the notes of these articles, oldest first.
	FindArticleNotes(ctx context.Context, articleIDs []int64) ([]*ArticleNote, error)
	// FindCorrections returns the latest corrections of public articles,
	// newest first, each with its article.
	FindCorrections(ctx context.Context, limit int) ([]*ArticleNote, error)
}

// MaxEditorialNoteLength bounds an internal note, in characters.
const MaxEditorialNoteLength = 5000

// EditorialNote is the desk's internal note on an article: a review
// remark, why it went back to its writer. Never shown to readers.
type EditorialNote struct {
	ID        int64
	ArticleID int64
	UserID    int64
	UserName  string // as the store read it
	Text      string
	CreatedAt time.Time
}

// PreviewLink lets someone without an account read an unpublished
// article until it expires or is revoked. The store keeps a hash of the
// token only.
type PreviewLink struct {
	ID        int64
	ArticleID int64
	UserID    int64
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	Revoked   bool
}

// Usable reports whether the link still opens its preview at now.
func (l *PreviewLink) Usable(now time.Time) bool {
	return !l.Revoked && now.Before(l.ExpiresAt)
}

// ReviewStore keeps the desk's internal notes and preview links.
type ReviewStore interface {
	// AddEditorialNote stores an internal note. ENOTFOUND.
	AddEditorialNote(ctx context.Context, n *EditorialNote) error
	// FindEditorialNotes lists an article's internal notes, oldest first.
	FindEditorialNotes(ctx context.Context, articleID int64) ([]*EditorialNote, error)
	// AddPreviewLink stores a link (its hash). ENOTFOUND.
	AddPreviewLink(ctx context.Context, l *PreviewLink) error
	// FindPreviewLinks lists an article's links, newest first.
	FindPreviewLinks(ctx context.Context, articleID int64) ([]*PreviewLink, error)
	// FindPreviewLink returns the link with this token hash. ENOTFOUND.
	FindPreviewLink(ctx context.Context, tokenHash string) (*PreviewLink, error)
	// RevokePreviewLink ends a link for good. ENOTFOUND.
	RevokePreviewLink(ctx context.Context, id int64) (*PreviewLink, error)
}
