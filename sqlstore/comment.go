package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"communique"
)

var _ communique.CommentStore = (*Comments)(nil)
var _ communique.CommentBatchStore = (*Comments)(nil)

// Public pages select no private column: email, IP and browser never
// leave the store for them.
const (
	commentPublicColumns = `c.id, c.article_id, COALESCE(c.parent_id, 0), c.thread_id, COALESCE(c.user_id, 0),
		c.author_name, c.author_url, c.avatar_hash, c.type, c.text, c.html, c.status, c.created_at, c.edited_at,
		c.spam_score, c.owner_key`
	commentPrivateColumns = `, c.author_email, c.author_ip, c.user_agent`
)

func scanComment(sc interface{ Scan(...any) error }, private bool, extra ...any) (*communique.Comment, error) {
	c := &communique.Comment{}
	dest := []any{&c.ID, &c.ArticleID, &c.ParentID, &c.ThreadID, &c.UserID,
		&c.AuthorName, &c.AuthorURL, &c.AvatarHash, &c.Type, &c.Text, &c.HTML, &c.Status, scanTime{&c.CreatedAt}, scanTime{&c.EditedAt},
		&c.SpamScore, &c.OwnerKey}
	if private {
		dest = append(dest, &c.AuthorEmail, &c.AuthorIP, &c.UserAgent)
	}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, fmt.Errorf("scan comment: %w", err)
	}
	return c, nil
}

// FindCommentByID returns a comment with its private fields.
func (db *Comments) FindCommentByID(ctx context.Context, id int64) (*communique.Comment, error) {
	list, _, err := db.FindComments(ctx, communique.CommentFilter{ID: &id, Private: true, Limit: 1})
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Comment not found.")
	}
	return list[0], nil
}

// statusCondition is the condition that keeps comments of the statuses,
// and, for the browser with ownerKey, its own held comments too: written
// so that the status still narrows the index range (an OR of the two
// would not): the listed statuses and 'pending', and of those the listed
// ones or the owner's. FindComments and FindThreadPage share it, so a
// thread page and a list show a reader the same comments.
func statusCondition(statuses []communique.CommentStatus, ownerKey string) (string, []any) {
	args := make([]any, len(statuses))
	for i, st := range statuses {
		args[i] = string(st)
	}
	listed := "c.status IN (" + Placeholders(len(args)) + ")"
	if ownerKey == "" {
		return listed, args
	}
	all := append(append([]any{}, args...), string(communique.CommentPending))
	all = append(append(all, args...), ownerKey)
	return "c.status IN (" + Placeholders(len(args)+1) + ") AND (" + listed + " OR c.owner_key = ?)", all
}

// FindComments returns matching comments and their total.
func (db *Comments) FindComments(ctx context.Context, f communique.CommentFilter) ([]*communique.Comment, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		where, args = append(where, "c.id = ?"), append(args, *f.ID)
	}
	if f.ArticleID != nil {
		where, args = append(where, "c.article_id = ?"), append(args, *f.ArticleID)
	}
	if len(f.Status) > 0 {
		cond, condArgs := statusCondition(f.Status, f.OwnerKey)
		where, args = append(where, cond), append(args, condArgs...)
	}
	if f.Email != nil {
		where, args = append(where, "LOWER(c.author_email) = LOWER(?)"), append(args, *f.Email)
	}
	if f.CreatedBefore != nil {
		where, args = append(where, "c.created_at < ?"), append(args, db.r().t(*f.CreatedBefore))
	}
	if f.TopLevel {
		where = append(where, "c.parent_id IS NULL")
	}
	if f.PublishedOnly {
		where = append(where, "EXISTS (SELECT 1 FROM articles a WHERE a.id = c.article_id AND a.status = 'published' AND a.password = '')",
			"NOT EXISTS (SELECT 1 FROM article_discussions d WHERE d.article_id = c.article_id AND d.hidden = TRUE)")
	}
	if f.ParentIDs != nil {
		where, args = append(where, "COALESCE(c.parent_id, 0) IN ("+Placeholders(len(f.ParentIDs))+")"), append(args, Int64Args(f.ParentIDs)...)
	}
	if f.Types != nil {
		where = append(where, "c.type IN ("+Placeholders(len(f.Types))+")")
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	for _, in := range []struct {
		expr string
		not  bool
		ids  []int64
	}{{"c.id", false, f.IDs}, {"c.id", true, f.ExcludeIDs}, {"COALESCE(c.parent_id, 0)", true, f.ExcludeParentIDs},
		{"COALESCE(c.user_id, 0)", false, f.UserIDs}, {"COALESCE(c.user_id, 0)", true, f.ExcludeUserIDs}} {
		if len(in.ids) == 0 {
			continue
		}
		op := " IN ("
		if in.not {
			op = " NOT IN ("
		}
		where, args = append(where, in.expr+op+Placeholders(len(in.ids))+")"), append(args, Int64Args(in.ids)...)
	}
	if f.ThreadIDs != nil {
		where = append(where, "c.thread_id IN ("+Placeholders(len(f.ThreadIDs))+") AND c.parent_id IS NOT NULL")
		args = append(args, Int64Args(f.ThreadIDs)...)
	}
	cols := commentPublicColumns
	if f.Private {
		cols += commentPrivateColumns
	}
	order := "c.created_at, c.id"
	if f.Newest {
		order = "c.created_at DESC, c.id DESC"
	}
	switch f.Sort {
	case "reactions":
		order = "(SELECT COUNT(*) FROM comment_reactions x WHERE x.comment_id = c.id) DESC, " + order
	case "replies":
		order = "(SELECT COUNT(*) FROM comments x WHERE x.thread_id = c.id AND x.id <> c.id AND x.status = 'approved') DESC, " + order
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	r := db.r()
	cond := strings.Join(where, " AND ")
	rows, err := r.query(ctx, `SELECT `+cols+` FROM comments c WHERE `+cond+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(append([]any{}, args...), limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find comments: %w", err)
	}
	defer rows.Close()
	var list []*communique.Comment
	for rows.Next() {
		c, err := scanComment(rows, f.Private)
		if err != nil {
			return nil, 0, err
		}
		list = append(list, c)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	// Count only when the page may not hold them all: one index count,
	// rather than a window over every matching row with its text.
	total := max(f.Offset, 0) + len(list)
	if len(list) == limit || len(list) == 0 && f.Offset > 0 {
		if err := r.row(ctx, `SELECT COUNT(*) FROM comments c WHERE `+cond, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count comments: %w", err)
		}
	}
	return list, total, nil
}

// CreateComment stores a comment and refreshes its article's count.
func (db *Comments) CreateComment(ctx context.Context, c *communique.Comment) error {
	return db.CreateComments(ctx, []communique.CommentWrite{{Comment: c}})
}

// CreateComments stores comments, each with its outbox messages, in one
// transaction: a group of comments posted at once shares one commit, and
// a comment's notifications are never lost or sent without it.
func (db *Comments) CreateComments(ctx context.Context, ws []communique.CommentWrite) error {
	for _, cw := range ws {
		if !cw.Comment.Status.Valid() {
			return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", cw.Comment.Status)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var articles []int64
	seen := map[int64]bool{}
	for _, cw := range ws {
		if err := tx.createComment(ctx, cw.Comment); err != nil {
			return err
		}
		if cw.Messages != nil {
			if err := tx.enqueueMessages(ctx, cw.Messages(cw.Comment)); err != nil {
				return err
			}
		}
		if id := cw.Comment.ArticleID; !seen[id] {
			seen[id] = true
			articles = append(articles, id)
		}
	}
	// Once per article, not per comment: a group on one busy article
	// counts it once. In id order, as other writers lock rows.
	slices.Sort(articles)
	for _, id := range articles {
		if err := tx.refreshCommentCount(ctx, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// createComment inserts a comment, threading it under its parent.
func (tx *Tx) createComment(ctx context.Context, c *communique.Comment) error {
	if c.Type == "" {
		c.Type = communique.CommentTypeComment
	}
	w := tx.w()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	var parent any
	c.ThreadID = 0
	if c.ParentID != 0 {
		var articleID, thread int64
		if err := w.row(ctx, `SELECT article_id, thread_id FROM comments WHERE id = ?`, c.ParentID).Scan(&articleID, &thread); err != nil || articleID != c.ArticleID {
			return communique.Errorf(communique.EINVALID, "The comment you replied to does not exist.")
		}
		parent, c.ThreadID = c.ParentID, thread
	}
	var user any
	if c.UserID != 0 {
		user = c.UserID
	}
	err := w.row(ctx, `INSERT INTO comments (article_id, parent_id, thread_id, user_id, author_name, author_email, author_url,
			author_ip, user_agent, avatar_hash, type, text, html, status, created_at, spam_score, owner_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.ArticleID, parent, c.ThreadID, user, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent,
		c.AvatarHash, c.Type, c.Text, c.HTML, string(c.Status), w.t(c.CreatedAt), c.SpamScore, c.OwnerKey).Scan(&c.ID)
	if err != nil {
		return tx.db.wrap(err, "Comment")
	}
	if c.ThreadID == 0 {
		c.ThreadID = c.ID
		if _, err := w.exec(ctx, `UPDATE comments SET thread_id = ? WHERE id = ?`, c.ID, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// refreshCommentCount recounts an article's approved comments. Counting
// (rather than adding one) keeps the number right whatever path changed it.
func (tx *Tx) refreshCommentCount(ctx context.Context, articleID int64) error {
	_, err := tx.w().exec(ctx, `UPDATE articles SET comment_count =
		(SELECT COUNT(*) FROM comments WHERE article_id = ? AND status = 'approved') WHERE id = ?`, articleID, articleID)
	if err != nil {
		return fmt.Errorf("comment count: %w", err)
	}
	return nil
}

func (tx *Tx) commentArticle(ctx context.Context, id int64) (int64, error) {
	var articleID int64
	err := tx.w().row(ctx, `SELECT article_id FROM comments WHERE id = ?`, id).Scan(&articleID)
	if err == sql.ErrNoRows {
		return 0, communique.Errorf(communique.ENOTFOUND, "Comment %d not found.", id)
	}
	return articleID, err
}

// UpdateCommentText stores an edit and keeps the previous text.
func (db *Comments) UpdateCommentText(ctx context.Context, id int64, text, html string, status communique.CommentStatus, score float64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	articleID, err := tx.commentArticle(ctx, id)
	if err != nil {
		return err
	}
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO comment_revisions (comment_id, text, edited_at)
		SELECT id, text, ? FROM comments WHERE id = ?`, w.t(tx.now), id); err != nil {
		return fmt.Errorf("comment revision: %w", err)
	}
	if _, err := w.exec(ctx, `UPDATE comments SET text = ?, html = ?, status = ?, spam_score = ?, edited_at = ? WHERE id = ?`,
		text, html, string(status), score, w.t(tx.now), id); err != nil {
		return fmt.Errorf("update comment: %w", err)
	}
	if err := tx.refreshCommentCount(ctx, articleID); err != nil {
		return err
	}
	return tx.Commit()
}

// SetCommentStatus moves a comment to another status.
func (db *Comments) SetCommentStatus(ctx context.Context, id int64, status communique.CommentStatus) error {
	if !status.Valid() {
		return communique.Errorf(communique.EINVALID, "Unknown comment status %q.", status)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	articleID, err := tx.commentArticle(ctx, id)
	if err != nil {
		return err
	}
	// A held comment's first decision is kept for the moderation queue
	// time (analytics).
	if _, err := tx.w().exec(ctx, `INSERT INTO comment_decisions (comment_id, article_id, posted_at, decided_at)
		SELECT id, article_id, created_at, ? FROM comments WHERE id = ? AND status = 'pending' AND ? <> 'pending'
		ON CONFLICT (comment_id) DO NOTHING`, tx.w().t(tx.now), id, string(status)); err != nil {
		return fmt.Errorf("comment decision: %w", err)
	}
	if _, err := tx.w().exec(ctx, `UPDATE comments SET status = ? WHERE id = ?`, string(status), id); err != nil {
		return fmt.Errorf("set comment status: %w", err)
	}
	if err := tx.refreshCommentCount(ctx, articleID); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteComment removes a comment; replies move up to its parent, as in
// WordPress, so a deleted comment does not take a conversation with it.
func (db *Comments) DeleteComment(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	articleID, err := tx.deleteComment(ctx, id)
	if err != nil {
		return err
	}
	if err := tx.refreshCommentCount(ctx, articleID); err != nil {
		return err
	}
	return tx.Commit()
}

// deleteComment removes a comment, moving its replies up, and returns
// its article, whose count the caller refreshes.
func (tx *Tx) deleteComment(ctx context.Context, id int64) (int64, error) {
	w := tx.w()
	var articleID, thread int64
	var parent sql.NullInt64
	if err := w.row(ctx, `SELECT article_id, parent_id, thread_id FROM comments WHERE id = ?`, id).Scan(&articleID, &parent, &thread); err != nil {
		return 0, tx.db.wrap(err, "Comment")
	}
	if parent.Valid {
		if _, err := w.exec(ctx, `UPDATE comments SET parent_id = ? WHERE parent_id = ?`, parent.Int64, id); err != nil {
			return 0, err
		}
	} else if err := tx.splitThread(ctx, id); err != nil {
		return 0, err
	}
	if _, err := w.exec(ctx, `DELETE FROM comments WHERE id = ?`, id); err != nil {
		return 0, err
	}
	return articleID, nil
}

// splitThread makes each direct reply of a deleted top-level comment the
// root of its own thread.
func (tx *Tx) splitThread(ctx context.Context, id int64) error {
	w := tx.w()
	rows, err := w.query(ctx, `SELECT id FROM comments WHERE parent_id = ?`, id)
	if err != nil {
		return err
	}
	var roots []int64
	for rows.Next() {
		var r int64
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return err
		}
		roots = append(roots, r)
	}
	rows.Close()
	if _, err := w.exec(ctx, `UPDATE comments SET parent_id = NULL WHERE parent_id = ?`, id); err != nil {
		return err
	}
	for _, root := range roots {
		if _, err := w.exec(ctx, `WITH RECURSIVE sub(id, depth) AS (
				SELECT CAST(? AS BIGINT), 0
				UNION ALL SELECT c.id, sub.depth + 1 FROM comments c JOIN sub ON c.parent_id = sub.id WHERE sub.depth < 64
			) UPDATE comments SET thread_id = ? WHERE id IN (SELECT id FROM sub)`, root, root); err != nil {
			return fmt.Errorf("split thread: %w", err)
		}
	}
	return nil
}

// FindCommentRevisions returns the earlier texts of a comment.
func (db *Comments) FindCommentRevisions(ctx context.Context, id int64) ([]*communique.CommentRevision, error) {
	rows, err := db.r().query(ctx, `SELECT comment_id, text, edited_at FROM comment_revisions WHERE comment_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*communique.CommentRevision
	for rows.Next() {
		r := &communique.CommentRevision{}
		if err := rows.Scan(&r.CommentID, &r.Text, scanTime{&r.EditedAt}); err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

// CountComments counts comments by status.
func (db *Comments) CountComments(ctx context.Context) (map[communique.CommentStatus]int, error) {
	rows, err := db.r().query(ctx, `SELECT status, COUNT(*) FROM comments GROUP BY status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[communique.CommentStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		m[communique.CommentStatus(s)] = n
	}
	return m, rows.Err()
}

// CommentPace tells when the email or the browser key last commented and
// how many comments came from the IP since since. It reads through the
// writer, so that a comment committed an instant ago counts.
func (db *Comments) CommentPace(ctx context.Context, ip, email, ownerKey string, since time.Time) (communique.CommentPace, error) {
	var p communique.CommentPace
	x := db.wr()
	err := x.row(ctx, `SELECT MAX(created_at) FROM (
			SELECT MAX(created_at) AS created_at FROM comments WHERE ? <> '' AND LOWER(author_email) = LOWER(?)
			UNION ALL SELECT MAX(created_at) FROM comments WHERE ? <> '' AND owner_key = ?
		) last`, email, email, ownerKey, ownerKey).Scan(scanTime{&p.LastByCommenter})
	if err != nil {
		return p, fmt.Errorf("comment pace: %w", err)
	}
	err = x.row(ctx, `SELECT COUNT(*), MIN(created_at) FROM comments WHERE ? <> '' AND author_ip = ? AND created_at >= ?`,
		ip, ip, x.t(since)).Scan(&p.FromAddress, scanTime{&p.FirstFromAddress})
	if err != nil {
		return p, fmt.Errorf("comment pace: %w", err)
	}
	return p, nil
}

// SaveCommentDraft keeps a refused comment and forgets old ones.
func (db *Comments) SaveCommentDraft(ctx context.Context, d *communique.CommentDraft, forgetBefore time.Time) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	d.CreatedAt = tx.now
	if _, err := w.exec(ctx, `DELETE FROM comment_drafts WHERE created_at < ?`, w.t(forgetBefore)); err != nil {
		return fmt.Errorf("forget comment drafts: %w", err)
	}
	if _, err := w.exec(ctx, `INSERT INTO comment_drafts (id, owner_key, article_id, data, created_at) VALUES (?, ?, ?, ?, ?)`,
		d.ID, d.OwnerKey, d.ArticleID, d.Data, w.t(d.CreatedAt)); err != nil {
		return db.wrap(err, "Comment draft")
	}
	return tx.Commit()
}

// FindCommentDraft returns a kept refused comment. It reads through the
// writer: the page showing it is asked for right after it was kept.
func (db *Comments) FindCommentDraft(ctx context.Context, id string) (*communique.CommentDraft, error) {
	d := &communique.CommentDraft{}
	err := db.wr().row(ctx, `SELECT id, owner_key, article_id, data, created_at FROM comment_drafts WHERE id = ?`, id).
		Scan(&d.ID, &d.OwnerKey, &d.ArticleID, &d.Data, scanTime{&d.CreatedAt})
	if err != nil {
		return nil, db.wrap(err, "Comment draft")
	}
	return d, nil
}

// HasApprovedComment reports whether name and email have an approved comment.
func (db *Comments) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	var n int
	err := db.r().row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE LOWER(author_email) = LOWER(?)
		AND author_name = ? AND status = 'approved' LIMIT 1) x`, email, name).Scan(&n)
	return n > 0, err
}

// IsDuplicateComment reports whether the author already said this here.
func (db *Comments) IsDuplicateComment(ctx context.Context, articleID int64, name, email, text string) (bool, error) {
	// One query per case rather than an OR of both, so that the one with
	// an address is answered by the article-and-address index.
	var n int
	x := db.wr()
	var err error
	if email != "" {
		err = x.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE article_id = ? AND LOWER(author_email) = LOWER(?)
			AND text = ? AND status <> 'trash' LIMIT 1) x`, articleID, email, text).Scan(&n)
	} else {
		err = x.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments WHERE article_id = ? AND author_name = ?
			AND text = ? AND status <> 'trash' LIMIT 1) x`, articleID, name, text).Scan(&n)
	}
	return n > 0, err
}

// SpamCounts returns the classifier's totals and the counts of tokens.
func (db *Comments) SpamCounts(ctx context.Context, tokens []string) (*communique.SpamCounts, error) {
	sc := &communique.SpamCounts{Tokens: map[string][2]int64{}}
	args := []any{""}
	for _, t := range tokens {
		args = append(args, t)
	}
	rows, err := db.r().query(ctx, `SELECT token, spam, ham FROM spam_tokens WHERE token IN (`+Placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("spam counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tok string
		var s, h int64
		if err := rows.Scan(&tok, &s, &h); err != nil {
			return nil, err
		}
		if tok == "" {
			sc.Spam, sc.Ham = s, h
		} else {
			sc.Tokens[tok] = [2]int64{s, h}
		}
	}
	return sc, rows.Err()
}

// TrainComment records a verdict on a comment; a comment counts once, as
// its latest verdict.
func (db *Comments) TrainComment(ctx context.Context, id int64, tokens []string, spam bool) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var trained string
	if err := w.row(ctx, `SELECT trained FROM comments WHERE id = ?`, id).Scan(&trained); err != nil {
		return db.wrap(err, "Comment")
	}
	verdict := "ham"
	if spam {
		verdict = "spam"
	}
	if trained == verdict {
		return nil
	}
	all := append([]string{""}, tokens...)
	bump := func(column string, delta int) error {
		for _, tok := range all {
			if _, err := w.exec(ctx, `INSERT INTO spam_tokens (token, `+column+`) VALUES (?, ?)
				ON CONFLICT (token) DO UPDATE SET `+column+` = `+db.dialect.Greatest+`(spam_tokens.`+column+` + ?, 0)`,
				tok, max(delta, 0), delta); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		}
		return nil
	}
	if trained != "" {
		if err := bump(trained, -1); err != nil {
			return err
		}
	}
	if err := bump(verdict, 1); err != nil {
		return err
	}
	if _, err := w.exec(ctx, `UPDATE comments SET trained = ? WHERE id = ?`, verdict, id); err != nil {
		return err
	}
	return tx.Commit()
}
