package discussion

import (
	"context"
	"fmt"
	"strings"

	"communique"
)

// Why the rules held a comment or took it for spam, as the moderation
// queue labels it.
const (
	ReasonFirstComment  = "first comment"
	ReasonModerateAll   = "every comment is held (site setting)"
	ReasonWordList      = "word list"
	ReasonDisallowed    = "disallowed word list"
	ReasonCommenterHeld = "commenter is always held"
	ReasonArticleHeld   = "article holds every comment"
	ReasonQuestion      = "Q&A question"
	ReasonEdited        = "edited after approval"
	ReasonRemote        = "fediverse author, known by name only"
)

// ReasonLinks labels a comment with more links than the limit allows.
func ReasonLinks(n int) string { return fmt.Sprintf("link limit (%d links)", n) }

// ReasonSpamScore labels a comment the classifier took for spam.
func ReasonSpamScore(score float64) string {
	return fmt.Sprintf("spam score %d%%", int(score*100+0.5))
}

// keepReasons records why the rules held a comment; an approved one has
// none. A failure costs only the label: the comment stands.
func (s *Service) keepReasons(ctx context.Context, id int64, status communique.CommentStatus, why []string) {
	if s.HoldReasons == nil || (status != communique.CommentApproved && len(why) == 0) {
		return
	}
	if status == communique.CommentApproved {
		why = nil
	}
	if err := s.HoldReasons.SetCommentHoldReasons(ctx, id, why); err != nil {
		s.logger().Warn("keep hold reasons", "comment", id, "err", err)
	}
}

// QueueLabels returns, for each comment of a moderation queue, why it is
// there: the rules' reasons when it was judged, and its open reports
// with their reasons ("3 reports: spam, off topic").
func (s *Service) QueueLabels(ctx context.Context, by *communique.User, comments []*communique.Comment) (map[int64][]string, error) {
	if err := mayModerate(by); err != nil {
		return nil, err
	}
	labels := map[int64][]string{}
	ids := make([]int64, len(comments))
	for i, c := range comments {
		ids[i] = c.ID
	}
	if s.HoldReasons != nil {
		found, err := s.HoldReasons.FindCommentHoldReasons(ctx, ids)
		if err != nil {
			return nil, err
		}
		for id, why := range found {
			labels[id] = why
		}
	}
	if s.Reports == nil {
		return labels, nil
	}
	for _, c := range comments {
		reports, err := s.Reports.FindCommentReports(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		if l := reportLabel(reports); l != "" {
			labels[c.ID] = append(labels[c.ID], l)
		}
	}
	return labels, nil
}

// reportLabel sums up a comment's open reports.
func reportLabel(reports []*communique.CommentReport) string {
	var open int
	var reasons []string
	seen := map[string]bool{}
	for _, r := range reports {
		if r.Decision != "" {
			continue
		}
		open++
		if !seen[string(r.Reason)] {
			seen[string(r.Reason)] = true
			reasons = append(reasons, r.Reason.Label())
		}
	}
	switch open {
	case 0:
		return ""
	case 1:
		return "1 report: " + strings.Join(reasons, ", ")
	}
	return fmt.Sprintf("%d reports: %s", open, strings.Join(reasons, ", "))
}
