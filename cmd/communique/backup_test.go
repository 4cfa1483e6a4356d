package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storeops"
	"communique/storetest"
)

func args(cmd []string, flags []string) []string { return append(append([]string{}, cmd...), flags...) }

// TestBackupRestore backs a site up while comments keep arriving,
// restores it into a fresh store, checks that the restore is one moment
// of the site with nothing missing, and serves it.
func TestBackupRestore(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		place := kind.Fresh(t)
		flags, db := place.Flags(), place.Open(t)
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Harbour bridge reopens", "The **bridge** is open.")
		img := storetest.MustCreateMedia(t, db, author, "The bridge at dawn")
		image := []byte("\xff\xd8\xff\xe0 not really a JPEG, but bytes to carry")
		if db.Dialect() == "sqlite" {
			p := filepath.Join(place.Dir, "media", img.Key[:2], img.Key)
			if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, image, 0o640); err != nil {
				t.Fatal(err)
			}
		} else if err := sqlstore.NewDBStorage(db).Put(ctx, img.Key, strings.NewReader(string(image))); err != nil {
			t.Fatal(err)
		}
		comment := func(i int) error {
			c := &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "reader@mail.example", AuthorIP: "192.0.2.4",
				Text: fmt.Sprintf("Comment %d", i), HTML: fmt.Sprintf("<p>Comment %d</p>", i), Status: communique.CommentApproved}
			return db.CreateComment(ctx, c)
		}
		for i := range 5 {
			if err := comment(i); err != nil {
				t.Fatal(err)
			}
		}

		// One writer, so ids are committed in order: a consistent
		// snapshot holds exactly the comments up to some id.
		w := startCommentWriter(5, 0, comment)
		defer w.stop(t) // also when the backup fails the test
		file := filepath.Join(t.TempDir(), "site.tar.gz")
		w.waitFor(t, 10)
		out := mustRun(t, nil, "", args([]string{"backup", file}, flags)...)
		w.waitFor(t, w.acked()+5)
		wrote := w.stop(t)
		if !strings.Contains(out, "backed up") || db.Dialect() == "sqlite" && !strings.Contains(out, " 1 media files") {
			t.Errorf("backup printed %q", out)
		}
		if wrote == 0 {
			t.Error("no comment was written while the backup ran")
		}
		if st, err := os.Stat(file); err != nil || st.Mode().Perm()&0o077 != 0 {
			t.Errorf("backup file: %v, mode %v (it holds personal data: owner only)", err, st.Mode())
		}

		targetPlace := kind.Fresh(t)
		target := targetPlace.Flags()
		out = mustRun(t, nil, "", args([]string{"restore", file}, target)...)
		if !strings.Contains(out, "verified") {
			t.Errorf("restore printed %q", out)
		}
		restored := targetPlace.Open(t)
		list, _, err := restored.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID, Private: true, Limit: 10000,
			Status: []communique.CommentStatus{communique.CommentApproved}})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) < 5 {
			t.Fatalf("restored %d comments, want at least the 5 made before the backup", len(list))
		}
		for i, c := range list {
			if c.Text != fmt.Sprintf("Comment %d", i) || c.AuthorIP != "192.0.2.4" {
				t.Fatalf("restored comment %d = %q (IP %q): the snapshot is not one moment of the site", i, c.Text, c.AuthorIP)
			}
		}
		if got, _ := restored.FindArticleByID(ctx, a.ID); got == nil || got.CommentCount != len(list) {
			t.Errorf("restored article's comment count is not its %d comments: %+v", len(list), got)
		}
		if problems, err := storeops.CheckIntegrity(ctx, restored); err != nil || len(problems) > 0 {
			t.Errorf("restored store: %v %v", problems, err)
		}
		// New rows continue after the restored ids.
		if err := restored.CreateComment(ctx, &communique.Comment{ArticleID: a.ID, AuthorName: "After", Text: "After the restore.",
			HTML: "<p>After the restore.</p>", Status: communique.CommentApproved}); err != nil {
			t.Fatalf("comment after restore: %v", err)
		}

		t.Run("Serve", func(t *testing.T) {
			s := startServe(t, nil, target...)
			path := "/" + a.PublishedAt.UTC().Format("2006/01/02") + "/" + a.Slug + "/"
			if status, body := get(t, s.URL, path); status != http.StatusOK || !strings.Contains(body, "Comment 4") || !strings.Contains(body, "<strong>bridge</strong>") {
				t.Errorf("GET %s = %d on the restored site", path, status)
			}
			if status, body := get(t, s.URL, "/media/"+img.Key); status != http.StatusOK || body != string(image) {
				t.Errorf("GET /media/%s = %d, %d bytes", img.Key, status, len(body))
			}
		})
		t.Run("ErrNotEmpty", func(t *testing.T) {
			r := run(t, nil, "", args([]string{"restore", file}, target)...)
			if r.err == nil || !strings.Contains(r.err.Error(), "already holds a site") {
				t.Fatalf("restore into a store with content: %v", r.err)
			}
			if got, _ := restored.FindCommentByID(ctx, list[len(list)-1].ID+1); got == nil || got.Text != "After the restore." {
				t.Errorf("the refused restore changed the store")
			}
		})
		t.Run("Force", func(t *testing.T) {
			out := mustRun(t, nil, "", args([]string{"restore", file, "--force"}, target)...)
			if !strings.Contains(out, "verified") {
				t.Errorf("restore --force printed %q", out)
			}
		})
		t.Run("ErrOtherKind", func(t *testing.T) {
			other := storetest.SQLite
			if kind == other {
				other = storetest.PostgreSQL
			}
			flags := other.Fresh(t).Flags()
			r := run(t, nil, "", args([]string{"restore", file}, flags)...)
			if r.err == nil || !strings.Contains(r.err.Error(), "is a backup of a "+db.Dialect()+" store") {
				t.Errorf("restore into the other kind of store: %v", r.err)
			}
		})
	})
}

// TestRestoreRefusesDamage: a restore checks every file against the
// manifest before it changes anything, and never writes outside its
// folder.
func TestRestoreRefusesDamage(t *testing.T) {
	dir := t.TempDir()
	mustCreateUser(t, dir)
	file := filepath.Join(t.TempDir(), "good.tar.gz")
	mustRun(t, nil, "", "backup", file, "--data", dir)

	// rewrite copies the backup, changing entries with edit.
	rewrite := func(t *testing.T, edit func(name string, body []byte) (string, []byte)) string {
		t.Helper()
		in, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer in.Close()
		gz, err := gzip.NewReader(in)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "bad.tar.gz")
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zw := gzip.NewWriter(f)
		tw := tar.NewWriter(zw)
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(tr)
			name, body := edit(h.Name, body)
			if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
				t.Fatal(err)
			}
			tw.Write(body)
		}
		tw.Close()
		zw.Close()
		return out
	}
	for _, tc := range []struct {
		name string
		edit func(name string, body []byte) (string, []byte)
		want string
	}{
		{"ChangedDatabase", func(name string, body []byte) (string, []byte) {
			if name == "communique.db" {
				body = append(body, 0)
			}
			return name, body
		}, "communique.db differs from its checksum"},
		{"PathTraversal", func(name string, body []byte) (string, []byte) {
			if name == "communique.db" {
				name = "media/../../escaped.db"
			}
			return name, body
		}, "unexpected entry"},
		{"NoManifest", func(name string, body []byte) (string, []byte) {
			if name == "manifest.json" {
				name = "media/manifest.json"
			}
			return name, body
		}, "no communique-backup/1 manifest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := t.TempDir()
			r := run(t, nil, "", "restore", rewrite(t, tc.edit), "--data", target)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Fatalf("restore of a damaged backup: %v, want %q", r.err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(target, "communique.db")); err == nil {
				t.Error("a refused restore left a database behind")
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(target), "escaped.db")); err == nil {
				t.Error("the archive wrote outside the data folder")
			}
		})
	}
	t.Run("NotABackup", func(t *testing.T) {
		bogus := filepath.Join(t.TempDir(), "x.tar.gz")
		os.WriteFile(bogus, []byte("hello"), 0o600)
		if r := run(t, nil, "", "restore", bogus, "--data", t.TempDir()); r.err == nil || !strings.Contains(r.err.Error(), "not a Communiqué backup") {
			t.Errorf("restore of a text file: %v", r.err)
		}
	})
}

// commentWriter posts comments in the background, one at a time (so ids
// are committed in order), and counts those acknowledged. It never calls
// the test's t from its goroutine: stop waits for it and reports its
// error, so it ends before its test, however the test ends.
type commentWriter struct {
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	n      int // comments acknowledged
	err    error
	once   sync.Once
}

// startCommentWriter calls post(first), post(first+1), … every interval
// (0: back to back) until stopped or post fails.
func startCommentWriter(first int, interval time.Duration, post func(i int) error) *commentWriter {
	ctx, cancel := context.WithCancel(context.Background())
	w := &commentWriter{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		var tick <-chan time.Time
		if interval > 0 {
			tk := time.NewTicker(interval)
			defer tk.Stop()
			tick = tk.C
		}
		for i := first; ; i++ {
			if tick != nil {
				select {
				case <-ctx.Done():
					return
				case <-tick:
				}
			} else if ctx.Err() != nil {
				return
			}
			err := post(i)
			w.mu.Lock()
			if err != nil {
				w.err = fmt.Errorf("comment %d: %w", i, err)
			} else {
				w.n++
			}
			w.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return w
}

// acked returns how many comments were acknowledged so far.
func (w *commentWriter) acked() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// waitFor waits until n comments were acknowledged or the writer failed.
func (w *commentWriter) waitFor(t *testing.T, n int) {
	t.Helper()
	for w.acked() < n {
		select {
		case <-w.done:
			t.Fatalf("the comment writer stopped after %d comments: %v", w.acked(), w.err)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stop ends the writer, waits for it, fails the test if a comment was
// refused, and returns how many were acknowledged. It may be called again.
func (w *commentWriter) stop(t *testing.T) int {
	t.Helper()
	w.cancel()
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	w.once.Do(func() {
		if w.err != nil {
			t.Errorf("while the backup ran: %v", w.err)
		}
	})
	return w.n
}

// TestBackupUnderLoad takes ten backups while 50 comments a second
// arrive, and restores each into a fresh store: every restore opens,
// passes the integrity checks, and holds every comment acknowledged
// before its backup began.
func TestBackupUnderLoad(t *testing.T) {
	storetest.ForEachKind(t, func(t *testing.T, kind storetest.Kind) {
		ctx := context.Background()
		place := kind.Fresh(t)
		db := place.Open(t)
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Night shift", "The **presses** roll.")
		w := startCommentWriter(0, 20*time.Millisecond, func(i int) error {
			return db.CreateComment(ctx, &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "reader@mail.example",
				Text: fmt.Sprintf("Comment %d", i), HTML: fmt.Sprintf("<p>Comment %d</p>", i), Status: communique.CommentApproved})
		})
		defer w.stop(t)
		w.waitFor(t, 5)
		dir := t.TempDir()
		type backup struct {
			file   string
			before int // comments acknowledged when it began
		}
		var backups []backup
		n := 10
		if raceEnabled {
			n = 3
		}
		for i := range n {
			b := backup{file: filepath.Join(dir, fmt.Sprintf("site-%d.tar.gz", i)), before: w.acked()}
			mustRun(t, nil, "", args([]string{"backup", b.file}, place.Flags())...)
			backups = append(backups, b)
		}
		if n := w.stop(t); n <= backups[0].before {
			t.Fatalf("no comment arrived while the backups ran (%d in all)", n)
		}
		for i, b := range backups {
			target := kind.Fresh(t)
			out := mustRun(t, nil, "", args([]string{"restore", b.file}, target.Flags())...)
			if !strings.Contains(out, "verified") {
				t.Errorf("restore %d printed %q", i, out)
			}
			restored := target.Open(t)
			if problems, err := storeops.CheckIntegrity(ctx, restored); err != nil || len(problems) > 0 {
				t.Errorf("restore %d: integrity: %v %v", i, problems, err)
			}
			list, _, err := restored.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID, Private: true, Limit: 100000,
				Status: []communique.CommentStatus{communique.CommentApproved}})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) < b.before {
				t.Fatalf("restore %d holds %d comments; %d were acknowledged before its backup began", i, len(list), b.before)
			}
			for j, c := range list {
				if c.Text != fmt.Sprintf("Comment %d", j) {
					t.Fatalf("restore %d: comment %d is %q: a gap, so not one moment of the site", i, j, c.Text)
				}
			}
			t.Logf("backup %d: %d comments acknowledged before it began, %d in the restore", i, b.before, len(list))
		}
	})
}
