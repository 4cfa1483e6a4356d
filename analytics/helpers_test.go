package analytics_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/analytics"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	"communique/newsroom"
	"communique/password"
	"communique/proxy"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
	"communique/wpapi"
)

// clock is a test's time, moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// node is one node of the site as serve builds it: the public site with
// its page cache and counter, the newsroom and the REST API, behind the
// trusted-proxy middleware (readers' addresses come in X-Forwarded-For
// from loopback), on a real listener on 127.0.0.1.
type node struct {
	DB      *sqlstore.DB
	URL     string
	Counter *analytics.Counter
	Logs    *testlog.Buffer
}

func newNode(t *testing.T, place storetest.Place, clk *clock) *node {
	t.Helper()
	ctx := context.Background()
	db := place.Open(t)
	db.Now = clk.Now
	n := &node{DB: db, Logs: &testlog.Buffer{}}
	logger := slog.New(slog.NewTextHandler(n.Logs, nil))
	n.Counter = analytics.New(db, logger)
	n.Counter.Now = clk.Now
	site, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, PageCacheBytes: 4 << 20, Analytics: n.Counter})
	if err != nil {
		t.Fatal(err)
	}
	site.Now = clk.Now
	gen := func() string { return fmt.Sprint(time.Now().UnixNano()) }
	avatarKey, _ := db.Secret(ctx, "avatar", gen)
	tokenKey, _ := db.Secret(ctx, "comment-token", gen)
	talk := discussion.New(db, avatar.New([]byte(avatarKey)), formtoken.NewSigner([]byte(tokenKey)))
	news, err := admin.New(ctx, admin.Config{Store: db, Discussion: talk, Logger: logger, Articles: newsroom.New(db)})
	if err != nil {
		t.Fatal(err)
	}
	news.Now = clk.Now
	api, err := wpapi.New(ctx, wpapi.Config{Store: db, Discussion: talk, Logger: logger, Sessions: news, Articles: newsroom.New(db)})
	if err != nil {
		t.Fatal(err)
	}
	api.Now = clk.Now
	mux := http.NewServeMux()
	mux.Handle("/admin/", news.Handler())
	mux.Handle("/wp-json/", api.Handler())
	mux.Handle("/", site.Handler())
	srv := httptest.NewServer(proxy.MustParse("loopback").Handler(mux))
	n.URL = srv.URL
	t.Cleanup(func() {
		srv.Close()
		if logs := n.Logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("the node logged errors:\n%s", logs)
		}
	})
	return n
}

// reader is a browser: its address, user agent and headers.
type reader struct {
	IP, UA string
	Header map[string]string
}

var (
	firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	chrome  = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
	safari  = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
	bot     = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	feedly  = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)"
)

// answer is what a request got.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

// do sends a request as rd and reads the whole answer.
func (n *node) do(t *testing.T, rd reader, method, path, body string, extra ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, n.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", rd.UA)
	if rd.IP != "" {
		req.Header.Set("X-Forwarded-For", rd.IP)
	}
	for k, v := range rd.Header {
		req.Header.Set(k, v)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// get is do for a GET that must answer want.
func (n *node) get(t *testing.T, rd reader, path string, want int, extra ...string) answer {
	t.Helper()
	a := n.do(t, rd, http.MethodGet, path, "", extra...)
	if a.Status != want {
		t.Fatalf("GET %s as %q: status %d, want %d", path, rd.UA, a.Status, want)
	}
	return a
}

// flush writes what the node counted.
func (n *node) flush(t *testing.T) {
	t.Helper()
	if err := n.Counter.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// user makes a user with the role.
func user(t *testing.T, db *sqlstore.DB, login string, role communique.Role) *communique.User {
	t.Helper()
	return storetest.MustCreateUser(t, db, login, role)
}

// signIn starts a newsroom session for u and returns its cookie header.
func signIn(t *testing.T, db *sqlstore.DB, u *communique.User) string {
	t.Helper()
	token := fmt.Sprintf("token-%d-%d", u.ID, time.Now().UnixNano())
	sum := sha256.Sum256([]byte(token))
	now := db.Now()
	if err := db.CreateSession(context.Background(), &communique.Session{ID: hex.EncodeToString(sum[:]), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return analytics.StaffCookie + "=" + token
}

// appPassword gives u an application password and returns the
// Authorization header that uses it.
func appPassword(t *testing.T, db *sqlstore.DB, u *communique.User) string {
	t.Helper()
	pw := password.NewApplication()
	hash, err := password.Hash(password.NormalizeApplication(pw))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAppPassword(context.Background(), &communique.AppPassword{UserID: u.ID, Name: "script", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.SetBasicAuth(u.Login, pw)
	return req.Header.Get("Authorization")
}

// article publishes an article by u and returns it with its path.
func article(t *testing.T, db *sqlstore.DB, u *communique.User, title string) (*communique.Article, string) {
	t.Helper()
	a := storetest.MustCreateArticle(t, db, u, title, "The body of "+title+".")
	values, err := db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return a, communique.ArticlePath(a, communique.ParseSettings(values), nil)
}
