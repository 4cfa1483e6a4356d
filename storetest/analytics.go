package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// hitOn is a page view key for tests.
func hitOn(day string, hour int, path string, kind communique.PageKind, id int64) communique.AnalyticsHit {
	return communique.AnalyticsHit{Day: day, Hour: hour, Path: path, Kind: kind, ArticleID: id}
}

func emptyBatch() *communique.AnalyticsBatch {
	return &communique.AnalyticsBatch{Views: map[communique.AnalyticsHit]int64{}, Entries: map[communique.AnalyticsHit]int64{},
		Dims: map[communique.AnalyticsDim]int64{}, Minutes: map[time.Time]int64{}}
}

// testAnalyticsSalt: one salt per day whoever asks first; the next day's
// request deletes it with the day's visitor hashes.
func testAnalyticsSalt(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	first, err := db.DailySalt(ctx, "2026-12-06", func() string { return "salt-a" })
	if err != nil {
		t.Fatal(err)
	}
	again, err := db.DailySalt(ctx, "2026-12-06", func() string { return "salt-b" })
	if err != nil || first != "salt-a" || again != "salt-a" {
		t.Fatalf("salts = %q, %q (%v), want the first one twice", first, again, err)
	}
	b := emptyBatch()
	b.Visitors = []communique.AnalyticsVisitor{{AnalyticsHit: hitOn("2026-12-06", 9, "/a/", communique.PageArticle, 0), Hash: "h1"}}
	if err := db.FlushAnalytics(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DailySalt(ctx, "2026-12-07", func() string { return "salt-c" }); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"analytics_salts": 1, "analytics_seen": 0} {
		if n := tableRows(t, db, table); n != want {
			t.Errorf("%s holds %d rows after the next day's salt, want %d", table, n, want)
		}
	}
}

// testAnalyticsFlush: batches add up; a visitor flushed twice (two nodes)
// counts once; the report reads what was written.
func testAnalyticsFlush(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	// The realtime minutes are kept an hour from the store's clock.
	fixedClock(db, time.Date(2026, 12, 7, 10, 20, 0, 0, time.UTC))
	author := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	a := MustCreateArticle(t, db, author, "Counted", "Body.")
	day := "2026-12-07"
	path := "/counted/"
	for node := range 2 {
		b := emptyBatch()
		b.Views[hitOn(day, 9, path, communique.PageArticle, a.ID)] = 3
		b.Views[hitOn(day, 10, path, communique.PageArticle, a.ID)] = 2
		b.Views[hitOn(day, 10, "/", communique.PageArchive, 0)] = 4
		b.Views[hitOn(day, 10, "/feed/", communique.PageFeed, 0)] = 7
		b.Views[hitOn(day, 11, communique.NotFoundPath, communique.PageNotFound, 0)] = 1
		b.Entries[hitOn(day, 9, path, communique.PageArticle, a.ID)] = 2
		b.Dims[communique.AnalyticsDim{Day: day, Dim: communique.DimReferrer, Value: "news.example"}] = 2
		b.Dims[communique.AnalyticsDim{Day: day, ArticleID: a.ID, Dim: communique.DimReached}] = 1
		b.Minutes[time.Date(2026, 12, 7, 10, 5, 0, 0, time.UTC)] = 9
		// Both nodes saw visitor v1; each saw one of its own.
		for _, h := range []string{"v1", fmt.Sprintf("own-%d", node)} {
			b.Visitors = append(b.Visitors, communique.AnalyticsVisitor{AnalyticsHit: hitOn(day, 9, path, communique.PageArticle, a.ID),
				Hash: h, Device: "desktop", Browser: "Firefox"})
		}
		if err := db.FlushAnalytics(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: day, To: day, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Views != 18 || rep.Visitors != 3 || rep.Feed != 14 || rep.NotFound != 2 {
		t.Errorf("site: views %d visitors %d feed %d not found %d, want 18, 3, 14, 2", rep.Views, rep.Visitors, rep.Feed, rep.NotFound)
	}
	if len(rep.Top) != 2 || rep.Top[0].Path != path || rep.Top[0].Views != 10 || rep.Top[0].Visitors != 3 || rep.Top[0].Entries != 4 || rep.Top[0].Title != "Counted" {
		t.Errorf("top = %+v", rep.Top)
	}
	if d := rep.Dims[communique.DimReferrer]; len(d) != 1 || d[0].Value != "news.example" || d[0].Views != 4 {
		t.Errorf("referrers = %+v", d)
	}
	if d := rep.Dims[communique.DimDevice]; len(d) != 1 || d[0].Views != 3 {
		t.Errorf("devices = %+v, want 3 desktop visitors", d)
	}
	hourly, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: day, To: day, Hourly: true, ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(hourly.Series) != 24 || hourly.Series[9].Views != 6 || hourly.Series[10].Views != 4 || hourly.Series[9].Visitors != 3 || hourly.Views != 10 {
		t.Errorf("article by hour: %+v", hourly.Series[8:12])
	}
	if hourly.Engagement.Reached != 2 {
		t.Errorf("reached = %d, want 2", hourly.Engagement.Reached)
	}
	byAuthor, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: day, To: day, AuthorID: author.ID})
	if err != nil || byAuthor.Views != 10 || len(byAuthor.Top) != 1 {
		t.Errorf("author's: %+v (%v), want only the article's 10 views", byAuthor, err)
	}
	recent, err := db.RecentViews(ctx, time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	if err != nil || recent != 18 {
		t.Errorf("recent views = %d (%v), want 18", recent, err)
	}
}

// testAnalyticsSamePath: counts of one path under two kinds in a batch
// (a page that changed what it shows) land on its one row.
func testAnalyticsSamePath(t *testing.T, db *sqlstore.DB) {
	b := emptyBatch()
	b.Views[hitOn("2026-12-07", 9, "/x/", communique.PageArchive, 0)] = 2
	b.Views[hitOn("2026-12-07", 9, "/x/", communique.PageArticle, 7)] = 3
	if err := db.FlushAnalytics(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	var views int64
	if err := db.ReadPool().QueryRowContext(context.Background(), `SELECT views FROM analytics_hours WHERE path = '/x/'`).Scan(&views); err != nil || views != 5 {
		t.Errorf("views = %d (%v), want 5", views, err)
	}
}

// testAnalyticsRollUp: hourly rows go after their days are kept; daily
// rows fold into months with their totals.
func testAnalyticsRollUp(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	b := emptyBatch()
	for _, day := range []string{"2024-01-10", "2024-01-11", "2026-12-07"} {
		b.Views[hitOn(day, 8, "/", communique.PageArchive, 0)] = 5
	}
	if err := db.FlushAnalytics(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.RollUpAnalytics(ctx, "2026-11-07", "2024-12-07"); err != nil {
		t.Fatal(err)
	}
	if err := db.RollUpAnalytics(ctx, "2026-11-07", "2024-12-07"); err != nil {
		t.Fatal(err) // twice: nothing is counted again
	}
	if n := tableRows(t, db, "analytics_hours"); n != 1 {
		t.Errorf("%d hourly rows kept, want 1", n)
	}
	if n := tableRows(t, db, "analytics_days"); n != 1 {
		t.Errorf("%d daily rows kept, want 1", n)
	}
	var month string
	var views int64
	if err := db.ReadPool().QueryRowContext(ctx, `SELECT month, views FROM analytics_months`).Scan(&month, &views); err != nil || month != "2024-01" || views != 10 {
		t.Errorf("month = %q, %d views (%v), want 2024-01 with 10", month, views, err)
	}
}

// testCommentDecisions: a held comment's decision is kept once, for the
// mean moderation time.
func testCommentDecisions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, start)
	author := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	a := MustCreateArticle(t, db, author, "Discussed", "Body.")
	set(start.Add(10 * time.Minute))
	c := &communique.Comment{ArticleID: a.ID, AuthorName: "R", AuthorEmail: "r@mail.example", Text: "Hello", HTML: "<p>Hello</p>", Status: communique.CommentPending}
	if err := db.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	set(start.Add(100 * time.Minute))
	for _, st := range []communique.CommentStatus{communique.CommentApproved, communique.CommentPending, communique.CommentApproved} {
		if err := db.SetCommentStatus(ctx, c.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.AnalyticsReport(ctx, communique.AnalyticsFilter{From: "2026-12-07", To: "2026-12-07", ArticleID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	e := rep.Engagement
	if e.ModerationCount != 1 || e.ModerationWait != 90*time.Minute || e.Comments != 1 {
		t.Errorf("engagement = %+v, want one comment decided after 90 minutes", e)
	}
	if e.FirstComment != 10*time.Minute {
		t.Errorf("time to first comment = %v, want 10m", e.FirstComment)
	}
}

func tableRows(t *testing.T, db *sqlstore.DB, table string) int {
	t.Helper()
	var n int
	if err := db.ReadPool().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
