package analytics

import (
	"context"
	"time"

	"communique"
)

// maxSent bounds the node's memory of visitors it already sent today;
// past it the store's own check (one row per visitor) still counts each
// once.
const maxSent = 1 << 20

// Flush folds the waiting hits and writes the counters to the store. On
// failure the counts are kept for the next flush, so none is lost while
// the store is away.
func (c *Counter) Flush(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.drain(ctx)
	c.aggMu.Lock()
	clear(c.readers) // nobody's address outlives a flush
	c.spill()
	b := c.batch
	c.batch = newBatch()
	if len(c.sent) > maxSent {
		clear(c.sent)
	}
	c.aggMu.Unlock()
	if b.Empty() {
		return nil
	}
	if err := c.store.FlushAnalytics(ctx, b); err != nil {
		c.aggMu.Lock()
		merge(c.batch, b)
		c.aggMu.Unlock()
		return err
	}
	return nil
}

// merge adds b's counts back into into.
func merge(into, b *communique.AnalyticsBatch) {
	for k, n := range b.Views {
		into.Views[k] += n
	}
	for k, n := range b.Entries {
		into.Entries[k] += n
	}
	for k, n := range b.Dims {
		into.Dims[k] += n
	}
	for k, n := range b.Minutes {
		into.Minutes[k] += n
	}
	into.Visitors = append(into.Visitors, b.Visitors...)
}

// LoadSettings reads the analytics settings from the store.
func (c *Counter) LoadSettings(ctx context.Context) error {
	values, err := c.store.Settings(ctx)
	if err != nil {
		return err
	}
	s := communique.ParseSettings(values)
	c.enabled.Store(s.AnalyticsEnabled)
	c.respectGPC.Store(s.AnalyticsRespectGPC)
	c.beacon.Store(s.AnalyticsBeacon)
	c.hourlyDays.Store(int64(s.AnalyticsHourlyDays))
	c.dailyDays.Store(int64(s.AnalyticsDailyDays))
	return nil
}

// RollUp applies the retention settings: hourly counters older than
// analytics_hourly_days go (their days hold the totals), daily ones older
// than analytics_daily_days are folded into months.
func (c *Counter) RollUp(ctx context.Context) error {
	today := c.Now().UTC().Truncate(24 * time.Hour)
	hourly := today.AddDate(0, 0, -int(c.hourlyDays.Load())).Format(time.DateOnly)
	daily := today.AddDate(0, 0, -int(c.dailyDays.Load())).Format(time.DateOnly)
	return c.store.RollUpAnalytics(ctx, hourly, daily)
}

// Run drains every second, flushes every FlushEvery, reads the settings
// and rolls up every hour, until ctx ends; then it flushes what is left
// (a clean shutdown loses nothing) and returns.
func (c *Counter) Run(ctx context.Context) {
	if err := c.LoadSettings(ctx); err != nil {
		c.logger.Warn("analytics settings", "err", err)
	}
	drain := time.NewTicker(time.Second)
	defer drain.Stop()
	flush := time.NewTicker(c.FlushEvery)
	defer flush.Stop()
	hourly := time.NewTicker(time.Hour)
	defer hourly.Stop()
	if err := c.RollUp(ctx); err != nil {
		c.logger.Warn("analytics roll-up", "err", err)
	}
	for {
		select {
		case <-ctx.Done():
			final, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			if err := c.Flush(final); err != nil {
				c.logger.Error("analytics: last flush failed; these counts are lost", "err", err)
			}
			return
		case <-drain.C:
			c.drain(ctx)
		case <-flush.C:
			if err := c.LoadSettings(ctx); err != nil {
				c.logger.Warn("analytics settings", "err", err)
			}
			if err := c.Flush(ctx); err != nil {
				c.logger.Warn("analytics flush", "err", err)
			}
		case <-hourly.C:
			if err := c.RollUp(ctx); err != nil {
				c.logger.Warn("analytics roll-up", "err", err)
			}
		}
	}
}
