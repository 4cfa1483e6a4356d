package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"communique"
)

var _ communique.WebmentionService = (*Webmentions)(nil)

const webmentionColumns = `id, article_id, source, target, status, refusal, author_name, author_url, title, excerpt, created_at, updated_at`

func scanWebmention(sc interface{ Scan(...any) error }, extra ...any) (*communique.Webmention, error) {
	m := &communique.Webmention{}
	err := sc.Scan(append([]any{&m.ID, &m.ArticleID, &m.Source, &m.Target, &m.Status, &m.Refusal, &m.AuthorName, &m.AuthorURL,
		&m.Title, &m.Excerpt, scanTime{&m.CreatedAt}, scanTime{&m.UpdatedAt}}, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("scan webmention: %w", err)
	}
	return m, nil
}

// ReceiveWebmention records a mention to verify, or sets a known one
// (same source and target) to be verified again.
func (db *Webmentions) ReceiveWebmention(ctx context.Context, m *communique.Webmention) error {
	if m.ArticleID == 0 || m.Source == "" || m.Target == "" {
		return communique.Errorf(communique.EINVALID, "A webmention needs an article, a source and a target.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	m.Status, m.Refusal = communique.WebmentionVerifying, ""
	m.CreatedAt, m.UpdatedAt = tx.now, tx.now
	// The row keeps its moderation history in created_at; ON CONFLICT
	// makes two nodes receiving the same mention agree on one row.
	err = w.row(ctx, `INSERT INTO webmentions (article_id, source, target, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (source, target) DO UPDATE SET article_id = excluded.article_id, status = excluded.status,
			refusal = '', updated_at = excluded.updated_at
		RETURNING id, created_at`,
		m.ArticleID, m.Source, m.Target, string(m.Status), w.t(tx.now), w.t(tx.now)).Scan(&m.ID, scanTime{&m.CreatedAt})
	if err != nil {
		return db.wrap(err, "Webmention")
	}
	return tx.Commit()
}

// VerifiedWebmention stores the outcome of verification.
func (db *Webmentions) VerifiedWebmention(ctx context.Context, m *communique.Webmention) error {
	if m.Status != communique.WebmentionPending && m.Status != communique.WebmentionRefused && m.Status != communique.WebmentionApproved {
		return communique.Errorf(communique.EINVALID, "Verification ends in pending, approved or refused, not %q.", m.Status)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	m.UpdatedAt = tx.now
	res, err := w.exec(ctx, `UPDATE webmentions SET status = ?, refusal = ?, author_name = ?, author_url = ?, title = ?, excerpt = ?,
			updated_at = ? WHERE id = ?`,
		string(m.Status), m.Refusal, m.AuthorName, m.AuthorURL, m.Title, m.Excerpt, w.t(tx.now), m.ID)
	if err != nil {
		return db.wrap(err, "Webmention")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Webmention not found.")
	}
	return tx.Commit()
}

// FindWebmentions returns matching mentions, oldest first.
func (db *Webmentions) FindWebmentions(ctx context.Context, f communique.WebmentionFilter) ([]*communique.Webmention, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		where, args = append(where, "id = ?"), append(args, *f.ID)
	}
	if f.ArticleID != nil {
		where, args = append(where, "article_id = ?"), append(args, *f.ArticleID)
	}
	if len(f.Status) > 0 {
		where = append(where, "status IN ("+Placeholders(len(f.Status))+")")
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := db.r().query(ctx, `SELECT `+webmentionColumns+`, COUNT(*) OVER () FROM webmentions
		WHERE `+strings.Join(where, " AND ")+` ORDER BY created_at, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find webmentions: %w", err)
	}
	defer rows.Close()
	var list []*communique.Webmention
	total := 0
	for rows.Next() {
		m, err := scanWebmention(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		list = append(list, m)
	}
	return list, total, rows.Err()
}

// SetWebmentionStatus moderates a verified mention.
func (db *Webmentions) SetWebmentionStatus(ctx context.Context, id int64, status communique.WebmentionStatus) error {
	switch status {
	case communique.WebmentionPending, communique.WebmentionApproved, communique.WebmentionSpam, communique.WebmentionTrash:
	default:
		return communique.Errorf(communique.EINVALID, "A webmention can be set pending, approved, spam or trash, not %q.", status)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	// Only a verified mention can be moderated: approving one that is
	// still being verified, or was refused, would show an unchecked link.
	res, err := w.exec(ctx, `UPDATE webmentions SET status = ?, updated_at = ? WHERE id = ? AND status NOT IN ('verifying', 'refused')`,
		string(status), w.t(tx.now), id)
	if err != nil {
		return db.wrap(err, "Webmention")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := w.row(ctx, `SELECT status FROM webmentions WHERE id = ?`, id).Scan(&st); err != nil {
			return db.wrap(err, "Webmention")
		}
		return communique.Errorf(communique.EINVALID, "This webmention is %s; only a verified one can be moderated.", st)
	}
	return tx.Commit()
}

// WebmentionsSent returns the targets an article has notified.
func (db *Webmentions) WebmentionsSent(ctx context.Context, articleID int64) (map[string]string, error) {
	rows, err := db.r().query(ctx, `SELECT target, status FROM webmention_sends WHERE article_id = ?`, articleID)
	if err != nil {
		return nil, fmt.Errorf("webmentions sent: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var target, status string
		if err := rows.Scan(&target, &status); err != nil {
			return nil, err
		}
		out[target] = status
	}
	return out, rows.Err()
}

// RecordWebmentionSent remembers that an article notified target.
func (db *Webmentions) RecordWebmentionSent(ctx context.Context, articleID int64, target, status string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO webmention_sends (article_id, target, status, sent_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id, target) DO UPDATE SET status = excluded.status, sent_at = excluded.sent_at`,
		articleID, target, status, w.t(tx.now)); err != nil {
		return db.wrap(err, "Webmention")
	}
	return tx.Commit()
}
