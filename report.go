package communique

import (
	"context"
	"time"
)

// ReportReason is why a reader flags a comment.
type ReportReason string

// Report reasons a reader chooses from. Illegal content needs an
// explanation, as the EU Digital Services Act expects of a notice.
const (
	ReportSpam           ReportReason = "spam"
	ReportAbuse          ReportReason = "abuse"
	ReportOffTopic       ReportReason = "off_topic"
	ReportMisinformation ReportReason = "misinformation"
	ReportIllegal        ReportReason = "illegal"
	ReportOther          ReportReason = "other"
)

// ReportReasons lists the reasons in the order the form shows them.
var ReportReasons = []ReportReason{ReportSpam, ReportAbuse, ReportOffTopic, ReportMisinformation, ReportIllegal, ReportOther}

// Label is the reason as readers and moderators read it.
func (r ReportReason) Label() string {
	switch r {
	case ReportSpam:
		return "Spam"
	case ReportAbuse:
		return "Abusive or harassing"
	case ReportOffTopic:
		return "Off topic"
	case ReportMisinformation:
		return "Misinformation"
	case ReportIllegal:
		return "Illegal content"
	case ReportOther:
		return "Other"
	}
	return string(r)
}

// Valid reports whether r is a known reason.
func (r ReportReason) Valid() bool {
	for _, v := range ReportReasons {
		if r == v {
			return true
		}
	}
	return false
}

// MaxReportExplanation bounds a report's explanation, in characters.
const MaxReportExplanation = 2000

// CommentReport is one reader's flag on a comment. The reporter is known
// by a hash of their browser key and their address, never shown to the
// comment's author.
type CommentReport struct {
	ID          int64
	CommentID   int64
	Reason      ReportReason
	Explanation string
	ReporterKey string
	ReporterIP  string
	// NotifyEmail, when given (illegal content), hears the decision.
	NotifyEmail string
	CreatedAt   time.Time
	// Decision is the status a moderator gave the comment ("" while
	// open), DecisionReason why, as the DSA asks a decision to be stated.
	Decision       CommentStatus
	DecisionReason string
	DecidedAt      time.Time
	DecidedBy      int64
}

// ReportTally counts a comment's open reports. Readers counts distinct
// readers from distinct addresses, so that one person clearing cookies
// cannot hold a comment alone.
type ReportTally struct {
	Reports int
	Readers int
}

// ReportedComment is a comment with its open reports, for the queue.
type ReportedComment struct {
	CommentID int64
	Reports   []*CommentReport
}

// ReportStore keeps readers' reports.
type ReportStore interface {
	// CreateCommentReport stores a report and returns the comment's open
	// tally. ECONFLICT when this reader already reported the comment.
	CreateCommentReport(ctx context.Context, r *CommentReport) (ReportTally, error)
	// FindCommentReports returns a comment's reports, open and decided,
	// oldest first.
	FindCommentReports(ctx context.Context, commentID int64) ([]*CommentReport, error)
	// FindReportedComments returns comments with open reports, most
	// reported first when byReports, else oldest report first, and
	// their total.
	FindReportedComments(ctx context.Context, byReports bool, offset, limit int) ([]*ReportedComment, int, error)
	// DecideCommentReports closes a comment's open reports with the
	// decision and returns them.
	DecideCommentReports(ctx context.Context, commentID int64, decision CommentStatus, reason string, by int64) ([]*CommentReport, error)
}
