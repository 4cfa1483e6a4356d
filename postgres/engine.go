package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"communique/sqlstore"
)

// engine is PostgreSQL's side of sqlstore.Engine: a server that several
// nodes share, identity sequences, a tsvector search column.
type engine struct{}

var _ sqlstore.Engine = engine{}

func (engine) Name() string               { return "postgres" }
func (engine) Rebind(query string) string { return sqlstore.Rebind(query) }
func (engine) Time(t time.Time) any       { return t.UTC() }

// Bytewise sorts with the "C" collation, as SQLite sorts text.
func (engine) Bytewise(col string) string { return col + ` COLLATE "C"` }

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// Tables lists the base tables of the current schema, without the
// search vector and generated columns, which the database derives.
func (engine) Tables(ctx context.Context, db *sql.DB) (map[string][]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		AND c.data_type <> 'tsvector' AND c.is_generated = 'NEVER'
		ORDER BY c.table_name, c.ordinal_position`)
	return sqlstore.ScanTableColumns(rows, err)
}

// BeginRead begins a repeatable-read transaction: one snapshot for all
// its statements.
func (engine) BeginRead(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
}

// Snapshot: a server's database is not one file; it is dumped by table.
func (engine) Snapshot(context.Context, *sql.DB, string) (bool, error) { return false, nil }

func (engine) EmptyTables(ctx context.Context, tx *sql.Tx, tables []string) error {
	_, err := tx.ExecContext(ctx, `TRUNCATE `+quoteAll(tables)+` RESTART IDENTITY CASCADE`)
	return err
}

// FollowIDs moves the column's identity sequence past its highest value.
func (engine) FollowIDs(ctx context.Context, tx *sql.Tx, table, col string) error {
	q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`, quote(col), quote(table))
	if _, err := tx.ExecContext(ctx, q, quote(table), col); err != nil {
		return fmt.Errorf("sequence of %s.%s: %w", table, col, err)
	}
	return nil
}

// Analyze gathers statistics now: fresh tables have none until
// autovacuum comes by.
func (engine) Analyze(ctx context.Context, db *sql.DB, tables []string) error {
	if _, err := db.ExecContext(ctx, `ANALYZE `+quoteAll(tables)); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// CheckFile: the server keeps its files' soundness to itself.
func (engine) CheckFile(context.Context, *sql.DB, *sql.DB) ([]string, error) { return nil, nil }

// RefreshStatistics: autovacuum does it.
func (engine) RefreshStatistics(context.Context, *sql.DB) error { return nil }

// Optimize vacuums and analyzes the articles: a bulk load leaves GIN
// entries pending, pages unmarked as all-visible and no statistics, and
// autovacuum would otherwise do it later, while readers wait.
func (engine) Optimize(ctx context.Context, write *sql.DB) error {
	// VACUUM cannot run in a transaction.
	if _, err := write.ExecContext(ctx, `VACUUM (ANALYZE) articles, article_terms`); err != nil {
		return fmt.Errorf("optimize search: %w", err)
	}
	return nil
}

// PrepareBulkWrites: the server's settings are the operator's.
func (engine) PrepareBulkWrites(context.Context, *sql.DB) error { return nil }

// ReserveIDs takes n values of the table's identity sequence in one
// query, so concurrent writers never collide.
func (engine) ReserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, quote(table), n)
	if err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	defer rows.Close()
	ids := make([]int64, 0, n)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// RebuildSearch clears the vectors; the trigger derives each again, in
// the current language.
func (engine) RebuildSearch(ctx context.Context, tx *sql.Tx, _ string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET search_vector = NULL`); err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	return nil
}
