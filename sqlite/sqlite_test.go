package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"communique/sqlite"
	"communique/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.SQLite.Open)
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MustCreateUser(t, db, "keeper", "editor")
	v1, _ := db.SchemaVersion(ctx)
	db.Close()
	db, err = sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatalf("reopen (migrations must not re-run): %v", err)
	}
	defer db.Close()
	if n, _ := db.CountUsers(ctx, ""); n != 1 {
		t.Fatalf("users after reopen = %d", n)
	}
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 || v1 < 1 {
		t.Fatalf("schema version %d then %d", v1, v2)
	}
	if _, err := filepath.Glob(filepath.Join(dir, sqlite.FileName)); err != nil {
		t.Fatal(err)
	}
}

// TestFolderNamesWithURICharacters: a data folder whose name holds '#',
// '?' or '%' keeps its database inside it, not in a file named by the
// part of the path before the character.
func TestFolderNamesWithURICharacters(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"site#2", "what?", "100%"} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, name)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			db, err := sqlite.Open(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			storetest.MustCreateUser(t, db, "keeper", "editor")
			db.Close()
			if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
				t.Errorf("the database is not in %s: %v", dir, err)
			}
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Errorf("beside the folder: %d entries, want the folder alone", len(entries))
			}
		})
	}
}
