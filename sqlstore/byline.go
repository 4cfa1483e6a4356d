package sqlstore

import (
	"context"
	"fmt"

	"communique"
	"communique/markup"
)

// Bylines: the people credited on an article, in order, users or guest
// contributors without a login.

// setBylines replaces an article's bylines. A byline with a name alone is
// a guest, found by the slug of the name or created.
func (tx *Tx) setBylines(ctx context.Context, articleID int64, list []communique.Byline) error {
	if err := communique.ValidateBylines(list); err != nil {
		return err
	}
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM article_authors WHERE article_id = ?`, articleID); err != nil {
		return fmt.Errorf("clear bylines: %w", err)
	}
	seen := map[[2]int64]bool{}
	pos := 0
	for _, b := range list {
		user, guest := b.UserID, b.GuestID
		var err error
		switch {
		case user != 0:
			err = tx.mustExist(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, user, "There is no user %d to credit.")
		case guest != 0:
			err = tx.mustExist(ctx, `SELECT COUNT(*) FROM guest_authors WHERE id = ?`, guest, "There is no guest contributor %d.")
		default:
			guest, err = tx.guestByName(ctx, b.Name)
		}
		if err != nil {
			return err
		}
		if key := [2]int64{user, guest}; seen[key] {
			continue // credited once
		} else {
			seen[key] = true
		}
		if _, err := w.exec(ctx, `INSERT INTO article_authors (article_id, position, user_id, guest_id) VALUES (?, ?, ?, ?)`,
			articleID, pos, nullID(user), nullID(guest)); err != nil {
			return fmt.Errorf("set byline: %w", err)
		}
		pos++
	}
	return nil
}

func (tx *Tx) mustExist(ctx context.Context, query string, id int64, missing string) error {
	var n int
	if err := tx.w().row(ctx, query, id).Scan(&n); err != nil {
		return fmt.Errorf("find byline: %w", err)
	}
	if n == 0 {
		return communique.Errorf(communique.EINVALID, missing, id)
	}
	return nil
}

// guestByName returns the guest contributor whose slug the name makes,
// creating them the first time they are credited.
func (tx *Tx) guestByName(ctx context.Context, name string) (int64, error) {
	slug := markup.Slugify(name)
	if slug == "" {
		return 0, communique.Errorf(communique.EINVALID, "A guest's name needs letters or digits.")
	}
	w := tx.w()
	var id int64
	err := w.row(ctx, `SELECT id FROM guest_authors WHERE slug = ?`, slug).Scan(&id)
	if err == nil {
		return id, nil
	}
	if err := w.row(ctx, `INSERT INTO guest_authors (name, slug, created_at) VALUES (?, ?, ?) RETURNING id`,
		name, slug, w.t(tx.now)).Scan(&id); err != nil {
		return 0, tx.db.wrap(err, "Guest contributor")
	}
	return id, nil
}

// FindGuestAuthorBySlug returns a guest contributor. ENOTFOUND.
func (db *Articles) FindGuestAuthorBySlug(ctx context.Context, slug string) (*communique.GuestAuthor, error) {
	g := &communique.GuestAuthor{}
	err := db.r().row(ctx, `SELECT id, name, slug, bio FROM guest_authors WHERE slug = ?`, slug).Scan(&g.ID, &g.Name, &g.Slug, &g.Bio)
	if err != nil {
		return nil, db.wrap(err, "Guest contributor")
	}
	return g, nil
}
