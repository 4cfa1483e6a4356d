package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestCommentFragments proves the rendered-once comments change nothing a
// reader sees: a page built from cached fragments is the same bytes as
// one rendered afresh by a new server, and an edited comment, a new reply
// and a changed date format all show on the next load.
func TestCommentFragments(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		author := storetest.MustCreateUser(t, db, "fragments", communique.RoleAuthor)
		a := MustCreate(t, db, &communique.Article{Title: "Ferry timetable", Source: "x", AuthorID: author.ID, Status: communique.StatusPublished, CommentsOpen: true}, nil, nil)
		var first *communique.Comment
		for i := 0; i < 6; i++ {
			c := &communique.Comment{ArticleID: a.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
				Text: fmt.Sprint("Thought ", i), HTML: fmt.Sprintf("<p>Thought %d</p>", i), Status: communique.CommentApproved}
			if i%2 == 1 {
				c.ParentID = first.ID
			}
			if err := db.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = c
			}
		}
		path := communique.ArticlePath(a, communique.ParseSettings(nil), nil)
		page := func(s *site) string {
			t.Helper()
			res := s.Get(t, path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.Status)
			}
			// Absolute links name the test server's port.
			return strings.ReplaceAll(res.Body, strings.TrimPrefix(s.URL, "http://"), "host")
		}
		warm := MustServe(t, db, "")
		once := page(warm)
		if n := strings.Count(once, `class="comment `); n != 6 {
			t.Fatalf("the page shows %d comments, want 6", n)
		}
		again := page(warm)
		if fresh := page(MustServe(t, db, "")); again != fresh || again != once {
			t.Fatalf("a page from cached fragments differs from one rendered afresh:\n%s", firstDifference(again, fresh))
		}

		if err := db.UpdateCommentText(ctx, first.ID, "Thought revised", "<p>Thought revised</p>", communique.CommentApproved, 0); err != nil {
			t.Fatal(err)
		}
		if body := page(warm); !strings.Contains(body, "Thought revised") || strings.Contains(body, "<p>Thought 0</p>") {
			t.Error("an edited comment still shows its old text")
		}
		reply := &communique.Comment{ArticleID: a.ID, ParentID: first.ID, AuthorName: "Late reader", Text: "Late reply", HTML: "<p>Late reply</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, reply); err != nil {
			t.Fatal(err)
		}
		if body := page(warm); !strings.Contains(body, "Late reply") {
			t.Error("a new reply under a cached comment does not show")
		}
		MustSet(t, db, "date_format", "Y-m-d")
		MustSet(t, db, "time_format", "H:i")
		body := page(warm)
		if fresh := page(MustServe(t, db, "")); body != fresh {
			t.Fatalf("after a settings change the page differs from one rendered afresh:\n%s", firstDifference(body, fresh))
		}
		if !strings.Contains(body, fixedNow.In(communique.ParseSettings(nil).Location).Format("2006-01-02")+" at ") {
			t.Error("comments do not show the new date format")
		}
	}, atFixedNow)
}

// firstDifference shows where two pages part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("got  …%s…\nwant …%s…", a[from:min(len(a), i+80)], b[from:min(len(b), i+80)])
}
