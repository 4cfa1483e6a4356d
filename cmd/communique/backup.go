package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"communique/sqlite"
	"communique/storeops"
)

func (p *Program) backup(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("backup")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return usageKey("cli.backup_file")
	}
	file := rest[0]
	st, err := siteFor(sf)
	if err != nil {
		return err
	}
	db, err := st.Open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	src := storeops.Source{Store: db, MediaDir: st.MediaDir(), OpenSnapshot: func(ctx context.Context, path string) (storeops.Snapshot, error) {
		return sqlite.OpenReadOnly(ctx, path) // a snapshot is a SQLite file
	}}
	if f := st.DatabaseFile(); f != "" {
		// The snapshot is written beside the database, where there is room
		// for it, rather than in a small /tmp.
		src.TempDir = filepath.Dir(f)
	}
	// Written under a temporary name and renamed, so FILE is either the
	// old one or a whole new backup.
	var m *storeops.Manifest
	err = writeWhole(file, func(w io.Writer) error {
		m, err = storeops.Write(ctx, w, src)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	media := 0
	for name := range m.Files {
		if strings.HasPrefix(name, storeops.MediaDir) {
			media++
		}
	}
	fmt.Fprintf(p.Stdout, "backed up %d rows in %d tables and %d media files of the %s store to %s\n",
		m.Rows(), len(m.Tables), media, m.Store, file)
	return nil
}

func (p *Program) restore(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("restore")
	force := fs.Bool("force", false, "replace a store that has content")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return usageKey("cli.restore_file")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	st, err := siteFor(sf)
	if err != nil {
		return err
	}
	if st.DatabaseFile() == "" {
		return p.restoreLoad(ctx, f, rest[0], st, *force)
	}
	return p.restoreFile(ctx, f, rest[0], st, *force)
}

// restoreFile restores a store kept in one file (SQLite): the backup's
// snapshot, checked, takes the file's place, and its media the media
// folder's.
func (p *Program) restoreFile(ctx context.Context, r io.Reader, name string, st site, force bool) error {
	target := st.DatabaseFile()
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(target); err == nil {
		old, err := sqlite.OpenReadOnly(ctx, target)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		full, err := storeops.HasContent(ctx, old)
		old.Close()
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if full && !force {
			return fmt.Errorf("restore: %s already holds a site; restore into an empty data folder, or add --force to replace it", target)
		}
	}
	tmp, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	m, err := storeops.Read(ctx, r, tmp)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	snap := filepath.Join(tmp, storeops.DatabaseName)
	if _, ok := m.Files[storeops.DatabaseName]; !ok {
		return fmt.Errorf("restore: %s is a backup of a %s store; restore it with --db postgres://…", name, m.Store)
	}
	restored, err := sqlite.OpenReadOnly(ctx, snap)
	if err != nil {
		return fmt.Errorf("restore: nothing was changed: %w", err)
	}
	err = verifyRestored(ctx, m, restored)
	restored.Close()
	if err != nil {
		return fmt.Errorf("restore: nothing was changed: %w", err)
	}
	// Into place: the old database and its journals go, then the media
	// folder is replaced by the backup's.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(snap, target); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	mediaDir := st.MediaDir()
	if err := os.RemoveAll(mediaDir); err != nil {
		return fmt.Errorf("restore: media: %w", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "media")); err == nil {
		if err := os.MkdirAll(filepath.Dir(mediaDir), 0o750); err != nil {
			return fmt.Errorf("restore: media: %w", err)
		}
		if err := os.Rename(filepath.Join(tmp, "media"), mediaDir); err != nil {
			return fmt.Errorf("restore: media: %w", err)
		}
	}
	// Opening migrates a backup made by an older version.
	db, err := st.Open(ctx)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	if problems, err := storeops.CheckIntegrity(ctx, db); err != nil || len(problems) > 0 {
		return fmt.Errorf("restore: the restored store fails its checks: %v %v", problems, err)
	}
	p.restored(m, name)
	return nil
}

// restoreLoad restores a store on a server (PostgreSQL): the backup's
// tables are loaded in one transaction, then checked.
func (p *Program) restoreLoad(ctx context.Context, r io.Reader, name string, st site, force bool) error {
	db, err := st.Open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	full, err := storeops.HasContent(ctx, db)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if full && !force {
		return fmt.Errorf("restore: the database already holds a site; restore into an empty one, or add --force to replace it")
	}
	tmp, err := os.MkdirTemp("", "communique-restore-")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	m, err := storeops.Read(ctx, r, tmp)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, ok := m.Files[storeops.DatabaseName]; ok {
		return fmt.Errorf("restore: %s is a backup of a %s store; restore it with --data DIR", name, m.Store)
	}
	if v, err := db.SchemaVersion(ctx); err != nil {
		return fmt.Errorf("restore: %w", err)
	} else if m.Schema > v {
		return fmt.Errorf("restore: the backup comes from a newer version of Communiqué (schema %d, this one has %d)", m.Schema, v)
	}
	err = storeops.Load(ctx, db, m.Tables, func(table string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(tmp, "tables", table+".jsonl"))
	})
	if err != nil {
		return fmt.Errorf("restore: nothing was changed: %w", err)
	}
	if err := verifyRestored(ctx, m, db); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	p.restored(m, name)
	return nil
}

// verifyRestored compares a restored store with the manifest and runs its
// integrity checks.
func verifyRestored(ctx context.Context, m *storeops.Manifest, db storeops.Store) error {
	got, err := storeops.Checksums(ctx, db, m.Columns())
	if err != nil {
		return err
	}
	if err := m.Verify(got); err != nil {
		return err
	}
	problems, err := storeops.CheckIntegrity(ctx, db)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity checks failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (p *Program) restored(m *storeops.Manifest, name string) {
	media := 0
	for f := range m.Files {
		if strings.HasPrefix(f, storeops.MediaDir) {
			media++
		}
	}
	fmt.Fprintf(p.Stdout, "restored %d rows in %d tables and %d media files from %s (made %s); verified: every table and file matches its checksum, integrity checks pass\n",
		m.Rows(), len(m.Tables), media, name, m.CreatedAt.Format("2006-01-02 15:04 UTC"))
}
