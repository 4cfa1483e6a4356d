package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"communique"
)

var _ communique.AnalyticsStore = (*Analytics)(nil)

// minuteText is how a minute of the realtime counter is keyed.
const minuteText = "2006-01-02T15:04"

// contentKinds are the kinds that count as readers' page views.
const contentKinds = `('article', 'archive', 'search')`

// DailySalt returns day's salt, creating it with gen if no node has yet,
// and deletes earlier days' salts and visitor hashes: once they are gone,
// nothing links a visitor to one of another day.
func (db *Analytics) DailySalt(ctx context.Context, day string, gen func() string) (string, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO analytics_salts (day, salt) VALUES (?, ?) ON CONFLICT (day) DO NOTHING`, day, gen()); err != nil {
		return "", fmt.Errorf("analytics salt: %w", err)
	}
	var salt string
	if err := w.row(ctx, `SELECT salt FROM analytics_salts WHERE day = ?`, day).Scan(&salt); err != nil {
		return "", fmt.Errorf("analytics salt: %w", err)
	}
	for _, table := range []string{"analytics_salts", "analytics_seen"} {
		if _, err := w.exec(ctx, `DELETE FROM `+table+` WHERE day < ?`, day); err != nil {
			return "", fmt.Errorf("forget old salts: %w", err)
		}
	}
	return salt, tx.Commit()
}

// pageCount is a row of the page counters being added.
type pageCount struct {
	communique.AnalyticsHit
	views, visitors, entries int64
}

// FlushAnalytics adds a node's batch in one transaction. Rows are written
// in key order, so two nodes flushing at once on PostgreSQL wait for each
// other rather than deadlock.
func (db *Analytics) FlushAnalytics(ctx context.Context, b *communique.AnalyticsBatch) error {
	if b.Empty() {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	pages := map[communique.AnalyticsHit]*pageCount{}
	page := func(h communique.AnalyticsHit) *pageCount {
		if pages[h] == nil {
			pages[h] = &pageCount{AnalyticsHit: h}
		}
		return pages[h]
	}
	dims := map[communique.AnalyticsDim]int64{}
	for k, n := range b.Dims {
		dims[k] += n
	}
	if err := tx.countVisitors(ctx, b.Visitors, page, dims); err != nil {
		return err
	}
	for h, n := range b.Views {
		page(h).views += n
	}
	for h, n := range b.Entries {
		page(h).entries += n
	}
	if err := tx.upsertPages(ctx, pages); err != nil {
		return err
	}
	if err := tx.upsertDims(ctx, dims); err != nil {
		return err
	}
	if err := tx.upsertMinutes(ctx, b.Minutes); err != nil {
		return err
	}
	return tx.Commit()
}

// flushChunk is how many rows one statement writes: a flush of ten
// seconds of a busy site is a few statements, not thousands.
const flushChunk = 250

// valuesList is "(?, ?), (?, ?)" for rows of n columns.
func valuesList(rows, n int) string {
	one := "(" + Placeholders(n) + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// inChunks calls fn with successive slices of at most flushChunk items.
func inChunks[T any](items []T, fn func([]T) error) error {
	for len(items) > 0 {
		n := min(len(items), flushChunk)
		if err := fn(items[:n]); err != nil {
			return err
		}
		items = items[n:]
	}
	return nil
}

// countVisitors records each visitor's hash for the site and the path; a
// hash any node recorded already that day is not counted again.
func (tx *Tx) countVisitors(ctx context.Context, vs []communique.AnalyticsVisitor, page func(communique.AnalyticsHit) *pageCount, dims map[communique.AnalyticsDim]int64) error {
	type seen struct{ day, scope, hash string }
	// The site's scope first for every visitor, then the paths, each in
	// key order: one order for every node.
	site := map[seen]communique.AnalyticsVisitor{}
	paths := map[seen]communique.AnalyticsVisitor{}
	for _, v := range vs {
		s := seen{v.Day, communique.SitePath, v.Hash}
		if _, ok := site[s]; !ok {
			site[s] = v
		}
		paths[seen{v.Day, v.Path, v.Hash}] = v
	}
	w := tx.w()
	insert := func(set map[seen]communique.AnalyticsVisitor, fresh func(communique.AnalyticsVisitor)) error {
		keys := make([]seen, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b seen) int {
			return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.scope, b.scope), cmp.Compare(a.hash, b.hash))
		})
		return inChunks(keys, func(chunk []seen) error {
			args := make([]any, 0, 3*len(chunk))
			for _, k := range chunk {
				args = append(args, k.day, k.scope, k.hash)
			}
			rows, err := w.query(ctx, `INSERT INTO analytics_seen (day, scope, hash) VALUES `+valuesList(len(chunk), 3)+`
				ON CONFLICT (day, scope, hash) DO NOTHING RETURNING day, scope, hash`, args...)
			if err != nil {
				return fmt.Errorf("analytics visitors: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var k seen
				if err := rows.Scan(&k.day, &k.scope, &k.hash); err != nil {
					return fmt.Errorf("analytics visitors: %w", err)
				}
				fresh(set[k])
			}
			return rows.Err()
		})
	}
	err := insert(site, func(v communique.AnalyticsVisitor) {
		page(communique.AnalyticsHit{Day: v.Day, Hour: v.Hour, Path: communique.SitePath, Kind: communique.PageSite}).visitors++
		dims[communique.AnalyticsDim{Day: v.Day, Dim: communique.DimDevice, Value: v.Device}]++
		dims[communique.AnalyticsDim{Day: v.Day, Dim: communique.DimBrowser, Value: v.Browser}]++
	})
	if err != nil {
		return err
	}
	return insert(paths, func(v communique.AnalyticsVisitor) {
		page(v.AnalyticsHit).visitors++
		if v.ArticleID != 0 {
			dims[communique.AnalyticsDim{Day: v.Day, ArticleID: v.ArticleID, Dim: communique.DimDevice, Value: v.Device}]++
			dims[communique.AnalyticsDim{Day: v.Day, ArticleID: v.ArticleID, Dim: communique.DimBrowser, Value: v.Browser}]++
		}
	})
}

func (tx *Tx) upsertPages(ctx context.Context, pages map[communique.AnalyticsHit]*pageCount) error {
	// One row per (day, hour, path), the table's key, whatever kinds the
	// counts came under: a statement may not touch a row twice.
	type hourKey struct {
		day  string
		hour int
		path string
	}
	byKey := map[hourKey]*pageCount{}
	rows := make([]*pageCount, 0, len(pages))
	for _, p := range pages {
		k := hourKey{p.Day, p.Hour, p.Path}
		if r := byKey[k]; r != nil {
			r.views, r.visitors, r.entries = r.views+p.views, r.visitors+p.visitors, r.entries+p.entries
			continue
		}
		r := *p
		byKey[k] = &r
		rows = append(rows, &r)
	}
	slices.SortFunc(rows, func(a, b *pageCount) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.Hour, b.Hour), cmp.Compare(a.Path, b.Path))
	})
	w := tx.w()
	err := inChunks(rows, func(chunk []*pageCount) error {
		args := make([]any, 0, 8*len(chunk))
		for _, p := range chunk {
			args = append(args, p.Day, p.Hour, p.Path, string(p.Kind), p.ArticleID, p.views, p.visitors, p.entries)
		}
		_, err := w.exec(ctx, `INSERT INTO analytics_hours (day, hour, path, kind, article_id, views, visitors, entries)
			VALUES `+valuesList(len(chunk), 8)+`
			ON CONFLICT (day, hour, path) DO UPDATE SET views = analytics_hours.views + excluded.views,
				visitors = analytics_hours.visitors + excluded.visitors, entries = analytics_hours.entries + excluded.entries,
				kind = excluded.kind, article_id = excluded.article_id`, args...)
		if err != nil {
			return fmt.Errorf("analytics hours: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Then the days, again in key order (hours of one day fold into one).
	days := map[[2]string]*pageCount{}
	var keys [][2]string
	for _, p := range rows {
		k := [2]string{p.Day, p.Path}
		if days[k] == nil {
			days[k] = &pageCount{AnalyticsHit: p.AnalyticsHit}
			keys = append(keys, k)
		}
		d := days[k]
		d.views, d.visitors, d.entries = d.views+p.views, d.visitors+p.visitors, d.entries+p.entries
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return inChunks(keys, func(chunk [][2]string) error {
		args := make([]any, 0, 7*len(chunk))
		for _, k := range chunk {
			d := days[k]
			args = append(args, d.Day, d.Path, string(d.Kind), d.ArticleID, d.views, d.visitors, d.entries)
		}
		_, err := w.exec(ctx, `INSERT INTO analytics_days (day, path, kind, article_id, views, visitors, entries)
			VALUES `+valuesList(len(chunk), 7)+`
			ON CONFLICT (day, path) DO UPDATE SET views = analytics_days.views + excluded.views,
				visitors = analytics_days.visitors + excluded.visitors, entries = analytics_days.entries + excluded.entries,
				kind = excluded.kind, article_id = excluded.article_id`, args...)
		if err != nil {
			return fmt.Errorf("analytics days: %w", err)
		}
		return nil
	})
}

func (tx *Tx) upsertDims(ctx context.Context, dims map[communique.AnalyticsDim]int64) error {
	keys := make([]communique.AnalyticsDim, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b communique.AnalyticsDim) int {
		return cmp.Or(cmp.Compare(a.Day, b.Day), cmp.Compare(a.ArticleID, b.ArticleID), cmp.Compare(a.Dim, b.Dim), cmp.Compare(a.Value, b.Value))
	})
	w := tx.w()
	return inChunks(keys, func(chunk []communique.AnalyticsDim) error {
		args := make([]any, 0, 5*len(chunk))
		for _, k := range chunk {
			args = append(args, k.Day, k.ArticleID, k.Dim, k.Value, dims[k])
		}
		if _, err := w.exec(ctx, `INSERT INTO analytics_dims (day, article_id, dim, value, count) VALUES `+valuesList(len(chunk), 5)+`
			ON CONFLICT (day, article_id, dim, value) DO UPDATE SET count = analytics_dims.count + excluded.count`, args...); err != nil {
			return fmt.Errorf("analytics dims: %w", err)
		}
		return nil
	})
}

func (tx *Tx) upsertMinutes(ctx context.Context, minutes map[time.Time]int64) error {
	keys := make([]time.Time, 0, len(minutes))
	for k := range minutes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b time.Time) int { return a.Compare(b) })
	w := tx.w()
	err := inChunks(keys, func(chunk []time.Time) error {
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k.UTC().Format(minuteText), minutes[k])
		}
		if _, err := w.exec(ctx, `INSERT INTO analytics_minutes (minute, views) VALUES `+valuesList(len(chunk), 2)+`
			ON CONFLICT (minute) DO UPDATE SET views = analytics_minutes.views + excluded.views`, args...); err != nil {
			return fmt.Errorf("analytics minutes: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The realtime count looks 30 minutes back; an hour is plenty.
	if _, err := w.exec(ctx, `DELETE FROM analytics_minutes WHERE minute < ?`, tx.now.Add(-time.Hour).Format(minuteText)); err != nil {
		return fmt.Errorf("analytics minutes: %w", err)
	}
	return nil
}

// RollUpAnalytics forgets hourly rows before hourlyBefore (their days
// hold the totals) and folds daily rows before dailyBefore into months.
// Dimensions are kept by day only, as long as the daily totals.
func (db *Analytics) RollUpAnalytics(ctx context.Context, hourlyBefore, dailyBefore string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	steps := []struct {
		query string
		arg   string
	}{
		{`DELETE FROM analytics_hours WHERE day < ?`, hourlyBefore},
		{`INSERT INTO analytics_months (month, path, kind, article_id, views, visitors, entries)
			SELECT substr(day, 1, 7), path, MAX(kind), MAX(article_id), SUM(views), SUM(visitors), SUM(entries)
			FROM analytics_days WHERE day < ? GROUP BY substr(day, 1, 7), path
			ON CONFLICT (month, path) DO UPDATE SET views = analytics_months.views + excluded.views,
				visitors = analytics_months.visitors + excluded.visitors, entries = analytics_months.entries + excluded.entries`, dailyBefore},
		{`DELETE FROM analytics_days WHERE day < ?`, dailyBefore},
		{`DELETE FROM analytics_dims WHERE day < ?`, dailyBefore},
	}
	for _, st := range steps {
		if _, err := w.exec(ctx, st.query, st.arg); err != nil {
			return fmt.Errorf("analytics roll-up: %w", err)
		}
	}
	return tx.Commit()
}

// RecentViews is the site's page views counted since since (to the minute).
func (db *Analytics) RecentViews(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	err := db.r().row(ctx, `SELECT COALESCE(SUM(views), 0) FROM analytics_minutes WHERE minute >= ?`, since.UTC().Format(minuteText)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("recent views: %w", err)
	}
	return n, nil
}

// scope is the WHERE part choosing the rows of f's articles: one
// article, an author's, or (empty) the whole site.
func (f analyticsScope) where(col string) (string, []any) {
	switch {
	case f.ArticleID != 0:
		return " AND " + col + " = ?", []any{f.ArticleID}
	case f.AuthorID != 0:
		return " AND " + col + " IN (SELECT id FROM articles WHERE author_id = ?)", []any{f.AuthorID}
	}
	return "", nil
}

type analyticsScope communique.AnalyticsFilter

func (f analyticsScope) site() bool { return f.ArticleID == 0 && f.AuthorID == 0 }

// AnalyticsReport reads the figures for f.
func (db *Analytics) AnalyticsReport(ctx context.Context, f communique.AnalyticsFilter) (*communique.AnalyticsReport, error) {
	if f.Limit <= 0 {
		f.Limit = 10
	}
	rep := &communique.AnalyticsReport{Dims: map[string][]communique.AnalyticsRow{}}
	sc := analyticsScope(f)
	steps := []func(context.Context, analyticsScope, *communique.AnalyticsReport) error{
		db.reportSeries, db.reportOther, db.reportTop, db.reportDims, db.reportEngagement,
	}
	for _, step := range steps {
		if err := step(ctx, sc, rep); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func (db *Analytics) reportSeries(ctx context.Context, f analyticsScope, rep *communique.AnalyticsReport) error {
	visitorRows := "kind = 'article'"
	if f.site() {
		visitorRows = "path = '*'"
	}
	where, args := f.where("article_id")
	sums := `SUM(CASE WHEN kind IN ` + contentKinds + ` THEN views ELSE 0 END), SUM(CASE WHEN ` + visitorRows + ` THEN visitors ELSE 0 END)`
	query := `SELECT day, ` + sums + ` FROM analytics_days WHERE day >= ? AND day <= ?` + where + ` GROUP BY day`
	if f.Hourly {
		query = `SELECT hour, ` + sums + ` FROM analytics_hours WHERE day >= ? AND day <= ?` + where + ` GROUP BY hour`
	}
	rows, err := db.r().query(ctx, query, append([]any{f.From, f.To}, args...)...)
	if err != nil {
		return fmt.Errorf("analytics series: %w", err)
	}
	defer rows.Close()
	got := map[string]communique.AnalyticsPoint{}
	for rows.Next() {
		var p communique.AnalyticsPoint
		if err := rows.Scan(&p.Label, &p.Views, &p.Visitors); err != nil {
			return fmt.Errorf("analytics series: %w", err)
		}
		got[p.Label] = p
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("analytics series: %w", err)
	}
	for _, label := range seriesLabels(f) {
		p := got[label]
		if f.Hourly {
			h, _ := strconv.Atoi(label)
			p.Label = fmt.Sprintf("%02d:00", h)
		} else {
			p.Label = label
		}
		rep.Series = append(rep.Series, p)
		rep.Views += p.Views
		rep.Visitors += p.Visitors
	}
	return nil
}

// seriesLabels are the steps of the series: every hour of the day, or
// every day of the range, with or without figures.
func seriesLabels(f analyticsScope) []string {
	var out []string
	if f.Hourly {
		for h := range 24 {
			out = append(out, strconv.Itoa(h))
		}
		return out
	}
	from, err1 := time.Parse(time.DateOnly, f.From)
	to, err2 := time.Parse(time.DateOnly, f.To)
	if err1 != nil || err2 != nil {
		return nil
	}
	for d := from; !d.After(to) && len(out) < 3700; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// reportOther counts feed fetches and requests for paths without content
// (site-wide only: neither belongs to an article).
func (db *Analytics) reportOther(ctx context.Context, f analyticsScope, rep *communique.AnalyticsReport) error {
	if !f.site() {
		return nil
	}
	err := db.r().row(ctx, `SELECT COALESCE(SUM(CASE WHEN kind = 'feed' THEN views ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN kind = 'notfound' THEN views ELSE 0 END), 0)
		FROM analytics_days WHERE day >= ? AND day <= ?`, f.From, f.To).Scan(&rep.Feed, &rep.NotFound)
	if err != nil {
		return fmt.Errorf("analytics feeds: %w", err)
	}
	return nil
}

func (db *Analytics) reportTop(ctx context.Context, f analyticsScope, rep *communique.AnalyticsReport) error {
	where, args := f.where("d.article_id")
	rows, err := db.r().query(ctx, `SELECT t.path, t.kind, t.article_id, COALESCE(a.title, ''), t.views, t.visitors, t.entries FROM (
			SELECT d.path, MAX(d.kind) AS kind, MAX(d.article_id) AS article_id, SUM(d.views) AS views,
				SUM(d.visitors) AS visitors, SUM(d.entries) AS entries
			FROM analytics_days d WHERE d.day >= ? AND d.day <= ? AND d.kind IN `+contentKinds+where+`
			GROUP BY d.path) t
		LEFT JOIN articles a ON a.id = t.article_id
		ORDER BY t.views DESC, t.path LIMIT ?`, append(append([]any{f.From, f.To}, args...), f.Limit)...)
	if err != nil {
		return fmt.Errorf("analytics top: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r communique.AnalyticsRow
		var kind string
		if err := rows.Scan(&r.Path, &kind, &r.ArticleID, &r.Title, &r.Views, &r.Visitors, &r.Entries); err != nil {
			return fmt.Errorf("analytics top: %w", err)
		}
		r.Kind = communique.PageKind(kind)
		rep.Top = append(rep.Top, r)
	}
	return rows.Err()
}

func (db *Analytics) reportDims(ctx context.Context, f analyticsScope, rep *communique.AnalyticsReport) error {
	where, args := f.where("article_id")
	if f.site() {
		where = " AND article_id = 0"
	}
	rows, err := db.r().query(ctx, `SELECT dim, value, SUM(count) FROM analytics_dims
		WHERE day >= ? AND day <= ?`+where+` GROUP BY dim, value ORDER BY dim, SUM(count) DESC, value`,
		append([]any{f.From, f.To}, args...)...)
	if err != nil {
		return fmt.Errorf("analytics dimensions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var dim string
		var r communique.AnalyticsRow
		if err := rows.Scan(&dim, &r.Value, &r.Views); err != nil {
			return fmt.Errorf("analytics dimensions: %w", err)
		}
		if dim == communique.DimReached {
			rep.Engagement.Reached += r.Views
			continue
		}
		if len(rep.Dims[dim]) < f.Limit {
			rep.Dims[dim] = append(rep.Dims[dim], r)
		}
	}
	return rows.Err()
}

// reportEngagement reads the discussion's figures: comments posted in
// the range, replies among them, time to the first comment (one
// article), and the mean wait of held comments decided in the range.
func (db *Analytics) reportEngagement(ctx context.Context, f analyticsScope, rep *communique.AnalyticsReport) error {
	from, err1 := time.Parse(time.DateOnly, f.From)
	to, err2 := time.Parse(time.DateOnly, f.To)
	if err1 != nil || err2 != nil {
		return communique.Errorf(communique.EINVALID, "Dates are written 2006-01-02.")
	}
	to = to.AddDate(0, 0, 1)
	r := db.r()
	where, args := f.where("article_id")
	e := &rep.Engagement
	err := r.row(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN parent_id IS NOT NULL AND parent_id <> 0 THEN 1 ELSE 0 END), 0)
		FROM comments WHERE type = 'comment' AND status = 'approved' AND created_at >= ? AND created_at < ?`+where,
		append([]any{r.t(from), r.t(to)}, args...)...).Scan(&e.Comments, &e.Replies)
	if err != nil {
		return fmt.Errorf("analytics comments: %w", err)
	}
	if f.ArticleID != 0 {
		var published, first time.Time
		err := r.row(ctx, `SELECT a.published_at, (SELECT MIN(c.created_at) FROM comments c WHERE c.article_id = a.id AND c.type = 'comment')
			FROM articles a WHERE a.id = ?`, f.ArticleID).Scan(scanTime{&published}, scanTime{&first})
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("analytics first comment: %w", err)
		}
		if !published.IsZero() && !first.IsZero() && first.After(published) {
			e.FirstComment = first.Sub(published)
		}
	}
	rows, err := r.query(ctx, `SELECT posted_at, decided_at FROM comment_decisions WHERE decided_at >= ? AND decided_at < ?`+where,
		append([]any{r.t(from), r.t(to)}, args...)...)
	if err != nil {
		return fmt.Errorf("analytics moderation: %w", err)
	}
	defer rows.Close()
	var total time.Duration
	for rows.Next() {
		var posted, decided time.Time
		if err := rows.Scan(scanTime{&posted}, scanTime{&decided}); err != nil {
			return fmt.Errorf("analytics moderation: %w", err)
		}
		total += decided.Sub(posted)
		e.ModerationCount++
	}
	if e.ModerationCount > 0 {
		e.ModerationWait = total / time.Duration(e.ModerationCount)
	}
	return rows.Err()
}
