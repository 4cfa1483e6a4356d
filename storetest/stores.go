package storetest

import (
	"context"
	"testing"
	"time"

	"communique/postgres"
	"communique/sqlite"
	"communique/sqlstore"
)

// Kind is one kind of store a test can run on.
type Kind string

// The kinds of store, in the order tests run on them.
const (
	SQLite     Kind = "SQLite"
	PostgreSQL Kind = "PostgreSQL"
)

// Kinds are every kind of store, SQLite first: it never skips.
var Kinds = []Kind{SQLite, PostgreSQL}

// Place is where a fresh, empty store of one kind lives: a SQLite data
// folder, or a PostgreSQL schema with a data folder of its own for media
// and backups.
type Place struct {
	Kind Kind
	Dir  string // the data folder; SQLite's database file lives in it
	DSN  string // the PostgreSQL schema; "" for SQLite
	// Now is the clock every handle from Open gets; nil keeps the real one.
	Now func() time.Time
}

// Option changes how stores are made for a test.
type Option func(*options)

type options struct {
	parallel bool
	now      func() time.Time
}

// FixedClock stops the clock of every store at now, so "scheduled" and
// "published" never depend on the day the tests run.
func FixedClock(now time.Time) Option {
	return func(o *options) { o.now = func() time.Time { return now } }
}

// Parallel runs the subtest of each kind side by side, for tests where one
// mostly waits for PostgreSQL while the other keeps the processor busy.
// Only ForEachStore and ForEachPlace heed it.
func Parallel() Option {
	return func(o *options) { o.parallel = true }
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Fresh makes a new, empty place of this kind that is removed when tb
// ends. A PostgreSQL place skips the test without COMMUNIQUE_TEST_POSTGRES,
// or fails it under COMMUNIQUE_TEST_STRICT=1 (see PostgresDSN).
func (k Kind) Fresh(tb testing.TB, opts ...Option) Place {
	tb.Helper()
	p := Place{Kind: k, Now: collect(opts).now}
	if k == PostgreSQL {
		p.DSN = PostgresDSN(tb)
	}
	p.Dir = tb.TempDir()
	return p
}

// Open opens a handle on the place's store, migrated and closed when tb
// ends. Each call opens another handle on the same data, as a second node
// of the site would.
func (p Place) Open(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	var db *sqlstore.DB
	var err error
	if p.Kind == PostgreSQL {
		db, err = postgres.Open(context.Background(), p.DSN)
	} else {
		db, err = sqlite.Open(context.Background(), p.Dir)
	}
	if err != nil {
		tb.Fatalf("open %s store: %v", p.Kind, err)
	}
	tb.Cleanup(func() { db.Close() })
	if p.Now != nil {
		db.Now = p.Now
	}
	return db
}

// Flags are the command-line flags that point communique at the place.
func (p Place) Flags() []string {
	if p.Kind == PostgreSQL {
		return []string{"--db", p.DSN, "--data", p.Dir}
	}
	return []string{"--data", p.Dir}
}

// ForEachKind runs fn in a subtest named for each kind of store, for tests
// that make several places of one kind with Kind.Fresh.
func ForEachKind(t *testing.T, fn func(t *testing.T, kind Kind)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) { fn(t, kind) })
	}
}

// ForEachPlace runs fn on a fresh, empty place of each kind, for tests
// that open several handles on one store or hand its flags to the command
// line.
func ForEachPlace(t *testing.T, fn func(t *testing.T, place Place), opts ...Option) {
	t.Helper()
	o := collect(opts)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			if o.parallel {
				t.Parallel()
			}
			fn(t, kind.Fresh(t, opts...))
		})
	}
}

// ForEachStore runs fn on a fresh, open store of each kind: SQLite in a
// temporary folder, then PostgreSQL in a fresh schema (skipped without
// COMMUNIQUE_TEST_POSTGRES, failed under COMMUNIQUE_TEST_STRICT=1).
func ForEachStore(t *testing.T, fn func(t *testing.T, db *sqlstore.DB), opts ...Option) {
	t.Helper()
	ForEachPlace(t, func(t *testing.T, place Place) { fn(t, place.Open(t)) }, opts...)
}

// Open opens a fresh store of this kind, for tests that need only one;
// it is an Opener.
func (k Kind) Open(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	return k.Fresh(tb).Open(tb)
}
