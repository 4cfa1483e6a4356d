package main

import (
	"path/filepath"

	"communique/media"
	"communique/sqlstore"
)

// mediaStorage is where uploaded images live: the data folder beside the
// SQLite file, or the database itself with PostgreSQL, where several
// nodes share one database but no disk.
func mediaStorage(db *sqlstore.DB, sf *storeFlags) (media.Storage, error) {
	if db.Dialect() == "postgres" {
		return sqlstore.NewDBStorage(db), nil
	}
	return media.NewFileStorage(filepath.Join(sf.data, "media"))
}
