package httpkit_test

import (
	"context"
	"fmt"
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
	"communique/sqlite"
	"communique/sqlstore"
	"communique/web"
	"communique/wpapi"
)

// secretText is in the error the store fails with: what a query would
// say of the schema, which no reader may see.
const secretText = "wp_secret_7f3a"

// brokenStore is a real store whose article lookups and sign-in checks
// fail as a store with a bug would: with an error that is not an
// application error, so it is internal.
type brokenStore struct {
	*sqlstore.DB
}

var errBroken = fmt.Errorf(`query: pq: relation "%s" does not exist`, secretText)

func (brokenStore) FindArticles(context.Context, communique.ArticleFilter) ([]*communique.Article, int, error) {
	return nil, 0, errBroken
}

func (brokenStore) SigninFailures(context.Context, string, string, time.Time) (communique.SigninFailures, error) {
	return communique.SigninFailures{}, errBroken
}

// TestInternalErrorsStayInTheLog forces an internal store error through
// each door (the site, the newsroom, the REST API) and wants a 500 whose
// body says nothing of the error, while the log has all of it.
func TestInternalErrorsStayInTheLog(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := brokenStore{db}
	logs := &testlog.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))

	site, err := web.NewServer(ctx, web.Config{Store: store, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	talk := discussion.New(store, avatar.New([]byte("avatar key")), formtoken.NewSigner([]byte("token key")))
	newsroom, err := admin.New(ctx, admin.Config{Store: store, Discussion: talk, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	api, err := wpapi.New(ctx, wpapi.Config{Store: store, Discussion: talk, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/wp-json/", api.Handler())
	mux.Handle("/", site.Handler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)

	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	send := func(t *testing.T, method, path string, form url.Values) (*http.Response, string) {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, ts.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}
	// The sign-in form's token, to reach the sign-in check.
	_, login := send(t, http.MethodGet, "/admin/login", nil)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(login)
	if m == nil {
		t.Fatalf("no token in the sign-in form:\n%s", login)
	}

	tests := []struct {
		name     string
		method   string
		path     string
		form     url.Values
		wantType string
	}{
		{"Site", http.MethodGet, "/", nil, "text/html"},
		{"SiteFeed", http.MethodGet, "/feed/", nil, "text/html"},
		{"Newsroom", http.MethodPost, "/admin/login", url.Values{"login": {"desk"}, "password": {"pw"}, "csrf_token": {m[1]}}, "text/html"},
		{"API", http.MethodGet, "/wp-json/wp/v2/posts", nil, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(logs.String())
			res, body := send(t, tt.method, tt.path, tt.form)
			if res.StatusCode != http.StatusInternalServerError || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.wantType) {
				t.Errorf("%s %s = %d %q, want 500 %s", tt.method, tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.wantType)
			}
			if strings.Contains(body, secretText) || strings.Contains(body, "pq:") || strings.Contains(body, "relation") {
				t.Errorf("%s %s: the body shows the internal error:\n%s", tt.method, tt.path, body)
			}
			if len(body) == 0 {
				t.Errorf("%s %s: an empty body, want a message for the reader", tt.method, tt.path)
			}
			logged := logs.String()[before:]
			if !strings.Contains(logged, "level=ERROR") || !strings.Contains(logged, secretText) {
				t.Errorf("%s %s: the log lacks the error:\n%s", tt.method, tt.path, logged)
			}
		})
	}
}
