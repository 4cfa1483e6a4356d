package wpapi

import (
	"context"
	"math"
	"sync"
	"time"

	"communique"
)

// limiter keeps one token bucket per key (an IP, an account) in memory,
// and, with several nodes, also counts in the store (shared), so the
// cluster as a whole keeps to the quota: Burst events per window of
// Burst/PerSecond seconds.
type limiter struct {
	rate    Rate
	now     func() time.Time
	mu      sync.Mutex
	buckets map[string]*bucket

	shared communique.RateLimitService // nil: this node's count only
	name   string
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds memory: past it, idle buckets (full again) go.
const maxBuckets = 100_000

func newLimiter(rate Rate, now func() time.Time) *limiter {
	return &limiter{rate: rate, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket and, with a shared count, counts
// the event there too (outside the lock: a store round trip must not
// queue every request of the node); it says how long to wait otherwise.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if ok, wait := l.allowLocal(key); !ok {
		return false, wait
	}
	return l.allowShared(key)
}

// allowLocal takes a token from key's bucket, or says how long until one.
func (l *limiter) allowLocal(key string) (bool, time.Duration) {
	if l.rate.Burst < 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: float64(l.rate.Burst), last: now}
		l.buckets[key] = b
	}
	b.refill(now, l.rate)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if l.rate.PerSecond <= 0 {
		return false, time.Hour
	}
	return false, time.Duration((1 - b.tokens) / l.rate.PerSecond * float64(time.Second))
}

func (b *bucket) refill(now time.Time, r Rate) {
	if d := now.Sub(b.last); d > 0 {
		b.tokens = math.Min(float64(r.Burst), b.tokens+d.Seconds()*r.PerSecond)
		b.last = now
	}
}

// sweep forgets buckets that have refilled: they hold nothing a new
// bucket would not.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.refill(now, l.rate); b.tokens >= float64(l.rate.Burst) {
			delete(l.buckets, k)
		}
	}
}

// allowShared counts the event in the store's fixed window. A store that
// cannot answer does not block requests: the local bucket still holds.
func (l *limiter) allowShared(key string) (bool, time.Duration) {
	if l.shared == nil || l.rate.PerSecond <= 0 {
		return true, 0
	}
	window := time.Duration(float64(l.rate.Burst) / l.rate.PerSecond * float64(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	ok, retry, err := l.shared.RateLimit(ctx, l.name+":"+key, l.rate.Burst, window)
	if err != nil {
		return true, 0
	}
	return ok, retry
}
