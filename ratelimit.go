package communique

import (
	"context"
	"time"
)

// RateLimitService counts events per key (an IP, an account) in fixed
// windows kept in the store, so that every node of a cluster counts
// against the same quota instead of each letting the full rate through.
type RateLimitService interface {
	// RateLimit counts one event for key in the current window of the
	// given length and reports whether it stays within limit; when it does
	// not, retry is how long until the window ends.
	RateLimit(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retry time.Duration, err error)
}
