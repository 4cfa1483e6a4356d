package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// MustServeWith is MustServe with the server's exported fields set by
// configure before it serves.
func MustServeWith(tb testing.TB, db *sqlstore.DB, configure func(*web.Server)) *site {
	tb.Helper()
	s, _ := MustServeServer(tb, db, configure)
	return s
}

// MustServeServer is MustServeWith that also returns the server, for
// tests that call its methods.
func MustServeServer(tb testing.TB, db *sqlstore.DB, configure func(*web.Server)) (*site, *web.Server) {
	tb.Helper()
	logs := &logBuffer{}
	srv, err := web.NewServer(context.Background(), web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	if configure != nil {
		configure(srv)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 10 * time.Second
	return &site{URL: ts.URL, Server: ts, Logs: logs, Client: client}, srv
}

// commentedNewsroom adds comments to the newsroom: two approved on the
// midnight story (one edited), one held, one spam, and an approved one
// under the draft, which no feed may show.
func commentedNewsroom(t *testing.T, db *sqlstore.DB) (*newsroom, *communique.Article) {
	t.Helper()
	n := newNewsroom(t, db)
	ctx := context.Background()
	find := func(slug string) *communique.Article {
		list, _, err := db.FindArticles(ctx, communique.ArticleFilter{Slug: &slug})
		if err != nil || len(list) != 1 {
			t.Fatalf("find %s: %v", slug, err)
		}
		return list[0]
	}
	midnight, draft := find("midnight-story"), find("draft-story")
	at := time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
	for i, c := range []*communique.Comment{
		{ArticleID: midnight.ID, AuthorName: "Grace", AuthorEmail: "grace-secret@example.com", Text: "Cold <b>night</b>!", HTML: "<p>Cold night &amp; ice!</p>", Status: communique.CommentApproved},
		{ArticleID: midnight.ID, AuthorName: "Linus", AuthorEmail: "linus-secret@example.com", Text: "Brr", HTML: `<p>Brr, see <a href="/about/">about</a></p>`, Status: communique.CommentApproved},
		{ArticleID: midnight.ID, AuthorName: "Held", AuthorEmail: "held@example.com", Text: "Held back", HTML: "<p>Held back text</p>", Status: communique.CommentPending},
		{ArticleID: midnight.ID, AuthorName: "Spammer", AuthorEmail: "spam@example.com", Text: "Buy", HTML: "<p>Buy pills</p>", Status: communique.CommentSpam},
		{ArticleID: draft.ID, AuthorName: "Early", AuthorEmail: "early@example.com", Text: "Draft talk", HTML: "<p>Draft talk</p>", Status: communique.CommentApproved},
	} {
		c.CreatedAt = at.Add(time.Duration(i) * time.Hour)
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	return n, find("midnight-story")
}

// parseFeed fetches a feed and parses it with gofeed, a real reader's
// parser.
func parseFeed(t *testing.T, s *site, path string) (*gofeed.Feed, response) {
	t.Helper()
	res := s.Get(t, path)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, res.Status, excerpt(res.Body))
	}
	f, err := gofeed.NewParser().ParseString(res.Body)
	if err != nil {
		t.Fatalf("GET %s: gofeed: %v\n%s", path, err, res.Body)
	}
	return f, res
}

func itemTitles(f *gofeed.Feed) []string {
	var out []string
	for _, it := range f.Items {
		out = append(out, it.Title)
	}
	return out
}

func TestFeeds(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n, midnight := commentedNewsroom(t, db)
		base := n.URL
		midnightURL := base + "/2026/03/14/midnight-story/"
		guid := func(id int64) string { return base + "/?p=" + strconv.FormatInt(id, 10) }
		all := []string{hostileTitle, "Newest story", "Midnight story", "Sticky story", "Old story"}
		private := []string{"secret@example.com", "held@example.com", "Held back", "Buy pills", "Draft", "Future story", "Early"}

		for _, tc := range []struct {
			name, path, feedType, contentType string
			title, link                       string
			items                             []string
		}{
			{"SiteRSS", "/feed/", "rss", "application/rss+xml", "Communiqué", base + "/", all},
			{"SiteRSS2", "/feed/rss2/", "rss", "application/rss+xml", "Communiqué", base + "/", all},
			{"SiteAtom", "/feed/atom/", "atom", "application/atom+xml", "Communiqué", base + "/", all},
			{"SiteJSON", "/feed/json/", "json", "application/feed+json", "Communiqué", base + "/", all},
			{"Category", "/category/news/feed/", "rss", "application/rss+xml", "Communiqué » News", base + "/category/news/",
				[]string{"Newest story", "Midnight story", "Sticky story"}},
			{"ChildCategoryAtom", "/category/news/local/feed/atom/", "atom", "application/atom+xml", "Communiqué » Local", base + "/category/news/local/",
				[]string{"Midnight story"}},
			{"TagJSON", "/tag/harbour/feed/json/", "json", "application/feed+json", "Communiqué » Harbour", base + "/tag/harbour/",
				[]string{"Midnight story"}},
			{"Author", "/author/ada/feed/", "rss", "application/rss+xml", "Communiqué » Ada", base + "/author/ada/", all},
			{"ArticleComments", "/2026/03/14/midnight-story/feed/", "rss", "application/rss+xml", "Comments on: Midnight story", midnightURL,
				[]string{"By: Linus", "By: Grace"}},
			{"ArticleCommentsAtom", "/2026/03/14/midnight-story/feed/atom/", "atom", "application/atom+xml", "Comments on: Midnight story", midnightURL,
				[]string{"By: Linus", "By: Grace"}},
			{"PageCommentsEmpty", "/about/feed/", "rss", "application/rss+xml", "Comments on: About", base + "/about/", nil},
			{"RecentComments", "/comments/feed/", "rss", "application/rss+xml", "Comments for Communiqué", base + "/",
				[]string{"Comment on Midnight story by Linus", "Comment on Midnight story by Grace"}},
			{"RecentCommentsJSON", "/comments/feed/json/", "json", "application/feed+json", "Comments for Communiqué", base + "/",
				[]string{"Comment on Midnight story by Linus", "Comment on Midnight story by Grace"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f, res := parseFeed(t, n.site, tc.path)
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
					t.Errorf("Content-Type = %q, want %s", ct, tc.contentType)
				}
				if f.FeedType != tc.feedType {
					t.Errorf("feed type = %s, want %s", f.FeedType, tc.feedType)
				}
				if f.Title != tc.title || f.Link != tc.link {
					t.Errorf("title %q link %q, want %q %q", f.Title, f.Link, tc.title, tc.link)
				}
				if f.FeedType != "rss" && f.FeedLink != base+tc.path {
					t.Errorf("self link = %q, want %q", f.FeedLink, base+tc.path)
				}
				if got := itemTitles(f); strings.Join(got, "|") != strings.Join(tc.items, "|") {
					t.Errorf("items = %q, want %q", got, tc.items)
				}
				for _, bad := range private {
					if strings.Contains(res.Body, bad) {
						t.Errorf("feed shows %q", bad)
					}
				}
				for _, it := range f.Items {
					if !strings.HasPrefix(it.GUID, base+"/?p=") || !strings.HasPrefix(it.Link, base+"/") {
						t.Errorf("item %q: guid %q link %q", it.Title, it.GUID, it.Link)
					}
					if it.PublishedParsed == nil || it.PublishedParsed.IsZero() {
						t.Errorf("item %q has no date", it.Title)
					}
					if len(it.Authors) == 0 || it.Authors[0].Name == "" {
						t.Errorf("item %q has no author", it.Title)
					}
				}
			})
		}

		t.Run("ArticleItem", func(t *testing.T) {
			f, _ := parseFeed(t, n.site, "/feed/")
			it := f.Items[2]
			switch {
			case it.GUID != guid(midnight.ID):
				t.Errorf("guid = %q, want %q (permalink-independent)", it.GUID, guid(midnight.ID))
			case it.Link != midnightURL:
				t.Errorf("link = %q", it.Link)
			case !it.PublishedParsed.Equal(time.Date(2026, 3, 15, 2, 30, 0, 0, time.UTC)):
				t.Errorf("published = %v", it.PublishedParsed)
			case !strings.Contains(it.Content, "The <strong>harbour</strong> froze at midnight."):
				t.Errorf("content (full text by default) = %q", it.Content)
			case it.Description == "" || strings.Contains(it.Description, "<"):
				t.Errorf("description = %q, want the plain summary", it.Description)
			case strings.Join(it.Categories, ",") != "Local,Harbour":
				t.Errorf("categories = %v", it.Categories)
			case it.Authors[0].Name != "Ada":
				t.Errorf("author = %+v", it.Authors[0])
			case len(it.Enclosures) != 0:
				t.Errorf("enclosures = %+v (no featured images yet)", it.Enclosures)
			}
			if got := it.Extensions["slash"]["comments"]; len(got) != 1 || got[0].Value != "2" {
				t.Errorf("slash:comments = %+v, want 2 approved", got)
			}
			// The hostile title is text in the feed, not markup.
			if f.Items[0].Title != hostileTitle {
				t.Errorf("hostile title = %q", f.Items[0].Title)
			}
		})
		t.Run("CommentItem", func(t *testing.T) {
			f, res := parseFeed(t, n.site, "/2026/03/14/midnight-story/feed/")
			it := f.Items[0]
			if !strings.HasPrefix(it.GUID, guid(midnight.ID)+"#comment-") || !strings.HasPrefix(it.Link, midnightURL+"#comment-") {
				t.Errorf("comment guid %q link %q", it.GUID, it.Link)
			}
			if !strings.Contains(it.Content, `href="`+base+`/about/"`) {
				t.Errorf("relative link not made absolute: %q", it.Content)
			}
			if strings.Contains(res.Body, "<author>") || strings.Contains(res.Body, "@example.com") {
				t.Error("comment feed carries an email address")
			}
		})

		t.Run("NotFound", func(t *testing.T) {
			runCases(t, n.site, []httpCase{
				{name: "UnknownCategory", url: "/category/weather/feed/", wantStatus: http.StatusNotFound},
				{name: "UnknownTag", url: "/tag/weather/feed/atom/", wantStatus: http.StatusNotFound},
				{name: "UnknownAuthor", url: "/author/nobody/feed/", wantStatus: http.StatusNotFound},
				{name: "Draft", url: "/2026/06/01/draft-story/feed/", wantStatus: http.StatusNotFound},
				{name: "Scheduled", url: "/2026/07/01/future-story/feed/", wantStatus: http.StatusNotFound},
				{name: "Nothing", url: "/nothing-here/feed/", wantStatus: http.StatusNotFound},
				{name: "UnknownFormat", url: "/feed/xml/", wantStatus: http.StatusNotFound},
				// The WordPress import redirects the old formats (redirect.go).
				{name: "RDFToRSS", url: "/feed/rdf/", wantStatus: http.StatusMovedPermanently, wantLocation: "/feed/"},
				{name: "DotDot", url: "/%2e%2e/feed/", wantStatus: http.StatusNotFound},
				{name: "ChildCategoryShortPath", url: "/category/local/feed/", wantStatus: http.StatusMovedPermanently, wantLocation: "/category/news/local/feed/"},
				{name: "ArticleWrongDate", url: "/2026/03/15/midnight-story/feed/json/", wantStatus: http.StatusMovedPermanently, wantLocation: "/2026/03/14/midnight-story/feed/json/"},
				{name: "NoSlash", url: "/feed", wantStatus: http.StatusMovedPermanently, wantLocation: "/feed/"},
			})
		})

		t.Run("ConditionalGET", func(t *testing.T) {
			res := n.Get(t, "/feed/")
			etag, lastMod := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
			if etag == "" || lastMod == "" {
				t.Fatalf("ETag %q Last-Modified %q", etag, lastMod)
			}
			// The newest change of any item: the articles were created at fixedNow.
			if lm, err := http.ParseTime(lastMod); err != nil || !lm.Equal(fixedNow) {
				t.Errorf("Last-Modified = %q, want %v", lastMod, fixedNow)
			}
			for _, tc := range []struct {
				name   string
				header http.Header
				want   int
			}{
				{"IfNoneMatch", http.Header{"If-None-Match": {etag}}, http.StatusNotModified},
				{"IfNoneMatchList", http.Header{"If-None-Match": {`"other", ` + etag}}, http.StatusNotModified},
				{"IfNoneMatchOther", http.Header{"If-None-Match": {`"other"`}}, http.StatusOK},
				{"IfModifiedSince", http.Header{"If-Modified-Since": {lastMod}}, http.StatusNotModified},
				{"IfModifiedSinceOlder", http.Header{"If-Modified-Since": {fixedNow.Add(-time.Hour).Format(http.TimeFormat)}}, http.StatusOK},
				// If-None-Match wins over If-Modified-Since (RFC 9110).
				{"BothETagDiffers", http.Header{"If-None-Match": {`"other"`}, "If-Modified-Since": {lastMod}}, http.StatusOK},
			} {
				t.Run(tc.name, func(t *testing.T) {
					res := n.Do(t, http.MethodGet, "/feed/", nil, tc.header)
					if res.Status != tc.want {
						t.Fatalf("status = %d, want %d", res.Status, tc.want)
					}
					if tc.want == http.StatusNotModified && (res.Body != "" || res.Header.Get("ETag") != etag) {
						t.Errorf("304 with body %q, ETag %q", res.Body, res.Header.Get("ETag"))
					}
				})
			}
			if res := n.Do(t, http.MethodHead, "/feed/atom/", nil, nil); res.Status != http.StatusOK || res.Body != "" {
				t.Errorf("HEAD: %d %q", res.Status, res.Body)
			}
		})

		t.Run("SummaryOnly", func(t *testing.T) {
			MustSet(t, db, "feed_full_text", "false")
			MustSet(t, db, "feed_items", "2")
			defer MustSet(t, db, "feed_full_text", "true")
			defer MustSet(t, db, "feed_items", "10")
			fresh := MustServeWith(t, db, nil) // a new server: the first one caches for seconds
			for _, path := range []string{"/feed/", "/feed/atom/", "/feed/json/"} {
				f, res := parseFeed(t, fresh, path)
				if len(f.Items) != 2 {
					t.Errorf("%s: %d items, want feed_items=2", path, len(f.Items))
				}
				if strings.Contains(res.Body, "Safe body text</p>") || strings.Contains(res.Body, "content:encoded") {
					t.Errorf("%s: full text in a summary-only feed", path)
				}
				for _, it := range f.Items {
					if it.Description == "" && it.Content == "" {
						t.Errorf("%s: item %q has no summary", path, it.Title)
					}
				}
			}
		})

		t.Run("Autodiscovery", func(t *testing.T) {
			rss := func(title, href string) string {
				return `<link rel="alternate" type="application/rss+xml" title="` + title + `" href="` + href + `">`
			}
			runCases(t, n.site, []httpCase{
				{name: "FrontPage", url: "/", wantStatus: http.StatusOK, wantContains: []string{
					rss("Communiqué » Feed", base+"/feed/"),
					`<link rel="alternate" type="application/atom+xml" title="Communiqué » Atom Feed" href="` + base + `/feed/atom/">`,
					`<link rel="alternate" type="application/feed+json" title="Communiqué » JSON Feed" href="` + base + `/feed/json/">`,
					rss("Communiqué » Comments Feed", base+"/comments/feed/"),
				}},
				{name: "Category", url: "/category/news/local/", wantStatus: http.StatusOK, wantContains: []string{
					rss("Communiqué » Feed", base+"/feed/"), rss("Communiqué » Local Category Feed", base+"/category/news/local/feed/")}},
				{name: "Tag", url: "/tag/harbour/", wantStatus: http.StatusOK, wantContains: []string{rss("Communiqué » Harbour Tag Feed", base+"/tag/harbour/feed/")}},
				{name: "Author", url: "/author/ada/", wantStatus: http.StatusOK, wantContains: []string{rss("Communiqué » Ada Author Feed", base+"/author/ada/feed/")}},
				{name: "Article", url: "/2026/03/14/midnight-story/", wantStatus: http.StatusOK, wantContains: []string{
					rss("Communiqué » Midnight story Comments Feed", midnightURL+"feed/")}},
				{name: "DateArchiveHasSiteFeedsOnly", url: "/2026/03/", wantStatus: http.StatusOK,
					wantContains: []string{rss("Communiqué » Feed", base+"/feed/")}, wantAbsent: []string{"Archives Feed"}},
				{name: "NotFound", url: "/nothing/", wantStatus: http.StatusNotFound, wantContains: []string{rss("Communiqué » Feed", base+"/feed/")}},
			})
		})

		if logs := n.Logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("the server logged errors:\n%s", logs)
		}
	}, atFixedNow)
}

// TestFeedImportedAndFeatured checks what other work brings to feeds and
// sharing: an imported article keeps its WordPress GUID, and a featured
// image becomes the enclosure, og:image and the JSON-LD image.
func TestFeedImportedAndFeatured(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		ctx := context.Background()
		ada, _ := db.FindUsers(ctx, communique.UserFilter{Slug: ptr("ada")})
		imported := &communique.Article{Type: communique.TypePost, Title: "From the old site", AuthorID: ada[0].ID, Status: communique.StatusPublished,
			PublishedAt: time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC), Format: communique.FormatHTML, Source: "<p>Moved here.</p>"}
		oldGUID := "https://old.example.com/?p=77"
		if err := articles.New(db).ImportBatch(ctx, &communique.ImportBatch{Source: "https://old.example.com",
			Articles: []*communique.ImportedArticle{{Article: imported, SourceID: 77, GUID: oldGUID}}}); err != nil {
			t.Fatal(err)
		}
		img := storetest.MustCreateMedia(t, db, ada[0], "Ice on the harbour wall")
		list, _, _ := db.FindArticles(ctx, communique.ArticleFilter{Slug: ptr("midnight-story")})
		if _, err := articles.New(db).Update(ctx, articles.System, list[0].ID, communique.ArticleUpdate{FeaturedMediaID: &img.ID}); err != nil {
			t.Fatal(err)
		}
		imgURL := n.URL + "/media/" + img.Key

		f, _ := parseFeed(t, n.site, "/feed/")
		byTitle := map[string]*gofeed.Item{}
		for _, it := range f.Items {
			byTitle[it.Title] = it
		}
		if it := byTitle["From the old site"]; it == nil || it.GUID != oldGUID {
			t.Errorf("imported item = %+v, want GUID %s", it, oldGUID)
		}
		it := byTitle["Midnight story"]
		if it == nil || len(it.Enclosures) != 1 || it.Enclosures[0].URL != imgURL || it.Enclosures[0].Type != img.MimeType ||
			it.Enclosures[0].Length != strconv.FormatInt(img.Size, 10) {
			t.Errorf("enclosure = %+v, want %s", it, imgURL)
		}
		if it := byTitle["Newest story"]; it == nil || len(it.Enclosures) != 0 {
			t.Errorf("an article without featured image has enclosures: %+v", it)
		}
		jf, _ := parseFeed(t, n.site, "/feed/json/")
		for _, it := range jf.Items {
			if it.Title == "Midnight story" && (it.Image == nil || it.Image.URL != imgURL) {
				t.Errorf("JSON Feed image = %+v", it.Image)
			}
		}

		page := n.Get(t, "/2026/03/14/midnight-story/").Body
		for _, want := range []string{`<meta property="og:image" content="` + imgURL + `">`, `<meta property="og:image:alt" content="Ice on the harbour wall">`,
			`<meta name="twitter:card" content="summary_large_image">`, `<meta name="twitter:image" content="` + imgURL + `">`} {
			if !strings.Contains(page, want) {
				t.Errorf("article page lacks %s", want)
			}
		}
		ld := structuredData(t, page)
		if images, _ := ld["image"].([]any); len(images) != 1 || images[0].(map[string]any)["url"] != imgURL {
			t.Errorf("JSON-LD image = %v", ld["image"])
		}
	}, atFixedNow)
}
