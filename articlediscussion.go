package communique

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Discussion modes an editor chooses for one article. Open and read-only
// are the article's CommentsOpen (WordPress's comment_status open and
// closed: a closed WordPress thread stays visible); closed also hides
// the thread.
const (
	DiscussionOpen     = "open"
	DiscussionReadOnly = "read-only"
	DiscussionClosed   = "closed"
)

// MaxDiscussionMessage is the longest message shown above a reply form.
const MaxDiscussionMessage = 500

// ArticleDiscussion is what an editor decided about one article's
// discussion, beyond the site's rules. Its zero value changes nothing.
type ArticleDiscussion struct {
	ArticleID int64
	// Hidden shows no thread and takes no comments (mode closed).
	Hidden bool
	// Premoderate holds every reader's comment for a moderator.
	Premoderate bool
	// Message is plain text shown above the reply form.
	Message string
	// QA holds readers' questions and shows only those a newsroom
	// member answered, answers marked as such.
	QA bool
}

// Mode is the article's discussion mode given its CommentsOpen switch.
func (d *ArticleDiscussion) Mode(commentsOpen bool) string {
	switch {
	case d.Hidden:
		return DiscussionClosed
	case commentsOpen:
		return DiscussionOpen
	}
	return DiscussionReadOnly
}

// Validate checks the message, the only free text.
func (d *ArticleDiscussion) Validate() error {
	d.Message = strings.TrimSpace(d.Message)
	switch {
	case !ValidText(d.Message):
		return Errorf(EINVALID, "The discussion message must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(d.Message) > MaxDiscussionMessage:
		return Errorf(EINVALID, "The discussion message is too long (at most %d characters).", MaxDiscussionMessage)
	}
	return nil
}

// ArticleDiscussionStore keeps per-article discussion settings.
type ArticleDiscussionStore interface {
	// FindArticleDiscussion returns an article's settings, the zero value
	// (with ArticleID set) when none were saved.
	FindArticleDiscussion(ctx context.Context, articleID int64) (*ArticleDiscussion, error)
	// SaveArticleDiscussion replaces an article's settings. ENOTFOUND
	// when the article does not exist.
	SaveArticleDiscussion(ctx context.Context, d *ArticleDiscussion) error
}

// HoldReasonStore keeps why the rules held a comment, for the
// moderation queue.
type HoldReasonStore interface {
	// SetCommentHoldReasons replaces a comment's reasons; none clears
	// them. ENOTFOUND when the comment does not exist.
	SetCommentHoldReasons(ctx context.Context, commentID int64, reasons []string) error
	// FindCommentHoldReasons returns the reasons of these comments.
	FindCommentHoldReasons(ctx context.Context, ids []int64) (map[int64][]string, error)
}
