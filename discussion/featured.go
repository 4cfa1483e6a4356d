package discussion

import (
	"context"

	"communique"
)

// Editors' picks and staff voices: a moderator features a comment,
// which then shows above the thread; comments by the newsroom carry a
// badge with their role, and the article's own author is marked so.

// FeatureNotifier hears of a featured comment, to tell its author when
// they follow the discussion. The Notifier may implement it.
type FeatureNotifier interface {
	CommentFeatured(ctx context.Context, c *communique.Comment)
}

// StaffReplyNotifier hears of a newsroom member's reply to a reader,
// to tell the reader. The Notifier may implement it.
type StaffReplyNotifier interface {
	StaffReplied(ctx context.Context, reply, parent *communique.Comment)
}

// Feature lifts an approved comment above the thread, or puts it back.
// EFORBIDDEN, ENOTFOUND, EINVALID for a comment that is not approved.
func (s *Service) Feature(ctx context.Context, by *communique.User, id int64, featured bool) error {
	if err := mayModerate(by); err != nil {
		return err
	}
	if s.Features == nil {
		return communique.Errorf(communique.EINTERNAL, "featured comments are not kept by this store")
	}
	c, err := s.Store.FindCommentByID(ctx, id)
	if err != nil {
		return err
	}
	if featured && c.Status != communique.CommentApproved {
		return communique.Errorf(communique.EINVALID, "Only a published comment can be featured.")
	}
	if err := s.Features.SetCommentFeatured(ctx, id, featured, userID(by)); err != nil {
		return err
	}
	s.changed(c.ArticleID)
	action := "feature"
	if !featured {
		action = "unfeature"
	}
	if err := s.audit(ctx, by, action, c.ID, communique.CommenterKey(c.AuthorEmail), ""); err != nil {
		return err
	}
	if tell, ok := s.Notify.(FeatureNotifier); ok && featured {
		tell.CommentFeatured(ctx, c)
	}
	return nil
}

// Badge is what a comment by a user of this role is marked with; "" for
// readers with an account.
func Badge(role communique.Role) string {
	switch role {
	case communique.RoleAdministrator, communique.RoleEditor:
		return "Editor"
	case communique.RoleAuthor:
		return "Reporter"
	case communique.RoleContributor:
		return "Contributor"
	}
	return ""
}

// AuthorBadge marks the article's author replying under their article.
const AuthorBadge = "Author"

// decorate loads the featured comments of a page and marks featured and
// staff comments. Pages of readers only cost one query more: users are
// looked up only when a comment has one.
func (s *Service) decorate(ctx context.Context, p *Page, articleID int64, all []*communique.Comment) error {
	if err := s.markRemote(ctx, all); err != nil {
		return err
	}
	if s.Features == nil {
		return nil
	}
	featured, err := s.Features.FindFeaturedComments(ctx, articleID)
	if err != nil {
		return err
	}
	p.Featured = featured
	picked := map[int64]bool{}
	for _, c := range featured {
		picked[c.ID] = true
	}
	var users []int64
	seen := map[int64]bool{}
	for _, c := range append(all, featured...) {
		c.Featured = picked[c.ID]
		if c.UserID != 0 && !seen[c.UserID] {
			seen[c.UserID] = true
			users = append(users, c.UserID)
		}
	}
	if len(users) == 0 {
		return nil
	}
	roles, err := s.Features.FindUserRoles(ctx, users)
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return err
	}
	for _, c := range append(all, featured...) {
		if c.UserID == 0 {
			continue
		}
		if c.UserID == a.AuthorID {
			c.Badge = AuthorBadge
		} else {
			c.Badge = Badge(roles[c.UserID])
		}
	}
	return nil
}
