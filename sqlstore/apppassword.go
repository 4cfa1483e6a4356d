package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"communique"
)

var _ communique.AppPasswordService = (*People)(nil)

const appPasswordColumns = `id, user_id, name, hash, created_at, last_used_at, last_ip`

// CreateAppPassword stores a new application password.
func (db *People) CreateAppPassword(ctx context.Context, p *communique.AppPassword) error {
	p.Name = strings.TrimSpace(p.Name)
	if err := p.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var users, n int
	if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, p.UserID).Scan(&users); err != nil {
		return err
	} else if users == 0 {
		return communique.Errorf(communique.ENOTFOUND, "User not found.")
	}
	if err := w.row(ctx, `SELECT COUNT(*) FROM app_passwords WHERE user_id = ?`, p.UserID).Scan(&n); err != nil {
		return err
	} else if n >= communique.MaxAppPasswords {
		return communique.Errorf(communique.EINVALID, "You have %d application passwords already; revoke one you no longer use first.", n)
	}
	p.CreatedAt, p.LastIP = tx.now, ""
	if err := w.row(ctx, `INSERT INTO app_passwords (user_id, name, hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		p.UserID, p.Name, p.Hash, w.t(p.CreatedAt)).Scan(&p.ID); err != nil {
		return db.wrap(err, "Application password")
	}
	return tx.Commit()
}

// FindAppPasswords lists a user's application passwords, newest first.
// It reads through the writer so a password revoked an instant ago on
// this node no longer signs anyone in.
func (db *People) FindAppPasswords(ctx context.Context, userID int64) ([]*communique.AppPassword, error) {
	rows, err := db.wr().query(ctx, `SELECT `+appPasswordColumns+` FROM app_passwords WHERE user_id = ? ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("find application passwords: %w", err)
	}
	defer rows.Close()
	var list []*communique.AppPassword
	for rows.Next() {
		p := &communique.AppPassword{}
		if err := rows.Scan(&p.ID, &p.UserID, &p.Name, &p.Hash, scanTime{&p.CreatedAt}, scanTime{&p.LastUsedAt}, &p.LastIP); err != nil {
			return nil, fmt.Errorf("scan application password: %w", err)
		}
		list = append(list, p)
	}
	return list, rows.Err()
}

// DeleteAppPassword revokes one of the user's application passwords.
func (db *People) DeleteAppPassword(ctx context.Context, userID, id int64) error {
	return db.changeAppPassword(ctx, func(tx *Tx) (string, []any) {
		return `DELETE FROM app_passwords WHERE id = ? AND user_id = ?`, []any{id, userID}
	})
}

// TouchAppPassword records the time and IP of a use.
func (db *People) TouchAppPassword(ctx context.Context, id int64, ip string) error {
	return db.changeAppPassword(ctx, func(tx *Tx) (string, []any) {
		return `UPDATE app_passwords SET last_used_at = ?, last_ip = ? WHERE id = ?`, []any{tx.w().t(tx.now), ip, id}
	})
}

// changeAppPassword runs one statement that must touch a row.
func (db *People) changeAppPassword(ctx context.Context, stmt func(tx *Tx) (string, []any)) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	query, args := stmt(tx)
	res, err := tx.w().exec(ctx, query, args...)
	if err != nil {
		return db.wrap(err, "Application password")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Application password not found.")
	}
	return tx.Commit()
}
