package wordpress

import (
	"communique"
	"communique/markup"
	"communique/wxr"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

func (ru *run) menuItem(it *wxr.Item) {
	menu := ""
	for _, t := range it.Terms {
		if t.Domain == wxr.TaxonomyNavMenu {
			menu = t.Nicename
			if _, ok := ru.menus[menu]; !ok {
				ru.menus[menu] = &menuDraft{name: plain(t.Name)}
				ru.menuOrder = append(ru.menuOrder, menu)
			}
		}
	}
	if menu == "" {
		ru.skip("menu items that belong to no menu")
		return
	}
	num := func(key string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(it.MetaValue(key)), 10, 64)
		return n
	}
	d := ru.menus[menu]
	d.items = append(d.items, &menuItemDraft{
		id: it.ID, parent: num("_menu_item_menu_item_parent"), objectID: num("_menu_item_object_id"), order: it.MenuOrder,
		typ: it.MetaValue("_menu_item_type"), object: it.MetaValue("_menu_item_object"),
		url: strings.TrimSpace(it.MetaValue("_menu_item_url")), title: plain(it.Title),
	})
}

func (ru *run) saveMenus() error {
	if len(ru.menuOrder) == 0 {
		return nil
	}
	existing, err := ru.Store.FindMenus(ru.ctx)
	if err != nil {
		return err
	}
	had := map[string]bool{}
	for _, m := range existing {
		had[m.Slug] = true
	}
	for _, slug := range ru.menuOrder {
		d := ru.menus[slug]
		m := &communique.Menu{Name: d.name, Slug: markup.Slugify(unescapePath(slug))}
		if m.Name == "" {
			m.Name = slug
		}
		if m.Slug == "" {
			m.Slug = "menu"
		}
		if ru.PrimaryMenu != "" && (ru.PrimaryMenu == slug || ru.PrimaryMenu == m.Slug) {
			m.Location = communique.MenuPrimary
		}
		items, err := ru.menuItems(d)
		if err != nil {
			return err
		}
		m.Items = items
		if err := ru.Store.SaveMenu(ru.ctx, m); err != nil {
			return fmt.Errorf("menu %q: %w", d.name, err)
		}
		ru.sum.count("menus", !had[m.Slug])
		for range m.Items {
			ru.sum.count("menu items", !had[m.Slug])
		}
	}
	return nil
}

// menuItems resolves a menu's items to local articles and terms and puts
// them in position order with every parent before its children, as
// SaveMenu needs.
func (ru *run) menuItems(d *menuDraft) ([]*communique.MenuItem, error) {
	sort.SliceStable(d.items, func(i, j int) bool { return d.items[i].order < d.items[j].order })
	byID := map[int64]*communique.MenuItem{}
	var resolved []*communique.MenuItem
	for _, it := range d.items {
		mi := &communique.MenuItem{ID: it.id, ParentID: it.parent, Label: it.title, URL: it.url, ObjectType: "custom"}
		switch it.typ {
		case "post_type":
			id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindArticle, it.objectID)
			if err == nil {
				mi.ObjectType, mi.ObjectID, mi.URL = "article", id, ""
				if mi.Label == "" {
					if a, err := ru.Store.FindArticleByID(ru.ctx, id); err == nil {
						mi.Label = a.Title
					}
				}
			} else if communique.ErrorCode(err) != communique.ENOTFOUND {
				return nil, err
			}
		case "taxonomy":
			id, err := ru.Store.FindImportedID(ru.ctx, ru.source, communique.KindTerm, it.objectID)
			if err == nil {
				mi.ObjectType, mi.ObjectID, mi.URL = "term", id, ""
				if mi.Label == "" {
					mi.Label = ru.termNames[it.objectID]
				}
			} else if communique.ErrorCode(err) != communique.ENOTFOUND {
				return nil, err
			}
		case "post_type_archive":
			mi.URL = "/"
		}
		if mi.ObjectType == "custom" && mi.URL == "" {
			ru.skip("menu items pointing at something not imported")
			continue
		}
		if mi.ObjectType == "custom" && it.typ != "custom" && it.typ != "post_type_archive" {
			ru.note("menu items pointing at something not imported kept as plain links")
		}
		if mi.Label == "" {
			mi.Label = mi.URL
		}
		if mi.Label == "" {
			mi.Label = "(no label)"
		}
		byID[mi.ID] = mi
		resolved = append(resolved, mi)
	}
	// Parents first: an item goes out once its parent has (or its parent
	// is not in the menu, which puts it at the top).
	var out []*communique.MenuItem
	placed := map[int64]bool{}
	for len(resolved) > 0 {
		var rest []*communique.MenuItem
		for _, mi := range resolved {
			if mi.ParentID != 0 && byID[mi.ParentID] == nil {
				mi.ParentID = 0
			}
			if mi.ParentID == 0 || placed[mi.ParentID] {
				out = append(out, mi)
				placed[mi.ID] = true
			} else {
				rest = append(rest, mi)
			}
		}
		if len(rest) == len(resolved) {
			for _, mi := range rest { // a loop of parents
				mi.ParentID = 0
			}
			out = append(out, rest...)
			break
		}
		resolved = rest
	}
	return out, nil
}
