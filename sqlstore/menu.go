package sqlstore

import (
	"context"
	"fmt"

	"communique"
	"communique/markup"
)

// FindMenus returns every menu with its items.
func (db *Terms) FindMenus(ctx context.Context) ([]*communique.Menu, error) {
	r := db.r()
	rows, err := r.query(ctx, `SELECT id, name, slug, location FROM menus ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("menus: %w", err)
	}
	defer rows.Close()
	var menus []*communique.Menu
	byID := map[int64]*communique.Menu{}
	for rows.Next() {
		m := &communique.Menu{}
		if err := rows.Scan(&m.ID, &m.Name, &m.Slug, &m.Location); err != nil {
			return nil, err
		}
		menus = append(menus, m)
		byID[m.ID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	items, err := r.query(ctx, `SELECT id, menu_id, COALESCE(parent_id, 0), position, label, url, object_type, object_id
		FROM menu_items ORDER BY menu_id, position, id`)
	if err != nil {
		return nil, fmt.Errorf("menu items: %w", err)
	}
	defer items.Close()
	for items.Next() {
		it := &communique.MenuItem{}
		var menuID int64
		if err := items.Scan(&it.ID, &menuID, &it.ParentID, &it.Position, &it.Label, &it.URL, &it.ObjectType, &it.ObjectID); err != nil {
			return nil, err
		}
		if m := byID[menuID]; m != nil {
			m.Items = append(m.Items, it)
		}
	}
	return menus, items.Err()
}

// SaveMenu creates or replaces the menu with m's slug. Items' ParentID
// refers to the ID of another item of m as given; they are renumbered.
// Only one menu holds a location at a time.
func (db *Terms) SaveMenu(ctx context.Context, m *communique.Menu) error {
	if m.Name == "" {
		return communique.Errorf(communique.EINVALID, "Menu name required.")
	}
	if m.Slug == "" {
		m.Slug = markup.Slugify(m.Name)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	if m.Location != "" {
		if _, err := w.exec(ctx, `UPDATE menus SET location = '' WHERE location = ? AND slug <> ?`, m.Location, m.Slug); err != nil {
			return err
		}
	}
	err = w.row(ctx, `INSERT INTO menus (name, slug, location) VALUES (?, ?, ?)
		ON CONFLICT (slug) DO UPDATE SET name = excluded.name, location = excluded.location RETURNING id`,
		m.Name, m.Slug, m.Location).Scan(&m.ID)
	if err != nil {
		return db.wrap(err, "Menu")
	}
	if _, err := w.exec(ctx, `DELETE FROM menu_items WHERE menu_id = ?`, m.ID); err != nil {
		return err
	}
	newID := map[int64]int64{}
	for i, it := range m.Items {
		var parent any
		if p, ok := newID[it.ParentID]; ok {
			parent = p
		}
		if it.ObjectType == "" {
			it.ObjectType = "custom"
		}
		var id int64
		err := w.row(ctx, `INSERT INTO menu_items (menu_id, parent_id, position, label, url, object_type, object_id)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, m.ID, parent, i, it.Label, it.URL, it.ObjectType, it.ObjectID).Scan(&id)
		if err != nil {
			return fmt.Errorf("menu item: %w", err)
		}
		newID[it.ID] = id
		it.ID, it.Position = id, i
		if p, ok := parent.(int64); ok {
			it.ParentID = p
		} else {
			it.ParentID = 0
		}
	}
	return tx.Commit()
}
