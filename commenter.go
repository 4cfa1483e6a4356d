package communique

import (
	"context"
	"strings"
	"time"
)

// Standing is how the discussion treats a commenter, set by a moderator.
type Standing string

// Standings, from most to least welcome. A ban may name a whole email
// domain; the others name one address.
const (
	StandingNone         Standing = ""
	StandingTrusted      Standing = "trusted"      // skips pre-moderation
	StandingPremoderated Standing = "premoderated" // always held
	StandingSuspended    Standing = "suspended"    // refused until a time
	StandingBanned       Standing = "banned"       // refused
)

// Valid reports whether s is a known standing ("" clears one).
func (s Standing) Valid() bool {
	switch s {
	case StandingNone, StandingTrusted, StandingPremoderated, StandingSuspended, StandingBanned:
		return true
	}
	return false
}

// CommenterKey is how a commenter is known: their email address, lower
// case, so a banned reader cannot come back by changing its case. A
// domain ban's key is "@" and the domain.
func CommenterKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// DomainKey is the key of the domain of an email address, or "".
func DomainKey(email string) string {
	_, domain, ok := strings.Cut(CommenterKey(email), "@")
	if !ok || domain == "" {
		return ""
	}
	return "@" + domain
}

// CommenterStanding is a moderator's decision about a commenter (or a
// whole email domain).
type CommenterStanding struct {
	Subject   string // CommenterKey or DomainKey
	Standing  Standing
	Reason    string
	Until     time.Time // end of a suspension
	By        int64
	CreatedAt time.Time
}

// ActiveAt reports whether the standing applies at now: a suspension
// ends on time, wherever it is checked.
func (s *CommenterStanding) ActiveAt(now time.Time) bool {
	return s.Standing != StandingSuspended || now.Before(s.Until)
}

// CommenterNote is a moderator's private note about a commenter.
type CommenterNote struct {
	ID        int64
	Subject   string
	Text      string
	By        int64
	ByName    string
	CreatedAt time.Time
}

// ModerationEntry is one line of the moderators' audit log.
type ModerationEntry struct {
	ID        int64
	At        time.Time
	UserID    int64  // 0 for the system (command line)
	UserName  string // filled when read
	Action    string // "approve", "suspend", "note", ...
	CommentID int64
	Subject   string // the commenter concerned, when any
	Detail    string
}

// CommunityStore keeps what moderators decide about people.
type CommunityStore interface {
	// SetCommenterStanding replaces a subject's standing; StandingNone
	// removes it.
	SetCommenterStanding(ctx context.Context, s *CommenterStanding) error
	// FindCommenterStandings returns the standings of these subjects.
	FindCommenterStandings(ctx context.Context, subjects []string) ([]*CommenterStanding, error)
	// CreateCommenterNote stores a note.
	CreateCommenterNote(ctx context.Context, n *CommenterNote) error
	// FindCommenterNotes returns a subject's notes, newest first.
	FindCommenterNotes(ctx context.Context, subject string) ([]*CommenterNote, error)
	// LogModeration appends to the audit log.
	LogModeration(ctx context.Context, e *ModerationEntry) error
	// FindModerationLog returns the log, newest first, and its total;
	// subject, when set, narrows it to one commenter.
	FindModerationLog(ctx context.Context, subject string, offset, limit int) ([]*ModerationEntry, int, error)
	// FindCommenterReports returns the reports on the subject's comments
	// and those the subject sent leaving their address, newest first.
	FindCommenterReports(ctx context.Context, subject string) (against, by []*CommentReport, err error)
}

// FeatureStore keeps editors' picks.
type FeatureStore interface {
	// SetCommentFeatured features or unfeatures a comment. ENOTFOUND.
	SetCommentFeatured(ctx context.Context, commentID int64, featured bool, by int64) error
	// FindFeaturedComments returns an article's featured comments that
	// are approved, in the order they were featured, public fields only.
	FindFeaturedComments(ctx context.Context, articleID int64) ([]*Comment, error)
	// FindUserRoles returns the roles of these users, for staff badges.
	FindUserRoles(ctx context.Context, ids []int64) (map[int64]Role, error)
}

// ReactionStore keeps readers' reactions to comments.
type ReactionStore interface {
	// CreateCommentReaction counts a reader's reaction once; created is
	// false when this reader had reacted already.
	CreateCommentReaction(ctx context.Context, commentID int64, readerKey, ip string) (created bool, err error)
	// CountCommentReactions returns the reactions of these comments.
	CountCommentReactions(ctx context.Context, ids []int64) (map[int64]int, error)
}
