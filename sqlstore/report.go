package sqlstore

import (
	"context"
	"fmt"

	"communique"
)

var _ communique.ReportStore = (*Reports)(nil)

const reportColumns = `id, comment_id, reason, explanation, reporter_key, reporter_ip, notify_email, created_at,
	decision, decision_reason, decided_at, COALESCE(decided_by, 0)`

func scanReport(sc interface{ Scan(...any) error }) (*communique.CommentReport, error) {
	r := &communique.CommentReport{}
	if err := sc.Scan(&r.ID, &r.CommentID, &r.Reason, &r.Explanation, &r.ReporterKey, &r.ReporterIP, &r.NotifyEmail,
		scanTime{&r.CreatedAt}, &r.Decision, &r.DecisionReason, scanTime{&r.DecidedAt}, &r.DecidedBy); err != nil {
		return nil, fmt.Errorf("scan report: %w", err)
	}
	return r, nil
}

// CreateCommentReport stores a report and returns the comment's open
// tally, counted in the same transaction so two nodes never both miss
// the threshold.
func (db *Reports) CreateCommentReport(ctx context.Context, r *communique.CommentReport) (communique.ReportTally, error) {
	var tally communique.ReportTally
	tx, err := db.begin(ctx)
	if err != nil {
		return tally, err
	}
	defer tx.Rollback()
	w := tx.w()
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	err = w.row(ctx, `INSERT INTO comment_reports (comment_id, reason, explanation, reporter_key, reporter_ip, notify_email, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CommentID, string(r.Reason), r.Explanation, r.ReporterKey, r.ReporterIP, r.NotifyEmail, w.t(r.CreatedAt)).Scan(&r.ID)
	if err != nil {
		if db.dialect.IsUniqueViolation != nil && db.dialect.IsUniqueViolation(err) {
			return tally, communique.Errorf(communique.ECONFLICT, "You have already reported this comment.")
		}
		return tally, db.wrap(err, "Comment")
	}
	var keys, ips int
	if err := w.row(ctx, `SELECT COUNT(*), COUNT(DISTINCT reporter_key), COUNT(DISTINCT reporter_ip)
		FROM comment_reports WHERE comment_id = ? AND decision = ''`, r.CommentID).Scan(&tally.Reports, &keys, &ips); err != nil {
		return tally, fmt.Errorf("count reports: %w", err)
	}
	tally.Readers = min(keys, ips)
	return tally, tx.Commit()
}

// FindCommentReports returns a comment's reports, oldest first.
func (db *Reports) FindCommentReports(ctx context.Context, commentID int64) ([]*communique.CommentReport, error) {
	rows, err := db.r().query(ctx, `SELECT `+reportColumns+` FROM comment_reports WHERE comment_id = ? ORDER BY id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("find reports: %w", err)
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

// FindReportedComments returns comments with open reports and their
// total, each with its open reports.
func (db *Reports) FindReportedComments(ctx context.Context, byReports bool, offset, limit int) ([]*communique.ReportedComment, int, error) {
	order := "MIN(id), comment_id"
	if byReports {
		order = "COUNT(*) DESC, MIN(id), comment_id"
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	r := db.r()
	rows, err := r.query(ctx, `SELECT comment_id, COUNT(*) OVER () FROM comment_reports WHERE decision = ''
		GROUP BY comment_id ORDER BY `+order+` LIMIT ? OFFSET ?`, limit, max(offset, 0))
	if err != nil {
		return nil, 0, fmt.Errorf("find reported comments: %w", err)
	}
	var list []*communique.ReportedComment
	byID := map[int64]*communique.ReportedComment{}
	total := 0
	for rows.Next() {
		rc := &communique.ReportedComment{}
		if err := rows.Scan(&rc.CommentID, &total); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("scan reported comment: %w", err)
		}
		list = append(list, rc)
		byID[rc.CommentID] = rc
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(list) == 0 {
		return list, total, err
	}
	ids := make([]int64, len(list))
	for i, rc := range list {
		ids[i] = rc.CommentID
	}
	rows, err = r.query(ctx, `SELECT `+reportColumns+` FROM comment_reports WHERE decision = '' AND comment_id IN (`+
		Placeholders(len(ids))+`) ORDER BY id`, Int64Args(ids)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find open reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		rep, err := scanReport(rows)
		if err != nil {
			return nil, 0, err
		}
		byID[rep.CommentID].Reports = append(byID[rep.CommentID].Reports, rep)
	}
	return list, total, rows.Err()
}

// DecideCommentReports closes a comment's open reports with a decision
// and returns them, so the reporters who asked can be told.
func (db *Reports) DecideCommentReports(ctx context.Context, commentID int64, decision communique.CommentStatus, reason string, by int64) ([]*communique.CommentReport, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	rows, err := w.query(ctx, `SELECT `+reportColumns+` FROM comment_reports WHERE comment_id = ? AND decision = '' ORDER BY id`, commentID)
	if err != nil {
		return nil, fmt.Errorf("find open reports: %w", err)
	}
	var list []*communique.CommentReport
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var user any
	if by != 0 {
		user = by
	}
	if _, err := w.exec(ctx, `UPDATE comment_reports SET decision = ?, decision_reason = ?, decided_at = ?, decided_by = ?
		WHERE comment_id = ? AND decision = ''`, string(decision), reason, w.t(tx.now), user, commentID); err != nil {
		return nil, fmt.Errorf("decide reports: %w", err)
	}
	for _, r := range list {
		r.Decision, r.DecisionReason, r.DecidedAt, r.DecidedBy = decision, reason, tx.now, by
	}
	return list, tx.Commit()
}
