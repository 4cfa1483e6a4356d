package discussion

import (
	"context"
	"fmt"
	"sort"

	"communique"
)

// Per-article settings an editor chooses (communique.ArticleDiscussion):
// a hidden thread, pre-moderation of everything, a message above the
// form, and Q&A. Post and Edit apply them on every door; the importer
// does not, as WordPress has no such settings.

// ArticleDiscussion returns an article's discussion settings, the zero
// value when the store keeps none.
func (s *Service) ArticleDiscussion(ctx context.Context, articleID int64) (*communique.ArticleDiscussion, error) {
	if s.Discussions == nil {
		return &communique.ArticleDiscussion{ArticleID: articleID}, nil
	}
	return s.Discussions.FindArticleDiscussion(ctx, articleID)
}

// SetArticleDiscussion saves an article's discussion settings: anyone
// who may edit the article may. The change is written to the moderation
// log and drops the article's cached pages.
func (s *Service) SetArticleDiscussion(ctx context.Context, by *communique.User, d *communique.ArticleDiscussion) error {
	a, err := s.Store.FindArticleByID(ctx, d.ArticleID)
	if err != nil {
		return err
	}
	if !communique.Can(by, communique.ActionEditArticle, a) {
		return communique.Errorf(communique.EFORBIDDEN, "Sorry, you are not allowed to change this article's discussion.")
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if s.Discussions == nil {
		return communique.Errorf(communique.EINTERNAL, "This store keeps no discussion settings.")
	}
	old, err := s.Discussions.FindArticleDiscussion(ctx, d.ArticleID)
	if err != nil {
		return err
	}
	if *old == *d {
		return nil
	}
	if err := s.Discussions.SaveArticleDiscussion(ctx, d); err != nil {
		return err
	}
	s.changed(d.ArticleID)
	detail := fmt.Sprintf("article %d: hidden=%t premoderate=%t qa=%t message=%q", d.ArticleID, d.Hidden, d.Premoderate, d.QA, d.Message)
	return s.audit(ctx, by, "discussion settings", 0, "", detail)
}

// held is the status a reader's comment gets on an article whose editor
// holds everything (pre-moderation or Q&A): never more visible than the
// site's rules made it.
func held(d *communique.ArticleDiscussion, status communique.CommentStatus, why []string) (communique.CommentStatus, []string) {
	switch {
	case status != communique.CommentApproved:
		return status, why
	case d.QA:
		return communique.CommentPending, append(why, ReasonQuestion)
	case d.Premoderate:
		return communique.CommentPending, append(why, ReasonArticleHeld)
	}
	return status, why
}

// answered keeps, for a Q&A thread, the questions a newsroom member
// answered (decorate has marked staff with a badge), and the browser's
// own held ones, and puts each question's answers before other replies.
func answered(roots []*communique.Comment) []*communique.Comment {
	var kept []*communique.Comment
	for _, q := range roots {
		if !hasAnswer(q) && q.Status != communique.CommentPending {
			continue
		}
		sort.SliceStable(q.Replies, func(i, j int) bool {
			return q.Replies[i].Badge != "" && q.Replies[j].Badge == ""
		})
		kept = append(kept, q)
	}
	return kept
}

func hasAnswer(c *communique.Comment) bool {
	for _, r := range c.Replies {
		if r.Badge != "" || hasAnswer(r) {
			return true
		}
	}
	return false
}

// flatten lists every reply under these threads.
func flatten(threads []*communique.Comment) []*communique.Comment {
	var all []*communique.Comment
	for _, t := range threads {
		all = append(all, t.Replies...)
		all = append(all, flatten(t.Replies)...)
	}
	return all
}
