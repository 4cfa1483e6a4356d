package analytics_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

// noon is the day of the tests' traffic.
var noon = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// TestDashboardCountsWhatWasSent drives real page loads (some from the
// page cache, some by bots, with GPC, signed in, as HEAD or prefetch, to
// paths that do not exist) and checks every figure of the dashboard, the
// CSV and the REST API against what was sent.
func TestDashboardCountsWhatWasSent(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		clk := &clock{now: noon}
		n := newNode(t, place, clk)
		editor := user(t, n.DB, "edna", communique.RoleEditor)
		arthur := user(t, n.DB, "arthur", communique.RoleAuthor)
		olive := user(t, n.DB, "olive", communique.RoleAuthor)
		a, pathA := article(t, n.DB, arthur, "Harbour reopens")
		b, pathB := article(t, n.DB, olive, "Council votes")
		staff := signIn(t, n.DB, editor)

		r1 := reader{IP: "198.51.100.23", UA: firefox}
		r2 := reader{IP: "198.51.100.24", UA: chrome}
		r3 := reader{IP: "198.51.100.25", UA: safari, Header: map[string]string{"Sec-GPC": "1"}}
		// Readers: r1 arrives from a search engine, reads on, reloads
		// (a cache hit), and reaches the comments; r2 comes from a
		// newsletter campaign and searches; r3 sends GPC.
		n.get(t, r1, pathA, 200, "Referer", "https://www.google.com/search?q=harbour")
		if hit := n.get(t, r1, pathA, 200, "Referer", n.URL+"/"); hit.Header.Get("X-Cache") != "HIT" {
			t.Fatalf("the second load of the article was not a cache hit (X-Cache %q)", hit.Header.Get("X-Cache"))
		}
		n.get(t, r1, "/", 200, "Referer", n.URL+pathA)
		n.get(t, r2, pathA+"?utm_campaign=Winter&utm_source=newsletter&utm_medium=email", 200)
		n.get(t, r2, "/search?q=harbour", 200, "Referer", n.URL+pathA)
		n.get(t, r3, pathB, 200)
		// Not readers: a bot, a HEAD, a prefetch, the newsroom's staff.
		n.get(t, reader{IP: "203.0.113.7", UA: bot}, pathA, 200)
		n.get(t, reader{IP: "203.0.113.7", UA: bot}, "/wp-login.php", 404)
		if res := n.do(t, r1, http.MethodHead, pathA, ""); res.Status != 200 {
			t.Fatalf("HEAD: %d", res.Status)
		}
		n.get(t, r2, pathB, 200, "Sec-Purpose", "prefetch")
		n.get(t, r1, "/sitemap-posts-1.xml", 200) // no page for readers
		n.get(t, reader{IP: "198.51.100.99", UA: firefox}, pathA, 200, "Cookie", staff)
		// Feeds are subscribers' fetches; invented paths one line.
		n.get(t, reader{IP: "203.0.113.8", UA: feedly}, "/feed/", 200)
		n.get(t, reader{IP: "203.0.113.8", UA: feedly}, "/feed/", 200)
		for i := range 50 {
			n.get(t, r1, fmt.Sprintf("/no-such-page-%d/", i), 404)
		}
		// The comments beacon, and two that are refused.
		if res := n.do(t, r1, http.MethodPost, "/analytics/reached", strconv.FormatInt(a.ID, 10), "Origin", n.URL); res.Status != http.StatusNoContent {
			t.Fatalf("beacon: %d %s", res.Status, res.Body)
		}
		if res := n.do(t, r1, http.MethodPost, "/analytics/reached", strconv.FormatInt(a.ID, 10), "Origin", "https://evil.example"); res.Status != http.StatusForbidden {
			t.Errorf("beacon from another site: %d, want 403", res.Status)
		}
		if res := n.do(t, r1, http.MethodPost, "/analytics/reached", "\x00junk"); res.Status != http.StatusBadRequest {
			t.Errorf("junk beacon: %d, want 400", res.Status)
		}
		n.flush(t)

		// The dashboard, as the editor.
		page := n.get(t, reader{UA: firefox}, "/admin/analytics?range=today", 200, "Cookie", staff).Body
		for id, want := range map[string]int{"fig-views": 6, "fig-visitors": 2, "fig-realtime": 6, "fig-feed": 2, "fig-notfound": 50, "fig-comments": 0} {
			if got := figure(t, page, id); got != want {
				t.Errorf("dashboard %s = %d, want %d", id, got, want)
			}
		}
		if got := figure(t, page, "fig-reached"); got != 1 {
			t.Errorf("reached = %d, want 1", got)
		}
		for _, want := range []string{"<svg", "Harbour reopens", "google.com", "winter", "newsletter", "email", "mobile", "desktop",
			"Firefox", "Chrome", `href="/admin/analytics/articles/` + strconv.FormatInt(a.ID, 10)} {
			if !strings.Contains(page, want) {
				t.Errorf("dashboard lacks %q", want)
			}
		}

		// The CSV says the same.
		rows := csvRows(t, n.get(t, reader{UA: firefox}, "/admin/analytics/export?range=today", 200, "Cookie", staff))
		wantCSV := map[string]string{
			"total/views": "6", "total/visitors": "2", "total/feed fetches": "2", "total/not found": "50",
			"realtime/last 30 minutes": "6", "page/" + pathA: "3 2 2", "page/" + pathB: "1 0 1", "page//": "1 1 0", "page//search": "1 1 0",
			"referrer/google.com": "1", "source/search": "1", "source/direct": "2", "campaign/winter": "1", "utm_source/newsletter": "1",
			"utm_medium/email": "1", "entry/" + pathA: "2", "entry/" + pathB: "1", "device/desktop": "1", "device/mobile": "1",
			"browser/Firefox": "1", "browser/Chrome": "1", "engagement/reached comments": "1", "series/12:00": "6 2",
		}
		for k, want := range wantCSV {
			if got := rows[k]; got != want {
				t.Errorf("CSV %s = %q, want %q", k, got, want)
			}
		}
		for k, v := range rows {
			if _, ok := wantCSV[k]; !ok && strings.Trim(v, "0 ") != "" {
				t.Errorf("CSV %s = %q, want nothing", k, v)
			}
		}

		// Authors see their own articles only, in the newsroom and by REST.
		authorCookie := signIn(t, n.DB, arthur)
		mine := n.get(t, reader{UA: firefox}, "/admin/analytics", 200, "Cookie", authorCookie).Body
		if figure(t, mine, "fig-views") != 3 || strings.Contains(mine, "Council votes") || strings.Contains(mine, "fig-feed") {
			t.Errorf("the author's dashboard shows more than their article")
		}
		n.get(t, reader{UA: firefox}, fmt.Sprintf("/admin/analytics/articles/%d", b.ID), 403, "Cookie", authorCookie)
		own := n.get(t, reader{UA: firefox}, fmt.Sprintf("/admin/analytics/articles/%d", a.ID), 200, "Cookie", authorCookie).Body
		if figure(t, own, "fig-views") != 3 || figure(t, own, "fig-visitors") != 2 || figure(t, own, "fig-reached") != 1 {
			t.Errorf("the article's page shows other figures")
		}
		basic := appPassword(t, n.DB, arthur)
		var api struct {
			Scope    string `json:"scope"`
			Views    int64  `json:"views"`
			Visitors int64  `json:"visitors"`
			Top      []struct {
				Path  string `json:"path"`
				Views int64  `json:"views"`
			} `json:"top"`
		}
		res := n.get(t, reader{}, "/wp-json/communique/v1/analytics?range=7d", 200, "Authorization", basic)
		if err := json.Unmarshal([]byte(res.Body), &api); err != nil {
			t.Fatal(err)
		}
		if api.Scope != "author" || api.Views != 3 || api.Visitors != 2 || len(api.Top) != 1 || api.Top[0].Path != pathA {
			t.Errorf("REST as the author: %+v", api)
		}
		n.get(t, reader{}, fmt.Sprintf("/wp-json/communique/v1/analytics?article=%d", b.ID), 403, "Authorization", basic)
		n.get(t, reader{}, "/wp-json/communique/v1/analytics", 401)
		if res := n.get(t, reader{}, "/wp-json/communique/v1/analytics?range=custom&from=2026-12-09&to=2026-12-01", 400, "Authorization", basic); !strings.Contains(res.Body, "rest_invalid_param") {
			t.Errorf("bad range: %s", res.Body)
		}
		// A bad custom range comes back with what was typed.
		bad := n.get(t, reader{UA: firefox}, "/admin/analytics?range=custom&from=2026-13-01&to=tomorrow", 400, "Cookie", staff).Body
		if !strings.Contains(bad, `value="2026-13-01"`) || !strings.Contains(bad, `value="tomorrow"`) || !strings.Contains(bad, "2006-01-02") {
			t.Errorf("a bad range did not come back with what was typed and why")
		}
	})
}

// figure reads the number of the element with id from a page.
func figure(t *testing.T, page, id string) int {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `">(\d+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no figure %s on the page", id)
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// csvRows reads the CSV as "section/name" -> the non-empty figures.
func csvRows(t *testing.T, res answer) map[string]string {
	t.Helper()
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export type %q", res.Header.Get("Content-Type"))
	}
	records, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range records[1:] {
		var figs []string
		for _, f := range r[3:] {
			if f != "" {
				figs = append(figs, f)
			}
		}
		out[r[0]+"/"+r[1]] = strings.Join(figs, " ")
	}
	return out
}
