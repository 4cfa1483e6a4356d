package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// xmlNode is any XML element, for checking sitemaps structurally (the
// sitemaps.org schemas are not available offline, so these tests check
// what they require: namespace, elements, counts, W3C dates).
type xmlNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []xmlNode  `xml:",any"`
}

func (n xmlNode) child(local string) *xmlNode {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == local {
			return &n.Children[i]
		}
	}
	return nil
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// parseSitemap fetches a sitemap, checks it against the sitemaps.org rules
// and returns its root and the locations it lists.
func parseSitemap(t *testing.T, s *site, path, root, entry string, max int) (xmlNode, []string) {
	t.Helper()
	res := s.Get(t, path)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d", path, res.Status)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("%s: Content-Type %q", path, ct)
	}
	if !strings.HasPrefix(res.Body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("%s: no XML declaration with UTF-8", path)
	}
	if len(res.Body) > 50<<20 {
		t.Errorf("%s: %d bytes, more than the 50 MB allowed", path, len(res.Body))
	}
	var doc xmlNode
	if err := xml.Unmarshal([]byte(res.Body), &doc); err != nil {
		t.Fatalf("%s: not well-formed: %v", path, err)
	}
	if doc.XMLName.Space != sitemapNS || doc.XMLName.Local != root {
		t.Fatalf("%s: root {%s}%s, want {%s}%s", path, doc.XMLName.Space, doc.XMLName.Local, sitemapNS, root)
	}
	var locs []string
	seen := map[string]bool{}
	for _, e := range doc.Children {
		if e.XMLName.Space != sitemapNS || e.XMLName.Local != entry {
			t.Errorf("%s: unexpected element {%s}%s", path, e.XMLName.Space, e.XMLName.Local)
			continue
		}
		loc := e.child("loc")
		if loc == nil {
			t.Errorf("%s: %s without loc", path, entry)
			continue
		}
		u, err := url.Parse(loc.Text)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || len(loc.Text) > 2048 {
			t.Errorf("%s: loc %q is not an absolute URL under 2,048 characters", path, loc.Text)
		}
		if seen[loc.Text] {
			t.Errorf("%s: %s listed twice", path, loc.Text)
		}
		seen[loc.Text] = true
		if lm := e.child("lastmod"); lm != nil {
			if _, err := time.Parse(time.RFC3339, lm.Text); err != nil {
				t.Errorf("%s: lastmod %q is not a W3C datetime", path, lm.Text)
			}
		}
		locs = append(locs, loc.Text)
	}
	if len(locs) > max {
		t.Errorf("%s: %d entries, at most %d allowed", path, len(locs), max)
	}
	return doc, locs
}

func TestSitemaps(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		ada, _ := db.FindUsers(context.Background(), communique.UserFilter{Slug: ptr("ada")})
		recent := MustCreate(t, db, &communique.Article{Title: "Breaking: harbour reopens", AuthorID: ada[0].ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-2 * time.Hour), Source: "Ships are moving."}, nil, nil)
		s := MustServeWith(t, db, func(srv *web.Server) { srv.SitemapURLs = 2 })
		base := s.URL

		_, files := parseSitemap(t, s, "/sitemap.xml", "sitemapindex", "sitemap", 50000)
		want := []string{"/sitemap-posts-1.xml", "/sitemap-posts-2.xml", "/sitemap-posts-3.xml",
			"/sitemap-pages.xml", "/sitemap-categories.xml", "/sitemap-tags.xml", "/news-sitemap.xml"}
		for i := range want {
			want[i] = base + want[i]
		}
		if strings.Join(files, " ") != strings.Join(want, " ") {
			t.Fatalf("index lists\n%q\nwant\n%q", files, want)
		}

		var posts []string
		for i := 1; i <= 3; i++ {
			_, locs := parseSitemap(t, s, "/sitemap-posts-"+string(rune('0'+i))+".xml", "urlset", "url", 2)
			posts = append(posts, locs...)
		}
		wantPosts := []string{"/2026/01/10/old-story/", "/2026/02/01/sticky-story/", "/2026/03/14/midnight-story/",
			"/2026/04/01/newest-story/", "/2026/05/01/" + n.escaped.Slug + "/", "/2026/06/01/" + recent.Slug + "/"}
		for i := range wantPosts {
			wantPosts[i] = base + wantPosts[i]
		}
		if strings.Join(posts, " ") != strings.Join(wantPosts, " ") {
			t.Errorf("posts sitemaps list\n%q\nwant\n%q", posts, wantPosts)
		}
		if _, pages := parseSitemap(t, s, "/sitemap-pages.xml", "urlset", "url", 50000); strings.Join(pages, " ") != base+"/about/ "+base+"/about/team/" {
			t.Errorf("pages = %q", pages)
		}
		if _, cats := parseSitemap(t, s, "/sitemap-categories.xml", "urlset", "url", 50000); strings.Join(cats, " ") != base+"/category/news/local/ "+base+"/category/news/ "+base+"/category/sport/" {
			t.Errorf("categories = %q", cats)
		}
		if _, tags := parseSitemap(t, s, "/sitemap-tags.xml", "urlset", "url", 50000); strings.Join(tags, " ") != base+"/tag/harbour/" {
			t.Errorf("tags = %q", tags)
		}

		t.Run("News", func(t *testing.T) {
			res := s.Get(t, "/news-sitemap.xml")
			if !strings.Contains(res.Body, `xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"`) {
				t.Errorf("no news namespace:\n%s", res.Body)
			}
			doc, locs := parseSitemap(t, s, "/news-sitemap.xml", "urlset", "url", 1000)
			if len(locs) != 1 || locs[0] != base+"/2026/06/01/"+recent.Slug+"/" {
				t.Fatalf("news sitemap lists %q, want only the article of the last 48 hours", locs)
			}
			news := doc.Children[0].child("news")
			if news == nil || news.XMLName.Space != "http://www.google.com/schemas/sitemap-news/0.9" {
				t.Fatalf("no news:news in %+v", doc.Children[0])
			}
			pub := news.child("publication")
			if pub == nil || pub.child("name").Text != "Communiqué" || pub.child("language").Text != "en" {
				t.Errorf("publication = %+v", pub)
			}
			if d := news.child("publication_date"); d == nil || d.Text != "2026-06-01T10:00:00Z" {
				t.Errorf("publication_date = %+v", d)
			}
			if title := news.child("title"); title == nil || title.Text != "Breaking: harbour reopens" {
				t.Errorf("title = %+v", title)
			}
		})

		runCases(t, s, []httpCase{
			{name: "PastTheLastFile", url: "/sitemap-posts-4.xml", wantStatus: http.StatusNotFound},
			{name: "FileZero", url: "/sitemap-posts-0.xml", wantStatus: http.StatusNotFound},
			{name: "LeadingZero", url: "/sitemap-posts-01.xml", wantStatus: http.StatusNotFound},
			{name: "NotANumber", url: "/sitemap-posts-x.xml", wantStatus: http.StatusNotFound},
			{name: "Robots", url: "/robots.txt", wantStatus: http.StatusOK, wantContains: []string{
				"User-agent: *\n", "Disallow: /search\n", "Sitemap: " + base + "/sitemap.xml\n", "Sitemap: " + base + "/news-sitemap.xml\n"}},
		})
		res := s.Get(t, "/sitemap.xml")
		if again := s.Do(t, http.MethodGet, "/sitemap.xml", nil, http.Header{"If-None-Match": {res.Header.Get("ETag")}}); again.Status != http.StatusNotModified {
			t.Errorf("sitemap conditional GET: %d", again.Status)
		}
	}, atFixedNow)
}

var jsonLD = regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)

// structuredData returns a page's JSON-LD object.
func structuredData(t *testing.T, body string) map[string]any {
	t.Helper()
	m := jsonLD.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%d JSON-LD blocks, want 1", len(m))
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[0][1]), &v); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[0][1])
	}
	return v
}

func TestSharingAndStructuredData(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		base := n.URL
		url := base + "/2026/03/14/midnight-story/"
		meta := func(prop, content string) string { return `<meta property="` + prop + `" content="` + content + `">` }
		runCases(t, n.site, []httpCase{
			{name: "Article", url: "/2026/03/14/midnight-story/", wantStatus: http.StatusOK, wantContains: []string{
				"<title>Midnight story – Communiqué</title>",
				`<meta name="description" content="The harbour froze at midnight. A second paragraph.">`,
				`<link rel="canonical" href="` + url + `">`,
				meta("og:type", "article"), meta("og:title", "Midnight story"), meta("og:url", url), meta("og:site_name", "Communiqué"),
				meta("og:description", "The harbour froze at midnight. A second paragraph."),
				meta("article:published_time", "2026-03-15T02:30:00Z"), meta("article:section", "Local"), meta("article:tag", "Harbour"),
				`<meta name="twitter:card" content="summary">`, `<meta name="twitter:title" content="Midnight story">`,
			}},
			{name: "HostileArticle", url: "/2026/05/01/" + n.escaped.Slug + "/", wantStatus: http.StatusOK, wantContains: []string{
				meta("og:title", `Escaping &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; test`),
				`"headline":"Escaping \u003cscript\u003ealert(\"x\")\u003c/script\u003e test"`,
			}},
			{name: "Category", url: "/category/news/", wantStatus: http.StatusOK, wantContains: []string{
				"<title>News – Communiqué</title>", `<meta name="description" content="Category: News — Communiqué">`, meta("og:type", "website"),
				meta("og:url", base+"/category/news/")}},
			{name: "Paginated", url: "/category/news/page/2/", wantStatus: http.StatusOK, wantContains: []string{
				`<link rel="prev" href="/category/news/">`, `<link rel="canonical" href="` + base + `/category/news/page/2/">`}},
			{name: "Page", url: "/about/", wantStatus: http.StatusOK, wantContains: []string{
				`"@type":"WebPage"`, meta("og:type", "website")}},
			{name: "Search", url: "/search?q=harbour", wantStatus: http.StatusOK, wantContains: []string{
				`<meta name="robots" content="noindex">`}, wantAbsent: []string{`rel="canonical"`}},
		})

		t.Run("NewsArticleJSONLD", func(t *testing.T) {
			ld := structuredData(t, n.Get(t, "/2026/03/14/midnight-story/").Body)
			for key, want := range map[string]string{
				"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Midnight story",
				"datePublished": "2026-03-15T02:30:00Z", "dateModified": "2026-06-01T12:00:00Z", "url": url,
				"articleSection": "Local", "inLanguage": "en",
			} {
				if got, _ := ld[key].(string); got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			authors, _ := ld["author"].([]any)
			if len(authors) != 1 || authors[0].(map[string]any)["name"] != "Ada" || authors[0].(map[string]any)["@type"] != "Person" {
				t.Errorf("author = %v", ld["author"])
			}
			pub, _ := ld["publisher"].(map[string]any)
			if pub["@type"] != "Organization" || pub["name"] != "Communiqué" || pub["logo"] == nil {
				t.Errorf("publisher = %v", pub)
			}
			if page, _ := ld["mainEntityOfPage"].(map[string]any); page["@id"] != url {
				t.Errorf("mainEntityOfPage = %v", ld["mainEntityOfPage"])
			}
		})
		t.Run("WebSiteJSONLD", func(t *testing.T) {
			ld := structuredData(t, n.Get(t, "/").Body)
			action, _ := ld["potentialAction"].(map[string]any)
			target, _ := action["target"].(map[string]any)
			if ld["@type"] != "WebSite" || target["urlTemplate"] != base+"/search?q={search_term_string}" {
				t.Errorf("front page JSON-LD = %v", ld)
			}
		})
		t.Run("LongDescription", func(t *testing.T) {
			ada, _ := db.FindUsers(context.Background(), communique.UserFilter{Slug: ptr("ada")})
			long := MustCreate(t, db, &communique.Article{Title: "Long read", AuthorID: ada[0].ID, Status: communique.StatusPublished,
				PublishedAt: fixedNow.Add(-time.Hour), Source: strings.Repeat("Tides and harbours and ships. ", 40)}, nil, nil)
			body := n.Get(t, "/2026/06/01/"+long.Slug+"/").Body
			m := regexp.MustCompile(`<meta name="description" content="([^"]*)">`).FindStringSubmatch(body)
			if m == nil || utf8.RuneCountInString(m[1]) > 161 || !strings.HasSuffix(m[1], "…") {
				t.Errorf("description = %q, want at most 160 characters, cut at a word", m)
			}
		})
	}, atFixedNow)
}
