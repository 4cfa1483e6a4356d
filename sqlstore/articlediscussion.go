package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"communique"
)

var _ communique.ArticleDiscussionStore = (*Community)(nil)

// FindArticleDiscussion returns an article's discussion settings, the
// zero value when the editor never changed them.
func (db *Community) FindArticleDiscussion(ctx context.Context, articleID int64) (*communique.ArticleDiscussion, error) {
	d := &communique.ArticleDiscussion{ArticleID: articleID}
	err := db.r().row(ctx, `SELECT hidden, premoderate, message, qa FROM article_discussions WHERE article_id = ?`, articleID).
		Scan(&d.Hidden, &d.Premoderate, &d.Message, &d.QA)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("find article discussion: %w", err)
	}
	return d, nil
}

// SaveArticleDiscussion replaces an article's discussion settings.
func (db *Community) SaveArticleDiscussion(ctx context.Context, d *communique.ArticleDiscussion) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var one int
	if err := w.row(ctx, `SELECT 1 FROM articles WHERE id = ?`, d.ArticleID).Scan(&one); err == sql.ErrNoRows {
		return communique.Errorf(communique.ENOTFOUND, "Article %d not found.", d.ArticleID)
	} else if err != nil {
		return fmt.Errorf("find article: %w", err)
	}
	if _, err := w.exec(ctx, `INSERT INTO article_discussions (article_id, hidden, premoderate, message, qa) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET hidden = excluded.hidden, premoderate = excluded.premoderate,
		message = excluded.message, qa = excluded.qa`, d.ArticleID, d.Hidden, d.Premoderate, d.Message, d.QA); err != nil {
		return fmt.Errorf("save article discussion: %w", err)
	}
	return tx.Commit()
}
