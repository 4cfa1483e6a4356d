package web_test

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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// cachedSite serves a site with the page cache on and its store watcher
// polling every 100 ms.
func cachedSite(t *testing.T, db *sqlstore.DB) *httptest.Server {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	go srv.WatchStore(ctx, 100*time.Millisecond)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func get(t *testing.T, client *http.Client, u string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// eventually retries check until it passes or two seconds are gone: the
// store watcher is asynchronous by design.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 2 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPageCache(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		// Two handles on one database: the server's and another writer's
		// (the CLI, another node).
		db, other := place.Open(t), place.Open(t)
		for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_moderation": "true"} {
			if err := db.SetSetting(ctx, k, v); err != nil {
				t.Fatal(err)
			}
		}
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Tide tables revised", "The harbour office published new tables.")
		ts := cachedSite(t, db)
		anon := ts.Client()
		articleURL := ts.URL + communique.ArticlePath(a, communique.ParseSettings(nil), nil)

		res, first := get(t, anon, articleURL, nil)
		if res.StatusCode != 200 || res.Header.Get("X-Cache") != "MISS" {
			t.Fatalf("first view: %d X-Cache=%q", res.StatusCode, res.Header.Get("X-Cache"))
		}
		res, second := get(t, anon, articleURL, nil)
		if res.Header.Get("X-Cache") != "HIT" || second != first {
			t.Fatalf("second view: X-Cache=%q, same body %v", res.Header.Get("X-Cache"), second == first)
		}

		t.Run("EncodingsAndETag", func(t *testing.T) {
			tr := &http.Transport{DisableCompression: true}
			raw := &http.Client{Transport: tr}
			res, body := get(t, raw, articleURL, http.Header{"Accept-Encoding": {"gzip, br"}})
			if res.Header.Get("Content-Encoding") != "br" {
				t.Fatalf("Content-Encoding = %q, want br", res.Header.Get("Content-Encoding"))
			}
			plain, err := io.ReadAll(brotli.NewReader(strings.NewReader(body)))
			if err != nil || string(plain) != first {
				t.Fatalf("brotli body differs from the page (err %v)", err)
			}
			res, _ = get(t, raw, articleURL, http.Header{"Accept-Encoding": {"gzip"}})
			if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("gzip variant: %v", res.Header)
			}
			etag := res.Header.Get("ETag")
			res, body = get(t, raw, articleURL, http.Header{"If-None-Match": {etag}})
			if res.StatusCode != http.StatusNotModified || body != "" {
				t.Fatalf("If-None-Match: status %d, body %d bytes", res.StatusCode, len(body))
			}
		})

		// A reader posts a comment; it is held.
		jar, _ := cookiejar.New(nil)
		reader := &http.Client{Jar: jar}
		_, page := get(t, reader, articleURL, nil)
		token := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindStringSubmatch(page)
		if token == nil {
			t.Fatal("no comment token in the form")
		}
		form := url.Values{"comment_post_ID": {itoa(a.ID)}, "comment_token": {token[1]}, "author": {"Nadia"},
			"email": {"nadia@example.org"}, "comment": {"When do the new tables apply?"}, "wp-comment-cookies-consent": {"yes"}}
		res, err := reader.PostForm(ts.URL+"/comments", form)
		if err != nil {
			t.Fatal(err)
		}
		posted, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Request.Method != http.MethodGet {
			msg := regexp.MustCompile(`role="alert"[^>]*>([^<]*)`).FindStringSubmatch(string(posted))
			t.Fatalf("comment POST ended in %d %s: %v", res.StatusCode, res.Request.Method, msg)
		}

		t.Run("ReadYourWrites", func(t *testing.T) {
			_, mine := get(t, reader, articleURL, nil)
			if !strings.Contains(mine, "When do the new tables apply?") || !strings.Contains(mine, "Your comment is awaiting moderation.") {
				t.Fatal("the commenter does not see their held comment on the next load")
			}
			res, theirs := get(t, anon, articleURL, nil)
			if strings.Contains(theirs, "When do the new tables apply?") || strings.Contains(theirs, "Nadia") {
				t.Fatal("another reader sees a held comment")
			}
			_, again := get(t, anon, articleURL, nil)
			if res.Header.Get("X-Cache") == "" || strings.Contains(again, "Nadia") {
				t.Fatal("the commenter's page leaked into the cache")
			}
		})

		t.Run("RememberedNameNeverCached", func(t *testing.T) {
			// The remember-me cookie is set; the reader's pages are
			// rendered for them and never stored.
			u, _ := url.Parse(ts.URL)
			var names []string
			for _, c := range jar.Cookies(u) {
				names = append(names, c.Name)
			}
			if !strings.Contains(strings.Join(names, ","), "comment_author") {
				t.Fatalf("no remember-me cookie after ticking the box: %v", names)
			}
			frontRes, front := get(t, anon, ts.URL+"/", nil)
			if frontRes.StatusCode != 200 || strings.Contains(front, "nadia@example.org") || strings.Contains(front, `value="Nadia"`) {
				t.Fatal("front page shows the remembered commenter to others")
			}
		})

		// Another process approves it: every reader sees it within a second.
		list, _, err := other.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("comments = %v, %v", list, err)
		}
		if err := other.SetCommentStatus(ctx, list[0].ID, communique.CommentApproved); err != nil {
			t.Fatal(err)
		}
		eventually(t, "approved comment shown to anonymous readers", func() bool {
			_, body := get(t, anon, articleURL, nil)
			return strings.Contains(body, "When do the new tables apply?") && !strings.Contains(body, "awaiting moderation")
		})
		eventually(t, "front page comment count", func() bool {
			_, body := get(t, anon, ts.URL+"/", nil)
			return strings.Contains(body, "1 comment")
		})

		// An edit made elsewhere refreshes everything that shows the article.
		title := "Tide tables revised again"
		if _, err := articles.New(other).Update(ctx, articles.System, a.ID, communique.ArticleUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "edited title on the front page", func() bool {
			_, body := get(t, anon, ts.URL+"/", nil)
			return strings.Contains(body, title)
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A burst of readers missing the same page waits for one render (what
// happens when an invalidation comes mid-render: TestFlightSharing).
func TestBurstRendersOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
	warm := storetest.MustCreateArticle(t, db, author, "Warm-up story", "Body.")
	hot := storetest.MustCreateArticle(t, db, author, "Hot story", "Body.")
	for _, a := range []*communique.Article{warm, hot} { // a render long enough for readers to overlap
		for i := range 50 {
			c := &communique.Comment{ArticleID: a.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: "r@example.org",
				Text: "A thought", HTML: "<p>A thought</p>", Status: communique.CommentApproved}
			if err := db.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	ts := cachedSite(t, db)
	st := communique.ParseSettings(nil)
	get(t, ts.Client(), ts.URL+"/", nil) // the site snapshot
	before := db.QueryCount()
	get(t, ts.Client(), ts.URL+communique.ArticlePath(warm, st, nil), nil)
	one := db.QueryCount() - before

	const readers = 16
	burst := func() int64 {
		before := db.QueryCount()
		done := make(chan string, readers)
		start := make(chan struct{})
		for range readers {
			go func() {
				<-start
				res, err := ts.Client().Get(ts.URL + communique.ArticlePath(hot, st, nil))
				if err != nil {
					done <- err.Error()
					return
				}
				res.Body.Close()
				done <- res.Status
			}()
		}
		close(start)
		for range readers {
			if s := <-done; s != "200 OK" {
				t.Fatalf("GET: %s", s)
			}
		}
		return db.QueryCount() - before
	}
	// One render serves them all (without sharing, four or more of the
	// sixteen renders overlap here); the bound leaves room for one more.
	if n := burst(); n > 2*one {
		t.Errorf("a burst of %d readers made %d queries; one render makes %d", readers, n, one)
	}
}
