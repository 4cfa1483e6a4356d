package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique/storetest"
)

var sitemapLoc = regexp.MustCompile(`<loc>([^<]+)</loc>`)

// TestEmbargoTwoNodes: an article scheduled for a time a few seconds
// ahead (an embargo) is on no public surface of either of two nodes
// serving one store — its page, the front page, its section, author and
// date lists, the other article's "more from" list, the three feeds, the
// sitemaps, search, the REST API, the fediverse's outbox — even with
// every surface cached before it was written; at its time both nodes
// show it everywhere, without a restart. On both stores.
func TestEmbargoTwoNodes(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		mustRun(t, nil, "correct horse battery\n", append([]string{"user", "create", "--login", "desk", "--email", "desk@example.com", "--role", "editor", "--password-stdin"}, store...)...)
		mustCLI(t, store, "settings", "set", "federation_enabled", "true")
		other := strings.TrimSpace(mustRun(t, nil, "The harbour reopened this morning.", append([]string{"post", "create", "--title", "Harbour reopens",
			"--author", "desk", "--category", "Business"}, store...)...))
		second := []string{"--db", place.DSN, "--data", t.TempDir()}
		if place.DSN == "" {
			second = store // SQLite: a second process on the same file
		}
		nodes := []*server{startServe(t, nil, store...), startServe(t, nil, second...)}

		at := time.Now().Add(6 * time.Second).Truncate(time.Second)
		month := at.UTC().Format("/2006/01/")
		surfaces := []string{"/", "/category/business/", "/author/desk/", month, other, "/feed/", "/feed/atom/", "/feed/json/",
			"/sitemap.xml", "/news-sitemap.xml", "/search?q=zanzibarquux", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/posts?search=zanzibarquux",
			"/wp-json/wp/v2/search?search=zanzibarquux", "/activitypub/actors/news/outbox"}
		// Every surface cached on both nodes before the embargoed article exists.
		outbox := map[int]int{}
		for i, n := range nodes {
			for _, p := range surfaces {
				status, body := get(t, n.URL, p)
				if status != 200 {
					t.Fatalf("node %d: GET %s = %d before the embargo", i+1, p, status)
				}
				if p == "/activitypub/actors/news/outbox" {
					outbox[i] = totalItems(t, body)
				}
			}
		}
		embargoed := strings.TrimSpace(mustRun(t, nil, "Zanzibarquux Holdings and the port authority agreed to merge.", append([]string{"post", "create",
			"--title", "Port merger agreed", "--author", "desk", "--category", "Business", "--date", at.UTC().Format(time.RFC3339)}, store...)...))
		// shows lists the surfaces of node i that show the article (the
		// sitemaps the index names included).
		shows := func(i int) []string {
			var seen []string
			n := nodes[i]
			if status, _ := get(t, n.URL, embargoed); status == 200 {
				seen = append(seen, embargoed)
			}
			pages := append([]string{}, surfaces...)
			_, index := get(t, n.URL, "/sitemap.xml")
			for _, m := range sitemapLoc.FindAllStringSubmatch(index, -1) {
				if i := strings.Index(m[1], "/sitemap"); i >= 0 {
					pages = append(pages, m[1][i:])
				}
			}
			for _, p := range pages {
				status, body := get(t, n.URL, p)
				if status != 200 {
					t.Fatalf("node %d: GET %s = %d", i+1, p, status)
				}
				switch {
				case p == "/activitypub/actors/news/outbox":
					if totalItems(t, body) != outbox[i] {
						seen = append(seen, p)
					}
				case strings.Contains(body, "Port merger agreed") || strings.Contains(body, embargoed) || strings.Contains(body, "port-merger-agreed"):
					seen = append(seen, p)
				}
			}
			return seen
		}
		for i := range nodes {
			if seen := shows(i); len(seen) > 0 {
				t.Errorf("node %d shows the embargoed article before its time on %v", i+1, seen)
			}
		}
		if time.Now().After(at) {
			t.Fatalf("the checks took past the embargo (%v): the test proves nothing", time.Since(at))
		}
		// At its time, both nodes show it everywhere within the
		// scheduler's tick (a second) and the cache's news of it,
		// without a restart.
		for i := range nodes {
			deadline := at.Add(3 * time.Second)
			for {
				if status, _ := get(t, nodes[i].URL, embargoed); status == 200 {
					t.Logf("node %d: the article's page answered %v after its time", i+1, time.Since(at).Round(10*time.Millisecond))
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("node %d: the article was not published within 3 s of its time", i+1)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		time.Sleep(time.Second) // the other node hears of it (NOTIFY, or its poll)
		for i := range nodes {
			seen := map[string]bool{}
			for _, p := range shows(i) {
				seen[p] = true
			}
			var missing []string
			for _, p := range append(surfaces, embargoed) {
				if p != "/sitemap.xml" && !seen[p] { // the index names sitemaps, not articles
					missing = append(missing, p)
				}
			}
			if len(missing) > 0 || len(seen) < len(surfaces)+1 {
				t.Errorf("node %d after the time lacks the article on %v (shows it on %d surfaces)", i+1, missing, len(seen))
			}
		}
	})
}

// totalItems reads an ActivityStreams collection's size.
func totalItems(t *testing.T, body string) int {
	t.Helper()
	var c struct {
		TotalItems int `json:"totalItems"`
	}
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatalf("outbox: %v: %.200s", err, body)
	}
	return c.TotalItems
}
