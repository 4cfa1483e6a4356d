package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// CacheChannel is the channel the cache triggers notify (see migration
// 0008): its payload is the bumped tag.
const CacheChannel = "communique_cache"

// Listen calls fn for every notification on channel until ctx ends,
// reconnecting after a lost connection, so nodes hear about each other's
// writes within milliseconds instead of at their next poll.
func Listen(ctx context.Context, dsn, channel string, fn func(payload string)) {
	for ctx.Err() == nil {
		err := listenOnce(ctx, dsn, channel, fn)
		if ctx.Err() != nil {
			return
		}
		_ = err // the caller's poll keeps caches right meanwhile
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func listenOnce(ctx context.Context, dsn, channel string, fn func(string)) error {
	conn, err := pgx.Connect(ctx, WithConnectTimeout(dsn))
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	// Anything may have changed while we were not listening.
	fn("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
