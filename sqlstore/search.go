package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// SearchArticles finds published articles and pages by their words.
func (db *DB) SearchArticles(ctx context.Context, f communique.SearchFilter) ([]*communique.SearchHit, int, error) {
	if err := communique.SearchQueryError(f.Query); err != nil {
		return nil, 0, err
	}
	terms := communique.ParseSearchQuery(f.Query)
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	r := db.r()
	where := []string{"a.status = 'published'", "a.published_at <= ?"}
	args := []any{r.t(db.Now())}
	if f.Type != nil {
		where, args = append(where, "a.type = ?"), append(args, *f.Type)
	}
	if f.AuthorID != nil {
		where, args = append(where, "a.author_id = ?"), append(args, *f.AuthorID)
	}
	if f.CategoryID != nil {
		ids, err := db.termAndDescendants(ctx, *f.CategoryID)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, "a.id IN (SELECT article_id FROM article_terms WHERE term_id IN ("+placeholders(len(ids))+"))")
		args = append(args, int64Args(ids)...)
	}
	if f.PublishedFrom != nil {
		where, args = append(where, "a.published_at >= ?"), append(args, r.t(*f.PublishedFrom))
	}
	if f.PublishedTo != nil {
		where, args = append(where, "a.published_at < ?"), append(args, r.t(*f.PublishedTo))
	}
	var (
		hits  []*communique.SearchHit
		total int
		err   error
	)
	if db.dialect.Name == "postgres" {
		hits, total, err = db.searchPostgres(ctx, websearchQuery(terms), where, args, limit, max(f.Offset, 0))
	} else {
		hits, total, err = db.searchSQLite(ctx, ftsQuery(terms), where, args, limit, max(f.Offset, 0))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if err := db.attachHitArticles(ctx, hits); err != nil {
		return nil, 0, err
	}
	return hits, total, nil
}

// ftsQuery writes parsed terms as an FTS5 query. Every word is quoted, so
// nothing a reader types is read as FTS5 syntax; OR binds tighter than
// the implicit AND, as in web search.
func ftsQuery(terms []communique.SearchTerm) string {
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
	s := strings.Join(parts, " AND ")
	for _, e := range excluded {
		s += " NOT " + e
	}
	return s
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

func (db *DB) searchSQLite(ctx context.Context, match string, where []string, args []any, limit, offset int) ([]*communique.SearchHit, int, error) {
	r := db.r()
	// bm25 weighs a match in the title ten times one in the body.
	// The window count goes outside: bm25() only works in the query that
	// holds the MATCH.
	rows, err := r.query(ctx, `SELECT id, score, COUNT(*) OVER () FROM (
			SELECT articles_fts.rowid AS id, bm25(articles_fts, 10.0, 4.0, 1.0) AS score, a.published_at AS published_at
			FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
			WHERE articles_fts MATCH ? AND `+strings.Join(where, " AND ")+`) x
		ORDER BY score, published_at DESC, id DESC LIMIT ? OFFSET ?`,
		append(append([]any{match}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	hits, total, err := scanHits(rows, -1)
	if err != nil || len(hits) == 0 {
		if err == nil && offset > 0 {
			err = r.row(ctx, `SELECT COUNT(*) FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
				WHERE articles_fts MATCH ? AND `+strings.Join(where, " AND "), append([]any{match}, args...)...).Scan(&total)
		}
		return hits, total, err
	}
	// Snippets only for the page shown: snippet() reads each row's text.
	byID, ids := hitIndex(hits)
	s, e := communique.HighlightStart, communique.HighlightEnd
	rows, err = r.query(ctx, `SELECT rowid, highlight(articles_fts, 0, ?, ?),
			snippet(articles_fts, 1, ?, ?, '…', ?), snippet(articles_fts, 2, ?, ?, '…', ?)
		FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN (`+placeholders(len(ids))+`)`,
		append([]any{s, e, s, e, snippetWords, s, e, snippetWords, match}, int64Args(ids)...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, excerpt, body string
		if err := rows.Scan(&id, &title, &excerpt, &body); err != nil {
			return nil, 0, err
		}
		byID[id].Title, byID[id].Snippet = title, pickSnippet(body, excerpt)
	}
	return hits, total, rows.Err()
}

func (db *DB) searchPostgres(ctx context.Context, query string, where []string, args []any, limit, offset int) ([]*communique.SearchHit, int, error) {
	r := db.r()
	// Normalization 1 divides by the log of the length, so a long article
	// that mentions a word once does not beat a short one about it.
	rows, err := r.query(ctx, `SELECT a.id, ts_rank(a.search_vector, query, 1) AS score, COUNT(*) OVER ()
		FROM articles a, websearch_to_tsquery(communique_search_config(), ?) query
		WHERE a.search_vector @@ query AND `+strings.Join(where, " AND ")+`
		ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT ? OFFSET ?`,
		append(append([]any{query}, args...), limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	hits, total, err := scanHits(rows, 1)
	if err != nil || len(hits) == 0 {
		if err == nil && offset > 0 {
			err = r.row(ctx, `SELECT COUNT(*) FROM articles a, websearch_to_tsquery(communique_search_config(), ?) query
				WHERE a.search_vector @@ query AND `+strings.Join(where, " AND "), append([]any{query}, args...)...).Scan(&total)
		}
		return hits, total, err
	}
	byID, ids := hitIndex(hits)
	marks := "StartSel=" + communique.HighlightStart + ", StopSel=" + communique.HighlightEnd
	rows, err = r.query(ctx, `SELECT a.id, ts_headline(cfg, a.title, query, ?),
			ts_headline(cfg, a.excerpt, query, ?), ts_headline(cfg, COALESCE(a.body_text, a.html), query, ?)
		FROM articles a, communique_search_config() cfg, websearch_to_tsquery(cfg, ?) query
		WHERE a.id IN (`+placeholders(len(ids))+`)`,
		// ShortWord=0 keeps short words ("The") at the edges of a snippet.
		append([]any{marks + ", HighlightAll=true", marks + ", ShortWord=0, MaxWords=" + strconv.Itoa(snippetWords) + ", MinWords=15",
			marks + `, ShortWord=0, MaxWords=` + strconv.Itoa(snippetWords) + `, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`, query},
			int64Args(ids)...)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var title, excerpt, body string
		if err := rows.Scan(&id, &title, &excerpt, &body); err != nil {
			return nil, 0, err
		}
		byID[id].Title, byID[id].Snippet = title, pickSnippet(body, excerpt)
	}
	return hits, total, rows.Err()
}

// scanHits reads id, score and total rows; sign turns the score into a
// rank where higher is better.
func scanHits(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, sign float64) ([]*communique.SearchHit, int, error) {
	defer rows.Close()
	var hits []*communique.SearchHit
	total := 0
	for rows.Next() {
		h := &communique.SearchHit{Article: &communique.Article{}}
		if err := rows.Scan(&h.Article.ID, &h.Rank, &total); err != nil {
			return nil, 0, err
		}
		h.Rank *= sign
		hits = append(hits, h)
	}
	return hits, total, rows.Err()
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
		`CREATE VIRTUAL TABLE articles_fts USING fts5(title, excerpt, body, tokenize = '` + ftsTokenizer(language) + `')`,
		`INSERT INTO articles_fts (rowid, title, excerpt, body) SELECT id, title, excerpt, COALESCE(body_text, html) FROM articles`,
	} {
		if _, err := w.exec(ctx, stmt); err != nil {
			return fmt.Errorf("rebuild search: %w", err)
		}
	}
	return tx.Commit()
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
