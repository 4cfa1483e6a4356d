package newsroom

import (
	"context"
	"strings"
	"unicode/utf8"

	"communique"
	"communique/markup"
)

// Live blogs: the desk marks an article live, posts short timestamped
// entries to it while news breaks, marks key events, edits or removes
// entries, and ends the coverage. Whoever may edit the article may do
// all of it. The store's triggers drop the article's page everywhere and
// wake the readers' streams; this node is told at once.

// StartLiveBlog marks an article a live blog, or reopens one the desk
// ended. EFORBIDDEN, ENOTFOUND, EINVALID (a page).
func (s *Service) StartLiveBlog(ctx context.Context, by Actor, articleID int64) (*communique.LiveBlog, error) {
	return s.setLive(ctx, by, articleID, true)
}

// EndLiveBlog closes a live blog: its entries stay, none are added, and
// its page says the coverage has ended. EFORBIDDEN, ENOTFOUND.
func (s *Service) EndLiveBlog(ctx context.Context, by Actor, articleID int64) (*communique.LiveBlog, error) {
	return s.setLive(ctx, by, articleID, false)
}

func (s *Service) setLive(ctx context.Context, by Actor, articleID int64, live bool) (*communique.LiveBlog, error) {
	if _, err := s.liveArticle(ctx, by, articleID); err != nil {
		return nil, err
	}
	l := &communique.LiveBlog{ArticleID: articleID}
	if !live {
		l.EndedAt = s.Store.Clock()
		if _, err := s.LiveBlogs.FindLiveBlog(ctx, articleID); err != nil {
			return nil, err
		}
	}
	if err := s.LiveBlogs.SetLiveBlog(ctx, l); err != nil {
		return nil, err
	}
	s.liveChanged()
	return l, nil
}

// AddLiveEntry posts an entry to a running live blog. EFORBIDDEN,
// ENOTFOUND, EINVALID (empty, too long, the blog ended).
func (s *Service) AddLiveEntry(ctx context.Context, by Actor, e *communique.LiveEntry) error {
	if _, err := s.liveArticle(ctx, by, e.ArticleID); err != nil {
		return err
	}
	l, err := s.LiveBlogs.FindLiveBlog(ctx, e.ArticleID)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return communique.Errorf(communique.EINVALID, "This article is not a live blog; start the live blog first.")
	} else if err != nil {
		return err
	}
	if !l.Live() {
		return communique.Errorf(communique.EINVALID, "This live blog has ended; reopen it to add entries.")
	}
	if err := prepareEntry(e); err != nil {
		return err
	}
	e.UserID = by.userID()
	if err := s.LiveBlogs.CreateLiveEntry(ctx, e); err != nil {
		return err
	}
	s.liveChanged()
	return nil
}

// EditLiveEntry changes an entry's text and key-event mark. EFORBIDDEN,
// ENOTFOUND, EINVALID.
func (s *Service) EditLiveEntry(ctx context.Context, by Actor, id int64, source string, keyEvent bool) (*communique.LiveEntry, error) {
	e, err := s.liveEntry(ctx, by, id)
	if err != nil {
		return nil, err
	}
	e.Source, e.KeyEvent = source, keyEvent
	if err := prepareEntry(e); err != nil {
		return nil, err
	}
	if err := s.LiveBlogs.UpdateLiveEntry(ctx, e); err != nil {
		return nil, err
	}
	s.liveChanged()
	return e, nil
}

// DeleteLiveEntry removes an entry. EFORBIDDEN, ENOTFOUND.
func (s *Service) DeleteLiveEntry(ctx context.Context, by Actor, id int64) (*communique.LiveEntry, error) {
	e, err := s.liveEntry(ctx, by, id)
	if err != nil {
		return nil, err
	}
	if err := s.LiveBlogs.DeleteLiveEntry(ctx, id); err != nil {
		return nil, err
	}
	s.liveChanged()
	return e, nil
}

// liveArticle returns the article when the actor may run its live blog.
func (s *Service) liveArticle(ctx context.Context, by Actor, articleID int64) (*communique.Article, error) {
	if s.LiveBlogs == nil {
		return nil, communique.Errorf(communique.EINTERNAL, "this store keeps no live blogs")
	}
	a, err := s.Store.FindArticleByID(ctx, articleID)
	if err != nil {
		return nil, err
	}
	if !by.can(communique.ActionEditArticle, a) {
		return nil, forbidden("run this live blog")
	}
	if a.Type != communique.TypePost {
		return nil, communique.Errorf(communique.EINVALID, "Live blogs are articles, not pages.")
	}
	return a, nil
}

// liveEntry returns an entry the actor may change.
func (s *Service) liveEntry(ctx context.Context, by Actor, id int64) (*communique.LiveEntry, error) {
	if s.LiveBlogs == nil {
		return nil, communique.Errorf(communique.EINTERNAL, "this store keeps no live blogs")
	}
	e, err := s.LiveBlogs.FindLiveEntryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.liveArticle(ctx, by, e.ArticleID); err != nil {
		return nil, err
	}
	return e, nil
}

// prepareEntry checks an entry's text and renders it as an article's
// Markdown is rendered, through the same sanitiser.
func prepareEntry(e *communique.LiveEntry) error {
	e.Source = strings.TrimSpace(e.Source)
	switch {
	case e.Source == "":
		return communique.Errorf(communique.EINVALID, "Write the entry before posting it.")
	case !communique.ValidText(e.Source):
		return communique.Errorf(communique.EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(e.Source) > communique.MaxLiveEntryLength:
		return communique.Errorf(communique.EINVALID, "An entry is at most %d characters.", communique.MaxLiveEntryLength)
	}
	html, err := markup.RenderBody(communique.FormatMarkdown, e.Source)
	if err != nil {
		return communique.Errorf(communique.EINVALID, "The entry could not be rendered.")
	}
	e.HTML = html
	return nil
}

// liveChanged drops this node's copy of the page at once; other nodes
// hear of it through the store's triggers.
func (s *Service) liveChanged() {
	if s.Invalidator != nil {
		s.Invalidator.StoreChanged()
	}
}
