package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"communique"
	"communique/markup"
)

// termColumns take a term's count of published articles as stored, kept
// exact by triggers (0013_term_counts.sql): counted here, it cost every
// page a pass over all the articles of each of its terms.
const termColumns = `t.id, t.taxonomy, t.name, t.slug, COALESCE(t.parent_id, 0), t.description, t.article_count`

func scanTerm(sc interface{ Scan(...any) error }, before ...any) (*communique.Term, error) {
	t := &communique.Term{}
	dest := append(before, &t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID, &t.Description, &t.Count)
	if err := sc.Scan(dest...); err != nil {
		return nil, fmt.Errorf("scan term: %w", err)
	}
	return t, nil
}

// FindTerms returns matching terms ordered by name.
func (db *Terms) FindTerms(ctx context.Context, f communique.TermFilter) ([]*communique.Term, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != nil {
		where, args = append(where, "t.id = ?"), append(args, *f.ID)
	}
	if f.Taxonomy != nil {
		where, args = append(where, "t.taxonomy = ?"), append(args, *f.Taxonomy)
	}
	if f.Slug != nil {
		where, args = append(where, "t.slug = ?"), append(args, *f.Slug)
	}
	if f.Name != nil {
		where, args = append(where, "LOWER(t.name) = LOWER(?)"), append(args, *f.Name)
	}
	if f.ParentID != nil {
		if *f.ParentID == 0 {
			where = append(where, "t.parent_id IS NULL")
		} else {
			where, args = append(where, "t.parent_id = ?"), append(args, *f.ParentID)
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 10000
	}
	rows, err := db.r().query(ctx, `SELECT `+termColumns+` FROM terms t WHERE `+strings.Join(where, " AND ")+
		` ORDER BY LOWER(t.name), t.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find terms: %w", err)
	}
	return scanAll(rows, func() (*communique.Term, error) { return scanTerm(rows) })
}

// termAndDescendants returns id and the ids of every category below it,
// so a parent category's archive shows its children's articles.
func (db *core) termAndDescendants(ctx context.Context, id int64) ([]int64, error) {
	rows, err := db.r().query(ctx, `WITH RECURSIVE sub(id, depth) AS (
			SELECT id, 0 FROM terms WHERE id = ?
			UNION SELECT t.id, sub.depth + 1 FROM terms t JOIN sub ON t.parent_id = sub.id WHERE sub.depth < 32
		) SELECT DISTINCT id FROM sub`, id)
	if err != nil {
		return nil, fmt.Errorf("term descendants: %w", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CreateTerm stores a term with a unique slug within its taxonomy.
func (db *Terms) CreateTerm(ctx context.Context, t *communique.Term) error {
	if err := t.Validate(); err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.createTerm(ctx, t); err != nil {
		return err
	}
	return tx.Commit()
}

func (tx *Tx) createTerm(ctx context.Context, t *communique.Term) error {
	w := tx.w()
	var parent any
	if t.ParentID != 0 {
		var tax string
		if err := w.row(ctx, `SELECT taxonomy FROM terms WHERE id = ?`, t.ParentID).Scan(&tax); err != nil || tax != t.Taxonomy {
			return communique.Errorf(communique.EINVALID, "The parent category does not exist.")
		}
		parent = t.ParentID
	}
	base := markup.Slugify(t.Slug)
	if base == "" {
		base = markup.Slugify(t.Name)
	}
	if base == "" {
		base = t.Taxonomy
	}
	slug := base
	for n := 2; ; n++ {
		var taken int
		if err := w.row(ctx, `SELECT COUNT(*) FROM terms WHERE taxonomy = ? AND slug = ?`, t.Taxonomy, slug).Scan(&taken); err != nil {
			return fmt.Errorf("term slug: %w", err)
		}
		if taken == 0 {
			break
		}
		slug = base + "-" + strconv.Itoa(n)
	}
	t.Slug = slug
	err := w.row(ctx, `INSERT INTO terms (taxonomy, name, slug, parent_id, description) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		t.Taxonomy, strings.TrimSpace(t.Name), t.Slug, parent, t.Description).Scan(&t.ID)
	return tx.db.wrap(err, "Term")
}

// UpdateTerm changes a term's name, slug, description or parent.
func (db *Terms) UpdateTerm(ctx context.Context, id int64, upd communique.TermUpdate) (*communique.Term, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	t := &communique.Term{ID: id}
	var parent *int64
	err = w.row(ctx, `SELECT taxonomy, name, slug, parent_id, description FROM terms WHERE id = ?`, id).
		Scan(&t.Taxonomy, &t.Name, &t.Slug, &parent, &t.Description)
	if err != nil {
		return nil, db.wrap(err, "Term")
	}
	if parent != nil {
		t.ParentID = *parent
	}
	if upd.Name != nil {
		t.Name = *upd.Name
	}
	if upd.Description != nil {
		t.Description = *upd.Description
	}
	if upd.ParentID != nil {
		t.ParentID = *upd.ParentID
	}
	t.Name = strings.TrimSpace(t.Name)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if upd.Slug != nil {
		if t.Slug = markup.Slugify(*upd.Slug); t.Slug == "" {
			t.Slug = markup.Slugify(t.Name)
		}
		var taken int
		if err := w.row(ctx, `SELECT COUNT(*) FROM terms WHERE taxonomy = ? AND slug = ? AND id <> ?`, t.Taxonomy, t.Slug, id).Scan(&taken); err != nil {
			return nil, fmt.Errorf("term slug: %w", err)
		}
		if taken > 0 {
			return nil, communique.Errorf(communique.ECONFLICT, "The slug %q is already in use by another term.", t.Slug)
		}
	}
	if err := tx.checkTermParent(ctx, t); err != nil {
		return nil, err
	}
	var newParent any
	if t.ParentID != 0 {
		newParent = t.ParentID
	}
	if _, err := w.exec(ctx, `UPDATE terms SET name = ?, slug = ?, parent_id = ?, description = ? WHERE id = ?`,
		t.Name, t.Slug, newParent, t.Description, id); err != nil {
		return nil, db.wrap(err, "Term")
	}
	return t, tx.Commit()
}

// checkParent refuses a parent of another taxonomy, a missing one, or
// one at or below the term itself, which would make a loop.
func (tx *Tx) checkTermParent(ctx context.Context, t *communique.Term) error {
	w := tx.w()
	for cur, hops := t.ParentID, 0; cur != 0; hops++ {
		if cur == t.ID || hops > 1000 {
			return communique.Errorf(communique.EINVALID, "A category cannot be its own parent or sit below itself.")
		}
		var tax string
		var up *int64
		if err := w.row(ctx, `SELECT taxonomy, parent_id FROM terms WHERE id = ?`, cur).Scan(&tax, &up); err != nil || tax != t.Taxonomy {
			return communique.Errorf(communique.EINVALID, "The parent category does not exist.")
		}
		cur = 0
		if up != nil {
			cur = *up
		}
	}
	return nil
}

// EnsureTerm finds a term by name or slug, creating it when missing.
func (db *Terms) EnsureTerm(ctx context.Context, taxonomy, name string) (*communique.Term, error) {
	name = strings.TrimSpace(name)
	t := &communique.Term{Taxonomy: taxonomy, Name: name}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var id int64
	err = tx.w().row(ctx, `SELECT id FROM terms WHERE taxonomy = ? AND (LOWER(name) = LOWER(?) OR slug = ?) ORDER BY id LIMIT 1`,
		taxonomy, name, markup.Slugify(name)).Scan(&id)
	if err == nil {
		tx.Rollback()
		list, err := db.FindTerms(ctx, communique.TermFilter{ID: &id})
		if err != nil || len(list) == 0 {
			return nil, db.wrap(err, "Term")
		}
		return list[0], nil
	}
	if err := tx.createTerm(ctx, t); err != nil {
		return nil, err
	}
	return t, tx.Commit()
}

// DeleteTerm removes a term; its children move up to its parent.
func (db *Terms) DeleteTerm(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var parent *int64
	if err := w.row(ctx, `SELECT parent_id FROM terms WHERE id = ?`, id).Scan(&parent); err != nil {
		return db.wrap(err, "Term")
	}
	if _, err := w.exec(ctx, `UPDATE terms SET parent_id = ? WHERE parent_id = ?`, parent, id); err != nil {
		return err
	}
	if _, err := w.exec(ctx, `DELETE FROM terms WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.Commit()
}
