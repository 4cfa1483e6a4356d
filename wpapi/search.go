package wpapi

import (
	"html"
	"net/http"

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
	in.choice("type", bad, "post")
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
	in.unsupported(bad, "exclude", "include")
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
		list, n, err := s.store.FindArticles(r.Context(), communique.ArticleFilter{Type: typ,
			Status: []communique.Status{communique.StatusPublished}, Offset: pg.start(), Limit: pg.PerPage})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		found, total = list, n
	} else {
		hits, n, err := s.store.SearchArticles(r.Context(), communique.SearchFilter{Query: query, Type: typ, Offset: pg.start(), Limit: pg.PerPage})
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
