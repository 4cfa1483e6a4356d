package sqlite_test

import (
	"context"
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
