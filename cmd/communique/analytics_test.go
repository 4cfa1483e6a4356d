package main

import (
	"context"
	"net/http"
	"testing"

	"communique"
	"communique/storetest"
)

// TestServeCountsUntilShutdown: serve counts readers on every store, and
// its clean shutdown writes what the counter still held (its flushes run
// every ten seconds; this test stops it sooner).
func TestServeCountsUntilShutdown(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		db := place.Open(t)
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		storetest.MustCreateArticle(t, db, author, "Harbour reopens", "Text.")
		s := startServe(t, nil, place.Flags()...)
		const reads = 5
		for range reads {
			req, err := http.NewRequest(http.MethodGet, s.URL+"/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET / = %d", res.StatusCode)
			}
		}
		if err := s.stop(t); err != nil {
			t.Fatalf("serve returned %v", err)
		}
		var views, visitors int64
		err := db.ReadPool().QueryRowContext(context.Background(),
			`SELECT COALESCE(SUM(CASE WHEN path = '/' THEN views ELSE 0 END), 0), COALESCE(SUM(CASE WHEN path = '*' THEN visitors ELSE 0 END), 0) FROM analytics_days`).Scan(&views, &visitors)
		if err != nil || views != reads || visitors != 1 {
			t.Errorf("after shutdown: %d views, %d visitors (%v); want %d and 1", views, visitors, err, reads)
		}
	})
}
