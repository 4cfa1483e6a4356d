package main

import (
	"communique/admin"
	"communique/discussion"
	"communique/newsroom"
	"communique/notify"
	"communique/privacy"
	"communique/sqlstore"
	"communique/storeops"
	"communique/web"
	"communique/wordpress"
	"communique/wpapi"
)

// Which part of the store each consumer's interface takes, checked at
// compile time. A consumer whose interface one part satisfies could be
// handed just that part; the rest span several parts and take the *DB
// that embeds them all.
var (
	// The outbox worker needs only the outbox.
	_ notify.WorkerStore = (*sqlstore.Outbox)(nil)

	// storeops needs only the connection core (pools, engine, schema
	// version), which every part and DB carry.
	_ storeops.Store = (*sqlstore.DB)(nil)

	// Comments, plus Articles.FindArticleByID.
	_ discussion.Store = (*sqlstore.DB)(nil)
	// Privacy, plus Articles.FindArticleByID.
	_ privacy.Store = (*sqlstore.DB)(nil)
	// Articles, Media.FindMediaBy*, and WordPress.ImportBatch and
	// SetArticleBody.
	_ newsroom.Store = (*sqlstore.DB)(nil)
	// Outbox, plus People, Articles, Comments.CountComments and
	// SiteSettings.
	_ notify.Store = (*sqlstore.DB)(nil)
	// WordPress, plus People, Terms (and menus), Articles and SiteSettings.
	_ wordpress.Store       = (*sqlstore.DB)(nil)
	_ wordpress.ExportStore = (*sqlstore.DB)(nil)
	// The doors read most aggregates: Articles, People, Terms,
	// SiteSettings, Comments, Media, Search, Webmentions, and the core.
	_ web.Store   = (*sqlstore.DB)(nil)
	_ admin.Store = (*sqlstore.DB)(nil)
	_ wpapi.Store = (*sqlstore.DB)(nil)
)
