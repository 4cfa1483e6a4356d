package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/media"
)

// Moving a site from SQLite to PostgreSQL: Copy brings every table over
// (same rows, same ids) in one transaction, and VerifyCopy compares the
// two stores table by table. Tables are found in the databases'
// catalogues rather than listed here, so a table a later migration adds
// is copied and checked without anyone remembering to.

// derivedTables are rebuilt by the target itself and are neither copied
// nor compared: its own migration record, and the page cache's ledger,
// which the target's triggers fill as rows arrive.
var derivedTables = map[string]string{
	"schema_migrations": "the target's own migrations",
	"cache_tags":        "page cache ledger, rebuilt by the target's triggers",
}

// blobTable holds media files when they live in the database; files from
// the data folder join its rows.
const blobTable = "media_blobs"

// CopyOptions say what Copy brings besides the source's tables.
type CopyOptions struct {
	// Media holds the files kept beside the source database (the data
	// folder's media.FileStorage); MediaKeys lists them. They go into the
	// target's media_blobs table.
	Media     media.Storage
	MediaKeys []string
	// Progress, when set, hears how far the copy got after every batch.
	Progress func(CopyProgress)
	// BatchRows bounds the rows of one INSERT; 0 means 500.
	BatchRows int
}

// CopyProgress is how far a copy got.
type CopyProgress struct {
	Table       string // the table being copied, or "media files"
	Done, Total int64  // rows and files copied, of all
}

// TableCheck is one table compared in both stores.
type TableCheck struct {
	Table                  string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string // SHA-256 of the rows in key order, normalised
	// Skipped says why the table was not compared ("" when it was).
	Skipped string
}

// OK reports whether the table is the same in both stores.
func (c TableCheck) OK() bool {
	return c.Skipped != "" || (c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum)
}

// column is a column of a copied table, typed as the target has it.
type column struct {
	name string
	typ  string // the target's data_type: "bigint", "timestamp with time zone", …
}

// copyTable is a table to copy, as the source has it.
type copyTable struct {
	name     string
	columns  []column
	key      []string // primary key columns, in order
	parents  []string // tables it references, itself excluded
	selfRefs []int    // columns referencing its own integer key
	identity []string // target columns whose sequence follows the ids
}

// Copy copies every table of src (SQLite) into dst (PostgreSQL), which
// must be migrated and hold no site: rows keep their ids, tables go in the
// order their foreign keys need, and identity sequences continue after the
// highest id. Everything happens in one transaction of dst, so a failed
// copy leaves dst as empty as it found it; src is read in one snapshot.
// Stop the site first: what it writes during the copy is not copied.
func Copy(ctx context.Context, dst, src *DB, opt CopyOptions) error {
	tables, err := copyPlan(ctx, dst, src)
	if err != nil {
		return err
	}
	if err := checkEmpty(ctx, dst, tables); err != nil {
		return err
	}
	stx, err := src.read.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", src.dialect.Name, err)
	}
	defer stx.Rollback()
	var total int64
	counts := map[string]int64{}
	for _, t := range tables {
		if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&total); err != nil {
			return fmt.Errorf("count %s: %w", t.name, err)
		}
		counts[t.name] = total
	}
	total = int64(len(opt.MediaKeys))
	for _, n := range counts {
		total += n
	}
	c := &copier{ctx: ctx, src: stx, opt: opt, pr: CopyProgress{Total: total}, batch: opt.BatchRows}
	if c.batch <= 0 {
		c.batch = 500
	}
	c.report()
	dtx, err := dst.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write %s: %w", dst.dialect.Name, err)
	}
	defer dtx.Rollback()
	c.dst = dtx
	for _, t := range tables {
		if err := c.table(t); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
	}
	if err := c.files(dst.Now().UTC()); err != nil {
		return fmt.Errorf("copy media files: %w", err)
	}
	for _, t := range tables {
		for _, col := range t.identity {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(%s) FROM %s), 0) + 1, false)`, quote(col), quote(t.name))
			if _, err := dtx.ExecContext(ctx, q, t.name, col); err != nil {
				return fmt.Errorf("sequence of %s.%s: %w", t.name, col, err)
			}
		}
	}
	if err := dtx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// Fresh tables have no planner statistics until autovacuum comes by.
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	if _, err := dst.write.ExecContext(ctx, `ANALYZE `+quoteAll(names)); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// copyPlan lists the source's tables in copy order, typed as the target
// has them, and refuses schemas that differ.
func copyPlan(ctx context.Context, dst, src *DB) ([]*copyTable, error) {
	if src.dialect.Name != "sqlite" || dst.dialect.Name != "postgres" {
		return nil, fmt.Errorf("copy goes from SQLite to PostgreSQL, not from %s to %s", src.dialect.Name, dst.dialect.Name)
	}
	target, identity, err := postgresColumns(ctx, dst.write)
	if err != nil {
		return nil, fmt.Errorf("read the target's tables: %w", err)
	}
	names, err := sqliteTables(ctx, src.read)
	if err != nil {
		return nil, fmt.Errorf("read the source's tables: %w", err)
	}
	byName := map[string]*copyTable{}
	var problems []string
	for _, name := range names {
		if derivedTables[name] != "" {
			continue
		}
		types, ok := target[name]
		if !ok {
			problems = append(problems, "table "+name+" is missing")
			continue
		}
		t, err := sqliteTable(ctx, src.read, name)
		if err != nil {
			return nil, fmt.Errorf("read table %s: %w", name, err)
		}
		for i, col := range t.columns {
			if typ, ok := types[col.name]; ok {
				t.columns[i].typ = typ
			} else {
				problems = append(problems, "column "+name+"."+col.name+" is missing")
			}
		}
		t.identity = identity[name]
		byName[name] = t
	}
	for name := range target {
		if _, ok := byName[name]; !ok && derivedTables[name] == "" && !slices.Contains(problems, "table "+name+" is missing") {
			problems = append(problems, "table "+name+" has no counterpart in SQLite")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, communique.Errorf(communique.EINVALID, "The two schemas differ (%s): run the same version of communique against both stores.", strings.Join(problems, "; "))
	}
	return copyOrder(byName)
}

// copyOrder sorts tables so that every table comes after those it
// references. settings comes first of all: PostgreSQL's search trigger
// reads the search language from it as articles arrive.
func copyOrder(tables map[string]*copyTable) ([]*copyTable, error) {
	var order []*copyTable
	done := map[string]bool{}
	for len(order) < len(tables) {
		var ready []string
		for name, t := range tables {
			if done[name] {
				continue
			}
			ok := true
			for _, p := range t.parents {
				if _, known := tables[p]; known && !done[p] {
					ok = false
				}
			}
			if ok {
				ready = append(ready, name)
			}
		}
		if len(ready) == 0 {
			return nil, errors.New("the tables' foreign keys form a cycle")
		}
		sort.Slice(ready, func(i, j int) bool {
			if (ready[i] == "settings") != (ready[j] == "settings") {
				return ready[i] == "settings"
			}
			return ready[i] < ready[j]
		})
		for _, name := range ready {
			done[name] = true
			order = append(order, tables[name])
		}
	}
	return order, nil
}

// checkEmpty refuses a target that holds anything but what migrations
// and triggers put there.
func checkEmpty(ctx context.Context, dst *DB, tables []*copyTable) error {
	var full []string
	for _, t := range tables {
		var found bool
		if err := dst.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quote(t.name)+`)`).Scan(&found); err != nil {
			return fmt.Errorf("look into %s: %w", t.name, err)
		}
		if found {
			full = append(full, t.name)
		}
	}
	if len(full) > 0 {
		return communique.Errorf(communique.ECONFLICT, "The PostgreSQL database already holds a site (rows in %s). Migrate into a new, empty database, or drop this one's tables first.", strings.Join(full, ", "))
	}
	return nil
}

// sqliteTables lists the ordinary tables: no virtual tables (the search
// index) nor their shadow tables, nor SQLite's own.
func sqliteTables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	return scanStrings(rows)
}

func sqliteTable(ctx context.Context, db *sql.DB, name string) (*copyTable, error) {
	t := &copyTable{name: name}
	rows, err := db.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := map[int]string{}
	for rows.Next() {
		var col string
		var pk int
		if err := rows.Scan(&col, &pk); err != nil {
			return nil, err
		}
		t.columns = append(t.columns, column{name: col})
		if pk > 0 {
			keys[pk] = col
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := 1; i <= len(keys); i++ {
		t.key = append(t.key, keys[i])
	}
	if len(t.key) == 0 { // no key: every column orders the rows
		for _, c := range t.columns {
			t.key = append(t.key, c.name)
		}
	}
	frows, err := db.QueryContext(ctx, `SELECT "table", "from" FROM pragma_foreign_key_list(?)`, name)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	for frows.Next() {
		var parent, from string
		if err := frows.Scan(&parent, &from); err != nil {
			return nil, err
		}
		if parent != name {
			if !slices.Contains(t.parents, parent) {
				t.parents = append(t.parents, parent)
			}
			continue
		}
		for i, c := range t.columns {
			if c.name == from && len(t.key) == 1 && !slices.Contains(t.selfRefs, i) {
				t.selfRefs = append(t.selfRefs, i)
			}
		}
	}
	return t, frows.Err()
}

// postgresColumns returns the data type of every column of every table of
// the current schema, and the identity columns.
func postgresColumns(ctx context.Context, db *sql.DB) (map[string]map[string]string, map[string][]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
		FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	types, identity := map[string]map[string]string{}, map[string][]string{}
	for rows.Next() {
		var table, col, typ, ident string
		if err := rows.Scan(&table, &col, &typ, &ident); err != nil {
			return nil, nil, err
		}
		if types[table] == nil {
			types[table] = map[string]string{}
		}
		types[table][col] = typ
		if ident == "YES" {
			identity[table] = append(identity[table], col)
		}
	}
	return types, identity, rows.Err()
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// quote quotes an identifier for either dialect.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

func (t *copyTable) columnNames() []string {
	names := make([]string, len(t.columns))
	for i, c := range t.columns {
		names[i] = c.name
	}
	return names
}

// copier runs one copy.
type copier struct {
	ctx   context.Context
	src   *sql.Tx
	dst   *sql.Tx
	opt   CopyOptions
	pr    CopyProgress
	batch int
}

func (c *copier) report() {
	if c.opt.Progress != nil {
		c.opt.Progress(c.pr)
	}
}

// maxBatchBytes bounds the values of one INSERT, for tables of long
// articles.
const maxBatchBytes = 8 << 20

// table copies one table in primary key order, in multi-row INSERTs. A
// reference to a row of the same table not copied yet (a parent with a
// higher id) goes in as NULL and is set once the table is complete.
func (c *copier) table(t *copyTable) error {
	c.pr.Table = t.name
	c.report()
	rows, err := c.src.QueryContext(c.ctx, `SELECT `+quoteAll(t.columnNames())+` FROM `+quote(t.name)+` ORDER BY `+quoteAll(t.key))
	if err != nil {
		return err
	}
	defer rows.Close()
	ncol := len(t.columns)
	per := max(1, min(c.batch, 60000/ncol)) // PostgreSQL takes at most 65535 parameters
	type fixup struct {
		id, parent any
		col        int
	}
	var fixups []fixup
	var args []any
	n, size := 0, 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(`INSERT INTO ` + quote(t.name) + ` (` + quoteAll(t.columnNames()) + `) VALUES `)
		p := 0
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range ncol {
				if j > 0 {
					b.WriteString(", ")
				}
				p++
				b.WriteString("$" + strconv.Itoa(p))
			}
			b.WriteByte(')')
		}
		if _, err := c.dst.ExecContext(c.ctx, b.String(), args...); err != nil {
			return fmt.Errorf("rows from %s = %v: %w", strings.Join(t.key, ","), args[slices.Index(t.columnNames(), t.key[0])], err)
		}
		c.pr.Done += int64(n)
		c.report()
		args, n, size = args[:0], 0, 0
		return nil
	}
	vals := make([]any, ncol)
	ptrs := make([]any, ncol)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	keyCol := slices.Index(t.columnNames(), t.key[0])
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, col := range t.columns {
			v, err := toTarget(vals[i], col.typ)
			if err != nil {
				return fmt.Errorf("row %s = %v, column %s: %w", t.key[0], vals[keyCol], col.name, err)
			}
			if slices.Contains(t.selfRefs, i) && v != nil && compareIDs(v, vals[keyCol]) >= 0 {
				fixups = append(fixups, fixup{id: vals[keyCol], parent: v, col: i})
				v = nil
			}
			size += valueSize(v)
			args = append(args, v)
		}
		n++
		if n >= per || size >= maxBatchBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	for _, f := range fixups {
		q := `UPDATE ` + quote(t.name) + ` SET ` + quote(t.columns[f.col].name) + ` = $1 WHERE ` + quote(t.key[0]) + ` = $2`
		if _, err := c.dst.ExecContext(c.ctx, q, f.parent, f.id); err != nil {
			return fmt.Errorf("row %v, column %s: %w", f.id, t.columns[f.col].name, err)
		}
	}
	return nil
}

// files copies the media files of the data folder into media_blobs. A key
// the source's own media_blobs already had keeps that row.
func (c *copier) files(now time.Time) error {
	if len(c.opt.MediaKeys) == 0 {
		return nil
	}
	c.pr.Table = "media files"
	c.report()
	for _, key := range c.opt.MediaKeys {
		data, err := readBlob(c.ctx, c.opt.Media, key)
		if err != nil {
			return err
		}
		if _, err := c.dst.ExecContext(c.ctx, `INSERT INTO `+blobTable+` (key, data, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`, key, data, now); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		c.pr.Done++
		c.report()
	}
	return nil
}

func readBlob(ctx context.Context, st media.Storage, key string) ([]byte, error) {
	f, err := st.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxBlobBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if len(data) > maxBlobBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", key, maxBlobBytes)
	}
	return data, nil
}

func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return len(v)
	case []byte:
		return len(v)
	}
	return 8
}

// compareIDs compares two integer keys.
func compareIDs(a, b any) int {
	x, _ := a.(int64)
	y, _ := b.(int64)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// isTime and friends group PostgreSQL's data types.
func isTime(typ string) bool { return strings.HasPrefix(typ, "timestamp") }
func isInt(typ string) bool {
	return typ == "bigint" || typ == "integer" || typ == "smallint"
}
func isFloat(typ string) bool {
	return typ == "double precision" || typ == "real" || typ == "numeric"
}

// toTarget converts a value read from SQLite (whose columns take any
// type) to what the target column holds.
func toTarget(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && typ != "bytea" {
		v = string(b)
	}
	switch {
	case isTime(typ):
		switch v := v.(type) {
		case time.Time:
			return v.UTC(), nil
		case string:
			var t time.Time
			if err := (scanTime{&t}).parse(v); err != nil {
				return nil, err
			}
			return t, nil
		}
	case typ == "boolean":
		switch v := v.(type) {
		case int64:
			return v != 0, nil
		case bool:
			return v, nil
		case string:
			return strconv.ParseBool(v)
		}
	case isInt(typ):
		switch v := v.(type) {
		case int64:
			return v, nil
		case float64:
			if v == math.Trunc(v) {
				return int64(v), nil
			}
		case string:
			return strconv.ParseInt(v, 10, 64)
		}
	case isFloat(typ):
		switch v := v.(type) {
		case float64:
			return v, nil
		case int64:
			return float64(v), nil
		case string:
			return strconv.ParseFloat(v, 64)
		}
	case typ == "bytea":
		switch v := v.(type) {
		case []byte:
			return v, nil
		case string:
			return []byte(v), nil
		}
	case typ == "text" || typ == "character varying" || typ == "character":
		switch v := v.(type) {
		case string:
			return v, nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	default:
		return v, nil
	}
	return nil, fmt.Errorf("cannot store %T %v as %s", v, v, typ)
}

// VerifyCopy compares every table of src with dst: the number of rows,
// and a SHA-256 checksum of the rows in primary key order with values
// normalised to text the same way on both sides (times in UTC with
// microseconds, booleans as 0 and 1). media_blobs is compared as keys and
// the checksums of their bytes, the data folder's files included.
func VerifyCopy(ctx context.Context, dst, src *DB, opt CopyOptions) ([]TableCheck, error) {
	tables, err := copyPlan(ctx, dst, src)
	if err != nil {
		return nil, err
	}
	sort.Slice(tables, func(i, j int) bool { return tables[i].name < tables[j].name })
	var checks []TableCheck
	for _, t := range tables {
		c := TableCheck{Table: t.name}
		var err error
		if t.name == blobTable {
			c.SourceRows, c.SourceSum, err = sourceBlobSum(ctx, src, opt)
			if err == nil {
				c.TargetRows, c.TargetSum, err = targetBlobSum(ctx, dst)
			}
		} else {
			c.SourceRows, c.SourceSum, err = tableSum(ctx, src.read, t, false)
			if err == nil {
				c.TargetRows, c.TargetSum, err = tableSum(ctx, dst.read, t, true)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", t.name, err)
		}
		checks = append(checks, c)
	}
	for name, why := range derivedTables {
		checks = append(checks, TableCheck{Table: name, Skipped: why})
	}
	sort.SliceStable(checks, func(i, j int) bool {
		if (checks[i].Skipped == "") != (checks[j].Skipped == "") {
			return checks[i].Skipped == ""
		}
		return checks[i].Table < checks[j].Table
	})
	return checks, nil
}

// rowHash hashes rows of values, each length-prefixed, so that no two
// different rows hash alike.
type rowHash struct {
	h    hash.Hash
	rows int64
}

func newRowHash() *rowHash { return &rowHash{h: sha256.New()} }

func (r *rowHash) value(b []byte, null bool) {
	var n [9]byte
	if null {
		n[0] = 'N'
		r.h.Write(n[:1])
		return
	}
	n[0] = 'V'
	binary.BigEndian.PutUint64(n[1:], uint64(len(b)))
	r.h.Write(n[:])
	r.h.Write(b)
}

func (r *rowHash) endRow() {
	r.h.Write([]byte{'\n'})
	r.rows++
}

func (r *rowHash) sum() string { return hex.EncodeToString(r.h.Sum(nil)) }

// tableSum hashes a table's rows in key order. On PostgreSQL, text keys
// sort with the "C" collation: bytewise, as SQLite sorts them.
func tableSum(ctx context.Context, db *sql.DB, t *copyTable, target bool) (int64, string, error) {
	order := make([]string, len(t.key))
	for i, k := range t.key {
		order[i] = quote(k)
		if target {
			for _, c := range t.columns {
				if c.name == k && (c.typ == "text" || c.typ == "character varying") {
					order[i] += ` COLLATE "C"`
				}
			}
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT `+quoteAll(t.columnNames())+` FROM `+quote(t.name)+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	vals := make([]any, len(t.columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	h := newRowHash()
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		for i, c := range t.columns {
			b, null, err := normalise(vals[i], c.typ)
			if err != nil {
				return 0, "", fmt.Errorf("column %s: %w", c.name, err)
			}
			h.value(b, null)
		}
		h.endRow()
	}
	return h.rows, h.sum(), rows.Err()
}

// normalise turns a value of either store into the bytes both agree on.
func normalise(v any, typ string) ([]byte, bool, error) {
	v, err := toTarget(v, typ)
	if err != nil || v == nil {
		return nil, true, err
	}
	switch v := v.(type) {
	case time.Time:
		return []byte(v.UTC().Truncate(time.Microsecond).Format(TimeText)), false, nil
	case bool:
		if v {
			return []byte("1"), false, nil
		}
		return []byte("0"), false, nil
	case int64:
		return []byte(strconv.FormatInt(v, 10)), false, nil
	case int32:
		return []byte(strconv.FormatInt(int64(v), 10)), false, nil
	case float64:
		if typ == "real" {
			return []byte(strconv.FormatFloat(v, 'g', -1, 32)), false, nil
		}
		return []byte(strconv.FormatFloat(v, 'g', -1, 64)), false, nil
	case float32:
		return []byte(strconv.FormatFloat(float64(v), 'g', -1, 32)), false, nil
	case string:
		return []byte(v), false, nil
	case []byte:
		return v, false, nil
	}
	return []byte(fmt.Sprint(v)), false, nil
}

// sourceBlobSum hashes the source's media: its media_blobs rows and the
// data folder's files, by key, as (key, SHA-256 of the bytes).
func sourceBlobSum(ctx context.Context, src *DB, opt CopyOptions) (int64, string, error) {
	sums := map[string]string{}
	rows, err := src.read.QueryContext(ctx, `SELECT key, data FROM `+blobTable)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return 0, "", err
		}
		sum := sha256.Sum256(data)
		sums[key] = hex.EncodeToString(sum[:])
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	for _, key := range opt.MediaKeys {
		if _, ok := sums[key]; ok {
			continue
		}
		data, err := readBlob(ctx, opt.Media, key)
		if err != nil {
			return 0, "", err
		}
		sum := sha256.Sum256(data)
		sums[key] = hex.EncodeToString(sum[:])
	}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := newRowHash()
	for _, k := range keys {
		h.value([]byte(k), false)
		h.value([]byte(sums[k]), false)
		h.endRow()
	}
	return h.rows, h.sum(), nil
}

// targetBlobSum is sourceBlobSum on PostgreSQL, which hashes the bytes
// itself so they need not travel.
func targetBlobSum(ctx context.Context, dst *DB) (int64, string, error) {
	rows, err := dst.read.QueryContext(ctx, `SELECT key, encode(sha256(data), 'hex') FROM `+blobTable+` ORDER BY key COLLATE "C"`)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	h := newRowHash()
	for rows.Next() {
		var key, sum string
		if err := rows.Scan(&key, &sum); err != nil {
			return 0, "", err
		}
		h.value([]byte(key), false)
		h.value([]byte(sum), false)
		h.endRow()
	}
	return h.rows, h.sum(), rows.Err()
}
