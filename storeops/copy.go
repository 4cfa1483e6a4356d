package storeops

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"communique"
	"communique/media"
)

// Moving a site from SQLite to PostgreSQL: Copy brings every content
// table of the catalogue over (same rows, same ids) in one transaction,
// and VerifyCopy compares the two stores table by table with the same
// Checksum a backup records.

// blobTable holds media files when they live in the database; files from
// the data folder join its rows.
const blobTable = "media_blobs"

// maxBlobBytes bounds one media file, as the store does.
const maxBlobBytes = 256 << 20

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
	// Now is the clock that dates the media files' rows; nil is time.Now.
	Now func() time.Time
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
	SourceSum, TargetSum   string // Checksum of the rows
	// Skipped says why the table was not compared ("" when it was).
	Skipped string
}

// OK reports whether the table is the same in both stores.
func (c TableCheck) OK() bool {
	return c.Skipped != "" || (c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum)
}

// sameSchema refuses stores whose tables differ from the catalogue.
func sameSchema(ctx context.Context, stores ...Store) error {
	var problems []string
	for _, s := range stores {
		p, err := schemaProblems(ctx, s)
		if err != nil {
			return err
		}
		for _, x := range p {
			if !slices.Contains(problems, x) {
				problems = append(problems, x)
			}
		}
	}
	if len(problems) > 0 {
		return communique.Errorf(communique.EINVALID, "The two schemas differ (%s): run the same version of communique against both stores.", strings.Join(problems, "; "))
	}
	return nil
}

// Copy copies every content table of src into dst, which must be
// migrated and hold no site: rows keep their ids, tables go in the
// catalogue's order, and generated ids continue after the highest.
// Everything happens in one transaction of dst, so a failed copy leaves
// dst as empty as it found it; src is read at one moment. Stop the site
// first: what it writes during the copy is not copied.
func Copy(ctx context.Context, dst, src Store, opt CopyOptions) error {
	if err := sameSchema(ctx, dst, src); err != nil {
		return err
	}
	tables := content()
	if err := checkEmpty(ctx, dst, tables); err != nil {
		return err
	}
	stx, err := src.Engine().BeginRead(ctx, src.ReadPool())
	if err != nil {
		return fmt.Errorf("read the source: %w", err)
	}
	defer stx.Rollback()
	pr := CopyProgress{Total: int64(len(opt.MediaKeys))}
	for _, t := range tables {
		var n int64
		if err := stx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.Name)).Scan(&n); err != nil {
			return fmt.Errorf("count %s: %w", t.Name, err)
		}
		pr.Total += n
	}
	report := func() {
		if opt.Progress != nil {
			opt.Progress(pr)
		}
	}
	report()
	dtx, err := dst.WritePool().BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write the target: %w", err)
	}
	defer dtx.Rollback()
	in := &inserter{ctx: ctx, tx: dtx, eng: dst.Engine(), batch: opt.BatchRows, done: func(n int64) { pr.Done += n; report() }}
	for _, t := range tables {
		pr.Table = t.Name
		report()
		cols := t.ColumnNames()
		err := in.table(t, cols, func(put func([]any) error) error {
			return eachRow(ctx, stx, src.Engine(), t, cols, put)
		})
		if err == nil && t.Identity != "" {
			err = dst.Engine().FollowIDs(ctx, dtx, t.Name, t.Identity)
		}
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.Name, err)
		}
	}
	if len(opt.MediaKeys) > 0 {
		pr.Table = "media files"
		report()
		clock := opt.Now
		if clock == nil {
			clock = time.Now
		}
		now := dst.Engine().Time(clock().UTC())
		for _, key := range opt.MediaKeys {
			data, err := readBlob(ctx, opt.Media, key)
			if err != nil {
				return fmt.Errorf("copy media files: %w", err)
			}
			// A key the source's own media_blobs already had keeps that row.
			if _, err := dtx.ExecContext(ctx, dst.Engine().Rebind(`INSERT INTO `+blobTable+` (key, data, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`), key, data, now); err != nil {
				return fmt.Errorf("copy media files: %s: %w", key, err)
			}
			pr.Done++
			report()
		}
	}
	if err := dtx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	// Fresh tables have no planner statistics until autovacuum comes by.
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.Name
	}
	return dst.Engine().Analyze(ctx, dst.WritePool(), names)
}

// checkEmpty refuses a target that holds anything but what migrations
// and triggers put there.
func checkEmpty(ctx context.Context, dst Store, tables []Table) error {
	var full []string
	for _, t := range tables {
		var found bool
		if err := dst.WritePool().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quote(t.Name)+`)`).Scan(&found); err != nil {
			return fmt.Errorf("look into %s: %w", t.Name, err)
		}
		if found {
			full = append(full, t.Name)
		}
	}
	if len(full) > 0 {
		return communique.Errorf(communique.ECONFLICT, "The PostgreSQL database already holds a site (rows in %s). Migrate into a new, empty database, or drop this one's tables first.", strings.Join(full, ", "))
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

// VerifyCopy compares every content table of src with dst: the number
// of rows and their Checksum. media_blobs is compared as keys and the
// SHA-256 of their bytes, the data folder's files joining the source's.
func VerifyCopy(ctx context.Context, dst, src Store, opt CopyOptions) ([]TableCheck, error) {
	if err := sameSchema(ctx, dst, src); err != nil {
		return nil, err
	}
	var checks []TableCheck
	for _, t := range Tables {
		c := TableCheck{Table: t.Name, Skipped: t.Local}
		var err error
		var a, b TableSum
		switch {
		case t.Local != "":
		case t.Name == blobTable:
			if a, err = blobSum(ctx, src, opt); err == nil {
				b, err = blobSum(ctx, dst, CopyOptions{})
			}
		default:
			if a, err = sum(ctx, src.ReadPool(), src.Engine(), t, t.ColumnNames()); err == nil {
				b, err = sum(ctx, dst.ReadPool(), dst.Engine(), t, t.ColumnNames())
			}
		}
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", t.Name, err)
		}
		c.SourceRows, c.SourceSum, c.TargetRows, c.TargetSum = a.Rows, a.SHA256, b.Rows, b.SHA256
		checks = append(checks, c)
	}
	sort.SliceStable(checks, func(i, j int) bool {
		if (checks[i].Skipped == "") != (checks[j].Skipped == "") {
			return checks[i].Skipped == ""
		}
		return checks[i].Table < checks[j].Table
	})
	return checks, nil
}

// blobSum sums a store's media as rows of (key, SHA-256 of the bytes),
// its media_blobs rows and the files of opt, by key.
func blobSum(ctx context.Context, s Store, opt CopyOptions) (TableSum, error) {
	sums := map[string]string{}
	rows, err := s.ReadPool().QueryContext(ctx, `SELECT key, data FROM `+blobTable)
	if err != nil {
		return TableSum{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return TableSum{}, err
		}
		h := sha256.Sum256(data)
		sums[key] = hex.EncodeToString(h[:])
	}
	if err := rows.Err(); err != nil {
		return TableSum{}, err
	}
	for _, key := range opt.MediaKeys {
		if _, ok := sums[key]; ok {
			continue
		}
		data, err := readBlob(ctx, opt.Media, key)
		if err != nil {
			return TableSum{}, err
		}
		h := sha256.Sum256(data)
		sums[key] = hex.EncodeToString(h[:])
	}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	c := NewChecksum()
	for _, k := range keys {
		c.Row([]any{k, sums[k]})
	}
	return TableSum{Rows: c.Rows(), SHA256: c.Sum()}, nil
}
