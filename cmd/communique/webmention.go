package main

import (
	"context"
	"log/slog"
	"time"
)

// webmentionSender is the site's sending of Webmentions.
type webmentionSender interface {
	SendRecentWebmentions(ctx context.Context) (int, error)
}

// sendWebmentions notifies, every interval, the pages that newly
// published articles link to (W3C Webmention). Each link is notified once
// and the store remembers which, so several nodes doing this at once send
// a link at most a few times, which receivers take as an update.
func sendWebmentions(ctx context.Context, s webmentionSender, interval time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n, err := s.SendRecentWebmentions(ctx); err != nil && ctx.Err() == nil {
			logger.Error("send webmentions", "err", err)
		} else if n > 0 {
			logger.Info("sent webmentions", "count", n)
		}
	}
}
