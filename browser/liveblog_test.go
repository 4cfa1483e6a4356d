package browser_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique"
	"communique/admin"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/password"
	"communique/storetest"
	"communique/web"
)

// TestLiveBlog: an editor posts an entry from the live desk's composer in
// one Chromium; a reader's open page in a second Chromium shows it on
// top, within a second of the post's answer and without a reload, and
// announces it politely; axe finds nothing serious on either page.
func TestLiveBlog(t *testing.T) {
	axe := axeScript(t)
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	hash, err := password.Hash(newsroomPassword)
	if err != nil {
		t.Fatal(err)
	}
	editor := &communique.User{Login: "marta", Email: "marta@newsroom.example", Role: communique.RoleEditor, PasswordHash: hash, DisplayName: "Marta"}
	if err := db.CreateUser(ctx, editor); err != nil {
		t.Fatal(err)
	}
	a := &communique.Article{Title: "Storm hits the coast: live", Source: "Follow the storm as it happens.", AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour)}
	svc := articles.New(db)
	if err := svc.Create(ctx, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.StartLiveBlog(ctx, articles.As(editor), a.ID); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddLiveEntry(ctx, articles.As(editor), &communique.LiveEntry{ArticleID: a.ID, Source: "Winds reach 90 km/h at the pier.", KeyEvent: true}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	siteCtx, stop := context.WithCancel(ctx)
	site, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: logger, PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	go site.WatchStore(siteCtx, 5*time.Second) // the desk's own node is told at once, as serve wires it
	svc.Invalidator = site
	talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
	desk, err := admin.New(ctx, admin.Config{Store: db, Discussion: talk, Logger: logger, Articles: svc})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", desk.Handler())
	mux.Handle("/", site.Handler())
	ts := serveSite(t, mux, stop)
	values, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := communique.ArticlePath(a, communique.ParseSettings(values), nil)

	reader, editorTab := newBrowser(t), newBrowser(t)
	do(t, reader, chromedp.Navigate(ts.URL+path), chromedp.WaitReady(chromedp.CSS("#live-entries")))
	eval[bool](t, reader, `window.notReloaded = true`)
	waitFor(t, "the live script to run", 5*time.Second, func() bool {
		return eval[bool](t, reader, `!!document.querySelector('script[data-entries]') && document.readyState === 'complete'`)
	})
	checkAxe(t, reader, axe)

	signIn(t, editorTab, ts.URL, "marta", "/admin/posts/"+strconv.FormatInt(a.ID, 10)+"/live", chromedp.CSS("#entry_source"))
	checkAxe(t, editorTab, axe)
	const text = "The coastguard has rescued two sailors off the north pier."
	do(t, editorTab, chromedp.SendKeys(chromedp.ID("entry_source"), text))
	if _, err := chromedp.RunResponse(editorTab, chromedp.Click(chromedp.CSS(`#live-composer button[type="submit"]`))); err != nil {
		t.Fatal(err)
	}
	posted := time.Now()
	top := `(() => { const e = document.querySelector('#live-entries > .live-entry'); return e ? e.textContent : ''; })()`
	for !containsText(eval[string](t, reader, top), "rescued two sailors") {
		if time.Since(posted) > time.Second {
			t.Fatalf("the reader's page did not show the entry on top within a second")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("the entry appeared in the reader's browser %v after the desk's post was answered", time.Since(posted).Round(time.Millisecond))
	if !eval[bool](t, reader, `window.notReloaded === true`) {
		t.Error("the reader's page was reloaded")
	}
	if n := eval[int](t, reader, `document.querySelectorAll('#live-entries > .live-entry').length`); n != 2 {
		t.Errorf("%d entries on the reader's page, want 2", n)
	}
	waitFor(t, "the announcement", 2*time.Second, func() bool {
		return eval[string](t, reader, `document.getElementById('live-blog-status').textContent`) == "New update."
	})
	if got := eval[string](t, editorTab, `(document.querySelector('.flash') || {}).textContent || ''`); !containsText(got, "Entry posted") {
		t.Errorf("the desk's page after posting says %q", got)
	}
}

func containsText(s, sub string) bool { return strings.Contains(s, sub) }
