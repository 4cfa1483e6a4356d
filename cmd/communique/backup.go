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

	"communique/backup"
	"communique/sqlite"
	"communique/sqlstore"
)

const backupHelp = `  communique backup FILE
      Write a consistent snapshot of the site to FILE (a .tar.gz) while it serves: the
      database (SQLite: a copy of the file; PostgreSQL: every table as JSON lines, read in
      one transaction), the media folder of a SQLite site, and a manifest with the row
      count and checksum of every table and file. FILE holds personal data: keep it safe.
  communique restore FILE [--force]
      Bring a backup back into an empty store of the same kind (--force replaces a store
      that has content), then verify every table and file against the manifest and run
      the store's integrity checks. Stop the server of a SQLite site first.`

func (p *Program) backup(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("backup")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return usagef("backup: give the file to write (communique backup FILE)")
	}
	file := rest[0]
	db, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	src := backup.Source{Store: db, OpenSnapshot: func(ctx context.Context, path string) (backup.Store, error) {
		return sqlite.OpenReadOnly(ctx, path)
	}}
	if db.Dialect() == "sqlite" {
		src.MediaDir = filepath.Join(sf.data, "media")
		// The snapshot is written beside the database, where there is room
		// for it, rather than in a small /tmp.
		src.TempDir = filepath.Dir(sqlitePath(sf))
	}
	// Written under a temporary name and renamed, so FILE is either the
	// old one or a whole new backup.
	tmp, err := os.CreateTemp(filepath.Dir(file), ".backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	m, err := backup.Write(ctx, tmp, src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	media := 0
	for name := range m.Files {
		if strings.HasPrefix(name, backup.MediaDir) {
			media++
		}
	}
	fmt.Fprintf(p.Stdout, "backed up %d rows in %d tables and %d media files of the %s store to %s\n",
		m.Rows(), len(m.Tables), media, m.Store, file)
	return nil
}

// sqlitePath is the SQLite database file the store flags name.
func sqlitePath(sf *storeFlags) string {
	if path := strings.TrimPrefix(strings.TrimPrefix(sf.db, "sqlite:"), "//"); path != "" && path != "sqlite" {
		return path
	}
	return filepath.Join(sf.data, sqlite.FileName)
}

func (p *Program) restore(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("restore")
	force := fs.Bool("force", false, "replace a store that has content")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || rest[0] == "" {
		return usagef("restore: give the backup file (communique restore FILE)")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	if strings.HasPrefix(sf.db, "postgres://") || strings.HasPrefix(sf.db, "postgresql://") {
		return p.restorePostgres(ctx, f, rest[0], sf, *force)
	}
	return p.restoreSQLite(ctx, f, rest[0], sf, *force)
}

// isSQLiteFlags reports whether the flags name a SQLite store.
func isSQLiteFlags(sf *storeFlags) bool {
	return sf.db == "" || sf.db == "sqlite" || strings.HasPrefix(sf.db, "sqlite:")
}

func (p *Program) restoreSQLite(ctx context.Context, r io.Reader, name string, sf *storeFlags, force bool) error {
	if !isSQLiteFlags(sf) {
		return usagef("--db must be a postgres:// URL or sqlite:PATH (got %q)", redact(sf.db))
	}
	target := sqlitePath(sf)
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if _, err := os.Stat(target); err == nil {
		old, err := sqlite.OpenReadOnly(ctx, target)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		full, err := old.HasContent(ctx)
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
	m, err := backup.Read(ctx, r, tmp)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if m.Store != "sqlite" {
		return fmt.Errorf("restore: %s is a backup of a %s store; restore it with --db postgres://…", name, m.Store)
	}
	snap := filepath.Join(tmp, backup.DatabaseName)
	if err := verifyRestored(ctx, m, func(ctx context.Context) (*sqlstore.DB, error) { return sqlite.OpenReadOnly(ctx, snap) }); err != nil {
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
	mediaDir := filepath.Join(sf.data, "media")
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
	db, err := openStore(ctx, sf)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	if problems, err := db.CheckIntegrity(ctx); err != nil || len(problems) > 0 {
		return fmt.Errorf("restore: the restored store fails its checks: %v %v", problems, err)
	}
	p.restored(m, name)
	return nil
}

func (p *Program) restorePostgres(ctx context.Context, r io.Reader, name string, sf *storeFlags, force bool) error {
	db, err := openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	full, err := db.HasContent(ctx)
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
	m, err := backup.Read(ctx, r, tmp)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if m.Store != "postgres" {
		return fmt.Errorf("restore: %s is a backup of a %s store; restore it with --data DIR", name, m.Store)
	}
	if v, err := db.SchemaVersion(ctx); err != nil {
		return fmt.Errorf("restore: %w", err)
	} else if m.Schema > v {
		return fmt.Errorf("restore: the backup comes from a newer version of Communiqué (schema %d, this one has %d)", m.Schema, v)
	}
	err = db.Load(ctx, m.Tables, func(table string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(tmp, "tables", table+".jsonl"))
	})
	if err != nil {
		return fmt.Errorf("restore: nothing was changed: %w", err)
	}
	if err := verifyRestored(ctx, m, func(context.Context) (*sqlstore.DB, error) { return db, nil }); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	p.restored(m, name)
	return nil
}

// verifyRestored compares a restored store with the manifest and runs its
// integrity checks.
func verifyRestored(ctx context.Context, m *backup.Manifest, open func(context.Context) (*sqlstore.DB, error)) error {
	db, err := open(ctx)
	if err != nil {
		return err
	}
	if db.Dialect() == "sqlite" {
		defer db.Close()
	}
	got, err := db.Checksums(ctx, m.Columns())
	if err != nil {
		return err
	}
	if err := backup.CompareTables(m.Tables, got); err != nil {
		return err
	}
	problems, err := db.CheckIntegrity(ctx)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity checks failed: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (p *Program) restored(m *backup.Manifest, name string) {
	media := 0
	for f := range m.Files {
		if strings.HasPrefix(f, backup.MediaDir) {
			media++
		}
	}
	fmt.Fprintf(p.Stdout, "restored %d rows in %d tables and %d media files from %s (made %s); verified: every table and file matches its checksum, integrity checks pass\n",
		m.Rows(), len(m.Tables), media, name, m.CreatedAt.Format("2006-01-02 15:04 UTC"))
}
