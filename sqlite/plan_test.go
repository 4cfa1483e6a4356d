package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"communique"
	"communique/sqlite"
	"communique/storetest"
)

// An article page's replies are looked up by thread and status. Without
// planner statistics (right after an import) SQLite once chose the
// status index for that and walked every approved comment of the site;
// the plan must narrow by thread or by article with or without
// statistics, and RefreshStatistics must gather them.
func TestReplyQueryPlan(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
	// A small site: many articles, comments on each, some held.
	var a *communique.Article
	for i := range 30 {
		a = storetest.MustCreateArticle(t, db, author, fmt.Sprint("Story ", i), "Body.")
		for j := range 20 {
			status := communique.CommentApproved
			if j%5 == 4 {
				status = communique.CommentPending
			}
			c := &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "r@example.org",
				Text: fmt.Sprint("Comment ", j), HTML: "<p>Comment</p>", Status: status}
			if err := db.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	threads := make([]string, 50) // a page of threads
	for i := range threads {
		threads[i] = fmt.Sprint(i + 1)
	}
	plan := func() string {
		rows, err := raw.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT c.id FROM comments c WHERE c.article_id = ?
			AND c.status IN ('approved') AND c.thread_id IN (`+strings.Join(threads, ",")+`) AND c.parent_id IS NOT NULL
			ORDER BY c.created_at, c.id`, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			b.WriteString(detail + "\n")
		}
		return b.String()
	}
	stats := func() int {
		var n int
		raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`).Scan(&n)
		if n == 0 {
			return 0
		}
		raw.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'comments'`).Scan(&n)
		return n
	}
	if n := stats(); n != 0 {
		t.Fatalf("a new store has %d statistics rows for comments; the test needs none", n)
	}
	bounded := func(p string) bool {
		return strings.Contains(p, "comments_thread (thread_id=? AND status=?)") || strings.Contains(p, "comments_article (article_id=?")
	}
	if p := plan(); !bounded(p) {
		t.Errorf("without statistics the replies query plan is:\n%s want the thread or article index", p)
	}
	if err := db.RefreshStatistics(ctx); err != nil {
		t.Fatal(err)
	}
	if n := stats(); n == 0 {
		t.Error("RefreshStatistics gathered no statistics for comments")
	}
	if p := plan(); !bounded(p) {
		t.Errorf("with statistics the replies query plan is:\n%s want the thread or article index", p)
	}
}
