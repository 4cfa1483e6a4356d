package postgres

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"communique"
	"communique/sqlstore"
)

// PostgreSQL's search: the articles' tsvector column, which a trigger
// derives in the search language, with categories as lexemes.

// snippetWords is about how many words a snippet shows.
const snippetWords = 30

// websearchQuery writes parsed terms back in websearch_to_tsquery's
// syntax, which reads them exactly as ParseSearchQuery did.
func websearchQuery(terms []communique.SearchTerm) string {
	var b strings.Builder
	for _, t := range terms {
		if b.Len() > 0 {
			b.WriteByte(' ')
			if t.Or {
				b.WriteString("or ")
			}
		}
		if t.Exclude {
			b.WriteByte('-')
		}
		if len(t.Words) == 1 {
			b.WriteString(t.Words[0])
		} else {
			b.WriteString(`"` + strings.Join(t.Words, " ") + `"`)
		}
	}
	return b.String()
}

// postgresSearch uses the tsvector column and its GIN index over
// published articles.
type search struct {
	r      sqlstore.Querier
	q      sqlstore.SearchQuery
	query  string // a tsquery, as text
	config string // the text search configuration
}

// PrepareSearch makes the tsquery once, to bind it as a constant, so the
// planner sees how common its words are (a backward scan of the newest
// articles for a common word, the GIN index for a rare one) and no row
// parses the query again. The language is one of SearchLanguages (the
// setting is checked), each a text search configuration PostgreSQL
// ships.
func (engine) PrepareSearch(ctx context.Context, r sqlstore.Querier, q sqlstore.SearchQuery) (sqlstore.Searcher, error) {
	var tsq, tree string
	language := q.Language(ctx)
	if err := r.QueryRowContext(ctx, `SELECT q::text, querytree(q) FROM websearch_to_tsquery($1::regconfig, $2) q`,
		language, websearchQuery(q.Terms)).Scan(&tsq, &tree); err != nil {
		return nil, err
	}
	if tree == "" || tree == "T" {
		// Only words the language ignores ("the"), or only those and
		// exclusions: nothing to look for.
		return nil, nil
	}
	return search{r, q, tsq, language}, nil
}

func (s search) Rank(ctx context.Context) ([]int64, map[int64]float64, error) {
	f, categories := s.q.Filter, s.q.Categories
	// The tsquery is written into the SQL rather than bound: a driver
	// that prepares statements gets a generic plan after a few runs, one
	// that cannot know how common the words are (and then sorts every
	// match of a common word). It is PostgreSQL's own output, made of
	// words of letters and digits, quoted here as a literal.
	literal := func(q string) string { return "'" + strings.ReplaceAll(q, "'", "''") + "'::tsquery" }
	match := s.query
	if f.CategoryID != nil {
		// Categories are lexemes of the vector (see migration 0003).
		var or []string
		for _, id := range categories {
			or = append(or, "'zterm"+strconv.FormatInt(id, 10)+"'")
		}
		match = "(" + s.query + ") & (" + strings.Join(or, " | ") + ")"
	}
	lit := literal(s.query)
	where := []string{"a.search_vector @@ " + literal(match), "a.status = 'published'", "a.published_at <= ?"}
	args := []any{s.q.Before.UTC()}
	if f.Type != nil {
		where, args = append(where, "a.type = ?"), append(args, *f.Type)
	}
	if f.AuthorID != nil {
		where, args = append(where, "a.author_id = ?"), append(args, *f.AuthorID)
	}
	if f.PublishedFrom != nil {
		where, args = append(where, "a.published_at >= ?"), append(args, f.PublishedFrom.UTC())
	}
	if f.PublishedTo != nil {
		where, args = append(where, "a.published_at < ?"), append(args, f.PublishedTo.UTC())
	}
	// The newest matches by id alone (sorting a common word's thousands
	// of matches with their vectors spilled to disk), then the vectors of
	// the newest communique.SearchRankWindow of them for ts_rank. Normalization 1 divides
	// by the log of the length, so a long article that mentions a word
	// once does not beat a short one about it.
	if s.q.PlanForValues != nil {
		args = append([]any{s.q.PlanForValues}, args...)
	}
	rows, err := s.r.QueryContext(ctx, sqlstore.Rebind(`SELECT m.id, ts_rank(v.search_vector, `+lit+`, 1) FROM (
			SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM (
				SELECT a.id FROM articles a WHERE `+strings.Join(where, " AND ")+`
				ORDER BY a.id DESC LIMIT ?) x) m
		LEFT JOIN articles v ON v.id = m.id AND m.n <= ?
		ORDER BY m.id DESC`),
		append(append([]any{}, args...), communique.MaxSearchResults, communique.SearchRankWindow)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	scores := map[int64]float64{}
	for rows.Next() {
		var id int64
		var score sql.NullFloat64
		if err := rows.Scan(&id, &score); err != nil {
			return nil, nil, err
		}
		ids = append(ids, id)
		if score.Valid {
			scores[id] = score.Float64
		}
	}
	return ids, scores, rows.Err()
}

func (s search) Snippets(ctx context.Context, ids []int64) (map[int64]sqlstore.SearchSnippet, error) {
	marks := "StartSel=" + communique.HighlightStart + ", StopSel=" + communique.HighlightEnd
	// ShortWord=0 keeps short words ("The") at the edges of a snippet.
	rows, err := s.r.QueryContext(ctx, sqlstore.Rebind(`SELECT a.id, ts_headline(cfg, a.title, query, ?),
			ts_headline(cfg, a.excerpt, query, ?), ts_headline(cfg, COALESCE(a.body_text, a.html), query, ?)
		FROM articles a, CAST(? AS regconfig) cfg, CAST(? AS tsquery) query
		WHERE a.id IN (`+sqlstore.Placeholders(len(ids))+`)`),
		append([]any{marks + ", HighlightAll=true", marks + ", ShortWord=0, MaxWords=" + strconv.Itoa(snippetWords) + ", MinWords=15",
			marks + `, ShortWord=0, MaxWords=` + strconv.Itoa(snippetWords) + `, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`, s.config, s.query},
			sqlstore.Int64Args(ids)...)...)
	return sqlstore.ScanSnippets(rows, err, len(ids))
}
