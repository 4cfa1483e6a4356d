package storeops

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"communique/sqlstore"
)

// maxBatchBytes bounds the values of one INSERT, for tables of long
// articles.
const maxBatchBytes = 8 << 20

// inserter writes rows into a store's tables, in multi-row INSERTs; a
// copy and a restore both go through it.
type inserter struct {
	ctx   context.Context
	tx    *sql.Tx
	eng   sqlstore.Engine
	batch int           // rows of one INSERT at most; 0 means 500
	done  func(n int64) // when set, hears of every batch written
}

// table writes the rows next gives (normalised values over cols) into t.
// A reference to a row of the same table not written yet (a parent with
// a higher id) goes in as NULL and is set once the table is complete.
func (in *inserter) table(t Table, cols []string, rows func(put func(vals []any) error) error) error {
	selfRefs := map[int]bool{}
	for i, name := range cols {
		if c, ok := t.column(name); !ok {
			return fmt.Errorf("column %s.%s is not one this version knows", t.Name, name)
		} else if c.Ref == t.Name && len(t.Key) == 1 {
			selfRefs[i] = true
		}
	}
	keyCol := slices.Index(cols, t.Key[0])
	per := max(1, min(cmpOr(in.batch, 500), 60000/len(cols))) // PostgreSQL takes at most 65535 parameters
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
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		q := `INSERT INTO ` + quote(t.Name) + ` (` + quoteAll(cols) + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
		if _, err := in.tx.ExecContext(in.ctx, in.eng.Rebind(q), args...); err != nil {
			return fmt.Errorf("rows from %s = %v: %w", t.Key[0], args[max(keyCol, 0)], err)
		}
		if in.done != nil {
			in.done(int64(n))
		}
		args, n, size = args[:0], 0, 0
		return nil
	}
	err := rows(func(vals []any) error {
		if len(vals) != len(cols) {
			return fmt.Errorf("a row has %d values for %d columns", len(vals), len(cols))
		}
		for i, v := range vals {
			if selfRefs[i] && v != nil && keyCol >= 0 && laterID(v, vals[keyCol]) {
				fixups = append(fixups, fixup{id: vals[keyCol], parent: v, col: i})
				v = nil
			}
			args = append(args, in.bind(v))
			size += valueSize(v)
		}
		n++
		if n >= per || size >= maxBatchBytes {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return err
	}
	for _, f := range fixups {
		q := `UPDATE ` + quote(t.Name) + ` SET ` + quote(cols[f.col]) + ` = ? WHERE ` + quote(t.Key[0]) + ` = ?`
		if _, err := in.tx.ExecContext(in.ctx, in.eng.Rebind(q), f.parent, f.id); err != nil {
			return fmt.Errorf("row %v, column %s: %w", f.id, cols[f.col], err)
		}
	}
	return nil
}

// bind turns a normalised value into a parameter of the target.
func (in *inserter) bind(v any) any {
	if t, ok := v.(time.Time); ok {
		return in.eng.Time(t)
	}
	return v
}

// laterID reports whether the id ref is not below id: that row is not
// written yet.
func laterID(ref, id any) bool {
	r, ok := ref.(int64)
	k, ok2 := id.(int64)
	return ok && ok2 && r >= k
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

func cmpOr(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}
