package notify

import (
	"context"
	"strconv"
	"strings"

	"communique"
	"communique/mail"
)

// decisionWords says what each status means to the reader who reported.
var decisionWords = map[communique.CommentStatus]string{
	communique.CommentApproved: "mail.decision_approved",
	communique.CommentPending:  "mail.decision_pending",
	communique.CommentSpam:     "mail.decision_spam",
	communique.CommentTrash:    "mail.decision_trash",
}

// ReportDecided tells a reader who reported a comment (and left their
// address) what the moderators decided and why, as the EU Digital
// Services Act asks of a decision on a notice.
func (s *Service) ReportDecided(ctx context.Context, c *communique.Comment, r *communique.CommentReport) {
	s.fail("report decided", s.reportDecided(ctx, c, r), "comment", c.ID, "report", r.ID)
}

func (s *Service) reportDecided(ctx context.Context, c *communique.Comment, r *communique.CommentReport) error {
	if !communique.ValidEmail(r.NotifyEmail) {
		return nil
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	reason := r.DecisionReason
	if reason == "" {
		reason = x.t.T("mail.no_reason")
	}
	body := content{
		Intro: []string{
			x.t.T("mail.report_intro", x.title, x.t.Translate(r.Reason.Label()), communique.FormatDateIn(r.CreatedAt, "j F Y", x.t)),
			x.t.T(decisionWords[r.Decision]),
		},
		Quote:   c.Text,
		Details: []detail{{x.t.T("mail.decision"), string(r.Decision)}, {x.t.T("mail.reason"), reason}, {x.t.T("mail.decided"), communique.FormatDateIn(r.DecidedAt, "j F Y H:i T", x.t)}},
		Notes:   []string{x.t.T("mail.report_why")},
	}
	th := thread{id: "report-" + strconv.FormatInt(r.ID, 10), references: []string{articleRef(x, c.ArticleID)}}
	m, err := s.email(x, mail.Address{Address: r.NotifyEmail}, x.t.T("mail.report_subject", x.title), &body, th, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// CommenterSanctioned tells a commenter they were suspended or banned,
// with the reason and, for a suspension, its end.
func (s *Service) CommenterSanctioned(ctx context.Context, email string, st *communique.CommenterStanding) {
	s.fail("commenter sanctioned", s.commenterSanctioned(ctx, email, st), "standing", st.Standing)
}

func (s *Service) commenterSanctioned(ctx context.Context, email string, st *communique.CommenterStanding) error {
	if !communique.ValidEmail(email) {
		return nil
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	intro := x.t.T("mail.banned_intro", x.title)
	if st.Standing == communique.StandingSuspended {
		intro = x.t.T("mail.suspended_intro", x.title, communique.FormatDateIn(st.Until.UTC(), "j F Y H:i \\U\\T\\C", x.t))
	}
	body := content{Intro: []string{intro}, Details: []detail{{x.t.T("mail.reason"), st.Reason}}}
	m, err := s.email(x, mail.Address{Address: email}, x.t.T("mail.sanction_subject", x.title), &body, thread{}, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// CommentFeatured tells a commenter their comment was featured, when
// they follow the article's comments (they asked for notifications).
func (s *Service) CommentFeatured(ctx context.Context, c *communique.Comment) {
	s.fail("comment featured", s.commentFeatured(ctx, c), "comment", c.ID)
}

func (s *Service) commentFeatured(ctx context.Context, c *communique.Comment) error {
	if !communique.ValidEmail(c.AuthorEmail) {
		return nil
	}
	subs, err := s.Store.FindSubscriptions(ctx, communique.SubscriptionFilter{Topic: communique.TopicComments, ArticleID: c.ArticleID, Status: communique.SubscriptionActive})
	if err != nil {
		return err
	}
	asked := false
	for _, sub := range subs {
		asked = asked || strings.EqualFold(sub.Email, c.AuthorEmail)
	}
	if !asked {
		return nil
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticleByID(ctx, c.ArticleID)
	if err != nil {
		return err
	}
	body := content{
		Intro:  []string{x.t.T("mail.featured_intro", oneLine(a.Title))},
		Quote:  c.Text,
		Action: link{x.t.T("mail.view_comment"), s.articleURL(ctx, x, a) + "#comment-" + strconv.FormatInt(c.ID, 10)},
	}
	m, err := s.email(x, mail.Address{Name: c.AuthorName, Address: c.AuthorEmail}, x.t.T("mail.featured_subject", x.title), &body, commentThread(x, c), nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// StaffReplied tells a reader that a newsroom member answered them.
func (s *Service) StaffReplied(ctx context.Context, reply, parent *communique.Comment) {
	s.fail("staff replied", s.staffReplied(ctx, reply, parent), "comment", reply.ID)
}

func (s *Service) staffReplied(ctx context.Context, reply, parent *communique.Comment) error {
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticleByID(ctx, reply.ArticleID)
	if err != nil {
		return err
	}
	body := content{
		Intro:  []string{x.t.T("mail.staff_intro", commentName(reply), oneLine(a.Title))},
		Quote:  reply.Text,
		Action: link{x.t.T("mail.view_comment"), s.articleURL(ctx, x, a) + "#comment-" + strconv.FormatInt(reply.ID, 10)},
	}
	m, err := s.email(x, mail.Address{Name: parent.AuthorName, Address: parent.AuthorEmail}, x.t.T("mail.staff_subject", x.title), &body, commentThread(x, parent), nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}
