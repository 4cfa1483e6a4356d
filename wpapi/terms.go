package wpapi

import (
	"html"
	"net/http"
	"sort"
	"strings"

	"communique"
)

// Categories and tags: /wp/v2/categories and /wp/v2/tags.

type termJSON struct {
	ID          int64          `json:"id"`
	Count       int            `json:"count"`
	Description string         `json:"description"`
	Link        string         `json:"link"`
	Name        string         `json:"name"`
	Slug        string         `json:"slug"`
	Taxonomy    string         `json:"taxonomy"`
	Parent      *int64         `json:"parent,omitempty"`
	Meta        []any          `json:"meta"`
	Links       links          `json:"_links"`
	Embedded    map[string]any `json:"_embedded,omitempty"`
}

func (t *termJSON) linksOf() links               { return t.Links }
func (t *termJSON) setEmbedded(e map[string]any) { t.Embedded = e }

// taxonomyOf is the store's taxonomy of a route.
func taxonomyOf(base string) string {
	if base == "tags" {
		return communique.TaxonomyTag
	}
	return communique.TaxonomyCategory
}

// wpTaxonomy is WordPress's name of a taxonomy.
func wpTaxonomy(taxonomy string) string {
	if taxonomy == communique.TaxonomyTag {
		return "post_tag"
	}
	return "category"
}

func termBase(taxonomy string) string {
	if taxonomy == communique.TaxonomyTag {
		return "tags"
	}
	return "categories"
}

func (s *Server) termOut(c *caller, t *communique.Term, cats map[int64]*communique.Term) *termJSON {
	base := "/wp/v2/" + termBase(t.Taxonomy)
	out := &termJSON{ID: t.ID, Count: t.Count, Description: t.Description, Name: html.EscapeString(t.Name), Slug: t.Slug,
		Taxonomy: wpTaxonomy(t.Taxonomy), Meta: []any{},
		Links: links{
			"self":       {{Href: c.api(base + "/" + itoa(t.ID))}},
			"collection": {{Href: c.api(base)}},
			"about":      {{Href: c.api("/wp/v2/taxonomies/" + wpTaxonomy(t.Taxonomy))}},
			"curies":     curies,
		}}
	if t.Taxonomy == communique.TaxonomyTag {
		out.Link = c.Base + "/tag/" + t.Slug + "/"
		out.Links["wp:post_type"] = []link{{Href: c.api("/wp/v2/posts?tags=" + itoa(t.ID))}}
		return out
	}
	out.Link = c.Base + "/category/" + strings.Join(communique.TermPath(t, cats), "/") + "/"
	parent := t.ParentID
	out.Parent = &parent
	out.Links["wp:post_type"] = []link{{Href: c.api("/wp/v2/posts?categories=" + itoa(t.ID))}}
	if t.ParentID != 0 {
		out.Links["up"] = []link{{Href: c.api(base + "/" + itoa(t.ParentID)), Embeddable: true}}
	}
	return out
}

// allTerms loads a taxonomy's terms and every category by id (for the
// paths of category links).
func (s *Server) allTerms(r *http.Request, taxonomy string) ([]*communique.Term, map[int64]*communique.Term, error) {
	cat := communique.TaxonomyCategory
	cats, err := s.store.FindTerms(r.Context(), communique.TermFilter{Taxonomy: &cat})
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*communique.Term, len(cats))
	for _, t := range cats {
		byID[t.ID] = t
	}
	if taxonomy == communique.TaxonomyCategory {
		return cats, byID, nil
	}
	terms, err := s.store.FindTerms(r.Context(), communique.TermFilter{Taxonomy: &taxonomy})
	return terms, byID, err
}

func (s *Server) handleTermList(base string) http.HandlerFunc {
	taxonomy := taxonomyOf(base)
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		in := queryInput(r)
		bad := invalid{}
		readContext(in, bad)
		pg := readPaging(in, bad)
		search, _ := in.str("search", bad)
		slugs, _ := in.strs("slug", bad)
		hideEmpty, _ := in.boolean("hide_empty", bad)
		orderby, _ := in.choice("orderby", bad, "id", "name", "slug", "count", "description")
		order, _ := in.choice("order", bad, "asc", "desc")
		var parent *int64
		if taxonomy == communique.TaxonomyCategory {
			if v, ok := in.int("parent", bad); ok {
				parent = &v
			}
		}
		var include []int64
		if ids, ok := in.ints("include", bad); ok {
			include = ids
		}
		exclude, _ := in.ints("exclude", bad)
		post, hasPost := in.int("post", bad)
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		terms, cats, err := s.allTerms(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if hasPost {
			// The terms of one post, for posts' wp:term links.
			a, err := s.store.FindArticleByID(r.Context(), post)
			if communique.ErrorCode(err) == communique.ENOTFOUND {
				s.fail(w, r, notFound("rest_post_invalid_id", "Invalid post ID."))
				return
			} else if err != nil {
				s.fail(w, r, err)
				return
			}
			if !s.canRead(c, a) {
				s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to view terms for this post."))
				return
			}
			terms = a.Categories
			if taxonomy == communique.TaxonomyTag {
				terms = a.Tags
			}
		}
		var list []*communique.Term
		for _, t := range terms {
			if full, ok := cats[t.ID]; ok {
				t = full
			}
			switch {
			case search != "" && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(search)) &&
				!strings.Contains(t.Slug, strings.ToLower(search)):
			case len(slugs) > 0 && !contains(slugs, t.Slug):
			case hideEmpty && t.Count == 0:
			case parent != nil && t.ParentID != *parent:
			case len(include) > 0 && !containsID(include, t.ID):
			case containsID(exclude, t.ID):
			default:
				list = append(list, t)
			}
		}
		sortTerms(list, orderby, order == "desc")
		total := len(list)
		if err := setPaging(w, r, c, pg, total, ""); err != nil {
			s.fail(w, r, err)
			return
		}
		list = list[min(pg.start(), total):min(pg.start()+pg.PerPage, total)]
		out := make([]*termJSON, 0, len(list))
		for _, t := range list {
			j := s.termOut(c, t, cats)
			out = append(out, j)
		}
		writeList(s, w, r, out)
	}
}

func sortTerms(list []*communique.Term, by string, desc bool) {
	less := func(a, b *communique.Term) bool {
		switch by {
		case "id":
			return a.ID < b.ID
		case "slug":
			return a.Slug < b.Slug
		case "count":
			return a.Count < b.Count
		case "description":
			return a.Description < b.Description
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if desc {
			return less(list[j], list[i])
		}
		return less(list[i], list[j])
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsID(list []int64, id int64) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

func (s *Server) loadTerm(r *http.Request, taxonomy string) (*communique.Term, map[int64]*communique.Term, error) {
	invalidTerm := notFound("rest_term_invalid", "Term does not exist.")
	id, ok := pathID(r)
	if !ok {
		return nil, nil, invalidTerm
	}
	terms, cats, err := s.allTerms(r, taxonomy)
	if err != nil {
		return nil, nil, err
	}
	for _, t := range terms {
		if t.ID == id {
			return t, cats, nil
		}
	}
	return nil, nil, invalidTerm
}

func (s *Server) handleTermGet(base string) http.HandlerFunc {
	taxonomy := taxonomyOf(base)
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		bad := invalid{}
		readContext(queryInput(r), bad)
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		t, cats, err := s.loadTerm(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		j := s.termOut(c, t, cats)
		s.embed(r, []embedding{j})
		writeJSON(w, http.StatusOK, j)
	}
}

func (s *Server) handleTermCreate(base string) http.HandlerFunc {
	taxonomy := taxonomyOf(base)
	return func(w http.ResponseWriter, r *http.Request) {
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
		t := &communique.Term{Taxonomy: taxonomy}
		name, hasName := in.str("name", bad)
		t.Name = strings.TrimSpace(name)
		t.Slug, _ = in.str("slug", bad)
		t.Description, _ = in.str("description", bad)
		if taxonomy == communique.TaxonomyCategory {
			t.ParentID, _ = in.int("parent", bad)
		}
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		if !hasName {
			s.fail(w, r, missingParams("name"))
			return
		}
		same, err := s.store.FindTerms(r.Context(), communique.TermFilter{Taxonomy: &taxonomy, Name: &t.Name})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, o := range same {
			if o.ParentID == t.ParentID {
				s.fail(w, r, &apiError{Status: http.StatusBadRequest, Code: "term_exists", TermID: o.ID,
					Message: "A term with the name provided already exists with this parent."})
				return
			}
		}
		if err := s.store.CreateTerm(r.Context(), t); err != nil {
			s.fail(w, r, err)
			return
		}
		created, cats, err := s.allTerms(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, x := range created {
			if x.ID == t.ID {
				t = x
			}
		}
		j := s.termOut(c, t, cats)
		w.Header().Set("Location", j.Links["self"][0].Href)
		writeJSON(w, http.StatusCreated, j)
	}
}

func (s *Server) handleTermDelete(base string) http.HandlerFunc {
	taxonomy := taxonomyOf(base)
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		if !communique.Can(c.User, communique.ActionManageTerms, nil) {
			s.fail(w, r, forbidden(c, "rest_cannot_delete", "Sorry, you are not allowed to delete this term."))
			return
		}
		t, cats, err := s.loadTerm(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		force, err := readForce(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !force {
			s.fail(w, r, trashNotSupported("Terms do not support trashing. Set 'force=true' to delete."))
			return
		}
		s.deleteForever(w, r, s.termOut(c, t, cats), func() error {
			return s.store.DeleteTerm(r.Context(), t.ID)
		})
	}
}

// handleTermUpdate changes a category's or tag's name, slug, description
// or parent (POST, PUT or PATCH on the item), as editors may.
func (s *Server) handleTermUpdate(base string) http.HandlerFunc {
	taxonomy := taxonomyOf(base)
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		current, _, err := s.loadTerm(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !communique.Can(c.User, communique.ActionManageTerms, nil) {
			s.fail(w, r, forbidden(c, "rest_cannot_update", "Sorry, you are not allowed to edit this term."))
			return
		}
		in, err := readInput(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		bad := invalid{}
		var upd communique.TermUpdate
		if v, ok := in.str("name", bad); ok {
			upd.Name = &v
		}
		if v, ok := in.str("slug", bad); ok {
			upd.Slug = &v
		}
		if v, ok := in.str("description", bad); ok {
			upd.Description = &v
		}
		if v, ok := in.int("parent", bad); ok && taxonomy == communique.TaxonomyCategory {
			upd.ParentID = &v
		}
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := s.store.UpdateTerm(r.Context(), current.ID, upd); err != nil {
			if communique.ErrorCode(err) == communique.ECONFLICT {
				err = badRequest("duplicate_term_slug", communique.ErrorMessage(err))
			}
			s.fail(w, r, err)
			return
		}
		t, cats, err := s.loadTerm(r, taxonomy)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.termOut(c, t, cats))
	}
}
