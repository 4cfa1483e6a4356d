package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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

var _ communique.HoldReasonStore = (*Community)(nil)

// SetCommentHoldReasons replaces why the rules held a comment.
func (db *Community) SetCommentHoldReasons(ctx context.Context, commentID int64, reasons []string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.commentArticle(ctx, commentID); err != nil {
		return err
	}
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM comment_hold_reasons WHERE comment_id = ?`, commentID); err != nil {
		return fmt.Errorf("clear hold reasons: %w", err)
	}
	if len(reasons) > 0 {
		if _, err := w.exec(ctx, `INSERT INTO comment_hold_reasons (comment_id, reasons) VALUES (?, ?)`,
			commentID, strings.Join(reasons, "\n")); err != nil {
			return fmt.Errorf("set hold reasons: %w", err)
		}
	}
	return tx.Commit()
}

// FindCommentHoldReasons returns the hold reasons of these comments.
func (db *Community) FindCommentHoldReasons(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.r().query(ctx, `SELECT comment_id, reasons FROM comment_hold_reasons WHERE comment_id IN (`+Placeholders(len(ids))+`)`, Int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("find hold reasons: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reasons string
		if err := rows.Scan(&id, &reasons); err != nil {
			return nil, fmt.Errorf("scan hold reasons: %w", err)
		}
		out[id] = strings.Split(reasons, "\n")
	}
	return out, rows.Err()
}
