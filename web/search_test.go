package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
)

func TestSearchPage(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		n := newNewsroom(t, db)
		q := func(query string, extra ...string) string {
			v := url.Values{"q": {query}}
			for i := 0; i+1 < len(extra); i += 2 {
				v.Set(extra[i], extra[i+1])
			}
			return "/search?" + v.Encode()
		}
		hidden := []string{"Draft story", "Future story"}
		noResults := "Nothing matches"
		runCases(t, n.site, []httpCase{
			// Stemmed words, highlighted, the rest escaped.
			{name: "Stemmed", url: q("harbours"), wantStatus: http.StatusOK, wantContains: []string{
				"2 results for “<bdi>harbours</bdi>”", `<a href="/2026/03/14/midnight-story/" dir="auto">Midnight story</a>`,
				"<mark>harbour</mark> froze at midnight", `<a href="/about/">About</a>`, "report on the <mark>harbour</mark> town",
				`<meta name="robots" content="noindex">`,
			}, wantAbsent: append([]string{noResults}, hidden...)},
			{name: "WordPressURL", url: "/?s=froze", wantStatus: http.StatusOK, wantContains: []string{
				"1 result for “<bdi>froze</bdi>”", "harbour <mark>froze</mark> at midnight", `<input id="search-q" name="q" type="search" value="froze"`,
			}},
			{name: "TitleHighlighted", url: q("escaping"), wantStatus: http.StatusOK, wantContains: []string{
				`<mark>Escaping</mark> &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; test`,
			}},
			{name: "HostileQueryEscaped", url: q(`<script>alert("q")</script>`), wantStatus: http.StatusOK, wantContains: []string{
				`value="&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;"`, "for “&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;”",
			}},
			{name: "Ranked", url: q("story"), wantStatus: http.StatusOK, wantContains: []string{
				"4 results for “<bdi>story</bdi>”", "Page 1 of 2", `<link rel="next" href="/search?page=2&amp;q=story">`,
			}, wantAbsent: hidden},
			{name: "Page2", url: q("story", "page", "2"), wantStatus: http.StatusOK, wantContains: []string{
				"Page 2 of 2", `<link rel="prev" href="/search?q=story">`,
			}, wantAbsent: append([]string{`rel="next"`}, hidden...)},
			{name: "PagePastTheEnd", url: q("story", "page", "3"), wantStatus: http.StatusNotFound},

			// Filters.
			{name: "Category", url: q("story", "category", "news"), wantStatus: http.StatusOK, wantContains: []string{
				"3 results for “<bdi>story</bdi>”", `<option value="news" selected>News</option>`, `<option value="local">News › Local</option>`,
			}, wantAbsent: []string{"Old story", "Escaping"}},
			{name: "ChildCategory", url: q("story", "category", "local"), wantStatus: http.StatusOK, wantContains: []string{
				"1 result for “<bdi>story</bdi>”", "Midnight <mark>story</mark>"}},
			{name: "Author", url: q("story", "author", "ada"), wantStatus: http.StatusOK, wantContains: []string{
				"4 results", `<option value="ada" selected>Ada</option>`}},
			{name: "DateRange", url: q("story", "from", "2026-02-01", "to", "2026-03-14"), wantStatus: http.StatusOK, wantContains: []string{
				// The site is in New York: March 14 includes the midnight story.
				"2 results for “<bdi>story</bdi>”", "Sticky <mark>story</mark>", "Midnight <mark>story</mark>", `value="2026-02-01"`,
				`<details class="search-advanced" open>`}},
			// The site's language is en: dates are written month first, as
			// the hint says, and ISO dates (links, pickers) still work.
			{name: "DateRangeAsTheSiteWritesThem", url: q("story", "from", "2/1/2026", "to", "03/14/2026"), wantStatus: http.StatusOK, wantContains: []string{
				"2 results for “<bdi>story</bdi>”", `value="2/1/2026"`, "Write dates as mm/dd/yyyy, such as 03/14/2026."}},
			{name: "BadDate", url: q("story", "from", "2026-13-45"), wantStatus: http.StatusOK, wantContains: []string{
				"4 results", "Dates must be written as mm/dd/yyyy, such as 03/14/2026", `<details class="search-advanced" open>`}},
			// One search box; the advanced form folded until asked for.
			{name: "OneBoxFolded", url: q("story"), wantStatus: http.StatusOK, wantContains: []string{
				`<details class="search-advanced">`, `<summary>Narrow the search`}, wantAbsent: []string{`class="site-search"`, `type="date"`}},
			{name: "UnknownCategoryIgnored", url: q("story", "category", "nope"), wantStatus: http.StatusOK, wantContains: []string{"4 results"}},

			// Helpful pages for every kind of bad query.
			{name: "NoMatch", url: q("volcano"), wantStatus: http.StatusOK, wantContains: []string{
				"0 results for “<bdi>volcano</bdi>”", noResults, "Check the spelling", `<a href="/category/news/">News</a>`}},
			{name: "NoMatchFiltered", url: q("volcano", "author", "ada"), wantStatus: http.StatusOK, wantContains: []string{
				noResults, `<a href="/search?q=volcano">search all articles</a>`}},
			{name: "EmptyForm", url: "/search", wantStatus: http.StatusOK, wantContains: []string{"Search the news", `name="q"`},
				wantAbsent: []string{noResults, "result"}},
			{name: "EmptyQuery", url: q(""), wantStatus: http.StatusOK, wantContains: []string{"Search the news"}},
			{name: "EmptyWordPress", url: "/?s=", wantStatus: http.StatusOK, wantContains: []string{"Search the news"}},
			{name: "TrailingSlash", url: "/search/?q=froze", wantStatus: http.StatusOK, wantContains: []string{"1 result"}},
			{name: "OnlyPunctuation", url: q(`*** ((( """`), wantStatus: http.StatusOK, wantContains: []string{
				"Please type at least one word to look for."}},
			{name: "OnlyExclusions", url: q("-harbour"), wantStatus: http.StatusOK, wantContains: []string{
				"Please type at least one word to look for."}},
			{name: "TooLong", url: q(strings.Repeat("harbour ", 70)), wantStatus: http.StatusBadRequest, wantContains: []string{
				"That search is too long", `maxlength="500"`}},
			{name: "InvalidUTF8", url: "/search?q=%ff%fe", wantStatus: http.StatusBadRequest, wantContains: []string{"not allowed"}},
			{name: "Operators", url: q(`harbour AND OR NOT NEAR(x) title:froze "midnight`), wantStatus: http.StatusOK},
			{name: "FTSSyntax", url: q(`froze* ^harbour {title}:x`), wantStatus: http.StatusOK},
			{name: "TSQuerySyntax", url: q(`harbour & !council | froze:* <-> x`), wantStatus: http.StatusOK},
			{name: "SQL", url: q(`'; DROP TABLE articles; --`), wantStatus: http.StatusOK, wantContains: []string{noResults}},
			{name: "NulByte", url: "/search?q=harb%00our", wantStatus: http.StatusOK},
			{name: "HugePage", url: q("story", "page", "99999999999999999999"), wantStatus: http.StatusOK, wantContains: []string{"4 results"}},
			{name: "POST", method: http.MethodPost, url: q("harbour"), wantStatus: http.StatusMethodNotAllowed},
		})

		// The box in every page's header leads here.
		runCases(t, n.site, []httpCase{{name: "HeaderBox", url: "/2026/03/14/midnight-story/", wantStatus: http.StatusOK,
			wantContains: []string{`<form class="site-search" role="search" action="/search" method="get">`}}})

		if logs := n.Logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("the server logged errors:\n%s", logs)
		}
	}, atFixedNow)
}
