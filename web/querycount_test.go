package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// TestQueryCounts guards the render path: a page costs a fixed number of
// queries whatever it shows (no N+1), and a cached page costs none.
func TestQueryCounts(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		author := storetest.MustCreateUser(t, db, "counter", communique.RoleAuthor)
		news := MustCreateTerm(t, db, communique.TaxonomyCategory, "News", nil)
		tag := MustCreateTerm(t, db, communique.TaxonomyTag, "Harbour", nil)
		small := MustCreate(t, db, &communique.Article{Title: "Few comments", Source: "x", AuthorID: author.ID, Status: communique.StatusPublished, CommentsOpen: true}, []*communique.Term{news}, []*communique.Term{tag})
		big := MustCreate(t, db, &communique.Article{Title: "Many comments", Source: "x", AuthorID: author.ID, Status: communique.StatusPublished, CommentsOpen: true}, []*communique.Term{news}, []*communique.Term{tag})
		addComments := func(a *communique.Article, threads, replies int) {
			for i := 0; i < threads; i++ {
				root := &communique.Comment{ArticleID: a.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
					Text: "A thought", HTML: "<p>A thought</p>", Status: communique.CommentApproved}
				if err := db.CreateComment(ctx, root); err != nil {
					t.Fatal(err)
				}
				parent := root.ID
				for j := 0; j < replies; j++ {
					c := &communique.Comment{ArticleID: a.ID, ParentID: parent, AuthorName: "Replier", Text: "Reply", HTML: "<p>Reply</p>", Status: communique.CommentApproved}
					if err := db.CreateComment(ctx, c); err != nil {
						t.Fatal(err)
					}
					parent = c.ID
				}
			}
		}
		addComments(small, 1, 1)
		addComments(big, 20, 3)
		for i := 0; i < 12; i++ {
			MustCreate(t, db, &communique.Article{Title: fmt.Sprint("Filler ", i), Source: "x", AuthorID: author.ID, Status: communique.StatusPublished}, []*communique.Term{news}, []*communique.Term{tag})
		}
		s := mustServeWatching(t, db)
		st := communique.ParseSettings(nil)
		cost := func(path string) int64 {
			before := db.QueryCount()
			if res := s.Get(t, path); res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.Status)
			}
			return db.QueryCount() - before
		}
		cost("/") // the settings and menu snapshot, when the store allows one, is loaded once
		smallCost := cost(communique.ArticlePath(small, st, nil))
		bigCost := cost(communique.ArticlePath(big, st, nil))
		if smallCost != bigCost {
			t.Errorf("article page: %d queries with 2 comments, %d with 80: the count grows with comments", smallCost, bigCost)
		}
		// The first view of an article also reads "More from" the section,
		// related stories and its two neighbours (one query each, whatever
		// the site holds), which the site snapshot keeps until content
		// changes; a comment does not drop them.
		again := cost(communique.ArticlePath(big, st, nil))
		t.Logf("article page: %d queries, %d when viewed again", bigCost, again)
		// The thread (its page, replies, reaction counts and total) is one
		// statement, and so are the article's bylines and terms; the
		// article, its notes, its discussion settings, whether it is a
		// live blog, the featured comments and the webmentions are the rest.
		if bigCost > 12 {
			t.Errorf("article page costs %d queries, want at most 12", bigCost)
		}
		if again > 8 {
			t.Errorf("article page viewed again costs %d queries, want at most 8", again)
		}
		c := &communique.Comment{ArticleID: big.ID, AuthorName: "Late", Text: "Late", HTML: "<p>Late</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		cost(communique.ArticlePath(big, st, nil)) // the watcher's look at what changed
		if after := cost(communique.ArticlePath(big, st, nil)); after != again {
			t.Errorf("after a comment the article page costs %d queries, want %d", after, again)
		}
		cost("/")
		front, archive := cost("/"), cost("/category/news/")
		page2 := cost("/page/2/")
		t.Logf("front page: %d, category: %d, page 2: %d queries", front, archive, page2)
		// A full page also counts all matches for its pagination, and the
		// front page reads the zones an editor may have arranged: two more.
		if front-page2 > 2 || page2 > front {
			t.Errorf("front page %d queries, page 2 %d: listing cost depends on the page", front, page2)
		}
		if front > 11 || archive > 11 {
			t.Errorf("listings cost %d and %d queries, want at most 11", front, archive)
		}
	}, atFixedNow)
}

// mustServeWatching serves the site as serve does, with the watcher that
// keeps the site snapshot (on PostgreSQL, LISTEN pokes it), and returns
// once the watcher has made its first look, so its query is not counted.
func mustServeWatching(tb testing.TB, db *sqlstore.DB) *site {
	tb.Helper()
	srv, err := web.NewServer(context.Background(), web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	before := db.QueryCount()
	go srv.WatchStore(ctx, time.Hour)
	for deadline := time.Now().Add(5 * time.Second); db.QueryCount() == before; {
		if time.Now().After(deadline) {
			tb.Fatal("the watcher made no first look within 5 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &site{URL: ts.URL, Server: ts, Client: client}
}
