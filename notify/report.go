package notify

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"communique"
	"communique/mail"
)

// decisionWords says what each status means to the reader who reported.
var decisionWords = map[communique.CommentStatus]string{
	communique.CommentApproved: "The comment stays published: the moderators found it within the site's rules.",
	communique.CommentPending:  "The comment is held from publication while the moderators review it further.",
	communique.CommentSpam:     "The comment was removed as spam.",
	communique.CommentTrash:    "The comment was removed.",
}

// ReportDecided tells a reader who reported a comment (and left their
// address) what the moderators decided and why, as the EU Digital
// Services Act asks of a decision on a notice. English only for now.
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
		reason = "No further reason was given."
	}
	body := content{
		Intro: []string{
			fmt.Sprintf("You reported a comment on %s as “%s” on %s. A moderator has decided.", x.title, r.Reason.Label(), r.CreatedAt.Format("2 January 2006")),
			decisionWords[r.Decision],
		},
		Quote:   c.Text,
		Details: []detail{{"Decision", string(r.Decision)}, {"Reason", reason}, {"Decided", r.DecidedAt.Format("2 January 2006 15:04 MST")}},
		Notes:   []string{"You receive this message once, because you left your address with your report."},
	}
	th := thread{id: "report-" + strconv.FormatInt(r.ID, 10), references: []string{articleRef(x, c.ArticleID)}}
	m, err := s.email(x, mail.Address{Address: r.NotifyEmail}, fmt.Sprintf("[%s] Decision on your report", x.title), &body, th, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// CommenterSanctioned tells a commenter they were suspended or banned,
// with the reason and, for a suspension, its end. English only for now.
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
	intro := fmt.Sprintf("The moderators of %s have stopped accepting your comments.", x.title)
	if st.Standing == communique.StandingSuspended {
		intro = fmt.Sprintf("The moderators of %s have suspended your comments until %s.", x.title, st.Until.UTC().Format("2 January 2006 15:04 UTC"))
	}
	body := content{Intro: []string{intro}, Details: []detail{{"Reason", st.Reason}}}
	m, err := s.email(x, mail.Address{Address: email}, fmt.Sprintf("[%s] About your comments", x.title), &body, thread{}, nil)
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
		Intro:  []string{fmt.Sprintf("The editors featured your comment on “%s”: it now shows above the discussion.", oneLine(a.Title))},
		Quote:  c.Text,
		Action: link{x.t.ViewComment, s.articleURL(ctx, x, a) + "#comment-" + strconv.FormatInt(c.ID, 10)},
	}
	m, err := s.email(x, mail.Address{Name: c.AuthorName, Address: c.AuthorEmail}, fmt.Sprintf("[%s] Your comment was featured", x.title), &body, commentThread(x, c), nil)
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
		Intro:  []string{fmt.Sprintf("%s, of the newsroom, replied to your comment on “%s”:", commentName(reply), oneLine(a.Title))},
		Quote:  reply.Text,
		Action: link{x.t.ViewComment, s.articleURL(ctx, x, a) + "#comment-" + strconv.FormatInt(reply.ID, 10)},
	}
	m, err := s.email(x, mail.Address{Name: parent.AuthorName, Address: parent.AuthorEmail}, fmt.Sprintf("[%s] The newsroom replied to you", x.title), &body, commentThread(x, parent), nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}
