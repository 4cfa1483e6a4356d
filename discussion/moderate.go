package discussion

import (
	"context"
	"strings"

	"communique"
	"communique/markup"
	"communique/spam"
)

// What moderators do. Each method checks that by may moderate (the
// newsroom's and the API's signed-in user; communique.System() for the
// command line), changes the comment once, then raises the change's side
// effects, so every door gets the same ones.

// mayModerate refuses users without the moderate capability.
func mayModerate(by *communique.User) error {
	if !communique.Can(by, communique.ActionModerateComment, nil) {
		return communique.Errorf(communique.EFORBIDDEN, "Sorry, you are not allowed to moderate comments.")
	}
	return nil
}

// Approve shows a comment. Approving a comment that was not approved
// tells its article's author, its followers and webhooks (comment.approved);
// the classifier learns it is not spam.
func (s *Service) Approve(ctx context.Context, by *communique.User, id int64) error {
	return s.Moderate(ctx, by, id, communique.CommentApproved)
}

// Unapprove holds a comment for moderation again.
func (s *Service) Unapprove(ctx context.Context, by *communique.User, id int64) error {
	return s.Moderate(ctx, by, id, communique.CommentPending)
}

// Spam marks a comment as spam and teaches the classifier so.
func (s *Service) Spam(ctx context.Context, by *communique.User, id int64) error {
	return s.Moderate(ctx, by, id, communique.CommentSpam)
}

// Trash moves a comment to the trash, where moderators still see it.
func (s *Service) Trash(ctx context.Context, by *communique.User, id int64) error {
	return s.Moderate(ctx, by, id, communique.CommentTrash)
}

// Moderate moves a comment to status (any of the four, as the REST API's
// status field does) and raises what the move means: see Approve and
// Spam. EFORBIDDEN, ENOTFOUND, EINVALID for an unknown status.
func (s *Service) Moderate(ctx context.Context, by *communique.User, id int64, status communique.CommentStatus) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	if !status.Valid() {
		return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", status)
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.Store.SetCommentStatus(ctx, id, status); err != nil {
		return err
	}
	if err := s.moved(ctx, c, status); err != nil {
		return err
	}
	if err := s.audit(ctx, by, string(status), c.ID, communique.CommenterKey(c.AuthorEmail), ""); err != nil {
		return err
	}
	// Any verdict answers the readers who reported the comment.
	return s.closeReports(ctx, by, c, status, "")
}

// moved raises the side effects of c moving to status: the classifier
// learns from the verdict, then an approval is announced.
func (s *Service) moved(ctx context.Context, c *communique.Comment, status communique.CommentStatus) error {
	before := c.Status
	s.changed(c.ArticleID)
	if status == communique.CommentApproved {
		s.keepReasons(ctx, c.ID, status, nil) // a moderator's verdict answers them
	}
	err := s.train(ctx, c, status)
	if status == communique.CommentApproved && before != communique.CommentApproved && s.Notify != nil {
		approved := *c
		approved.Status = status
		s.Notify.CommentApproved(ctx, &approved)
	}
	s.federate(ctx, c, withStatus(c, status))
	return err
}

// train teaches the classifier a moderator's verdict: spam is spam,
// approval is ham; other statuses say nothing about the words.
func (s *Service) train(ctx context.Context, c *communique.Comment, status communique.CommentStatus) error {
	switch status {
	case communique.CommentSpam:
		return s.Store.TrainComment(ctx, c.ID, spam.Tokens(document(c)), true)
	case communique.CommentApproved:
		return s.Store.TrainComment(ctx, c.ID, spam.Tokens(document(c)), false)
	}
	return nil
}

// Delete removes a comment for good; its replies move up to its parent.
// EFORBIDDEN, ENOTFOUND.
func (s *Service) Delete(ctx context.Context, by *communique.User, id int64) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteComment(ctx, id); err != nil {
		return err
	}
	s.changed(c.ArticleID)
	s.federate(ctx, c, nil)
	return s.audit(ctx, by, "delete", c.ID, communique.CommenterKey(c.AuthorEmail), "")
}

// Amend replaces a comment's text as a moderator: the status and score
// stay (a moderator's words need no moderation), the old text is kept as
// a revision. An unchanged text changes nothing. A refused text is an
// *Error of KindInvalid; EFORBIDDEN, ENOTFOUND.
func (s *Service) Amend(ctx context.Context, by *communique.User, id int64, text string) (*communique.Comment, error) {
	if err := mayModerate(by); err != nil {
		return nil, err
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	probe := communique.Comment{Text: strings.TrimSpace(text)}
	if msg := probe.Validate(false)["comment"]; msg != "" {
		return nil, &Error{Kind: KindInvalid, Message: msg, Fields: map[string]string{"comment": msg}}
	}
	if probe.Text == c.Text {
		return c, nil
	}
	if err := s.Store.UpdateCommentText(ctx, id, probe.Text, markup.Comment(probe.Text), c.Status, c.SpamScore); err != nil {
		return nil, err
	}
	s.changed(c.ArticleID)
	if err := s.audit(ctx, by, "edit", c.ID, communique.CommenterKey(c.AuthorEmail), ""); err != nil {
		return nil, err
	}
	after, err := s.Store.FindCommentByID(ctx, id)
	if err == nil {
		s.federate(ctx, c, after)
	}
	return after, err
}

// Reply publishes a moderator's reply to a comment, approving the comment
// first if it was held, as WordPress does. A refused reply changes
// nothing: the held comment stays held and nobody hears of it.
func (s *Service) Reply(ctx context.Context, st *communique.Settings, by *communique.User, parentID int64, text, ip, userAgent string) (*communique.Comment, error) {
	if err := mayModerate(by); err != nil {
		return nil, err
	}
	parent, err := s.Store.FindCommentByID(ctx, parentID)
	if err != nil {
		return nil, err
	}
	// An empty reply is refused before the parent is approved.
	probe := communique.Comment{Text: strings.TrimSpace(text)}
	if msg := probe.Validate(false)["comment"]; msg != "" {
		return nil, communique.Errorf(communique.EINVALID, "%s", msg)
	}
	held := parent.Status != communique.CommentApproved
	if held {
		// Approved in the store first: a reply goes only under an approved
		// comment. Its side effects wait for the reply to stand.
		if err := s.Store.SetCommentStatus(ctx, parent.ID, communique.CommentApproved); err != nil {
			return nil, err
		}
	}
	sub := Submission{ArticleID: parent.ArticleID, ParentID: parent.ID, Text: text, SkipToken: true, IP: ip, UserAgent: userAgent, By: by}
	reply, notified, err := s.create(ctx, st, sub)
	if err != nil {
		if held {
			if rerr := s.Store.SetCommentStatus(ctx, parent.ID, parent.Status); rerr != nil {
				s.logger().Error("undo approval after a refused reply", "comment", parent.ID, "err", rerr)
			}
		}
		return nil, err
	}
	if held {
		if err := s.moved(ctx, parent, communique.CommentApproved); err != nil {
			return nil, err
		}
	}
	s.posted(ctx, reply, sub, notified)
	return reply, nil
}
