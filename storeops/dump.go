package storeops

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"communique"
)

// Dump writes every content table of s as JSON lines (one array of text
// values per row, in the columns of its TableSum) to the writer create
// returns for it, all read in one transaction, so the dump is one
// moment however much the site writes meanwhile.
func Dump(ctx context.Context, s Store, create func(table string) (io.Writer, error)) (map[string]TableSum, error) {
	list, tx, err := readPresent(ctx, s)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	sums := map[string]TableSum{}
	for _, t := range list {
		w, err := create(t.Name)
		if err != nil {
			return nil, err
		}
		bw := bufio.NewWriter(w)
		c, cols := NewChecksum(), t.ColumnNames()
		line := make([]*string, len(cols))
		err = eachRow(ctx, tx, s.Engine(), t, cols, func(vals []any) error {
			c.Row(vals)
			for i, v := range vals {
				line[i] = dumpText(v)
			}
			b, err := json.Marshal(line)
			if err == nil {
				_, err = bw.Write(append(b, '\n'))
			}
			return err
		})
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			return nil, fmt.Errorf("dump %s: %w", t.Name, err)
		}
		sums[t.Name] = TableSum{Rows: c.Rows(), SHA256: c.Sum(), Columns: cols}
	}
	return sums, nil
}

// Load fills s from dumped tables in one transaction: open returns the
// JSON lines of a table. Every content table is emptied first; tables
// then go in the catalogue's order, and generated ids continue after the
// highest restored one.
func Load(ctx context.Context, s Store, sums map[string]TableSum, open func(table string) (io.ReadCloser, error)) error {
	for name := range sums {
		if t, ok := FindTable(name); !ok || t.Local != "" {
			return communique.Errorf(communique.EINVALID, "The backup has a table %q that this version does not know.", name)
		}
	}
	eng := s.Engine()
	tx, err := s.WritePool().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	list := content()
	names := make([]string, len(list))
	for i, t := range list {
		names[i] = t.Name
	}
	if err := eng.EmptyTables(ctx, tx, names); err != nil {
		return fmt.Errorf("load: empty the store: %w", err)
	}
	in := &inserter{ctx: ctx, tx: tx, eng: eng}
	for _, t := range list {
		sum, ok := sums[t.Name]
		if !ok {
			continue
		}
		if err := in.table(t, sum.Columns, func(put func([]any) error) error { return readLines(t, sum.Columns, open, put) }); err != nil {
			return fmt.Errorf("load %s: %w", t.Name, err)
		}
		if t.Identity != "" {
			if err := eng.FollowIDs(ctx, tx, t.Name, t.Identity); err != nil {
				return fmt.Errorf("load %s: %w", t.Name, err)
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

// readLines hands put each dumped row of t, normalised.
func readLines(t Table, cols []string, open func(string) (io.ReadCloser, error), put func([]any) error) error {
	kinds := make([]Kind, len(cols))
	for i, name := range cols {
		c, ok := t.column(name)
		if !ok {
			return communique.Errorf(communique.EINVALID, "The backup has a column %s.%s that this version does not know.", t.Name, name)
		}
		kinds[i] = c.Kind
	}
	r, err := open(t.Name)
	if err != nil {
		return err
	}
	defer r.Close()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	vals := make([]any, len(cols))
	for sc.Scan() {
		var line []*string
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			return fmt.Errorf("bad row: %w", err)
		}
		if len(line) != len(cols) {
			return fmt.Errorf("a row has %d values for %d columns", len(line), len(cols))
		}
		for i, s := range line {
			vals[i] = nil
			if s != nil {
				if vals[i], err = kinds[i].parse(*s); err != nil {
					return fmt.Errorf("column %s: %w", cols[i], err)
				}
			}
		}
		if err := put(vals); err != nil {
			return err
		}
	}
	return sc.Err()
}
