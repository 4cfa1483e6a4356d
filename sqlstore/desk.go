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
