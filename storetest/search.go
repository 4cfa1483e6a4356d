package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// searchFixture is a small newsroom to search: three published posts, a
// page, a draft and a scheduled post, by two authors in nested categories.
type searchFixture struct {
	db                     *sqlstore.DB
	ada, bob               *communique.User
	news, local, politics  *communique.Term
	harbour, budget, parks *communique.Article
	about, symbols         *communique.Article
	draft, scheduled       *communique.Article
}

var searchNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func newSearchFixture(t *testing.T, db *sqlstore.DB) *searchFixture {
	t.Helper()
	ctx := context.Background()
	fixedClock(db, searchNow)
	f := &searchFixture{db: db}
	f.ada = MustCreateUser(t, db, "ada", communique.RoleEditor)
	f.bob = MustCreateUser(t, db, "bob", communique.RoleAuthor)
	term := func(name string, parent *communique.Term) *communique.Term {
		c := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: name}
		if parent != nil {
			c.ParentID = parent.ID
		}
		if err := db.CreateTerm(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	f.news = term("News", nil)
	f.local = term("Local", f.news)
	f.politics = term("Politics", nil)
	create := func(a *communique.Article, cats ...*communique.Term) *communique.Article {
		var ids []int64
		for _, c := range cats {
			ids = append(ids, c.ID)
		}
		if a.Status == "" {
			a.Status = communique.StatusPublished
		}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, ids, nil); err != nil {
			t.Fatalf("create %q: %v", a.Title, err)
		}
		return a
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 12, 0, 0, 0, time.UTC) }
	f.harbour = create(&communique.Article{Title: "Harbour freezes over", AuthorID: f.ada.ID, PublishedAt: day(3, 14),
		Source: "The **harbour** froze at midnight.\n\nFishermen were running to their boats before dawn."}, f.local)
	f.budget = create(&communique.Article{Title: "Council votes on budget", AuthorID: f.bob.ID, PublishedAt: day(2, 1),
		Source: "The council voted to raise spending on harbours and parks."}, f.politics)
	f.parks = create(&communique.Article{Title: "Parks reopen", AuthorID: f.ada.ID, PublishedAt: day(1, 10),
		Excerpt: "Gardeners are reopening the gates after the storm.", Source: "New trees were planted along the river."}, f.news)
	f.about = create(&communique.Article{Type: communique.TypePage, Title: "About", AuthorID: f.ada.ID, PublishedAt: day(1, 1),
		Source: "We report on the harbour town and its people."})
	f.symbols = create(&communique.Article{Title: "Symbols", AuthorID: f.bob.ID, PublishedAt: day(1, 2),
		Source: "Rates: 5 < 6 & \"quoted\" tides at the lighthouse."})
	f.draft = create(&communique.Article{Title: "Secret lighthouse plans", AuthorID: f.ada.ID, Status: communique.StatusDraft,
		Source: "The harbour will get a lighthouse."}, f.local)
	f.scheduled = create(&communique.Article{Title: "Future lighthouse", AuthorID: f.ada.ID, PublishedAt: day(7, 1),
		Source: "The lighthouse opens in July."}, f.local)
	if f.scheduled.Status != communique.StatusScheduled {
		t.Fatalf("scheduled article is %q", f.scheduled.Status)
	}
	return f
}

// search runs a query and returns the found articles' ids in order.
func (f *searchFixture) search(t *testing.T, sf communique.SearchFilter) ([]*communique.SearchHit, []int64, int) {
	t.Helper()
	hits, total, err := f.db.SearchArticles(context.Background(), sf)
	if err != nil {
		t.Fatalf("search %q: %v", sf.Query, err)
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.Article.ID
		if h.Article.Title == "" || h.Article.Author == nil || h.Article.Author.Login == "" {
			t.Errorf("search %q: hit %d not loaded: %+v", sf.Query, i, h.Article)
		}
	}
	return hits, ids, total
}

func ptrTime(t time.Time) *time.Time { return &t }

func sameIDs(got []int64, want ...*communique.Article) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[int64]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for _, a := range want {
		if !seen[a.ID] {
			return false
		}
	}
	return true
}

func titles(hits []*communique.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Article.Title)
	}
	return out
}

// highlighted is w as a search hit marks it.
func highlighted(w string) string { return communique.HighlightStart + w + communique.HighlightEnd }

func testSearch(t *testing.T, db *sqlstore.DB) {
	f := newSearchFixture(t, db)
	for _, tc := range []struct {
		name  string
		query string
		want  []*communique.Article
	}{
		// Stemming: another form of a word finds it.
		{"StemPlural", "harbours", []*communique.Article{f.harbour, f.budget, f.about}},
		{"StemVerb", "runs", []*communique.Article{f.harbour}},
		{"StemPast", "voting", []*communique.Article{f.budget}},
		{"CaseAndAccents", "HARBOUR", []*communique.Article{f.harbour, f.budget, f.about}},
		{"Excerpt", "gardeners", []*communique.Article{f.parks}},
		{"AllWords", "harbour council", []*communique.Article{f.budget}},
		{"Phrase", `"harbour froze"`, []*communique.Article{f.harbour}},
		{"Exclude", "harbour -council", []*communique.Article{f.harbour, f.about}},
		{"Or", "council OR gardeners", []*communique.Article{f.budget, f.parks}},
		{"NoDraftsNorScheduled", "lighthouse", []*communique.Article{f.symbols}},
		{"NoMatch", "volcano", nil},
		{"Punctuation", `"quoted" & < 5`, []*communique.Article{f.symbols}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, ids, total := f.search(t, communique.SearchFilter{Query: tc.query})
			if !sameIDs(ids, tc.want...) || total != len(tc.want) {
				t.Fatalf("search %q found %q (total %d), want %d articles", tc.query, titles(hits), total, len(tc.want))
			}
		})
	}

	// The steps share the fixture and run in order: KeptInStep changes
	// articles that Imported and Language then expect to find.
	t.Run("Ranking", func(t *testing.T) { testSearchRanking(t, f) })
	t.Run("Highlights", func(t *testing.T) { testSearchHighlights(t, f) })
	t.Run("Filters", func(t *testing.T) { testSearchFilters(t, f) })
	t.Run("Pagination", func(t *testing.T) { testSearchPagination(t, f) })
	t.Run("BadQueries", func(t *testing.T) { testSearchBadQueries(t, f) })
	t.Run("KeptInStep", func(t *testing.T) { testSearchKeptInStep(t, f) })
	t.Run("Imported", func(t *testing.T) { testSearchImported(t, f) })
	t.Run("Language", func(t *testing.T) { testSearchLanguage(t, f) })
}

func testSearchRanking(t *testing.T, f *searchFixture) {
	// A word in the title outranks the same word in a body.
	hits, _, _ := f.search(t, communique.SearchFilter{Query: "parks"})
	if len(hits) != 2 || hits[0].Article.ID != f.parks.ID || hits[0].Rank < hits[1].Rank {
		t.Fatalf("parks: %q", titles(hits))
	}
}

func testSearchHighlights(t *testing.T, f *searchFixture) {
	hits, _, _ := f.search(t, communique.SearchFilter{Query: "running"})
	if len(hits) != 1 {
		t.Fatalf("running: %q", titles(hits))
	}
	if s := hits[0].Snippet; !strings.Contains(s, highlighted("running")) || strings.Contains(s, "<strong>") || strings.Contains(s, "**") {
		t.Errorf("snippet = %q, want plain text with %q marked", s, "running")
	}
	hits, _, _ = f.search(t, communique.SearchFilter{Query: "parks"})
	if hits[0].Title != highlighted("Parks")+" reopen" {
		t.Errorf("title = %q", hits[0].Title)
	}
	if s := hits[0].Snippet; !strings.HasPrefix(s, "New trees") || strings.Contains(s, communique.HighlightStart) {
		t.Errorf("snippet of a title-only match = %q, want the body's opening", s)
	}
	hits, _, _ = f.search(t, communique.SearchFilter{Query: "tides"})
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, "5 < 6 & ") || !strings.Contains(hits[0].Snippet, highlighted("tides")) {
		t.Errorf("symbols snippet = %q, want the raw text (escaping is the page's job)", hits[0].Snippet)
	}
	hits, _, _ = f.search(t, communique.SearchFilter{Query: "gardeners"})
	if len(hits) != 1 || !strings.Contains(hits[0].Snippet, highlighted("Gardeners")) {
		t.Errorf("excerpt snippet = %+v", hits)
	}
}

func testSearchFilters(t *testing.T, f *searchFixture) {
	post, page := communique.TypePost, communique.TypePage
	from, to := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		f    communique.SearchFilter
		want []*communique.Article
	}{
		{"Author", communique.SearchFilter{Query: "harbour", AuthorID: &f.ada.ID}, []*communique.Article{f.harbour, f.about}},
		{"CategoryWithChildren", communique.SearchFilter{Query: "harbour OR parks", CategoryID: &f.news.ID}, []*communique.Article{f.harbour, f.parks}},
		{"ChildCategory", communique.SearchFilter{Query: "harbour OR parks", CategoryID: &f.local.ID}, []*communique.Article{f.harbour}},
		{"DateRange", communique.SearchFilter{Query: "harbour", PublishedFrom: &from, PublishedTo: &to}, []*communique.Article{f.budget}},
		{"From", communique.SearchFilter{Query: "harbour", PublishedFrom: &from}, []*communique.Article{f.harbour, f.budget}},
		{"WithinAMonth", communique.SearchFilter{Query: "harbour OR parks", PublishedFrom: ptrTime(time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)),
			PublishedTo: ptrTime(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))}, nil},
		{"AcrossMonths", communique.SearchFilter{Query: "harbour OR parks", PublishedFrom: ptrTime(time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)),
			PublishedTo: ptrTime(time.Date(2026, 3, 14, 13, 0, 0, 0, time.UTC))}, []*communique.Article{f.parks, f.budget, f.harbour}},
		{"Posts", communique.SearchFilter{Query: "harbour", Type: &post}, []*communique.Article{f.harbour, f.budget}},
		{"Pages", communique.SearchFilter{Query: "harbour", Type: &page}, []*communique.Article{f.about}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, ids, total := f.search(t, tc.f)
			if !sameIDs(ids, tc.want...) || total != len(tc.want) {
				t.Fatalf("found %q (total %d), want %d", titles(hits), total, len(tc.want))
			}
		})
	}
}

func testSearchPagination(t *testing.T, f *searchFixture) {
	_, all, total := f.search(t, communique.SearchFilter{Query: "harbour"})
	if total != 3 {
		t.Fatalf("total = %d", total)
	}
	var paged []int64
	for off := 0; off < 3; off++ {
		_, ids, total := f.search(t, communique.SearchFilter{Query: "harbour", Offset: off, Limit: 1})
		if total != 3 || len(ids) != 1 {
			t.Fatalf("offset %d: %v of %d", off, ids, total)
		}
		paged = append(paged, ids...)
	}
	if len(paged) != 3 || paged[0] != all[0] || paged[1] != all[1] || paged[2] != all[2] {
		t.Fatalf("pages %v, all at once %v", paged, all)
	}
	_, ids, total := f.search(t, communique.SearchFilter{Query: "harbour", Offset: 10, Limit: 5})
	if len(ids) != 0 || total != 3 {
		t.Fatalf("past the end: %v of %d", ids, total)
	}
}

func testSearchBadQueries(t *testing.T, f *searchFixture) {
	db := f.db
	for _, q := range []string{"", "   ", "-", "---", `""`, "-harbour", "-harbour -parks", strings.Repeat("a", 501), "\xff\xfe"} {
		_, _, err := db.SearchArticles(context.Background(), communique.SearchFilter{Query: q})
		wantCode(t, err, communique.EINVALID)
		if msg := communique.ErrorMessage(err); msg == "Internal error." || strings.Contains(strings.ToLower(msg), "sql") {
			t.Errorf("%q: message %q", q, msg)
		}
	}
	// Engine syntax is read as words, never as syntax.
	for _, q := range []string{"AND OR NOT", "harbour AND", "( harbour", "harbour*", "title:harbour", "NEAR(harbour froze)",
		`harbour"`, `"unclosed phrase`, "'; DROP TABLE articles; --", "^harbour", "harbour:*", "!!harbour", "harbour & | !",
		"OR OR OR", "- harbour", "a" + strings.Repeat(" OR b", 100), strings.Repeat("(", 400)} {
		if _, _, err := db.SearchArticles(context.Background(), communique.SearchFilter{Query: q}); err != nil && communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("%q: %v", q, err)
		}
	}
	if _, _, total := f.search(t, communique.SearchFilter{Query: "harbour AND"}); total == 0 {
		t.Error(`"harbour AND" found nothing; operators should be ignored`)
	}
}

func testSearchKeptInStep(t *testing.T, f *searchFixture) {
	db := f.db
	ctx := context.Background()
	title, source := "Gardens reopen", "Volunteers swept the paths."
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.parks.ID, communique.ArticleUpdate{Title: &title, Source: &source}); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "volunteer"}); !sameIDs(ids, f.parks) {
		t.Errorf("new body word: %v", ids)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "gardens"}); !sameIDs(ids, f.parks) {
		t.Errorf("new title word: %v", ids)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "trees"}); len(ids) != 0 {
		t.Errorf("old body word still found: %v", ids)
	}
	published := communique.StatusPublished
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.draft.ID, communique.ArticleUpdate{Status: &published}); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "lighthouse"}); !sameIDs(ids, f.symbols, f.draft) {
		t.Errorf("published draft: %v", ids)
	}
	// Filters follow changes of category, author and status.
	cats, author := []int64{f.politics.ID}, f.bob.ID
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.harbour.ID, communique.ArticleUpdate{CategoryIDs: &cats, AuthorID: &author}); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "harbour", CategoryID: &f.politics.ID, AuthorID: &f.bob.ID}); !sameIDs(ids, f.harbour, f.budget) {
		t.Errorf("after moving to politics and bob: %v", ids)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "harbour", CategoryID: &f.news.ID}); !sameIDs(ids, f.draft) {
		t.Errorf("news (only the published draft left): %v", ids)
	}
	// A new date moves it to another month.
	moved := time.Date(2026, 5, 20, 12, 0, 0, 0, time.UTC)
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.harbour.ID, communique.ArticleUpdate{PublishedAt: &moved}); err != nil {
		t.Fatal(err)
	}
	may, june := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "froze", PublishedFrom: &may, PublishedTo: &june}); !sameIDs(ids, f.harbour) {
		t.Errorf("after a new date: %v", ids)
	}
	draft := communique.StatusDraft
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.harbour.ID, communique.ArticleUpdate{Status: &draft}); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "froze"}); len(ids) != 0 {
		t.Errorf("unpublished article found: %v", ids)
	}
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.harbour.ID, communique.ArticleUpdate{Status: &published}); err != nil {
		t.Fatal(err)
	}
	if err := newsroom.New(db).Delete(ctx, newsroom.System, f.symbols.ID); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "lighthouse"}); !sameIDs(ids, f.draft) {
		t.Errorf("deleted article still found: %v", ids)
	}
	if err := db.RebuildSearchIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "volunteers"}); !sameIDs(ids, f.parks) {
		t.Errorf("after rebuild: %v", ids)
	}
}

func testSearchImported(t *testing.T, f *searchFixture) {
	db := f.db
	// An import writes its own rows; search must see their words,
	// not their tags.
	a := &communique.Article{Type: communique.TypePost, Title: "Lighthouse keeper retires", Format: communique.FormatHTML, AuthorID: f.ada.ID,
		Status: communique.StatusPublished, PublishedAt: time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC),
		Source: `<p>The <em>keeper</em> of the <a href="https://example.com/light">light</a> retires.</p>`}
	b := &communique.ImportBatch{Source: "https://old.example.com", Articles: []*communique.ImportedArticle{
		{Article: a, SourceID: 501, GUID: "https://old.example.com/?p=501"}}}
	if err := newsroom.New(db).ImportBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	hits, ids, _ := f.search(t, communique.SearchFilter{Query: "keepers"})
	if !sameIDs(ids, a) {
		t.Fatalf("imported article not found: %q", titles(hits))
	}
	if s := hits[0].Snippet; strings.ContainsAny(s, "<>") || strings.Contains(s, "href") || !strings.Contains(s, highlighted("keeper")) {
		t.Errorf("snippet = %q, want the words with keeper marked", s)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "href"}); len(ids) != 0 {
		t.Errorf("markup is indexed: href found %v", ids)
	}
}

func testSearchLanguage(t *testing.T, f *searchFixture) {
	db := f.db
	ctx := context.Background()
	// "simple" does not stem, on both stores: the plural finds only itself.
	if err := db.SetSetting(ctx, "search_language", "simple"); err != nil {
		t.Fatal(err)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "harbours"}); !sameIDs(ids, f.budget) {
		t.Errorf("simple: harbours found %v, want only the literal plural", ids)
	}
	// Words written while the language is set are indexed in it.
	a := MustCreateArticle(t, db, f.ada, "Tides", "Tides were turning.")
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "turning"}); !sameIDs(ids, a) {
		t.Errorf("simple: new article %v", ids)
	}
	wantCode(t, db.SetSetting(ctx, "search_language", "klingon"), communique.EINVALID)
	if err := db.SetSetting(ctx, "search_language", "english"); err != nil {
		t.Fatal(err)
	}
	// (The draft was published above.)
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "harbours"}); !sameIDs(ids, f.harbour, f.budget, f.about, f.draft) {
		t.Errorf("english again: %v", ids)
	}
	if _, ids, _ := f.search(t, communique.SearchFilter{Query: "turn"}); !sameIDs(ids, a) {
		t.Errorf("english again, stemmed new article: %v", ids)
	}
}

// testSearchWindow checks what a search of a common word returns: the
// newest SearchRankWindow matches by relevance, then the older ones by
// date.
func testSearchWindow(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	fixedClock(db, searchNow)
	u := MustCreateUser(t, db, "ada", communique.RoleEditor)
	n := communique.SearchRankWindow + 10
	b := &communique.ImportBatch{Source: "https://window.example"}
	for i := 0; i < n; i++ {
		title, body := "Story "+strconv.Itoa(i), "The tide came in."
		if i == 0 || i == n-20 {
			title = "Tide tables " + strconv.Itoa(i) // the word in the title: more relevant
		}
		b.Articles = append(b.Articles, &communique.ImportedArticle{SourceID: int64(i + 1), Article: &communique.Article{
			Type: communique.TypePost, Title: title, Source: body, AuthorID: u.ID, Status: communique.StatusPublished,
			PublishedAt: searchNow.Add(-time.Duration(n-i) * time.Hour)}})
	}
	if err := newsroom.New(db).ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	oldest, recent := b.Articles[0].Article, b.Articles[n-20].Article
	hits, total, err := db.SearchArticles(ctx, communique.SearchFilter{Query: "tide", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if total != n || len(hits) != 3 || hits[0].Article.ID != recent.ID {
		t.Fatalf("total %d, first %q; want %d and the recent title match first", total, titles(hits), n)
	}
	// WordPress's include and exclude.
	hits, total, _ = db.SearchArticles(ctx, communique.SearchFilter{Query: "tide", IDs: []int64{oldest.ID, recent.ID}, Limit: 5})
	if total != 2 || len(hits) != 2 || hits[0].Article.ID != recent.ID {
		t.Errorf("include: total %d, %q", total, titles(hits))
	}
	hits, total, _ = db.SearchArticles(ctx, communique.SearchFilter{Query: "tide", ExcludeIDs: []int64{recent.ID}, Limit: 3})
	if total != n-1 || len(hits) != 3 || hits[0].Article.ID == recent.ID {
		t.Errorf("exclude: total %d, %q", total, titles(hits))
	}
	// The oldest title match is outside the window: it comes last.
	hits, _, _ = db.SearchArticles(ctx, communique.SearchFilter{Query: "tide", Offset: n - 1, Limit: 5})
	if len(hits) != 1 || hits[0].Article.ID != oldest.ID {
		t.Errorf("last hit %q, want the oldest", titles(hits))
	}
	hits, _, _ = db.SearchArticles(ctx, communique.SearchFilter{Query: "tide", Offset: communique.SearchRankWindow, Limit: 2})
	if len(hits) != 2 || hits[0].Article.ID <= hits[1].Article.ID {
		t.Errorf("past the window: %q, want newest first", titles(hits))
	}
}

func testSitemapRefs(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newSearchFixture(t, db)
	posts, err := db.FindArticleRefs(ctx, communique.ArticleRefFilter{Type: communique.TypePost})
	if err != nil {
		t.Fatal(err)
	}
	want := []*communique.Article{f.harbour, f.budget, f.parks, f.symbols}
	if len(posts) != len(want) {
		t.Fatalf("refs = %d, want %d (published posts only)", len(posts), len(want))
	}
	for i, a := range want {
		p := posts[i]
		if p.ID != a.ID || p.Slug != a.Slug || p.Title != a.Title || !p.PublishedAt.Equal(a.PublishedAt) || !p.ModifiedAt.Equal(a.ModifiedAt) {
			t.Errorf("ref %d = %+v, want article %q", i, p, a.Title)
		}
	}
	pages, _ := db.FindArticleRefs(ctx, communique.ArticleRefFilter{Type: communique.TypePage})
	if len(pages) != 1 || pages[0].ID != f.about.ID || pages[0].Type != communique.TypePage {
		t.Fatalf("pages = %+v", pages)
	}
	since := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	recent, _ := db.FindArticleRefs(ctx, communique.ArticleRefFilter{Type: communique.TypePost, PublishedFrom: &since, Newest: true})
	if len(recent) != 2 || recent[0].ID != f.harbour.ID || recent[1].ID != f.budget.ID {
		t.Fatalf("recent = %+v", recent)
	}
	paged, _ := db.FindArticleRefs(ctx, communique.ArticleRefFilter{Type: communique.TypePost, Offset: 1, Limit: 2})
	if len(paged) != 2 || paged[0].ID != f.budget.ID {
		t.Fatalf("paged = %+v", paged)
	}
	chunks, err := db.ArticleRefChunks(ctx, communique.TypePost, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || chunks[0].Count != 3 || chunks[1].Count != 1 || !chunks[1].Modified.Equal(f.symbols.ModifiedAt) {
		t.Fatalf("chunks = %+v", chunks)
	}
	if none, err := db.ArticleRefChunks(ctx, "nothing", 3); err != nil || len(none) != 0 {
		t.Fatalf("chunks of nothing = %+v, %v", none, err)
	}
}
