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
	Query      string
	Category   string
	Author     string
	From, To   string
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
	ctx := r.Context()
	params := r.URL.Query()
	data := searchPage{
		Query:    strings.TrimSpace(q),
		Category: params.Get("category"),
		Author:   params.Get("author"),
		From:     params.Get("from"),
		To:       params.Get("to"),
		Page:     1,
	}
	status := http.StatusOK
	f := communique.SearchFilter{Query: data.Query}
	var filtered bool

	// Filters first, so the form shows them whatever happens to the query.
	var cats []*communique.Term
	for _, c := range st.cats {
		if c.Count > 0 {
			cats = append(cats, c)
		}
	}
	label := func(c *communique.Term) string {
		var names []string
		for _, slug := range communique.TermPath(c, st.cats) {
			for _, x := range st.cats {
				if x.Slug == slug {
					names = append(names, x.Name)
					break
				}
			}
		}
		return strings.Join(names, " › ")
	}
	sort.Slice(cats, func(i, j int) bool { return label(cats[i]) < label(cats[j]) })
	for _, c := range cats {
		selected := c.Slug == data.Category
		if selected {
			f.CategoryID, filtered = &c.ID, true
		}
		data.Categories = append(data.Categories, option{c.Slug, label(c), selected})
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
	for _, d := range []struct {
		value string
		dst   **time.Time
		next  bool
	}{{data.From, &f.PublishedFrom, false}, {data.To, &f.PublishedTo, true}} {
		if d.value == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.value, loc)
		if err != nil {
			data.Message = "Dates must be written as year-month-day, such as 2026-03-14; the date filter was left out."
			continue
		}
		if d.next {
			t = t.AddDate(0, 0, 1) // "to" includes its whole day
		}
		*d.dst, filtered = &t, true
	}
	if n, err := strconv.Atoi(params.Get("page")); err == nil && n > 1 {
		data.Page = min(n, maxSearchPage)
	}

	title := "Search"
	if err := communique.SearchQueryError(data.Query); data.Query == "" {
		// The empty form: nothing to say yet.
	} else if err != nil {
		data.Message = communique.ErrorMessage(err)
		if utf8.RuneCountInString(data.Query) > communique.MaxSearchQuery || !utf8.ValidString(data.Query) {
			status = http.StatusBadRequest
			data.Query = strings.ToValidUTF8(data.Query, "")
			if r := []rune(data.Query); len(r) > communique.MaxSearchQuery {
				data.Query = string(r[:communique.MaxSearchQuery])
			}
		}
	} else {
		per := st.settings.PostsPerPage
		f.Limit, f.Offset = per, (data.Page-1)*per
		hits, total, err := s.searchLimited(ctx, f)
		if errors.Is(err, errSearchBusy) {
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "5")
			data.Message = "Search is busy at the moment. Please try again in a few seconds."
		} else if communique.ErrorCode(err) == communique.EINVALID {
			data.Message = communique.ErrorMessage(err)
		} else if err != nil {
			s.renderError(w, r, err)
			return
		} else {
			data.Searched, data.Total = true, total
			data.More = total >= communique.MaxSearchResults
			data.Pages = max(1, (total+per-1)/per)
			if data.Page > data.Pages {
				s.notFound(w, r)
				return
			}
			for _, h := range hits {
				data.Results = append(data.Results, &searchResult{
					articleView: s.view(ctx, st, h.Article),
					TitleHTML:   highlightHTML(h.Title),
					SnippetHTML: highlightHTML(h.Snippet),
				})
			}
			pageURL := func(n int) string {
				v := url.Values{"q": {data.Query}}
				for k, val := range map[string]string{"category": data.Category, "author": data.Author, "from": data.From, "to": data.To} {
					if val != "" {
						v.Set(k, val)
					}
				}
				if n > 1 {
					v.Set("page", strconv.Itoa(n))
				}
				return "/search?" + v.Encode()
			}
			if data.Page > 1 {
				data.PrevURL = pageURL(data.Page - 1)
			}
			if data.Page < data.Pages {
				data.NextURL = pageURL(data.Page + 1)
			}
			if total == 0 && filtered {
				data.Unfiltered = "/search?" + url.Values{"q": {data.Query}}.Encode()
			}
			if total == 0 {
				sort.Slice(cats, func(i, j int) bool { return cats[i].Count > cats[j].Count })
				for i, c := range cats {
					if i == 6 {
						break
					}
					data.Browse = append(data.Browse, link{c.Name, s.termURL(st, c)})
				}
			}
		}
		title = "Search results for “" + shorten(data.Query, 60) + "”"
		if data.Page > 1 {
			title += " – Page " + strconv.Itoa(data.Page)
		}
	}
	s.fillPageFrom(r, st, &data.pageData, title, "")
	// Results pages are endless and thin: crawlers should not index them.
	data.NoIndex = true
	s.render(w, r, status, "search", data)
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
