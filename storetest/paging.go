package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testDeepPages checks that a deep page (found by seeking its first key)
// holds exactly the articles the plain ordering puts there, sticky first
// or not, newest or oldest first, and that the total stays right.
func testDeepPages(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "pager", communique.RoleAuthor)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	fixedClock(db, base.Add(1000*time.Hour))
	const n = 260
	for i := 0; i < n; i++ {
		// Several articles share a time, so the id must break ties.
		a := &communique.Article{Title: fmt.Sprint("Page test ", i), Source: "x", AuthorID: u.ID, Status: communique.StatusPublished,
			PublishedAt: base.Add(time.Duration(i/3) * time.Hour), Sticky: i%50 == 7}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	post := communique.TypePost
	for _, tc := range []struct {
		name           string
		sticky, oldest bool
	}{{"Newest", false, false}, {"StickyFirst", true, false}, {"Oldest", false, true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := communique.ArticleFilter{Type: &post, Status: []communique.Status{communique.StatusPublished}, StickyFirst: tc.sticky, Oldest: tc.oldest}
			all := f
			all.Limit = 1000
			want, total, err := db.FindArticles(ctx, all)
			if err != nil || total != n || len(want) != n {
				t.Fatalf("all: %d of %d, %v", len(want), total, err)
			}
			for _, off := range []int{199, 200, 201, 230, 250, 259} {
				page := f
				page.Limit, page.Offset = 10, off
				got, total, err := db.FindArticles(ctx, page)
				if err != nil {
					t.Fatal(err)
				}
				if total != n {
					t.Errorf("offset %d: total %d, want %d", off, total, n)
				}
				end := min(off+10, n)
				if len(got) != end-off {
					t.Fatalf("offset %d: %d items, want %d", off, len(got), end-off)
				}
				for i, a := range got {
					if a.ID != want[off+i].ID {
						t.Fatalf("offset %d item %d: article %d, want %d", off, i, a.ID, want[off+i].ID)
					}
				}
			}
			past := f
			past.Limit, past.Offset = 10, 400
			got, total, err := db.FindArticles(ctx, past)
			if err != nil || len(got) != 0 || total != n {
				t.Fatalf("past the end: %d items, total %d, %v", len(got), total, err)
			}
		})
	}
}
