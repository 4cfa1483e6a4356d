package storeops

// A backup is a gzipped tar archive with the store's data, the media
// files of a site that keeps them in a folder, and a manifest (last in
// the archive) that counts and checksums every table and every file, so
// that a restore proves it brought everything back. A SQLite store is
// one snapshot file made while the site serves; a PostgreSQL store one
// JSON-lines file per table, read in one transaction. Both are one
// moment of the store, however much is written during the backup.

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
)

// Format names the archive layout in the manifest. The second format
// sums tables with the one Checksum (the first summed the JSON lines it
// wrote); backups of the first format still restore, checked by their
// files' checksums and their tables' row counts.
const (
	Format   = "communique-backup/2"
	FormatV1 = "communique-backup/1"
)

// Names inside the archive.
const (
	ManifestName = "manifest.json"
	DatabaseName = "communique.db" // a store that snapshots to one file
	TablesDir    = "tables/"       // other stores: tables/NAME.jsonl
	MediaDir     = "media/"        // the media folder's files
)

// Manifest describes a backup: where it comes from, and the row counts
// and checksums a restore must find again.
type Manifest struct {
	Format    string              `json:"format"`
	Store     string              `json:"store"` // "sqlite" or "postgres"
	Schema    int                 `json:"schema_version"`
	Version   string              `json:"communique_version"`
	CreatedAt time.Time           `json:"created_at"`
	Tables    map[string]TableSum `json:"tables"`
	Files     map[string]FileSum  `json:"files"`
}

// FileSum is a file's size and SHA-256.
type FileSum struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Snapshot is a store opened from a snapshot file, to checksum it.
type Snapshot interface {
	Store
	Close() error
}

// Source is what Write backs up.
type Source struct {
	Store Store
	// MediaDir is the site's media folder; "" when media live in the
	// database.
	MediaDir string
	// OpenSnapshot opens a snapshot file read-only, to checksum it.
	OpenSnapshot func(ctx context.Context, path string) (Snapshot, error)
	// TempDir holds the snapshot and table files while the archive is
	// written; "" is the system's.
	TempDir string
}

// Write writes a backup of src to w and returns its manifest.
func Write(ctx context.Context, w io.Writer, src Source) (*Manifest, error) {
	m := &Manifest{Format: Format, Store: src.Store.Engine().Name(), Version: communique.Version,
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
	files := map[string]string{} // archive name -> local file
	if m.Tables, err = writeData(ctx, src, tmp, files); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	// Media files are listed after the data: an image uploaded meanwhile
	// has its file but no record in the backup, and is unseen.
	if err := listMedia(src.MediaDir, files); err != nil {
		return nil, fmt.Errorf("backup: media: %w", err)
	}
	if err := writeArchive(ctx, w, m, files); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// writeData writes the store into tmp as one snapshot file if it can
// make one, else as one file per table, and returns the tables' sums.
func writeData(ctx context.Context, src Source, tmp string, files map[string]string) (map[string]TableSum, error) {
	snap := filepath.Join(tmp, DatabaseName)
	if ok, err := src.Store.Engine().Snapshot(ctx, src.Store.ReadPool(), snap); err != nil {
		return nil, err
	} else if ok {
		db, err := src.OpenSnapshot(ctx, snap)
		if err != nil {
			return nil, fmt.Errorf("open snapshot: %w", err)
		}
		defer db.Close()
		files[DatabaseName] = snap
		return Checksums(ctx, db, nil)
	}
	var open []*os.File
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	sums, err := Dump(ctx, src.Store, func(table string) (io.Writer, error) {
		f, err := os.Create(filepath.Join(tmp, table+".jsonl"))
		if err == nil {
			open, files[TablesDir+table+".jsonl"] = append(open, f), f.Name()
		}
		return f, err
	})
	for _, f := range open {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	open = nil
	return sums, err
}

// listMedia adds the files of the media folder dir to files.
func listMedia(dir string, files map[string]string) error {
	if dir == "" {
		return nil
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil // an upload in progress
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err == nil {
			files[MediaDir+filepath.ToSlash(rel)] = p
		}
		return err
	})
}

// writeArchive writes files (data first, then media, each in name order)
// and the manifest last, recording each file's sum in m.
func writeArchive(ctx context.Context, w io.Writer, m *Manifest, files map[string]string) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		mi, mj := strings.HasPrefix(names[i], MediaDir), strings.HasPrefix(names[j], MediaDir)
		return !mi && mj || mi == mj && names[i] < names[j]
	})
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		sum, err := addFile(tw, name, files[name])
		if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(name, MediaDir) {
			continue // deleted since the walk: so is its record, or soon
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m.Files[name] = sum
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(b)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(b); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
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
	if m == nil || m.Format != Format && m.Format != FormatV1 {
		return nil, fmt.Errorf("not a Communiqué backup (no %s manifest or later)", FormatV1)
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
func CompareTables(want, got map[string]TableSum) error {
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

// Verify returns an error naming every table of a restored store whose
// rows (got) differ from the manifest's. A backup of the first format
// summed its tables another way: its row counts are compared, its data
// having been proven whole by the files' checksums when it was read.
func (m *Manifest) Verify(got map[string]TableSum) error {
	want := m.Tables
	if m.Format == FormatV1 {
		want = map[string]TableSum{}
		for name, t := range m.Tables {
			t.SHA256 = got[name].SHA256
			want[name] = t
		}
	}
	return CompareTables(want, got)
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
