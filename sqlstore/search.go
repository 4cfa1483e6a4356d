package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/markup"
)

var (
	_ communique.SearchService  = (*DB)(nil)
	_ communique.SitemapService = (*DB)(nil)
)

// Search is the one part of the store written twice: SQLite's FTS5 and
// PostgreSQL's text search have nothing in common but the idea. Both read
// the query through communique.ParseSearchQuery, so they agree on what a
// reader asked for, and both keep to published articles here, so a draft
// never shows in results.

// ftsTokenizer is the SQLite FTS5 tokenizer for a search language: the
// porter stemmer for English, whole words (accents folded) for the rest.
func ftsTokenizer(language string) string {
	if language == "english" {
		return "porter unicode61 remove_diacritics 2"
	}
	return "unicode61 remove_diacritics 2"
}

// setBodyText stores the plain text of an article's body for search.
// CreateArticle and UpdateArticle call it after writing html; the search
// triggers then index the row.
func (tx *Tx) setBodyText(ctx context.Context, id int64, html string) error {
	if _, err := tx.w().exec(ctx, `UPDATE articles SET body_text = ? WHERE id = ?`, markup.PlainText(html), id); err != nil {
		return fmt.Errorf("body text: %w", err)
	}
	return nil
}

// SearchArticles finds published articles and pages by their words, in
// three steps that keep the cost bounded whatever the query: the newest
// MaxSearchResults matches (by id, which follows publication closely),
// then their relevance, then snippets and articles for the page shown.
func (db *DB) SearchArticles(ctx context.Context, f communique.SearchFilter) ([]*communique.SearchHit, int, error) {
	if err := communique.SearchQueryError(f.Query); err != nil {
		return nil, 0, err
	}
	if f.Type != nil && *f.Type != communique.TypePost && *f.Type != communique.TypePage {
		return nil, 0, communique.Errorf(communique.EINVALID, "Type must be %q or %q.", communique.TypePost, communique.TypePage)
	}
	terms := communique.ParseSearchQuery(f.Query)
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	var categories []int64
	if f.CategoryID != nil {
		var err error
		if categories, err = db.termAndDescendants(ctx, *f.CategoryID); err != nil {
			return nil, 0, err
		}
	}
	var s searcher = sqliteSearch{db, ftsMatch(terms, f, categories)}
	if db.dialect.Name == "postgres" {
		// The tsquery is made once and bound as a constant, so the planner
		// sees how common its words are (a backward scan of the newest
		// articles for a common word, the GIN index for a rare one) and no
		// row parses the query again.
		// The language is one of SearchLanguages (the setting is checked),
		// each a text search configuration PostgreSQL ships.
		cfg := db.searchLanguage(ctx)
		var tsq, tree string
		if err := db.r().row(ctx, `SELECT q::text, querytree(q) FROM websearch_to_tsquery(?::regconfig, ?) q`,
			cfg, websearchQuery(terms)).Scan(&tsq, &tree); err != nil {
			return nil, 0, fmt.Errorf("search: %w", err)
		}
		if tree == "" || tree == "T" {
			// Only words the language ignores ("the"), or only those and
			// exclusions: nothing to look for.
			return nil, 0, nil
		}
		s = postgresSearch{db, tsq, cfg}
	}
	cands, scores, err := s.rank(ctx, f, categories)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	total, offset := len(cands), max(f.Offset, 0)
	if offset >= total {
		return nil, total, nil
	}
	// Ranked candidates first, best first; then the rest, newest first.
	sort.SliceStable(cands, func(i, j int) bool {
		si, ranked := scores[cands[i]]
		sj, rankedToo := scores[cands[j]]
		if ranked != rankedToo {
			return ranked
		}
		return si > sj
	})
	page := cands[offset:min(offset+limit, total)]
	hits := make([]*communique.SearchHit, len(page))
	for i, id := range page {
		hits[i] = &communique.SearchHit{Article: &communique.Article{ID: id}, Rank: scores[id]}
	}
	if err := s.snippets(ctx, hits); err != nil {
		return nil, 0, fmt.Errorf("search snippets: %w", err)
	}
	if err := db.attachHitArticles(ctx, hits); err != nil {
		return nil, 0, err
	}
	return hits, total, nil
}

// rankWindow is how many of the newest matches are ranked by relevance;
// the older ones follow, newest first. Relevance functions read every
// ranked row's index data, which costs about 10 µs a row.
const rankWindow = communique.SearchRankWindow

// searcher is one database's full-text search.
type searcher interface {
	// rank returns the ids of the newest MaxSearchResults matches, newest
	// first, and the relevance of the newest rankWindow of them (higher
	// is better).
	rank(ctx context.Context, f communique.SearchFilter, categories []int64) ([]int64, map[int64]float64, error)
	// snippets sets the marked title and snippet of each hit.
	snippets(ctx context.Context, hits []*communique.SearchHit) error
}

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

// snippetWords is about how many words a snippet shows.
const snippetWords = 30

// sqliteSearch searches the FTS5 table, which holds published articles
// only and carries the filters as facet terms: only a date range needs
// the articles table.
type sqliteSearch struct {
	db    *DB
	match string
}

func (s sqliteSearch) rank(ctx context.Context, f communique.SearchFilter, categories []int64) ([]int64, map[int64]float64, error) {
	ids, err := s.candidates(ctx, f)
	if err != nil || len(ids) == 0 {
		return ids, nil, err
	}
	scores, err := s.scores(ctx, ids[:min(len(ids), rankWindow)])
	return ids, scores, err
}

func (s sqliteSearch) candidates(ctx context.Context, f communique.SearchFilter) ([]int64, error) {
	r := s.db.r()
	from, where, args := "articles_fts", "", []any{s.match}
	if f.PublishedFrom != nil || f.PublishedTo != nil {
		// CROSS JOIN keeps the FTS table outside: probing it once per
		// article would run the MATCH thousands of times.
		from = "articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid"
		if f.PublishedFrom != nil {
			where, args = where+" AND a.published_at >= ?", append(args, r.t(*f.PublishedFrom))
		}
		if f.PublishedTo != nil {
			where, args = where+" AND a.published_at < ?", append(args, r.t(*f.PublishedTo))
		}
	}
	return scanIDs(r.query(ctx, `SELECT articles_fts.rowid FROM `+from+` WHERE articles_fts MATCH ?`+where+`
		ORDER BY articles_fts.rowid DESC LIMIT ?`, append(args, communique.MaxSearchResults)...))
}

func (s sqliteSearch) scores(ctx context.Context, ids []int64) (map[int64]float64, error) {
	// bm25 weighs a match in the title ten times one in the body. A
	// rowid range is what FTS5 narrows a MATCH by cheaply; rows in the
	// range that are not candidates (a date filter left them out) are
	// dropped here.
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	rows, err := s.db.r().query(ctx, `SELECT rowid, bm25(articles_fts, 10.0, 4.0, 1.0, 0.0) FROM articles_fts
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

func (s sqliteSearch) snippets(ctx context.Context, hits []*communique.SearchHit) error {
	byID, ids := hitIndex(hits)
	m, e := communique.HighlightStart, communique.HighlightEnd
	rows, err := s.db.r().query(ctx, `SELECT rowid, highlight(articles_fts, 0, ?, ?),
			snippet(articles_fts, 1, ?, ?, '…', ?), snippet(articles_fts, 2, ?, ?, '…', ?)
		FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN (`+placeholders(len(ids))+`)`,
		append([]any{m, e, m, e, snippetWords, m, e, snippetWords, s.match}, int64Args(ids)...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, excerpt, body string
		if err := rows.Scan(&id, &title, &excerpt, &body); err != nil {
			return err
		}
		byID[id].Title, byID[id].Snippet = title, pickSnippet(body, excerpt)
	}
	return rows.Err()
}

// postgresSearch uses the tsvector column and its GIN index over
// published articles.
type postgresSearch struct {
	db     *DB
	query  string // a tsquery, as text
	config string // the text search configuration
}

func (s postgresSearch) rank(ctx context.Context, f communique.SearchFilter, categories []int64) ([]int64, map[int64]float64, error) {
	r := s.db.r()
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
	args := []any{r.t(s.db.Now())}
	if f.Type != nil {
		where, args = append(where, "a.type = ?"), append(args, *f.Type)
	}
	if f.AuthorID != nil {
		where, args = append(where, "a.author_id = ?"), append(args, *f.AuthorID)
	}
	if f.PublishedFrom != nil {
		where, args = append(where, "a.published_at >= ?"), append(args, r.t(*f.PublishedFrom))
	}
	if f.PublishedTo != nil {
		where, args = append(where, "a.published_at < ?"), append(args, r.t(*f.PublishedTo))
	}
	// The newest matches by id alone (sorting a common word's thousands
	// of matches with their vectors spilled to disk), then the vectors of
	// the newest rankWindow of them for ts_rank. Normalization 1 divides
	// by the log of the length, so a long article that mentions a word
	// once does not beat a short one about it.
	if s.db.dialect.PlanForValues != nil {
		args = append([]any{s.db.dialect.PlanForValues}, args...)
	}
	rows, err := r.query(ctx, `SELECT m.id, ts_rank(v.search_vector, `+lit+`, 1) FROM (
			SELECT id, row_number() OVER (ORDER BY id DESC) AS n FROM (
				SELECT a.id FROM articles a WHERE `+strings.Join(where, " AND ")+`
				ORDER BY a.id DESC LIMIT ?) x) m
		LEFT JOIN articles v ON v.id = m.id AND m.n <= ?
		ORDER BY m.id DESC`,
		append(append([]any{}, args...), communique.MaxSearchResults, rankWindow)...)
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

func (s postgresSearch) snippets(ctx context.Context, hits []*communique.SearchHit) error {
	byID, ids := hitIndex(hits)
	marks := "StartSel=" + communique.HighlightStart + ", StopSel=" + communique.HighlightEnd
	// ShortWord=0 keeps short words ("The") at the edges of a snippet.
	rows, err := s.db.r().query(ctx, `SELECT a.id, ts_headline(cfg, a.title, query, ?),
			ts_headline(cfg, a.excerpt, query, ?), ts_headline(cfg, COALESCE(a.body_text, a.html), query, ?)
		FROM articles a, CAST(? AS regconfig) cfg, CAST(? AS tsquery) query
		WHERE a.id IN (`+placeholders(len(ids))+`)`,
		append([]any{marks + ", HighlightAll=true", marks + ", ShortWord=0, MaxWords=" + strconv.Itoa(snippetWords) + ", MinWords=15",
			marks + `, ShortWord=0, MaxWords=` + strconv.Itoa(snippetWords) + `, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`, s.config, s.query},
			int64Args(ids)...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, excerpt, body string
		if err := rows.Scan(&id, &title, &excerpt, &body); err != nil {
			return err
		}
		byID[id].Title, byID[id].Snippet = title, pickSnippet(body, excerpt)
	}
	return rows.Err()
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

func hitIndex(hits []*communique.SearchHit) (map[int64]*communique.SearchHit, []int64) {
	byID := make(map[int64]*communique.SearchHit, len(hits))
	ids := make([]int64, len(hits))
	for i, h := range hits {
		byID[h.Article.ID], ids[i] = h, h.Article.ID
	}
	return byID, ids
}

// pickSnippet prefers the body's snippet, then the excerpt's, whichever
// shows a match; with none (the title matched) the body's opening.
func pickSnippet(body, excerpt string) string {
	switch {
	case strings.Contains(body, communique.HighlightStart):
		return body
	case strings.Contains(excerpt, communique.HighlightStart):
		return excerpt
	}
	return body
}

// attachHitArticles loads the found articles, with their authors and
// terms, in one query.
func (db *DB) attachHitArticles(ctx context.Context, hits []*communique.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	byID, ids := hitIndex(hits)
	rows, err := db.r().query(ctx, `SELECT `+articleColumns+` FROM articles a JOIN users u ON u.id = a.author_id
		WHERE a.id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return fmt.Errorf("search articles: %w", err)
	}
	defer rows.Close()
	list := make([]*communique.Article, 0, len(hits))
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return fmt.Errorf("scan article: %w", err)
		}
		byID[a.ID].Article = a
		list = append(list, a)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return db.attachTerms(ctx, list)
}

// RebuildSearchIndex derives the missing plain body texts and re-indexes
// every article in the search_language setting's language.
func (db *DB) RebuildSearchIndex(ctx context.Context) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	rows, err := w.query(ctx, `SELECT id, html FROM articles WHERE body_text IS NULL`)
	if err != nil {
		return fmt.Errorf("rebuild search: %w", err)
	}
	type row struct {
		id   int64
		html string
	}
	var stale []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.html); err != nil {
			rows.Close()
			return err
		}
		stale = append(stale, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range stale {
		if err := tx.setBodyText(ctx, r.id, r.html); err != nil {
			return err
		}
	}
	if db.dialect.Name == "postgres" {
		// The trigger derives the vector again, in the current language.
		if _, err := w.exec(ctx, `UPDATE articles SET search_vector = NULL`); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
		return tx.Commit()
	}
	language := searchLanguage(ctx, w)
	// The tokenizer is fixed when the table is made, so a language
	// change makes the table again. The triggers name it, not hold it.
	for _, stmt := range []string{
		`DROP TABLE articles_fts`,
		`CREATE VIRTUAL TABLE articles_fts USING fts5(title, excerpt, body, facets, tokenize = '` + ftsTokenizer(language) + `')`,
		`INSERT INTO articles_fts (rowid, title, excerpt, body, facets) SELECT * FROM articles_fts_source`,
	} {
		if _, err := w.exec(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
	}
	return tx.Commit()
}

// Optimize merges the FTS5 index's segments and gathers the
// planner's statistics (SQLite), or vacuums and analyzes the articles
// (PostgreSQL): a bulk load leaves GIN entries pending, pages unmarked as
// all-visible and no statistics, and autovacuum would otherwise do it
// later, while readers wait. Without statistics SQLite can pick an index
// that walks a whole table.
func (db *DB) Optimize(ctx context.Context) error {
	if db.dialect.Name == "postgres" {
		// VACUUM cannot run in a transaction.
		if _, err := db.write.ExecContext(ctx, `VACUUM (ANALYZE) articles, article_terms`); err != nil {
			return fmt.Errorf("optimize search: %w", err)
		}
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.w().exec(ctx, `INSERT INTO articles_fts (articles_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize search: %w", err)
	}
	if _, err := tx.w().exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return tx.Commit()
}

// RefreshStatistics gathers the query planner's statistics for the tables
// whose contents changed much since the last time, as SQLite advises for
// long-running processes ('PRAGMA optimize', bounded by analysis_limit so
// it takes milliseconds on a large store). PostgreSQL's autovacuum does
// this by itself. Without statistics SQLite can pick an index that walks
// a whole table.
func (db *DB) RefreshStatistics(ctx context.Context) error {
	if db.dialect.Name != "sqlite" {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002`); err != nil {
		return fmt.Errorf("refresh statistics: %w", err)
	}
	return nil
}

// searchLanguage returns the search_language setting, english when unset.
func (db *DB) searchLanguage(ctx context.Context) string {
	return searchLanguage(ctx, db.r())
}

func searchLanguage(ctx context.Context, x q) string {
	var v string
	if err := x.row(ctx, `SELECT value FROM settings WHERE key = 'search_language'`).Scan(&v); err == nil &&
		communique.ValidateSetting("search_language", v) == nil {
		return v
	}
	return "english"
}

// FindArticleRefs returns published articles matching f, for sitemaps.
func (db *DB) FindArticleRefs(ctx context.Context, f communique.ArticleRefFilter) ([]*communique.ArticleRef, error) {
	r := db.r()
	where := []string{"a.type = ?", "a.status = 'published'", "a.published_at <= ?"}
	args := []any{f.Type, r.t(db.Now())}
	if f.PublishedFrom != nil {
		where, args = append(where, "a.published_at >= ?"), append(args, r.t(*f.PublishedFrom))
	}
	order := "a.id"
	if f.Newest {
		order = "a.published_at DESC, a.id DESC"
	}
	limit := f.Limit
	if limit <= 0 || limit > communique.MaxSitemapURLs {
		limit = communique.MaxSitemapURLs
	}
	rows, err := r.query(ctx, `SELECT a.id, a.type, a.title, a.slug, COALESCE(a.parent_id, 0), a.published_at, a.modified_at
		FROM articles a WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("find article refs: %w", err)
	}
	defer rows.Close()
	var list []*communique.ArticleRef
	for rows.Next() {
		a := &communique.ArticleRef{}
		if err := rows.Scan(&a.ID, &a.Type, &a.Title, &a.Slug, &a.ParentID, scanTime{&a.PublishedAt}, scanTime{&a.ModifiedAt}); err != nil {
			return nil, fmt.Errorf("scan article ref: %w", err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// ArticleRefChunks describes the sitemap files of a type's articles.
func (db *DB) ArticleRefChunks(ctx context.Context, typ string, size int) ([]communique.ArticleRefChunk, error) {
	if size <= 0 || size > communique.MaxSitemapURLs {
		size = communique.MaxSitemapURLs
	}
	r := db.r()
	rows, err := r.query(ctx, `SELECT (n - 1) / ? AS chunk, COUNT(*), MAX(modified_at) FROM (
			SELECT modified_at, ROW_NUMBER() OVER (ORDER BY id) AS n FROM articles
			WHERE type = ? AND status = 'published' AND published_at <= ?) x
		GROUP BY chunk ORDER BY chunk`, size, typ, r.t(db.Now()))
	if err != nil {
		return nil, fmt.Errorf("article chunks: %w", err)
	}
	defer rows.Close()
	var chunks []communique.ArticleRefChunk
	for rows.Next() {
		var n int64
		var c communique.ArticleRefChunk
		if err := rows.Scan(&n, &c.Count, scanTime{&c.Modified}); err != nil {
			return nil, fmt.Errorf("scan article chunk: %w", err)
		}
		chunks = append(chunks, c)
	}
	return chunks, rows.Err()
}
