package hardening_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	"communique/media"
	"communique/newsroom"
	"communique/notify"
	"communique/password"
	"communique/privacy"
	"communique/sqlstore"
	"communique/web"
	"communique/wpapi"
)

// logBuffer collects the server's log: an ERROR in it is a failure.
type logBuffer = testlog.Buffer

const adminPassword = "correct horse battery staple"

// site is the public site and the newsroom served together, as
// cmd/communique serves them.
type site struct {
	DB    *sqlstore.DB
	URL   string
	Logs  *logBuffer
	Admin *agent // an administrator, signed in through the sign-in form
	// Handler is the site and the newsroom, to serve again (over TLS).
	Handler http.Handler
}

func newSite(t *testing.T, db *sqlstore.DB) *site {
	t.Helper()
	ctx := context.Background()
	hash, err := password.Hash(adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(ctx, &communique.User{Login: "desk", Email: "desk@newsroom.example", Role: communique.RoleAdministrator,
		DisplayName: "The Desk", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	// Every comment goes straight through, so every case reaches the page.
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_max_links": "100",
		"comments_per_page": "500", "posts_per_page": "100", "comment_previously_approved": "false", "spam_threshold": "1"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	notifier, err := notify.New(ctx, db, logger)
	if err != nil {
		t.Fatal(err)
	}
	images, err := media.NewFileStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, Notify: notifier, MediaStorage: images})
	if err != nil {
		t.Fatal(err)
	}
	avatarKey, err := db.Secret(ctx, "avatar", func() string { return "k" })
	if err != nil {
		t.Fatal(err)
	}
	tokenKey, err := db.Secret(ctx, "comment-token", func() string { return "k" })
	if err != nil {
		t.Fatal(err)
	}
	avatars := avatar.New([]byte(avatarKey))
	talk := discussion.New(db, avatars, formtoken.NewSigner([]byte(tokenKey)))
	talk.Notify = notifier
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Discussion: talk, Logger: logger, Privacy: privacy.New(db, avatars),
		Notify: notifier, MediaStorage: images})
	if err != nil {
		t.Fatal(err)
	}
	// The REST API without its rate limits, which would turn the
	// corpus's hundreds of requests into 429s.
	off := wpapi.Rate{Burst: -1}
	api, err := wpapi.New(ctx, wpapi.Config{Store: db, Discussion: talk, Logger: logger, MediaStorage: images, Sessions: newsroom,
		Notify: notifier, AnonymousRate: off, AccountRate: off, CommentRate: off})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/wp-json/", api.Handler())
	mux.Handle("/", wpapi.Discoverable(srv.Handler()))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s := &site{DB: db, URL: ts.URL, Logs: logs, Handler: mux}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "level=ERROR") {
			t.Errorf("the server logged errors:\n%.5000s", logs.String())
		}
	})
	s.Admin = s.agent(t)
	s.Admin.signIn(t, "desk", adminPassword)
	return s
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   string
}

// agent is one browser with its cookies. It does not follow redirects.
type agent struct {
	site   *site
	client *http.Client
	CSRF   string
}

func (s *site) agent(t *testing.T) *agent {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &agent{site: s, client: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request and checks what every answer must be: no server
// error, and headers nothing could be smuggled into.
func (a *agent) do(t *testing.T, method, path string, body io.Reader, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, a.site.URL+path, body)
	if err != nil {
		t.Fatalf("%s %.100q: %v", method, path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("%s %.100q: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode >= 500 {
		t.Errorf("%s %.200q = %d, want no server error", method, path, res.StatusCode)
	}
	for _, p := range headerProblems(res.Header, req.URL.Host) {
		t.Errorf("%s %.200q: %s", method, path, p)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

func (a *agent) get(t *testing.T, path string) response {
	t.Helper()
	return a.do(t, http.MethodGet, path, nil, nil)
}

// post sends a form, with the session's CSRF token unless it has one.
func (a *agent) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	if a.CSRF != "" && form.Get("csrf_token") == "" {
		form.Set("csrf_token", a.CSRF)
	}
	return a.do(t, http.MethodPost, path, strings.NewReader(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

var csrfPattern = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn fills in the sign-in form as a person would.
func (a *agent) signIn(t *testing.T, login, pw string) {
	t.Helper()
	page := a.get(t, "/admin/login")
	m := csrfPattern.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no token on the sign-in form (%d)", page.Status)
	}
	res := a.post(t, "/admin/login", url.Values{"login": {login}, "password": {pw}, "csrf_token": {html.UnescapeString(m[1])}, "next": {"/admin/"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.Status)
	}
	profile := a.get(t, "/admin/profile")
	if m = csrfPattern.FindStringSubmatch(profile.Body); m == nil {
		t.Fatalf("no CSRF token after signing in (%d)", profile.Status)
	}
	a.CSRF = html.UnescapeString(m[1])
}

// checkPage fetches a page and fails the test for anything executable in
// it. what says which case put it there.
func (a *agent) checkPage(t *testing.T, path, what string) response {
	t.Helper()
	res := a.get(t, path)
	if res.Status != http.StatusOK {
		t.Errorf("%s: GET %s = %d, want 200", what, path, res.Status)
	}
	for _, p := range inertProblems(res.Body) {
		t.Errorf("%s: GET %s: %s", what, path, p)
	}
	return res
}

// article creates a published article by the desk.
func (s *site) article(t *testing.T, title string) *communique.Article {
	t.Helper()
	users, err := s.DB.FindUsers(context.Background(), communique.UserFilter{})
	if err != nil || len(users) == 0 {
		t.Fatal(err)
	}
	a := &communique.Article{Title: title, Source: "The body of " + title + ".", AuthorID: users[0].ID, Status: communique.StatusPublished,
		CommentsOpen: true, PublishedAt: time.Now().Add(-time.Hour)}
	if err := newsroom.New(s.DB).Create(context.Background(), newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// path returns an article's public path.
func (s *site) path(t *testing.T, a *communique.Article) string {
	t.Helper()
	values, err := s.DB.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return communique.ArticlePath(a, communique.ParseSettings(values), nil)
}

// caseName names a case in failure messages.
func caseName(field string, i int, p payload) string {
	return fmt.Sprintf("%s case %d (%s)", field, i, p.Name)
}

func htmlUnescape(s string) string { return html.UnescapeString(s) }
