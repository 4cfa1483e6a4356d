package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"communique"
	"communique/markup"
)

const userColumns = `id, login, slug, display_name, email, role, password_hash, created_at, bio, photo_id, language`

// FindUserByID returns a user.
func (db *People) FindUserByID(ctx context.Context, id int64) (*communique.User, error) {
	list, err := db.FindUsers(ctx, communique.UserFilter{ID: &id})
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "User not found.")
	}
	return list[0], nil
}

// FindUsers returns matching users ordered by login.
func (db *People) FindUsers(ctx context.Context, f communique.UserFilter) ([]*communique.User, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		where, args = append(where, "id = ?"), append(args, *f.ID)
	}
	if f.Login != nil {
		where, args = append(where, "LOWER(login) = LOWER(?)"), append(args, *f.Login)
	}
	if f.Slug != nil {
		where, args = append(where, "slug = ?"), append(args, *f.Slug)
	}
	if f.Email != nil {
		where, args = append(where, "LOWER(email) = LOWER(?)"), append(args, *f.Email)
	}
	if f.Role != nil {
		where, args = append(where, "role = ?"), append(args, string(*f.Role))
	}
	if f.HasPublished {
		where = append(where, "EXISTS (SELECT 1 FROM articles a WHERE a.author_id = users.id AND a.status = 'published')")
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := db.r().query(ctx, `SELECT `+userColumns+` FROM users WHERE `+strings.Join(where, " AND ")+` ORDER BY login LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", err)
	}
	defer rows.Close()
	var list []*communique.User
	for rows.Next() {
		u := &communique.User{}
		if err := rows.Scan(&u.ID, &u.Login, &u.Slug, &u.DisplayName, &u.Email, &u.Role, &u.PasswordHash, scanTime{&u.CreatedAt}, &u.Bio, &u.PhotoID, &u.Language); err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		list = append(list, u)
	}
	return list, rows.Err()
}

// CreateUser stores a user; the login must be free (case-insensitively).
func (db *People) CreateUser(ctx context.Context, u *communique.User) error {
	return db.createUser(ctx, u, false)
}

// CreateFirstAdministrator stores u as an administrator only if none
// exists yet, in one transaction, so two racing /setup forms cannot both
// succeed. ECONFLICT when an administrator exists.
func (db *People) CreateFirstAdministrator(ctx context.Context, u *communique.User) error {
	u.Role = communique.RoleAdministrator
	return db.createUser(ctx, u, true)
}

func (db *People) createUser(ctx context.Context, u *communique.User, firstAdmin bool) error {
	if err := u.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if firstAdmin {
		if db.dialect.SerializeLock != "" {
			if _, err := w.exec(ctx, db.dialect.SerializeLock); err != nil {
				return err
			}
		}
		var admins int
		if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE role = 'administrator'`).Scan(&admins); err != nil {
			return err
		} else if admins > 0 {
			return communique.Errorf(communique.ECONFLICT, "An administrator already exists.")
		}
	}
	var taken int
	if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE LOWER(login) = LOWER(?)`, u.Login).Scan(&taken); err != nil {
		return err
	} else if taken > 0 {
		return communique.Errorf(communique.ECONFLICT, "The login %q is taken.", u.Login)
	}
	if err := emailFree(ctx, w, u.Email, 0); err != nil {
		return err
	}
	base := markup.Slugify(u.Login)
	if base == "" {
		base = "author"
	}
	u.Slug = base
	for n := 2; ; n++ {
		if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE slug = ?`, u.Slug).Scan(&taken); err != nil {
			return err
		} else if taken == 0 {
			break
		}
		u.Slug = base + "-" + strconv.Itoa(n)
	}
	if strings.TrimSpace(u.DisplayName) == "" {
		u.DisplayName = u.Login
	}
	u.CreatedAt = tx.now
	u.Bio = strings.TrimSpace(u.Bio)
	err = w.row(ctx, `INSERT INTO users (login, slug, display_name, email, role, password_hash, created_at, bio, photo_id, language)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Login, u.Slug, u.DisplayName, u.Email, string(u.Role), u.PasswordHash, w.t(u.CreatedAt), u.Bio, u.PhotoID, u.Language).Scan(&u.ID)
	if err != nil {
		return db.wrap(err, "User")
	}
	return tx.Commit()
}

// msgEmailTaken is the message of the conflict when another account has
// the address; the unique index on LOWER(email) is the last word, this
// check the clear one.
const msgEmailTaken = "Another account uses the email address %s."

// emailFree answers ECONFLICT when an account other than self has the
// address, in any case.
func emailFree(ctx context.Context, w q, email string, self int64) error {
	var taken int
	if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE LOWER(email) = LOWER(?) AND id <> ?`, email, self).Scan(&taken); err != nil {
		return err
	} else if taken > 0 {
		return communique.Errorf(communique.ECONFLICT, msgEmailTaken, email)
	}
	return nil
}

// CountUsers counts users with a role, or all users for "".
func (db *People) CountUsers(ctx context.Context, role communique.Role) (int, error) {
	var n int
	var err error
	if role == "" {
		err = db.r().row(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	} else {
		err = db.r().row(ctx, `SELECT COUNT(*) FROM users WHERE role = ?`, string(role)).Scan(&n)
	}
	return n, err
}

// UpdateUser changes the given fields of a user.
func (db *People) UpdateUser(ctx context.Context, id int64, upd communique.UserUpdate) (*communique.User, error) {
	u, err := db.FindUserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if upd.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*upd.DisplayName)
		if u.DisplayName == "" {
			u.DisplayName = u.Login
		}
	}
	if upd.Email != nil {
		u.Email = strings.TrimSpace(*upd.Email)
	}
	if upd.Role != nil {
		u.Role = *upd.Role
	}
	if upd.PasswordHash != nil {
		u.PasswordHash = *upd.PasswordHash
	}
	if upd.Bio != nil {
		u.Bio = strings.TrimSpace(*upd.Bio)
	}
	if upd.PhotoID != nil {
		u.PhotoID = *upd.PhotoID
	}
	if upd.Language != nil {
		u.Language = strings.TrimSpace(*upd.Language)
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if upd.Role != nil && *upd.Role != communique.RoleAdministrator {
		// Never demote the last administrator: nobody could manage the site.
		var admins int
		if err := tx.w().row(ctx, `SELECT COUNT(*) FROM users WHERE role = 'administrator' AND id <> ?`, id).Scan(&admins); err != nil {
			return nil, err
		}
		var was string
		tx.w().row(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&was)
		if was == string(communique.RoleAdministrator) && admins == 0 {
			return nil, communique.Errorf(communique.EINVALID, "The last administrator cannot be given another role.")
		}
	}
	if err := emailFree(ctx, tx.w(), u.Email, id); err != nil {
		return nil, err
	}
	if _, err := tx.w().exec(ctx, `UPDATE users SET display_name = ?, email = ?, role = ?, password_hash = ?, bio = ?, photo_id = ?, language = ? WHERE id = ?`,
		u.DisplayName, u.Email, string(u.Role), u.PasswordHash, u.Bio, u.PhotoID, u.Language, id); err != nil {
		return nil, db.wrap(err, "User")
	}
	return u, tx.Commit()
}

// DeleteUser removes a user; their articles go to reassignTo.
func (db *People) DeleteUser(ctx context.Context, id, reassignTo int64) error {
	if id == reassignTo {
		return communique.Errorf(communique.EINVALID, "Choose another user to receive the articles.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var role string
	if err := w.row(ctx, `SELECT role FROM users WHERE id = ?`, id).Scan(&role); err != nil {
		return db.wrap(err, "User")
	}
	var n int
	if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, reassignTo).Scan(&n); err != nil || n == 0 {
		return communique.Errorf(communique.EINVALID, "The user to receive the articles does not exist.")
	}
	if role == string(communique.RoleAdministrator) {
		if err := w.row(ctx, `SELECT COUNT(*) FROM users WHERE role = 'administrator' AND id <> ?`, id).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return communique.Errorf(communique.EINVALID, "The last administrator cannot be deleted.")
		}
	}
	if _, err := w.exec(ctx, `UPDATE articles SET author_id = ? WHERE author_id = ?`, reassignTo, id); err != nil {
		return err
	}
	if _, err := w.exec(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
		return db.wrap(err, "User")
	}
	return tx.Commit()
}
