package sqlstore

import (
	"context"
	"fmt"
	"time"
)

// CacheTagsSince returns the cache tags bumped after since, with their
// versions. Triggers bump them in the same transaction as the change, so a
// node that drops its pages for these tags never serves a change's old
// state after seeing it here.
func (db *core) CacheTagsSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	r := db.r()
	rows, err := r.query(ctx, `SELECT tag, version FROM cache_tags WHERE updated_at > ?`, r.t(since))
	if err != nil {
		return nil, fmt.Errorf("cache tags: %w", err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var tag string
		var v int64
		if err := rows.Scan(&tag, &v); err != nil {
			return nil, err
		}
		m[tag] = v
	}
	return m, rows.Err()
}
