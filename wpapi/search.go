package wpapi

import (
	"html"
	"net/http"
	"strings"

	"communique"
)

// Search: /wp/v2/search, published posts and pages by words, through the
// site's full-text search (the same results as /search on the site).

type searchJSON struct {
	ID       int64          `json:"id"`
	Title    string         `json:"title"`
	URL      string         `json:"url"`
	Type     string         `json:"type"`
	Subtype  string         `json:"subtype"`
	Links    links          `json:"_links"`
	Embedded map[string]any `json:"_embedded,omitempty"`
}

func (j *searchJSON) linksOf() links               { return j.Links }
func (j *searchJSON) setEmbedded(e map[string]any) { j.Embedded = e }

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in := queryInput(r)
	bad := invalid{}
	readContext(in, bad)
	pg := readPaging(in, bad)
	query, _ := in.str("search", bad)
	if kind, _ := in.choice("type", bad, "post", "term"); kind == "term" {
		s.searchTerms(w, r, c, in, bad, query, pg)
		return
	}
	var typ *string
	if subs, ok := in.strs("subtype", bad); ok {
		posts, pages := false, false
		for _, sub := range subs {
			switch sub {
			case "post":
				posts = true
			case "page":
				pages = true
			case "any":
				posts, pages = true, true
			default:
				bad["subtype"] = "subtype[0] is not one of post, page, any."
			}
		}
		if posts != pages {
			t := communique.TypePost
			if pages {
				t = communique.TypePage
			}
			typ = &t
		}
	}
	include, _ := in.ints("include", bad)
	exclude, _ := in.ints("exclude", bad)
	if query != "" {
		if err := communique.SearchQueryError(query); err != nil {
			bad["search"] = communique.ErrorMessage(err)
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	var found []*communique.Article
	var total int
	if query == "" {
		// WordPress lists everything when there is nothing to look for.
		list, n, err := s.store.FindArticles(r.Context(), communique.ArticleFilter{Type: typ, IDs: include, ExcludeIDs: exclude,
			Status: []communique.Status{communique.StatusPublished}, Offset: pg.start(), Limit: pg.PerPage})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		found, total = list, n
	} else {
		hits, n, err := s.store.SearchArticles(r.Context(), communique.SearchFilter{Query: query, Type: typ, IDs: include, ExcludeIDs: exclude,
			Offset: pg.start(), Limit: pg.PerPage})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, h := range hits {
			found = append(found, h.Article)
		}
		total = n
	}
	if err := setPaging(w, r, c, pg, total, "rest_search_invalid_page_number"); err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]*searchJSON, 0, len(found))
	for _, a := range found {
		j := &searchJSON{ID: a.ID, Title: html.EscapeString(a.Title), URL: s.articleLink(r.Context(), c, a), Type: "post", Subtype: a.Type,
			Links: links{
				"self":       {{Href: c.api("/wp/v2/" + restBase(a.Type) + "/" + itoa(a.ID)), Embeddable: true}},
				"about":      {{Href: c.api("/wp/v2/types/" + a.Type)}},
				"collection": {{Href: c.api("/wp/v2/search")}},
			}}
		out = append(out, j)
	}
	writeList(s, w, r, out)
}

// searchTerms is type=term: categories and tags whose name holds the
// words, by name, as WordPress's term search handler finds them.
func (s *Server) searchTerms(w http.ResponseWriter, r *http.Request, c *caller, in *input, bad invalid, query string, pg paging) {
	want := map[string]bool{}
	if subs, ok := in.strs("subtype", bad); ok {
		for _, sub := range subs {
			switch sub {
			case "category":
				want[communique.TaxonomyCategory] = true
			case "post_tag":
				want[communique.TaxonomyTag] = true
			case "any":
				want[communique.TaxonomyCategory], want[communique.TaxonomyTag] = true, true
			default:
				bad["subtype"] = "subtype[0] is not one of category, post_tag, any."
			}
		}
	}
	include, _ := in.ints("include", bad)
	exclude, _ := in.ints("exclude", bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	terms, err := s.store.FindTerms(r.Context(), communique.TermFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := strings.ToLower(strings.TrimSpace(query))
	var found []*communique.Term
	for _, t := range terms {
		if (len(include) > 0 && !containsID(include, t.ID)) || containsID(exclude, t.ID) {
			continue
		}
		if (len(want) == 0 || want[t.Taxonomy]) && strings.Contains(strings.ToLower(t.Name), q) {
			found = append(found, t)
		}
	}
	total := len(found)
	if err := setPaging(w, r, c, pg, total, "rest_search_invalid_page_number"); err != nil {
		s.fail(w, r, err)
		return
	}
	found = found[min(pg.start(), total):min(pg.start()+pg.PerPage, total)]
	out := make([]*searchJSON, 0, len(found))
	for _, t := range found {
		sub, base := "category", "categories"
		if t.Taxonomy == communique.TaxonomyTag {
			sub, base = "post_tag", "tags"
		}
		out = append(out, &searchJSON{ID: t.ID, Title: html.EscapeString(t.Name), URL: termLink(c, t, terms), Type: "term", Subtype: sub,
			Links: links{
				"self":       {{Href: c.api("/wp/v2/" + base + "/" + itoa(t.ID)), Embeddable: true}},
				"about":      {{Href: c.api("/wp/v2/taxonomies/" + sub)}},
				"collection": {{Href: c.api("/wp/v2/search")}},
			}})
	}
	writeList(s, w, r, out)
}

// termLink is a term's page on the site; a category's path holds its
// parents, found among terms.
func termLink(c *caller, t *communique.Term, terms []*communique.Term) string {
	if t.Taxonomy == communique.TaxonomyTag {
		return c.Base + "/tag/" + t.Slug + "/"
	}
	cats := map[int64]*communique.Term{}
	for _, x := range terms {
		if x.Taxonomy == communique.TaxonomyCategory {
			cats[x.ID] = x
		}
	}
	return c.Base + "/category/" + strings.Join(communique.TermPath(t, cats), "/") + "/"
}
