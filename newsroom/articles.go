package newsroom

import (
	"context"
	"time"

	"communique"
)

// Create writes a new article or page; a is filled with what was stored.
// Publishing at once needs the right to publish. EFORBIDDEN, EINVALID.
func (s *Service) Create(ctx context.Context, by Actor, a *communique.Article, categoryIDs, tagIDs []int64) error {
	withDefaults(a)
	create := communique.ActionCreateArticle
	if a.Type == communique.TypePage {
		create = communique.ActionCreatePage
	}
	if !by.can(create, nil) {
		return forbidden("create this")
	}
	if live(a.Status) && !by.can(communique.ActionPublishArticle, a) {
		return forbidden("publish this")
	}
	now := s.Store.Clock()
	a.ID = 0
	a.CreatedAt, a.ModifiedAt = now, now
	if err := s.prepare(ctx, a, now); err != nil {
		return err
	}
	// The first revision is the author's text.
	save := communique.ArticleSave{CategoryIDs: &categoryIDs, TagIDs: &tagIDs, Revision: true, RevisionBy: a.AuthorID, Slug: SettleSlug}
	if a.Bylines != nil {
		bylines := a.Bylines
		save.Bylines = &bylines
	}
	if err := s.Store.InsertArticle(ctx, a, save); err != nil {
		return err
	}
	after, err := s.Store.FindArticleByID(ctx, a.ID)
	if err != nil {
		return err
	}
	*a = *after
	s.changed(ctx, nil, after)
	return nil
}

// Update changes the given fields of an article. Making it live needs the
// right to publish, trashing it the right to delete, and giving it to
// another author the right to edit theirs.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) Update(ctx context.Context, by Actor, id int64, upd communique.ArticleUpdate) (*communique.Article, error) {
	return s.change(ctx, by, id, upd, func(before *communique.Article) error {
		if !by.can(communique.ActionEditArticle, before) {
			return forbidden("edit this")
		}
		if upd.Status != nil && live(*upd.Status) && !by.can(communique.ActionPublishArticle, before) {
			return forbidden("publish this")
		}
		if upd.Status != nil && *upd.Status == communique.StatusTrash && !by.can(communique.ActionDeleteArticle, before) {
			return forbidden("delete this")
		}
		if upd.AuthorID != nil && *upd.AuthorID != before.AuthorID {
			as := *before
			as.AuthorID = *upd.AuthorID
			if !by.can(communique.ActionEditArticle, &as) {
				return forbidden("give this to another author")
			}
		}
		return nil
	})
}

// Publish makes an article public now, or at its future date (then it is
// scheduled). EFORBIDDEN, ENOTFOUND, EINVALID (alt text missing, say).
func (s *Service) Publish(ctx context.Context, by Actor, id int64) (*communique.Article, error) {
	st := communique.StatusPublished
	return s.change(ctx, by, id, communique.ArticleUpdate{Status: &st}, s.may(by, communique.ActionPublishArticle, "publish this"))
}

// Schedule plans an article's publication at a future time. EFORBIDDEN,
// ENOTFOUND, EINVALID for a time that is not in the future.
func (s *Service) Schedule(ctx context.Context, by Actor, id int64, at time.Time) (*communique.Article, error) {
	if !at.After(s.Store.Clock()) {
		return nil, communique.Errorf(communique.EINVALID, "A scheduled article needs a date and time in the future.")
	}
	st := communique.StatusScheduled
	return s.change(ctx, by, id, communique.ArticleUpdate{Status: &st, PublishedAt: &at}, s.may(by, communique.ActionPublishArticle, "schedule this"))
}

// Unpublish takes an article back to a draft or to pending review.
// EFORBIDDEN, ENOTFOUND, EINVALID for another status.
func (s *Service) Unpublish(ctx context.Context, by Actor, id int64, to communique.Status) (*communique.Article, error) {
	if to != communique.StatusDraft && to != communique.StatusPending {
		return nil, communique.Errorf(communique.EINVALID, "An article can go back to a draft or to pending review, not to %q.", to)
	}
	return s.change(ctx, by, id, communique.ArticleUpdate{Status: &to}, s.may(by, communique.ActionEditArticle, "edit this"))
}

// Trash moves an article to the trash, from where it can be restored.
// EFORBIDDEN, ENOTFOUND, ECONFLICT when it is there already.
func (s *Service) Trash(ctx context.Context, by Actor, id int64) (*communique.Article, error) {
	st := communique.StatusTrash
	return s.change(ctx, by, id, communique.ArticleUpdate{Status: &st}, func(before *communique.Article) error {
		if !by.can(communique.ActionDeleteArticle, before) {
			return forbidden("delete this")
		}
		if before.Status == communique.StatusTrash {
			return communique.Errorf(communique.ECONFLICT, "The article is already in the trash.")
		}
		return nil
	})
}

// Restore takes an article out of the trash as a draft, as WordPress
// does. EFORBIDDEN, ENOTFOUND, ECONFLICT when it is not in the trash.
func (s *Service) Restore(ctx context.Context, by Actor, id int64) (*communique.Article, error) {
	st := communique.StatusDraft
	return s.change(ctx, by, id, communique.ArticleUpdate{Status: &st}, func(before *communique.Article) error {
		if !by.can(communique.ActionDeleteArticle, before) {
			return forbidden("restore this")
		}
		if before.Status != communique.StatusTrash {
			return communique.Errorf(communique.ECONFLICT, "The article is not in the trash.")
		}
		return nil
	})
}

// RestoreRevision makes a revision's text the article's (itself a save,
// so it leaves a revision too). EFORBIDDEN, ENOTFOUND.
func (s *Service) RestoreRevision(ctx context.Context, by Actor, revisionID int64) (*communique.Article, error) {
	rev, err := s.Store.FindRevisionByID(ctx, revisionID)
	if err != nil {
		return nil, err
	}
	upd := communique.ArticleUpdate{Title: &rev.Title, Source: &rev.Source, Excerpt: &rev.Excerpt}
	return s.change(ctx, by, rev.ArticleID, upd, s.may(by, communique.ActionEditArticle, "edit this"))
}

// Delete removes an article for good. EFORBIDDEN, ENOTFOUND.
func (s *Service) Delete(ctx context.Context, by Actor, id int64) error {
	before, err := s.Store.FindArticleByID(ctx, id)
	if err != nil {
		return err
	}
	if !by.can(communique.ActionDeleteArticle, before) {
		return forbidden("delete this")
	}
	if err := s.Store.DeleteArticle(ctx, id); err != nil {
		return err
	}
	s.changed(ctx, before, nil)
	return nil
}

// PublishDue publishes the scheduled articles whose time has come and
// returns how many. Only the node whose store write flipped an article
// announces it, so with several nodes each is announced once.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	ids, err := s.Store.PublishDueIDs(ctx)
	for _, id := range ids {
		after, ferr := s.Store.FindArticleByID(ctx, id)
		if ferr != nil {
			err = ferr
			continue
		}
		before := *after
		before.Status = communique.StatusScheduled
		s.changed(ctx, &before, after)
	}
	return len(ids), err
}

// change applies upd to an article after check allowed it, by the same
// rules as a new article, and records a revision when the text changed.
func (s *Service) change(ctx context.Context, by Actor, id int64, upd communique.ArticleUpdate, check func(before *communique.Article) error) (*communique.Article, error) {
	before, err := s.Store.FindArticleByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := check(before); err != nil {
		return nil, err
	}
	a := *before
	apply(&a, upd)
	now := s.Store.Clock()
	a.ModifiedAt = now
	if err := s.prepare(ctx, &a, now); err != nil {
		return nil, err
	}
	if upd.BaseVersion != 0 && upd.BaseVersion != before.Version {
		return nil, staleSave(upd.BaseVersion)
	}
	save := communique.ArticleSave{CategoryIDs: upd.CategoryIDs, TagIDs: upd.TagIDs, Slug: SettleSlug,
		Revision: textOf(&a) != textOf(before), RevisionBy: by.userID(), IfVersion: upd.BaseVersion, Bylines: upd.Bylines}
	if err := s.Store.SaveArticle(ctx, &a, save); err != nil {
		if save.IfVersion != 0 && communique.ErrorCode(err) == communique.ECONFLICT {
			// Saved by someone else between the read above and the write.
			if now, ferr := s.Store.FindArticleByID(ctx, id); ferr == nil && now.Version != save.IfVersion {
				return nil, staleSave(save.IfVersion)
			}
		}
		return nil, err
	}
	after, err := s.Store.FindArticleByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.changed(ctx, before, after)
	return after, nil
}

// may is a check needing one capability on the article as it was.
func (s *Service) may(by Actor, action communique.Action, what string) func(*communique.Article) error {
	return func(before *communique.Article) error {
		if !by.can(action, before) {
			return forbidden(what)
		}
		return nil
	}
}

// apply sets the fields upd gives.
func apply(a *communique.Article, upd communique.ArticleUpdate) {
	set(&a.Title, upd.Title)
	set(&a.Slug, upd.Slug)
	set(&a.Format, upd.Format)
	set(&a.Source, upd.Source)
	set(&a.Excerpt, upd.Excerpt)
	set(&a.AuthorID, upd.AuthorID)
	set(&a.Status, upd.Status)
	set(&a.PublishedAt, upd.PublishedAt)
	set(&a.Sticky, upd.Sticky)
	set(&a.CommentsOpen, upd.CommentsOpen)
	set(&a.ParentID, upd.ParentID)
	set(&a.MenuOrder, upd.MenuOrder)
	set(&a.FeaturedMediaID, upd.FeaturedMediaID)
	set(&a.Lang, upd.Lang)
	set(&a.Password, upd.Password)
}

func set[T any](dst, src *T) {
	if src != nil {
		*dst = *src
	}
}

// textOf is what a revision keeps; a save that changes it makes one.
func textOf(a *communique.Article) string {
	return a.Title + "\x00" + a.Source + "\x00" + a.Excerpt
}

// live statuses need the right to publish: private too, as WordPress's
// publish_posts is what making a post private asks for.
func live(st communique.Status) bool {
	return st == communique.StatusPublished || st == communique.StatusScheduled || st == communique.StatusPrivate
}
