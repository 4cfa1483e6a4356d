package sqlite

import (
	"context"
	"path/filepath"

	"communique/media"
	"communique/sqlstore"
)

// Site is a site kept on one machine's disk: the database file in the
// data folder (or where File says) and the media folder beside it.
type Site struct {
	Dir  string // the data folder
	File string // the database file; "" is Dir's FileName
}

// DatabaseFile is the database file.
func (s Site) DatabaseFile() string {
	if s.File != "" {
		return s.File
	}
	return filepath.Join(s.Dir, FileName)
}

// Open opens (creating if needed) the site's store and migrates it.
func (s Site) Open(ctx context.Context) (*sqlstore.DB, error) {
	if s.File != "" {
		return OpenFile(ctx, s.File)
	}
	return Open(ctx, s.Dir)
}

// MediaDir is the media folder, whose files a backup carries.
func (s Site) MediaDir() string { return filepath.Join(s.Dir, "media") }

// MediaStorage keeps uploads in the media folder, beside the database.
func (s Site) MediaStorage(*sqlstore.DB) (media.Storage, error) {
	return media.NewFileStorage(s.MediaDir())
}

// Shared reports whether several nodes share the store: never, one file
// has one machine.
func (Site) Shared() bool { return false }

// Watch returns at once: other processes' writes show in the store's
// change stamp, which the server polls.
func (Site) Watch(context.Context, func()) {}
