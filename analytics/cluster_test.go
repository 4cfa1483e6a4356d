package analytics_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

// TestTwoNodesAddUp serves one site from two nodes on one database, each
// counting in memory and flushing on its own (the second by its Run loop,
// stopped as serve stops it): the figures add up exactly, a reader seen
// by both nodes is one visitor, and the clean shutdown loses nothing.
func TestTwoNodesAddUp(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		clk := &clock{now: noon}
		one, two := newNode(t, place, clk), newNode(t, place, clk)
		author := user(t, one.DB, "arthur", communique.RoleAuthor)
		_, path := article(t, one.DB, author, "Harbour reopens")
		two.Counter.FlushEvery = time.Hour // only the shutdown flushes
		ctx, stop := context.WithCancel(context.Background())
		ran := make(chan struct{})
		go func() { defer close(ran); two.Counter.Run(ctx) }()
		nodes := [2]*node{one, two}
		const readers, rounds = 30, 3
		for round := range rounds {
			var wg sync.WaitGroup
			for i := range readers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					rd := reader{IP: fmt.Sprintf("198.51.100.%d", i+1), UA: firefox}
					nodes[i%2].get(t, rd, path, 200)
					nodes[(i+1)%2].get(t, rd, "/", 200, "Referer", one.URL+path)
				}()
			}
			wg.Wait()
			if round < rounds-1 {
				// Flushes of both nodes at once, as on a busy cluster.
				var fw sync.WaitGroup
				for _, n := range nodes {
					fw.Add(1)
					go func() { defer fw.Done(); n.flush(t) }()
				}
				fw.Wait()
			}
		}
		one.flush(t)
		stop()
		<-ran
		rep, err := one.DB.AnalyticsReport(context.Background(), communique.AnalyticsFilter{From: "2026-12-07", To: "2026-12-07", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Views != 2*readers*rounds || rep.Visitors != readers {
			t.Errorf("views %d, visitors %d; want %d and %d", rep.Views, rep.Visitors, 2*readers*rounds, readers)
		}
		for _, row := range rep.Top {
			if row.Views != readers*rounds || row.Visitors != readers || (row.Path == path) != (row.Entries == readers*rounds) {
				t.Errorf("%s: %d views, %d visitors, %d entries; want %d, %d and (for the article) %d", row.Path, row.Views, row.Visitors, row.Entries, readers*rounds, readers, readers*rounds)
			}
		}
		if d := rep.Dims[communique.DimBrowser]; len(d) != 1 || d[0].Views != readers {
			t.Errorf("browsers = %+v, want %d Firefox", d, readers)
		}
	})
}
