package main

import (
	"communique/activitypub"
	"context"
	"log/slog"

	"communique/accounts"
	"communique/analytics"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/newsroom"
	"communique/notify"
	"communique/privacy"
	"communique/sqlstore"
	"communique/web"
	"communique/wordpress"
)

// app is Communiqué's services on one store, wired here once: the server
// and every command take theirs from newApp, so none can get a service
// without its collaborators. (The command line once published articles
// and approved comments without telling anyone, because each command
// built its own services and forgot the notifier.)
type app struct {
	db       *sqlstore.DB
	logger   *slog.Logger
	notifier *notify.Service
	// articles announces every change it makes (webhooks, subscribers'
	// emails) and, once a site is attached, drops its cached pages.
	articles *newsroom.Service
	// talk is the one discussion service of every door.
	talk    *discussion.Service
	privacy *privacy.Service
	// accounts creates, changes and deletes people's accounts.
	accounts *accounts.Service
	// counter counts readers; serve sets it, commands have none.
	counter *analytics.Counter
	// fed is the fediverse: articles published from any door (the CLI
	// too) reach followers through the outbox; serve answers and delivers.
	fed *activitypub.Service
}

// The pieces fit, checked at compile time.
var (
	_ newsroom.Store       = (*sqlstore.DB)(nil)
	_ newsroom.Notifier    = (*notify.Service)(nil)
	_ newsroom.Federator   = (*activitypub.Service)(nil)
	_ web.Federation       = (*activitypub.Service)(nil)
	_ activitypub.Store    = (*sqlstore.DB)(nil)
	_ newsroom.Invalidator = (*web.Server)(nil)
	_ wordpress.Articles   = (*newsroom.Service)(nil)
	_ accounts.Store       = (*sqlstore.DB)(nil)
	_ accounts.Notifier    = (*notify.Service)(nil)
)

// openApp opens the store sf names and builds the services on it; the
// caller closes a.db.
func (p *Program) openApp(ctx context.Context, sf *storeFlags) (*app, error) {
	db, err := p.openStore(ctx, sf)
	if err != nil {
		return nil, err
	}
	a, err := newApp(ctx, db, p.logger())
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// newApp builds the services on db. Announcements go to the outbox,
// which a serving node's worker delivers.
func newApp(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) (*app, error) {
	notifier, err := notify.New(ctx, db, logger)
	if err != nil {
		return nil, err
	}
	talk, err := discussionService(ctx, db)
	if err != nil {
		return nil, err
	}
	talk.Notify, talk.Subscribe, talk.Logger = notifier, notifier, logger
	forget, err := privacyService(ctx, db)
	if err != nil {
		return nil, err
	}
	fed := activitypub.New(db, logger)
	fed.Discussion = talk
	talk.Federate = fed
	articles := newsroom.New(db)
	articles.Notifier, articles.Federator = notifier, fed
	return &app{db: db, logger: logger, notifier: notifier, articles: articles, talk: talk, privacy: forget, fed: fed,
		accounts: accounts.New(db, notifier)}, nil
}

// quietArticles is the article service for what is not news (the demo's
// samples, an import): the same rules, no announcements.
func (a *app) quietArticles() *newsroom.Service {
	svc := newsroom.New(a.db)
	svc.Invalidator = a.articles.Invalidator
	return svc
}

// attach makes the services drop the site's cached pages at once when
// they change something it shows; other nodes learn of it through the
// store.
func (a *app) attach(srv *web.Server) {
	a.articles.Invalidator = srv
}

// discussionService builds the discussion rules on the store, with the
// same keys the server uses.
func discussionService(ctx context.Context, db *sqlstore.DB) (*discussion.Service, error) {
	avatarKey, err := db.Secret(ctx, "avatar", randomHex)
	if err != nil {
		return nil, err
	}
	tokenKey, err := db.Secret(ctx, "comment-token", randomHex)
	if err != nil {
		return nil, err
	}
	return discussion.New(db, avatar.New([]byte(avatarKey)), formtoken.NewSigner([]byte(tokenKey))), nil
}

// privacyService is built as serve and the newsroom build it.
func privacyService(ctx context.Context, db *sqlstore.DB) (*privacy.Service, error) {
	key, err := db.Secret(ctx, "avatar", randomHex)
	if err != nil {
		return nil, err
	}
	return privacy.New(db, avatar.New([]byte(key))), nil
}
