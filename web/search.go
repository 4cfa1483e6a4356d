package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"communique"
)

// Search answers at /search?q=… and, as in WordPress, at /?s=…. Filters:
// category and author (by slug), from and to (dates, inclusive, in the
// site's time zone), page. Every query gets a page: no words, too many
// characters or engine operators get a hint, never an error from the
// store.

// maxSearchPage bounds how deep search results go.
const maxSearchPage = 1000

type searchPage struct {
	pageData
	Query    string
	Category string
	Author   string
	From, To string
	// DateHint says how to write a date: the site's language's way.
	DateHint   string
	Advanced   bool // a filter is set: the advanced form is unfolded
	Categories []option
	Authors    []option
	// Message says why the query was not searched or a filter ignored.
	Message  string
	Searched bool
	Total    int
	More     bool // Total is a floor: the store counts no further
	Results  []*searchResult
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	// Unfiltered is the same search without filters, offered when a
	// filtered search found nothing.
	Unfiltered string
	Browse     []link
}

type option struct {
	Value, Label string
	Selected     bool
}

type searchResult struct {
	*articleView
	TitleHTML   template.HTML
	SnippetHTML template.HTML
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.search(w, r, st, r.URL.Query().Get("q"))
}

// search renders the results of query q with the request's filters.
func (s *Server) search(w http.ResponseWriter, r *http.Request, st *site, q string) {
	params := r.URL.Query()
	data := searchPage{
		Query:    strings.TrimSpace(q),
		Category: params.Get("category"),
		Author:   params.Get("author"),
		From:     params.Get("from"),
		To:       params.Get("to"),
		Page:     1,
	}
	f := communique.SearchFilter{Query: data.Query}
	// Filters first, so the form shows them whatever happens to the query.
	cats := searchCategories(st)
	filtered := s.searchFilters(r.Context(), st, &data, &f, cats)
	if n, err := strconv.Atoi(params.Get("page")); err == nil && n > 1 {
		data.Page = min(n, maxSearchPage)
	}

	status, title := http.StatusOK, st.words.T("search.label")
	if err := communique.SearchQueryError(data.Query); data.Query == "" {
		// The empty form: nothing to say yet.
	} else if err != nil {
		status = refuseSearchQuery(&data, err)
	} else {
		var answered bool
		if status, answered = s.runSearch(w, r, st, &data, f, filtered, cats); answered {
			return
		}
		title = st.words.T("search.results_title", shorten(data.Query, 60))
		if data.Page > 1 {
			title = st.words.T("search.results_title_page", shorten(data.Query, 60), data.Page)
		}
	}
	s.fillPageFrom(r, st, &data.pageData, title, "")
	// Results pages are endless and thin: crawlers should not index them.
	data.NoIndex, data.SearchPage = true, true
	s.render(w, r, status, "search", data)
}

// searchCategories are the categories with articles, in the order of
// their labels.
func searchCategories(st *site) []*communique.Term {
	var cats []*communique.Term
	for _, c := range st.cats {
		if c.Count > 0 {
			cats = append(cats, c)
		}
	}
	sort.Slice(cats, func(i, j int) bool { return categoryLabel(cats[i], st.cats) < categoryLabel(cats[j], st.cats) })
	return cats
}

// categoryLabel names a category with its parents: "News › Local".
func categoryLabel(c *communique.Term, all map[int64]*communique.Term) string {
	var names []string
	for _, slug := range communique.TermPath(c, all) {
		for _, x := range all {
			if x.Slug == slug {
				names = append(names, x.Name)
				break
			}
		}
	}
	return strings.Join(names, " › ")
}

// searchFilters fills the form's choices of category and author, and
// sets in f the filters the request asks for. It reports whether any was
// set; a date it cannot read is left out with a message.
func (s *Server) searchFilters(ctx context.Context, st *site, data *searchPage, f *communique.SearchFilter, cats []*communique.Term) (filtered bool) {
	for _, c := range cats {
		selected := c.Slug == data.Category
		if selected {
			f.CategoryID, filtered = &c.ID, true
		}
		data.Categories = append(data.Categories, option{c.Slug, categoryLabel(c, st.cats), selected})
	}
	if users, err := s.store.FindUsers(ctx, communique.UserFilter{Limit: 500}); err == nil {
		for _, u := range users {
			if u.Role == communique.RoleSubscriber {
				continue
			}
			selected := u.Slug == data.Author
			if selected {
				f.AuthorID, filtered = &u.ID, true
			}
			data.Authors = append(data.Authors, option{u.Slug, u.Name(), selected})
		}
	}
	loc := st.settings.Location
	entry := communique.DateEntryFor(st.settings.Language)
	data.DateHint = st.words.T("search.date_hint", entry.Pattern, entry.Example())
	for _, d := range []struct {
		value string
		dst   **time.Time
		next  bool
	}{{data.From, &f.PublishedFrom, false}, {data.To, &f.PublishedTo, true}} {
		if d.value == "" {
			continue
		}
		t, err := entry.Parse(d.value, loc)
		if err != nil {
			data.Message = st.words.T("search.date_error", entry.Pattern, entry.Example())
			data.Advanced = true // show the field to correct
			continue
		}
		if d.next {
			t = t.AddDate(0, 0, 1) // "to" includes its whole day
		}
		*d.dst, filtered = &t, true
	}
	data.Advanced = data.Advanced || filtered
	return filtered
}

// refuseSearchQuery says why a query cannot be searched. A query too long
// or not UTF-8 is a bad request, shown back cut to what the form takes.
func refuseSearchQuery(data *searchPage, err error) (status int) {
	data.Message = communique.ErrorMessage(err)
	if utf8.RuneCountInString(data.Query) <= communique.MaxSearchQuery && utf8.ValidString(data.Query) {
		return http.StatusOK
	}
	data.Query = strings.ToValidUTF8(data.Query, "")
	if r := []rune(data.Query); len(r) > communique.MaxSearchQuery {
		data.Query = string(r[:communique.MaxSearchQuery])
	}
	return http.StatusBadRequest
}

// runSearch searches and fills the page with a page of results, or with
// why there are none. answered is true when it has written the response
// itself (an error, or a page past the last).
func (s *Server) runSearch(w http.ResponseWriter, r *http.Request, st *site, data *searchPage, f communique.SearchFilter,
	filtered bool, cats []*communique.Term) (status int, answered bool) {
	ctx := r.Context()
	per := st.settings.PostsPerPage
	f.Limit, f.Offset = per, (data.Page-1)*per
	hits, total, err := s.searchLimited(ctx, f)
	switch {
	case errors.Is(err, errSearchBusy):
		w.Header().Set("Retry-After", "5")
		data.Message = "Search is busy at the moment. Please try again in a few seconds."
		return http.StatusServiceUnavailable, false
	case communique.ErrorCode(err) == communique.EINVALID:
		data.Message = communique.ErrorMessage(err)
		return http.StatusOK, false
	case err != nil:
		s.renderError(w, r, err)
		return 0, true
	}
	data.Searched, data.Total = true, total
	data.More = total >= communique.MaxSearchResults
	data.Pages = max(1, (total+per-1)/per)
	if data.Page > data.Pages {
		s.notFound(w, r)
		return 0, true
	}
	for _, h := range hits {
		data.Results = append(data.Results, &searchResult{
			articleView: s.view(ctx, st, h.Article),
			TitleHTML:   highlightHTML(h.Title),
			SnippetHTML: highlightHTML(h.Snippet),
		})
	}
	if data.Page > 1 {
		data.PrevURL = data.pageURL(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.NextURL = data.pageURL(data.Page + 1)
	}
	if total == 0 && filtered {
		data.Unfiltered = "/search?" + url.Values{"q": {data.Query}}.Encode()
	}
	if total == 0 {
		data.Browse = s.busiestCategories(st, cats, 6)
	}
	return http.StatusOK, false
}

// pageURL is the address of page n of the same search.
func (p *searchPage) pageURL(n int) string {
	v := url.Values{"q": {p.Query}}
	for k, val := range map[string]string{"category": p.Category, "author": p.Author, "from": p.From, "to": p.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return "/search?" + v.Encode()
}

// busiestCategories links to the n categories with most articles, to
// browse when a search found nothing.
func (s *Server) busiestCategories(st *site, cats []*communique.Term, n int) []link {
	cats = append([]*communique.Term(nil), cats...)
	sort.Slice(cats, func(i, j int) bool { return cats[i].Count > cats[j].Count })
	var links []link
	for i, c := range cats {
		if i == n {
			break
		}
		links = append(links, link{c.Name, s.termURL(st, c)})
	}
	return links
}

// errSearchBusy says every search slot stayed taken while a search
// waited, or its reader left.
var errSearchBusy = errors.New("search is busy")

// searchLimited runs a search in one of a few slots, one per core.
// Searches are the costliest reads: unbounded, a burst of them held every
// reader connection of the store, and pages and comment POSTs waited
// behind them until they timed out. A search that finds no slot within
// searchWait gets a "busy, try again" page.
func (s *Server) searchLimited(ctx context.Context, f communique.SearchFilter) ([]*communique.SearchHit, int, error) {
	wait := time.NewTimer(s.searchWait)
	defer wait.Stop()
	select {
	case s.searchSlots <- struct{}{}:
	case <-wait.C:
		return nil, 0, errSearchBusy
	case <-ctx.Done():
		return nil, 0, errSearchBusy
	}
	defer func() { <-s.searchSlots }()
	return s.store.SearchArticles(ctx, f)
}

// highlightHTML escapes a snippet and turns the store's highlight
// delimiters into <mark> elements. Marks are always balanced, even if the
// text itself held a stray delimiter.
func highlightHTML(s string) template.HTML {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, communique.HighlightStart+communique.HighlightEnd)
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(s))
			break
		}
		b.WriteString(template.HTMLEscapeString(s[:i]))
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case string(r) == communique.HighlightStart && !open:
			b.WriteString("<mark>")
			open = true
		case string(r) == communique.HighlightEnd && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+size:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String())
}
