package sqlstore

import (
	"context"
	"fmt"
	"time"

	"communique"
)

// FrontPage is the edited front page: zones in order and the articles
// editors picked for each.
type FrontPage struct{ *core }

var _ communique.FrontPageStore = (*FrontPage)(nil)

// FindFrontZones returns every zone in order, with its picked articles,
// in two queries whatever the number of zones.
func (db *FrontPage) FindFrontZones(ctx context.Context) ([]*communique.FrontZone, error) {
	rows, err := db.r().query(ctx, `SELECT id, position, kind, title, COALESCE(section_id, 0), size, fill
		FROM front_zones ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("find front zones: %w", err)
	}
	defer rows.Close()
	var zones []*communique.FrontZone
	byID := map[int64]*communique.FrontZone{}
	for rows.Next() {
		z := &communique.FrontZone{}
		var kind string
		if err := rows.Scan(&z.ID, &z.Position, &kind, &z.Title, &z.SectionID, &z.Size, &z.Fill); err != nil {
			return nil, fmt.Errorf("scan front zone: %w", err)
		}
		z.Kind = communique.ZoneKind(kind)
		zones = append(zones, z)
		byID[z.ID] = z
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find front zones: %w", err)
	}
	if len(zones) == 0 {
		return nil, nil
	}
	picks, err := db.r().query(ctx, `SELECT zone_id, article_id FROM front_zone_articles ORDER BY zone_id, position`)
	if err != nil {
		return nil, fmt.Errorf("find front zone articles: %w", err)
	}
	defer picks.Close()
	for picks.Next() {
		var zoneID, articleID int64
		if err := picks.Scan(&zoneID, &articleID); err != nil {
			return nil, fmt.Errorf("scan front zone article: %w", err)
		}
		if z := byID[zoneID]; z != nil {
			z.ArticleIDs = append(z.ArticleIDs, articleID)
		}
	}
	return zones, picks.Err()
}

// CreateFrontZone appends a zone after the others.
func (db *FrontPage) CreateFrontZone(ctx context.Context, z *communique.FrontZone) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if err := tx.checkSection(ctx, z.SectionID); err != nil {
		return err
	}
	if err := w.row(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM front_zones`).Scan(&z.Position); err != nil {
		return fmt.Errorf("front zone position: %w", err)
	}
	if err := w.row(ctx, `INSERT INTO front_zones (position, kind, title, section_id, size, fill) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		z.Position, string(z.Kind), z.Title, nullID(z.SectionID), z.Size, z.Fill).Scan(&z.ID); err != nil {
		return db.wrap(err, "Front zone")
	}
	if err := tx.setZoneArticles(ctx, z.ID, z.ArticleIDs); err != nil {
		return err
	}
	return tx.Commit()
}

// UpdateFrontZone stores a zone's settings and picks in one transaction.
func (db *FrontPage) UpdateFrontZone(ctx context.Context, z *communique.FrontZone) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.checkSection(ctx, z.SectionID); err != nil {
		return err
	}
	res, err := tx.w().exec(ctx, `UPDATE front_zones SET title = ?, section_id = ?, size = ?, fill = ? WHERE id = ?`,
		z.Title, nullID(z.SectionID), z.Size, z.Fill, z.ID)
	if err != nil {
		return db.wrap(err, "Front zone")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Front zone not found.")
	}
	if err := tx.setZoneArticles(ctx, z.ID, z.ArticleIDs); err != nil {
		return err
	}
	return tx.Commit()
}

// checkSection refuses a section that is no category, rather than
// letting the foreign key fail as an internal error.
func (tx *Tx) checkSection(ctx context.Context, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := tx.w().row(ctx, `SELECT COUNT(*) FROM terms WHERE id = ? AND taxonomy = ?`, id, communique.TaxonomyCategory).Scan(&n); err != nil {
		return fmt.Errorf("find section: %w", err)
	}
	if n == 0 {
		return communique.Errorf(communique.EINVALID, "There is no such section.")
	}
	return nil
}

// setZoneArticles replaces a zone's picks, keeping their order.
func (tx *Tx) setZoneArticles(ctx context.Context, zoneID int64, ids []int64) error {
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM front_zone_articles WHERE zone_id = ?`, zoneID); err != nil {
		return fmt.Errorf("clear front zone: %w", err)
	}
	for i, id := range ids {
		var n int
		if err := w.row(ctx, `SELECT COUNT(*) FROM articles WHERE id = ? AND type = 'post'`, id).Scan(&n); err != nil {
			return fmt.Errorf("find front zone article: %w", err)
		}
		if n == 0 {
			return communique.Errorf(communique.EINVALID, "There is no article %d to place.", id)
		}
		if _, err := w.exec(ctx, `INSERT INTO front_zone_articles (zone_id, article_id, position) VALUES (?, ?, ?)`, zoneID, id, i); err != nil {
			return tx.db.wrap(err, "Front zone article")
		}
	}
	return nil
}

// DeleteFrontZone removes a zone and its picks.
func (db *FrontPage) DeleteFrontZone(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `DELETE FROM front_zones WHERE id = ?`, id)
	if err != nil {
		return db.wrap(err, "Front zone")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Front zone not found.")
	}
	return tx.Commit()
}

// SetFrontZoneOrder numbers the zones in the order given.
func (db *FrontPage) SetFrontZoneOrder(ctx context.Context, ids []int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var n int
	if err := w.row(ctx, `SELECT COUNT(*) FROM front_zones`).Scan(&n); err != nil {
		return fmt.Errorf("count front zones: %w", err)
	}
	if n != len(ids) {
		return communique.Errorf(communique.EINVALID, "The front page changed meanwhile; reload it and try again.")
	}
	for i, id := range ids {
		res, err := w.exec(ctx, `UPDATE front_zones SET position = ? WHERE id = ?`, i+1, id)
		if err != nil {
			return fmt.Errorf("order front zones: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return communique.Errorf(communique.EINVALID, "The front page changed meanwhile; reload it and try again.")
		}
	}
	return tx.Commit()
}

// MostDiscussed ranks recent published posts by their approved comments.
func (db *FrontPage) MostDiscussed(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	r := db.r()
	rows, err := r.query(ctx, `SELECT id FROM articles
		WHERE type = 'post' AND status = 'published' AND published_at >= ? AND comment_count > 0
		ORDER BY comment_count DESC, published_at DESC, id DESC LIMIT ?`, r.t(since), limit)
	if err != nil {
		return nil, fmt.Errorf("most discussed: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan most discussed: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// MostRead ranks published posts by the page views analytics counted on
// the UTC days from since's on (daily totals: one row per day and path).
func (db *FrontPage) MostRead(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	rows, err := db.r().query(ctx, `SELECT d.article_id FROM analytics_days d
		JOIN articles a ON a.id = d.article_id
		WHERE d.day >= ? AND d.article_id > 0 AND a.type = 'post' AND a.status = 'published'
		GROUP BY d.article_id
		ORDER BY SUM(d.views) DESC, d.article_id DESC LIMIT ?`, since.UTC().Format(time.DateOnly), limit)
	if err != nil {
		return nil, fmt.Errorf("most read: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan most read: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SetBreakingNews stores the banner's settings together, so no reader
// sees the new text with the old link.
func (db *FrontPage) SetBreakingNews(ctx context.Context, b communique.BreakingNews) error {
	values, err := b.Values()
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for key, value := range values {
		if _, err := tx.w().exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
			return fmt.Errorf("set breaking news: %w", err)
		}
	}
	return tx.Commit()
}
