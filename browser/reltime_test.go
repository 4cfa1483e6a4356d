package browser_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// TestRelativeCommentTimes: the server writes a comment's date
// absolutely, the same for every reader (so the shared page cache
// holds one copy), and the browser rewrites it as a relative time in
// the page's language, keeping the absolute date as its title.
func TestRelativeCommentTimes(t *testing.T) {
	browser := newBrowser(t)
	n := startNewsroom(t, storetest.SQLite.Fresh(t))
	ctx := context.Background()
	art := &communique.Article{Title: "Port bridge reopens", AuthorID: n.Users[communique.RoleEditor].ID, Source: "The bridge is open.",
		Status: communique.StatusPublished, PublishedAt: n.Clock.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(n.DB).Create(ctx, articles.System, art, nil, nil); err != nil {
		t.Fatal(err)
	}
	// The browser reads its own clock: the comments are dated by it.
	recent := &communique.Comment{ArticleID: art.ID, AuthorName: "Ann", AuthorEmail: "ann@mail.example", AuthorIP: "203.0.113.9",
		Text: "Open at last.", HTML: "<p>Open at last.</p>", Status: communique.CommentApproved, CreatedAt: time.Now().Add(-3*time.Minute - 10*time.Second)}
	old := &communique.Comment{ArticleID: art.ID, AuthorName: "Bob", AuthorEmail: "bob@mail.example", AuthorIP: "203.0.113.10",
		Text: "Long ago.", HTML: "<p>Long ago.</p>", Status: communique.CommentApproved, CreatedAt: time.Now().Add(-40 * 24 * time.Hour)}
	for _, c := range []*communique.Comment{recent, old} {
		if err := n.DB.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	path := communique.ArticlePath(art, settings(t, n.DB), nil)
	tab := newTab(t, browser)
	for _, lang := range []struct{ tag, want string }{{"en", "3 minutes ago"}, {"fr", "il y a 3 minutes"}, {"de", "vor 3 Minuten"}} {
		t.Run(lang.tag, func(t *testing.T) {
			if err := n.DB.SetSetting(ctx, "language", lang.tag); err != nil {
				t.Fatal(err)
			}
			res, err := http.Get(n.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(raw), lang.want) || !strings.Contains(string(raw), `<time datetime="`) || !strings.Contains(string(raw), "/static/reltime.js?v=") {
				t.Errorf("the served page should hold absolute dates and the script, not %q", lang.want)
			}
			do(t, tab, chromedp.Navigate(n.URL+path), chromedp.WaitReady(chromedp.CSS(".comment-permalink time[data-absolute]")))
			got := eval[[]map[string]string](t, tab, `[...document.querySelectorAll('.comment-permalink time')].map(e => ({text: e.textContent, title: e.title, datetime: e.getAttribute('datetime')}))`)
			if len(got) != 2 {
				t.Fatalf("%d comment dates: %v", len(got), got)
			}
			var sawRecent, sawOld bool
			for _, g := range got {
				switch {
				case g["text"] == lang.want:
					sawRecent = true
					if g["title"] == "" || g["datetime"] == "" {
						t.Errorf("the relative date lost its absolute one: %v", g)
					}
				case g["title"] == "" && strings.Contains(g["datetime"], old.CreatedAt.UTC().Format("2006-01-02")[:4]):
					sawOld = true // older than a week: stays absolute
				}
			}
			// A change in the thread (a comment arriving live) is
			// answered once, then the page settles: counting mutations
			// for a while finds none.
			quiet := run(t, tab, chromedp.Evaluate[int](`new Promise(done => {
  const section = document.getElementById('comments');
  section.appendChild(document.createElement('span'));
  setTimeout(() => {
    let n = 0;
    const o = new MutationObserver(list => { n += list.length; });
    o.observe(section, {childList: true, subtree: true, characterData: true});
    setTimeout(() => { o.disconnect(); done(n); }, 400);
  }, 200);
})`, chromedp.EvalAwaitPromise))
			if quiet != 0 {
				t.Errorf("the relative dates keep changing the page: %d mutations in 400 ms", quiet)
			}
			if !sawRecent || !sawOld {
				t.Errorf("want %q for the recent comment and the absolute date for the old one; got %v", lang.want, got)
			}
		})
	}
}
