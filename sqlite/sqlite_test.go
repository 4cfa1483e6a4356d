package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"communique"
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

// TestBackgroundCheckpoints: the writer never checkpoints inside a
// commit, so a goroutine must: the log is copied into the database and
// started over while writes go on, instead of growing with every write.
func TestBackgroundCheckpoints(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u := storetest.MustCreateUser(t, db, "desk", "editor")
	a := storetest.MustCreateArticle(t, db, u, "Long letters", "Body.")
	text := strings.Repeat("A long letter to the editor. ", 8000) // about 230 KB
	const rounds, perRound = 12, 4                                // about 11 MB in all
	for r := 0; r < rounds; r++ {
		var ws []communique.CommentWrite
		for i := 0; i < perRound; i++ {
			ws = append(ws, communique.CommentWrite{Comment: &communique.Comment{ArticleID: a.ID, AuthorName: "Reader",
				Text: fmt.Sprintf("%d.%d %s", r, i, text), HTML: "<p>letter</p>", Status: communique.CommentApproved}})
		}
		if err := db.CreateComments(ctx, ws); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond) // past a checkpoint
	}
	st, err := os.Stat(filepath.Join(dir, sqlite.FileName+"-wal"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 4<<20 {
		t.Errorf("the log holds %.1f MB after %d writes of about 1 MB: nothing checkpointed it", float64(st.Size())/(1<<20), rounds)
	}
}
