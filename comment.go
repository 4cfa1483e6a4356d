package communique

import (
	"context"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus is where a comment is in moderation.
type CommentStatus string

// Comment statuses, as WordPress has them.
const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// Valid reports whether s is a known comment status.
func (s CommentStatus) Valid() bool {
	switch s {
	case CommentPending, CommentApproved, CommentSpam, CommentTrash:
		return true
	}
	return false
}

// Comment types: readers' comments and the notices other sites send.
const (
	CommentTypeComment   = "comment"
	CommentTypePingback  = "pingback"
	CommentTypeTrackback = "trackback"
	// CommentTypeActivityPub is a reply from the fediverse.
	CommentTypeActivityPub = "activitypub"
)

// Field limits, as WordPress has them.
const (
	MaxCommentAuthor = 245
	MaxCommentEmail  = 100
	MaxCommentURL    = 200
	MaxCommentText   = 65525
)

// Comment is a reader's contribution under an article.
type Comment struct {
	ID        int64 `json:"id"`
	ArticleID int64 `json:"post"`
	ParentID  int64 `json:"parent"`
	// ThreadID is the top-level comment of the thread (its own ID at the
	// top), so a page of threads loads in two queries.
	ThreadID int64 `json:"-"`
	UserID   int64 `json:"author"`

	AuthorName  string `json:"author_name"`
	AuthorEmail string `json:"-"` // never public
	AuthorURL   string `json:"author_url"`
	AuthorIP    string `json:"-"`
	UserAgent   string `json:"-"`
	// AvatarHash names the locally generated avatar: a keyed hash that
	// cannot be turned back into the email or matched across sites.
	AvatarHash string `json:"-"`

	Type   string        `json:"type"`
	Text   string        `json:"-"` // as typed
	HTML   string        `json:"content"`
	Status CommentStatus `json:"status"`

	CreatedAt time.Time `json:"date"`
	EditedAt  time.Time `json:"edited"` // zero when never edited

	// SpamScore is the classifier's probability that this is spam.
	SpamScore float64 `json:"-"`
	// OwnerKey is a hash of the commenter's browser key, which lets that
	// browser see its held comment and edit it for a while.
	OwnerKey string `json:"-"`

	// Featured is an editor's pick; Badge names a staff commenter's role
	// ("Reporter", "Editor") or "Author" under their own article. Both are
	// set when a page of the discussion is assembled.
	Featured bool   `json:"-"`
	Badge    string `json:"-"`
	// Reactions counts readers' appreciations; set with the page.
	Reactions int `json:"-"`
	// Handle is a fediverse reply's author as @user@host; set with the
	// page.
	Handle string `json:"-"`
	// AvatarURL is a fediverse reply's author's picture as the site
	// serves it (never another server's address); set with the page.
	AvatarURL string `json:"-"`

	// Depth is the comment's level in its thread (1 at the top); set when
	// threads are assembled.
	Depth   int        `json:"-"`
	Replies []*Comment `json:"-"`
}

// Validate checks the fields a commenter typed and returns a message per
// field, keyed by the form's input names.
func (c *Comment) Validate(requireNameEmail bool) map[string]string {
	errs := map[string]string{}
	name, email, site, text := strings.TrimSpace(c.AuthorName), strings.TrimSpace(c.AuthorEmail), strings.TrimSpace(c.AuthorURL), strings.TrimSpace(c.Text)
	for field, v := range map[string]string{"author": c.AuthorName, "email": c.AuthorEmail, "url": c.AuthorURL, "comment": c.Text} {
		if !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return forbiddenRune(r, field == "comment") }) >= 0 {
			errs[field] = "This field contains characters that are not allowed."
		}
	}
	switch {
	case errs["author"] != "":
	case requireNameEmail && name == "":
		errs["author"] = "Please enter your name."
	case utf8.RuneCountInString(name) > MaxCommentAuthor:
		errs["author"] = "Your name is too long (at most 245 characters)."
	case strings.ContainsAny(name, "\r\n"):
		errs["author"] = "Your name must be on one line."
	}
	switch {
	case errs["email"] != "":
	case requireNameEmail && email == "":
		errs["email"] = "Please enter your email address. It will not be published."
	case len(email) > MaxCommentEmail:
		errs["email"] = "Your email address is too long (at most 100 characters)."
	case email != "" && EmailProblem(email) != "":
		errs["email"] = EmailProblem(email)
	}
	switch {
	case errs["url"] != "":
	case utf8.RuneCountInString(site) > MaxCommentURL:
		errs["url"] = "Your website address is too long (at most 200 characters)."
	case site != "" && NormalizeWebsite(site) == "":
		errs["url"] = "Please enter a website address starting with http:// or https://, or leave it empty."
	}
	switch {
	case errs["comment"] != "":
	case text == "":
		errs["comment"] = "Please type your comment."
	case utf8.RuneCountInString(c.Text) > MaxCommentText:
		errs["comment"] = "Your comment is too long (at most 65,525 characters)."
	}
	return errs
}

// forbiddenRune reports whether r may not appear in a comment field:
// control characters other than tabs and line breaks (which the rules of
// each field judge) and, outside the text, the bidirectional controls
// that would make a name or address display as something else. Inside
// the text they stay, for right-to-left writing: each paragraph of a
// comment is its own block, which ends their effect.
func forbiddenRune(r rune, text bool) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return !text
	}
	return false
}

// NormalizeWebsite returns the commenter's website as an absolute http or
// https URL ("example.com" becomes "http://example.com"), or "" when it is
// not one.
func NormalizeWebsite(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		strings.ContainsAny(s, " \t\r\n\"'<>\\`") || !strings.Contains(u.Hostname(), ".") && u.Hostname() != "localhost" {
		return ""
	}
	return u.String()
}

// CommentFilter selects comments. Nil fields are "any".
type CommentFilter struct {
	ID        *int64
	ArticleID *int64
	Status    []CommentStatus
	Email     *string
	// TopLevel selects comments without a parent; ThreadIDs selects the
	// replies in those threads.
	TopLevel  bool
	ThreadIDs []int64
	// ParentIDs selects replies to these comments (0: top-level ones);
	// Types selects comments of these types ("comment", "pingback", …).
	ParentIDs []int64
	Types     []string
	// IDs selects these comments; ExcludeIDs, ExcludeParentIDs leave out
	// these comments and the replies to these (0: top-level ones).
	IDs, ExcludeIDs, ExcludeParentIDs []int64
	// UserIDs selects comments by these users (0: by guests);
	// ExcludeUserIDs leaves theirs out.
	UserIDs, ExcludeUserIDs []int64
	// CreatedBefore selects comments older than this time, to find the
	// page a comment is on.
	CreatedBefore *time.Time
	// OwnerKey also includes this browser's pending comments.
	OwnerKey string
	// PublishedOnly selects the comments readers may see: on published
	// articles without a password (their comments wait for it, as in
	// WordPress) whose thread the newsroom has not closed from view.
	PublishedOnly bool
	// Private includes email, IP and user agent; public pages leave it
	// false so those never leave the store.
	Private bool
	Newest  bool
	// Sort orders by most reactions ("reactions") or most approved
	// replies in the thread ("replies") before time; "" by time only.
	Sort   string
	Offset int
	Limit  int
}

// CommentRevision is an earlier text of an edited comment.
type CommentRevision struct {
	CommentID int64
	Text      string
	EditedAt  time.Time
}

// SpamCounts are the classifier's learned totals and token counts.
type SpamCounts struct {
	Spam, Ham int64
	Tokens    map[string][2]int64 // token -> {spam, ham}
}

// CommentPace is how recently a commenter and their address commented.
type CommentPace struct {
	// LastByCommenter is the newest comment with the email or the browser
	// key, the zero time when none.
	LastByCommenter time.Time
	// FromAddress counts the comments from the IP address since the time
	// asked; FirstFromAddress is the oldest of them.
	FromAddress      int
	FirstFromAddress time.Time
}

// CommentDraft is a refused comment kept for a while, so that the page
// telling its writer what to fix can be reloaded without posting again
// (Post/Redirect/Get) and still hold every word typed. Data is the door's
// own encoding of the form; only the browser with OwnerKey may read it.
type CommentDraft struct {
	ID        string
	OwnerKey  string
	ArticleID int64
	Data      string
	CreatedAt time.Time
}

// CommentWrite is one comment of a group commit, with the outbox
// messages that must stand or fall with it.
type CommentWrite struct {
	Comment *Comment
	// Messages, when set, is called inside the transaction once the
	// comment has its id and date; the messages it returns are written in
	// the same transaction. It must not call the store.
	Messages func(c *Comment) []*OutboxMessage
}

// CommentBatchStore writes comments in groups: one transaction, one
// commit (one fsync) for many comments posted at once.
type CommentBatchStore interface {
	// CreateComments stores each comment and its messages and refreshes
	// the articles' counts, all in one transaction: all stand or none
	// does. EINVALID (a reply to a comment not on the article).
	CreateComments(ctx context.Context, ws []CommentWrite) error
}

// CommentStore is what the discussion rules need from a store.
type CommentStore interface {
	// FindCommentByID returns a comment with its private fields. ENOTFOUND.
	FindCommentByID(ctx context.Context, id int64) (*Comment, error)
	// FindComments returns matching comments (oldest first unless Newest)
	// and their total.
	FindComments(ctx context.Context, f CommentFilter) ([]*Comment, int, error)
	// CreateComment stores a comment and updates the article's count.
	CreateComment(ctx context.Context, c *Comment) error
	// UpdateCommentText keeps the old text as a revision and stores the
	// new text, HTML and status.
	UpdateCommentText(ctx context.Context, id int64, text, html string, status CommentStatus, score float64) error
	// SetCommentStatus moves a comment to a status. ENOTFOUND.
	SetCommentStatus(ctx context.Context, id int64, status CommentStatus) error
	// DeleteComment removes a comment for good; its replies move up to its
	// parent. ENOTFOUND.
	DeleteComment(ctx context.Context, id int64) error
	// FindCommentRevisions returns a comment's earlier texts, oldest first.
	FindCommentRevisions(ctx context.Context, id int64) ([]*CommentRevision, error)
	// CountComments counts comments by status.
	CountComments(ctx context.Context) (map[CommentStatus]int, error)
	// CommentPace tells how recently a commenter (by email or browser
	// key) and their IP address have commented, for flood control.
	CommentPace(ctx context.Context, ip, email, ownerKey string, since time.Time) (CommentPace, error)
	// SaveCommentDraft keeps a refused comment for its writer, replacing
	// nothing, and forgets drafts older than forgetBefore.
	SaveCommentDraft(ctx context.Context, d *CommentDraft, forgetBefore time.Time) error
	// FindCommentDraft returns a kept refused comment. ENOTFOUND.
	FindCommentDraft(ctx context.Context, id string) (*CommentDraft, error)
	// HasApprovedComment reports whether name and email have an approved
	// comment.
	HasApprovedComment(ctx context.Context, name, email string) (bool, error)
	// IsDuplicateComment reports whether the same author already posted the
	// same text on the article.
	IsDuplicateComment(ctx context.Context, articleID int64, name, email, text string) (bool, error)
	// SpamCounts returns the totals and the counts of the given tokens.
	SpamCounts(ctx context.Context, tokens []string) (*SpamCounts, error)
	// TrainComment records a moderator's verdict (spam or ham) on a comment's
	// tokens, undoing an earlier opposite verdict on the same comment.
	TrainComment(ctx context.Context, id int64, tokens []string, spam bool) error
}
