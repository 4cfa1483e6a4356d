package browser_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/admin"
	"communique/analytics"
	"communique/password"
	"communique/storetest"
	"communique/web"
)

// chromeUA is a reader's browser: headless Chromium says it is headless,
// which the counter rightly takes for a robot.
const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// TestAnalyticsDashboard: a reader in Chromium reads an article and its
// comments (the beacon reaches the counter); the newsroom's dashboard
// then draws its charts at desktop and phone widths, fits the screen, and
// axe-core finds no serious violation, in light and dark.
func TestAnalyticsDashboard(t *testing.T) {
	axe := axeScript(t)
	browser := newBrowser(t)
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
	art := storetest.MustCreateArticle(t, db, editor, "Harbour bridge reopens", "A short article.")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	counter := analytics.New(db, logger)
	siteCtx, stopSite := context.WithCancel(ctx)
	site, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: logger, PageCacheBytes: 1 << 20, Analytics: counter})
	if err != nil {
		t.Fatal(err)
	}
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/", site.Handler())
	ts := serveSite(t, mux, stopSite)
	path := communique.ArticlePath(art, settings(t, db), nil)

	// A week of figures before today's reader.
	today := time.Now().UTC()
	batch := &communique.AnalyticsBatch{Views: map[communique.AnalyticsHit]int64{}, Dims: map[communique.AnalyticsDim]int64{}}
	for d := 1; d < 7; d++ {
		day := today.AddDate(0, 0, -d).Format(time.DateOnly)
		batch.Views[communique.AnalyticsHit{Day: day, Hour: 9, Path: path, Kind: communique.PageArticle, ArticleID: art.ID}] = int64(10 * d)
		batch.Dims[communique.AnalyticsDim{Day: day, Dim: communique.DimSource, Value: "search"}] = int64(d)
	}
	if err := db.FlushAnalytics(ctx, batch); err != nil {
		t.Fatal(err)
	}

	reader := newTab(t, browser)
	if _, err := chromedp.Call(reader, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: chromeUA}); err != nil {
		t.Fatal(err)
	}
	do(t, reader, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.ID("comments")))
	waitFor(t, "the comments beacon", 20*time.Second, func() bool {
		if err := counter.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		rep, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: today.Format(time.DateOnly), To: today.Format(time.DateOnly), ArticleID: art.ID})
		if err != nil {
			t.Fatal(err)
		}
		return rep.Views == 1 && rep.Engagement.Reached == 1
	})

	staff := newTab(t, browser)
	// The injected axe is the test's, not the page's.
	if _, err := chromedp.Call(staff, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	signIn(t, staff, ts.URL, "marta", "/admin/analytics", chromedp.CSS("main h1"))
	viewports := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 375, 740, true}}
	for _, vp := range viewports {
		for _, scheme := range []string{"light", "dark"} {
			if vp.mobile && scheme == "dark" {
				continue // the dark scheme's colours are the desktop's
			}
			t.Run(vp.name+"/"+scheme, func(t *testing.T) {
				opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
				if vp.mobile {
					opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
				}
				setScheme(t, staff, scheme)
				for _, p := range []string{"/admin/analytics?range=7d", fmt.Sprintf("/admin/analytics/articles/%d?range=30d", art.ID)} {
					do(t, staff, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(ts.URL+p), chromedp.WaitVisible(chromedp.CSS(".chart svg")))
					if scheme == "light" && p == "/admin/analytics?range=7d" {
						saveScreenshot(t, "communique-analytics-"+vp.name+".png", run(t, staff, chromedp.FullScreenshot(100)))
					}
					f := eval[chartFacts](t, staff, chartJS)
					wantBars := 7
					if p != "/admin/analytics?range=7d" {
						wantBars = 30
					}
					if f.Bars != wantBars || f.DrawnBars < 6 || f.LinePoints != wantBars {
						t.Errorf("%s: %d bars (%d drawn), %d line points; want %d", p, f.Bars, f.DrawnBars, f.LinePoints, wantBars)
					}
					if f.SVGWidth < 0.7*float64(vp.width) || f.SVGWidth > float64(vp.width) || f.ScrollWidth > f.InnerWidth {
						t.Errorf("%s: chart %vpx wide in a %vpx window (page scrolls to %v)", p, f.SVGWidth, f.InnerWidth, f.ScrollWidth)
					}
					if f.TableRows != wantBars {
						t.Errorf("%s: the chart's table has %d rows, want %d", p, f.TableRows, wantBars)
					}
					checkAxe(t, staff, axe)
				}
			})
		}
	}
}

type chartFacts struct {
	Bars, DrawnBars, LinePoints, TableRows int
	SVGWidth, InnerWidth, ScrollWidth      float64
}

const chartJS = `(() => {
  const svg = document.querySelector('.chart svg');
  const bars = [...svg.querySelectorAll('rect.bar')];
  const line = svg.querySelector('polyline.line');
  return {
    Bars: bars.length,
    DrawnBars: bars.filter(b => b.getBoundingClientRect().height > 0).length,
    LinePoints: line ? line.points.numberOfItems : 0,
    TableRows: document.querySelectorAll('#series tbody tr').length,
    SVGWidth: svg.getBoundingClientRect().width,
    InnerWidth: window.innerWidth,
    ScrollWidth: document.documentElement.scrollWidth,
  };
})()`
