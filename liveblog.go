package communique

import (
	"context"
	"time"
)

// MaxLiveEntryLength bounds a live blog entry's text, in characters: an
// entry is a short dispatch, not an article.
const MaxLiveEntryLength = 10000

// LiveBlog says an article is a live blog: the desk posts timestamped
// entries to it while news breaks, until it ends the coverage.
type LiveBlog struct {
	ArticleID int64
	StartedAt time.Time
	EndedAt   time.Time // zero while live
}

// Live reports whether the coverage is still running.
func (l *LiveBlog) Live() bool { return l.EndedAt.IsZero() }

// LiveEntry is one timestamped entry of a live blog. Source is Markdown
// (images and links as in an article); HTML is its sanitised rendering.
type LiveEntry struct {
	ID        int64
	ArticleID int64
	UserID    int64
	UserName  string // as the store read it
	Source    string
	HTML      string
	KeyEvent  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LiveBlogs keeps live blogs and their entries.
type LiveBlogs interface {
	// SetLiveBlog marks the article a live blog (or records its end, or
	// reopens it), keeping the start of a blog already started. ENOTFOUND.
	SetLiveBlog(ctx context.Context, l *LiveBlog) error
	// FindLiveBlog returns the article's live blog; ENOTFOUND when the
	// article is not one.
	FindLiveBlog(ctx context.Context, articleID int64) (*LiveBlog, error)
	// CreateLiveEntry stores a new entry, setting its ID and times.
	// ENOTFOUND when the article is not a live blog.
	CreateLiveEntry(ctx context.Context, e *LiveEntry) error
	// UpdateLiveEntry stores an entry's new text and key-event mark,
	// setting UpdatedAt. ENOTFOUND.
	UpdateLiveEntry(ctx context.Context, e *LiveEntry) error
	// DeleteLiveEntry removes an entry for good. ENOTFOUND.
	DeleteLiveEntry(ctx context.Context, id int64) error
	// FindLiveEntryByID returns one entry. ENOTFOUND.
	FindLiveEntryByID(ctx context.Context, id int64) (*LiveEntry, error)
	// FindLiveEntries returns an article's entries newest first, at most
	// limit of them (0: all).
	FindLiveEntries(ctx context.Context, articleID int64, limit int) ([]*LiveEntry, error)
}
