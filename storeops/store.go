// Package storeops holds the operations on a whole store: backup and
// restore (the archive format included), the move from SQLite to
// PostgreSQL (communique migrate --to) and the checks that prove each
// brought every row: one catalogue of the tables, one checksum of rows.
// It works with either database through the store's Engine and never
// asks which one it is.
package storeops

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"communique"
	"communique/sqlstore"
)

// Store is a store as the operations use it; *sqlstore.DB is one.
type Store interface {
	Engine() sqlstore.Engine
	WritePool() *sql.DB
	ReadPool() *sql.DB
	SchemaVersion(ctx context.Context) (int, error)
}

var _ Store = (*sqlstore.DB)(nil)

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// content returns the catalogue's tables that carry the site, in order.
func content() []Table {
	var list []Table
	for _, t := range Tables {
		if t.Local == "" {
			list = append(list, t)
		}
	}
	return list
}

// schemaProblems compares a store's tables with the catalogue.
func schemaProblems(ctx context.Context, s Store) ([]string, error) {
	have, err := s.Engine().Tables(ctx, s.ReadPool())
	if err != nil {
		return nil, fmt.Errorf("read the tables: %w", err)
	}
	var problems []string
	for _, t := range Tables {
		cols, ok := have[t.Name]
		if !ok {
			problems = append(problems, "table "+t.Name+" is missing")
			continue
		}
		for _, c := range t.Columns {
			if !slices.Contains(cols, c.Name) {
				problems = append(problems, "column "+t.Name+"."+c.Name+" is missing")
			}
		}
		for _, c := range cols {
			if _, ok := t.column(c); !ok {
				problems = append(problems, "column "+t.Name+"."+c+" is unknown")
			}
		}
	}
	for name := range have {
		if _, ok := FindTable(name); !ok {
			problems = append(problems, "table "+name+" is unknown")
		}
	}
	slices.Sort(problems)
	return problems, nil
}

// readPresent lists the content tables present and begins the read
// transaction that reads them all at one moment; the caller rolls it back.
func readPresent(ctx context.Context, s Store) ([]Table, *sql.Tx, error) {
	list, err := present(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	tx, err := s.Engine().BeginRead(ctx, s.ReadPool())
	if err != nil {
		return nil, nil, err
	}
	return list, tx, nil
}

// present returns the catalogue's content tables a store holds, each
// with the columns it has (a backup's snapshot may predate a migration).
func present(ctx context.Context, s Store) ([]Table, error) {
	have, err := s.Engine().Tables(ctx, s.ReadPool())
	if err != nil {
		return nil, fmt.Errorf("read the tables: %w", err)
	}
	var list []Table
	for _, t := range content() {
		cols, ok := have[t.Name]
		if !ok {
			continue
		}
		var keep []Column
		for _, c := range t.Columns {
			if slices.Contains(cols, c.Name) {
				keep = append(keep, c)
			}
		}
		t.Columns = keep
		list = append(list, t)
	}
	return list, nil
}

// eachRow reads t's rows over cols in key order (text keys bytewise, as
// both databases then agree) and hands fn each row's normalised values.
func eachRow(ctx context.Context, q sqlstore.Querier, eng sqlstore.Engine, t Table, cols []string, fn func(vals []any) error) error {
	kinds := make([]Kind, len(cols))
	for i, name := range cols {
		c, ok := t.column(name)
		if !ok {
			return communique.Errorf(communique.EINVALID, "Column %s.%s is not one this version knows.", t.Name, name)
		}
		kinds[i] = c.Kind
	}
	order := make([]string, len(t.Key))
	for i, k := range t.Key {
		order[i] = quote(k)
		if c, _ := t.column(k); c.Kind == Text {
			order[i] = eng.Bytewise(quote(k))
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT `+quoteAll(cols)+` FROM `+quote(t.Name)+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return fmt.Errorf("read %s: %w", t.Name, err)
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	vals := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", t.Name, err)
		}
		for i, v := range raw {
			if vals[i], err = kinds[i].value(v); err != nil {
				return fmt.Errorf("read %s.%s: %w", t.Name, cols[i], err)
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// TableSum is a table's rows as a backup's manifest records them: how
// many, their Checksum, and the columns it covers.
type TableSum struct {
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
	Columns []string `json:"columns"`
}

// sum returns the TableSum of t over cols.
func sum(ctx context.Context, q sqlstore.Querier, eng sqlstore.Engine, t Table, cols []string) (TableSum, error) {
	c := NewChecksum()
	err := eachRow(ctx, q, eng, t, cols, func(vals []any) error { c.Row(vals); return nil })
	return TableSum{Rows: c.Rows(), SHA256: c.Sum(), Columns: cols}, err
}

// Checksums returns the TableSum of every content table of s, read at one
// moment. With columns (a manifest's) a table is summed over those
// columns, so that a store migrated since compares with its backup.
func Checksums(ctx context.Context, s Store, columns map[string][]string) (map[string]TableSum, error) {
	list, tx, err := readPresent(ctx, s)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sums := map[string]TableSum{}
	for _, t := range list {
		cols, ok := columns[t.Name]
		if !ok {
			cols = t.ColumnNames()
		}
		if sums[t.Name], err = sum(ctx, tx, s.Engine(), t, cols); err != nil {
			return nil, err
		}
	}
	return sums, nil
}

// HasContent reports whether the store holds users, articles or
// comments: a restore refuses such a store unless told to replace it.
func HasContent(ctx context.Context, s Store) (bool, error) {
	var n int
	err := s.ReadPool().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM comments)`).Scan(&n)
	return n > 0, err
}
