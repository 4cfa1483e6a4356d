package web_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
)

// TestWordPressNestedMenu imports the theme unit test export with its
// nested "All Pages" menu as the main navigation: every item shows,
// children inside their parent's disclosure (details/summary, which
// needs no JavaScript), at every depth.
func TestWordPressNestedMenu(t *testing.T) {
	sample := storetest.WXRSample(t)
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, err := os.Open(sample)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		im := storetest.NewImporter(db, 200)
		im.PrimaryMenu = "all-pages"
		if sum, err := im.Import(ctx, f); err != nil {
			t.Fatalf("import: %v\n%s", err, sum)
		}
		menus, err := db.FindMenus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Items whose page is not imported (a draft) are left out, with
		// theirs; every other item must show.
		items, children := 0, 0
		for _, m := range menus {
			if m.Slug != "all-pages" {
				continue
			}
			shown := map[int64]bool{0: true}
			for range m.Items { // parents may come after their children
				for _, it := range m.Items {
					if shown[it.ID] || !shown[it.ParentID] {
						continue
					}
					if it.ObjectType == "article" {
						if _, err := db.FindArticleByID(ctx, it.ObjectID); err != nil {
							continue
						}
					}
					shown[it.ID] = true
					items++
					if it.ParentID != 0 {
						children++
					}
				}
			}
		}
		if items < 10 || children < 5 {
			t.Fatalf("all-pages menu: %d items, %d children", items, children)
		}
		body := MustServe(t, db, "").Get(t, "/").Body
		nav := regexp.MustCompile(`(?s)<nav class="site-nav".*?</nav>`).FindString(body)
		// A parent is a disclosure whose first link is its own.
		parents := strings.Count(nav, `<details class="nav-sub">`)
		if links := strings.Count(nav, "<a href="); links != items {
			t.Errorf("navigation has %d links for %d items (%d children)", links, items, children)
		}
		if parents == 0 || !strings.Contains(nav, `<summary>`) {
			t.Fatalf("no disclosure in the navigation:\n%s", nav)
		}
		depth, deepest := 0, 0
		for _, tok := range regexp.MustCompile(`</?details`).FindAllString(nav, -1) {
			if tok == "<details" {
				depth++
				deepest = max(deepest, depth)
			} else {
				depth--
			}
		}
		if deepest < 2 {
			t.Errorf("sub-menus nest %d deep, want the menu's depth (2 or more)", deepest)
		}
	}, atFixedNow)
}
