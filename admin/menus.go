package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"communique"
	"communique/newsroom"
)

// The menu editor: plain forms (move buttons, selects, a link form), so
// it works without JavaScript. Every change goes through the article
// service; the store's triggers tell every node.

type menusPage struct {
	base
	Menus    []*communique.Menu
	Menu     *communique.Menu // the one being edited, nil for none
	Tree     []*menuRow
	Articles []*communique.Article
	Sections []*communique.Term
	Tags     []*communique.Term
	Primary  string
}

// menuRow is an item with its sub-items, as the nested list shows it.
type menuRow struct {
	*communique.MenuItem
	Target   string
	Children []*menuRow
}

func (s *Server) handleMenus(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	ctx := r.Context()
	menus, err := s.articles.FindMenus(ctx)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := menusPage{base: s.base(r, rq, "Menus", "menus"), Menus: menus, Primary: communique.MenuPrimary}
	want := r.URL.Query().Get("menu")
	for _, m := range menus {
		if m.Slug == want || (want == "" && data.Menu == nil) {
			data.Menu = m
		}
	}
	if data.Menu != nil {
		data.Tree = menuTree(data.Menu.Items)
	}
	f := communique.ArticleFilter{Status: []communique.Status{communique.StatusPublished}, Limit: 100, SkipTotal: true}
	if data.Articles, _, err = s.store.FindArticles(ctx, f); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	cat, tag := communique.TaxonomyCategory, communique.TaxonomyTag
	if data.Sections, err = s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &cat}); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	if data.Tags, err = s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tag, Limit: 200}); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, http.StatusOK, "menus", data)
}

// menuTree nests items (in position order, parents first) by parent.
func menuTree(items []*communique.MenuItem) []*menuRow {
	rows := map[int64]*menuRow{}
	var top []*menuRow
	for _, it := range items {
		row := &menuRow{MenuItem: it, Target: it.URL}
		switch it.ObjectType {
		case "article":
			row.Target = "article No. " + strconv.FormatInt(it.ObjectID, 10)
		case "term":
			row.Target = "section or tag No. " + strconv.FormatInt(it.ObjectID, 10)
		}
		rows[it.ID] = row
		if p := rows[it.ParentID]; p != nil && it.ParentID != 0 {
			p.Children = append(p.Children, row)
		} else {
			top = append(top, row)
		}
	}
	return top
}

// menuDone answers a change with a redirect back to the menu.
func (s *Server) menuDone(w http.ResponseWriter, r *http.Request, rq *request, err error, slug string) {
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/menus?menu="+url.QueryEscape(slug)+"&done=saved", http.StatusSeeOther)
}

func (s *Server) handleMenuCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	m, err := s.articles.CreateMenu(r.Context(), newsroom.As(rq.User), r.PostFormValue("name"))
	slug := ""
	if m != nil {
		slug = m.Slug
	}
	s.menuDone(w, r, rq, err, slug)
}

func (s *Server) handleMenuLocation(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	slug := r.PathValue("slug")
	s.menuDone(w, r, rq, s.articles.SetMenuLocation(r.Context(), newsroom.As(rq.User), slug, r.PostFormValue("location")), slug)
}

func (s *Server) handleMenuItemAdd(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	slug := r.PathValue("slug")
	it := communique.MenuItem{Label: r.PostFormValue("label")}
	switch r.PostFormValue("kind") {
	case "article":
		it.ObjectType = "article"
		it.ObjectID, _ = strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	case "section", "tag":
		it.ObjectType = "term"
		it.ObjectID, _ = strconv.ParseInt(r.PostFormValue(r.PostFormValue("kind")), 10, 64)
	default:
		it.ObjectType, it.URL = "custom", r.PostFormValue("url")
	}
	s.menuDone(w, r, rq, s.articles.AddMenuItem(r.Context(), newsroom.As(rq.User), slug, it), slug)
}

func (s *Server) handleMenuItemMove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	slug := r.PathValue("slug")
	err := s.articles.MoveMenuItem(r.Context(), newsroom.As(rq.User), slug, pathID(r, "id"), r.PostFormValue("move"))
	s.menuDone(w, r, rq, err, slug)
}

func (s *Server) handleMenuItemRemove(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.mayArrange(w, r, rq) {
		return
	}
	slug := r.PathValue("slug")
	s.menuDone(w, r, rq, s.articles.RemoveMenuItem(r.Context(), newsroom.As(rq.User), slug, pathID(r, "id")), slug)
}

// menuRows is one level of the nested list, for the template that calls
// itself for sub-items.
type menuRows struct {
	CSRF, Slug string
	Rows       []*menuRow
	Nested     bool
}

func menuRowsOf(csrf, slug string, rows []*menuRow, nested bool) menuRows {
	return menuRows{CSRF: csrf, Slug: slug, Rows: rows, Nested: nested}
}
