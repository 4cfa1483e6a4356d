package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
	"communique/webmention"
)

// TestEmbargoWebmentions: an embargoed article that links to another
// site sends it no Webmention before its time, however often the sender
// runs; once the scheduler publishes it, the next round sends one. On
// both stores (the sender's).
func TestEmbargoWebmentions(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, blogDB *sqlstore.DB) {
		ctx := context.Background()
		loopback := func(srv *web.Server) { srv.Webmention = webmention.NewClient(true) }
		db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
		newNewsroom(t, db)
		news, _ := MustServeServer(t, db, loopback)
		target := news.URL + "/2026/03/14/midnight-story/"

		var mu sync.Mutex
		now := fixedNow
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		blogDB.Now = clock
		blog, blogSrv := MustServeServer(t, blogDB, loopback)
		blogSrv.Now = clock
		MustSet(t, blogDB, "site_url", blog.URL)
		grace := storetest.MustCreateUser(t, blogDB, "grace", communique.RoleEditor)
		a := &communique.Article{Title: "Merger agreed", AuthorID: grace.ID, Status: communique.StatusScheduled,
			PublishedAt: fixedNow.Add(time.Hour), Source: "As [the Communiqué reported](" + target + "), the port will merge."}
		svc := articles.New(blogDB)
		if err := svc.Create(ctx, articles.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		received := func() int {
			list, _, err := db.FindWebmentions(ctx, communique.WebmentionFilter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		for _, at := range []time.Duration{0, 30 * time.Minute, time.Hour - time.Second} {
			mu.Lock()
			now = fixedNow.Add(at)
			mu.Unlock()
			if n, err := svc.PublishDue(ctx); err != nil || n != 0 {
				t.Fatalf("at +%v the scheduler published %d, %v", at, n, err)
			}
			if n, err := blogSrv.SendRecentWebmentions(ctx); err != nil || n != 0 || received() != 0 {
				t.Fatalf("at +%v, before the embargo lifts: sent %d (%v), received %d", at, n, err, received())
			}
		}
		mu.Lock()
		now = fixedNow.Add(time.Hour + time.Second)
		mu.Unlock()
		if n, err := svc.PublishDue(ctx); err != nil || n != 1 {
			t.Fatalf("at its time the scheduler published %d, %v", n, err)
		}
		if n, err := blogSrv.SendRecentWebmentions(ctx); err != nil || n != 1 || received() != 1 {
			t.Fatalf("after the embargo: sent %d (%v), received %d; want 1", n, err, received())
		}
	})
}
