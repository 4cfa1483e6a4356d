// Package postgres opens Communiqué's scale-out store on PostgreSQL through
// pgx, so many stateless nodes can share one database.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"communique/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's flavour of SQL for the shared store.
var Dialect = sqlstore.Dialect{
	Numbered: true,
	IsUniqueViolation: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	// 40P01 deadlock_detected, 40001 serialization_failure: the
	// transaction was chosen to give way and may be run again.
	IsTransient: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && (e.Code == "40P01" || e.Code == "40001")
	},
	// NO KEY: the lock an UPDATE of a non-key column takes, so it does
	// not wait for foreign keys' KEY SHARE locks on the same rows.
	LockForUpdate: " FOR NO KEY UPDATE",
	Time:          func(t time.Time) any { return t.UTC() },
	// One lock id for all nodes: the first to start migrates, the others
	// wait and then find nothing left to do.
	MigrationLock:       `SELECT pg_advisory_xact_lock(7012026)`,
	SerializeLock:       `SELECT pg_advisory_xact_lock(7012027)`,
	Greatest:            "GREATEST",
	SkipLocked:          " FOR UPDATE SKIP LOCKED",
	CaseInsensitiveLike: "ILIKE",
	// An unnamed statement, planned with its parameters: the search plans
	// for "rare word" and "common word" differ tenfold, and a prepared
	// statement's generic plan after five runs picked the wrong one.
	PlanForValues: pgx.QueryExecModeExec,
	Engine:        engine{},
}

// ConnectTimeout is the connect_timeout a DSN gets when it names none:
// without one, a node whose database host vanished would wait for the
// operating system's TCP timeout (minutes) on every new connection.
const ConnectTimeout = 5 // seconds

// WithConnectTimeout returns dsn with connect_timeout set, unless it sets
// one already.
func WithConnectTimeout(dsn string) string {
	if strings.Contains(dsn, "connect_timeout") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("connect_timeout", strconv.Itoa(ConnectTimeout))
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn) + " connect_timeout=" + strconv.Itoa(ConnectTimeout)
}

// Open connects to PostgreSQL at dsn (postgres://…) and migrates.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	db, _, err := open(ctx, dsn)
	return db, err
}

// open opens and migrates the store, and returns its pool too.
func open(ctx context.Context, dsn string) (*sqlstore.DB, *sql.DB, error) {
	pool, err := sql.Open("pgx", WithConnectTimeout(dsn))
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pingCtx); err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("postgres: cannot connect: %w", err)
	}
	migs, _ := fs.Sub(migrations, "migrations")
	db := sqlstore.New(pool, pool, Dialect, migs)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	return db, pool, nil
}
