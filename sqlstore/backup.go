package sqlstore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"communique"
)

// TableSum describes a table's rows in a backup: how many, and the
// SHA-256 of their canonical lines (one JSON array per row, ordered by
// primary key), over the columns named.
type TableSum struct {
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
	Columns []string `json:"columns"`
}

// tableInfo is a table as backups see it.
type tableInfo struct {
	name  string
	cols  []string
	types []string // PostgreSQL type of each column, for loading
	pk    []string
}

// notBackedUp are tables a backup leaves out: the target store has its
// own migrations, and cache_tags only tells nodes what changed lately.
var notBackedUp = map[string]bool{"schema_migrations": true, "cache_tags": true}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// tables lists the store's tables with their columns and primary keys.
// PostgreSQL's tsvector and generated columns are left out: triggers and
// the database derive them again.
func (db *DB) tables(ctx context.Context, x querier) ([]tableInfo, error) {
	var names []string
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name`
	if db.dialect.Name == "postgres" {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := x.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		if !notBackedUp[n] {
			names = append(names, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var list []tableInfo
	for _, n := range names {
		t := tableInfo{name: n}
		if db.dialect.Name == "postgres" {
			err = db.pgColumns(ctx, x, &t)
		} else {
			err = sqliteColumns(ctx, x, &t)
		}
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", n, err)
		}
		list = append(list, t)
	}
	return list, nil
}

func sqliteColumns(ctx context.Context, x querier, t *tableInfo) error {
	rows, err := x.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, t.name)
	if err != nil {
		return err
	}
	defer rows.Close()
	pk := map[int]string{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return err
		}
		t.cols = append(t.cols, name)
		if n > 0 {
			pk[n] = name
		}
	}
	for i := 1; i <= len(pk); i++ {
		t.pk = append(t.pk, pk[i])
	}
	return rows.Err()
}

func (db *DB) pgColumns(ctx context.Context, x querier, t *tableInfo) error {
	rows, err := x.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod)
		FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
		AND a.attgenerated = '' AND a.atttypid <> 'tsvector'::regtype ORDER BY a.attnum`, quoteIdent(t.name))
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			rows.Close()
			return err
		}
		t.cols, t.types = append(t.cols, name), append(t.types, typ)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = x.QueryContext(ctx, `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
		WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`, quoteIdent(t.name))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		t.pk = append(t.pk, name)
	}
	return rows.Err()
}

// eachRow reads t's rows over cols, ordered by primary key, and hands
// each to fn as its canonical line: a JSON array of the values, with
// PostgreSQL values in their text form so that every type survives.
func (db *DB) eachRow(ctx context.Context, x querier, t tableInfo, cols []string, fn func(line []byte) error) (int64, error) {
	sel := make([]string, len(cols))
	for i, c := range cols {
		sel[i] = quoteIdent(c)
		if db.dialect.Name == "postgres" {
			sel[i] += "::text"
		}
	}
	order := make([]string, len(t.pk))
	for i, c := range t.pk {
		order[i] = quoteIdent(c)
	}
	if len(order) == 0 {
		if db.dialect.Name == "postgres" {
			order = sel
		} else {
			order = []string{"rowid"}
		}
	}
	rows, err := x.QueryContext(ctx, `SELECT `+strings.Join(sel, ", ")+` FROM `+quoteIdent(t.name)+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", t.name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, fmt.Errorf("read %s: %w", t.name, err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok && db.dialect.Name == "postgres" {
				vals[i] = string(b)
			}
		}
		line, err := json.Marshal(vals)
		if err != nil {
			return n, fmt.Errorf("read %s: %w", t.name, err)
		}
		if err := fn(append(line, '\n')); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// readTx begins a read-only transaction that sees one moment of the
// store, with PostgreSQL's text forms fixed (UTC, exact floats).
func (db *DB) readTx(ctx context.Context) (*sql.Tx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect.Name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if db.dialect.Name == "postgres" {
		if _, err := tx.ExecContext(ctx, `SET LOCAL TIME ZONE 'UTC'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'`); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return tx, nil
}

// Checksums returns the TableSum of every backed-up table, read at one
// moment. With columns (from a backup's manifest) a table is summed over
// those columns only, so a store migrated since can be compared.
func (db *DB) Checksums(ctx context.Context, columns map[string][]string) (map[string]TableSum, error) {
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	list, err := db.tables(ctx, tx)
	if err != nil {
		return nil, err
	}
	sums := map[string]TableSum{}
	for _, t := range list {
		cols := t.cols
		if c, ok := columns[t.name]; ok {
			cols = c
		}
		h := sha256.New()
		n, err := db.eachRow(ctx, tx, t, cols, func(line []byte) error { h.Write(line); return nil })
		if err != nil {
			return nil, err
		}
		sums[t.name] = TableSum{Rows: n, SHA256: hex.EncodeToString(h.Sum(nil)), Columns: cols}
	}
	return sums, nil
}

// Dump writes every backed-up table as JSON lines (one array per row, in
// the column order of its TableSum) to the writer create returns for it,
// all read in one transaction, so the dump is one consistent moment
// however much the site writes meanwhile.
func (db *DB) Dump(ctx context.Context, create func(table string) (io.Writer, error)) (map[string]TableSum, error) {
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	list, err := db.tables(ctx, tx)
	if err != nil {
		return nil, err
	}
	sums := map[string]TableSum{}
	for _, t := range list {
		w, err := create(t.name)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		out := io.MultiWriter(w, h)
		n, err := db.eachRow(ctx, tx, t, t.cols, func(line []byte) error { _, err := out.Write(line); return err })
		if err != nil {
			return nil, err
		}
		sums[t.name] = TableSum{Rows: n, SHA256: hex.EncodeToString(h.Sum(nil)), Columns: t.cols}
	}
	return sums, nil
}

// SnapshotTo writes a consistent copy of a SQLite store to path (which
// must not exist) with VACUUM INTO, while the site goes on writing.
func (db *DB) SnapshotTo(ctx context.Context, path string) error {
	if db.dialect.Name != "sqlite" {
		return fmt.Errorf("snapshot: only SQLite stores are copied as a file")
	}
	if _, err := db.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	return nil
}

// HasContent reports whether the store holds users, articles or
// comments: a restore refuses such a store unless told to replace it.
func (db *DB) HasContent(ctx context.Context) (bool, error) {
	var n int
	err := db.r().row(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM comments)`).Scan(&n)
	return n > 0, err
}

// Load fills an empty PostgreSQL store from dumped tables, in one
// transaction: open returns the JSON lines of a table. Every row of the
// tables is first removed. Rows go in so that a row's non-null references
// exist when it arrives; nullable references are set once every row is
// in, so self-references and cycles need no order. Identity sequences
// then continue after the highest restored id.
func (db *DB) Load(ctx context.Context, sums map[string]TableSum, open func(table string) (io.ReadCloser, error)) error {
	if db.dialect.Name != "postgres" {
		return fmt.Errorf("load: SQLite stores are restored as a file")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	list, err := db.tables(ctx, tx)
	if err != nil {
		return err
	}
	byName := map[string]tableInfo{}
	for _, t := range list {
		byName[t.name] = t
	}
	for name := range sums {
		if _, ok := byName[name]; !ok {
			return communique.Errorf(communique.EINVALID, "The backup has a table %q that this version does not know.", name)
		}
	}
	order, deferred, err := db.loadOrder(ctx, tx, list)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(list))
	for _, t := range list {
		names = append(names, quoteIdent(t.name))
	}
	if _, err := tx.ExecContext(ctx, `TRUNCATE `+strings.Join(names, ", ")+` RESTART IDENTITY CASCADE`); err != nil {
		return fmt.Errorf("load: empty the store: %w", err)
	}
	for _, name := range order {
		sum, ok := sums[name]
		if !ok {
			continue
		}
		if err := db.loadTable(ctx, tx, byName[name], sum.Columns, deferred[name], open); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	for _, name := range order {
		sum, ok := sums[name]
		if !ok || len(deferred[name]) == 0 {
			continue
		}
		if err := db.loadReferences(ctx, tx, byName[name], sum.Columns, deferred[name], open); err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	for _, t := range list {
		for _, c := range t.cols {
			var seq sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, quoteIdent(t.name), c).Scan(&seq); err != nil {
				return err
			}
			if seq.Valid {
				if _, err := tx.ExecContext(ctx, `SELECT setval($1, COALESCE((SELECT MAX(`+quoteIdent(c)+`) FROM `+quoteIdent(t.name)+`), 0) + 1, false)`, seq.String); err != nil {
					return fmt.Errorf("load %s: sequence: %w", t.name, err)
				}
			}
		}
	}
	// Triggers noted every row as changed; nodes start from an empty
	// cache anyway.
	if _, err := tx.ExecContext(ctx, `DELETE FROM cache_tags`); err != nil {
		return err
	}
	return tx.Commit()
}

// loadOrder sorts tables so that each comes after the tables its NOT NULL
// references point to, settings first (triggers read the search
// language from it). deferred lists each table's nullable references.
func (db *DB) loadOrder(ctx context.Context, tx *Tx, list []tableInfo) ([]string, map[string][]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname, a.attnotnull
		FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace`)
	if err != nil {
		return nil, nil, fmt.Errorf("load order: %w", err)
	}
	deps := map[string]map[string]bool{}
	deferred := map[string][]string{}
	for rows.Next() {
		var from, to, col string
		var notNull bool
		if err := rows.Scan(&from, &to, &col, &notNull); err != nil {
			rows.Close()
			return nil, nil, err
		}
		from, to = strings.Trim(from, `"`), strings.Trim(to, `"`)
		if !notNull {
			deferred[from] = append(deferred[from], col)
			continue
		}
		if from != to {
			if deps[from] == nil {
				deps[from] = map[string]bool{}
			}
			deps[from][to] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var order []string
	done := map[string]bool{}
	names := make([]string, 0, len(list))
	for _, t := range list {
		names = append(names, t.name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] == "settings" || names[j] != "settings" && names[i] < names[j] })
	for len(order) < len(names) {
		progress := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for d := range deps[n] {
				ready = ready && (done[d] || !contains(names, d))
			}
			if ready {
				order, done[n], progress = append(order, n), true, true
			}
		}
		if !progress {
			return nil, nil, errors.New("load order: tables refer to each other through NOT NULL columns")
		}
	}
	return order, deferred, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// readLines calls fn with each dumped row of a table.
func readLines(name string, open func(string) (io.ReadCloser, error), fn func(vals []*string) error) error {
	r, err := open(name)
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for sc.Scan() {
		var vals []*string
		if err := json.Unmarshal(sc.Bytes(), &vals); err != nil {
			return fmt.Errorf("bad row: %w", err)
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return sc.Err()
}

func (db *DB) loadTable(ctx context.Context, tx *Tx, t tableInfo, cols, deferred []string, open func(string) (io.ReadCloser, error)) error {
	types := map[string]string{}
	for i, c := range t.cols {
		types[c] = t.types[i]
	}
	names, params := make([]string, len(cols)), make([]string, len(cols))
	for i, c := range cols {
		typ, ok := types[c]
		if !ok {
			return communique.Errorf(communique.EINVALID, "The backup has a column %s.%s that this version does not know.", t.name, c)
		}
		names[i] = quoteIdent(c)
		params[i] = fmt.Sprintf("CAST($%d::text AS %s)", i+1, typ)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO `+quoteIdent(t.name)+` (`+strings.Join(names, ", ")+`) OVERRIDING SYSTEM VALUE VALUES (`+strings.Join(params, ", ")+`)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, len(cols))
	return readLines(t.name, open, func(vals []*string) error {
		if len(vals) != len(cols) {
			return fmt.Errorf("a row has %d values for %d columns", len(vals), len(cols))
		}
		for i, v := range vals {
			args[i] = nil
			if v != nil && !contains(deferred, cols[i]) {
				args[i] = *v
			}
		}
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}

// loadReferences sets the nullable references loadTable left out.
func (db *DB) loadReferences(ctx context.Context, tx *Tx, t tableInfo, cols, deferred []string, open func(string) (io.ReadCloser, error)) error {
	if len(t.pk) == 0 {
		return fmt.Errorf("no primary key")
	}
	types := map[string]string{}
	for i, c := range t.cols {
		types[c] = t.types[i]
	}
	index := map[string]int{}
	for i, c := range cols {
		index[c] = i
	}
	var set, where []string
	var order []int
	n := 0
	for _, c := range deferred {
		if _, ok := index[c]; !ok {
			continue
		}
		n++
		set, order = append(set, fmt.Sprintf("%s = CAST($%d::text AS %s)", quoteIdent(c), n, types[c])), append(order, index[c])
	}
	if len(set) == 0 {
		return nil
	}
	for _, c := range t.pk {
		n++
		where, order = append(where, fmt.Sprintf("%s = CAST($%d::text AS %s)", quoteIdent(c), n, types[c])), append(order, index[c])
	}
	stmt, err := tx.PrepareContext(ctx, `UPDATE `+quoteIdent(t.name)+` SET `+strings.Join(set, ", ")+` WHERE `+strings.Join(where, " AND "))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, len(order))
	return readLines(t.name, open, func(vals []*string) error {
		some := false
		for i, at := range order {
			args[i] = nil
			if vals[at] != nil {
				args[i] = *vals[at]
				some = some || i < len(set)
			}
		}
		if !some {
			return nil
		}
		_, err := stmt.ExecContext(ctx, args...)
		return err
	})
}
