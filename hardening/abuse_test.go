package hardening_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// cspDirectives splits a Content-Security-Policy into its directives.
func cspDirectives(policy string) map[string][]string {
	d := map[string][]string{}
	for _, part := range strings.Split(policy, ";") {
		f := strings.Fields(part)
		if len(f) > 0 {
			d[strings.ToLower(f[0])] = f[1:]
		}
	}
	return d
}

// securityHeaderProblems lists what an HTML answer lacks: a policy that
// runs no inline script (except by nonce) and lets no other site frame
// the page, nosniff, a referrer policy, and HSTS exactly when on TLS.
func securityHeaderProblems(h http.Header, tls bool) []string {
	var problems []string
	csp := cspDirectives(h.Get("Content-Security-Policy"))
	scripts, ok := csp["script-src"]
	if !ok {
		scripts, ok = csp["default-src"]
	}
	if !ok {
		problems = append(problems, "no script-src or default-src in the Content-Security-Policy")
	}
	for _, s := range scripts {
		switch strings.ToLower(s) {
		case "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:":
			problems = append(problems, "script-src allows "+s)
		}
	}
	if fa, ok := csp["frame-ancestors"]; !ok || len(fa) == 0 || (fa[0] != "'self'" && fa[0] != "'none'") {
		problems = append(problems, fmt.Sprintf("frame-ancestors is %q", fa))
	}
	if obj := csp["object-src"]; len(obj) == 0 || obj[0] != "'none'" {
		problems = append(problems, fmt.Sprintf("object-src is %q", obj))
	}
	if base := csp["base-uri"]; len(base) == 0 {
		problems = append(problems, "no base-uri")
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		problems = append(problems, "no X-Content-Type-Options: nosniff")
	}
	if h.Get("Referrer-Policy") == "" {
		problems = append(problems, "no Referrer-Policy")
	}
	if hsts := h.Get("Strict-Transport-Security"); tls != (hsts != "") {
		problems = append(problems, fmt.Sprintf("Strict-Transport-Security %q on TLS=%v", hsts, tls))
	}
	return problems
}

// TestSecurityHeaders checks every kind of HTML page of the site and the
// newsroom, served over plain HTTP and over TLS.
func TestSecurityHeaders(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		a := s.article(t, "Headers on every page")
		pages := []struct {
			method, path string
			form         url.Values
			admin        bool
		}{
			{"GET", "/", nil, false},
			{"GET", s.path(t, a), nil, false},
			{"GET", "/no/such/page/", nil, false},
			{"GET", "/search/?s=bridge", nil, false},
			{"GET", "/author/desk/", nil, false},
			{"GET", "/subscriptions/manage", nil, false},
			{"POST", "/comments", url.Values{"comment_post_ID": {"x"}}, false},
			{"GET", "/comments/1/edit", nil, false},
			{"GET", "/admin/login", nil, false},
			{"GET", "/admin/lost-password", nil, false},
			{"GET", "/admin/", nil, true},
			{"GET", "/admin/posts/new", nil, true},
			{"GET", "/admin/comments", nil, true},
			{"GET", "/admin/settings", nil, true},
			{"GET", "/admin/privacy", nil, true},
			{"GET", "/admin/no/such/page", nil, true},
			{"POST", "/admin/posts/new", url.Values{"title": {""}}, true},
		}
		for _, tls := range []bool{false, true} {
			base := s.URL
			client := s.agent(t)
			if tls {
				ts := httptest.NewTLSServer(s.Handler)
				defer ts.Close()
				base = ts.URL
				client.site = &site{URL: ts.URL}
				client.client.Transport = ts.Client().Transport
			}
			admin := s.Admin
			if tls {
				admin = client
				admin.signIn(t, "desk", adminPassword)
			}
			for _, p := range pages {
				a := client
				if p.admin {
					a = admin
				}
				var res response
				if p.method == "POST" {
					res = a.post(t, p.path, p.form)
				} else {
					res = a.get(t, p.path)
				}
				if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
					if res.Status != http.StatusSeeOther {
						t.Errorf("%s %s%s: Content-Type %q", p.method, base, p.path, res.Header.Get("Content-Type"))
					}
					continue
				}
				for _, problem := range securityHeaderProblems(res.Header, tls) {
					t.Errorf("%s %s%s (%d): %s", p.method, base, p.path, res.Status, problem)
				}
				for _, problem := range inertProblems(res.Body) {
					t.Errorf("%s %s%s: %s", p.method, base, p.path, problem)
				}
			}
		}
	}, storetest.Parallel())
}

// tinyPNG is a valid 2×2 image.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload sends a file to the newsroom's media library as a browser
// would, with name as its file name.
func (a *agent) upload(t *testing.T, name string, data []byte, alt string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf_token", a.CSRF)
	w.WriteField("alt", alt)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename="%s"`, strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A").Replace(name))}
	h["Content-Type"] = []string{"application/octet-stream"}
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return a.do(t, http.MethodPost, "/admin/media", &body, http.Header{"Content-Type": {w.FormDataContentType()}})
}

var mediaURL = regexp.MustCompile(`/media/([a-z0-9]+\.(?:png|jpg|gif|webp))`)

// TestUploads: an image is served as an image and nothing else; a file
// that is not one of the four image types is refused, whatever its name
// says; hostile names and alt texts are stored inert.
func TestUploads(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		img := tinyPNG(t)
		t.Run("Refused", func(t *testing.T) {
			for _, tc := range []struct{ name, data string }{
				{"x.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert('XSS-svg')"/>`},
				{"x.html", `<!doctype html><script>alert('XSS-html')</script>`},
				{"x.png", `<script>alert('XSS-png')</script>`},
				{"polyglot.png", string(img[:16]) + `<script>alert('XSS-poly')</script>`},
				{"x.gif", "GIF89a<script>alert('XSS-gif')</script>"},
			} {
				before, _, _ := s.DB.FindMedia(context.Background(), communique.MediaFilter{Limit: 1000})
				res := s.Admin.upload(t, tc.name, []byte(tc.data), "Alt")
				if res.Status/100 != 4 {
					t.Errorf("upload %s: status %d, want 4xx", tc.name, res.Status)
				}
				after, _, _ := s.DB.FindMedia(context.Background(), communique.MediaFilter{Limit: 1000})
				if len(after) != len(before) {
					t.Errorf("upload %s: something was stored", tc.name)
				}
			}
		})
		stored := 0
		for i, p := range corpus {
			res := s.Admin.upload(t, p.Text, img, p.Text)
			if res.Status != http.StatusSeeOther && res.Status/100 != 4 {
				t.Errorf("%s: status %d", caseName("upload", i, p), res.Status)
			}
			if res.Status == http.StatusSeeOther {
				stored++
				s.Admin.checkPage(t, res.Header.Get("Location"), caseName("upload", i, p))
			}
		}
		t.Logf("%d of %d uploads with hostile names stored", stored, len(corpus))
		page := s.Admin.checkPage(t, "/admin/media", "media library")
		keys := mediaURL.FindAllStringSubmatch(page.Body, -1)
		if len(keys) == 0 {
			t.Fatal("the library shows no image")
		}
		for _, k := range keys[:min(len(keys), 5)] {
			res := s.Admin.get(t, "/media/"+k[1])
			h := res.Header
			if res.Status != http.StatusOK || h.Get("Content-Type") != "image/png" || h.Get("X-Content-Type-Options") != "nosniff" ||
				!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
				t.Errorf("GET /media/%s: %d, type %q, nosniff %q, CSP %q", k[1], res.Status, h.Get("Content-Type"),
					h.Get("X-Content-Type-Options"), h.Get("Content-Security-Policy"))
			}
		}
	}, storetest.Parallel())
}

// TestBodyLimits: a body larger than its form allows is refused with a
// 4xx, read no further than the limit, and never answered with a 500.
func TestBodyLimits(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		a := s.article(t, "Limits")
		big := func(n int) string { return strings.Repeat("a", n) }
		for _, tc := range []struct {
			name, path string
			form       url.Values
			admin      bool
		}{
			{"Comment", "/comments", url.Values{"comment_post_ID": {fmt.Sprint(a.ID)}, "comment": {big(300 << 10)}}, false},
			{"WordPressCommentURL", "/wp-comments-post.php", url.Values{"comment_post_ID": {fmt.Sprint(a.ID)}, "author": {big(300 << 10)}}, false},
			{"SignIn", "/admin/login", url.Values{"login": {big(100 << 10)}}, false},
			{"LostPassword", "/admin/lost-password", url.Values{"login": {big(100 << 10)}}, false},
			{"Editor", "/admin/posts/new", url.Values{"title": {"Big"}, "body": {big(9 << 20)}}, true},
			{"Settings", "/admin/settings", url.Values{"title": {big(9 << 20)}}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				agent := s.agent(t)
				if tc.admin {
					agent = s.Admin
				}
				res := agent.post(t, tc.path, tc.form)
				if res.Status != http.StatusBadRequest && res.Status != http.StatusRequestEntityTooLarge {
					t.Errorf("POST %s with %d bytes: %d, want 400 or 413", tc.path, len(tc.form.Encode()), res.Status)
				}
			})
		}
		t.Run("Upload", func(t *testing.T) {
			// The library takes images up to 20 MiB; the form stops reading
			// a little after that.
			res := s.Admin.upload(t, "huge.png", append(tinyPNG(t), make([]byte, 22<<20)...), "Huge")
			if res.Status != http.StatusBadRequest && res.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("a 22 MiB upload: %d, want 400 or 413", res.Status)
			}
		})
		if total, _, err := s.DB.FindComments(context.Background(), communique.CommentFilter{ArticleID: &a.ID, Limit: 10,
			Status: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam}}); err != nil || len(total) != 0 {
			t.Errorf("an oversized comment was stored (%v)", err)
		}
	}, storetest.Parallel())
}

// tokens hides what differs between two answers by design: form tokens.
var tokens = regexp.MustCompile(`name="(csrf_token|comment_token)" value="[^"]*"`)

// TestNoEnumeration: nothing tells a stranger whether an account exists —
// not the sign-in errors, not their timing, not the lost-password form,
// not author archives.
func TestNoEnumeration(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		ctx := context.Background()
		login := func(who, pw string) (response, time.Duration) {
			a := s.agent(t)
			page := a.get(t, "/admin/login")
			m := csrfPattern.FindStringSubmatch(page.Body)
			if m == nil {
				t.Fatal("no token on the sign-in form")
			}
			start := time.Now()
			res := a.post(t, "/admin/login", url.Values{"login": {who}, "password": {pw}, "csrf_token": {htmlUnescape(m[1])}, "next": {"/admin/"}})
			return res, time.Since(start)
		}
		t.Run("SignInErrors", func(t *testing.T) {
			known, _ := login("desk", "wrong password")
			unknown, _ := login("nobody-here", "wrong password")
			email, _ := login("nobody@mail.example", "wrong password")
			for _, r := range []response{known, unknown, email} {
				if r.Status != known.Status {
					t.Errorf("statuses differ: %d and %d", known.Status, r.Status)
				}
			}
			k := tokens.ReplaceAllString(strings.ReplaceAll(known.Body, `value="desk"`, `value=""`), "")
			u := tokens.ReplaceAllString(strings.ReplaceAll(unknown.Body, `value="nobody-here"`, `value=""`), "")
			if k != u {
				t.Errorf("the sign-in page differs for a known and an unknown login")
			}
		})
		t.Run("SignInTiming", func(t *testing.T) {
			// Unknown logins are checked against a dummy hash, so they
			// cost what a wrong password costs. Medians of a few tries,
			// with a wide margin for a busy machine.
			measure := func(who string) time.Duration {
				var ds []time.Duration
				for i := 0; i < 5; i++ {
					_, d := login(who, fmt.Sprintf("wrong %d", i))
					ds = append(ds, d)
				}
				sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
				return ds[len(ds)/2]
			}
			// Under the throttle (5 per login in 15 minutes), each login
			// is tried five times: known first.
			known, unknown := measure("desk"), measure("nobody-at-all")
			if unknown < known/3 || known < unknown/3 {
				t.Errorf("a wrong password takes %v, an unknown login %v: the difference tells accounts apart", known, unknown)
			}
		})
		t.Run("LostPassword", func(t *testing.T) {
			ask := func(who string) response {
				a := s.agent(t)
				page := a.get(t, "/admin/lost-password")
				m := csrfPattern.FindStringSubmatch(page.Body)
				if m == nil {
					t.Fatal("no token on the lost-password form")
				}
				return a.post(t, "/admin/lost-password", url.Values{"login": {who}, "csrf_token": {htmlUnescape(m[1])}})
			}
			known, unknown := ask("desk@newsroom.example"), ask("nobody@mail.example")
			if known.Status != unknown.Status {
				t.Errorf("statuses differ: %d and %d", known.Status, unknown.Status)
			}
			k := tokens.ReplaceAllString(strings.ReplaceAll(known.Body, "desk@newsroom.example", ""), "")
			u := tokens.ReplaceAllString(strings.ReplaceAll(unknown.Body, "nobody@mail.example", ""), "")
			if k != u {
				t.Errorf("the lost-password answer differs for a known and an unknown address")
			}
		})
		t.Run("AuthorArchives", func(t *testing.T) {
			// desk exists but has published nothing yet: as unknown as nobody.
			reader := s.agent(t)
			desk, nobody := reader.get(t, "/author/desk/"), reader.get(t, "/author/nobody/")
			if desk.Status != http.StatusNotFound || nobody.Status != http.StatusNotFound {
				t.Errorf("author archives: desk %d, nobody %d, want 404 for both", desk.Status, nobody.Status)
			}
			s.article(t, "Now the desk has published")
			if res := reader.get(t, "/author/desk/"); res.Status != http.StatusOK {
				t.Errorf("the archive of an author with an article: %d", res.Status)
			}
			users, _ := s.DB.FindUsers(ctx, communique.UserFilter{})
			if len(users) != 1 {
				t.Errorf("users = %d", len(users))
			}
		})
	}, storetest.Parallel())
}
