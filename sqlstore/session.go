package sqlstore

import (
	"context"
	"fmt"
	"time"

	"communique"
)

var (
	_ communique.SessionService  = (*People)(nil)
	_ communique.RevisionService = (*Articles)(nil)
)

// CreateSession stores a session.
func (db *People) CreateSession(ctx context.Context, s *communique.Session) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	s.CreatedAt, s.LastSeenAt = tx.now, tx.now
	if _, err := w.exec(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ID, s.UserID, w.t(s.CreatedAt), w.t(s.LastSeenAt), w.t(s.ExpiresAt), s.IP, s.UserAgent); err != nil {
		return db.wrap(err, "Session")
	}
	// Expired sessions go when new ones come, so the table stays small
	// without a janitor.
	if _, err := w.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, w.t(tx.now)); err != nil {
		return err
	}
	return tx.Commit()
}

const sessionColumns = `id, user_id, created_at, last_seen_at, expires_at, ip, user_agent`

func scanSession(sc interface{ Scan(...any) error }) (*communique.Session, error) {
	s := &communique.Session{}
	err := sc.Scan(&s.ID, &s.UserID, scanTime{&s.CreatedAt}, scanTime{&s.LastSeenAt}, scanTime{&s.ExpiresAt}, &s.IP, &s.UserAgent)
	return s, err
}

// FindSession returns a live session.
func (db *People) FindSession(ctx context.Context, id string) (*communique.Session, error) {
	r := db.r()
	s, err := scanSession(r.row(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ? AND expires_at > ?`, id, r.t(db.Now())))
	if err != nil {
		return nil, db.wrap(err, "Session")
	}
	return s, nil
}

// TouchSession records activity and moves the expiry.
func (db *People) TouchSession(ctx context.Context, id string, expires time.Time) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`, w.t(tx.now), w.t(expires), id); err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return tx.Commit()
}

func (db *People) execOne(ctx context.Context, query string, args ...any) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, query, args...); err != nil {
		return err
	}
	return tx.Commit()
}

// DeleteSession signs a session out.
func (db *People) DeleteSession(ctx context.Context, id string) error {
	return db.execOne(ctx, `DELETE FROM sessions WHERE id = ?`, id)
}

// DeleteUserSessions signs out a user's sessions except keepID.
func (db *People) DeleteUserSessions(ctx context.Context, userID int64, keepID string) error {
	return db.execOne(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepID)
}

// FindUserSessions lists a user's live sessions, newest first.
func (db *People) FindUserSessions(ctx context.Context, userID int64) ([]*communique.Session, error) {
	r := db.r()
	rows, err := r.query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC`, userID, r.t(db.Now()))
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func() (*communique.Session, error) { return scanSession(rows) })
}

// RecordLoginFailure notes a failed sign-in.
func (db *People) RecordLoginFailure(ctx context.Context, login, ip string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO login_failures (login, ip, created_at) VALUES (LOWER(?), ?, ?)`, login, ip, w.t(tx.now)); err != nil {
		return err
	}
	if _, err := w.exec(ctx, `DELETE FROM login_failures WHERE created_at < ?`, w.t(tx.now.Add(-24*time.Hour))); err != nil {
		return err
	}
	return tx.Commit()
}

const revisionColumns = `id, article_id, COALESCE(user_id, 0), title, source, excerpt, autosave, created_at`

func scanRevision(sc interface{ Scan(...any) error }) (*communique.Revision, error) {
	r := &communique.Revision{}
	err := sc.Scan(&r.ID, &r.ArticleID, &r.UserID, &r.Title, &r.Source, &r.Excerpt, &r.Autosave, scanTime{&r.CreatedAt})
	return r, err
}

// FindRevisions lists an article's revisions, newest first.
func (db *Articles) FindRevisions(ctx context.Context, articleID int64) ([]*communique.Revision, error) {
	rows, err := db.r().query(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE article_id = ? ORDER BY id DESC LIMIT 200`, articleID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, func() (*communique.Revision, error) { return scanRevision(rows) })
}

// FindRevisionByID returns one revision.
func (db *Articles) FindRevisionByID(ctx context.Context, id int64) (*communique.Revision, error) {
	r, err := scanRevision(db.r().row(ctx, `SELECT `+revisionColumns+` FROM revisions WHERE id = ?`, id))
	if err != nil {
		return nil, db.wrap(err, "Revision")
	}
	return r, nil
}

// Autosave replaces the user's autosave of the article.
func (db *Articles) Autosave(ctx context.Context, r *communique.Revision) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM revisions WHERE article_id = ? AND user_id = ? AND autosave = ?`, r.ArticleID, r.UserID, true); err != nil {
		return err
	}
	r.Autosave, r.CreatedAt = true, tx.now
	if err := w.row(ctx, `INSERT INTO revisions (article_id, user_id, title, source, excerpt, autosave, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ArticleID, r.UserID, r.Title, r.Source, r.Excerpt, true, w.t(tx.now)).Scan(&r.ID); err != nil {
		return db.wrap(err, "Revision")
	}
	return tx.Commit()
}

// saveRevision records the article's text as it is after a save, and
// drops the saver's autosave, which the save supersedes.
func (tx *Tx) saveRevision(ctx context.Context, a *communique.Article, userID int64) error {
	w := tx.w()
	var user any
	if userID != 0 {
		user = userID
		if _, err := w.exec(ctx, `DELETE FROM revisions WHERE article_id = ? AND user_id = ? AND autosave = ?`, a.ID, userID, true); err != nil {
			return err
		}
	}
	_, err := w.exec(ctx, `INSERT INTO revisions (article_id, user_id, title, source, excerpt, autosave, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, a.ID, user, a.Title, a.Source, a.Excerpt, false, w.t(tx.now))
	if err != nil {
		return fmt.Errorf("revision: %w", err)
	}
	return nil
}

// SigninFailures returns the failures since a time that bear on a
// sign-in of account from ip, in one query on the primary's readers (not
// the single SQLite writer, which a sign-in attack keeps busy recording
// failures): a failure committed an instant ago is already there.
func (db *People) SigninFailures(ctx context.Context, account, ip string, since time.Time) (communique.SigninFailures, error) {
	x := db.primary()
	var f communique.SigninFailures
	err := x.row(ctx, `SELECT
			COALESCE(SUM(CASE WHEN login = ? AND ip = ? THEN 1 ELSE 0 END), 0), MAX(CASE WHEN login = ? AND ip = ? THEN created_at END),
			COALESCE(SUM(CASE WHEN ip = ? THEN 1 ELSE 0 END), 0), MAX(CASE WHEN ip = ? THEN created_at END),
			COALESCE(SUM(CASE WHEN login = ? THEN 1 ELSE 0 END), 0), MAX(CASE WHEN login = ? THEN created_at END)
		FROM login_failures WHERE (login = ? OR ip = ?) AND created_at > ?`,
		account, ip, account, ip, ip, ip, account, account, account, ip, x.t(since)).Scan(
		&f.Pair.N, scanTime{&f.Pair.Last}, &f.Address.N, scanTime{&f.Address.Last}, &f.Account.N, scanTime{&f.Account.Last})
	if err != nil {
		return f, fmt.Errorf("sign-in failures: %w", err)
	}
	return f, nil
}

// RecentSigninFailures lists failures since a time by account and
// address, the latest first.
func (db *People) RecentSigninFailures(ctx context.Context, since time.Time, limit int) ([]communique.SigninFailureGroup, error) {
	x := db.wr()
	rows, err := x.query(ctx, `SELECT login, ip, COUNT(*), MAX(created_at) FROM login_failures WHERE created_at > ?
		GROUP BY login, ip ORDER BY MAX(created_at) DESC, login, ip LIMIT ?`, x.t(since), limit)
	if err != nil {
		return nil, fmt.Errorf("recent sign-in failures: %w", err)
	}
	return scanAll(rows, func() (communique.SigninFailureGroup, error) {
		var g communique.SigninFailureGroup
		err := rows.Scan(&g.Account, &g.IP, &g.Count, scanTime{&g.Last})
		return g, err
	})
}

// ClearSigninFailures forgets an account's failures from ip, or from
// every address when ip is "".
func (db *People) ClearSigninFailures(ctx context.Context, account, ip string) error {
	if ip == "" {
		return db.execOne(ctx, `DELETE FROM login_failures WHERE login = ?`, account)
	}
	return db.execOne(ctx, `DELETE FROM login_failures WHERE login = ? AND ip = ?`, account, ip)
}
