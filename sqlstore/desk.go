package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"communique"
)

var _ communique.EditLocks = (*Articles)(nil)

// LockArticle takes or renews an article's edit lock in one statement, so
// two editors opening the article at once cannot both get it: the upsert
// only replaces a lock that is the same user's, expired, or taken over.
func (db *Articles) LockArticle(ctx context.Context, lock communique.EditLock, takeOver bool) (*communique.EditLock, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	var n int
	if err := w.row(ctx, `SELECT (SELECT COUNT(*) FROM articles WHERE id = ?) + (SELECT COUNT(*) FROM users WHERE id = ?)`,
		lock.ArticleID, lock.UserID).Scan(&n); err != nil {
		return nil, fmt.Errorf("lock article: %w", err)
	}
	if n != 2 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	now := w.t(tx.now)
	_, err = w.exec(ctx, `INSERT INTO article_locks (article_id, user_id, since, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET user_id = excluded.user_id, expires_at = excluded.expires_at,
			since = CASE WHEN article_locks.user_id = excluded.user_id AND article_locks.expires_at > ? THEN article_locks.since ELSE excluded.since END
		WHERE article_locks.user_id = excluded.user_id OR article_locks.expires_at <= ? OR ?`,
		lock.ArticleID, lock.UserID, now, w.t(lock.ExpiresAt), now, now, takeOver)
	if err != nil {
		return nil, fmt.Errorf("lock article: %w", err)
	}
	held := &communique.EditLock{ArticleID: lock.ArticleID}
	u := &communique.User{}
	err = w.row(ctx, `SELECT l.user_id, l.since, l.expires_at, u.login, u.display_name
		FROM article_locks l JOIN users u ON u.id = l.user_id WHERE l.article_id = ?`, lock.ArticleID).
		Scan(&held.UserID, scanTime{&held.Since}, scanTime{&held.ExpiresAt}, &u.Login, &u.DisplayName)
	if err != nil {
		return nil, db.wrap(err, "Lock")
	}
	held.UserName = u.Name()
	return held, tx.Commit()
}

// UnlockArticle frees an article's lock if userID holds it.
func (db *Articles) UnlockArticle(ctx context.Context, articleID, userID int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, `DELETE FROM article_locks WHERE article_id = ? AND user_id = ?`, articleID, userID); err != nil {
		return fmt.Errorf("unlock article: %w", err)
	}
	return tx.Commit()
}

var _ communique.ArticleNotes = (*Articles)(nil)

// AddArticleNote stores a correction or update and moves the article's
// modification time and version with it, so feeds and sitemaps show the
// change, the cache triggers drop its pages on every node, and an editor
// with the article open is told it changed before they save over it.
func (db *Articles) AddArticleNote(ctx context.Context, n *communique.ArticleNote) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	n.CreatedAt = tx.now
	res, err := w.exec(ctx, `UPDATE articles SET modified_at = ?, version = version + 1 WHERE id = ?`, w.t(n.CreatedAt), n.ArticleID)
	if err != nil {
		return fmt.Errorf("note: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	if err := w.row(ctx, `INSERT INTO article_notes (article_id, user_id, kind, body, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		n.ArticleID, nullID(n.UserID), n.Kind, n.Text, w.t(n.CreatedAt)).Scan(&n.ID); err != nil {
		return db.wrap(err, "Note")
	}
	return tx.Commit()
}

// FindArticleNotes returns the notes of the articles, oldest first.
func (db *Articles) FindArticleNotes(ctx context.Context, articleIDs []int64) ([]*communique.ArticleNote, error) {
	if len(articleIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(articleIDs))
	for i, id := range articleIDs {
		args[i] = id
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")
	return db.scanNotes(ctx, `SELECT id, article_id, COALESCE(user_id, 0), kind, body, created_at FROM article_notes
		WHERE article_id IN (`+marks+`) ORDER BY created_at, id`, args...)
}

// FindCorrections returns the latest corrections of public articles.
func (db *Articles) FindCorrections(ctx context.Context, limit int) ([]*communique.ArticleNote, error) {
	r := db.r()
	notes, err := db.scanNotes(ctx, `SELECT n.id, n.article_id, COALESCE(n.user_id, 0), n.kind, n.body, n.created_at
		FROM article_notes n JOIN articles a ON a.id = n.article_id
		WHERE n.kind = ? AND a.status = 'published' AND a.published_at <= ?
		ORDER BY n.created_at DESC, n.id DESC LIMIT ?`, communique.NoteCorrection, r.t(db.Now()), limit)
	if err != nil || len(notes) == 0 {
		return notes, err
	}
	var ids []int64
	for _, n := range notes {
		ids = append(ids, n.ArticleID)
	}
	list, _, err := db.FindArticles(ctx, communique.ArticleFilter{IDs: ids, Status: []communique.Status{communique.StatusPublished}, Limit: len(ids), SkipTotal: true})
	if err != nil {
		return nil, err
	}
	byID := map[int64]*communique.Article{}
	for _, a := range list {
		byID[a.ID] = a
	}
	out := notes[:0]
	for _, n := range notes {
		if n.Article = byID[n.ArticleID]; n.Article != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

func (db *Articles) scanNotes(ctx context.Context, query string, args ...any) ([]*communique.ArticleNote, error) {
	rows, err := db.r().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("notes: %w", err)
	}
	defer rows.Close()
	var out []*communique.ArticleNote
	for rows.Next() {
		n := &communique.ArticleNote{}
		if err := rows.Scan(&n.ID, &n.ArticleID, &n.UserID, &n.Kind, &n.Text, scanTime{&n.CreatedAt}); err != nil {
			return nil, fmt.Errorf("notes: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

var _ communique.ReviewStore = (*Articles)(nil)

// AddEditorialNote stores the desk's internal note on an article.
func (db *Articles) AddEditorialNote(ctx context.Context, n *communique.EditorialNote) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	n.CreatedAt = tx.now
	if err := w.row(ctx, `INSERT INTO editorial_notes (article_id, user_id, body, created_at)
		SELECT id, ?, ?, ? FROM articles WHERE id = ? RETURNING id`, nullID(n.UserID), n.Text, w.t(n.CreatedAt), n.ArticleID).Scan(&n.ID); err != nil {
		return db.wrap(err, "Article")
	}
	return tx.Commit()
}

// FindEditorialNotes lists an article's internal notes, oldest first.
func (db *Articles) FindEditorialNotes(ctx context.Context, articleID int64) ([]*communique.EditorialNote, error) {
	rows, err := db.r().query(ctx, `SELECT n.id, n.article_id, COALESCE(n.user_id, 0), COALESCE(u.display_name, ''), COALESCE(u.login, ''), n.body, n.created_at
		FROM editorial_notes n LEFT JOIN users u ON u.id = n.user_id WHERE n.article_id = ? ORDER BY n.created_at, n.id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("editorial notes: %w", err)
	}
	defer rows.Close()
	var out []*communique.EditorialNote
	for rows.Next() {
		n, u := &communique.EditorialNote{}, &communique.User{}
		if err := rows.Scan(&n.ID, &n.ArticleID, &n.UserID, &u.DisplayName, &u.Login, &n.Text, scanTime{&n.CreatedAt}); err != nil {
			return nil, fmt.Errorf("editorial notes: %w", err)
		}
		n.UserName = u.Name()
		out = append(out, n)
	}
	return out, rows.Err()
}

const previewColumns = `id, article_id, COALESCE(user_id, 0), token_hash, created_at, expires_at, revoked`

func scanPreview(sc interface{ Scan(...any) error }) (*communique.PreviewLink, error) {
	l := &communique.PreviewLink{}
	return l, sc.Scan(&l.ID, &l.ArticleID, &l.UserID, &l.TokenHash, scanTime{&l.CreatedAt}, scanTime{&l.ExpiresAt}, &l.Revoked)
}

// AddPreviewLink stores a preview link by the hash of its token.
func (db *Articles) AddPreviewLink(ctx context.Context, l *communique.PreviewLink) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	l.CreatedAt = tx.now
	if err := w.row(ctx, `INSERT INTO preview_links (token_hash, article_id, user_id, created_at, expires_at, revoked)
		SELECT ?, id, ?, ?, ?, ? FROM articles WHERE id = ? RETURNING id`,
		l.TokenHash, nullID(l.UserID), w.t(l.CreatedAt), w.t(l.ExpiresAt), false, l.ArticleID).Scan(&l.ID); err != nil {
		return db.wrap(err, "Article")
	}
	return tx.Commit()
}

// FindPreviewLinks lists an article's preview links, newest first.
func (db *Articles) FindPreviewLinks(ctx context.Context, articleID int64) ([]*communique.PreviewLink, error) {
	rows, err := db.r().query(ctx, `SELECT `+previewColumns+` FROM preview_links WHERE article_id = ? ORDER BY id DESC`, articleID)
	if err != nil {
		return nil, fmt.Errorf("preview links: %w", err)
	}
	defer rows.Close()
	var out []*communique.PreviewLink
	for rows.Next() {
		l, err := scanPreview(rows)
		if err != nil {
			return nil, fmt.Errorf("preview links: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// FindPreviewLink reads a link by its token's hash, on the primary: a
// link just revoked must stop working at once.
func (db *Articles) FindPreviewLink(ctx context.Context, tokenHash string) (*communique.PreviewLink, error) {
	l, err := scanPreview(db.primary().row(ctx, `SELECT `+previewColumns+` FROM preview_links WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return nil, db.wrap(err, "Preview link")
	}
	return l, nil
}

// RevokePreviewLink ends a preview link.
func (db *Articles) RevokePreviewLink(ctx context.Context, id int64) (*communique.PreviewLink, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	l, err := scanPreview(tx.w().row(ctx, `UPDATE preview_links SET revoked = ? WHERE id = ? RETURNING `+previewColumns, true, id))
	if err != nil {
		return nil, db.wrap(err, "Preview link")
	}
	return l, tx.Commit()
}
