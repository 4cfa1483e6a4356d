package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique/sqlstore"
)

// testRateLimits: a fixed window counts every event of a key, refuses
// past the limit with the time left, starts afresh in the next window,
// and keys do not share counts.
func testRateLimits(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 3, 1, 12, 0, 10, 0, time.UTC))
	for i := 1; i <= 3; i++ {
		if ok, _, err := db.RateLimit(ctx, "ip:192.0.2.1", 3, time.Minute); err != nil || !ok {
			t.Fatalf("event %d: ok = %v, err = %v", i, ok, err)
		}
	}
	ok, retry, err := db.RateLimit(ctx, "ip:192.0.2.1", 3, time.Minute)
	if err != nil || ok || retry != 50*time.Second {
		t.Errorf("fourth event: ok = %v, retry = %v, err = %v; want refused, 50s", ok, retry, err)
	}
	if ok, _, _ := db.RateLimit(ctx, "ip:192.0.2.2", 3, time.Minute); !ok {
		t.Error("another key was refused")
	}
	set(time.Date(2026, 3, 1, 12, 1, 0, 0, time.UTC))
	if ok, _, _ := db.RateLimit(ctx, "ip:192.0.2.1", 3, time.Minute); !ok {
		t.Error("a new window was refused")
	}
	set(time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	if n, err := db.PruneRateLimits(ctx, db.Now().Add(-24*time.Hour)); err != nil || n != 2 {
		t.Errorf("pruned %d, %v; want 2", n, err)
	}
}

// testRateLimitsConcurrent: writers counting one key at once (nodes of a
// cluster) let exactly the limit through.
func testRateLimitsConcurrent(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, err := db.RateLimit(ctx, "user:7", 10, time.Hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 10 {
		t.Errorf("%d of 30 events allowed at once, want 10", n)
	}
}
