// Package newsroom is the article service: the one way anything creates,
// edits, publishes, schedules, unpublishes, trashes, restores or deletes
// an article or page, publishes the scheduled ones when their time comes,
// or brings them in from an import. Every door (the newsroom at /admin,
// the REST API, the command line, the scheduler, the importer, the demo)
// parses its input and calls one method here; the method checks who may
// do it, applies the rules (rendering, summary, slug, dates, parents, alt
// text), has the store write it in one transaction, then raises every
// side effect in one place (effects.go).
package newsroom

import (
	"context"
	"time"

	"communique"
)

// Store is what the service needs from a store: reads, and writes that
// store what the service prepared, each in one transaction.
type Store interface {
	// Clock is the store's time, so times the service sets agree with
	// those the store sets (tests fix both at once).
	Clock() time.Time
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
	FindMediaByID(ctx context.Context, id int64) (*communique.Media, error)
	FindMediaByKey(ctx context.Context, key string) (*communique.Media, error)
	FindRevisionByID(ctx context.Context, id int64) (*communique.Revision, error)
	// InsertArticle stores a new article, settling its slug, terms and
	// revision in the same transaction. EINVALID for unknown terms.
	InsertArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error
	// SaveArticle stores an existing article likewise. ENOTFOUND.
	SaveArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error
	// DeleteArticle removes an article for good. ENOTFOUND.
	DeleteArticle(ctx context.Context, id int64) error
	// PublishDueIDs flips due scheduled articles to published in one
	// statement and returns those it flipped, so each is announced once
	// even with several nodes.
	PublishDueIDs(ctx context.Context) ([]int64, error)
	// ImportBatch stores imported articles, attachments and comments in
	// one transaction, settling each article's slug with b.SettleSlug.
	ImportBatch(ctx context.Context, b *communique.ImportBatch) error
	// SetArticleBody replaces a body and its rendering, keeping the
	// article's dates. ENOTFOUND.
	SetArticleBody(ctx context.Context, id int64, source, html, summary string) error
	// Autosave keeps a user's unsaved text of an article, replacing their
	// previous autosave of it; the article itself is untouched.
	Autosave(ctx context.Context, r *communique.Revision) error
	communique.EditLocks
	communique.ArticleNotes
	communique.ReviewStore
	// SetArticleFeatured sets an article's featured image, keeping its
	// dates. ENOTFOUND.
	SetArticleFeatured(ctx context.Context, id, mediaID int64) error
}

// Notifier queues in the outbox what an article's change tells the
// world: webhooks (post.published, post.updated) and subscribers' emails.
// before is nil for a new article.
type Notifier interface {
	ArticleSaved(ctx context.Context, before, after *communique.Article)
}

// Federator sends an article's change to the fediverse's followers
// (activitypub.Service): Create, Update or Delete, through the outbox.
// before is nil for a new article, after nil for a deleted one.
type Federator interface {
	ArticleChanged(ctx context.Context, before, after *communique.Article)
}

// Invalidator drops this node's cached pages at once. Other nodes hear of
// the change through the store (triggers bump cache tags in the change's
// own transaction), so this only saves the local node its polling delay.
type Invalidator interface {
	StoreChanged()
}

// Service is the article service.
type Service struct {
	Store Store
	// Notifier, when set, hears of every change but imports.
	Notifier Notifier
	// Federator, when set, hears of every change but imports.
	Federator Federator
	// Invalidator, when set, hears of every change, imports included.
	Invalidator Invalidator
	// Front keeps the edited front page; New sets it when the store
	// keeps one.
	Front communique.FrontPageStore
	// LiveBlogs keeps live blogs and their entries; New sets it when the
	// store keeps them.
	LiveBlogs communique.LiveBlogs
	// Menus keeps the navigation menus; New sets it when the store
	// keeps them.
	Menus communique.MenuService
}

// New returns a service over store that notifies nobody; set Notifier and
// Invalidator for a serving node.
func New(store Store) *Service {
	s := &Service{Store: store}
	s.Front, _ = store.(communique.FrontPageStore)
	s.LiveBlogs, _ = store.(communique.LiveBlogs)
	s.Menus, _ = store.(communique.MenuService)
	return s
}

// ServiceOr returns svc, or when it is nil a service over store telling
// n, for doors built without one (tests); nil when store is no Store.
func ServiceOr(svc *Service, store any, n Notifier) *Service {
	if svc != nil {
		return svc
	}
	st, ok := store.(Store)
	if !ok {
		return nil
	}
	s := New(st)
	s.Notifier = n
	return s
}

// Actor is who does something: a signed-in user, whose role the
// capability table judges, or the site itself.
type Actor struct {
	User   *communique.User
	system bool
}

// As is the actor for a signed-in user.
func As(u *communique.User) Actor { return Actor{User: u} }

// System is the site acting on its own: the scheduler, the importer, the
// demo content, set-up in tests. It may do anything, and its revisions
// have no user.
var System = Actor{system: true}

// can reports whether the actor may do action, on a when it concerns one.
func (by Actor) can(action communique.Action, a *communique.Article) bool {
	return by.system || communique.Can(by.User, action, a)
}

// userID is the user recorded on revisions the actor makes; 0 for the site.
func (by Actor) userID() int64 {
	if by.system || by.User == nil {
		return 0
	}
	return by.User.ID
}

func forbidden(what string) error {
	return communique.Errorf(communique.EFORBIDDEN, "Sorry, you are not allowed to %s.", what)
}
