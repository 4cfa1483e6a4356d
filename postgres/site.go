package postgres

import (
	"context"

	"communique/media"
	"communique/sqlstore"
)

// Site is a site on a PostgreSQL server, which several nodes may share.
type Site struct {
	DSN string // postgres://…
}

// DatabaseFile is "": the store is a server's, not a file.
func (Site) DatabaseFile() string { return "" }

// Open connects and migrates.
func (s Site) Open(ctx context.Context) (*sqlstore.DB, error) { return Open(ctx, s.DSN) }

// MediaDir is "": media live in the database.
func (Site) MediaDir() string { return "" }

// MediaStorage keeps uploads in the database, as nodes share no disk.
func (Site) MediaStorage(db *sqlstore.DB) (media.Storage, error) {
	return sqlstore.NewDBStorage(db), nil
}

// Shared reports that several nodes may share the store.
func (Site) Shared() bool { return true }

// Watch calls fn whenever any node changes what pages show, until ctx
// ends (LISTEN on CacheChannel).
func (s Site) Watch(ctx context.Context, fn func()) {
	Listen(ctx, s.DSN, CacheChannel, func(string) { fn() })
}
