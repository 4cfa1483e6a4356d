package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// pageBreak is how a page break is stored (WordPress's <!--nextpage-->,
// imported as the block editor's element; see wordpress.PageBreak), as
// the sanitizer writes it.
var pageBreak = regexp.MustCompile(`(?:<p>\s*)?<hr class="wp-block-nextpage"\s*/?>(?:\s*</p>)?`)

// pageLink is one link of an article's page links.
type pageLink struct {
	Number  int
	URL     string
	Current bool
}

// splitPages shows the page of a multi-page article that ?page= asks
// for, as WordPress does: v then holds that page's HTML alone. It
// returns the query naming the page ("" for the first), the page links
// (nil for an article of one page), and false for a page it lacks.
func splitPages(r *http.Request, v *articleView, url string) (query string, links []pageLink, ok bool) {
	asked := r.URL.Query().Get("page")
	if !strings.Contains(v.HTML, "wp-block-nextpage") {
		return "", nil, asked == "" || asked == "1"
	}
	parts := pageBreak.Split(v.HTML, -1)
	n := 1
	if asked != "" {
		var err error
		if n, err = strconv.Atoi(asked); err != nil || n < 1 || n > len(parts) {
			return "", nil, false
		}
	}
	for i := range parts {
		l := pageLink{Number: i + 1, URL: url, Current: i+1 == n}
		if i > 0 {
			l.URL += "?page=" + strconv.Itoa(i+1)
		}
		links = append(links, l)
	}
	a := *v.Article
	a.HTML = strings.TrimSpace(parts[n-1])
	v.Article = &a
	if n > 1 {
		query = "?page=" + strconv.Itoa(n)
	}
	return query, links, true
}
