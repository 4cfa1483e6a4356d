package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/internal/testlog"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// fixedNow is the clock of the store and the site in these tests, so
// "scheduled" and "published" never depend on the day the tests run.
var fixedNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// atFixedNow gives every store of these tests the fixed clock.
var atFixedNow = storetest.FixedClock(fixedNow)

// logBuffer collects the server's log so tests can assert that nothing
// was logged as an error.
type logBuffer = testlog.Buffer

// site is a running public site on 127.0.0.1.
type site struct {
	URL    string
	Server *httptest.Server
	Logs   *logBuffer
	// Client does not follow redirects, so tests see every 301.
	Client *http.Client
}

// MustServe builds the public site on db (with themeDir as its theme when
// set) and serves it on a loopback port until the test ends.
func MustServe(tb testing.TB, db *sqlstore.DB, themeDir string) *site {
	tb.Helper()
	logs := &logBuffer{}
	srv, err := web.NewServer(context.Background(), web.Config{
		Store:    db,
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		ThemeDir: themeDir,
	})
	if err != nil {
		tb.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 10 * time.Second
	return &site{URL: ts.URL, Server: ts, Logs: logs, Client: client}
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   string
	URL    string // the final URL after redirects
}

// Do sends a request with the redirect-refusing client.
func (s *site) Do(tb testing.TB, method, path string, body io.Reader, header http.Header) response {
	tb.Helper()
	return do(tb, s.Client, method, s.URL+path, body, header)
}

// Get sends a GET.
func (s *site) Get(tb testing.TB, path string) response {
	tb.Helper()
	return s.Do(tb, http.MethodGet, path, nil, nil)
}

func do(tb testing.TB, client *http.Client, method, url string, body io.Reader, header http.Header) response {
	tb.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b), URL: res.Request.URL.String()}
}

// httpCase is one row of an HTTP table test.
type httpCase struct {
	name         string
	method       string // GET when empty
	url          string
	follow       bool // follow redirects and check the final response
	wantStatus   int
	wantLocation string
	wantContains []string
	wantAbsent   []string
	wantOrder    []string // substrings that must appear in this order
}

// scriptTag matches the start tag of a script element in any case.
var scriptTag = regexp.MustCompile(`(?i)<script\b[^>]*>`)

// runCases runs a table against s. Besides each row's own expectations,
// every response must carry the security headers, never be a 500, never
// contain a script other than the site's own static files (anything else
// was injected), and a 404 must be the friendly page with a way home.
func runCases(t *testing.T, s *site, cases []httpCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			client := s.Client
			if tc.follow {
				c := *s.Client
				c.CheckRedirect = nil
				client = &c
			}
			res := do(t, client, method, s.URL+tc.url, nil, nil)
			checkResponse(t, method+" "+tc.url, res, tc)
		})
	}
}

func checkResponse(t *testing.T, what string, res response, tc httpCase) {
	t.Helper()
	if res.Status != tc.wantStatus {
		t.Errorf("%s: status = %d, want %d\n%s", what, res.Status, tc.wantStatus, excerpt(res.Body))
	}
	if res.Status >= 500 {
		t.Errorf("%s: server error %d", what, res.Status)
	}
	if got := res.Header.Get("Location"); got != tc.wantLocation {
		t.Errorf("%s: Location = %q, want %q", what, got, tc.wantLocation)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("%s: Content-Security-Policy = %q, want default-src 'self'", what, csp)
	}
	if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	for _, tag := range scriptTag.FindAllString(res.Body, -1) {
		// JSON-LD is data, which CSP does not run.
		if !strings.HasPrefix(tag, `<script src="/static/`) && tag != `<script type="application/ld+json">` {
			t.Errorf("%s: page contains a script that is not one of the site's own files: %s", what, tag)
		}
	}
	if res.Status == http.StatusNotFound && strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		for _, want := range []string{"<h1>Page not found</h1>", `href="/"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s: 404 page lacks %q", what, want)
			}
		}
	}
	for _, want := range tc.wantContains {
		if !strings.Contains(res.Body, want) {
			t.Errorf("%s: body lacks %q\n%s", what, want, excerpt(res.Body))
		}
	}
	for _, bad := range tc.wantAbsent {
		if strings.Contains(res.Body, bad) {
			t.Errorf("%s: body contains %q\n%s", what, bad, excerptAround(res.Body, bad))
		}
	}
	rest := res.Body
	for _, want := range tc.wantOrder {
		i := strings.Index(rest, want)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order (want order %q)", what, want, tc.wantOrder)
			break
		}
		rest = rest[i+len(want):]
	}
}

// excerpt returns the part of a page inside <main>, which is what most
// failures are about, shortened.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}

func excerptAround(body, sub string) string {
	i := strings.Index(strings.ToLower(body), strings.ToLower(sub))
	if i < 0 {
		return ""
	}
	return body[max(0, i-200):min(len(body), i+200)]
}

// MustCreate stores an article with its terms.
func MustCreate(tb testing.TB, db *sqlstore.DB, a *communique.Article, cats, tags []*communique.Term) *communique.Article {
	tb.Helper()
	var catIDs, tagIDs []int64
	for _, c := range cats {
		catIDs = append(catIDs, c.ID)
	}
	for _, t := range tags {
		tagIDs = append(tagIDs, t.ID)
	}
	if err := articles.New(db).Create(context.Background(), articles.System, a, catIDs, tagIDs); err != nil {
		tb.Fatalf("create %q: %v", a.Title, err)
	}
	return a
}

// MustCreateTerm stores a term.
func MustCreateTerm(tb testing.TB, db *sqlstore.DB, taxonomy, name string, parent *communique.Term) *communique.Term {
	tb.Helper()
	t := &communique.Term{Taxonomy: taxonomy, Name: name}
	if parent != nil {
		t.ParentID = parent.ID
	}
	if err := db.CreateTerm(context.Background(), t); err != nil {
		tb.Fatalf("create term %q: %v", name, err)
	}
	return t
}

// MustSet stores a setting.
func MustSet(tb testing.TB, db *sqlstore.DB, key, value string) {
	tb.Helper()
	if err := db.SetSetting(context.Background(), key, value); err != nil {
		tb.Fatalf("set %s: %v", key, err)
	}
}
