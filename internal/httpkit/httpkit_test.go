package httpkit_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"communique"
	"communique/discussion"
	"communique/internal/httpkit"
	"communique/internal/testlog"
)

// theme is a small door: a layout, a partial and two pages.
var theme = fstest.MapFS{
	"templates/layout.html":  {Data: []byte(`<title>{{.Title}}</title>{{template "content" .}}{{template "footer" .}}`)},
	"templates/footer.html":  {Data: []byte(`{{define "footer"}}<footer>{{asset "style.css"}}</footer>{{end}}`)},
	"templates/home.html":    {Data: []byte(`{{define "content"}}<h1>Home of {{.Title}}</h1>{{end}}`)},
	"templates/missing.html": {Data: []byte(`{{define "content"}}{{asset "nope.css"}}{{end}}`)},
	"static/style.css":       {Data: []byte("body { color: navy; }\n")},
	"static/app.js":          {Data: []byte("console.log(1)\n")},
}

type page struct{ Title string }

func mustParse(t *testing.T, fsys fstest.MapFS) (*httpkit.Views, *httpkit.Assets) {
	t.Helper()
	assets, err := httpkit.LoadAssets(fsys, "static", "/static/")
	if err != nil {
		t.Fatal(err)
	}
	views, err := httpkit.ParseViews(fsys, template.FuncMap{"asset": assets.URL}, []string{"footer"}, []string{"home", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	return views, assets
}

// serve runs h on a loopback port until the test ends.
func serve(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

type response struct {
	Status int
	Header http.Header
	Body   string
}

func do(t *testing.T, method, url string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

// TestParseViews fails the boot for every view that is missing or broken.
func TestParseViews(t *testing.T) {
	without := func(name string) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range theme {
			if k != name {
				m[k] = v
			}
		}
		return m
	}
	with := func(name, body string) fstest.MapFS {
		m := without(name)
		m[name] = &fstest.MapFile{Data: []byte(body)}
		return m
	}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"OK", theme, ""},
		{"ErrLayoutMissing", without("templates/layout.html"), "view layout"},
		{"ErrPartialMissing", without("templates/footer.html"), "view footer"},
		{"ErrPageMissing", without("templates/home.html"), "view home"},
		{"ErrPageBroken", with("templates/home.html", `{{define "content"}}{{.Title}`), "view home"},
		{"ErrUnknownFunction", with("templates/home.html", `{{define "content"}}{{shout .Title}}{{end}}`), "view home"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := httpkit.ParseViews(tt.fsys, template.FuncMap{"asset": func(string) (string, error) { return "", nil }},
				[]string{"footer"}, []string{"home", "missing"})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}

// TestRender answers whole pages, with their length even to a HEAD, and
// writes nothing when a page fails.
func TestRender(t *testing.T) {
	views, _ := mustParse(t, theme)
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := views.Render(w, r, http.StatusAccepted, r.URL.Query().Get("view"), page{Title: "<Gazette>"}); err != nil {
			http.Error(w, "door's own error page", http.StatusInternalServerError)
		}
	}))
	get := do(t, http.MethodGet, url+"?view=home", nil)
	sum := sha256.Sum256([]byte("body { color: navy; }\n"))
	want := `<title>&lt;Gazette&gt;</title><h1>Home of &lt;Gazette&gt;</h1><footer>/static/style.css?v=` + hex.EncodeToString(sum[:6]) + `</footer>`
	if get.Status != http.StatusAccepted || get.Body != want || get.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET = %d %q %q, want 202 %q", get.Status, get.Header.Get("Content-Type"), get.Body, want)
	}
	head := do(t, http.MethodHead, url+"?view=home", nil)
	if head.Status != http.StatusAccepted || head.Header.Get("Content-Length") != strconv.Itoa(len(want)) || head.Body != "" {
		t.Errorf("HEAD = %d, Content-Length %q, body %q; want 202, %d, none", head.Status, head.Header.Get("Content-Length"), head.Body, len(want))
	}
	for _, view := range []string{"missing", "nosuchview"} {
		res := do(t, http.MethodGet, url+"?view="+view, nil)
		if res.Status != http.StatusInternalServerError || res.Body != "door's own error page\n" {
			t.Errorf("view %s: %d %q; want an error and only the door's page", view, res.Status, res.Body)
		}
	}
}

// TestOverlay serves a theme folder's files over the embedded ones.
func TestOverlay(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"templates/home.html": `{{define "content"}}<h1 class="themed">{{.Title}}</h1>{{end}}`,
		"static/style.css":    "body { color: rebeccapurple; }\n",
		"static/extra.svg":    "<svg/>",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, err := httpkit.NewOverlay(dir, theme)
	if err != nil {
		t.Fatal(err)
	}
	assets, err := httpkit.LoadAssets(fsys, "static", "/static/")
	if err != nil {
		t.Fatal(err)
	}
	views, err := httpkit.ParseViews(fsys, template.FuncMap{"asset": assets.URL}, []string{"footer"}, []string{"home"})
	if err != nil {
		t.Fatal(err)
	}
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := views.Render(w, r, http.StatusOK, "home", page{Title: "Themed"}); err != nil {
			t.Error(err)
		}
	}))
	sum := sha256.Sum256([]byte("body { color: rebeccapurple; }\n"))
	if res := do(t, http.MethodGet, url, nil); !strings.Contains(res.Body, `<h1 class="themed">Themed</h1><footer>/static/style.css?v=`+hex.EncodeToString(sum[:6])) {
		t.Errorf("page = %q, want the theme's view and stylesheet", res.Body)
	}
	for _, name := range []string{"extra.svg", "app.js", "style.css"} {
		if _, err := assets.URL(name); err != nil {
			t.Errorf("asset %s: %v", name, err)
		}
	}

	if fsys, err := httpkit.NewOverlay("", theme); err != nil || fsys == nil {
		t.Errorf("no theme folder: %v, want the embedded files alone", err)
	}
	if _, err := httpkit.NewOverlay(filepath.Join(dir, "static", "extra.svg"), theme); err == nil {
		t.Error("a file as the theme folder was accepted")
	}
	if _, err := httpkit.NewOverlay(filepath.Join(dir, "nowhere"), theme); err == nil {
		t.Error("a missing theme folder was accepted")
	}
}

// TestAssets caches forever only the URL with the current hash.
func TestAssets(t *testing.T) {
	_, assets := mustParse(t, theme)
	mux := http.NewServeMux()
	mux.Handle("GET /static/{name}", assets)
	url := serve(t, mux)
	css, err := assets.URL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	hash := css[strings.Index(css, "?v=")+3:]
	if _, err := assets.URL("nope.css"); err == nil {
		t.Error("URL of a missing asset gave no error")
	}
	tests := []struct {
		name, method, path string
		header             http.Header
		wantStatus         int
		wantType           string
		wantCache          string
		wantBody           string
	}{
		{"Hashed", "GET", css, nil, 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", "body { color: navy; }\n"},
		{"Unhashed", "GET", "/static/style.css", nil, 200, "text/css; charset=utf-8", "public, max-age=300", "body { color: navy; }\n"},
		{"StaleHash", "GET", "/static/style.css?v=000000000000", nil, 200, "text/css; charset=utf-8", "public, max-age=300", "body { color: navy; }\n"},
		{"Script", "GET", "/static/app.js", nil, 200, "text/javascript; charset=utf-8", "public, max-age=300", "console.log(1)\n"},
		{"NotModified", "GET", css, http.Header{"If-None-Match": {`"` + hash + `"`}}, 304, "", "public, max-age=31536000, immutable", ""},
		{"Head", "HEAD", css, nil, 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable", ""},
		{"Missing", "GET", "/static/nope.css", nil, 404, "text/plain; charset=utf-8", "", "404 page not found\n"},
		{"Traversal", "GET", "/static/..%2ftemplates%2fhome.html", nil, 404, "text/plain; charset=utf-8", "", "404 page not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, tt.method, url+tt.path, tt.header)
			if res.Status != tt.wantStatus || res.Header.Get("Content-Type") != tt.wantType ||
				res.Header.Get("Cache-Control") != tt.wantCache || res.Body != tt.wantBody {
				t.Errorf("%s %s = %d, type %q, cache %q, body %q; want %d, %q, %q, %q", tt.method, tt.path, res.Status,
					res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"), res.Body, tt.wantStatus, tt.wantType, tt.wantCache, tt.wantBody)
			}
			if tt.name == "Head" && res.Header.Get("Content-Length") != strconv.Itoa(len("body { color: navy; }\n")) {
				t.Errorf("HEAD Content-Length = %q", res.Header.Get("Content-Length"))
			}
		})
	}
}

// TestStatus is the one table from errors to statuses and messages.
func TestStatus(t *testing.T) {
	secret := errors.New(`pq: relation "wp_secret_7f3a" does not exist`)
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantMsg    string
	}{
		{"Invalid", communique.Errorf(communique.EINVALID, "Title required."), 400, "Title required."},
		{"NotFound", communique.Errorf(communique.ENOTFOUND, "No such article."), 404, "No such article."},
		{"Conflict", communique.Errorf(communique.ECONFLICT, "Slug taken."), 409, "Slug taken."},
		{"Unauthorized", communique.Errorf(communique.EUNAUTHORIZED, "Sign in."), 401, "Sign in."},
		{"Forbidden", communique.Errorf(communique.EFORBIDDEN, "Not yours."), 403, "Not yours."},
		{"Wrapped", fmt.Errorf("save: %w", communique.Errorf(communique.EINVALID, "Bad date.")), 400, "Bad date."},
		{"Internal", communique.Errorf(communique.EINTERNAL, "disk on fire"), 500, httpkit.InternalMessage},
		{"UnknownCode", communique.Errorf("teapot", "short and stout"), 500, httpkit.InternalMessage},
		{"Plain", fmt.Errorf("find article: %w", secret), 500, httpkit.InternalMessage},
		{"RefusedFlood", &discussion.Error{Kind: discussion.KindFlood, Message: "Slow down."}, 429, "Slow down."},
		{"RefusedClosed", &discussion.Error{Kind: discussion.KindClosed, Message: "Closed."}, 403, "Closed."},
		{"RefusedDuplicate", &discussion.Error{Kind: discussion.KindDuplicate, Message: "Said already."}, 409, "Said already."},
		{"RefusedInvalid", &discussion.Error{Kind: discussion.KindInvalid, Message: "Type a comment."}, 400, "Type a comment."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := httpkit.Status(tt.err); got != tt.wantStatus {
				t.Errorf("Status = %d, want %d", got, tt.wantStatus)
			}
			if got := httpkit.Message(tt.err); got != tt.wantMsg {
				t.Errorf("Message = %q, want %q", got, tt.wantMsg)
			}
		})
	}
}

// TestExplain logs an internal error's text and tells the reader nothing
// of it; a reader's mistake is not logged.
func TestExplain(t *testing.T) {
	secret := errors.New(`pq: relation "wp_secret_7f3a" does not exist`)
	for _, tt := range []struct {
		name       string
		err        error
		wantStatus int
		wantLogged bool
	}{
		{"Internal", fmt.Errorf("find: %w", secret), 500, true},
		{"Invalid", communique.Errorf(communique.EINVALID, "Title required."), 400, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testlog.Buffer{}
			e := httpkit.Errors{Logger: slog.New(slog.NewTextHandler(logs, nil)), Door: "test"}
			w := httptest.NewRecorder()
			r := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "/page", nil)
			status, msg, answered := e.Explain(w, r, tt.err)
			if status != tt.wantStatus || answered || strings.Contains(msg, "wp_secret") || w.Body.Len() != 0 {
				t.Errorf("Explain = %d %q answered %v, wrote %q", status, msg, answered, w.Body.String())
			}
			if logged := strings.Contains(logs.String(), "wp_secret_7f3a") && strings.Contains(logs.String(), "level=ERROR"); logged != tt.wantLogged {
				t.Errorf("logged %v, want %v:\n%s", logged, tt.wantLogged, logs.String())
			}
		})
	}
}

// TestHeaders sets each door's security headers, HSTS only over TLS.
func TestHeaders(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	for _, tt := range []struct {
		name     string
		headers  httpkit.Headers
		wantCSP  string // a directive the policy must have
		wantFO   string
		wantNoCC bool // Cache-Control: no-store
	}{
		{"Site", httpkit.SiteHeaders, "frame-ancestors 'self'", "SAMEORIGIN", false},
		{"Newsroom", httpkit.NewsroomHeaders, "frame-ancestors 'none'", "DENY", true},
		{"API", httpkit.APIHeaders, "default-src 'none'", "DENY", false},
	} {
		for _, tls := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/TLS=%v", tt.name, tls), func(t *testing.T) {
				ts := httptest.NewUnstartedServer(tt.headers.Handler(ok))
				if tls {
					ts.StartTLS()
				} else {
					ts.Start()
				}
				defer ts.Close()
				res, err := ts.Client().Get(ts.URL)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				h := res.Header
				if !strings.Contains(h.Get("Content-Security-Policy"), tt.wantCSP) || !strings.Contains(h.Get("Content-Security-Policy"), "object-src 'none'") && tt.name != "API" {
					t.Errorf("Content-Security-Policy = %q, want %q and object-src 'none'", h.Get("Content-Security-Policy"), tt.wantCSP)
				}
				if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != tt.wantFO || h.Get("Referrer-Policy") == "" {
					t.Errorf("nosniff %q, X-Frame-Options %q (want %q), Referrer-Policy %q", h.Get("X-Content-Type-Options"),
						h.Get("X-Frame-Options"), tt.wantFO, h.Get("Referrer-Policy"))
				}
				if got := h.Get("Cache-Control") == "no-store"; got != tt.wantNoCC {
					t.Errorf("Cache-Control = %q", h.Get("Cache-Control"))
				}
				if got := h.Get("Strict-Transport-Security") != ""; got != tls {
					t.Errorf("Strict-Transport-Security = %q over TLS=%v", h.Get("Strict-Transport-Security"), tls)
				}
			})
		}
	}
}

// TestWriteJSON states the length of the JSON, to a HEAD too.
func TestWriteJSON(t *testing.T) {
	url := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v any = map[string]int{"id": 7}
		if r.URL.Query().Has("bad") {
			v = func() {}
		}
		if err := httpkit.WriteJSON(w, http.StatusCreated, v); err != nil {
			http.Error(w, "door's own answer", http.StatusInternalServerError)
		}
	}))
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		res := do(t, method, url, nil)
		wantBody := `{"id":7}`
		if method == http.MethodHead {
			wantBody = ""
		}
		if res.Status != http.StatusCreated || res.Header.Get("Content-Length") != "8" || res.Body != wantBody ||
			res.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
			t.Errorf("%s = %d, Content-Length %q, type %q, body %q", method, res.Status, res.Header.Get("Content-Length"), res.Header.Get("Content-Type"), res.Body)
		}
	}
	if res := do(t, http.MethodGet, url+"?bad", nil); res.Status != http.StatusInternalServerError || res.Body != "door's own answer\n" {
		t.Errorf("unencodable value: %d %q, want only the door's answer", res.Status, res.Body)
	}
}
