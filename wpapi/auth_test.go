package wpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/proxy"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestAppPasswords: HTTP Basic with an application password, as
// WordPress clients send it; refusals that never say which part was
// wrong; revocation at once; throttling after repeated failures.
func TestAppPasswords(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		me := func(login, pw string) response {
			t.Helper()
			req, _ := http.NewRequest("GET", a.URL+"/wp-json/wp/v2/users/me", nil)
			req.SetBasicAuth(login, pw)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				n, err := res.Body.Read(buf)
				b.Write(buf[:n])
				if err != nil {
					break
				}
			}
			return response{Status: res.StatusCode, Header: res.Header, Body: b.String()}
		}
		pw := f.Passwords["editor"]
		for name, p := range map[string]string{"AsShown": pw, "WithoutSpaces": strings.ReplaceAll(pw, " ", ""), "ByEmail": pw} {
			login := "editor"
			if name == "ByEmail" {
				login = "editor@example.com"
			}
			if res := me(login, p); res.Status != 200 || !strings.Contains(res.Body, `"name":"Eddie Editor"`) {
				t.Errorf("%s: %d %s", name, res.Status, res.Body)
			}
		}
		apps, _ := db.FindAppPasswords(ctx, f.Users["editor"].ID)
		if len(apps) != 1 || apps[0].LastIP != "127.0.0.1" || !apps[0].LastUsedAt.Equal(fixedNow) {
			t.Errorf("use not recorded: %+v", apps)
		}

		wrong := me("editor", strings.ToUpper(pw))
		unknown := me("nobody", pw)
		ownPassword := me("author", "the author's sign-in password")
		// A read with wrong credentials is served as anonymous, as
		// WordPress serves it: /users/me then needs a user.
		for name, res := range map[string]response{"Wrong": wrong, "UnknownLogin": unknown, "NotAnAppPassword": ownPassword} {
			wantError(t, res, 401, "rest_not_logged_in")
			if res.Body != wrong.Body {
				t.Errorf("%s: %s; every refusal must read the same: %s", name, res.Body, wrong.Body)
			}
		}
		if !strings.HasPrefix(wrong.Header.Get("WWW-Authenticate"), "Basic ") {
			t.Errorf("WWW-Authenticate = %q", wrong.Header.Get("WWW-Authenticate"))
		}
		// A public read is answered as to anybody; a write is refused
		// for the credentials, saying so.
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "nobody", nil, nil); res.Status != 200 || strings.Contains(res.Body, "Council notes") {
			t.Errorf("a read with wrong credentials: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/posts", "nobody", map[string]any{"title": "x"}, nil), 401, "incorrect_password")

		t.Run("Revoked", func(t *testing.T) {
			if res := me("author", f.Passwords["author"]); res.Status != 200 {
				t.Fatalf("before revoking: %d", res.Status)
			}
			apps, _ := db.FindAppPasswords(ctx, f.Users["author"].ID)
			if err := db.DeleteAppPassword(ctx, f.Users["author"].ID, apps[0].ID); err != nil {
				t.Fatal(err)
			}
			wantError(t, me("author", f.Passwords["author"]), 401, "rest_not_logged_in")
		})
		t.Run("RoleGone", func(t *testing.T) {
			// A deleted user's passwords go with them.
			if err := db.DeleteUser(ctx, f.Users["author2"].ID, f.Users["editor"].ID); err != nil {
				t.Fatal(err)
			}
			wantError(t, me("author2", f.Passwords["author2"]), 401, "rest_not_logged_in")
		})
		t.Run("Throttled", func(t *testing.T) {
			f.clock.Add(time.Minute) // a new minute: the checks per IP are counted afresh
			for i := 0; i < 5; i++ {
				wantError(t, me("contrib", "aaaa bbbb cccc dddd eeee ffff"), 401, "rest_not_logged_in")
			}
			// Even the right password waits now, as in the newsroom.
			wantError(t, me("contrib", f.Passwords["contrib"]), 429, "too_many_login_attempts")
			f.clock.Add(16 * time.Minute)
			if res := me("contrib", f.Passwords["contrib"]); res.Status != 200 {
				t.Fatalf("after the window: %d %s", res.Status, res.Body)
			}
		})
		t.Run("ChecksPerIP", func(t *testing.T) {
			// Each check costs argon2, so one IP gets a few in a row,
			// whichever logins it tries.
			var last response
			for i := 0; i < 12 && last.Status != 429; i++ {
				last = me("ghost"+strconv.Itoa(i), "aaaa bbbb cccc dddd eeee ffff")
			}
			wantError(t, last, 429, "rest_too_many_requests")
		})
	})
}

// TestRateLimits: per IP for anonymous callers, per account for the
// others, and a tighter one for anonymous comments.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{AnonymousRate: wpapi.Rate{Burst: 3, PerSecond: 1}, AccountRate: wpapi.Rate{Burst: 4, PerSecond: 1},
			CommentRate: wpapi.Rate{Burst: 1, PerSecond: 0.01}})
		for i := 0; i < 3; i++ {
			if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "", nil, nil); res.Status != 200 {
				t.Fatalf("request %d: %d", i+1, res.Status)
			}
		}
		res := a.do(t, "GET", "/wp-json/wp/v2/posts", "", nil, nil)
		wantError(t, res, 429, "rest_too_many_requests")
		if res.Header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
		// An account has its own budget, spent request by request.
		for i := 0; i < 4; i++ {
			if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "editor", nil, nil); res.Status != 200 {
				t.Fatalf("editor's request %d: %d %s", i+1, res.Status, res.Body)
			}
		}
		wantError(t, a.do(t, "GET", "/wp-json/wp/v2/posts", "editor", nil, nil), 429, "rest_too_many_requests")
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "author", nil, nil); res.Status != 200 {
			t.Fatalf("another account is not limited by the first: %d", res.Status)
		}
		// Time refills the buckets.
		f.clock.Add(2 * time.Second)
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "", nil, nil); res.Status != 200 {
			t.Fatalf("after a pause: %d", res.Status)
		}
		f.clock.Add(time.Minute)
		comment := func(name string) response {
			return a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": f.Articles["bridge"].ID,
				"author_name": name, "author_email": strings.ToLower(name) + "@example.net", "content": "Hello from " + name}, nil)
		}
		if res := comment("Una"); res.Status != 201 {
			t.Fatalf("first comment: %d %s", res.Status, res.Body)
		}
		wantError(t, comment("Ugo"), 429, "rest_too_many_requests")

		t.Run("BehindProxy", func(t *testing.T) {
			// Behind a trusted proxy each reader has their own budget,
			// not the proxy's.
			b := serve(t, f, wpapi.Config{AnonymousRate: wpapi.Rate{Burst: 1, PerSecond: 0.01}})
			ts := httptest.NewServer(proxy.MustParse("loopback").Handler(b.Server.Handler()))
			defer ts.Close()
			b.URL = ts.URL
			from := func(ip string) response {
				return b.do(t, "GET", "/wp-json/wp/v2/posts", "", nil, http.Header{"X-Forwarded-For": {ip}})
			}
			if res := from("198.51.100.1"); res.Status != 200 {
				t.Fatalf("first reader: %d", res.Status)
			}
			wantError(t, from("198.51.100.1"), 429, "rest_too_many_requests")
			if res := from("198.51.100.2"); res.Status != 200 {
				t.Fatalf("second reader behind the same proxy: %d", res.Status)
			}
		})
	})
}

// TestCookieAuth: the newsroom's session cookie signs API requests in
// only with the session's nonce, as WordPress's cookie authentication.
func TestCookieAuth(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		newsroom, err := admin.New(ctx, admin.Config{Store: db, Discussion: f.talk})
		if err != nil {
			t.Fatal(err)
		}
		a := serve(t, f, wpapi.Config{Sessions: newsroom})
		token := "cookie-token-of-the-editor"
		sum := sha256.Sum256([]byte(token))
		if err := db.CreateSession(ctx, &communique.Session{ID: hex.EncodeToString(sum[:]), UserID: f.Users["editor"].ID, ExpiresAt: fixedNow.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		cookie := http.Header{"Cookie": {"communique_session=" + token}}
		res := a.do(t, "GET", "/wp-json/communique/v1/rest-nonce", "", nil, cookie)
		var n struct{ Nonce string }
		json.Unmarshal([]byte(res.Body), &n)
		if res.Status != 200 || n.Nonce == "" {
			t.Fatalf("nonce: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", "/wp-json/communique/v1/rest-nonce", "", nil, nil), 401, "rest_not_logged_in")
		draft := "/wp-json/wp/v2/posts/" + strconv.FormatInt(f.Articles["draft"].ID, 10)
		// The cookie alone is anonymous: another site could make a browser send it.
		wantError(t, a.do(t, "GET", draft, "", nil, cookie), 401, "rest_forbidden")
		with := http.Header{"Cookie": cookie["Cookie"], "X-Wp-Nonce": {n.Nonce}}
		if res := a.do(t, "GET", draft, "", nil, with); res.Status != 200 {
			t.Fatalf("cookie and nonce: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", draft, "", nil, http.Header{"Cookie": cookie["Cookie"], "X-Wp-Nonce": {"0123456789abcdef0123"}}), 403, "rest_cookie_invalid_nonce")
		wantError(t, a.do(t, "GET", draft, "", nil, http.Header{"X-Wp-Nonce": {n.Nonce}}), 403, "rest_cookie_invalid_nonce")
	})
}

// TestDiscovery: the site's pages point to the API; the index lists
// every route, each answering, with what wpapi's discover needs.
func TestDiscovery(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		site := httptest.NewServer(wpapi.Discoverable(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<p>home</p>")) })))
		defer site.Close()
		res, err := http.Get(site.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if want := "<" + site.URL + `/wp-json/>; rel="https://api.w.org/"`; res.Header.Get("Link") != want {
			t.Fatalf("Link = %q, want %q", res.Header.Get("Link"), want)
		}
		var idx struct {
			Namespaces     []string
			Authentication map[string]any
			Routes         map[string]struct {
				Namespace string
				Methods   []string
				Endpoints []struct {
					Methods []string
					Args    map[string]any
				}
			}
		}
		if err := json.Unmarshal([]byte(a.do(t, "GET", "/wp-json/", "", nil, nil).Body), &idx); err != nil {
			t.Fatal(err)
		}
		if idx.Authentication["application-passwords"] == nil || len(idx.Namespaces) == 0 || idx.Namespaces[0] != "wp/v2" {
			t.Fatalf("index: %+v", idx)
		}
		for _, want := range []string{"/wp/v2/posts", "/wp/v2/pages", "/wp/v2/categories", "/wp/v2/tags", "/wp/v2/users", "/wp/v2/comments", "/wp/v2/media", "/wp/v2/search", "/wp/v2/settings"} {
			if _, ok := idx.Routes[want]; !ok {
				t.Errorf("index lacks %s", want)
			}
		}
		group := regexp.MustCompile(`\(\?P<\w+>[^)]*\)`)
		for path, rt := range idx.Routes {
			for _, m := range rt.Methods {
				if m != "GET" {
					continue
				}
				url := "/wp-json" + group.ReplaceAllString(path, "1")
				res := a.do(t, m, url, "admin", nil, nil)
				if strings.Contains(res.Body, "rest_no_route") {
					t.Errorf("%s %s (listed in the index) has no route", m, url)
				}
			}
			for _, e := range rt.Endpoints {
				if e.Methods[0] == "GET" && strings.HasSuffix(path, "/posts") {
					for _, arg := range []string{"per_page", "page", "search", "categories", "tags", "author", "status", "before", "after", "orderby", "order"} {
						if e.Args[arg] == nil {
							t.Errorf("%s does not list its %q argument", path, arg)
						}
					}
				}
			}
		}
	})
}
