package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"communique/sqlstore"
)

// engine is SQLite's side of sqlstore.Engine: one file, one writer, an
// FTS5 search index.
type engine struct{}

var _ sqlstore.Engine = engine{}

func (engine) Name() string                                             { return "sqlite" }
func (engine) Rebind(query string) string                               { return query }
func (engine) Time(t time.Time) any                                     { return t.UTC().Format(sqlstore.TimeText) }
func (engine) Bytewise(col string) string                               { return col + " COLLATE BINARY" }
func quote(name string) string                                          { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
func (engine) FollowIDs(context.Context, *sql.Tx, string, string) error { return nil } // rowids follow by themselves

// Tables lists the ordinary tables: not the search index (a virtual
// table) nor its shadow tables, nor SQLite's own.
func (engine) Tables(ctx context.Context, db *sql.DB) (map[string][]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT t.name, c.name FROM pragma_table_list t, pragma_table_info(t.name) c
		WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY t.name, c.cid`)
	return sqlstore.ScanTableColumns(rows, err)
}

// BeginRead begins a read transaction: in WAL mode it sees the moment of
// its first read.
func (engine) BeginRead(ctx context.Context, db *sql.DB) (*sql.Tx, error) {
	return db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// Snapshot copies the file with VACUUM INTO while the site goes on
// writing.
func (engine) Snapshot(ctx context.Context, db *sql.DB, path string) (bool, error) {
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return false, fmt.Errorf("snapshot: %w", err)
	}
	return true, nil
}

// EmptyTables deletes children before parents (tables come parents
// first), as foreign keys are checked row by row.
func (engine) EmptyTables(ctx context.Context, tx *sql.Tx, tables []string) error {
	for _, t := range slices.Backward(tables) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(t)); err != nil {
			return err
		}
	}
	return nil
}

func (engine) Analyze(ctx context.Context, db *sql.DB, _ []string) error {
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// CheckFile runs integrity_check and foreign_key_check.
func (engine) CheckFile(ctx context.Context, write, read *sql.DB) ([]string, error) {
	var problems []string
	// Through the writer: a reader connection that searched before
	// another connection wrote checks the FTS5 index against the
	// structure it cached then, and reports a mismatch that is not
	// there. The check holds the write lock while it runs.
	rows, err := write.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return nil, fmt.Errorf("integrity check: %w", err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return nil, err
		}
		if line != "ok" {
			problems = append(problems, "integrity_check: "+line)
		}
	}
	rows.Close()
	rows, err = read.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return nil, fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return nil, err
		}
		problems = append(problems, fmt.Sprintf("foreign_key_check: %s row %v refers to a missing %s", table, rowid, parent))
	}
	return problems, rows.Err()
}

// RefreshStatistics runs 'PRAGMA optimize', as SQLite advises for
// long-running processes, bounded by analysis_limit so that it takes
// milliseconds on a large store. Without statistics SQLite can pick an
// index that walks a whole table.
func (engine) RefreshStatistics(ctx context.Context, write *sql.DB) error {
	if _, err := write.ExecContext(ctx, `PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002`); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	return nil
}

// Optimize merges the FTS5 index's segments and gathers statistics.
func (engine) Optimize(ctx context.Context, write *sql.DB) error {
	tx, err := write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO articles_fts (articles_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize search: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return tx.Commit()
}

// PrepareBulkWrites sets the writer connection, for the rest of its
// life, to keep statement journals in memory rather than in a temporary
// file (each comment insert, checked against foreign keys, journals the
// pages it touches), with a page cache that holds the comment indexes of
// a big import instead of SQLite's 2 MB.
func (engine) PrepareBulkWrites(ctx context.Context, write *sql.DB) error {
	if _, err := write.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
		return fmt.Errorf("temp store: %w", err)
	}
	if _, err := write.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return fmt.Errorf("cache size: %w", err)
	}
	return nil
}

// ReserveIDs follows the largest id in use: SQLite has a single writer,
// which holds the write lock for the whole transaction.
func (engine) ReserveIDs(ctx context.Context, tx *sql.Tx, table string, n int) ([]int64, error) {
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+quote(table)).Scan(&last); err != nil {
		return nil, fmt.Errorf("reserve %s ids: %w", table, err)
	}
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = last + int64(i) + 1
	}
	return ids, nil
}

// RebuildSearch makes the FTS5 table again: its tokenizer is fixed when
// the table is made, so a language change makes it anew. The triggers
// name it, not hold it.
func (engine) RebuildSearch(ctx context.Context, tx *sql.Tx, language string) error {
	for _, stmt := range []string{
		`DROP TABLE articles_fts`,
		`CREATE VIRTUAL TABLE articles_fts USING fts5(title, excerpt, body, facets, tokenize = '` + ftsTokenizer(language) + `')`,
		`INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source`,
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
	}
	return nil
}

// ftsTokenizer is the FTS5 tokenizer for a search language: the porter
// stemmer for English, whole words (accents folded) for the rest.
func ftsTokenizer(language string) string {
	if language == "english" {
		return "porter unicode61 remove_diacritics 2"
	}
	return "unicode61 remove_diacritics 2"
}
