package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"communique/storetest"
)

// answer is one response as a client saw it on the wire: the body as
// sent (compressed or not) and as decoded.
type answer struct {
	status  int
	header  http.Header
	raw     []byte
	decoded string
}

// wireClient asks for exactly the encoding it names and follows no
// redirect, so every answer is seen as it was sent.
var wireClient = &http.Client{
	Timeout:       15 * time.Second,
	Transport:     &http.Transport{DisableCompression: true},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func ask(t *testing.T, method, u, encoding string, header http.Header) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	res, err := wireClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, u, err)
	}
	a := answer{status: res.StatusCode, header: res.Header, raw: raw}
	var r io.Reader = bytes.NewReader(raw)
	switch enc := res.Header.Get("Content-Encoding"); {
	case len(raw) == 0:
	case enc == "gzip":
		if r, err = gzip.NewReader(r); err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
	case enc == "br":
		r = brotli.NewReader(r)
	}
	dec, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s %s: decoding %s: %v", method, u, res.Header.Get("Content-Encoding"), err)
	}
	a.decoded = string(dec)
	return a
}

// formToken is the one part of a page that differs between two renders:
// the reply form's token records when the form was served.
var formToken = regexp.MustCompile(`name="comment_token" value="[^"]*"`)

func comparable(body, host string) string {
	body = strings.ReplaceAll(body, host, "HOST")
	return formToken.ReplaceAllString(body, `name="comment_token" value="…"`)
}

// headVaries lists the headers a HEAD and a GET of the same page may
// differ in: the date, and what depends on bytes that differ between two
// renders of a page with a reply form (see formToken).
var headVaries = map[string]bool{"Date": true}

// publicPaths finds, through the REST API, one URL of each kind of page
// the demo site has, and lists every cached document besides.
func publicPaths(t *testing.T, base string) []string {
	t.Helper()
	first := func(collection string) string {
		t.Helper()
		a := ask(t, http.MethodGet, base+"/wp-json/wp/v2/"+collection+"?per_page=1", "", nil)
		var items []struct {
			Link string `json:"link"`
			Date string `json:"date"`
		}
		if err := json.Unmarshal([]byte(a.decoded), &items); err != nil || len(items) == 0 {
			t.Fatalf("GET /wp-json/wp/v2/%s = %d %q (%v)", collection, a.status, a.decoded, err)
		}
		u, err := url.Parse(items[0].Link)
		if err != nil {
			t.Fatal(err)
		}
		return u.Path
	}
	article := first("posts")
	date := regexp.MustCompile(`^/(\d{4})/(\d{2})/(\d{2})/`).FindStringSubmatch(article)
	if date == nil {
		t.Fatalf("article path %q is not dated", article)
	}
	category := first("categories")
	return []string{
		"/", article, first("pages"), category, first("tags"), first("users"),
		"/" + date[1] + "/", "/" + date[1] + "/" + date[2] + "/", "/" + date[1] + "/" + date[2] + "/" + date[3] + "/",
		"/no-such-page/", "/?s=bridge", "/search?q=bridge",
		"/feed/", "/feed/atom/", "/feed/json/", "/comments/feed/", category + "feed/", article + "feed/",
		"/sitemap.xml", "/sitemap-posts-1.xml", "/sitemap-pages.xml", "/sitemap-categories.xml",
		"/sitemap-tags.xml", "/news-sitemap.xml", "/robots.txt",
		"/wp-json/", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/pages", "/wp-json/wp/v2/categories",
		"/wp-json/wp/v2/tags", "/wp-json/wp/v2/users", "/wp-json/wp/v2/comments",
	}
}

// TestHeadThenGet asks for every kind of page with HEAD before anyone
// has asked with GET, then with GET, on fresh servers (one per encoding)
// over the same store, and compares each answer with the one a server
// that was asked with GET first gave. A HEAD must answer as the GET
// would, headers and length included, and must never leave an empty page
// in a cache for the readers who come after it.
func TestHeadThenGet(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		store := place.Flags()
		mustCLI(t, store, "settings", "set", "comment_min_seconds", "0")
		baseline := startServe(t, nil, append(store, "--demo")...)
		paths := publicPaths(t, baseline.URL)
		id := postComment(t, baseline.URL, paths[1], "Ann Reader", "ann@example.com", "A reply, so the page and feeds show one.")
		mustCLI(t, store, "comment", "approve", strconv.FormatInt(id, 10))
		time.Sleep(300 * time.Millisecond) // the approval reaches the baseline's caches
		if feed := ask(t, http.MethodGet, baseline.URL+"/comments/feed/", "", nil); !strings.Contains(feed.decoded, "Ann Reader") {
			t.Fatalf("the comments feed lacks the approved comment:\n%s", feed.decoded)
		}

		for _, enc := range []string{"", "gzip", "br"} {
			t.Run("encoding="+enc, func(t *testing.T) {
				fresh := startServe(t, nil, store...)
				freshHost := strings.TrimPrefix(fresh.URL, "http://")
				baseHost := strings.TrimPrefix(baseline.URL, "http://")
				for _, p := range paths {
					base := ask(t, http.MethodGet, baseline.URL+p, enc, nil)
					if want := map[bool]int{true: http.StatusNotFound, false: http.StatusOK}[p == "/no-such-page/"]; base.status != want {
						t.Fatalf("GET %s = %d, want %d", p, base.status, want)
					}
					headFirst(t, fresh.URL, p, enc, base, func(s string) string { return comparable(s, freshHost) },
						func(s string) string { return comparable(s, baseHost) })
				}
			})
		}
		t.Run("disconnect", func(t *testing.T) {
			fresh := startServe(t, nil, store...)
			host := strings.TrimPrefix(fresh.URL, "http://")
			for _, p := range paths[:6] {
				abandon(t, host, p)
				base := ask(t, http.MethodGet, baseline.URL+p, "", nil)
				got := ask(t, http.MethodGet, fresh.URL+p, "", nil)
				if got.status != base.status || comparable(got.decoded, host) != comparable(base.decoded, strings.TrimPrefix(baseline.URL, "http://")) {
					t.Errorf("GET %s after a reader left mid-answer = %d, %d bytes; want %d, %d bytes as before",
						p, got.status, len(got.decoded), base.status, len(base.decoded))
				}
			}
		})
	})
}

// headFirst checks one path on a server nobody has asked for it yet.
func headFirst(t *testing.T, site, p, enc string, base answer, norm, normBase func(string) string) {
	t.Helper()
	// A conditional HEAD, then a plain one, before any GET.
	if tag := base.header.Get("ETag"); tag != "" {
		if h := ask(t, http.MethodHead, site+p, enc, http.Header{"If-None-Match": {tag}}); h.status != http.StatusNotModified && h.status != base.status {
			t.Errorf("HEAD %s with If-None-Match (%s) = %d, want 304 or %d", p, enc, h.status, base.status)
		}
	}
	h1 := ask(t, http.MethodHead, site+p, enc, nil)
	g1 := ask(t, http.MethodGet, site+p, enc, nil)
	if len(h1.raw) != 0 {
		t.Errorf("HEAD %s (%s) sent a body of %d bytes", p, enc, len(h1.raw))
	}
	if g1.status != base.status || h1.status != base.status {
		t.Errorf("%s (%s): HEAD %d then GET %d; a GET first gave %d", p, enc, h1.status, g1.status, base.status)
	}
	if base.status == http.StatusOK && len(g1.decoded) == 0 {
		t.Fatalf("GET %s (%s) after a HEAD is an empty page (Content-Length %q, X-Cache %q)",
			p, enc, g1.header.Get("Content-Length"), g1.header.Get("X-Cache"))
	}
	if got, want := norm(g1.decoded), normBase(base.decoded); got != want {
		t.Errorf("GET %s (%s) after a HEAD differs from a GET first:\n%s", p, enc, firstDifference(got, want))
	}
	if x := g1.header.Get("X-Cache"); x == "HIT" {
		t.Errorf("GET %s (%s) after a HEAD was a cache hit: the HEAD filled the cache", p, enc)
	}
	sameHeaders(t, "first HEAD", p, enc, h1, g1, formToken.MatchString(g1.decoded))
	checkLength(t, "GET", p, enc, g1)

	// Asked again, a cached page comes from the cache: HEAD and GET alike.
	g2 := ask(t, http.MethodGet, site+p, enc, nil)
	h2 := ask(t, http.MethodHead, site+p, enc, nil)
	if g2.header.Get("X-Cache") == "HIT" {
		sameHeaders(t, "cached HEAD", p, enc, h2, g2, false)
		if norm(g2.decoded) != normBase(base.decoded) {
			t.Errorf("cached GET %s (%s) differs from a GET first", p, enc)
		}
	}
	checkLength(t, "GET", p, enc, g2)
	if tag := g2.header.Get("ETag"); tag != "" && g2.status == http.StatusOK {
		for _, method := range []string{http.MethodHead, http.MethodGet} {
			c := ask(t, method, site+p, enc, http.Header{"If-None-Match": {tag}})
			if c.status != http.StatusNotModified || len(c.raw) != 0 {
				t.Errorf("%s %s (%s) with If-None-Match %s = %d with %d bytes, want 304 and none", method, p, enc, tag, c.status, len(c.raw))
			}
		}
	}
}

// sameHeaders compares a HEAD's headers with the GET's. When the two were
// rendered separately and the page holds a form token, the compressed
// length may differ by a few bytes, and the ETag with it.
func sameHeaders(t *testing.T, what, p, enc string, head, get answer, rendersDiffer bool) {
	t.Helper()
	names := map[string]bool{}
	for k := range head.header {
		names[k] = true
	}
	for k := range get.header {
		names[k] = true
	}
	for k := range names {
		if headVaries[k] || (rendersDiffer && (k == "Etag" || k == "Content-Length")) {
			continue
		}
		if h, g := strings.Join(head.header.Values(k), ", "), strings.Join(get.header.Values(k), ", "); h != g {
			t.Errorf("%s %s (%s): %s is %q, the GET's is %q", what, p, enc, k, h, g)
		}
	}
	if rendersDiffer {
		hl, herr := strconv.Atoi(head.header.Get("Content-Length"))
		gl, gerr := strconv.Atoi(get.header.Get("Content-Length"))
		if herr != nil || gerr != nil {
			t.Errorf("%s %s (%s): Content-Length %q, GET's %q", what, p, enc, head.header.Get("Content-Length"), get.header.Get("Content-Length"))
		} else if d := hl - gl; (enc == "" && d != 0) || d < -32 || d > 32 {
			t.Errorf("%s %s (%s): Content-Length %d, the GET's %d", what, p, enc, hl, gl)
		}
	}
}

// checkLength: a declared length is the length sent.
func checkLength(t *testing.T, what, p, enc string, a answer) {
	t.Helper()
	if cl := a.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(a.raw)) {
		t.Errorf("%s %s (%s): Content-Length %s but %d bytes came", what, p, enc, cl, len(a.raw))
	}
}

// abandon asks for a page and hangs up after the first bytes of the
// answer, as a reader who closes the tab does.
func abandon(t *testing.T, host, p string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: gzip\r\n\r\n", p, host)
	buf := make([]byte, 64)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatalf("GET %s: %v", p, err)
	}
}
