package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"communique"
	"communique/markup"
)

var (
	_ communique.SearchService  = (*Search)(nil)
	_ communique.SitemapService = (*Search)(nil)
)

// Search is the one part of the store written twice: SQLite's FTS5 and
// PostgreSQL's text search have nothing in common but the idea. Both read
// the query through communique.ParseSearchQuery, so they agree on what a
// reader asked for, and both keep to published articles here, so a draft
// never shows in results.

// setBodyText stores the plain text of an article's body for search.
// Every write of an article's html calls it in the same transaction; the
// search triggers then index the row.
func (tx *Tx) setBodyText(ctx context.Context, id int64, html string) error {
	if _, err := tx.w().exec(ctx, `UPDATE articles SET body_text = ? WHERE id = ?`, bodyText(html), id); err != nil {
		return fmt.Errorf("body text: %w", err)
	}
	return nil
}

// bodyText is what search indexes of an article's html: its words.
func bodyText(html string) string { return markup.PlainText(html) }

// SearchArticles finds published articles and pages by their words, in
// three steps that keep the cost bounded whatever the query: the newest
// MaxSearchResults matches (by id, which follows publication closely),
// then their relevance, then snippets and articles for the page shown.
func (db *Search) SearchArticles(ctx context.Context, f communique.SearchFilter) ([]*communique.SearchHit, int, error) {
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
	s, err := db.dialect.Engine.PrepareSearch(ctx, db.r(), SearchQuery{Terms: terms, Filter: f, Categories: categories,
		Language: db.searchLanguage, Before: db.Now(), PlanForValues: db.dialect.PlanForValues})
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if s == nil {
		return nil, 0, nil // nothing to look for
	}
	cands, scores, err := s.Rank(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	if cands, err = db.dropProtected(ctx, cands); err != nil {
		return nil, 0, err
	}
	if len(f.IDs) > 0 || len(f.ExcludeIDs) > 0 {
		cands = slices.DeleteFunc(cands, func(id int64) bool {
			return len(f.IDs) > 0 && !slices.Contains(f.IDs, id) || slices.Contains(f.ExcludeIDs, id)
		})
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
	snips, err := s.Snippets(ctx, page)
	if err != nil {
		return nil, 0, fmt.Errorf("search snippets: %w", err)
	}
	for _, h := range hits {
		if sn, ok := snips[h.Article.ID]; ok {
			h.Title, h.Snippet = sn.Title, pickSnippet(sn.Body, sn.Excerpt)
		}
	}
	if err := db.attachHitArticles(ctx, hits); err != nil {
		return nil, 0, err
	}
	return hits, total, nil
}

// dropProtected leaves password-protected articles out of results, as
// WordPress's search does for readers: their words are not for anyone
// who has not given the password. They are few, so one small query.
func (db *Search) dropProtected(ctx context.Context, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return ids, nil
	}
	rows, err := db.r().query(ctx, `SELECT id FROM articles WHERE password <> '' AND status = 'published'`)
	if err != nil {
		return nil, fmt.Errorf("search: protected articles: %w", err)
	}
	defer rows.Close()
	drop := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("search: protected articles: %w", err)
		}
		drop[id] = true
	}
	if err := rows.Err(); err != nil || len(drop) == 0 {
		return ids, err
	}
	return slices.DeleteFunc(ids, func(id int64) bool { return drop[id] }), nil
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
func (db *Search) attachHitArticles(ctx context.Context, hits []*communique.SearchHit) error {
	if len(hits) == 0 {
		return nil
	}
	byID, ids := hitIndex(hits)
	rows, err := db.r().query(ctx, `SELECT `+articleColumns+` FROM articles a JOIN users u ON u.id = a.author_id
		WHERE a.id IN (`+Placeholders(len(ids))+`)`, Int64Args(ids)...)
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
	return db.articles().attachTerms(ctx, list)
}

// RebuildSearchIndex derives the missing plain body texts and re-indexes
// every article in the search_language setting's language.
func (db *Search) RebuildSearchIndex(ctx context.Context) error {
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
	if err := db.dialect.Engine.RebuildSearch(ctx, tx.Tx, searchLanguage(ctx, w)); err != nil {
		return err
	}
	return tx.Commit()
}

// Optimize compacts the search index and gathers the planner's
// statistics after a bulk load, which the database would otherwise do
// later, while readers wait (see Engine.Optimize).
func (db *Search) Optimize(ctx context.Context) error {
	return db.dialect.Engine.Optimize(ctx, db.write)
}

// RefreshStatistics gathers the query planner's statistics for the tables
// whose contents changed much since the last time, where the database
// does not do it by itself (see Engine.RefreshStatistics).
func (db *Search) RefreshStatistics(ctx context.Context) error {
	return db.dialect.Engine.RefreshStatistics(ctx, db.write)
}

// searchLanguage returns the search_language setting, english when unset.
func (db *Search) searchLanguage(ctx context.Context) string {
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
func (db *Search) FindArticleRefs(ctx context.Context, f communique.ArticleRefFilter) ([]*communique.ArticleRef, error) {
	r := db.r()
	// Password-protected articles stay out, as in WordPress's sitemaps.
	where := []string{"a.type = ?", "a.status = 'published'", "a.published_at <= ?", "a.password = ''"}
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
func (db *Search) ArticleRefChunks(ctx context.Context, typ string, size int) ([]communique.ArticleRefChunk, error) {
	if size <= 0 || size > communique.MaxSitemapURLs {
		size = communique.MaxSitemapURLs
	}
	r := db.r()
	rows, err := r.query(ctx, `SELECT (n - 1) / ? AS chunk, COUNT(*), MAX(modified_at) FROM (
			SELECT modified_at, ROW_NUMBER() OVER (ORDER BY id) AS n FROM articles
			WHERE type = ? AND status = 'published' AND published_at <= ? AND password = '') x
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
