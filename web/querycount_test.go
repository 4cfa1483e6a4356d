package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
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
		s := MustServe(t, db, "")
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
		t.Logf("article page: %d queries", bigCost)
		// The budget includes "More from" the section and related stories
		// (one query each, whatever the site holds), the article's own
		// discussion settings and whether it is a live blog (one
		// primary-key read each).
		if bigCost > 20 {
			t.Errorf("article page costs %d queries, want at most 20", bigCost)
		}
		front, archive := cost("/"), cost("/category/news/")
		page2 := cost("/page/2/")
		t.Logf("front page: %d, category: %d, page 2: %d queries", front, archive, page2)
		// A full page also counts all matches for its pagination, and the
		// front page reads the zones an editor may have arranged: two more.
		if front-page2 > 2 || page2 > front {
			t.Errorf("front page %d queries, page 2 %d: listing cost depends on the page", front, page2)
		}
		if front > 12 || archive > 12 {
			t.Errorf("listings cost %d and %d queries, want at most 12", front, archive)
		}
	}, atFixedNow)
}
