package sqlstore

import (
	"context"
	"fmt"
	"time"

	"communique"
)

var _ communique.CommunityStore = (*Community)(nil)

// userName is the display name of a joined users row u, or "".
const userName = `COALESCE(NULLIF(u.display_name, ''), u.login, '')`

// SetCommenterStanding replaces a subject's standing; none removes it.
func (db *Community) SetCommenterStanding(ctx context.Context, s *communique.CommenterStanding) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM commenter_standings WHERE subject = ?`, s.Subject); err != nil {
		return fmt.Errorf("clear standing: %w", err)
	}
	if s.Standing != communique.StandingNone {
		s.CreatedAt = tx.now
		if _, err := w.exec(ctx, `INSERT INTO commenter_standings (subject, standing, reason, until, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, s.Subject, string(s.Standing), s.Reason, w.t(s.Until), nullID(s.By), w.t(s.CreatedAt)); err != nil {
			return fmt.Errorf("set standing: %w", err)
		}
	}
	return tx.Commit()
}

// FindCommenterStandings returns the standings of these subjects.
func (db *Community) FindCommenterStandings(ctx context.Context, subjects []string) ([]*communique.CommenterStanding, error) {
	args := make([]any, len(subjects))
	for i, s := range subjects {
		args[i] = s
	}
	rows, err := db.wr().query(ctx, `SELECT subject, standing, reason, until, COALESCE(created_by, 0), created_at
		FROM commenter_standings WHERE subject IN (`+Placeholders(len(args))+`) ORDER BY subject`, args...)
	if err != nil {
		return nil, fmt.Errorf("find standings: %w", err)
	}
	defer rows.Close()
	var list []*communique.CommenterStanding
	for rows.Next() {
		s := &communique.CommenterStanding{}
		if err := rows.Scan(&s.Subject, &s.Standing, &s.Reason, scanTime{&s.Until}, &s.By, scanTime{&s.CreatedAt}); err != nil {
			return nil, fmt.Errorf("scan standing: %w", err)
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

// CreateCommenterNote stores a moderator's note.
func (db *Community) CreateCommenterNote(ctx context.Context, n *communique.CommenterNote) error {
	w := db.wr()
	n.CreatedAt = db.Now().UTC().Truncate(time.Microsecond)
	err := w.row(ctx, `INSERT INTO commenter_notes (subject, text, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		n.Subject, n.Text, nullID(n.By), w.t(n.CreatedAt)).Scan(&n.ID)
	return db.wrap(err, "Note")
}

// FindCommenterNotes returns a subject's notes, newest first.
func (db *Community) FindCommenterNotes(ctx context.Context, subject string) ([]*communique.CommenterNote, error) {
	rows, err := db.r().query(ctx, `SELECT n.id, n.subject, n.text, COALESCE(n.created_by, 0), `+userName+`, n.created_at
		FROM commenter_notes n LEFT JOIN users u ON u.id = n.created_by WHERE n.subject = ? ORDER BY n.id DESC`, subject)
	if err != nil {
		return nil, fmt.Errorf("find notes: %w", err)
	}
	defer rows.Close()
	var list []*communique.CommenterNote
	for rows.Next() {
		n := &communique.CommenterNote{}
		if err := rows.Scan(&n.ID, &n.Subject, &n.Text, &n.By, &n.ByName, scanTime{&n.CreatedAt}); err != nil {
			return nil, fmt.Errorf("scan note: %w", err)
		}
		list = append(list, n)
	}
	return list, rows.Err()
}

// LogModeration appends to the audit log.
func (db *Community) LogModeration(ctx context.Context, e *communique.ModerationEntry) error {
	w := db.wr()
	if e.At.IsZero() {
		e.At = db.Now().UTC().Truncate(time.Microsecond)
	}
	err := w.row(ctx, `INSERT INTO moderation_log (at, user_id, action, comment_id, subject, detail) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		w.t(e.At), nullID(e.UserID), e.Action, nullID(e.CommentID), e.Subject, e.Detail).Scan(&e.ID)
	return db.wrap(err, "Log entry")
}

// FindModerationLog returns the log, newest first, and its total.
func (db *Community) FindModerationLog(ctx context.Context, subject string, offset, limit int) ([]*communique.ModerationEntry, int, error) {
	where, args := "1 = 1", []any{}
	if subject != "" {
		where, args = "m.subject = ?", append(args, subject)
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := db.r().query(ctx, `SELECT m.id, m.at, COALESCE(m.user_id, 0), `+userName+`, m.action, COALESCE(m.comment_id, 0), m.subject, m.detail,
		COUNT(*) OVER () FROM moderation_log m LEFT JOIN users u ON u.id = m.user_id WHERE `+where+` ORDER BY m.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find moderation log: %w", err)
	}
	defer rows.Close()
	var list []*communique.ModerationEntry
	total := 0
	for rows.Next() {
		e := &communique.ModerationEntry{}
		if err := rows.Scan(&e.ID, scanTime{&e.At}, &e.UserID, &e.UserName, &e.Action, &e.CommentID, &e.Subject, &e.Detail, &total); err != nil {
			return nil, 0, fmt.Errorf("scan log entry: %w", err)
		}
		list = append(list, e)
	}
	return list, total, rows.Err()
}

// FindCommenterReports returns the reports on a commenter's comments and
// those they sent with their address, newest first.
func (db *Community) FindCommenterReports(ctx context.Context, subject string) (against, by []*communique.CommentReport, err error) {
	read := func(query string) ([]*communique.CommentReport, error) {
		rows, err := db.r().query(ctx, query, subject)
		if err != nil {
			return nil, fmt.Errorf("find commenter reports: %w", err)
		}
		defer rows.Close()
		var list []*communique.CommentReport
		for rows.Next() {
			r, err := scanReport(rows)
			if err != nil {
				return nil, err
			}
			list = append(list, r)
		}
		return list, rows.Err()
	}
	cols := "r.id, r.comment_id, r.reason, r.explanation, r.reporter_key, r.reporter_ip, r.notify_email, r.created_at, r.decision, r.decision_reason, r.decided_at, COALESCE(r.decided_by, 0)"
	if against, err = read(`SELECT ` + cols + ` FROM comment_reports r JOIN comments c ON c.id = r.comment_id
		WHERE LOWER(c.author_email) = ? ORDER BY r.id DESC LIMIT 500`); err != nil {
		return nil, nil, err
	}
	by, err = read(`SELECT ` + cols + ` FROM comment_reports r WHERE LOWER(r.notify_email) = ? ORDER BY r.id DESC LIMIT 500`)
	return against, by, err
}

var _ communique.FeatureStore = (*Community)(nil)

// SetCommentFeatured features or unfeatures a comment.
func (db *Community) SetCommentFeatured(ctx context.Context, commentID int64, featured bool, by int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	articleID, err := tx.commentArticle(ctx, commentID)
	if err != nil {
		return err
	}
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM comment_features WHERE comment_id = ?`, commentID); err != nil {
		return fmt.Errorf("unfeature: %w", err)
	}
	if featured {
		if _, err := w.exec(ctx, `INSERT INTO comment_features (comment_id, article_id, featured_at, featured_by) VALUES (?, ?, ?, ?)`,
			commentID, articleID, w.t(tx.now), nullID(by)); err != nil {
			return fmt.Errorf("feature: %w", err)
		}
	}
	return tx.Commit()
}

// FindFeaturedComments returns an article's approved featured comments.
func (db *Community) FindFeaturedComments(ctx context.Context, articleID int64) ([]*communique.Comment, error) {
	rows, err := db.r().query(ctx, `SELECT `+commentPublicColumns+` FROM comment_features f JOIN comments c ON c.id = f.comment_id
		WHERE f.article_id = ? AND c.status = 'approved' ORDER BY f.featured_at, c.id`, articleID)
	if err != nil {
		return nil, fmt.Errorf("find featured comments: %w", err)
	}
	defer rows.Close()
	var list []*communique.Comment
	for rows.Next() {
		c, err := scanComment(rows, false)
		if err != nil {
			return nil, err
		}
		c.Featured = true
		list = append(list, c)
	}
	return list, rows.Err()
}

// FindUserRoles returns the roles of these users.
func (db *Community) FindUserRoles(ctx context.Context, ids []int64) (map[int64]communique.Role, error) {
	roles := map[int64]communique.Role{}
	if len(ids) == 0 {
		return roles, nil
	}
	rows, err := db.r().query(ctx, `SELECT id, role FROM users WHERE id IN (`+Placeholders(len(ids))+`)`, Int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("find user roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var role communique.Role
		if err := rows.Scan(&id, &role); err != nil {
			return nil, fmt.Errorf("scan user role: %w", err)
		}
		roles[id] = role
	}
	return roles, rows.Err()
}

var _ communique.ReactionStore = (*Community)(nil)

// CreateCommentReaction counts a reader's reaction once.
func (db *Community) CreateCommentReaction(ctx context.Context, commentID int64, readerKey, ip string) (bool, error) {
	w := db.wr()
	res, err := w.exec(ctx, `INSERT INTO comment_reactions (comment_id, reader_key, ip, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (comment_id, reader_key) DO NOTHING`, commentID, readerKey, ip, w.t(db.Now().UTC()))
	if err != nil {
		return false, db.wrap(err, "Reaction")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CountCommentReactions returns the reactions of these comments.
func (db *Community) CountCommentReactions(ctx context.Context, ids []int64) (map[int64]int, error) {
	counts := map[int64]int{}
	if len(ids) == 0 {
		return counts, nil
	}
	rows, err := db.r().query(ctx, `SELECT comment_id, COUNT(*) FROM comment_reactions WHERE comment_id IN (`+Placeholders(len(ids))+`)
		GROUP BY comment_id`, Int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("count reactions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("scan reactions: %w", err)
		}
		counts[id] = n
	}
	return counts, rows.Err()
}
