package wpapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestSharedLimits runs two API nodes on one PostgreSQL database: with
// SharedLimits they keep to one quota together, where each alone would
// let its own full burst through.
func TestSharedLimits(t *testing.T) {
	ctx := context.Background()
	place := storetest.PostgreSQL.Fresh(t)
	node := func() (*sqlstore.DB, *httptest.Server) {
		db := place.Open(t)
		talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
		api, err := wpapi.New(ctx, wpapi.Config{Store: db, Discussion: talk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			AnonymousRate: wpapi.Rate{Burst: 5, PerSecond: 0.05}, SharedLimits: db})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(api.Handler())
		t.Cleanup(ts.Close)
		return db, ts
	}
	_, a := node()
	_, b := node()
	codes := map[int]int{}
	for i := 0; i < 4; i++ {
		for _, ts := range []*httptest.Server{a, b} {
			res, err := http.Get(ts.URL + "/wp-json/wp/v2/posts")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			codes[res.StatusCode]++
		}
	}
	if codes[http.StatusOK] != 5 || codes[http.StatusTooManyRequests] != 3 {
		t.Fatalf("8 requests over two nodes with a shared burst of 5: %v, want 5 × 200 and 3 × 429", codes)
	}
}
