package sqlstore

import (
	"context"
	"fmt"
	"time"

	"communique"
)

var _ communique.RateLimitService = (*RateLimits)(nil)

// pruneEvery is how many checks pass between two prunings of old windows.
const pruneEvery = 1000

// rateLimitKeep is how long a window's row outlives its window.
const rateLimitKeep = 24 * time.Hour

// RateLimit counts one event for key in the current window and reports
// whether it stays within limit. One upsert counts and reads: nodes that
// count the same key at once queue on its row, so no event goes uncounted.
// Windows are aligned on multiples of their length since the Unix epoch.
func (db *RateLimits) RateLimit(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if window <= 0 {
		return false, 0, communique.Errorf(communique.EINVALID, "A rate limit needs a window.")
	}
	now := db.Now().UTC()
	start := now.Truncate(window)
	w := db.wr()
	var n int
	err := w.row(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING count`, key, w.t(start)).Scan(&n)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	if db.rateChecks.Add(1)%pruneEvery == 0 {
		db.PruneRateLimits(ctx, now.Add(-rateLimitKeep))
	}
	if n > limit {
		return false, start.Add(window).Sub(now), nil
	}
	return true, 0, nil
}

// PruneRateLimits forgets the windows that started before before, and
// returns how many.
func (db *RateLimits) PruneRateLimits(ctx context.Context, before time.Time) (int, error) {
	w := db.wr()
	res, err := w.exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, w.t(before))
	if err != nil {
		return 0, fmt.Errorf("prune rate limits: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
