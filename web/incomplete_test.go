package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// faultyStore is a real store with one lookup made to fail on demand:
// the way a store fails while a page is being made (a reader gone, a
// deadline passed, a bug).
type faultyStore struct {
	*sqlstore.DB
	mu    sync.Mutex
	match func(communique.ArticleFilter) bool // nil: no fault
	do    func(ctx context.Context) error
}

// failNext makes the next lookup of articles that match fail with what
// do returns; later lookups succeed.
func (s *faultyStore) failNext(match func(communique.ArticleFilter) bool, do func(ctx context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.match, s.do = match, do
}

func (s *faultyStore) FindArticles(ctx context.Context, f communique.ArticleFilter) ([]*communique.Article, int, error) {
	s.mu.Lock()
	var do func(context.Context) error
	if s.match != nil && s.match(f) {
		do, s.match = s.do, nil
	}
	s.mu.Unlock()
	if do != nil {
		if err := do(ctx); err != nil {
			return nil, 0, err
		}
	}
	return s.DB.FindArticles(ctx, f)
}

// previousLookup is the article page's look for the story before it.
func previousLookup(f communique.ArticleFilter) bool { return f.PublishedTo != nil && f.Limit == 1 }

// feedLookup is a feed's look for its articles.
func feedLookup(f communique.ArticleFilter) bool {
	return f.PublishedTo == nil && f.Limit == 10 && !f.SkipTotal
}

// untilDone waits for the request to end (the reader leaves, the deadline
// passes), as a query on a stuck store does.
func untilDone(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		return errors.New("the request never ended")
	}
}

// incompleteSite serves a cached site over a faulty store, with the
// deadline the health gate gives requests, and two stories.
type incompleteSite struct {
	store        *faultyStore
	ts           *httptest.Server
	older, newer string // paths
}

func newIncompleteSite(t *testing.T, db *sqlstore.DB, older, newer *communique.Article, deadline time.Duration) *incompleteSite {
	t.Helper()
	store := &faultyStore{DB: db}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	srv, err := web.NewServer(ctx, web.Config{Store: store, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), deadline)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(ts.Close)
	st := communique.ParseSettings(nil)
	return &incompleteSite{store: store, ts: ts, older: communique.ArticlePath(older, st, nil), newer: communique.ArticlePath(newer, st, nil)}
}

// mustBeWhole asks for the newer story and wants it rendered afresh (the
// failed answer was not kept) and whole (it links to the older one).
func (s *incompleteSite) mustBeWhole(t *testing.T, after string) {
	t.Helper()
	res, body := get(t, s.ts.Client(), s.ts.URL+s.newer, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `rel="prev" href="`+s.older+`"`) {
		t.Errorf("after %s, GET %s = %d without the link to the older story (%d bytes)", after, s.newer, res.StatusCode, len(body))
	}
	if x := res.Header.Get("X-Cache"); x != "MISS" {
		t.Errorf("after %s, GET %s came with X-Cache %q: the failed answer was cached", after, s.newer, x)
	}
	if res, _ := get(t, s.ts.Client(), s.ts.URL+s.newer, nil); res.Header.Get("X-Cache") != "HIT" {
		t.Errorf("after %s, a whole page is not cached (X-Cache %q)", after, res.Header.Get("X-Cache"))
	}
}

// TestIncompleteAnswersAreNotCached makes a page fail part way in each
// way it can, and checks that what was sent then is never served to the
// next reader.
func TestIncompleteAnswersAreNotCached(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		older := MustCreate(t, db, &communique.Article{Title: "The older story", Source: "Yesterday.", AuthorID: author.ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-2 * time.Hour)}, nil, nil)
		newer := MustCreate(t, db, &communique.Article{Title: "The newer story", Source: "Today.", AuthorID: author.ID,
			Status: communique.StatusPublished, PublishedAt: fixedNow.Add(-time.Hour)}, nil, nil)
		newIncompleteSite := func(t *testing.T, deadline time.Duration) *incompleteSite {
			return newIncompleteSite(t, db, older, newer, deadline)
		}
		t.Run("lookup fails", func(t *testing.T) {
			s := newIncompleteSite(t, time.Minute)
			s.store.failNext(previousLookup, func(context.Context) error { return errors.New("disk on fire") })
			res, body := get(t, s.ts.Client(), s.ts.URL+s.newer, nil)
			if res.StatusCode != http.StatusOK || strings.Contains(body, `rel="prev"`) {
				t.Fatalf("with the lookup failing, GET %s = %d, prev link %v", s.newer, res.StatusCode, strings.Contains(body, `rel="prev"`))
			}
			s.mustBeWhole(t, "a failed lookup")
		})
		t.Run("deadline", func(t *testing.T) {
			s := newIncompleteSite(t, 200*time.Millisecond)
			s.store.failNext(previousLookup, untilDone)
			res, _ := get(t, s.ts.Client(), s.ts.URL+s.newer, nil)
			if res.StatusCode == http.StatusOK && res.Header.Get("X-Cache") == "HIT" {
				t.Fatal("a render past its deadline was answered from the cache")
			}
			s.mustBeWhole(t, "a render past its deadline")
		})
		t.Run("reader leaves", func(t *testing.T) {
			s := newIncompleteSite(t, time.Minute)
			entered := make(chan struct{})
			left := make(chan struct{})
			s.store.failNext(previousLookup, func(ctx context.Context) error {
				close(entered)
				err := untilDone(ctx)
				close(left)
				return err
			})
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.ts.URL+s.newer, nil)
			go func() { <-entered; cancel() }()
			if res, err := s.ts.Client().Do(req); err == nil {
				res.Body.Close()
				t.Fatal("the request went through though the reader left")
			}
			<-left
			time.Sleep(50 * time.Millisecond) // the handler finishes its page
			s.mustBeWhole(t, "a reader leaving mid-render")
		})
		t.Run("panic", func(t *testing.T) {
			s := newIncompleteSite(t, time.Minute)
			s.store.failNext(previousLookup, func(context.Context) error { panic("bug in a lookup") })
			if res, _ := get(t, s.ts.Client(), s.ts.URL+s.newer, nil); res.StatusCode != http.StatusInternalServerError {
				t.Errorf("a panic answered %d, want 500", res.StatusCode)
			}
			s.mustBeWhole(t, "a panic")
		})
		t.Run("feed", func(t *testing.T) {
			s := newIncompleteSite(t, time.Minute)
			s.store.failNext(feedLookup, func(context.Context) error { return errors.New("disk on fire") })
			res, body := get(t, s.ts.Client(), s.ts.URL+"/feed/", nil)
			if res.StatusCode == http.StatusOK {
				t.Errorf("a feed whose articles could not be read answered 200 (%d bytes)", len(body))
			}
			res, body = get(t, s.ts.Client(), s.ts.URL+"/feed/", nil)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "The newer story") {
				t.Errorf("next GET /feed/ = %d without the stories (%d bytes)", res.StatusCode, len(body))
			}
		})
		t.Run("HEAD of a feed", func(t *testing.T) {
			s := newIncompleteSite(t, time.Minute)
			head, err := s.ts.Client().Head(s.ts.URL + "/feed/")
			if err != nil {
				t.Fatal(err)
			}
			head.Body.Close()
			// Were the HEAD's document cached, this lookup would not run
			// and the GET would succeed.
			s.store.failNext(feedLookup, func(context.Context) error { return errors.New("disk on fire") })
			if res, _ := get(t, s.ts.Client(), s.ts.URL+"/feed/", nil); res.StatusCode == http.StatusOK {
				t.Error("GET /feed/ after a HEAD came from a cache the HEAD filled")
			}
			res, body := get(t, s.ts.Client(), s.ts.URL+"/feed/", nil)
			if head.StatusCode != http.StatusOK || res.StatusCode != http.StatusOK || head.Header.Get("Content-Length") != res.Header.Get("Content-Length") ||
				head.Header.Get("ETag") != res.Header.Get("ETag") || len(body) == 0 {
				t.Errorf("HEAD /feed/ = %d, %s bytes, ETag %s; GET = %d, %s bytes, ETag %s", head.StatusCode, head.Header.Get("Content-Length"),
					head.Header.Get("ETag"), res.StatusCode, res.Header.Get("Content-Length"), res.Header.Get("ETag"))
			}
		})
	}, atFixedNow)
}
