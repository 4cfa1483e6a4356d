package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// TestMenuEditor: an editor builds the main navigation with plain forms
// (articles, pages, sections, tags and custom links; reordered, nested
// and lifted out; placed), and a second node shows each change soon
// after, on both stores. Bad input and people without the right change
// nothing.
func TestMenuEditor(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNewsroom(t, place)
		world := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "World", Slug: "world"}
		climate := &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Climate", Slug: "climate"}
		for _, term := range []*communique.Term{world, climate} {
			if err := n.DB.CreateTerm(ctx, term); err != nil {
				t.Fatal(err)
			}
		}
		about := &communique.Article{Type: communique.TypePage, Title: "About us", Source: "Who we are.", AuthorID: n.Users[communique.RoleEditor].ID,
			Status: communique.StatusPublished, PublishedAt: n.Clock.Now().Add(-time.Hour)}
		if err := articles.New(n.DB).Create(ctx, articles.System, about, nil, nil); err != nil {
			t.Fatal(err)
		}
		other := secondNode(t, place, n)
		editor := n.SignIn(t, communique.RoleEditor)
		post := func(path string, form url.Values, want int) response {
			t.Helper()
			res := editor.Post(t, path, form)
			if res.Status != want {
				t.Fatalf("POST %s %v: status %d, want %d: %s", path, form, res.Status, want, res.Message())
			}
			return res
		}
		post("/admin/menus", url.Values{"name": {"Main"}}, http.StatusSeeOther)
		post("/admin/menus", url.Values{"name": {"Main"}}, http.StatusConflict)
		post("/admin/menus/main/location", url.Values{"location": {"primary"}}, http.StatusSeeOther)
		add := func(form url.Values) { post("/admin/menus/main/items", form, http.StatusSeeOther) }
		add(url.Values{"kind": {"section"}, "section": {itoa(world.ID)}})
		add(url.Values{"kind": {"tag"}, "tag": {itoa(climate.ID)}})
		add(url.Values{"kind": {"article"}, "article": {itoa(about.ID)}})
		add(url.Values{"kind": {"custom"}, "label": {"Tips"}, "url": {"/tips/"}})
		for _, bad := range []url.Values{
			{"kind": {"custom"}, "label": {"Evil"}, "url": {"javascript:alert(1)"}},
			{"kind": {"custom"}, "label": {"Elsewhere"}, "url": {"//evil.example/"}},
			{"kind": {"custom"}, "label": {""}, "url": {"/x/"}},
			{"kind": {"section"}, "section": {"999999"}},
		} {
			if res := editor.Post(t, "/admin/menus/main/items", bad); res.Status != http.StatusBadRequest && res.Status != http.StatusNotFound {
				t.Errorf("adding %v: status %d, want 400 or 404", bad, res.Status)
			}
		}
		if res := n.SignIn(t, communique.RoleAuthor).Post(t, "/admin/menus/main/items", url.Values{"kind": {"custom"}, "label": {"X"}, "url": {"/x/"}}); res.Status != http.StatusForbidden {
			t.Errorf("an author adding a menu item: status %d, want 403", res.Status)
		}
		other.awaitNav(t, "World", "Climate", "About us", "Tips")

		// Climate under World; Tips up above About us; About us under
		// World after Climate, then out again.
		ids := menuItemIDs(t, editor)
		move := func(label, how string) {
			t.Helper()
			post("/admin/menus/main/items/"+ids[label]+"/move", url.Values{"move": {how}}, http.StatusSeeOther)
			ids = menuItemIDs(t, editor)
		}
		move("Climate", "in")
		move("Tips", "up")
		other.awaitNav(t, "World", "Climate", "Tips", "About us")
		page := editor.Get(t, "/admin/menus?menu=main").Body
		if !regexp.MustCompile(`(?s)<strong>World</strong>.*?<ol class="menu-items">\s*<li id="item-\d+"><strong>Climate</strong>`).MatchString(page) {
			t.Errorf("the editor does not show Climate nested under World:\n%s", page)
		}
		if res := editor.Post(t, "/admin/menus/main/items/"+ids["World"]+"/move", url.Values{"move": {"in"}}); res.Status != http.StatusBadRequest {
			t.Errorf("nesting the first item: status %d, want 400", res.Status)
		}
		move("Climate", "out")
		move("Tips", "down")
		post("/admin/menus/main/items/"+ids["World"]+"/remove", nil, http.StatusSeeOther)
		other.awaitNav(t, "Climate", "About us", "Tips")
		menus, err := n.DB.FindMenus(ctx)
		if err != nil || len(menus) != 1 || len(menus[0].Items) != 3 || menus[0].Location != communique.MenuPrimary {
			t.Fatalf("stored menus: %v, %+v", err, menus)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

var itemRow = regexp.MustCompile(`<li id="item-(\d+)"><strong>([^<]+)</strong>`)

// menuItemIDs reads the items' ids from the editor, by label.
func menuItemIDs(t *testing.T, a *agent) map[string]string {
	t.Helper()
	ids := map[string]string{}
	for _, m := range itemRow.FindAllStringSubmatch(a.Get(t, "/admin/menus?menu=main").Body, -1) {
		ids[m[2]] = m[1]
	}
	return ids
}

// awaitNav waits up to five seconds for the front page's navigation to
// show labels in order.
func (nd *node) awaitNav(t *testing.T, labels ...string) {
	t.Helper()
	var nav string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		body := nd.get(t)
		nav = body
		if i := strings.Index(body, "<nav"); i >= 0 {
			if j := strings.Index(body[i:], "</nav>"); j >= 0 {
				nav = body[i : i+j]
			}
		}
		if inOrder(nav, labels...) {
			return
		}
	}
	t.Fatalf("the other node's navigation does not show %v in order:\n%s", labels, nav)
}
