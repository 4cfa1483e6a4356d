package wpapi

import (
	"html"
	"net/http"
	"slices"
	"sort"
	"strings"

	"communique"
	"communique/markup"
)

// Menus: /wp/v2/menus, /wp/v2/menu-items and /wp/v2/menu-locations, as
// WordPress 6.1 serves them, over the site's navigation menus. WordPress
// shows them only to those who may arrange the site (edit_theme_options);
// here that is who may manage terms, as allowed() already says.

func (s *Server) registerMenus(m *http.ServeMux) {
	m.HandleFunc("GET /wp-json/wp/v2/menus", s.handleMenuList)
	m.HandleFunc("POST /wp-json/wp/v2/menus", s.handleMenuCreate)
	m.HandleFunc("GET /wp-json/wp/v2/menus/{id}", s.handleMenuGet)
	m.HandleFunc("GET /wp-json/wp/v2/menu-items", s.handleMenuItemList)
	m.HandleFunc("GET /wp-json/wp/v2/menu-items/{id}", s.handleMenuItemGet)
	m.HandleFunc("GET /wp-json/wp/v2/menu-locations", s.handleMenuLocations)
	m.HandleFunc("GET /wp-json/wp/v2/menu-locations/{location}", s.handleMenuLocations)
}

// menuLocations are the places of the theme a menu can be shown, with
// WordPress's description of each.
var menuLocations = []struct{ name, description string }{{communique.MenuPrimary, "Primary menu"}}

type menuJSON struct {
	ID          int64    `json:"id"`
	Description string   `json:"description"`
	Name        string   `json:"name"`
	Slug        string   `json:"slug"`
	Meta        []any    `json:"meta"`
	Locations   []string `json:"locations"`
	AutoAdd     bool     `json:"auto_add"` // new top-level pages are never added by themselves here
	Links       links    `json:"_links"`
}

func (m *menuJSON) linksOf() links             { return m.Links }
func (m *menuJSON) setEmbedded(map[string]any) {}

type menuItemJSON struct {
	ID          int64    `json:"id"`
	Title       rendered `json:"title"`
	Status      string   `json:"status"`
	URL         string   `json:"url"`
	AttrTitle   string   `json:"attr_title"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	TypeLabel   string   `json:"type_label"`
	Object      string   `json:"object"`
	ObjectID    int64    `json:"object_id"`
	Parent      int64    `json:"parent"`
	MenuOrder   int      `json:"menu_order"`
	Target      string   `json:"target"`
	Classes     []string `json:"classes"`
	XFN         []string `json:"xfn"`
	Invalid     bool     `json:"invalid"`
	Meta        []any    `json:"meta"`
	Menus       int64    `json:"menus"`
	Links       links    `json:"_links"`
}

func (m *menuItemJSON) linksOf() links             { return m.Links }
func (m *menuItemJSON) setEmbedded(map[string]any) {}

type menuLocationJSON struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Menu        int64  `json:"menu"`
	Links       links  `json:"_links"`
}

// mayArrangeMenus refuses callers who may not see menus, as WordPress.
func (s *Server) mayArrangeMenus(w http.ResponseWriter, r *http.Request, c *caller, what string) bool {
	if communique.Can(c.User, communique.ActionManageTerms, nil) {
		return true
	}
	s.fail(w, r, forbidden(c, "rest_cannot_view", "Sorry, you are not allowed to view "+what+"."))
	return false
}

func menuOut(c *caller, m *communique.Menu) *menuJSON {
	out := &menuJSON{ID: m.ID, Name: html.EscapeString(m.Name), Slug: m.Slug, Meta: []any{}, Locations: []string{},
		Links: links{
			"self":         {{Href: c.api("/wp/v2/menus/" + itoa(m.ID))}},
			"collection":   {{Href: c.api("/wp/v2/menus")}},
			"about":        {{Href: c.api("/wp/v2/taxonomies/nav_menu")}},
			"wp:post_type": {{Href: c.api("/wp/v2/menu-items?menus=" + itoa(m.ID))}},
			"curies":       curies,
		}}
	if m.Location != "" {
		out.Locations = append(out.Locations, m.Location)
	}
	return out
}

func (s *Server) findMenu(r *http.Request) (*communique.Menu, []*communique.Menu, error) {
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		return nil, nil, err
	}
	id, _ := pathID(r)
	for _, m := range menus {
		if m.ID == id {
			return m, menus, nil
		}
	}
	return nil, menus, notFound("rest_term_invalid", "Term does not exist.")
}

func (s *Server) handleMenuList(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !s.mayArrangeMenus(w, r, c, "menus") {
		return
	}
	in := queryInput(r)
	bad := invalid{}
	readContext(in, bad)
	pg := readPaging(in, bad)
	search, _ := in.str("search", bad)
	slugs, _ := in.strs("slug", bad)
	include, _ := in.ints("include", bad)
	item, byItem := in.int("post", bad) // the menu holding a menu item, for items' wp:term links
	exclude, _ := in.ints("exclude", bad)
	order, _ := in.choice("order", bad, "asc", "desc")
	orderby, _ := in.choice("orderby", bad, "name", "id", "include", "slug", "description", "count", "term_group", "include_slugs")
	hideEmpty, _ := in.boolean("hide_empty", bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	holds := func(m *communique.Menu) bool {
		for _, it := range m.Items {
			if it.ID == item {
				return true
			}
		}
		return false
	}
	var list []*communique.Menu
	for _, m := range menus {
		switch {
		case byItem && !holds(m):
		case search != "" && !strings.Contains(strings.ToLower(m.Name), strings.ToLower(search)):
		case len(slugs) > 0 && !contains(slugs, m.Slug):
		case len(include) > 0 && !containsID(include, m.ID):
		case containsID(exclude, m.ID), hideEmpty && len(m.Items) == 0:
		default:
			list = append(list, m)
		}
	}
	// By name unless asked otherwise, as WordPress orders terms; a menu
	// has no description and no term group, so those keep the name order.
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch orderby {
		case "id":
			return a.ID < b.ID
		case "slug":
			return a.Slug < b.Slug
		case "count":
			return len(a.Items) < len(b.Items)
		case "include":
			return slices.Index(include, a.ID) < slices.Index(include, b.ID)
		case "include_slugs":
			return slices.Index(slugs, a.Slug) < slices.Index(slugs, b.Slug)
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	})
	if order == "desc" {
		slices.Reverse(list)
	}
	total := len(list)
	if err := setPaging(w, r, c, pg, total, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	out := []*menuJSON{}
	for _, m := range list[min(pg.start(), total):min(pg.start()+pg.PerPage, total)] {
		out = append(out, menuOut(c, m))
	}
	writeList(s, w, r, out)
}

func (s *Server) handleMenuGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !s.mayArrangeMenus(w, r, c, "menus") {
		return
	}
	m, _, err := s.findMenu(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, menuOut(c, m))
}

// handleMenuCreate makes an empty menu, optionally at a location; its
// items are the newsroom's to arrange.
func (s *Server) handleMenuCreate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionManageTerms, nil) {
		s.fail(w, r, forbidden(c, "rest_cannot_create", "Sorry, you are not allowed to create terms in this taxonomy."))
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	name, hasName := in.str("name", bad)
	slug, _ := in.str("slug", bad)
	locations, _ := in.strs("locations", bad)
	for _, l := range locations {
		if l != communique.MenuPrimary {
			bad["locations"] = "The menu location " + l + " is invalid."
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if name = strings.TrimSpace(name); !hasName || name == "" {
		s.fail(w, r, missingParams("name"))
		return
	}
	if slug == "" {
		slug = markup.Slugify(name)
	}
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range menus {
		// SaveMenu replaces a menu of the same slug; a create never does.
		if m.Slug == slug || strings.EqualFold(m.Name, name) {
			s.fail(w, r, &apiError{Status: http.StatusBadRequest, Code: "menu_exists", TermID: m.ID,
				Message: "The menu name " + name + " conflicts with another menu name. Please try another."})
			return
		}
	}
	m := &communique.Menu{Name: name, Slug: slug}
	if len(locations) > 0 {
		m.Location = locations[0]
	}
	if err := s.store.SaveMenu(r.Context(), m); err != nil {
		s.fail(w, r, err)
		return
	}
	j := menuOut(c, m)
	w.Header().Set("Location", j.Links["self"][0].Href)
	writeJSON(w, http.StatusCreated, j)
}

// menuItemOut renders an item as WordPress's nav_menu_item: what it
// points at (an article or page, a category, or a custom link) decides
// type, object and url.
func (s *Server) menuItemOut(r *http.Request, c *caller, menu *communique.Menu, it *communique.MenuItem, edit bool) *menuItemJSON {
	out := &menuItemJSON{ID: it.ID, Title: rendered{Rendered: html.EscapeString(it.Label), Raw: rawIf(edit, it.Label)},
		Status: "publish", URL: it.URL, Type: "custom", TypeLabel: "Custom Link", Object: "custom", ObjectID: it.ObjectID,
		Parent: it.ParentID, MenuOrder: it.Position + 1, Classes: []string{""}, XFN: []string{""}, Meta: []any{}, Menus: menu.ID,
		Links: links{
			"self":       {{Href: c.api("/wp/v2/menu-items/" + itoa(it.ID))}},
			"collection": {{Href: c.api("/wp/v2/menu-items")}},
			"about":      {{Href: c.api("/wp/v2/types/nav_menu_item")}},
			"wp:term":    {{Href: c.api("/wp/v2/menus?post=" + itoa(it.ID)), Taxonomy: "nav_menu", Embeddable: true}},
			"curies":     curies,
		}}
	if it.ObjectType == "custom" {
		out.ObjectID = it.ID // WordPress: a custom link is its own object
	}
	switch it.ObjectType {
	case "article":
		a, err := s.store.FindArticleByID(r.Context(), it.ObjectID)
		if err != nil || !s.canRead(c, a) {
			out.Invalid = true
			break
		}
		out.Type, out.Object, out.TypeLabel = "post_type", a.Type, "Post"
		if a.Type == communique.TypePage {
			out.TypeLabel = "Page"
		}
		out.URL = s.articleLink(r.Context(), c, a)
		out.Links["wp:menu-item-object"] = []link{{Href: c.api("/wp/v2/" + restBase(a.Type) + "/" + itoa(a.ID)), Embeddable: true}}
	case "term":
		_, cats, err := s.allTerms(r, communique.TaxonomyCategory)
		t, ok := cats[it.ObjectID]
		if err != nil || !ok {
			out.Invalid = true
			break
		}
		j := s.termOut(c, t, cats)
		out.Type, out.Object, out.TypeLabel, out.URL = "taxonomy", j.Taxonomy, "Category", j.Link
		out.Links["wp:menu-item-object"] = []link{{Href: j.Links["self"][0].Href, Embeddable: true}}
	}
	return out
}

func (s *Server) handleMenuItemList(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !s.mayArrangeMenus(w, r, c, "menu items") {
		return
	}
	in := queryInput(r)
	bad := invalid{}
	edit := readContext(in, bad) == "edit"
	pg := readPaging(in, bad)
	only, _ := in.taxQuery("menus", bad)
	notIn, _ := in.taxQuery("menus_exclude", bad)
	include, _ := in.ints("include", bad)
	exclude, _ := in.ints("exclude", bad)
	order, _ := in.choice("order", bad, "asc", "desc")
	orderby, _ := in.choice("orderby", bad, "menu_order", "id", "title", "include")
	menuOrder, byOrder := in.int("menu_order", bad)
	in.choice("tax_relation", bad, "AND", "OR") // one taxonomy: either reads the same
	// Items are published, never anything else.
	published := true
	if statuses, ok := in.strs("status", bad); ok {
		published = contains(statuses, "publish") || contains(statuses, "any")
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type pair struct {
		menu *communique.Menu
		item *communique.MenuItem
	}
	var list []pair
	for _, m := range menus {
		switch {
		case !published:
		// An item is in one menu: it cannot be in all of two.
		case len(only.ids) > 0 && (!containsID(only.ids, m.ID) || only.all && len(slices.Compact(slices.Sorted(slices.Values(only.ids)))) > 1):
		case containsID(notIn.ids, m.ID):
		default:
			for _, it := range m.Items {
				if (len(include) == 0 || containsID(include, it.ID)) && !containsID(exclude, it.ID) && (!byOrder || int64(it.Position+1) == menuOrder) {
					list = append(list, pair{m, it})
				}
			}
		}
	}
	// WordPress orders by menu_order within the menus, ascending.
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].item, list[j].item
		switch orderby {
		case "id":
			return a.ID < b.ID
		case "title":
			return strings.ToLower(a.Label) < strings.ToLower(b.Label)
		case "include":
			return slices.Index(include, a.ID) < slices.Index(include, b.ID)
		}
		return a.Position < b.Position
	})
	if order == "desc" {
		slices.Reverse(list)
	}
	total := len(list)
	if err := setPaging(w, r, c, pg, total, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	out := []*menuItemJSON{}
	for _, p := range list[min(pg.start(), total):min(pg.start()+pg.PerPage, total)] {
		out = append(out, s.menuItemOut(r, c, p.menu, p.item, edit))
	}
	writeList(s, w, r, out)
}

func (s *Server) handleMenuItemGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !s.mayArrangeMenus(w, r, c, "menu items") {
		return
	}
	bad := invalid{}
	edit := readContext(queryInput(r), bad) == "edit"
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, _ := pathID(r)
	for _, m := range menus {
		for _, it := range m.Items {
			if it.ID == id {
				writeJSON(w, http.StatusOK, s.menuItemOut(r, c, m, it, edit))
				return
			}
		}
	}
	s.fail(w, r, notFound("rest_post_invalid_id", "Invalid post ID."))
}

// handleMenuLocations lists the theme's locations (an object keyed by
// name, as WordPress), or one of them.
func (s *Server) handleMenuLocations(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !s.mayArrangeMenus(w, r, c, "menu locations") {
		return
	}
	menus, err := s.store.FindMenus(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	all := map[string]*menuLocationJSON{}
	for _, l := range menuLocations {
		loc := &menuLocationJSON{Name: l.name, Description: l.description, Links: links{
			"self":       {{Href: c.api("/wp/v2/menu-locations/" + l.name)}},
			"collection": {{Href: c.api("/wp/v2/menu-locations")}},
		}}
		for _, m := range menus {
			if m.Location == l.name {
				loc.Menu = m.ID
				loc.Links["wp:menu"] = []link{{Href: c.api("/wp/v2/menus/" + itoa(m.ID)), Embeddable: true}}
			}
		}
		all[l.name] = loc
	}
	if name := r.PathValue("location"); name != "" {
		loc, ok := all[name]
		if !ok {
			s.fail(w, r, notFound("rest_menu_location_invalid", "Invalid menu location."))
			return
		}
		writeJSON(w, http.StatusOK, loc)
		return
	}
	writeJSON(w, http.StatusOK, all)
}
