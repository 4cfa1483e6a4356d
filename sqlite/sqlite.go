// Package sqlite opens Communiqué's embedded store: one SQLite file in the
// data folder, in WAL mode, through the pure-Go modernc.org/sqlite driver so
// the binary builds with CGO_ENABLED=0.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"communique/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file inside the data folder.
const FileName = "communique.db"

// Dialect is SQLite's flavour of SQL for the shared store.
var Dialect = sqlstore.Dialect{
	IsUniqueViolation: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && (e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	// SQLITE_BUSY and its extended codes: another process held the file
	// for longer than busy_timeout.
	IsTransient: func(err error) bool {
		var e *sqlite.Error
		return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
	},
	Time:                func(t time.Time) any { return t.UTC().Format(sqlstore.TimeText) },
	Greatest:            "MAX",
	PrepareStatements:   true,
	PublishAfterTerms:   true,
	CaseInsensitiveLike: "LIKE",
	Engine:              engine{},
}

// Open opens (creating if needed) the store in dataDir and migrates it.
//
// busy_timeout comes first so that every later pragma, and every write
// from another process such as the CLI while the server runs, waits for
// the lock instead of failing. synchronous=FULL makes a commit durable
// when it returns, at the cost of one fsync per transaction.
func Open(ctx context.Context, dataDir string) (*sqlstore.DB, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	return OpenFile(ctx, filepath.Join(dataDir, FileName))
}

// OpenFile opens the store in one database file and migrates it.
func OpenFile(ctx context.Context, path string) (*sqlstore.DB, error) {
	dsn := func(txlock string, extra ...string) string {
		v := url.Values{}
		v.Add("_pragma", "busy_timeout(10000)")
		v.Add("_pragma", "journal_mode(WAL)")
		v.Add("_pragma", "foreign_keys(1)")
		v.Add("_pragma", "synchronous(FULL)")
		for _, p := range extra {
			v.Add("_pragma", p)
		}
		v.Set("_txlock", txlock)
		return fileURI(path) + "?" + v.Encode()
	}
	// One writer connection: writes queue in Go instead of failing with
	// "database is locked"; IMMEDIATE takes the lock at BEGIN so a
	// transaction never has to upgrade a read lock halfway.
	// The writer never checkpoints inside a commit (a comment would wait
	// for the copy of the whole log into the file and its fsync): a
	// goroutine checkpoints beside it (checkpoints).
	write, err := sql.Open("sqlite", dsn("immediate", "wal_autocheckpoint(0)"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		write.Close()
		return nil, err
	}
	// SQLite runs in this process: a read is CPU work, so readers beyond
	// a couple per core only queue, each with its own page cache (2 MiB).
	readers := max(4, 2*runtime.GOMAXPROCS(0))
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	migs, _ := fs.Sub(migrations, "migrations")
	db := sqlstore.New(write, read, Dialect, migs)
	// Every commit appends to the write-ahead log, so its size and time
	// change with each write from any process: a stat says "something
	// changed" for the price of a system call.
	wal := path + "-wal"
	db.Stamp = func() string {
		st, err := os.Stat(wal)
		if err != nil {
			return "none"
		}
		return strconv.FormatInt(st.ModTime().UnixNano(), 36) + "." + strconv.FormatInt(st.Size(), 36)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.OnClose = checkpoints(read)
	return db, nil
}

// checkpointEvery is how often the log is copied into the database file.
const checkpointEvery = 250 * time.Millisecond

// checkpoints copies the write-ahead log into the database file in the
// background, on a reader connection, without blocking the writer or the
// readers (PASSIVE); the writer starts the log over once a checkpoint has
// caught up. It returns what stops it, after a last checkpoint.
func checkpoints(read *sql.DB) (stop func()) {
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				read.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
				return
			case <-tick.C:
				read.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	var once sync.Once
	// Close may be called more than once.
	return func() { once.Do(func() { close(done); <-stopped }) }
}

// OpenReadOnly opens a database file, such as a backup's snapshot, to
// read it as it is: no migration, no change to its journal mode.
func OpenReadOnly(ctx context.Context, path string) (*sqlstore.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(10000)")
	v.Set("mode", "ro")
	conn, err := sql.Open("sqlite", fileURI(path)+"?"+v.Encode())
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return sqlstore.New(conn, conn, Dialect, nil), nil
}

// fileURI is path as an SQLite URI filename: a '%', '?' or '#' in a
// folder's name is escaped, so it stays part of the name instead of
// starting the query or fragment (a data folder named "site#2" once
// opened a database called "site" beside it).
func fileURI(path string) string {
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(filepath.ToSlash(path))
}
