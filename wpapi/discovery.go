package wpapi

import (
	"net/http"

	"communique"
)

// Discovery: /wp/v2/types, /wp/v2/taxonomies and /wp/v2/statuses, which
// clients read first to learn what the site holds, in WordPress's shapes.
// Only what this site has is listed: posts, pages and media; categories
// and tags; the statuses an article can take.

var curies = []link{{Name: "wp", Href: "https://api.w.org/{rel}", Templated: true}}

type typeJSON struct {
	Capabilities  map[string]string `json:"capabilities,omitempty"`
	Description   string            `json:"description"`
	Hierarchical  bool              `json:"hierarchical"`
	HasArchive    bool              `json:"has_archive"`
	Visibility    map[string]bool   `json:"visibility,omitempty"`
	Viewable      *bool             `json:"viewable,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Name          string            `json:"name"`
	Slug          string            `json:"slug"`
	Icon          string            `json:"icon"`
	Supports      map[string]bool   `json:"supports,omitempty"`
	Taxonomies    []string          `json:"taxonomies"`
	RestBase      string            `json:"rest_base"`
	RestNamespace string            `json:"rest_namespace"`
	Links         links             `json:"_links"`
}

type taxonomyJSON struct {
	Name          string            `json:"name"`
	Slug          string            `json:"slug"`
	Capabilities  map[string]string `json:"capabilities,omitempty"`
	Description   string            `json:"description"`
	Labels        map[string]string `json:"labels,omitempty"`
	Types         []string          `json:"types"`
	ShowCloud     *bool             `json:"show_cloud,omitempty"`
	Hierarchical  bool              `json:"hierarchical"`
	RestBase      string            `json:"rest_base"`
	RestNamespace string            `json:"rest_namespace"`
	Visibility    map[string]bool   `json:"visibility,omitempty"`
	Links         links             `json:"_links"`
}

type statusJSON struct {
	Name         string `json:"name"`
	Private      *bool  `json:"private,omitempty"`
	Protected    *bool  `json:"protected,omitempty"`
	Public       bool   `json:"public"`
	Queryable    bool   `json:"queryable"`
	ShowInList   *bool  `json:"show_in_list,omitempty"`
	Slug         string `json:"slug"`
	DateFloating bool   `json:"date_floating"`
	Links        links  `json:"_links"`
}

// postTypes are the site's post types, in WordPress's order.
var postTypes = []struct {
	slug, name, singular, base, icon string
	hierarchical                     bool
	taxonomies                       []string
}{
	{communique.TypePost, "Posts", "Post", "posts", "dashicons-admin-post", false, []string{"category", "post_tag"}},
	{communique.TypePage, "Pages", "Page", "pages", "dashicons-admin-page", true, []string{}},
	{"attachment", "Media", "Media", "media", "dashicons-admin-media", false, []string{}},
	{"nav_menu_item", "Navigation Menu Items", "Navigation Menu Item", "menu-items", "dashicons-admin-post", false, []string{"nav_menu"}},
}

var taxonomies = []struct {
	slug, name, singular, base, typ string
	hierarchical                    bool
}{
	{"category", "Categories", "Category", "categories", communique.TypePost, true},
	{"post_tag", "Tags", "Tag", "tags", communique.TypePost, false},
	{"nav_menu", "Navigation Menus", "Navigation Menu", "menus", "nav_menu_item", false},
}

// statuses are the article statuses by WordPress's names; public ones
// are shown to everybody, the rest to those who write.
var statuses = []struct {
	slug, name string
	public     bool
}{
	{"publish", "Published", true}, {"future", "Scheduled", false}, {"draft", "Draft", false},
	{"pending", "Pending", false}, {"private", "Private", false}, {"trash", "Trash", false},
}

func (s *Server) registerDiscovery(m *http.ServeMux) {
	m.HandleFunc("GET /wp-json/wp/v2/types", s.handleTypes)
	m.HandleFunc("GET /wp-json/wp/v2/types/{type}", s.handleTypes)
	m.HandleFunc("GET /wp-json/wp/v2/taxonomies", s.handleTaxonomies)
	m.HandleFunc("GET /wp-json/wp/v2/taxonomies/{taxonomy}", s.handleTaxonomies)
	m.HandleFunc("GET /wp-json/wp/v2/statuses", s.handleStatuses)
	m.HandleFunc("GET /wp-json/wp/v2/statuses/{status}", s.handleStatuses)
}

// discoveryContext reads ?context=; edit is for those who write.
func discoveryContext(c *caller, r *http.Request) (string, error) {
	bad := invalid{}
	ctx := readContext(queryInput(r), bad)
	if err := bad.err(); err != nil {
		return "", err
	}
	if ctx == contextEdit && !communique.Can(c.User, communique.ActionCreateArticle, nil) {
		return "", forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit in this context.")
	}
	return ctx, nil
}

// answerDiscovery answers a discovery collection, a map by slug, or with
// want set the one item of that slug. build makes the item at index i; an
// error from it leaves the item out of the map and is the answer for that
// item alone (a status the caller may not see).
func answerDiscovery[T any](s *Server, w http.ResponseWriter, r *http.Request, want string, slugs []string, build func(i int) (*T, error), missing error) {
	out := map[string]*T{}
	for i, slug := range slugs {
		if want != "" && want != slug {
			continue
		}
		j, err := build(i)
		switch {
		case want != "" && err != nil:
			s.fail(w, r, err)
			return
		case want != "":
			writeJSON(w, http.StatusOK, j)
			return
		case err == nil:
			out[slug] = j
		}
	}
	if want != "" {
		s.fail(w, r, missing)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleTypes(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	ctx, err := discoveryContext(c, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slugs := make([]string, len(postTypes))
	for i, pt := range postTypes {
		slugs[i] = pt.slug
	}
	answerDiscovery(s, w, r, r.PathValue("type"), slugs, func(i int) (*typeJSON, error) {
		pt := postTypes[i]
		j := &typeJSON{Name: pt.name, Slug: pt.slug, Icon: pt.icon, Hierarchical: pt.hierarchical, Taxonomies: pt.taxonomies,
			RestBase: pt.base, RestNamespace: "wp/v2",
			Links: links{"collection": {{Href: c.api("/wp/v2/types")}}, "wp:items": {{Href: c.api("/wp/v2/" + pt.base)}}, "curies": curies}}
		if ctx == contextEdit {
			viewable := true
			j.Viewable, j.Visibility = &viewable, map[string]bool{"show_in_nav_menus": true, "show_ui": true}
			j.Labels = map[string]string{"name": pt.name, "singular_name": pt.singular, "menu_name": pt.name}
			j.Capabilities = map[string]string{"edit_posts": "edit_" + pt.base, "publish_posts": "publish_" + pt.base}
			j.Supports = map[string]bool{"title": true, "editor": true, "author": true, "thumbnail": pt.slug != "attachment",
				"excerpt": pt.slug == communique.TypePost, "comments": true, "revisions": false}
		}
		if pt.slug == "nav_menu_item" && j.Supports != nil {
			// Menu items are links in a menu, not pages of their own.
			viewable := false
			j.Viewable, j.Supports = &viewable, map[string]bool{"title": true}
			j.Visibility["show_in_nav_menus"] = false
		}
		return j, nil
	}, notFound("rest_type_invalid", "Invalid post type."))
}

func (s *Server) handleTaxonomies(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	ctx, err := discoveryContext(c, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slugs := make([]string, len(taxonomies))
	for i, tx := range taxonomies {
		slugs[i] = tx.slug
	}
	answerDiscovery(s, w, r, r.PathValue("taxonomy"), slugs, func(i int) (*taxonomyJSON, error) {
		tx := taxonomies[i]
		j := &taxonomyJSON{Name: tx.name, Slug: tx.slug, Types: []string{tx.typ}, Hierarchical: tx.hierarchical,
			RestBase: tx.base, RestNamespace: "wp/v2",
			Links: links{"collection": {{Href: c.api("/wp/v2/taxonomies")}}, "wp:items": {{Href: c.api("/wp/v2/" + tx.base)}}, "curies": curies}}
		if ctx == contextEdit {
			cloud := !tx.hierarchical
			j.ShowCloud = &cloud
			j.Labels = map[string]string{"name": tx.name, "singular_name": tx.singular, "menu_name": tx.name}
			j.Capabilities = map[string]string{"manage_terms": "manage_categories", "edit_terms": "edit_" + tx.base,
				"delete_terms": "delete_" + tx.base, "assign_terms": "assign_" + tx.base}
			j.Visibility = map[string]bool{"public": true, "publicly_queryable": true, "show_admin_column": true,
				"show_in_nav_menus": true, "show_in_quick_edit": true, "show_ui": true}
		}
		return j, nil
	}, notFound("rest_taxonomy_invalid", "Invalid taxonomy."))
}

func (s *Server) handleStatuses(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	ctx, err := discoveryContext(c, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writer := communique.Can(c.User, communique.ActionCreateArticle, nil)
	slugs := make([]string, len(statuses))
	for i, st := range statuses {
		slugs[i] = st.slug
	}
	answerDiscovery(s, w, r, r.PathValue("status"), slugs, func(i int) (*statusJSON, error) {
		st := statuses[i]
		if !st.public && !writer {
			return nil, forbidden(c, "rest_cannot_read_status", "Cannot view status.")
		}
		archive := c.api("/wp/v2/posts")
		if !st.public {
			archive += "?status=" + st.slug
		}
		j := &statusJSON{Name: st.name, Public: st.public, Queryable: st.public, Slug: st.slug,
			DateFloating: st.slug == "draft" || st.slug == "pending", Links: links{"archives": {{Href: archive}}}}
		if ctx == contextEdit {
			private, protected, list := st.slug == "private", !st.public && st.slug != "trash" && st.slug != "private", st.slug != "trash"
			j.Private, j.Protected, j.ShowInList = &private, &protected, &list
		}
		return j, nil
	}, notFound("rest_status_invalid", "Invalid status."))
}
