package sqlite

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/sqlstore"
)

// SQLite's search: an FTS5 table of the published articles, whose facet
// column carries the filters (type, author, categories, months) as terms.

// ftsMatch writes parsed terms as an FTS5 query confined to the text
// columns, with the filters as facet terms (see migration 0003). Every
// word is quoted, so nothing a reader types is read as FTS5 syntax; OR
// binds tighter than the implicit AND, as in web search.
func ftsMatch(terms []communique.SearchTerm, f communique.SearchFilter, categories []int64) string {
	var groups [][]string
	var excluded []string
	for _, t := range terms {
		q := `"` + strings.Join(t.Words, " ") + `"`
		switch {
		case t.Exclude:
			excluded = append(excluded, q)
		case t.Or && len(groups) > 0:
			groups[len(groups)-1] = append(groups[len(groups)-1], q)
		default:
			groups = append(groups, []string{q})
		}
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = "(" + strings.Join(g, " OR ") + ")"
	}
	text := strings.Join(parts, " AND ")
	for _, e := range excluded {
		text += " NOT " + e
	}
	m := "({title excerpt body} : (" + text + "))"
	if f.Type != nil {
		m += ` AND (facets : "ztype` + *f.Type + `")`
	}
	if f.AuthorID != nil {
		m += ` AND (facets : "zauthor` + strconv.FormatInt(*f.AuthorID, 10) + `")`
	}
	if f.CategoryID != nil {
		var or []string
		for _, id := range categories {
			or = append(or, `"zterm`+strconv.FormatInt(id, 10)+`"`)
		}
		m += " AND (facets : (" + strings.Join(or, " OR ") + "))"
	}
	if months := facetMonths(f.PublishedFrom, f.PublishedTo); months != nil {
		m += " AND (facets : (" + strings.Join(months, " OR ") + "))"
	}
	return m
}

// facetMonths returns the month tokens a date range covers, to narrow the
// MATCH; the exact bounds are checked against the articles. nil when the
// range is open or spans more than 20 years (the narrowing would cost
// more than it saves).
func facetMonths(from, to *time.Time) []string {
	if from == nil || to == nil || !to.After(*from) {
		return nil
	}
	var months []string
	last := to.Add(-time.Nanosecond).UTC()
	for m := time.Date(from.UTC().Year(), from.UTC().Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(last); m = m.AddDate(0, 1, 0) {
		if len(months) == 240 {
			return nil
		}
		months = append(months, `"zm`+m.Format("200601")+`"`)
	}
	return months
}

// snippetWords is about how many words a snippet shows.
const snippetWords = 30

// sqliteSearch searches the FTS5 table, which holds published articles
// only and carries the filters as facet terms: only a date range needs
// the articles table.
type search struct {
	r     sqlstore.Querier
	q     sqlstore.SearchQuery
	match string
	terms []communique.SearchTerm // as the index holds their words
	lang  string
}

// PrepareSearch writes the query as an FTS5 MATCH, in the search
// language's stems and without its stop words; nil when only stop words
// were asked for.
func (engine) PrepareSearch(ctx context.Context, r sqlstore.Querier, q sqlstore.SearchQuery) (sqlstore.Searcher, error) {
	lang := q.Language(ctx)
	terms := queryTerms(q.Terms, lang)
	if terms == nil {
		return nil, nil
	}
	return search{r: r, q: q, match: ftsMatch(terms, q.Filter, q.Categories), terms: terms, lang: lang}, nil
}

func (s search) Rank(ctx context.Context) ([]int64, map[int64]float64, error) {
	ids, err := s.candidates(ctx, s.q.Filter)
	if err != nil || len(ids) == 0 {
		return ids, nil, err
	}
	scores, err := s.scores(ctx, ids[:min(len(ids), communique.SearchRankWindow)])
	return ids, scores, err
}

func (s search) candidates(ctx context.Context, f communique.SearchFilter) ([]int64, error) {
	from, where, args := "articles_fts", "", []any{s.match}
	if f.PublishedFrom != nil || f.PublishedTo != nil {
		// CROSS JOIN keeps the FTS table outside: probing it once per
		// article would run the MATCH thousands of times.
		from = "articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid"
		if f.PublishedFrom != nil {
			where, args = where+" AND a.published_at >= ?", append(args, sqlTime(*f.PublishedFrom))
		}
		if f.PublishedTo != nil {
			where, args = where+" AND a.published_at < ?", append(args, sqlTime(*f.PublishedTo))
		}
	}
	return scanIDs(s.r.QueryContext(ctx, `SELECT articles_fts.rowid FROM `+from+` WHERE articles_fts MATCH ?`+where+`
		ORDER BY articles_fts.rowid DESC LIMIT ?`, append(args, communique.MaxSearchResults)...))
}

func (s search) scores(ctx context.Context, ids []int64) (map[int64]float64, error) {
	// bm25 weighs a match in the title ten times one in the body. A
	// rowid range is what FTS5 narrows a MATCH by cheaply; rows in the
	// range that are not candidates (a date filter left them out) are
	// dropped here.
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	rows, err := s.r.QueryContext(ctx, `SELECT rowid, bm25(articles_fts, 10.0, 4.0, 1.0, 0.0) FROM articles_fts
		WHERE articles_fts MATCH ? AND rowid BETWEEN ? AND ?`, s.match, ids[len(ids)-1], ids[0])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	scores := make(map[int64]float64, len(ids))
	for rows.Next() {
		var id int64
		var score float64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, err
		}
		if want[id] {
			scores[id] = -score // bm25 is lower for better matches
		}
	}
	return scores, rows.Err()
}

func (s search) Snippets(ctx context.Context, ids []int64) (map[int64]sqlstore.SearchSnippet, error) {
	if stemsInGo(s.lang) {
		return s.goSnippets(ctx, ids) // the index holds stems, not words
	}
	m, e := communique.HighlightStart, communique.HighlightEnd
	rows, err := s.r.QueryContext(ctx, `SELECT rowid, highlight(articles_fts, 0, ?, ?),
			snippet(articles_fts, 1, ?, ?, '…', ?), snippet(articles_fts, 2, ?, ?, '…', ?)
		FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN (`+sqlstore.Placeholders(len(ids))+`)`,
		append([]any{m, e, m, e, snippetWords, m, e, snippetWords, s.match}, sqlstore.Int64Args(ids)...)...)
	return sqlstore.ScanSnippets(rows, err, len(ids))
}

// scanIDs reads a column of ids.
func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sqlTime binds a time as SQLite stores it.
func sqlTime(t time.Time) string { return t.UTC().Format(sqlstore.TimeText) }
