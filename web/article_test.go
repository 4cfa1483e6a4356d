package web_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestArticlePageParts: the article page carries its deck, update time,
// reading time, plain share links, more from its section, related
// stories by shared tags.
func TestArticlePageParts(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		db.Now = func() time.Time { return fixedNow }
		author := storetest.MustCreateUser(t, db, "ada", communique.RoleAuthor)
		world := MustCreateTerm(t, db, communique.TaxonomyCategory, "World", nil)
		sport := MustCreateTerm(t, db, communique.TaxonomyCategory, "Sport", nil)
		ports := MustCreateTerm(t, db, communique.TaxonomyTag, "Ports", nil)
		at := func(h int) time.Time { return fixedNow.Add(-time.Duration(100-h) * time.Hour) }
		post := func(title string, h int, cat *communique.Term, tags ...*communique.Term) *communique.Article {
			return MustCreate(t, db, &communique.Article{Title: title, Source: strings.Repeat("word ", 700), AuthorID: author.ID,
				Status: communique.StatusPublished, PublishedAt: at(h)}, []*communique.Term{cat}, tags)
		}
		older := post("Older world story", 1, world)
		sporty := post("Sporting harbour news", 2, sport, ports)
		between := post("A sports story in between", 3, sport)
		a := MustCreate(t, db, &communique.Article{Title: "Harbour reopens", Excerpt: "Ships sail again after a week.", Source: strings.Repeat("word ", 700),
			AuthorID: author.ID, Status: communique.StatusPublished, PublishedAt: at(4)}, []*communique.Term{world}, []*communique.Term{ports})
		newer := post("Newer world story", 5, world)
		s := MustServe(t, db, "")
		res := s.Get(t, communique.ArticlePath(a, communique.ParseSettings(nil), nil))
		body := res.Body
		for _, want := range []string{
			`<p class="standfirst">Ships sail again after a week.</p>`,
			"3 min read", // 700 words
			// Stored four days after its publication date: updated then.
			`<span class="updated">Updated <time datetime="2026-06-01T12:00:00Z">June 1, 2026 12:00 pm</time></span>`,
			`<a href="/share/email?p=%2F2026%2F05%2F28%2Fharbour-reopens%2F" rel="nofollow">Email</a>`,
			`<a href="/share/bluesky?p=%2F2026%2F05%2F28%2Fharbour-reopens%2F" rel="nofollow">Bluesky</a>`,
			`More from <a href="/category/world/">World</a>`,
			">" + older.Title + "<", ">" + newer.Title + "<", // more from World
			`<h2 id="related" class="zone-title">Related</h2>`, ">" + sporty.Title + "<",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("the article page lacks %q", want)
			}
		}
		next := body[strings.Index(body, `class="read-next"`):strings.Index(body, `class="post-nav"`)]
		if strings.Contains(next, between.Title) {
			t.Errorf("a story of another section without a shared tag is offered to read next")
		}
		// Share links and lists are plain links: the only scripts are the
		// site's own progressive enhancements (reply form, live thread).
		for _, m := range regexp.MustCompile(`<script src="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			if !strings.HasPrefix(m[1], "/static/") {
				t.Errorf("the article page loads a script from %s", m[1])
			}
		}
		if t.Failed() {
			t.Log(excerpt(body))
		}
	})
}

// TestThemeSettings: the logo, accent colour and type from the settings reach
// every page through a versioned stylesheet of the site's own (the CSP
// allows no inline style); bad values are refused.
func TestThemeSettings(t *testing.T) {
	db := storetest.SQLite.Open(t)
	s := MustServe(t, db, "")
	if body := s.Get(t, "/").Body; strings.Contains(body, "/theme.css") {
		t.Fatal("a site with the default theme links a theme stylesheet")
	}
	MustSet(t, db, "theme_accent", "#1d4f91")
	MustSet(t, db, "theme_font", "sans")
	MustSet(t, db, "theme_logo", "/media/0123456789abcdef0123456789abcdef.png")
	body := s.Get(t, "/").Body
	m := regexp.MustCompile(`<link rel="stylesheet" href="(/theme\.css\?v=[0-9a-f]+)">`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, `<img class="site-logo" src="/media/0123456789abcdef0123456789abcdef.png" alt="Communiqué" height="64">`) {
		t.Fatalf("the page lacks the theme stylesheet or the logo:\n%s", excerpt(body))
	}
	res := s.Get(t, m[1])
	if res.Status != 200 || !strings.Contains(res.Body, "--accent: #1d4f91;") || !strings.Contains(res.Body, "--font-text: system-ui") ||
		res.Header.Get("Content-Type") != "text/css; charset=utf-8" || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("theme stylesheet: %d %q %q\n%s", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), res.Body)
	}
	for key, bad := range map[string]string{"theme_accent": "red; } body { display: none", "theme_font": "Comic Sans", "theme_logo": "https://elsewhere.example/logo.png"} {
		if err := db.SetSetting(context.Background(), key, bad); communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("%s=%q: %v, want EINVALID", key, bad, err)
		}
	}
}

// TestShareLinks: a share link sends the reader on to the service with
// the page's address on this site; anything else is a 404, so it is no
// open redirect.
func TestShareLinks(t *testing.T) {
	db := storetest.SQLite.Open(t)
	MustSet(t, db, "site_url", "https://news.example")
	s := MustServe(t, db, "")
	for _, tc := range []struct{ path, status, location string }{
		{"/share/bluesky?p=%2F2026%2F05%2F28%2Fharbour%2F", "302", "https://bsky.app/intent/compose?text=https%3A%2F%2Fnews.example%2F2026%2F05%2F28%2Fharbour%2F"},
		{"/share/email?p=%2Fabout%2F", "302", "mailto:?body=https%3A%2F%2Fnews.example%2Fabout%2F"},
		{"/share/bluesky?p=https%3A%2F%2Fevil.example%2F", "404", ""},
		{"/share/bluesky?p=%2F%2Fevil.example%2F", "404", ""},
		{"/share/myspace?p=%2F", "404", ""},
		{"/share/x", "404", ""},
	} {
		res := s.Get(t, tc.path)
		if got := strconv.Itoa(res.Status); got != tc.status || res.Header.Get("Location") != tc.location {
			t.Errorf("%s: %s %q, want %s %q", tc.path, got, res.Header.Get("Location"), tc.status, tc.location)
		}
	}
}
