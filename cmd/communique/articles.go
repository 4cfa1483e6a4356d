package main

import (
	"context"
	"log/slog"

	"communique/newsroom"
	"communique/notify"
	"communique/sqlstore"
	"communique/web"
	"communique/wordpress"
)

// The article path is wired here, once, for every command: each door
// (server, scheduler, post create, import, demo) gets its article service
// from these two functions.

// The pieces of the article path fit, checked at compile time.
var (
	_ newsroom.Store       = (*sqlstore.DB)(nil)
	_ newsroom.Notifier    = (*notify.Service)(nil)
	_ newsroom.Invalidator = (*web.Server)(nil)
	_ wordpress.Articles   = (*newsroom.Service)(nil)
)

// articleService is the article service of a command that changes
// articles as people do: every change is announced through notifier
// (webhooks, subscribers' emails) and dropped from cache, when given.
func articleService(db *sqlstore.DB, notifier *notify.Service, cache newsroom.Invalidator) *newsroom.Service {
	svc := newsroom.New(db)
	if notifier != nil {
		svc.Notifier = notifier
	}
	if cache != nil {
		svc.Invalidator = cache
	}
	return svc
}

// commandArticles is the article service of a one-off command: it queues
// its announcements in the outbox, which the serving nodes' workers send.
func commandArticles(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) (*newsroom.Service, error) {
	notifier, err := notify.New(ctx, db, logger)
	if err != nil {
		return nil, err
	}
	return articleService(db, notifier, nil), nil
}
