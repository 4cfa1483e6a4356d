package communique

import (
	"context"
	"time"
)

// WebmentionStatus is where a received Webmention is: verified or not,
// then moderated like a comment.
type WebmentionStatus string

// Webmention statuses.
const (
	WebmentionVerifying WebmentionStatus = "verifying" // the source is being fetched
	WebmentionRefused   WebmentionStatus = "refused"   // verification failed; Refusal says why
	WebmentionPending   WebmentionStatus = "pending"   // verified, held for a moderator
	WebmentionApproved  WebmentionStatus = "approved"  // shown beside the comments
	WebmentionSpam      WebmentionStatus = "spam"
	WebmentionTrash     WebmentionStatus = "trash"
)

// Valid reports whether s is a known status.
func (s WebmentionStatus) Valid() bool {
	switch s {
	case WebmentionVerifying, WebmentionRefused, WebmentionPending, WebmentionApproved, WebmentionSpam, WebmentionTrash:
		return true
	}
	return false
}

// Webmention is another site's notice that a page of theirs (Source)
// links to one of our articles (Target), W3C Webmention.
type Webmention struct {
	ID         int64
	ArticleID  int64
	Source     string
	Target     string
	Status     WebmentionStatus
	Refusal    string // why verification refused it, for the sender
	AuthorName string
	AuthorURL  string
	Title      string // the source page's title
	Excerpt    string // plain text around the link
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// WebmentionFilter selects webmentions; nil fields are "any".
type WebmentionFilter struct {
	ID        *int64
	ArticleID *int64
	Status    []WebmentionStatus
	Limit     int
}

// WebmentionService stores Webmentions received and sent.
type WebmentionService interface {
	// ReceiveWebmention records a mention as verifying. The same source
	// and target sent again is the sender saying the source changed: the
	// existing mention is verified again (and keeps its id). EINVALID
	// without an article, source or target.
	ReceiveWebmention(ctx context.Context, m *Webmention) error
	// VerifiedWebmention stores what verification found: status pending
	// with the source's details, or refused with the reason. ENOTFOUND.
	VerifiedWebmention(ctx context.Context, m *Webmention) error
	// FindWebmentions returns matching mentions, oldest first, and their
	// total.
	FindWebmentions(ctx context.Context, f WebmentionFilter) ([]*Webmention, int, error)
	// SetWebmentionStatus moderates a mention. ENOTFOUND, EINVALID.
	SetWebmentionStatus(ctx context.Context, id int64, status WebmentionStatus) error
	// WebmentionsSent returns the targets an article has notified (or
	// tried to) and how that went.
	WebmentionsSent(ctx context.Context, articleID int64) (map[string]string, error)
	// RecordWebmentionSent remembers that an article notified target.
	RecordWebmentionSent(ctx context.Context, articleID int64, target, status string) error
}
