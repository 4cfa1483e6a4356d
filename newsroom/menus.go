package newsroom

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"communique"
	"communique/markup"
)

// Menus. Editors build the site's navigation with plain forms: add an
// article, a page, a section, a tag or a custom link, move items among
// their siblings, nest them under the item before or lift them out, and
// choose where the menu shows. Each change saves the menu in one
// transaction; the store's triggers tell the other nodes, so every node
// shows it at once.

// MaxMenuItems bounds a menu.
const MaxMenuItems = 200

// Menu moves.
const (
	MoveUp  = "up"
	MoveDn  = "down"
	MoveIn  = "in"  // under the item before, as its last child
	MoveOut = "out" // out of its parent, right after it
)

// FindMenus returns every menu with its items.
func (s *Service) FindMenus(ctx context.Context) ([]*communique.Menu, error) {
	if s.Menus == nil {
		return nil, nil
	}
	return s.Menus.FindMenus(ctx)
}

// CreateMenu adds an empty menu named name. EFORBIDDEN, EINVALID,
// ECONFLICT when one has its slug.
func (s *Service) CreateMenu(ctx context.Context, by Actor, name string) (*communique.Menu, error) {
	if err := s.mayEditMenus(by); err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 || !communique.ValidText(name) {
		return nil, communique.Errorf(communique.EINVALID, "Give the menu a name of at most 100 characters.")
	}
	m := &communique.Menu{Name: name, Slug: markup.Slugify(name)}
	if m.Slug == "" {
		return nil, communique.Errorf(communique.EINVALID, "Give the menu a name with letters or digits.")
	}
	if found, _ := s.findMenu(ctx, m.Slug); found != nil {
		return nil, communique.Errorf(communique.ECONFLICT, "A menu called %q exists already.", found.Name)
	}
	return m, s.frontChanged(s.Menus.SaveMenu(ctx, m))
}

// EditMenu applies edit to the menu with slug and saves it.
// EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) EditMenu(ctx context.Context, by Actor, slug string, edit func(m *communique.Menu) error) error {
	if err := s.mayEditMenus(by); err != nil {
		return err
	}
	m, err := s.findMenu(ctx, slug)
	if err != nil {
		return err
	}
	if err := edit(m); err != nil {
		return err
	}
	if len(m.Items) > MaxMenuItems {
		return communique.Errorf(communique.EINVALID, "A menu holds at most %d items.", MaxMenuItems)
	}
	return s.frontChanged(s.Menus.SaveMenu(ctx, m))
}

// SetMenuLocation places the menu (communique.MenuPrimary) or takes it
// away (""); the menu there before leaves it.
func (s *Service) SetMenuLocation(ctx context.Context, by Actor, slug, location string) error {
	if location != "" && location != communique.MenuPrimary {
		return communique.Errorf(communique.EINVALID, "Unknown menu location %q.", location)
	}
	return s.EditMenu(ctx, by, slug, func(m *communique.Menu) error {
		m.Location = location
		return nil
	})
}

// AddMenuItem appends an item at the top level of the menu. An item of
// an article or term takes its title or name as label when none is
// given; a custom link needs a label and an http(s) URL or a path.
func (s *Service) AddMenuItem(ctx context.Context, by Actor, slug string, it communique.MenuItem) error {
	it.Label = strings.TrimSpace(it.Label)
	switch it.ObjectType {
	case "article":
		a, err := s.Store.FindArticleByID(ctx, it.ObjectID)
		if err != nil {
			return err
		}
		if it.Label == "" {
			it.Label = a.Title
		}
		it.URL = ""
	case "term":
		t, err := s.findTerm(ctx, it.ObjectID)
		if err != nil {
			return err
		}
		if it.Label == "" {
			it.Label = t.Name
		}
		it.URL = ""
	case "custom", "":
		it.ObjectType, it.ObjectID = "custom", 0
		it.URL = strings.TrimSpace(it.URL)
		if !menuURL(it.URL) {
			return communique.Errorf(communique.EINVALID, "A custom link needs an address starting with https://, http:// or /.")
		}
	default:
		return communique.Errorf(communique.EINVALID, "Unknown kind of menu item %q.", it.ObjectType)
	}
	if it.Label == "" || len(it.Label) > 200 || !communique.ValidText(it.Label) {
		return communique.Errorf(communique.EINVALID, "Give the item a label of at most 200 characters.")
	}
	return s.EditMenu(ctx, by, slug, func(m *communique.Menu) error {
		it.ID, it.ParentID = -1, 0 // a new item: no id of the menu's
		m.Items = append(m.Items, &it)
		return nil
	})
}

// MoveMenuItem moves the item with id (MoveUp, MoveDn, MoveIn, MoveOut),
// its sub-items with it.
func (s *Service) MoveMenuItem(ctx context.Context, by Actor, slug string, id int64, how string) error {
	return s.EditMenu(ctx, by, slug, func(m *communique.Menu) error {
		return MoveItem(m, id, how)
	})
}

// RemoveMenuItem removes the item with id and its sub-items.
func (s *Service) RemoveMenuItem(ctx context.Context, by Actor, slug string, id int64) error {
	return s.EditMenu(ctx, by, slug, func(m *communique.Menu) error {
		t := newMenuTree(m)
		if t.parent[id] == nil {
			return communique.Errorf(communique.ENOTFOUND, "That item is no longer in the menu.")
		}
		p := *t.parent[id]
		t.children[p] = slices.DeleteFunc(t.children[p], func(x int64) bool { return x == id })
		t.flatten(m)
		return nil
	})
}

// MoveItem moves an item within m's tree and puts m's items back in
// order (parents before their children). ENOTFOUND, EINVALID.
func MoveItem(m *communique.Menu, id int64, how string) error {
	t := newMenuTree(m)
	if t.parent[id] == nil {
		return communique.Errorf(communique.ENOTFOUND, "That item is no longer in the menu.")
	}
	p := *t.parent[id]
	sib := t.children[p]
	i := slices.Index(sib, id)
	switch how {
	case MoveUp, MoveDn:
		j := i - 1
		if how == MoveDn {
			j = i + 1
		}
		if j >= 0 && j < len(sib) {
			sib[i], sib[j] = sib[j], sib[i]
		}
	case MoveIn:
		if i == 0 {
			return communique.Errorf(communique.EINVALID, "The first item of a level has no item before it to go under.")
		}
		newParent := sib[i-1]
		t.children[p] = slices.Delete(sib, i, i+1)
		t.children[newParent] = append(t.children[newParent], id)
	case MoveOut:
		if p == 0 {
			return communique.Errorf(communique.EINVALID, "The item is at the top level already.")
		}
		t.children[p] = slices.Delete(sib, i, i+1)
		gp := *t.parent[p]
		k := slices.Index(t.children[gp], p)
		t.children[gp] = slices.Insert(t.children[gp], k+1, id)
	default:
		return communique.Errorf(communique.EINVALID, "Unknown move %q.", how)
	}
	t.flatten(m)
	return nil
}

// menuTree is a menu's items by parent, in order.
type menuTree struct {
	items    map[int64]*communique.MenuItem
	children map[int64][]int64
	parent   map[int64]*int64
}

func newMenuTree(m *communique.Menu) *menuTree {
	t := &menuTree{items: map[int64]*communique.MenuItem{}, children: map[int64][]int64{}, parent: map[int64]*int64{}}
	for _, it := range m.Items {
		t.items[it.ID] = it
	}
	for _, it := range m.Items {
		p := it.ParentID
		if _, ok := t.items[p]; !ok || p == it.ID {
			p = 0 // a lost parent: the item shows at the top
		}
		t.children[p] = append(t.children[p], it.ID)
		t.parent[it.ID] = &p
	}
	return t
}

// flatten writes the tree back into m.Items, each parent before its
// children, as SaveMenu needs them.
func (t *menuTree) flatten(m *communique.Menu) {
	m.Items = m.Items[:0]
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, id := range t.children[parent] {
			it := t.items[id]
			it.ParentID = parent
			m.Items = append(m.Items, it)
			if depth < 20 {
				walk(id, depth+1)
			}
		}
	}
	walk(0, 0)
}

func (s *Service) findMenu(ctx context.Context, slug string) (*communique.Menu, error) {
	menus, err := s.Menus.FindMenus(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range menus {
		if m.Slug == slug {
			return m, nil
		}
	}
	return nil, communique.Errorf(communique.ENOTFOUND, "No menu %q.", slug)
}

// termFinder is the store's term lookup, which menus of sections and
// tags need.
type termFinder interface {
	FindTerms(ctx context.Context, filter communique.TermFilter) ([]*communique.Term, error)
}

func (s *Service) findTerm(ctx context.Context, id int64) (*communique.Term, error) {
	tf, ok := s.Store.(termFinder)
	if !ok {
		return nil, communique.Errorf(communique.EINTERNAL, "this store keeps no terms")
	}
	list, err := tf.FindTerms(ctx, communique.TermFilter{ID: &id, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "That section or tag no longer exists.")
	}
	return list[0], nil
}

func (s *Service) mayEditMenus(by Actor) error {
	if s.Menus == nil {
		return communique.Errorf(communique.EINTERNAL, "this store keeps no menus")
	}
	if !by.can(communique.ActionArrangeFront, nil) {
		return forbidden("edit the menus")
	}
	return nil
}

// menuURL accepts http(s) URLs and site paths (not //host, javascript:…).
func menuURL(s string) bool {
	if strings.HasPrefix(s, "/") {
		return !strings.HasPrefix(s, "//") && len(s) <= 500 && communique.ValidText(s)
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(s) <= 500
}
