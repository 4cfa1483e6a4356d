package analytics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"communique"
	"communique/analytics"
	"communique/sqlstore"
	"communique/storetest"
)

// TestManyShapesAddUpExactly sends more differently shaped views (each
// from its own referring site, over two hours) than the counter keeps
// worked out between spills, with comment beacons and bots among them,
// and checks that every count reaches the store exactly, and that the
// referrers stay capped.
func TestManyShapesAddUpExactly(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		author := storetest.MustCreateUser(t, db, "arthur", communique.RoleAuthor)
		art := storetest.MustCreateArticle(t, db, author, "Harbour reopens", "Text.")
		counter := analytics.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		now := time.Date(2026, 12, 7, 12, 30, 0, 0, time.UTC)
		counter.Now = func() time.Time { return now }
		const views, readers, reached = 20000, 500, 300
		request := func(i int, ua string) *http.Request {
			r := httptest.NewRequest(http.MethodGet, "/2026/12/07/harbour-reopens/", nil)
			r.RemoteAddr = fmt.Sprintf("198.51.%d.%d:40000", (i%readers)/250, (i%readers)%250)
			r.Header.Set("User-Agent", ua)
			r.Header.Set("Referer", fmt.Sprintf("https://site-%d.example/page", i))
			return r
		}
		for i := range views {
			if i == views/2 {
				now = now.Add(time.Hour) // half in the next hour
			}
			counter.Count(request(i, firefox), http.StatusOK, communique.PageArticle, art.ID)
			if i%10 == 0 { // a crawler now and then: not a reader
				counter.Count(request(i, "Googlebot/2.1 (+http://www.google.com/bot.html)"), http.StatusOK, communique.PageArticle, art.ID)
			}
			if i < reached {
				counter.Reached(request(i, firefox), art.ID)
			}
		}
		if err := counter.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		rep, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: "2026-12-07", To: "2026-12-07", ArticleID: art.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Views != views || rep.Visitors != readers {
			t.Errorf("views %d, visitors %d; want %d and %d", rep.Views, rep.Visitors, views, readers)
		}
		if len(rep.Top) != 1 || rep.Top[0].Entries != views {
			t.Errorf("top = %+v, want one row with %d entries", rep.Top, views)
		}
		hours, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: "2026-12-07", To: "2026-12-07", ArticleID: art.ID, Hourly: true, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		byHour := map[string]int64{}
		for _, p := range hours.Series {
			if p.Views != 0 {
				byHour[p.Label] = p.Views
			}
		}
		if want := map[string]int64{"12:00": views / 2, "13:00": views / 2}; fmt.Sprint(byHour) != fmt.Sprint(want) {
			t.Errorf("views by hour %v, want %v", byHour, want)
		}
		sum := func(dim string) (total int64, values int, other int64) {
			for _, row := range rep.Dims[dim] {
				total += row.Views
				values++
				if row.Value == "(other)" {
					other = row.Views
				}
			}
			return
		}
		if total, _, _ := sum(communique.DimSource); total != views {
			t.Errorf("sources add up to %d, want %d", total, views)
		}
		if total, values, other := sum(communique.DimReferrer); total != views || values > 201 || other != views-200 {
			t.Errorf("referrers: %d views in %d values, %d as (other); want %d in at most 201, %d as (other)", total, values, other, views, views-200)
		}
		if rep.Engagement.Reached != reached {
			t.Errorf("reached the comments: %d, want %d", rep.Engagement.Reached, reached)
		}
	})
}
