package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
	"communique/web"
)

// TestFrontPageArranged: an editor arranges the front page in the
// newsroom, with plain forms, and a second node with its own page cache
// shows the new order soon after each change, on both stores.
func TestFrontPageArranged(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNewsroom(t, place)
		world := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "World", Slug: "world"}
		if err := n.DB.CreateTerm(ctx, world); err != nil {
			t.Fatal(err)
		}
		story := map[string]*communique.Article{}
		for i, title := range []string{"Alpha", "Bravo", "Charlie", "Delta", "Echo"} {
			a := &communique.Article{Title: title, Source: "About " + title + ".", AuthorID: n.Users[communique.RoleAuthor].ID,
				Status: communique.StatusPublished, PublishedAt: n.Clock.Now().Add(-time.Duration(10-i) * time.Hour)}
			var cats []int64
			if title == "Echo" {
				cats = []int64{world.ID}
			}
			if err := articles.New(n.DB).Create(ctx, articles.System, a, cats, nil); err != nil {
				t.Fatal(err)
			}
			story[title] = a
		}
		other := secondNode(t, place, n)
		if body := other.get(t); !strings.Contains(body, "Latest news") {
			t.Fatalf("before any zone the front page should list the latest news:\n%s", excerpt(body))
		}

		editor := n.SignIn(t, communique.RoleEditor)
		zone := func(kind, size, section string) int64 {
			t.Helper()
			res := editor.Post(t, "/admin/front/zones", url.Values{"kind": {kind}, "size": {size}, "section": {section}, "fill": {"1"}})
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/admin/front?done=saved#zone-") {
				t.Fatalf("add %s zone: status %d, Location %q: %s", kind, res.Status, res.Location, res.Message())
			}
			id, _ := strconv.ParseInt(strings.TrimPrefix(res.Location, "/admin/front?done=saved#zone-"), 10, 64)
			return id
		}
		post := func(path string, form url.Values, want int) {
			t.Helper()
			if res := editor.Post(t, path, form); res.Status != want {
				t.Fatalf("POST %s %v: status %d, want %d: %s", path, form, res.Status, want, res.Message())
			}
		}
		zid := func(id int64) string { return "/admin/front/zones/" + strconv.FormatInt(id, 10) }
		pick := func(z int64, a *communique.Article) {
			post(zid(z)+"/pick", url.Values{"article": {strconv.FormatInt(a.ID, 10)}}, http.StatusSeeOther)
		}

		lead := zone("lead", "1", "0")
		top := zone("top", "3", "0")
		section := zone("section", "2", strconv.FormatInt(world.ID, 10))
		pick(lead, story["Charlie"])
		pick(top, story["Alpha"])
		pick(top, story["Bravo"])
		post(zid(top)+"/picks/"+strconv.FormatInt(story["Bravo"].ID, 10)+"/move", url.Values{"move": {"up"}}, http.StatusSeeOther)

		// Lead Charlie; top stories Bravo, Alpha, then the latest not
		// shown yet (Echo, then Delta: Echo is newer); the World row has
		// only Echo, shown above, so it is left out.
		other.await(t, []string{"Charlie", "Bravo", "Alpha", "Echo"}, "Delta")

		// The newsroom's page lists the zones and picks in order, and
		// finds stories to add by their words.
		page := editor.Get(t, "/admin/front?zone="+strconv.FormatInt(top, 10)+"&q=Delta")
		if page.Status != http.StatusOK || !inOrder(page.Body, "Lead story", "Charlie", "Top stories", "Bravo", "Alpha", "Section row") ||
			!strings.Contains(page.Body, `name="article" value="`+strconv.FormatInt(story["Delta"].ID, 10)+`"`) {
			t.Fatalf("newsroom front page: status %d\n%s", page.Status, excerpt(page.Body))
		}

		// The World row moves to the top of the page and, coming first,
		// now shows Echo; the lead and top stories follow.
		post(zid(section)+"/move", url.Values{"move": {"up"}}, http.StatusSeeOther)
		post(zid(section)+"/move", url.Values{"move": {"up"}}, http.StatusSeeOther)
		post(zid(top)+"/picks/"+strconv.FormatInt(story["Alpha"].ID, 10)+"/remove", nil, http.StatusSeeOther)
		other.await(t, []string{`>World<`, "Echo", "Charlie", "Bravo", "Delta"}, "")

		// "Most read" ranks by the page views analytics counted, and a
		// cached page counts again within minutes without a content change
		// (or sooner, where the store's watcher sees the counts change).
		views := func(counts map[*communique.Article]int64) {
			t.Helper()
			b := &communique.AnalyticsBatch{Views: map[communique.AnalyticsHit]int64{}}
			for a, v := range counts {
				hit := communique.AnalyticsHit{Day: n.Clock.Now().UTC().Format(time.DateOnly), Hour: 9, Path: "/" + a.Slug + "/",
					Kind: communique.PageArticle, ArticleID: a.ID}
				b.Views[hit] = v
			}
			if err := n.DB.FlushAnalytics(ctx, b); err != nil {
				t.Fatal(err)
			}
		}
		views(map[*communique.Article]int64{story["Delta"]: 9, story["Alpha"]: 4})
		read := zone("read", "2", "0")
		other.await(t, []string{"Most read", "Delta", "Alpha"}, "")
		views(map[*communique.Article]int64{story["Alpha"]: 20})
		n.Clock.Advance(communique.ReadRefresh + time.Second)
		other.await(t, []string{"Most read", "Alpha", "Delta"}, "")
		if page := editor.Get(t, "/admin/front"); strings.Contains(page.Body, `action="/admin/front/zones/`+strconv.FormatInt(read, 10)+`/pick"`) {
			t.Errorf("the newsroom offers to pick stories for a ranking")
		}

		// Bad input is refused with a 4xx and changes nothing.
		before, _ := n.DB.FindFrontZones(ctx)
		post("/admin/front/zones", url.Values{"kind": {"bogus"}, "size": {"2"}}, http.StatusBadRequest)
		post("/admin/front/zones", url.Values{"kind": {"section"}, "size": {"2"}}, http.StatusBadRequest)
		post("/admin/front/zones", url.Values{"kind": {"top"}, "size": {"99"}}, http.StatusBadRequest)
		post("/admin/front/zones", url.Values{"kind": {"section"}, "size": {"2"}, "section": {"987654"}}, http.StatusBadRequest)
		post(zid(top)+"/pick", url.Values{"article": {"987654"}}, http.StatusNotFound)
		post(zid(987654)+"/pick", url.Values{"article": {strconv.FormatInt(story["Delta"].ID, 10)}}, http.StatusNotFound)
		post(zid(top)+"/picks/987654/move", url.Values{"move": {"up"}}, http.StatusNotFound)
		post(zid(987654)+"/delete", nil, http.StatusNotFound)
		if res := editor.PostRaw(t, zid(top)+"/delete", url.Values{"csrf_token": {"forged"}}); res.Status != http.StatusForbidden {
			t.Errorf("a forged token: status %d, want 403", res.Status)
		}
		after, _ := n.DB.FindFrontZones(ctx)
		if len(after) != len(before) || len(after[2].ArticleIDs) != len(before[2].ArticleIDs) {
			t.Errorf("refused changes changed the zones: %d zones before, %d after", len(before), len(after))
		}

		// Authors may not arrange the front page.
		author := n.SignIn(t, communique.RoleAuthor)
		if res := author.Get(t, "/admin/front"); res.Status != http.StatusForbidden {
			t.Errorf("an author opening the front page desk: status %d, want 403", res.Status)
		}
		if res := author.Post(t, zid(top)+"/delete", nil); res.Status != http.StatusForbidden {
			t.Errorf("an author removing a zone: status %d, want 403", res.Status)
		}

		// With every zone removed, the latest news come back.
		for _, id := range []int64{lead, top, section, read} {
			post(zid(id)+"/delete", nil, http.StatusSeeOther)
		}
		other.await(t, []string{"Latest news", "Echo", "Delta"}, "")
	})
}

// node is another server of the site on the same store, with its own
// page cache, as a second machine behind a load balancer.
type node struct {
	url    string
	client *http.Client
}

func secondNode(t *testing.T, place storetest.Place, n *newsroom) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db := place.Open(t)
	db.Now = n.Clock.Now
	site, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	site.Now = n.Clock.Now
	go site.WatchStore(ctx, 20*time.Millisecond)
	srv := httptest.NewServer(site.Handler())
	t.Cleanup(func() { cancel(); srv.Close() })
	return &node{url: srv.URL, client: srv.Client()}
}

func (nd *node) get(t *testing.T) string {
	t.Helper()
	res, err := nd.client.Get(nd.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("front page: status %d", res.StatusCode)
	}
	return string(b)
}

// await waits up to five seconds for the front page to show want in
// order, without absent.
func (nd *node) await(t *testing.T, want []string, absent string) {
	t.Helper()
	var body string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		body = nd.get(t)
		if inOrder(body, want...) && (absent == "" || !strings.Contains(body, absent)) {
			return
		}
	}
	t.Fatalf("the other node's front page does not show %q in order without %q:\n%s", want, absent, body)
}

// inOrder reports whether each of words appears in s after the one before.
func inOrder(s string, words ...string) bool {
	at := 0
	for _, w := range words {
		i := strings.Index(s[at:], w)
		if i < 0 {
			return false
		}
		at += i + len(w)
	}
	return true
}

// TestBreakingBanner: an editor switches the banner on from the front
// page desk with an end time; a cached page on another node shows it at
// once and drops it when the time comes, without any change to the store.
func TestBreakingBanner(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		n.Clock.Stop()
		n.Article(t, n.Users[communique.RoleAuthor], "Count begins", communique.StatusPublished)
		other := secondNode(t, place, n)
		if body := other.get(t); strings.Contains(body, `class="breaking"`) {
			t.Fatal("a banner shows before any was switched on")
		}
		editor := n.SignIn(t, communique.RoleEditor)
		n.Set(t, "timezone", "Europe/Paris") // the form's time is the site's
		paris, _ := time.LoadLocation("Europe/Paris")
		until := n.Clock.Now().Add(90 * time.Minute).In(paris).Format("2006-01-02T15:04")
		res := editor.Post(t, "/admin/front/breaking", url.Values{"action": {"on"}, "text": {"Polls <closed>"}, "url": {"/live/"}, "until": {until}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("switching the banner on: status %d: %s", res.Status, res.Message())
		}
		other.await(t, []string{`<aside class="breaking"`, `<a href="/live/">Polls &lt;closed&gt;</a>`}, "")
		if page := editor.Get(t, "/admin/front"); !strings.Contains(page.Body, `value="`+until+`"`) || !strings.Contains(page.Body, "Update banner") {
			t.Errorf("the desk does not show the banner's end %s:\n%s", until, excerpt(page.Body))
		}
		for _, bad := range []url.Values{
			{"action": {"on"}, "text": {"Late"}, "until": {n.Clock.Now().Add(-time.Hour).In(paris).Format("2006-01-02T15:04")}},
			{"action": {"on"}, "text": {"Odd"}, "until": {"soon"}},
			{"action": {"on"}, "text": {"Script"}, "url": {"javascript:alert(1)"}},
			{"action": {"on"}, "text": {""}, "url": {"/live/"}},
		} {
			if res := editor.Post(t, "/admin/front/breaking", bad); res.Status != http.StatusBadRequest {
				t.Errorf("banner %v: status %d, want 400", bad, res.Status)
			}
		}
		if res := n.SignIn(t, communique.RoleAuthor).Post(t, "/admin/front/breaking", url.Values{"action": {"off"}}); res.Status != http.StatusForbidden {
			t.Errorf("an author switching the banner off: status %d, want 403", res.Status)
		}
		// The page is in the other node's cache; past the banner's end it
		// is drawn again, without the banner.
		other.get(t) // in the cache, whatever dropped it meanwhile
		if res, err := other.client.Get(other.url + "/"); err != nil || res.Header.Get("X-Cache") != "HIT" {
			t.Fatalf("the front page is not served from the other node's cache (%v, %v)", res.Header.Get("X-Cache"), err)
		}
		n.Clock.Advance(2 * time.Hour)
		if body := other.get(t); strings.Contains(body, "Polls") || !strings.Contains(body, "Count begins") {
			t.Fatalf("past its end the banner still shows:\n%s", excerpt(body))
		}
	})
}
