package browser_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
	"communique/web"
)

// TestLiveThread: a reader's comment posted in one Chromium appears, within
// a second and without a reload, on the article open in a second
// Chromium, and is announced in its polite live region.
func TestLiveThread(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	editor := storetest.MustCreateUser(t, db, "lena", communique.RoleEditor)
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0",
		"comment_previously_approved": "false", "comment_moderation": "false"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	a := &communique.Article{Title: "Storm warning for the coast", Source: "Winds of 90 km/h tonight.", AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	values, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := communique.ArticlePath(a, communique.ParseSettings(values), nil)
	srvCtx, stop := context.WithCancel(ctx)
	srv, err := web.NewServer(srvCtx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	go srv.WatchStore(srvCtx, 500*time.Millisecond)
	ts := serveSite(t, srv.Handler(), stop)

	watcher, poster := newBrowser(t), newBrowser(t)
	do(t, watcher, chromedp.Navigate(ts.URL+path), chromedp.WaitReady(chromedp.CSS("#live-status")))
	eval[bool](t, watcher, `window.notReloaded = true`)
	waitFor(t, "the live script to run", 5*time.Second, func() bool {
		return eval[bool](t, watcher, `!!document.querySelector('script[data-stream]') && document.readyState === 'complete'`)
	})
	const text = "The ferry is still running, I am on it now."
	do(t, poster, chromedp.Navigate(ts.URL+path),
		chromedp.SendKeys(chromedp.CSS("#comment"), text),
		chromedp.SendKeys(chromedp.CSS("#author"), "Live Reader"),
		chromedp.SendKeys(chromedp.CSS("#email"), "live.reader@example.com"))
	if _, err := chromedp.RunResponse(poster, chromedp.Click(chromedp.CSS("#submit"))); err != nil {
		t.Fatal(err)
	}
	posted := time.Now()
	waitFor(t, "the poster's page to show the comment", 5*time.Second, func() bool {
		return eval[bool](t, poster, `document.body.textContent.includes(`+jsString(text)+`)`)
	})
	for !eval[bool](t, watcher, `[...document.querySelectorAll('.comment-list .comment-content')].some(e => e.textContent.includes(`+jsString(text)+`))`) {
		if time.Since(posted) > time.Second {
			t.Fatalf("the second browser did not show the comment within a second")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the comment appeared in the second browser %v after the post was answered", time.Since(posted).Round(time.Millisecond))
	if !eval[bool](t, watcher, `window.notReloaded === true`) {
		t.Error("the page was reloaded")
	}
	waitFor(t, "the announcement", 2*time.Second, func() bool {
		return eval[string](t, watcher, `document.getElementById('live-status').textContent`) == "New comment by Live Reader."
	})
	if got := eval[string](t, watcher, `document.getElementById('live-status').getAttribute('aria-live')`); got != "polite" {
		t.Errorf("live region aria-live = %q", got)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
