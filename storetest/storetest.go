// Package storetest is the conformance suite every Communiqué store runs:
// the SQLite and PostgreSQL packages call Run with a fresh store each, so a
// rule proven here holds on both. Other packages run their own tests on
// both stores with ForEachStore (stores.go).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"communique/sqlstore"
)

// Opener returns a new, empty, migrated store that is closed and removed
// when the test ends.
type Opener func(tb testing.TB) *sqlstore.DB

// Strict reports whether tests must not skip (COMMUNIQUE_TEST_STRICT=1).
func Strict() bool { return os.Getenv("COMMUNIQUE_TEST_STRICT") == "1" }

// PostgresDSN returns a DSN for a fresh PostgreSQL schema that is dropped
// when the test ends. Without COMMUNIQUE_TEST_POSTGRES the test skips, or
// fails under COMMUNIQUE_TEST_STRICT=1.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("COMMUNIQUE_TEST_POSTGRES")
	if base == "" {
		if Strict() {
			tb.Fatal("COMMUNIQUE_TEST_POSTGRES is empty but COMMUNIQUE_TEST_STRICT=1: PostgreSQL tests must run")
		}
		tb.Skip("PostgreSQL tests skipped: set COMMUNIQUE_TEST_POSTGRES=postgres://user@127.0.0.1:5432/db?sslmode=disable to run them")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "communique_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		tb.Fatalf("create test schema: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		// Other connections of the test may still hold locks for a moment.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil || !strings.HasPrefix(base, "postgres") {
		// key=value DSN form
		return base + " search_path=" + schema
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
