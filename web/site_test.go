package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"communique"
	articles "communique/newsroom"
	"communique/password"
	"communique/sqlstore"
	"communique/storetest"
)

// newsroom is the fixture most tests read: five published articles (one
// sticky, one with a hostile title), a draft, a scheduled article, two
// nested categories, a tag, and a page with a child page. The site shows
// two articles per page in New York time.
//
// Newest first the articles are
//
//	Escaping <script>…  2026-05-01 08:00 EDT
//	Newest story         2026-04-01 08:00 EDT  News
//	Midnight story       2026-03-14 22:30 EDT  News › Local, #Harbour (03-15 02:30 UTC)
//	Sticky story         2026-02-01 07:00 EST  News, sticky
//	Old story            2026-01-10 07:00 EST  Sport, slug renamed from first-slug
type newsroom struct {
	*site
	db      *sqlstore.DB
	escaped *communique.Article // the article whose title holds a <script>
}

const hostileTitle = `Escaping <script>alert("x")</script> test`

func newNewsroom(t *testing.T, db *sqlstore.DB) *newsroom {
	t.Helper()
	ctx := context.Background()
	MustSet(t, db, "timezone", "America/New_York")
	MustSet(t, db, "posts_per_page", "2")
	ada := storetest.MustCreateUser(t, db, "ada", communique.RoleEditor)
	news := MustCreateTerm(t, db, communique.TaxonomyCategory, "News", nil)
	local := MustCreateTerm(t, db, communique.TaxonomyCategory, "Local", news)
	sport := MustCreateTerm(t, db, communique.TaxonomyCategory, "Sport", nil)
	harbour := MustCreateTerm(t, db, communique.TaxonomyTag, "Harbour", nil)
	post := func(title string, at time.Time) *communique.Article {
		return &communique.Article{Title: title, AuthorID: ada.ID, Status: communique.StatusPublished, PublishedAt: at,
			Source: "The **" + strings.ToLower(title) + "** body.\n\nA second paragraph."}
	}
	day := func(month time.Month, d, h, m int) time.Time { return time.Date(2026, month, d, h, m, 0, 0, time.UTC) }

	old := post("Old story", day(1, 10, 12, 0))
	old.Slug = "first-slug"
	MustCreate(t, db, old, []*communique.Term{sport}, nil)
	renamed := "old-story"
	if _, err := articles.New(db).Update(ctx, articles.System, old.ID, communique.ArticleUpdate{Slug: &renamed}); err != nil {
		t.Fatal(err)
	}
	sticky := post("Sticky story", day(2, 1, 12, 0))
	sticky.Sticky = true
	MustCreate(t, db, sticky, []*communique.Term{news}, nil)
	midnight := post("Midnight story", day(3, 15, 2, 30))
	midnight.Source = "The **harbour** froze at midnight.\n\nA second paragraph."
	midnight.CommentsOpen = true
	MustCreate(t, db, midnight, []*communique.Term{local}, []*communique.Term{harbour})
	MustCreate(t, db, post("Newest story", day(4, 1, 12, 0)), []*communique.Term{news}, nil)
	escaped := &communique.Article{Title: hostileTitle, AuthorID: ada.ID, Status: communique.StatusPublished,
		PublishedAt: day(5, 1, 12, 0), Format: communique.FormatHTML,
		Source: `<p>Safe body text</p><script>alert("body")</script><p onclick="alert('click')">Click text</p>`}
	MustCreate(t, db, escaped, nil, nil)

	draft := &communique.Article{Title: "Draft story", AuthorID: ada.ID, Status: communique.StatusDraft, Source: "Not yet."}
	MustCreate(t, db, draft, []*communique.Term{news}, []*communique.Term{harbour})
	future := post("Future story", day(7, 1, 12, 0))
	MustCreate(t, db, future, []*communique.Term{news}, []*communique.Term{harbour})
	if future.Status != communique.StatusScheduled {
		t.Fatalf("future article status = %q, want scheduled", future.Status)
	}

	about := &communique.Article{Type: communique.TypePage, Title: "About", AuthorID: ada.ID,
		Status: communique.StatusPublished, PublishedAt: day(1, 1, 12, 0), Source: "We report on the harbour town."}
	MustCreate(t, db, about, nil, nil)
	MustCreate(t, db, &communique.Article{Type: communique.TypePage, Title: "Team", ParentID: about.ID, AuthorID: ada.ID,
		Status: communique.StatusPublished, PublishedAt: day(1, 1, 12, 0), Source: "Three reporters and an editor."}, nil, nil)

	return &newsroom{site: MustServe(t, db, ""), db: db, escaped: escaped}
}

func TestSite(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		escapedPath := "/2026/05/01/" + n.escaped.Slug + "/"
		escapedTitle := `Escaping &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; test`
		hidden := []string{"Draft story", "Future story"}
		notFound := func(name, path string) httpCase {
			return httpCase{name: name, url: path, wantStatus: http.StatusNotFound}
		}
		moved := func(name, path, to string) httpCase {
			return httpCase{name: name, url: path, wantStatus: http.StatusMovedPermanently, wantLocation: to}
		}

		runCases(t, n.site, []httpCase{
			// Front page and its pages: sticky first, then newest first.
			{name: "FrontPage", url: "/", wantStatus: http.StatusOK,
				wantOrder:    []string{"Sticky story", escapedTitle},
				wantContains: []string{`<link rel="next" href="/page/2/">`, `rel="next" href="/page/2/">Older articles`, "Page 1 of 3", `<span class="badge">Featured</span>`},
				wantAbsent:   append([]string{"Newest story", `rel="prev"`}, hidden...)},
			{name: "FrontPage2", url: "/page/2/", wantStatus: http.StatusOK,
				wantOrder:    []string{"Newest story", "Midnight story"},
				wantContains: []string{`<link rel="prev" href="/">`, `<link rel="next" href="/page/3/">`, `rel="prev" href="/">Newer articles`, "Page 2 of 3"},
				wantAbsent:   append([]string{"Sticky story", "Old story", "Featured"}, hidden...)},
			{name: "FrontPage3", url: "/page/3/", wantStatus: http.StatusOK,
				wantContains: []string{"Old story", `<link rel="prev" href="/page/2/">`, "Page 3 of 3"},
				wantAbsent:   append([]string{`rel="next"`, "Midnight story"}, hidden...)},
			moved("Page1RedirectsHome", "/page/1/", "/"),
			moved("PageWithoutSlash", "/page/2", "/page/2/"),
			notFound("PagePastTheEnd", "/page/4/"),
			notFound("Page99", "/page/99/"),
			notFound("Page0", "/page/0/"),
			notFound("PageNotANumber", "/page/abc/"),
			notFound("PageLeadingZero", "/page/02/"),
			notFound("PageHugeNumber", "/page/99999999999999999999/"),
			{name: "HEADFrontPage", method: http.MethodHead, url: "/", wantStatus: http.StatusOK},
			{name: "POSTFrontPage", method: http.MethodPost, url: "/", wantStatus: http.StatusMethodNotAllowed},

			// Articles.
			{name: "Article", url: "/2026/03/14/midnight-story/", wantStatus: http.StatusOK,
				wantContains: []string{
					"<title>Midnight story – Communiqué</title>",
					"<h1>Midnight story</h1>",
					`By <a rel="author" href="/author/ada/" dir="auto">Ada</a>`,
					`<time datetime="2026-03-14T22:30:00-04:00">March 14, 2026</time>`,
					`<a href="/category/news/local/">Local</a>`,
					`<a href="/tag/harbour/" rel="tag" dir="auto">Harbour</a>`,
					"The <strong>harbour</strong> froze at midnight.",
					`rel="prev" href="/2026/02/01/sticky-story/"`,
					`rel="next" href="/2026/04/01/newest-story/"`,
					`/2026/03/14/midnight-story/">`, // canonical
					`<form action="/comments" method="post"`,
					`<script src="/static/comment-reply.js?v=`,
				},
				wantAbsent: []string{"March 15, 2026"}},
			{name: "OldestArticleHasNoPrev", url: "/2026/01/10/old-story/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>Old story</h1>", `rel="next" href="/2026/02/01/sticky-story/"`, `<a href="/category/sport/">Sport</a>`},
				wantAbsent:   []string{`rel="prev"`}},
			{name: "NewestArticleHasNoNextEvenWithScheduled", url: escapedPath, wantStatus: http.StatusOK,
				wantContains: []string{`rel="prev" href="/2026/04/01/newest-story/"`},
				wantAbsent:   []string{`rel="next"`, "Future story"}},
			moved("ArticleWrongDate", "/2026/03/15/midnight-story/", "/2026/03/14/midnight-story/"),
			moved("ArticleWrongYear", "/2025/03/14/midnight-story/", "/2026/03/14/midnight-story/"),
			moved("ArticleWithoutSlash", "/2026/03/14/midnight-story", "/2026/03/14/midnight-story/"),
			moved("ArticleOldSlug", "/2026/01/10/first-slug/", "/2026/01/10/old-story/"),
			moved("ArticleOldSlugOtherDate", "/2020/01/01/first-slug/", "/2026/01/10/old-story/"),
			notFound("ArticleUnderItself", "/2026/03/14/midnight-story/extra/"),
			notFound("Draft", "/2026/06/01/draft-story/"),
			notFound("DraftUndated", "/draft-story/"),
			notFound("Scheduled", "/2026/07/01/future-story/"),
			notFound("ScheduledUndated", "/future-story/"),

			// Hostile input is escaped or stripped wherever it shows.
			{name: "EscapedArticle", url: escapedPath, wantStatus: http.StatusOK,
				wantContains: []string{"<h1>" + escapedTitle + "</h1>", "<title>" + escapedTitle, "Safe body text", "Click text"},
				wantAbsent:   []string{`alert("body")`, "alert(&#34;body&#34;)", "onclick"}},
			{name: "EscapedInAuthorArchive", url: "/author/ada/", wantStatus: http.StatusOK,
				wantContains: []string{escapedTitle}},
			{name: "EscapedInDateArchive", url: "/2026/05/", wantStatus: http.StatusOK,
				wantContains: []string{escapedTitle}},
			{name: "EscapedInNotFoundPage", url: "/nothing-here/", wantStatus: http.StatusNotFound,
				wantContains: []string{escapedTitle}},

			// Archives.
			{name: "CategoryWithChild", url: "/category/news/", wantStatus: http.StatusOK,
				wantOrder:    []string{"<p class=\"kicker\">Category</p>", "<h1>News", "Newest story", "Midnight story"},
				wantContains: []string{`<link rel="next" href="/category/news/page/2/">`, `<link rel="canonical" href="` + n.URL + `/category/news/">`},
				wantAbsent:   append([]string{"Sticky story"}, hidden...)},
			{name: "CategoryPage2", url: "/category/news/page/2/", wantStatus: http.StatusOK,
				wantContains: []string{"Sticky story", `<link rel="prev" href="/category/news/">`},
				wantAbsent:   append([]string{"Newest story", `rel="next"`}, hidden...)},
			notFound("CategoryPastTheEnd", "/category/news/page/3/"),
			{name: "ChildCategory", url: "/category/news/local/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>Local", "Midnight story"},
				wantAbsent:   append([]string{"Newest story", "Sticky story"}, hidden...)},
			moved("ChildCategoryShortPath", "/category/local/", "/category/news/local/"),
			moved("ChildCategoryWrongParent", "/category/sport/local/", "/category/news/local/"),
			{name: "OtherCategory", url: "/category/sport/", wantStatus: http.StatusOK,
				wantContains: []string{"Old story"}, wantAbsent: []string{"Midnight story"}},
			notFound("UnknownCategory", "/category/weather/"),
			{name: "Tag", url: "/tag/harbour/", wantStatus: http.StatusOK,
				wantOrder:  []string{"<p class=\"kicker\">Tag</p>", "<h1>Harbour", "Midnight story"},
				wantAbsent: append([]string{"Newest story"}, hidden...)},
			notFound("UnknownTag", "/tag/weather/"),
			notFound("TagWithChildPath", "/tag/harbour/extra/"),
			{name: "Author", url: "/author/ada/", wantStatus: http.StatusOK,
				wantOrder:  []string{"<p class=\"kicker\">Author</p>", "<h1>Ada", escapedTitle, "Newest story"},
				wantAbsent: append([]string{"Sticky story"}, hidden...)},
			{name: "AuthorPage3", url: "/author/ada/page/3/", wantStatus: http.StatusOK,
				wantContains: []string{"Old story"}},
			notFound("UnknownAuthor", "/author/nobody/"),
			{name: "YearArchive", url: "/2026/", wantStatus: http.StatusOK,
				wantOrder:  []string{"<h1>2026", escapedTitle, "Newest story"},
				wantAbsent: append([]string{"Sticky story"}, hidden...)},
			{name: "YearArchivePage3", url: "/2026/page/3/", wantStatus: http.StatusOK,
				wantContains: []string{"Old story"}, wantAbsent: hidden},
			{name: "MonthArchive", url: "/2026/03/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>March 2026", "Midnight story"},
				wantAbsent:   []string{"Newest story", "Sticky story"}},
			{name: "DayArchiveInSiteTimeZone", url: "/2026/03/14/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>March 14, 2026", "Midnight story"}},
			{name: "DayArchiveUTCDayIsEmpty", url: "/2026/03/15/", wantStatus: http.StatusOK,
				wantAbsent: []string{"Midnight story"}},
			{name: "MonthOfDraftAndScheduled", url: "/2026/06/", wantStatus: http.StatusOK, wantAbsent: hidden},
			{name: "MonthOfScheduled", url: "/2026/07/", wantStatus: http.StatusOK, wantAbsent: hidden},
			notFound("February30", "/2026/02/30/"),
			notFound("Month13", "/2026/13/"),
			notFound("Month00", "/2026/00/"),
			notFound("Day32", "/2026/03/32/"),
			notFound("ShortYear", "/226/"),

			// Pages.
			{name: "Page", url: "/about/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>About</h1>", "We report on the harbour town."},
				wantAbsent:   []string{`rel="prev"`, `rel="author"`}},
			{name: "ChildPage", url: "/about/team/", wantStatus: http.StatusOK,
				wantContains: []string{"<h1>Team</h1>", "Three reporters and an editor."}},
			moved("ChildPageWithoutParent", "/team/", "/about/team/"),
			moved("PageWithoutSlash", "/about", "/about/"),
			notFound("UnknownChildPage", "/about/nobody/"),

			// Anything else is the friendly 404, never a 500.
			notFound("UnknownPath", "/no-such-thing/"),
			notFound("DeepUnknownPath", "/a/b/c/d/e/f/"),
			notFound("MissingFile", "/wp-login.php"),
			notFound("MissingStatic", "/favicon.ico"),
			notFound("InvalidUTF8", "/%ff/"),
			notFound("InvalidUTF8InSlug", "/2026/03/14/midnight-%ff/"),
			notFound("EncodedDotDot", "/%2e%2e/%2e%2e/etc/passwd/"),
			notFound("NulByte", "/a%00b/"),
			notFound("LongSegment", "/"+strings.Repeat("a", 300)+"/"),
			notFound("VeryLongPath", "/"+strings.Repeat("ab/", 1000)),
			{name: "DotDotTraversal", url: "/../../etc/passwd", follow: true, wantStatus: http.StatusNotFound},
			{name: "PageNumberOnArticle", url: "/2026/03/14/midnight-story/page/2/", wantStatus: http.StatusNotFound},

			// Health.
			{name: "Healthz", url: "/healthz", wantStatus: http.StatusOK, wantContains: []string{"ok"}},
			{name: "Readyz", url: "/readyz", wantStatus: http.StatusOK, wantContains: []string{"ready"}},
		})

		if logs := n.Logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("the server logged errors:\n%s", logs)
		}

		// Changing the permalink structure keeps every old URL working.
		MustSet(t, db, "permalink_structure", communique.PermalinkPlain)
		t.Run("PlainPermalinks", func(t *testing.T) {
			runCases(t, n.site, []httpCase{
				{name: "Article", url: "/midnight-story/", wantStatus: http.StatusOK,
					wantContains: []string{"<h1>Midnight story</h1>", `rel="next" href="/newest-story/"`, `rel="prev" href="/sticky-story/"`}},
				{name: "FrontPageLinks", url: "/", wantStatus: http.StatusOK,
					wantContains: []string{`href="/sticky-story/"`}, wantAbsent: []string{`href="/2026/`}},
				moved("DatedURL", "/2026/03/14/midnight-story/", "/midnight-story/"),
				moved("OldSlug", "/first-slug/", "/old-story/"),
				moved("DatedOldSlug", "/2026/01/10/first-slug/", "/old-story/"),
				{name: "PageStillServed", url: "/about/", wantStatus: http.StatusOK, wantContains: []string{"<h1>About</h1>"}},
				{name: "DayArchiveStillServed", url: "/2026/03/14/", wantStatus: http.StatusOK, wantContains: []string{"Midnight story"}},
				notFound("Scheduled", "/future-story/"),
			})
		})
	}, atFixedNow)
}

// TestSlugChangeRedirects renames a published article while the site runs:
// the old URL must answer 301 to the new one at once.
func TestSlugChangeRedirects(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		runCases(t, n.site, []httpCase{{name: "Before", url: "/2026/04/01/newest-story/", wantStatus: http.StatusOK}})
		list, _, err := db.FindArticles(context.Background(), communique.ArticleFilter{Slug: ptr("newest-story")})
		if err != nil || len(list) != 1 {
			t.Fatalf("find newest-story: %v (%d found)", err, len(list))
		}
		if _, err := articles.New(db).Update(context.Background(), articles.System, list[0].ID, communique.ArticleUpdate{Slug: ptr("latest-story")}); err != nil {
			t.Fatal(err)
		}
		runCases(t, n.site, []httpCase{
			{name: "OldURL", url: "/2026/04/01/newest-story/", wantStatus: http.StatusMovedPermanently, wantLocation: "/2026/04/01/latest-story/"},
			{name: "NewURL", url: "/2026/04/01/latest-story/", wantStatus: http.StatusOK, wantContains: []string{"<h1>Newest story</h1>"}},
			{name: "NeighbourLinksNewURL", url: "/2026/03/14/midnight-story/", wantStatus: http.StatusOK,
				wantContains: []string{`rel="next" href="/2026/04/01/latest-story/"`}},
		})
	}, atFixedNow)
}

func ptr[T any](v T) *T { return &v }

// TestStaticAssets checks the content-hashed stylesheet: pages link it with
// its hash, and only the hashed URL may be cached forever.
func TestStaticAssets(t *testing.T) {
	db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
	s := MustServe(t, db, "")
	front := s.Get(t, "/")
	m := regexp.MustCompile(`<link rel="stylesheet" href="/static/style\.css\?v=([0-9a-f]{12})">`).FindStringSubmatch(front.Body)
	if m == nil {
		t.Fatalf("front page links no hashed stylesheet:\n%s", front.Body)
	}
	hash := m[1]
	tests := []struct {
		name          string
		url           string
		header        http.Header
		wantStatus    int
		wantImmutable bool
	}{
		{"Hashed", "/static/style.css?v=" + hash, nil, http.StatusOK, true},
		{"Unhashed", "/static/style.css", nil, http.StatusOK, false},
		{"StaleHash", "/static/style.css?v=000000000000", nil, http.StatusOK, false},
		{"NotModified", "/static/style.css?v=" + hash, http.Header{"If-None-Match": {`"` + hash + `"`}}, http.StatusNotModified, true},
		{"Icon", "/static/icon.svg", nil, http.StatusOK, false},
		{"Missing", "/static/nope.css", nil, http.StatusNotFound, false},
		{"Traversal", "/static/..%2fsetup.go", nil, http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.Do(t, http.MethodGet, tt.url, nil, tt.header)
			if res.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.Status, tt.wantStatus)
			}
			cc := res.Header.Get("Cache-Control")
			if got := strings.Contains(cc, "immutable") && strings.Contains(cc, "max-age=31536000"); got != tt.wantImmutable {
				t.Errorf("Cache-Control = %q, immutable %v, want %v", cc, got, tt.wantImmutable)
			}
			if res.Status == http.StatusOK && strings.HasSuffix(strings.SplitN(tt.url, "?", 2)[0], ".css") {
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
					t.Errorf("Content-Type = %q, want text/css", ct)
				}
				sum := sha256.Sum256([]byte(res.Body))
				if got := hex.EncodeToString(sum[:])[:12]; got != hash {
					t.Errorf("served stylesheet hashes to %s, page links %s", got, hash)
				}
			}
		})
	}
}

// TestSetup walks the first-run form: it refuses a forged post, keeps what
// was typed when a field is wrong, creates exactly one administrator, and
// closes for good.
func TestSetup(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := MustServe(t, db, "")
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		client := *s.Client
		client.Jar = jar
		admins := func() []*communique.User {
			role := communique.RoleAdministrator
			users, err := db.FindUsers(ctx, communique.UserFilter{Role: &role})
			if err != nil {
				t.Fatal(err)
			}
			return users
		}
		post := func(form url.Values) response {
			t.Helper()
			return do(t, &client, http.MethodPost, s.URL+"/setup", strings.NewReader(form.Encode()),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		}

		form := do(t, &client, http.MethodGet, s.URL+"/setup", nil, nil)
		checkResponse(t, "GET /setup", form, httpCase{wantStatus: http.StatusOK,
			wantContains: []string{"<h1>Set up your site</h1>", `name="csrf_token"`, `action="/setup"`}})
		m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(form.Body)
		if m == nil {
			t.Fatal("setup form has no CSRF token")
		}
		token := m[1]
		good := url.Values{"login": {"chief"}, "display_name": {"The Chief"}, "email": {"chief@example.com"},
			"password": {"a long enough secret"}, "password_confirm": {"a long enough secret"}, "csrf_token": {token}}
		with := func(key, value string) url.Values {
			v := url.Values{}
			for k, vs := range good {
				v[k] = vs
			}
			if value == "" {
				v.Del(key)
			} else {
				v.Set(key, value)
			}
			return v
		}

		tests := []struct {
			name         string
			form         url.Values
			wantStatus   int
			wantContains []string
		}{
			{"NoCSRFToken", with("csrf_token", ""), http.StatusForbidden,
				[]string{"This form expired or did not come from this site.", `value="chief"`}},
			{"WrongCSRFToken", with("csrf_token", "forged"), http.StatusForbidden,
				[]string{"This form expired or did not come from this site."}},
			{"BadEmail", with("email", "not-an-email"), http.StatusBadRequest,
				[]string{"Please enter a valid email address, such as name@example.com.", `value="chief"`, `value="The Chief"`, `id="email-error"`}},
			{"BadLogin", with("login", "no spaces allowed"), http.StatusBadRequest,
				[]string{`id="login-error"`, `value="no spaces allowed"`}},
			{"ShortPassword", with("password", "short"), http.StatusBadRequest,
				[]string{"The password must be at least 8 characters."}},
			{"PasswordsDiffer", with("password_confirm", "another long secret"), http.StatusBadRequest,
				[]string{"The two passwords differ."}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := post(tt.form)
				checkResponse(t, "POST /setup", res, httpCase{wantStatus: tt.wantStatus, wantContains: tt.wantContains})
				if n := len(admins()); n != 0 {
					t.Fatalf("%d administrators after a refused form, want 0", n)
				}
			})
		}

		t.Run("OK", func(t *testing.T) {
			res := post(good)
			checkResponse(t, "POST /setup", res, httpCase{wantStatus: http.StatusOK,
				wantContains: []string{"Your administrator account is ready.", "--author chief"}})
			list := admins()
			if len(list) != 1 {
				t.Fatalf("%d administrators, want 1", len(list))
			}
			u := list[0]
			if u.Login != "chief" || u.Email != "chief@example.com" || u.DisplayName != "The Chief" {
				t.Errorf("administrator = %+v", u)
			}
			if err := password.Check(u.PasswordHash, "a long enough secret"); err != nil {
				t.Errorf("password does not verify: %v", err)
			}
			if err := password.Check(u.PasswordHash, "a wrong secret"); err == nil {
				t.Error("a wrong password verifies")
			}
		})

		t.Run("ClosedAfterwards", func(t *testing.T) {
			checkResponse(t, "GET /setup", do(t, &client, http.MethodGet, s.URL+"/setup", nil, nil),
				httpCase{wantStatus: http.StatusNotFound})
			again := with("login", "intruder")
			checkResponse(t, "POST /setup", post(again), httpCase{wantStatus: http.StatusNotFound})
			if n, err := db.CountUsers(ctx, ""); err != nil || n != 1 {
				t.Errorf("%d users (%v), want 1", n, err)
			}
		})
	}, atFixedNow)
}

// TestTheme serves a site whose theme folder replaces the page view and the
// stylesheet; everything else still comes from the embedded theme.
func TestTheme(t *testing.T) {
	db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
	ada := storetest.MustCreateUser(t, db, "ada", communique.RoleEditor)
	MustCreate(t, db, &communique.Article{Type: communique.TypePage, Title: "About", AuthorID: ada.ID,
		Status: communique.StatusPublished, Source: "About us."}, nil, nil)
	storetest.MustCreateArticle(t, db, ada, "Themed news", "Body.")

	theme := t.TempDir()
	css := "body { color: rebeccapurple; }\n"
	for name, body := range map[string]string{
		"templates/page.html": `{{define "content"}}<article class="themed"><h1>Themed: {{.Article.Title}}</h1>{{trusted .Article.HTML}}</article>{{end}}`,
		"static/style.css":    css,
	} {
		path := filepath.Join(theme, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := MustServe(t, db, theme)
	sum := sha256.Sum256([]byte(css))
	hash := hex.EncodeToString(sum[:])[:12]
	runCases(t, s, []httpCase{
		{name: "OverriddenView", url: "/about/", wantStatus: http.StatusOK,
			wantContains: []string{`<article class="themed"><h1>Themed: About</h1>`, "About us.", `class="site-header"`}},
		{name: "EmbeddedView", url: "/", wantStatus: http.StatusOK,
			wantContains: []string{"Themed news", `href="/static/style.css?v=` + hash + `"`}},
		{name: "OverriddenAsset", url: "/static/style.css?v=" + hash, wantStatus: http.StatusOK,
			wantContains: []string{"rebeccapurple"}},
		{name: "EmbeddedAsset", url: "/static/icon.svg", wantStatus: http.StatusOK, wantContains: []string{"<svg"}},
	})
}

// TestNoThirdPartyURLs checks every URL a page refers to is relative or on
// the site's own host, so reading the site tells nobody else.
func TestNoThirdPartyURLs(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		host := strings.TrimPrefix(n.URL, "http://")
		for _, path := range []string{"/", "/2026/03/14/midnight-story/", "/about/team/", "/category/news/", "/nothing/"} {
			res := n.Get(t, path)
			urls := pageURLs(t, res.Body)
			if len(urls) < 5 {
				t.Fatalf("%s: only %d URLs found, the parser is missing some: %q", path, len(urls), urls)
			}
			for _, raw := range urls {
				u, err := url.Parse(raw)
				if err != nil {
					t.Errorf("%s: bad URL %q: %v", path, raw, err)
					continue
				}
				if u.Host != "" && u.Host != host || u.Scheme != "" && u.Scheme != "http" {
					t.Errorf("%s: third-party URL %q", path, raw)
				}
			}
		}
	}, atFixedNow)
}

// pageURLs returns every URL-valued attribute of an HTML page.
func pageURLs(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "href", "src", "action", "poster", "formaction", "data", "cite":
					urls = append(urls, a.Val)
				case "srcset":
					for _, part := range strings.Split(a.Val, ",") {
						if f := strings.Fields(part); len(f) > 0 {
							urls = append(urls, f[0])
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return urls
}

// TestSetupRace submits the first-run form from several browsers at once:
// /setup may make only one administrator, whoever comes first.
func TestSetupRace(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := MustServe(t, db, "")
		const browsers = 4
		type visitor struct {
			client *http.Client
			token  string
		}
		var visitors []visitor
		for range browsers {
			jar, err := cookiejar.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			c := *s.Client
			c.Jar = jar
			// Four argon2 hashes at once on two busy cores can take a while.
			c.Timeout = time.Minute
			form := do(t, &c, http.MethodGet, s.URL+"/setup", nil, nil)
			m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(form.Body)
			if m == nil {
				t.Fatal("setup form has no CSRF token")
			}
			visitors = append(visitors, visitor{&c, m[1]})
		}
		statuses := make([]int, browsers)
		var wg sync.WaitGroup
		for i, v := range visitors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				form := url.Values{"login": {fmt.Sprintf("admin%d", i)}, "email": {fmt.Sprintf("admin%d@example.com", i)},
					"password": {"a long enough secret"}, "password_confirm": {"a long enough secret"}, "csrf_token": {v.token}}
				req, err := http.NewRequest(http.MethodPost, s.URL+"/setup", strings.NewReader(form.Encode()))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := v.client.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			}()
		}
		wg.Wait()
		role := communique.RoleAdministrator
		admins, err := db.FindUsers(context.Background(), communique.UserFilter{Role: &role})
		if err != nil {
			t.Fatal(err)
		}
		if len(admins) != 1 {
			var logins []string
			for _, u := range admins {
				logins = append(logins, u.Login)
			}
			t.Errorf("%d simultaneous setup forms made %d administrators %q (statuses %v), want exactly 1",
				browsers, len(admins), logins, statuses)
		}
	}, atFixedNow)
}
