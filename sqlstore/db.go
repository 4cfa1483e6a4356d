// Package sqlstore implements Communiqué's services over database/sql once,
// for both stores. The sqlite and postgres packages open the connections and
// bring their dialect and migrations; everything else, the SQL included, is
// shared, so a rule (who is held, which slug is unique) is written once and
// holds on both.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"communique"
)

// Dialect is what differs between the SQL databases.
type Dialect struct {
	// Numbered placeholders ($1, $2, …) instead of ?. Queries are written
	// with ? and rebound.
	Numbered bool
	// IsUniqueViolation reports whether err is a unique-constraint failure.
	IsUniqueViolation func(error) bool
	// Time converts a time for binding as a parameter.
	Time func(time.Time) any
	// MigrationLock, when set, runs first in every migration transaction so
	// that nodes starting together migrate once.
	MigrationLock string
	// SerializeLock, when set, makes a transaction wait for any other
	// holding it: rare check-then-insert rules (the first administrator)
	// need it where several writers run at once.
	SerializeLock string
	// IsTransient reports whether err aborted a transaction that may
	// simply be run again: a deadlock or a serialization failure
	// (PostgreSQL), a busy database (SQLite).
	IsTransient func(error) bool
	// LockForUpdate ends a SELECT that locks rows about to be updated
	// (" FOR NO KEY UPDATE"); empty where one writer at a time already
	// holds the whole database (SQLite).
	LockForUpdate string
	// CaseInsensitiveLike is the operator for case-insensitive LIKE.
	CaseInsensitiveLike string
	// PrepareStatements keeps statements prepared once per query text.
	PrepareStatements bool
	// PublishAfterTerms: the store indexes a published article for search
	// when it is inserted and again for each category or tag added, but
	// not an unpublished one; an import then inserts a new article
	// unpublished, adds its terms and publishes it, indexing it once.
	PublishAfterTerms bool
	// Greatest is the function returning the larger of two values.
	Greatest string
	// SkipLocked ends a SELECT that claims rows so concurrent claimers
	// pass over each other's rows (" FOR UPDATE SKIP LOCKED"); empty where
	// a single writer already makes the claim atomic (SQLite).
	SkipLocked string
	// PlanForValues, when set, goes first among the arguments of a query
	// whose best plan depends on its values (a search for a rare word or
	// a common one): the database then plans it for them each time rather
	// than settling on a generic plan after a few runs. For pgx it is
	// pgx.QueryExecModeExec.
	PlanForValues any
	// Engine does what differs beyond a word of SQL.
	Engine Engine
}

// DB is a Communiqué store on a SQL database.
// core is the connection state every aggregate part shares: the pools,
// the dialect, the clock, the statement cache and the query counter.
type core struct {
	write   *sql.DB // the only connection(s) that write; one for SQLite
	read    *sql.DB
	dialect Dialect
	migs    fs.FS

	readStmts  *stmtCache
	queries    atomic.Int64
	rateChecks atomic.Int64 // RateLimit calls, to prune old windows now and then

	// Retries counts transactions run again after the database aborted
	// them for a deadlock or a serialization failure.
	Retries atomic.Int64

	// Now is the clock; tests replace it to fix time.
	Now func() time.Time

	// Stamp, when set, returns a value that changes whenever any process
	// commits a write (see ChangeStamp).
	Stamp func() string

	// ReadRouter, when set, picks the pool for each read outside a
	// transaction (a PostgreSQL streaming replica, say); nil means the
	// store's own read pool. It must return nil unless ctx carries
	// communique.WithReplicaReads, so background work and writers read
	// the primary.
	ReadRouter func(ctx context.Context) *sql.DB

	// OnClose, when set, runs at Close (to close what ReadRouter uses).
	OnClose func()
}

// ChangeStamp returns a cheap value that changes when the database was
// written, by this process or another; "" when the store cannot tell.
func (db *core) ChangeStamp() string {
	if db.Stamp == nil {
		return ""
	}
	return db.Stamp()
}

// Services implemented by DB's parts, checked at compile time; DB has
// them all by embedding.
var (
	_ communique.ArticleFinder  = (*Articles)(nil)
	_ communique.UserService    = (*People)(nil)
	_ communique.TermService    = (*Terms)(nil)
	_ communique.SettingService = (*SiteSettings)(nil)
	_ communique.MenuService    = (*Terms)(nil)
)

// New wraps open connections. write and read may be the same pool.
// migrations holds NNNN_name.sql files for the dialect.
func New(write, read *sql.DB, d Dialect, migrations fs.FS) *DB {
	c := &core{write: write, read: read, dialect: d, migs: migrations, Now: time.Now}
	db := newDB(c)
	if d.PrepareStatements {
		db.readStmts = &stmtCache{}
	}
	return db
}

// Dialect returns the store's dialect name, "sqlite" or "postgres".
func (db *core) Dialect() string { return db.dialect.Engine.Name() }

// Close closes the connections.
func (db *core) Close() error {
	if db.OnClose != nil {
		db.OnClose()
	}
	if db.readStmts != nil {
		db.readStmts.m.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	}
	err := db.write.Close()
	if db.read != db.write {
		if rerr := db.read.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Pool is the use of one connection pool, for metrics.
type Pool struct {
	// Name is "write" or "read", or "shared" when one pool does both.
	Name  string
	Stats sql.DBStats
}

// Pools returns the use of the store's connection pools.
func (db *core) Pools() []Pool {
	if db.read == db.write {
		return []Pool{{"shared", db.write.Stats()}}
	}
	return []Pool{{"write", db.write.Stats()}, {"read", db.read.Stats()}}
}

// Ping checks that the database answers.
func (db *core) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Tx is a write transaction with the time captured once at its start, so
// every row it touches carries the same timestamp.
type Tx struct {
	*sql.Tx
	db  *core
	now time.Time
	// articleIDFloor is the last id an import gave an article in this
	// transaction; the next one takes the id after it (wordpress.go).
	articleIDFloor int64
}

func (db *core) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC().Truncate(time.Microsecond)}, nil
}

// querier is a transaction or a pool, so helpers serve reads and writes.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q is a querier that rebinds placeholders for the dialect.
type q struct {
	querier
	d *Dialect
}

func (db *core) r() q {
	return q{pool{db.read, db.readStmts, &db.queries, db.ReadRouter}, &db.dialect}
}

// primary reads from the primary's readers, never a replica: for checks
// that must see a commit made an instant ago without queueing behind
// SQLite's one writer.
func (db *core) primary() q { return q{pool{db.read, nil, &db.queries, nil}, &db.dialect} }

// wr reads through the writer: for checks that must see a commit made an
// instant ago (flood control, throttling) whatever the readers' snapshot.
func (db *core) wr() q { return q{pool{db.write, nil, &db.queries, nil}, &db.dialect} }

// w runs a transaction's statements unprepared: preparing on the pool
// would wait for the one SQLite writer connection this transaction holds.
func (tx *Tx) w() q { return q{txQuerier{tx.Tx, &tx.db.queries}, &tx.db.dialect} }

// QueryCount returns how many statements the store has run, so tests can
// prove a page costs a fixed number of queries (no N+1).
func (db *core) QueryCount() int64 { return db.queries.Load() }

// stmtCache keeps statements prepared once per query text. SQLite parses
// and plans a statement on every prepare; pgx keeps its own cache, so
// PostgreSQL goes without this one.
type stmtCache struct {
	m sync.Map // query text -> *sql.Stmt
	n atomic.Int32
}

// maxStmts bounds the cache: queries with IN lists of many lengths would
// otherwise grow it without end.
const maxStmts = 2000

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	if v, ok := c.m.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if c.n.Load() >= maxStmts {
		return nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain path reports the error
	}
	if v, loaded := c.m.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	c.n.Add(1)
	return st
}

// pool counts statements and uses prepared ones when it has a cache.
type pool struct {
	db    *sql.DB
	stmts *stmtCache
	count *atomic.Int64
	route func(context.Context) *sql.DB // nil, or the ReadRouter
}

// replica returns the pool a router chose for this read, or nil.
func (p pool) replica(ctx context.Context) *sql.DB {
	if p.route == nil {
		return nil
	}
	return p.route(ctx)
}

func (p pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p.count.Add(1)
	if st := p.stmts.get(ctx, p.db, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p.count.Add(1)
	if rp := p.replica(ctx); rp != nil {
		return rp.QueryContext(ctx, query, args...)
	}
	if st := p.stmts.get(ctx, p.db, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.count.Add(1)
	if rp := p.replica(ctx); rp != nil {
		return rp.QueryRowContext(ctx, query, args...)
	}
	if st := p.stmts.get(ctx, p.db, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}

// txQuerier counts a transaction's statements.
type txQuerier struct {
	tx    *sql.Tx
	count *atomic.Int64
}

func (t txQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.count.Add(1)
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.count.Add(1)
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	t.count.Add(1)
	return t.tx.QueryRowContext(ctx, query, args...)
}

func (x q) rebind(s string) string {
	if !x.d.Numbered {
		return s
	}
	return Rebind(s)
}

func (x q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return x.ExecContext(ctx, x.rebind(query), args...)
}

func (x q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return x.QueryContext(ctx, x.rebind(query), args...)
}

func (x q) row(ctx context.Context, query string, args ...any) *sql.Row {
	return x.QueryRowContext(ctx, x.rebind(query), args...)
}

// Rebind turns ? placeholders into $1, $2, … outside quoted literals.
func Rebind(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	n, inQuote := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// t binds a time; the zero time binds as NULL.
func (x q) t(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return x.d.Time(t.UTC())
}

// TimeText is how SQLite stores times: fixed-width UTC text, which sorts
// and compares in time order.
const TimeText = "2006-01-02T15:04:05.000000Z"

// scanTime reads a time column stored as a timestamp or as TimeText.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	for _, layout := range []string{TimeText, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			*s.t = t.UTC()
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", v)
}

// Placeholders returns "?, ?, ?" for n values, for an IN list; "NULL"
// for none, so "IN (NULL)" matches nothing rather than failing to parse.
func Placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Int64Args binds ids as query arguments.
func Int64Args(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// wrap maps driver errors to domain errors in one place.
func (db *core) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *communique.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return communique.Errorf(communique.ENOTFOUND, "%s not found.", what)
	}
	if db.dialect.IsUniqueViolation != nil && db.dialect.IsUniqueViolation(err) {
		return communique.Errorf(communique.ECONFLICT, "That %s already exists.", strings.ToLower(what))
	}
	return fmt.Errorf("%s: %w", strings.ToLower(what), err)
}

// Migrate applies the pending migrations in order, each in its own
// transaction, and records them in schema_migrations.
func (db *core) Migrate(ctx context.Context) error {
	names, err := fs.Glob(db.migs, "*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	versions := make([]int, len(names))
	for i, name := range names {
		if versions[i], err = strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0]); err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
	}
	if db.upToDate(ctx, versions) {
		return nil
	}
	if err := db.migrationsTable(ctx); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	for i, name := range names {
		if err := db.migrate(ctx, versions[i], name); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// upToDate reports whether every version is applied, read without taking
// the write lock: opening a current store (each CLI command beside a
// server taking a stream of comments) must not queue once per migration
// behind the server's writes.
func (db *core) upToDate(ctx context.Context, versions []int) bool {
	rows, err := db.read.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return false // no table yet: the migrations make it
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if rows.Scan(&v) != nil {
			return false
		}
		applied[v] = true
	}
	if rows.Err() != nil {
		return false
	}
	for _, v := range versions {
		if !applied[v] {
			return false
		}
	}
	return true
}

func (db *core) migrationsTable(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if db.dialect.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, db.dialect.MigrationLock); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	return tx.Commit()
}

func (db *core) migrate(ctx context.Context, version int, name string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if db.dialect.MigrationLock != "" {
		if _, err := w.exec(ctx, db.dialect.MigrationLock); err != nil {
			return err
		}
	}
	var n int
	if err := w.row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	} else if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(db.migs, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := w.exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, name); err != nil {
		return err
	}
	return tx.Commit()
}

// SchemaVersion returns the newest applied migration, for readiness checks.
func (db *core) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	return int(v.Int64), err
}

// scanAll reads every row with scan, which scans the current row, and
// closes rows.
func scanAll[T any](rows *sql.Rows, scan func() (T, error)) ([]T, error) {
	defer rows.Close()
	var list []T
	for rows.Next() {
		x, err := scan()
		if err != nil {
			return nil, err
		}
		list = append(list, x)
	}
	return list, rows.Err()
}
