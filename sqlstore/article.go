package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"communique"
)

const articleColumns = `a.id, a.type, a.title, a.slug, a.format, a.source, a.html, a.excerpt, a.summary,
	a.author_id, a.status, a.published_at, a.created_at, a.modified_at, a.sticky, a.comments_open,
	COALESCE(a.parent_id, 0), a.menu_order, a.comment_count, COALESCE(a.featured_media_id, 0), a.version, a.lang, a.password,
	u.id, u.login, u.slug, u.display_name, u.role`

func scanArticle(sc interface{ Scan(...any) error }, extra ...any) (*communique.Article, error) {
	a := &communique.Article{Author: &communique.User{}}
	dest := []any{&a.ID, &a.Type, &a.Title, &a.Slug, &a.Format, &a.Source, &a.HTML, &a.Excerpt, &a.Summary,
		&a.AuthorID, &a.Status, scanTime{&a.PublishedAt}, scanTime{&a.CreatedAt}, scanTime{&a.ModifiedAt}, &a.Sticky, &a.CommentsOpen,
		&a.ParentID, &a.MenuOrder, &a.CommentCount, &a.FeaturedMediaID, &a.Version, &a.Lang, &a.Password,
		&a.Author.ID, &a.Author.Login, &a.Author.Slug, &a.Author.DisplayName, &a.Author.Role}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	return a, nil
}

// Clock is the store's time, which the article service uses for the
// times it sets, so that tests fixing DB.Now fix both.
func (db *Articles) Clock() time.Time { return db.Now() }

// FindArticleByID returns an article with its terms.
func (db *Articles) FindArticleByID(ctx context.Context, id int64) (*communique.Article, error) {
	list, _, err := db.FindArticles(ctx, communique.ArticleFilter{ID: &id, Limit: 1, SkipTotal: true})
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	return list[0], nil
}

// FindArticles returns matching articles, newest first, with their terms.
func (db *Articles) FindArticles(ctx context.Context, f communique.ArticleFilter) ([]*communique.Article, int, error) {
	where, args, err := db.articleWhere(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	o, err := articleOrder(f)
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	cond, offset := strings.Join(where, " AND "), max(f.Offset, 0)
	pageCond, pageArgs := cond, args
	// A deep page would make the database read and drop every row before
	// it. Instead find the page's first key on the index alone, then read
	// the page from that key on, so page 500 costs about what page 1 does.
	if offset >= deepOffset && o.dated && o.byDate && !(f.StickyFirst && f.Oldest) {
		keyCond, keyArgs, found, err := db.pageStart(ctx, f, o, cond, args, offset)
		switch {
		case err != nil:
			return nil, 0, err
		case !found && f.SkipTotal:
			return nil, f.Offset, nil
		case !found:
			total, err := db.countArticles(ctx, cond, args)
			return nil, total, err
		}
		pageCond, pageArgs, offset = keyCond+" AND "+cond, append(keyArgs, args...), 0
	}
	list, err := db.scanArticles(ctx, `SELECT `+articleColumns+`
		FROM articles a JOIN users u ON u.id = a.author_id
		WHERE `+pageCond+`
		ORDER BY `+o.order+` LIMIT ? OFFSET ?`, append(append([]any{}, pageArgs...), limit, offset))
	if err != nil {
		return nil, 0, err
	}
	total := f.Offset + len(list)
	if !f.SkipTotal && (len(list) == limit || len(list) == 0 && f.Offset > 0) {
		// The page may not be the last: count them all (one index count,
		// rather than a window over every matching row with its body).
		if total, err = db.countArticles(ctx, cond, args); err != nil {
			return nil, 0, err
		}
	}
	if f.Bare {
		return list, total, nil
	}
	if err := db.attachCredits(ctx, list, true); err != nil {
		return nil, 0, err
	}
	return list, total, nil
}

// articleWhere turns a filter into conditions and their arguments.
func (db *Articles) articleWhere(ctx context.Context, f communique.ArticleFilter) ([]string, []any, error) {
	r := db.r()
	where, args := []string{"1 = 1"}, []any{}
	add := func(cond string, vals ...any) {
		where, args = append(where, cond), append(args, vals...)
	}
	if f.ID != nil {
		add("a.id = ?", *f.ID)
	}
	if f.Type != nil {
		add("a.type = ?", *f.Type)
	}
	if f.Slug != nil {
		add("a.slug = ?", *f.Slug)
	}
	if len(f.Status) > 0 {
		statuses := make([]any, len(f.Status))
		for i, s := range f.Status {
			statuses[i] = string(s)
		}
		add("a.status IN ("+Placeholders(len(f.Status))+")", statuses...)
	}
	if f.AuthorID != nil {
		add("a.author_id = ?", *f.AuthorID)
	}
	if f.BylineUserID != nil {
		add(`((a.author_id = ? AND NOT EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id))
			OR EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.user_id = ?))`, *f.BylineUserID, *f.BylineUserID)
	}
	if f.BylineGuestID != nil {
		add("EXISTS (SELECT 1 FROM article_authors x WHERE x.article_id = a.id AND x.guest_id = ?)", *f.BylineGuestID)
	}
	if f.TermID != nil {
		ids, err := db.termAndDescendants(ctx, *f.TermID)
		if err != nil {
			return nil, nil, err
		}
		add("a.id IN (SELECT article_id FROM article_terms WHERE term_id IN ("+Placeholders(len(ids))+"))", Int64Args(ids)...)
	}
	if f.PublishedFrom != nil {
		add("a.published_at >= ?", r.t(*f.PublishedFrom))
	}
	if f.PublishedTo != nil {
		add("a.published_at < ?", r.t(*f.PublishedTo))
	}
	if len(f.AuthorIDs) > 0 {
		add("a.author_id IN ("+Placeholders(len(f.AuthorIDs))+")", Int64Args(f.AuthorIDs)...)
	}
	inTerms := func(ids []int64) string {
		return "a.id IN (SELECT article_id FROM article_terms WHERE term_id IN (" + Placeholders(len(ids)) + "))"
	}
	// A taxonomy's condition: any of its ids, or each of them; with
	// children, an id stands for its category and those below it.
	groupsOf := func(ids []int64, children bool) ([][]int64, error) {
		groups := make([][]int64, len(ids))
		for i, id := range ids {
			groups[i] = []int64{id}
			if children {
				tree, err := db.termAndDescendants(ctx, id)
				if err != nil {
					return nil, err
				}
				groups[i] = tree
			}
		}
		return groups, nil
	}
	termCond := func(groups [][]int64, all bool) (string, []any) {
		if !all || len(groups) < 2 {
			var ids []int64
			for _, g := range groups {
				ids = append(ids, g...)
			}
			return inTerms(ids), Int64Args(ids)
		}
		conds, args := make([]string, len(groups)), []any{}
		for i, g := range groups {
			conds[i] = inTerms(g)
			args = append(args, Int64Args(g)...)
		}
		return "(" + strings.Join(conds, " AND ") + ")", args
	}
	catGroups, err := groupsOf(f.CategoryIDs, f.CategoryChildren)
	if err != nil {
		return nil, nil, err
	}
	tagGroups, _ := groupsOf(f.TagIDs, false)
	cats, catArgs := termCond(catGroups, f.AllCategories)
	tags, tagArgs := termCond(tagGroups, f.AllTags)
	switch {
	case f.AnyTerm && len(f.CategoryIDs) > 0 && len(f.TagIDs) > 0:
		add("("+cats+" OR "+tags+")", append(catArgs, tagArgs...)...)
	default:
		if len(f.CategoryIDs) > 0 {
			add(cats, catArgs...)
		}
		if len(f.TagIDs) > 0 {
			add(tags, tagArgs...)
		}
	}
	excludeCats := f.ExcludeCategoryIDs
	if f.ExcludeCategoryChildren {
		groups, err := groupsOf(excludeCats, true)
		if err != nil {
			return nil, nil, err
		}
		excludeCats = nil
		for _, g := range groups {
			excludeCats = append(excludeCats, g...)
		}
	}
	for _, ids := range [][]int64{excludeCats, f.ExcludeTagIDs} {
		if len(ids) > 0 {
			add("NOT "+inTerms(ids), Int64Args(ids)...)
		}
	}
	for _, c := range []struct {
		cond string
		ids  []int64
	}{{"a.id IN", f.IDs}, {"a.id NOT IN", f.ExcludeIDs}, {"a.author_id NOT IN", f.ExcludeAuthorIDs},
		{"COALESCE(a.parent_id, 0) IN", f.ParentIDs}, {"COALESCE(a.parent_id, 0) NOT IN", f.ExcludeParentIDs}} {
		if len(c.ids) > 0 {
			add(c.cond+" ("+Placeholders(len(c.ids))+")", Int64Args(c.ids)...)
		}
	}
	if f.Sticky != nil {
		add("a.sticky = ?", *f.Sticky)
	}
	if f.MenuOrder != nil {
		add("a.menu_order = ?", *f.MenuOrder)
	}
	if f.ModifiedFrom != nil {
		add("a.modified_at > ?", r.t(*f.ModifiedFrom))
	}
	if f.ModifiedTo != nil {
		add("a.modified_at < ?", r.t(*f.ModifiedTo))
	}
	if words := strings.Fields(f.Search); len(words) > 0 {
		like := db.dialect.CaseInsensitiveLike
		for _, w := range words[:min(len(words), communique.MaxSearchTerms)] {
			pattern := "%" + escapeLike(w) + "%"
			add("(a.title "+like+" ? ESCAPE '!' OR a.excerpt "+like+" ? ESCAPE '!' OR a.source "+like+" ? ESCAPE '!')", pattern, pattern, pattern)
		}
	}
	if f.PrivateTo != nil {
		add("(a.status = 'published' OR a.author_id = ?)", *f.PrivateTo)
	}
	if f.WithoutPassword {
		add("a.password = ''")
	}
	return where, args, nil
}

// articleOrdering is how a listing is ordered.
type articleOrdering struct {
	keys   []string // the order's columns, most significant first
	order  string   // the ORDER BY clause
	dir    string   // DESC or ASC
	cmp    string   // how a later row compares with a page's first key
	dated  bool     // every matching article has a publication time
	byDate bool     // ordered by publication time
}

// articleOrder is the order a filter asks for. EINVALID for an unknown one.
func articleOrder(f communique.ArticleFilter) (articleOrdering, error) {
	// Published and scheduled articles always have a date, so the listing
	// index serves the order; drafts without one sort by creation.
	o := articleOrdering{dir: "DESC", cmp: "<=", dated: len(f.Status) > 0}
	for _, st := range f.Status {
		o.dated = o.dated && (st == communique.StatusPublished || st == communique.StatusScheduled || st == communique.StatusPrivate)
	}
	when := "COALESCE(a.published_at, a.created_at)"
	if o.dated {
		when = "a.published_at"
	}
	if f.Oldest {
		o.dir, o.cmp = "ASC", ">="
	}
	switch f.OrderBy {
	case "", "date":
		o.keys, o.byDate = []string{when, "a.id"}, true
	case "id":
		o.keys = []string{"a.id"}
	case "title":
		o.keys = []string{"LOWER(a.title)", "a.id"}
	case "slug":
		o.keys = []string{"a.slug", "a.id"}
	case "modified":
		o.keys = []string{"a.modified_at", "a.id"}
	default:
		return o, communique.Errorf(communique.EINVALID, "Articles cannot be ordered by %q.", f.OrderBy)
	}
	if f.StickyFirst {
		o.keys = append([]string{"a.sticky"}, o.keys...)
	}
	o.order = strings.Join(o.keys, " "+o.dir+", ") + " " + o.dir
	if f.StickyFirst && f.Oldest {
		o.order = "a.sticky DESC, " + strings.Join(o.keys[1:], " ASC, ") + " ASC"
	}
	return o, nil
}

// pageStart finds the key of a deep page's first row and returns the
// condition that starts the page there; false when the page is past the
// end.
func (db *Articles) pageStart(ctx context.Context, f communique.ArticleFilter, o articleOrdering, cond string, args []any, offset int) (string, []any, bool, error) {
	r := db.r()
	var sticky bool
	var t time.Time
	var id int64
	dest := []any{scanTime{&t}, &id}
	if f.StickyFirst {
		dest = append([]any{&sticky}, dest...)
	}
	err := r.row(ctx, `SELECT `+strings.Join(o.keys, ", ")+` FROM articles a WHERE `+cond+` ORDER BY `+o.order+` LIMIT 1 OFFSET ?`,
		append(append([]any{}, args...), offset)...).Scan(dest...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil, false, nil
	case err != nil:
		return "", nil, false, fmt.Errorf("find page start: %w", err)
	}
	keyArgs := []any{r.t(t), id}
	if f.StickyFirst {
		keyArgs = append([]any{sticky}, keyArgs...)
	}
	return "(" + strings.Join(o.keys, ", ") + ") " + o.cmp + " (" + Placeholders(len(o.keys)) + ")", keyArgs, true, nil
}

// scanArticles runs a query for articles and reads them.
func (db *Articles) scanArticles(ctx context.Context, query string, args []any) ([]*communique.Article, error) {
	rows, err := db.r().query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find articles: %w", err)
	}
	defer rows.Close()
	var list []*communique.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("scan article: %w", err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// deepOffset is where FindArticles starts seeking a page's first key
// instead of letting the database skip rows.
const deepOffset = 200

// CountArticles counts articles by type (post, page) and status, in one
// pass over the listing index: the newsroom's dashboard.
func (db *Articles) CountArticles(ctx context.Context) (map[string]map[communique.Status]int, error) {
	rows, err := db.r().query(ctx, `SELECT type, status, COUNT(*) FROM articles GROUP BY type, status`)
	if err != nil {
		return nil, fmt.Errorf("count articles: %w", err)
	}
	defer rows.Close()
	m := map[string]map[communique.Status]int{}
	for rows.Next() {
		var typ, status string
		var n int
		if err := rows.Scan(&typ, &status, &n); err != nil {
			return nil, err
		}
		if m[typ] == nil {
			m[typ] = map[communique.Status]int{}
		}
		m[typ][communique.Status(status)] = n
	}
	return m, rows.Err()
}

// countArticles counts the articles matching cond.
func (db *Articles) countArticles(ctx context.Context, cond string, args []any) (int, error) {
	var n int
	if err := db.r().row(ctx, `SELECT COUNT(*) FROM articles a WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles: %w", err)
	}
	return n, nil
}

// attachTerms loads the terms of many articles in one query.
func (db *Articles) attachTerms(ctx context.Context, list []*communique.Article) error {
	return db.attachCredits(ctx, list, false)
}

// attachCredits loads the terms of many articles, and their bylines when
// bylines is set, in one statement: a page of articles reads both in
// one round trip rather than two. Rows come by article; its bylines
// (kind 0) in their order, then its terms (kind 1) by name.
func (db *Articles) attachCredits(ctx context.Context, list []*communique.Article, bylines bool) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*communique.Article, len(list))
	ids := make([]int64, 0, len(list))
	for _, a := range list {
		byID[a.ID] = a
		ids = append(ids, a.ID)
	}
	in := Placeholders(len(ids))
	query := `SELECT 1, at.article_id, 0, t.id, COALESCE(t.parent_id, 0), t.article_count, t.taxonomy, t.name, t.slug, t.description
		FROM article_terms at JOIN terms t ON t.id = at.term_id WHERE at.article_id IN (` + in + `)`
	args := Int64Args(ids)
	if bylines {
		query = `SELECT 0, aa.article_id, aa.position, COALESCE(aa.user_id, 0), COALESCE(aa.guest_id, 0), 0, '',
			COALESCE(NULLIF(u.display_name, ''), u.login, g.name), COALESCE(u.slug, g.slug), COALESCE(u.bio, g.bio)
		FROM article_authors aa LEFT JOIN users u ON u.id = aa.user_id LEFT JOIN guest_authors g ON g.id = aa.guest_id
		WHERE aa.article_id IN (` + in + `)
		UNION ALL ` + query
		args = append(args, args...)
	}
	rows, err := db.r().query(ctx, query+` ORDER BY 2, 1, 3, 8, 4`, args...)
	if err != nil {
		return fmt.Errorf("article credits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, articleID, position, id, parentOrGuest int64
		var count int
		var taxonomy, name, slug, text string
		if err := rows.Scan(&kind, &articleID, &position, &id, &parentOrGuest, &count, &taxonomy, &name, &slug, &text); err != nil {
			return fmt.Errorf("scan article credit: %w", err)
		}
		a := byID[articleID]
		switch {
		case a == nil:
		case kind == 0:
			a.Bylines = append(a.Bylines, communique.Byline{UserID: id, GuestID: parentOrGuest, Name: name, Slug: slug, Bio: text})
		case taxonomy == communique.TaxonomyCategory:
			a.Categories = append(a.Categories, &communique.Term{ID: id, Taxonomy: taxonomy, Name: name, Slug: slug, ParentID: parentOrGuest, Description: text, Count: count})
		default:
			a.Tags = append(a.Tags, &communique.Term{ID: id, Taxonomy: taxonomy, Name: name, Slug: slug, ParentID: parentOrGuest, Description: text, Count: count})
		}
	}
	return rows.Err()
}

// FindArticleBySlugHistory finds the article that once had slug.
func (db *Articles) FindArticleBySlugHistory(ctx context.Context, slug string) (*communique.Article, error) {
	var id int64
	err := db.r().row(ctx, `SELECT article_id FROM slug_history WHERE slug = ?`, slug).Scan(&id)
	if err != nil {
		return nil, db.wrap(err, "Article")
	}
	return db.FindArticleByID(ctx, id)
}

// InsertArticle stores a new article as the article service prepared it
// (rendered, validated, dated), settling its slug and adding its terms
// and first revision in the same transaction.
// A transaction the database aborts for a deadlock is run again.
func (db *Articles) InsertArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error {
	orig := *a
	return db.retry(ctx, func() error {
		*a = orig
		return db.insertArticle(ctx, a, save)
	})
}

func (db *Articles) insertArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.settleSlug(ctx, a, save.Slug); err != nil {
		return err
	}
	if err := tx.lockArticleTerms(ctx, 0, savedTerms(save)...); err != nil {
		return fmt.Errorf("lock terms: %w", err)
	}
	w := tx.w()
	err = w.row(ctx, `INSERT INTO articles (type, title, slug, format, source, html, excerpt, summary, author_id, status,
			published_at, created_at, modified_at, sticky, comments_open, parent_id, menu_order, featured_media_id, lang, password)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Type, a.Title, a.Slug, a.Format, a.Source, a.HTML, a.Excerpt, a.Summary, a.AuthorID, string(a.Status),
		w.t(a.PublishedAt), w.t(a.CreatedAt), w.t(a.ModifiedAt), a.Sticky, a.CommentsOpen, nullID(a.ParentID), a.MenuOrder, nullMediaID(a.FeaturedMediaID), a.Lang, a.Password).Scan(&a.ID)
	if err != nil {
		return db.wrap(err, "Article")
	}
	if err := tx.afterArticleWrite(ctx, a, save); err != nil {
		return err
	}
	return tx.Commit()
}

// settleSlug turns a.Slug, the wanted base, into a slug no other article
// holds. The unique index on slugs refuses a duplicate whatever happens;
// on PostgreSQL, where several writers run at once, the serialize lock
// makes the check and the write one step, so a racing save waits and
// takes the next slug instead of failing. SQLite's single writer already
// does that.
func (tx *Tx) settleSlug(ctx context.Context, a *communique.Article, settle communique.SlugSettler) error {
	if settle == nil {
		return fmt.Errorf("save article: no slug settler")
	}
	if lock := tx.db.dialect.SerializeLock; lock != "" {
		if _, err := tx.w().exec(ctx, lock); err != nil {
			return fmt.Errorf("slug lock: %w", err)
		}
	}
	slug, err := settle(a.Slug, func(slug string) (bool, error) {
		var taken int
		err := tx.w().row(ctx, `SELECT COUNT(*) FROM articles WHERE slug = ? AND id <> ?`, slug, a.ID).Scan(&taken)
		if err != nil {
			return false, fmt.Errorf("slug: %w", err)
		}
		return taken > 0, nil
	})
	if err != nil {
		return err
	}
	a.Slug = slug
	return nil
}

// afterArticleWrite keeps what follows an article's row in step with it:
// the search text, the terms and the revision.
func (tx *Tx) afterArticleWrite(ctx context.Context, a *communique.Article, save communique.ArticleSave) error {
	if err := tx.setBodyText(ctx, a.ID, a.HTML); err != nil {
		return err
	}
	if save.CategoryIDs != nil {
		if err := tx.setTerms(ctx, a.ID, communique.TaxonomyCategory, *save.CategoryIDs); err != nil {
			return err
		}
	}
	if save.TagIDs != nil {
		if err := tx.setTerms(ctx, a.ID, communique.TaxonomyTag, *save.TagIDs); err != nil {
			return err
		}
	}
	if save.Bylines != nil {
		if err := tx.setBylines(ctx, a.ID, *save.Bylines); err != nil {
			return err
		}
	}
	if save.Revision {
		return tx.saveRevision(ctx, a, save.RevisionBy)
	}
	return nil
}

// nullID is NULL for 0, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// checkParent refuses a parent page that is missing or would make a loop.
// The importer needs it inside its transaction, where parents of the same
// batch are not visible to anyone else yet.
func (tx *Tx) checkParent(ctx context.Context, id, parentID int64) error {
	for cur, depth := parentID, 0; cur != 0; depth++ {
		if cur == id || depth > 64 {
			return communique.Errorf(communique.EINVALID, "A page cannot be its own ancestor.")
		}
		var next sql.NullInt64
		var typ string
		err := tx.w().row(ctx, `SELECT parent_id, type FROM articles WHERE id = ?`, cur).Scan(&next, &typ)
		if err != nil || typ != communique.TypePage {
			return communique.Errorf(communique.EINVALID, "The parent page does not exist.")
		}
		cur = next.Int64
	}
	return nil
}

// setTerms replaces an article's terms of one taxonomy.
func (tx *Tx) setTerms(ctx context.Context, articleID int64, taxonomy string, ids []int64) error {
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM article_terms WHERE article_id = ?
		AND term_id IN (SELECT id FROM terms WHERE taxonomy = ?)`, articleID, taxonomy); err != nil {
		return fmt.Errorf("clear terms: %w", err)
	}
	return tx.addTerms(ctx, articleID, taxonomy, ids)
}

// addTerms links an article to terms of one taxonomy it has none of yet
// (a new article: nothing to clear).
func (tx *Tx) addTerms(ctx context.Context, articleID int64, taxonomy string, ids []int64) error {
	w := tx.w()
	// In id order: each row added bumps its term's stored count, and
	// writers that lock the same terms in one order cannot deadlock.
	ids = slices.Clone(ids)
	slices.Sort(ids)
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var got string
		if err := w.row(ctx, `SELECT taxonomy FROM terms WHERE id = ?`, id).Scan(&got); err != nil || got != taxonomy {
			return communique.Errorf(communique.EINVALID, "Unknown %s %d.", taxonomy, id)
		}
		if _, err := w.exec(ctx, `INSERT INTO article_terms (article_id, term_id) VALUES (?, ?)`, articleID, id); err != nil {
			return fmt.Errorf("add term: %w", err)
		}
	}
	return nil
}

// SaveArticle stores an existing article as the article service prepared
// it. A changed slug is remembered so the old URL can redirect. A
// transaction the database aborts for a deadlock is run again. ENOTFOUND.
func (db *Articles) SaveArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error {
	orig := *a
	return db.retry(ctx, func() error {
		*a = orig
		return db.saveArticle(ctx, a, save)
	})
}

func (db *Articles) saveArticle(ctx context.Context, a *communique.Article, save communique.ArticleSave) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var oldSlug string
	if err := tx.w().row(ctx, `SELECT slug FROM articles WHERE id = ?`, a.ID).Scan(&oldSlug); err != nil {
		return db.wrap(err, "Article")
	}
	if err := tx.settleSlug(ctx, a, save.Slug); err != nil {
		return err
	}
	// Before the row changes: a change of status recounts the terms.
	if err := tx.lockArticleTerms(ctx, a.ID, savedTerms(save)...); err != nil {
		return fmt.Errorf("lock terms: %w", err)
	}
	w := tx.w()
	res, err := w.exec(ctx, `UPDATE articles SET title = ?, slug = ?, format = ?, source = ?, html = ?, excerpt = ?, summary = ?,
			author_id = ?, status = ?, published_at = ?, modified_at = ?, sticky = ?, comments_open = ?, parent_id = ?, menu_order = ?,
			featured_media_id = ?, lang = ?, password = ?, version = version + 1
		WHERE id = ? AND (? = 0 OR version = ?)`,
		a.Title, a.Slug, a.Format, a.Source, a.HTML, a.Excerpt, a.Summary, a.AuthorID, string(a.Status),
		w.t(a.PublishedAt), w.t(a.ModifiedAt), a.Sticky, a.CommentsOpen, nullID(a.ParentID), a.MenuOrder, nullMediaID(a.FeaturedMediaID), a.Lang, a.Password, a.ID,
		save.IfVersion, save.IfVersion)
	if err != nil {
		return db.wrap(err, "Article")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// The row exists (its slug was read above): it changed meanwhile.
		return communique.Errorf(communique.ECONFLICT, "The article was saved by someone else since version %d.", save.IfVersion)
	}
	if err := tx.rememberSlug(ctx, a.ID, oldSlug, a.Slug); err != nil {
		return err
	}
	if err := tx.afterArticleWrite(ctx, a, save); err != nil {
		return err
	}
	return tx.Commit()
}

// rememberSlug keeps an old slug for a 301; a slug that becomes live
// again is no longer history.
func (tx *Tx) rememberSlug(ctx context.Context, id int64, oldSlug, newSlug string) error {
	if oldSlug == newSlug {
		return nil
	}
	w := tx.w()
	if _, err := w.exec(ctx, `DELETE FROM slug_history WHERE slug = ? OR slug = ?`, oldSlug, newSlug); err != nil {
		return fmt.Errorf("slug history: %w", err)
	}
	if _, err := w.exec(ctx, `INSERT INTO slug_history (slug, article_id, created_at) VALUES (?, ?, ?)`, oldSlug, id, w.t(tx.now)); err != nil {
		return fmt.Errorf("slug history: %w", err)
	}
	return nil
}

// savedTerms returns the term ids a save gives an article.
func savedTerms(save communique.ArticleSave) [][]int64 {
	var ids [][]int64
	for _, p := range []*[]int64{save.CategoryIDs, save.TagIDs} {
		if p != nil {
			ids = append(ids, *p)
		}
	}
	return ids
}

// DeleteArticle removes an article, its terms and slug history.
func (db *Articles) DeleteArticle(ctx context.Context, id int64) error {
	return db.retry(ctx, func() error { return db.deleteArticle(ctx, id) })
}

func (db *Articles) deleteArticle(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.lockArticleTerms(ctx, id); err != nil {
		return fmt.Errorf("lock terms: %w", err)
	}
	res, err := tx.w().exec(ctx, `DELETE FROM articles WHERE id = ?`, id)
	if err != nil {
		return db.wrap(err, "Article")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	return tx.Commit()
}
