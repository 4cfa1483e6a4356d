package browser_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique"
	"communique/internal/chromium"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// newBrowser starts a headless Chromium that makes no requests of its
// own and returns a tab's context; it stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return chromium.Start(t, "browser tests")
}

// do runs actions with a time limit.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes it into T.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// run runs an action that returns a value, with a time limit.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// serveSite serves h on loopback until the test ends. stop, the cancel
// of the site's context, runs first: it ends the live threads' streams
// that open article pages hold, so closing the server does not wait for
// a browser the test has not closed yet.
func serveSite(t *testing.T, h http.Handler, stop context.CancelFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	t.Cleanup(stop) // cleanups run last-in first-out: before Close
	return ts
}

// newsroom is a site with the kind of content a real one has: Markdown
// articles with headings, lists, quotes, tables and a long link, nested
// categories, tags and two pages.
type newsroom struct {
	URL       string
	Article   string // path of the richest article
	ArticleID int64
	Page      string // path of a static page
	DB        *sqlstore.DB
}

func newNewsroom(t *testing.T) *newsroom {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	editor := storetest.MustCreateUser(t, db, "marta", communique.RoleEditor)
	term := func(taxonomy, name string) int64 {
		t.Helper()
		tm, err := db.EnsureTerm(ctx, taxonomy, name)
		if err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	now := time.Now()
	var paths []string
	var ids []int64
	for i, a := range sampleArticles {
		art := &communique.Article{Title: a.title, Source: a.body, AuthorID: editor.ID, Status: communique.StatusPublished,
			PublishedAt: now.Add(-time.Duration(i+1) * 7 * time.Hour), CommentsOpen: true, Sticky: i == 0}
		var tags []int64
		for _, tag := range a.tags {
			tags = append(tags, term(communique.TaxonomyTag, tag))
		}
		if err := articles.New(db).Create(ctx, articles.System, art, []int64{term(communique.TaxonomyCategory, a.category)}, tags); err != nil {
			t.Fatal(err)
		}
		values, err := db.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, communique.ArticlePath(art, communique.ParseSettings(values), nil))
		ids = append(ids, art.ID)
	}
	for i, p := range []struct{ title, body string }{
		{"About", "We are a small, independent newsroom covering the harbour town and its hills.\n\nThis site loads nothing from anyone else."},
		{"Contact", "Write to **newsroom@example.invalid**."},
	} {
		pg := &communique.Article{Type: communique.TypePage, Title: p.title, Source: p.body, AuthorID: editor.ID,
			Status: communique.StatusPublished, MenuOrder: i, PublishedAt: now.Add(-100 * time.Hour)}
		if err := articles.New(db).Create(ctx, articles.System, pg, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	siteCtx, stop := context.WithCancel(ctx)
	srv, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := serveSite(t, srv.Handler(), stop)
	return &newsroom{URL: ts.URL, Article: paths[0], ArticleID: ids[0], Page: "/about/", DB: db}
}

var sampleArticles = []struct {
	title, category, body string
	tags                  []string
}{
	{
		title: "Harbour bridge reopens after two years of repairs", category: "Local",
		tags: []string{"Transport", "Infrastructure"},
		body: `The old harbour bridge opened to traffic again at six this morning, ending twenty-six months of detours for the 14,000 people who cross it each day.

Engineers replaced all 212 deck panels and the two main bearings, which had been found cracked during a routine inspection in the autumn of the year before last. "We took it down to the bones," said the project's lead engineer. "What you drive on now is, for practical purposes, a new bridge on old stone."

## What changes for commuters

- Buses 4 and 11 return to their old routes from Monday.
- The bridge now has a protected cycle lane on its seaward side.
- The weight limit rises from 7.5 to 40 tonnes, so lorries for the port no longer need to pass through the old town.

> "My daughter was born the week it closed. She has never seen it open." — a resident of the north shore

| Month | Crossings | Delays |
|---|---:|---:|
| January | 312,400 | 1,455 |
| February | 298,800 | 1,602 |
| March | 341,000 | 1,918 |

The full engineering report is at https://example.invalid/reports/harbour-bridge/2026/final-inspection-and-load-testing-of-the-rebuilt-deck-panels-and-bearings.pdf for anyone who wants the details.

The council says the work came in 4% under its budget of 38 million. A public walk across the bridge is planned for Sunday afternoon.`,
	},
	{
		title: "Council votes to keep the night library open all year", category: "Politics",
		tags: []string{"Council", "Libraries"},
		body: `After a debate that ran past midnight, the city council voted 23 to 18 to fund the night library's opening hours for another full year.

The library, which stays open until two in the morning from Thursday to Saturday, began as a six-month trial.`,
	},
	{
		title: "Why the river ran green on Tuesday", category: "Science",
		tags: []string{"Environment", "Explainer"},
		body: `Walkers along the river on Tuesday morning found it a bright, almost luminous green. It was a dye test with **fluorescein**, a harmless tracer.`,
	},
}
