package discussion

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
)

// Readers' reports: a flag on a published comment, counted once per
// reader, held for a moderator after enough distinct readers, and closed
// with the moderator's decision (told to reporters of illegal content
// who left an address).

// ReportSubmission is a reader's report as the form or an API sends it.
type ReportSubmission struct {
	ArticleID   int64 // the page it was sent from; must be the comment's
	CommentID   int64
	Reason      communique.ReportReason
	Explanation string
	Email       string // optional, to hear the decision
	// ReporterKey is the hashed browser key; IP the reader's address.
	ReporterKey string
	IP          string
}

// Report limits per reader and per address: enough for a reader who
// flags a bad thread, too few to flood the queue.
const (
	reportsPerReader  = 10
	reportsPerAddress = 30
	reportWindow      = time.Hour
)

// Messages shown to reporters.
const (
	MsgReportFlood     = "You have sent many reports in a short time. Please try again later."
	MsgReportDuplicate = "You have already reported this comment. Thank you: a moderator will look at it."
	MsgReportNoKey     = "Your browser must accept this site's cookies to report a comment."
)

// ReportResult says what a report did.
type ReportResult struct {
	Tally communique.ReportTally
	// Held is true when this report took the comment off the page.
	Held bool
}

// DecisionNotifier hears of a moderator's decision on reports, to tell
// the reporters who asked. The Notifier may implement it.
type DecisionNotifier interface {
	ReportDecided(ctx context.Context, c *communique.Comment, r *communique.CommentReport)
}

// Report records a reader's report on an approved comment and holds the
// comment once st.CommentReportThreshold distinct readers (from distinct
// addresses) reported it. Field refusals are *Error of KindInvalid; a
// second report by the same reader KindDuplicate; too many reports
// KindFlood; a comment that is not shown on that article ENOTFOUND.
func (s *Service) Report(ctx context.Context, st *communique.Settings, sub ReportSubmission) (*ReportResult, error) {
	if s.Reports == nil {
		return nil, communique.Errorf(communique.EINTERNAL, "reports are not kept by this store")
	}
	r, err := validReport(sub)
	if err != nil {
		return nil, err
	}
	c, err := s.reportable(ctx, sub)
	if err != nil {
		return nil, err
	}
	if err := s.limitReports(ctx, sub); err != nil {
		return nil, err
	}
	tally, err := s.Reports.CreateCommentReport(ctx, r)
	if communique.ErrorCode(err) == communique.ECONFLICT {
		return nil, refuse(KindDuplicate, MsgReportDuplicate)
	} else if err != nil {
		return nil, err
	}
	res := &ReportResult{Tally: tally}
	if n := st.CommentReportThreshold; n > 0 && tally.Readers >= n {
		if err := s.Store.SetCommentStatus(ctx, c.ID, communique.CommentPending); err != nil {
			return nil, err
		}
		res.Held = true
		s.changed(c.ArticleID)
		s.federate(ctx, c, withStatus(c, communique.CommentPending))
	}
	return res, nil
}

// validReport checks what the reader typed.
func validReport(sub ReportSubmission) (*communique.CommentReport, error) {
	r := &communique.CommentReport{CommentID: sub.CommentID, Reason: sub.Reason, Explanation: strings.TrimSpace(sub.Explanation),
		NotifyEmail: strings.TrimSpace(sub.Email), ReporterKey: sub.ReporterKey, ReporterIP: sub.IP}
	fields := map[string]string{}
	switch {
	case !r.Reason.Valid():
		fields["reason"] = "Please choose why you are reporting this comment."
	case r.Reason == communique.ReportIllegal && r.Explanation == "":
		fields["explanation"] = "Please explain why this comment is illegal: which law, and what in the comment breaks it."
	}
	switch {
	case !utf8.ValidString(r.Explanation):
		fields["explanation"] = "This field contains characters that are not allowed."
	case utf8.RuneCountInString(r.Explanation) > communique.MaxReportExplanation:
		fields["explanation"] = "Your explanation is too long (at most 2,000 characters)."
	}
	if r.NotifyEmail != "" && (len(r.NotifyEmail) > communique.MaxCommentEmail || !communique.ValidEmail(r.NotifyEmail)) {
		fields["report_email"] = "Please enter a valid email address, such as name@example.com, or leave it empty."
	}
	if len(fields) > 0 {
		return nil, &Error{Kind: KindInvalid, Message: "Please check the highlighted fields.", Fields: fields}
	}
	if r.ReporterKey == "" {
		return nil, refuse(KindForbidden, MsgReportNoKey)
	}
	return r, nil
}

// reportable returns the comment when readers can see it on that article.
func (s *Service) reportable(ctx context.Context, sub ReportSubmission) (*communique.Comment, error) {
	gone := communique.Errorf(communique.ENOTFOUND, "That comment is not available to report.")
	c, err := s.Store.FindCommentByID(ctx, sub.CommentID)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil, gone
	} else if err != nil {
		return nil, err
	}
	if c.ArticleID != sub.ArticleID || c.Status != communique.CommentApproved {
		return nil, gone
	}
	a, err := s.Store.FindArticleByID(ctx, c.ArticleID)
	if err != nil || !a.IsPublic(s.Now()) {
		return nil, gone
	}
	return c, nil
}

// limitReports counts the report against the reader and the address, on
// every node alike when the store counts.
func (s *Service) limitReports(ctx context.Context, sub ReportSubmission) error {
	if s.Limits == nil {
		return nil
	}
	for _, l := range []struct {
		key   string
		limit int
	}{{"report:reader:" + sub.ReporterKey, reportsPerReader}, {"report:ip:" + sub.IP, reportsPerAddress}} {
		ok, _, err := s.Limits.RateLimit(ctx, l.key, l.limit, reportWindow)
		if err != nil {
			return err
		}
		if !ok {
			return refuse(KindFlood, MsgReportFlood)
		}
	}
	return nil
}

// MaxDecisionReason bounds a moderator's stated reason.
const MaxDecisionReason = 2000

// Decide moves a comment to status as Moderate does and closes its open
// reports with the decision and reason, telling the reporters who left
// an address. EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) Decide(ctx context.Context, by *communique.User, id int64, status communique.CommentStatus, reason string) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxDecisionReason {
		return communique.Errorf(communique.EINVALID, "The reason is too long (at most 2,000 characters).")
	}
	if !status.Valid() {
		return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", status)
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if c.Status != status {
		if err := s.Store.SetCommentStatus(ctx, id, status); err != nil {
			return err
		}
		if err := s.moved(ctx, c, status); err != nil {
			return err
		}
	}
	if err := s.audit(ctx, by, "decide "+string(status), c.ID, communique.CommenterKey(c.AuthorEmail), reason); err != nil {
		return err
	}
	return s.closeReports(ctx, by, c, status, reason)
}

// closeReports records the decision on a comment's open reports.
func (s *Service) closeReports(ctx context.Context, by *communique.User, c *communique.Comment, status communique.CommentStatus, reason string) error {
	if s.Reports == nil {
		return nil
	}
	var byID int64
	if by != nil {
		byID = by.ID
	}
	closed, err := s.Reports.DecideCommentReports(ctx, c.ID, status, reason, byID)
	if err != nil {
		return err
	}
	tell, ok := s.Notify.(DecisionNotifier)
	if !ok {
		return nil
	}
	for _, r := range closed {
		if r.NotifyEmail != "" {
			tell.ReportDecided(ctx, c, r)
		}
	}
	return nil
}

// ReportedItem is a comment in the reported queue: its open reports and
// what they say, counted by reason.
type ReportedItem struct {
	Comment *communique.Comment
	Reports []*communique.CommentReport
	Reasons []ReasonCount
	// Addresses is how many distinct addresses reported it: far fewer
	// than reports shows one person behind many.
	Addresses int
}

// ReasonCount is how many open reports gave one reason.
type ReasonCount struct {
	Reason communique.ReportReason
	Count  int
}

// ReportedQueue returns the comments with open reports, most reported
// first when byReports, else oldest report first, and their total.
// EFORBIDDEN.
func (s *Service) ReportedQueue(ctx context.Context, by *communique.User, byReports bool, offset, limit int) ([]*ReportedItem, int, error) {
	if err := mayModerate(by); err != nil {
		return nil, 0, err
	}
	if s.Reports == nil {
		return nil, 0, nil
	}
	list, total, err := s.Reports.FindReportedComments(ctx, byReports, offset, limit)
	if err != nil {
		return nil, 0, err
	}
	items := make([]*ReportedItem, 0, len(list))
	for _, rc := range list {
		c, err := s.Store.FindCommentByID(ctx, rc.CommentID)
		if communique.ErrorCode(err) == communique.ENOTFOUND {
			continue // deleted meanwhile
		} else if err != nil {
			return nil, 0, err
		}
		items = append(items, summarise(c, rc.Reports))
	}
	return items, total, nil
}

func summarise(c *communique.Comment, reports []*communique.CommentReport) *ReportedItem {
	it := &ReportedItem{Comment: c, Reports: reports}
	counts, ips := map[communique.ReportReason]int{}, map[string]bool{}
	for _, r := range reports {
		counts[r.Reason]++
		ips[r.ReporterIP] = true
	}
	for _, reason := range communique.ReportReasons {
		if n := counts[reason]; n > 0 {
			it.Reasons = append(it.Reasons, ReasonCount{reason, n})
		}
	}
	it.Addresses = len(ips)
	return it
}
