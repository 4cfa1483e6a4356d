package sqlstore

import (
	"context"
	"fmt"

	"communique"
)

// Live blogs: the live_blogs row marks an article live; its entries sit
// in live_entries. The tables' triggers drop the article's page on every
// node and wake their live streams; the article row is left alone.

var _ communique.LiveBlogs = (*Articles)(nil)

// SetLiveBlog marks an article a live blog, or records its end (or its
// reopening) when it is one already; the first start is kept.
func (db *Articles) SetLiveBlog(ctx context.Context, l *communique.LiveBlog) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if l.StartedAt.IsZero() {
		l.StartedAt = tx.now
	}
	if err := w.row(ctx, `INSERT INTO live_blogs (article_id, started_at, ended_at) SELECT id, ?, ? FROM articles WHERE id = ?
		ON CONFLICT (article_id) DO UPDATE SET ended_at = excluded.ended_at RETURNING started_at`,
		w.t(l.StartedAt), w.t(l.EndedAt), l.ArticleID).Scan(scanTime{&l.StartedAt}); err != nil {
		return db.wrap(err, "Article")
	}
	return tx.Commit()
}

// FindLiveBlog returns the article's live blog; ENOTFOUND when it is not one.
func (db *Articles) FindLiveBlog(ctx context.Context, articleID int64) (*communique.LiveBlog, error) {
	l := &communique.LiveBlog{ArticleID: articleID}
	err := db.r().row(ctx, `SELECT started_at, ended_at FROM live_blogs WHERE article_id = ?`, articleID).
		Scan(scanTime{&l.StartedAt}, scanTime{&l.EndedAt})
	if err != nil {
		return nil, db.wrap(err, "Live blog")
	}
	return l, nil
}

// CreateLiveEntry stores a new entry of a live blog.
func (db *Articles) CreateLiveEntry(ctx context.Context, e *communique.LiveEntry) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	e.CreatedAt, e.UpdatedAt = tx.now, tx.now
	if err := w.row(ctx, `INSERT INTO live_entries (article_id, user_id, source, html, key_event, created_at, updated_at)
		SELECT article_id, ?, ?, ?, ?, ?, ? FROM live_blogs WHERE article_id = ? RETURNING id`,
		nullID(e.UserID), e.Source, e.HTML, e.KeyEvent, w.t(e.CreatedAt), w.t(e.UpdatedAt), e.ArticleID).Scan(&e.ID); err != nil {
		return db.wrap(err, "Live blog")
	}
	return tx.Commit()
}

// UpdateLiveEntry stores an entry's new text and key-event mark.
func (db *Articles) UpdateLiveEntry(ctx context.Context, e *communique.LiveEntry) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	e.UpdatedAt = tx.now
	res, err := w.exec(ctx, `UPDATE live_entries SET source = ?, html = ?, key_event = ?, updated_at = ? WHERE id = ?`,
		e.Source, e.HTML, e.KeyEvent, w.t(e.UpdatedAt), e.ID)
	if err != nil {
		return fmt.Errorf("live entry: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Entry not found.")
	}
	return tx.Commit()
}

// DeleteLiveEntry removes an entry.
func (db *Articles) DeleteLiveEntry(ctx context.Context, id int64) error {
	res, err := db.wr().exec(ctx, `DELETE FROM live_entries WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("live entry: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Entry not found.")
	}
	return nil
}

const liveEntryColumns = `e.id, e.article_id, COALESCE(e.user_id, 0), COALESCE(u.display_name, ''), COALESCE(u.login, ''),
	e.source, e.html, e.key_event, e.created_at, e.updated_at FROM live_entries e LEFT JOIN users u ON u.id = e.user_id`

// FindLiveEntryByID returns one entry.
func (db *Articles) FindLiveEntryByID(ctx context.Context, id int64) (*communique.LiveEntry, error) {
	list, err := db.scanLiveEntries(ctx, `SELECT `+liveEntryColumns+` WHERE e.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Entry not found.")
	}
	return list[0], nil
}

// FindLiveEntries returns a live blog's entries, newest first.
func (db *Articles) FindLiveEntries(ctx context.Context, articleID int64, limit int) ([]*communique.LiveEntry, error) {
	query := `SELECT ` + liveEntryColumns + ` WHERE e.article_id = ? ORDER BY e.created_at DESC, e.id DESC`
	args := []any{articleID}
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	return db.scanLiveEntries(ctx, query, args...)
}

func (db *Articles) scanLiveEntries(ctx context.Context, query string, args ...any) ([]*communique.LiveEntry, error) {
	rows, err := db.r().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("live entries: %w", err)
	}
	defer rows.Close()
	var out []*communique.LiveEntry
	for rows.Next() {
		e, u := &communique.LiveEntry{}, &communique.User{}
		if err := rows.Scan(&e.ID, &e.ArticleID, &e.UserID, &u.DisplayName, &u.Login, &e.Source, &e.HTML, &e.KeyEvent,
			scanTime{&e.CreatedAt}, scanTime{&e.UpdatedAt}); err != nil {
			return nil, fmt.Errorf("live entries: %w", err)
		}
		e.UserName = u.Name()
		out = append(out, e)
	}
	return out, rows.Err()
}
