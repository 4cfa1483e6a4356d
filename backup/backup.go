// Package backup writes and reads Communiqué's backup files: a gzipped tar
// archive with the store's data, the media files of a SQLite site, and a
// manifest (last in the archive) that counts and checksums every table and
// every file, so that a restore proves it brought everything back.
//
// A SQLite store is copied as one database file, made with VACUUM INTO
// while the site serves; a PostgreSQL store as one JSON-lines file per
// table, read in one repeatable-read transaction. Both are one consistent
// moment of the store, however much is written during the backup.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"communique"
	"communique/sqlstore"
)

// Format names the archive layout in the manifest.
const Format = "communique-backup/1"

// Names inside the archive.
const (
	ManifestName = "manifest.json"
	DatabaseName = "communique.db" // SQLite only
	TablesDir    = "tables/"       // PostgreSQL: tables/NAME.jsonl
	MediaDir     = "media/"        // SQLite: the media folder's files
)

// Manifest describes a backup: where it comes from, and the row counts
// and checksums a restore must find again.
type Manifest struct {
	Format    string                       `json:"format"`
	Store     string                       `json:"store"` // "sqlite" or "postgres"
	Schema    int                          `json:"schema_version"`
	Version   string                       `json:"communique_version"`
	CreatedAt time.Time                    `json:"created_at"`
	Tables    map[string]sqlstore.TableSum `json:"tables"`
	Files     map[string]FileSum           `json:"files"`
}

// FileSum is a file's size and SHA-256.
type FileSum struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Store is what a backup reads from a store.
type Store interface {
	Dialect() string
	SchemaVersion(ctx context.Context) (int, error)
	Checksums(ctx context.Context, columns map[string][]string) (map[string]sqlstore.TableSum, error)
	Dump(ctx context.Context, create func(table string) (io.Writer, error)) (map[string]sqlstore.TableSum, error)
	SnapshotTo(ctx context.Context, path string) error
	Close() error
}

// Source is what Write backs up.
type Source struct {
	Store Store
	// MediaDir is the SQLite site's media folder; "" when media live in
	// the database.
	MediaDir string
	// OpenSnapshot opens a SQLite snapshot file read-only, to checksum it.
	OpenSnapshot func(ctx context.Context, path string) (Store, error)
	// TempDir holds the snapshot and table files while the archive is
	// written; "" is the system's.
	TempDir string
}

// Write writes a backup of src to w and returns its manifest.
func Write(ctx context.Context, w io.Writer, src Source) (*Manifest, error) {
	m := &Manifest{Format: Format, Store: src.Store.Dialect(), Version: communique.Version,
		CreatedAt: time.Now().UTC().Truncate(time.Second), Files: map[string]FileSum{}}
	var err error
	if m.Schema, err = src.Store.SchemaVersion(ctx); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.MkdirTemp(src.TempDir, "communique-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)

	// First the data, to temporary files: a tar entry needs its size.
	var files []string // archive names, in order
	local := map[string]string{}
	switch m.Store {
	case "sqlite":
		snap := filepath.Join(tmp, DatabaseName)
		if err := src.Store.SnapshotTo(ctx, snap); err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		copyDB, err := src.OpenSnapshot(ctx, snap)
		if err != nil {
			return nil, fmt.Errorf("backup: open snapshot: %w", err)
		}
		m.Tables, err = copyDB.Checksums(ctx, nil)
		copyDB.Close()
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		files, local[DatabaseName] = append(files, DatabaseName), snap
	default:
		open := map[string]*os.File{}
		defer func() {
			for _, f := range open {
				f.Close()
			}
		}()
		m.Tables, err = src.Store.Dump(ctx, func(table string) (io.Writer, error) {
			f, err := os.Create(filepath.Join(tmp, table+".jsonl"))
			if err != nil {
				return nil, err
			}
			open[table] = f
			name := TablesDir + table + ".jsonl"
			files, local[name] = append(files, name), f.Name()
			return f, nil
		})
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		for _, f := range open {
			if err := f.Close(); err != nil {
				return nil, fmt.Errorf("backup: %w", err)
			}
		}
		clear(open)
	}
	// Media files are copied after the snapshot: an image uploaded
	// meanwhile has its file but no record in the backup, and is unseen.
	if src.MediaDir != "" {
		err := filepath.WalkDir(src.MediaDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == src.MediaDir {
					return filepath.SkipDir
				}
				return err
			}
			if strings.HasPrefix(d.Name(), ".") && p != src.MediaDir {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil // an upload in progress
			}
			if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(src.MediaDir, p)
			if err != nil {
				return err
			}
			name := MediaDir + filepath.ToSlash(rel)
			files, local[name] = append(files, name), p
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("backup: media: %w", err)
		}
	}

	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		sum, err := addFile(tw, name, local[name])
		if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(name, MediaDir) {
			continue // deleted since the walk: so is its record, or soon
		}
		if err != nil {
			return nil, fmt.Errorf("backup: %s: %w", name, err)
		}
		m.Files[name] = sum
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(b)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(b); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return m, gz.Close()
}

// addFile copies a file into the archive and returns its sum.
func addFile(tw *tar.Writer, name, src string) (FileSum, error) {
	f, err := os.Open(src)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return FileSum{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime().UTC(), Typeflag: tar.TypeReg}); err != nil {
		return FileSum{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, st.Size()))
	if err == nil && n != st.Size() {
		err = fmt.Errorf("file changed size while being copied")
	}
	return FileSum{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, err
}

// Read extracts a backup into dir (which it creates) and checks every
// file against the manifest: all there, none added, none changed. Names
// are checked before anything is written, so an archive cannot write
// outside dir.
func Read(ctx context.Context, r io.Reader, dir string) (*Manifest, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a Communiqué backup (not gzip): %w", err)
	}
	defer gz.Close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tr := tar.NewReader(gz)
	got := map[string]FileSum{}
	var m *Manifest
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a Communiqué backup (bad archive): %w", err)
		}
		if hdr.Typeflag != tar.TypeReg || !safeName(hdr.Name) {
			return nil, fmt.Errorf("the backup holds an unexpected entry %q", hdr.Name)
		}
		if hdr.Name == ManifestName {
			var mm Manifest
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(&mm); err != nil {
				return nil, fmt.Errorf("the backup's manifest cannot be read: %w", err)
			}
			m = &mm
			continue
		}
		if _, dup := got[hdr.Name]; dup {
			return nil, fmt.Errorf("the backup holds %q twice", hdr.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(hdr.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, h), tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("extract %s: %w", hdr.Name, err)
		}
		got[hdr.Name] = FileSum{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	if m == nil || m.Format != Format {
		return nil, fmt.Errorf("not a Communiqué backup (no %s manifest)", Format)
	}
	var problems []string
	for name, want := range m.Files {
		if g, ok := got[name]; !ok {
			problems = append(problems, name+" is missing")
		} else if g != want {
			problems = append(problems, name+" differs from its checksum")
		}
	}
	for name := range got {
		if _, ok := m.Files[name]; !ok {
			problems = append(problems, name+" is not in the manifest")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("the backup is damaged: %s", strings.Join(problems, "; "))
	}
	return m, nil
}

// safeName accepts the names Write gives entries, and nothing that could
// leave the folder they are extracted to.
func safeName(name string) bool {
	if name == "" || len(name) > 255 || strings.HasPrefix(name, "/") || strings.Contains(name, `\`) || path.Clean(name) != name {
		return false
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return name == ManifestName || name == DatabaseName ||
		strings.HasPrefix(name, TablesDir) && strings.HasSuffix(name, ".jsonl") && strings.Count(name, "/") == 1 ||
		strings.HasPrefix(name, MediaDir)
}

// CompareTables returns an error naming every table whose rows differ
// from the manifest's.
func CompareTables(want, got map[string]sqlstore.TableSum) error {
	var problems []string
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("table %s is missing", name))
		case g.Rows != w.Rows:
			problems = append(problems, fmt.Sprintf("table %s has %d rows, the backup %d", name, g.Rows, w.Rows))
		case g.SHA256 != w.SHA256:
			problems = append(problems, fmt.Sprintf("table %s differs from the backup's checksum", name))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("restored data does not match the backup: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Columns returns the columns each table was summed over, to sum a
// restored store the same way.
func (m *Manifest) Columns() map[string][]string {
	cols := map[string][]string{}
	for name, t := range m.Tables {
		cols[name] = t.Columns
	}
	return cols
}

// Rows is the number of rows in the backup.
func (m *Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}
