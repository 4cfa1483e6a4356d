package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// Run runs the whole conformance suite against stores made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, *sqlstore.DB)
	}{
		{"Users", testUsers},
		{"Languages", testLanguages},
		{"ArticleCreate", testArticleCreate},
		{"ArticleValidation", testArticleValidation},
		{"SlugUniqueness", testSlugUniqueness},
		{"ArticleUpdate", testArticleUpdate},
		{"ArticleFilters", testArticleFilters},
		{"DeepPages", testDeepPages},
		{"Scheduling", testScheduling},
		{"PrivateAndProtected", testPrivateAndProtected},
		{"Terms", testTerms},
		{"TermCounts", testTermCounts},
		{"TermCountsWordPress", testTermCountsWordPress},
		{"TermLockOrder", testTermLockOrder},
		{"TransientRetry", testTransientRetry},
		{"Pages", testPages},
		{"ArticleCounts", testArticleCounts},
		{"Settings", testSettings},
		{"Secrets", testSecrets},
		{"Menus", testMenus},
		{"Times", testTimes},
		{"WordPressImport", testWordPressImport},
		{"WordPressSample", func(t *testing.T, db *sqlstore.DB) { testWordPressSample(t, db, open) }},
		{"Media", testMedia},
		{"FeaturedMedia", testFeaturedMedia},
		{"MediaAltText", testMediaAltText},
		{"MediaBlobs", testMediaBlobs},
		{"Sessions", testSessions},
		{"SigninFailures", testSigninFailures},
		{"Revisions", testRevisions},
		{"EditLocks", testEditLocks},
		{"StaleSave", testStaleSave},
		{"ArticleNotes", testArticleNotes},
		{"Review", testReview},
		{"UserChanges", testUserChanges},
		{"UniqueEmail", testUniqueEmail},
		{"Search", testSearch},
		{"SitemapRefs", testSitemapRefs},
		{"SearchWindow", testSearchWindow},
		{"SearchLanguages", testSearchLanguages},
		{"SearchFollowsSiteLanguage", testSearchFollowsSiteLanguage},
		{"Webmentions", testWebmentions},
		{"CommentCreate", testCommentCreate},
		{"CommentCount", testCommentCount},
		{"CommentBatch", testCommentBatch},
		{"CommentFilters", testCommentFilters},
		{"ThreadPage", testThreadPage},
		{"CommentEditRevisions", testCommentEditRevisions},
		{"CommentDelete", testCommentDelete},
		{"CommentLookups", testCommentLookups},
		{"CommentCounts", testCommentCounts},
		{"SpamTraining", testSpamTraining},
		{"OutboxClaim", testOutboxClaim},
		{"OutboxRetry", testOutboxRetry},
		{"Webhooks", testWebhooks},
		{"Subscriptions", testSubscriptions},
		{"PasswordResets", testPasswordResets},
		{"PublishDueIDs", testPublishDueIDs},
		{"PrivacyFind", testPrivacyFind},
		{"PrivacyErase", testPrivacyErase},
		{"PrivacyAnonymise", testPrivacyAnonymise},
		{"IPRetention", testIPRetention},
		{"Integrity", testIntegrity},
		{"AppPasswords", testAppPasswords},
		{"RateLimits", testRateLimits},
		{"RateLimitsConcurrent", testRateLimitsConcurrent},
		{"ArticleListFilters", testArticleListFilters},
		{"UsersHasPublished", testUsersHasPublished},
		{"Bylines", testBylines},
		{"FrontZones", testFrontZones},
		{"CommentsPublishedOnly", testCommentsPublishedOnly},
		{"AnalyticsSalt", testAnalyticsSalt},
		{"AnalyticsFlush", testAnalyticsFlush},
		{"AnalyticsSamePath", testAnalyticsSamePath},
		{"AnalyticsRollUp", testAnalyticsRollUp},
		{"CommentDecisions", testCommentDecisions},
		{"CommentReports", testCommentReports},
		{"Federation", testFederation},
		{"ArticleDiscussions", testArticleDiscussions},
		{"LiveBlogs", testLiveBlogs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn(t, open(t))
		})
	}
}

// fixedClock pins db.Now and returns a setter to move it.
func fixedClock(db *sqlstore.DB, start time.Time) func(time.Time) {
	var mu sync.Mutex
	now := start
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	return func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
}

// MustCreateUser makes a user with the role.
func MustCreateUser(tb testing.TB, db *sqlstore.DB, login string, role communique.Role) *communique.User {
	tb.Helper()
	u := &communique.User{Login: login, Email: login + "@example.com", Role: role, DisplayName: strings.ToUpper(login[:1]) + login[1:]}
	if err := db.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("create user %s: %v", login, err)
	}
	return u
}

// MustCreateArticle makes a published Markdown article by author.
func MustCreateArticle(tb testing.TB, db *sqlstore.DB, author *communique.User, title, body string) *communique.Article {
	tb.Helper()
	a := &communique.Article{Title: title, Source: body, AuthorID: author.ID, Status: communique.StatusPublished, CommentsOpen: true}
	if err := newsroom.New(db).Create(context.Background(), newsroom.System, a, nil, nil); err != nil {
		tb.Fatalf("create article %q: %v", title, err)
	}
	return a
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := communique.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func testUsers(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "ada", communique.RoleEditor)
	if u.ID == 0 || u.Slug != "ada" || u.CreatedAt.IsZero() {
		t.Fatalf("created user = %+v", u)
	}
	got, err := db.FindUserByID(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Login != "ada" || got.Email != "ada@example.com" || got.Role != communique.RoleEditor || got.DisplayName != "Ada" {
		t.Fatalf("found user = %+v", got)
	}
	t.Run("ErrLoginTaken", func(t *testing.T) {
		err := db.CreateUser(ctx, &communique.User{Login: "ADA", Email: "x@example.com", Role: communique.RoleAuthor})
		wantCode(t, err, communique.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, u := range []*communique.User{
			{Login: "", Email: "a@example.com", Role: communique.RoleAuthor},
			{Login: "bad login", Email: "a@example.com", Role: communique.RoleAuthor},
			{Login: "bob", Email: "not-an-email", Role: communique.RoleAuthor},
			{Login: "bob", Email: "bob@example.com", Role: "king"},
		} {
			wantCode(t, db.CreateUser(ctx, u), communique.EINVALID)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindUserByID(ctx, 999999)
		wantCode(t, err, communique.ENOTFOUND)
	})
	MustCreateUser(t, db, "admin", communique.RoleAdministrator)
	if n, _ := db.CountUsers(ctx, communique.RoleAdministrator); n != 1 {
		t.Fatalf("administrators = %d, want 1", n)
	}
	if n, _ := db.CountUsers(ctx, ""); n != 2 {
		t.Fatalf("users = %d, want 2", n)
	}
	login := "Admin"
	list, err := db.FindUsers(ctx, communique.UserFilter{Login: &login})
	if err != nil || len(list) != 1 || list[0].Login != "admin" {
		t.Fatalf("find by login (case-insensitive) = %v, %v", list, err)
	}
}

func testArticleCreate(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)
	fixedClock(db, now)
	u := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	cat := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "World News"}
	if err := db.CreateTerm(ctx, cat); err != nil {
		t.Fatal(err)
	}
	tag, err := db.EnsureTerm(ctx, communique.TaxonomyTag, "Elections")
	if err != nil {
		t.Fatal(err)
	}
	a := &communique.Article{
		Title:    "Rain in \"Spain\" -- mainly",
		Source:   "It *rains*.\n\n<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
		AuthorID: u.ID, Status: communique.StatusPublished, CommentsOpen: true,
	}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, []int64{cat.ID}, []int64{tag.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindArticleByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case got.Slug != "rain-in-spain-mainly":
		t.Errorf("slug = %q", got.Slug)
	case got.Format != communique.FormatMarkdown || got.Type != communique.TypePost:
		t.Errorf("defaults: format %q type %q", got.Format, got.Type)
	case !strings.Contains(got.HTML, "<em>rains</em>") || !strings.Contains(got.HTML, "<table>"):
		t.Errorf("html not rendered: %q", got.HTML)
	case strings.Contains(got.HTML, "<script"):
		t.Errorf("html not sanitized: %q", got.HTML)
	case !strings.Contains(got.Source, "<script>"):
		t.Errorf("source must be kept as written: %q", got.Source)
	case !got.PublishedAt.Equal(now.Truncate(time.Microsecond)):
		t.Errorf("published_at = %v, want %v", got.PublishedAt, now)
	case got.Summary == "" || strings.Contains(got.Summary, "<"):
		t.Errorf("summary = %q", got.Summary)
	case got.Author == nil || got.Author.Login != "writer":
		t.Errorf("author = %+v", got.Author)
	case len(got.Categories) != 1 || got.Categories[0].ID != cat.ID || got.Categories[0].Slug != "world-news":
		t.Errorf("categories = %+v", got.Categories)
	case len(got.Tags) != 1 || got.Tags[0].Name != "Elections":
		t.Errorf("tags = %+v", got.Tags)
	case !got.CommentsOpen || got.Sticky:
		t.Errorf("flags: open %v sticky %v", got.CommentsOpen, got.Sticky)
	}
	t.Run("HTMLFormat", func(t *testing.T) {
		h := &communique.Article{Title: "Raw", Format: communique.FormatHTML, Source: `<p onclick="x()">Hi <a href="javascript:alert(1)">there</a></p>`, AuthorID: u.ID, Status: communique.StatusDraft}
		if err := newsroom.New(db).Create(ctx, newsroom.System, h, nil, nil); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.HTML, "onclick") || strings.Contains(h.HTML, "javascript:") || !strings.Contains(h.HTML, "Hi") {
			t.Fatalf("html body not sanitized: %q", h.HTML)
		}
		if !h.PublishedAt.IsZero() {
			t.Fatalf("draft got a publication date %v", h.PublishedAt)
		}
	})
	t.Run("ErrUnknownTerm", func(t *testing.T) {
		b := &communique.Article{Title: "T", Source: "x", AuthorID: u.ID}
		wantCode(t, newsroom.New(db).Create(ctx, newsroom.System, b, []int64{tag.ID}, nil), communique.EINVALID) // a tag is not a category
	})
}

func testArticleValidation(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "v", communique.RoleAuthor)
	tests := []struct {
		name string
		a    communique.Article
	}{
		{"ErrTitleRequired", communique.Article{Title: "  ", AuthorID: u.ID}},
		{"ErrFormat", communique.Article{Title: "t", Format: "rtf", AuthorID: u.ID}},
		{"ErrStatus", communique.Article{Title: "t", Status: "live", AuthorID: u.ID}},
		{"ErrAuthorRequired", communique.Article{Title: "t"}},
		{"ErrInvalidUTF8", communique.Article{Title: "t\xff", AuthorID: u.ID}},
		{"ErrScheduledWithoutDate", communique.Article{Title: "t", Status: communique.StatusScheduled, AuthorID: u.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			wantCode(t, newsroom.New(db).Create(ctx, newsroom.System, &a, nil, nil), communique.EINVALID)
		})
	}
	if _, n, _ := db.FindArticles(ctx, communique.ArticleFilter{}); n != 0 {
		t.Fatalf("%d articles stored by invalid creates", n)
	}
}

func testSlugUniqueness(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "s", communique.RoleAuthor)
	want := []string{"budget-vote", "budget-vote-2", "budget-vote-3"}
	for _, w := range want {
		a := MustCreateArticle(t, db, u, "Budget vote", "x")
		if a.Slug != w {
			t.Fatalf("slug = %q, want %q", a.Slug, w)
		}
	}
	tests := []struct{ title, slug, want string }{
		{"Given slug", "My Custom Slug!", "my-custom-slug"},
		{"Reserved", "category", "category-2"},
		{"Numeric", "2026", "2026-2"},
		{"Émigrés déjà vu", "", "emigres-deja-vu"},
		{"!!!", "", "article"},
	}
	for _, tt := range tests {
		a := &communique.Article{Title: tt.title, Slug: tt.slug, Source: "x", AuthorID: u.ID}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		if a.Slug != tt.want {
			t.Errorf("title %q slug %q: got %q, want %q", tt.title, tt.slug, a.Slug, tt.want)
		}
	}
}

func testArticleUpdate(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC))
	u := MustCreateUser(t, db, "u", communique.RoleEditor)
	a := MustCreateArticle(t, db, u, "First title", "Old body")
	set(time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC))
	title, slug, body := "Second title", "second-title", "New **body**"
	sticky := true
	got, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Title: &title, Slug: &slug, Source: &body, Sticky: &sticky})
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != title || got.Slug != slug || !strings.Contains(got.HTML, "<strong>body</strong>") || !got.Sticky {
		t.Fatalf("updated = %+v", got)
	}
	if !got.ModifiedAt.Equal(time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)) || !got.PublishedAt.Equal(a.PublishedAt) {
		t.Fatalf("times: modified %v published %v (was %v)", got.ModifiedAt, got.PublishedAt, a.PublishedAt)
	}
	old, err := db.FindArticleBySlugHistory(ctx, "first-title")
	if err != nil || old.ID != a.ID {
		t.Fatalf("slug history: %v, %v", old, err)
	}
	// Changing back makes the slug live again and no longer history.
	first := "first-title"
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Slug: &first}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindArticleBySlugHistory(ctx, "first-title"); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Fatalf("live slug still in history: %v", err)
	}
	if h, err := db.FindArticleBySlugHistory(ctx, "second-title"); err != nil || h.ID != a.ID {
		t.Fatalf("second slug not in history: %v", err)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := newsroom.New(db).Update(ctx, newsroom.System, 424242, communique.ArticleUpdate{Title: &title})
		wantCode(t, err, communique.ENOTFOUND)
	})
	t.Run("ErrInvalidKeepsOld", func(t *testing.T) {
		empty := ""
		_, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Title: &empty})
		wantCode(t, err, communique.EINVALID)
		again, _ := db.FindArticleByID(ctx, a.ID)
		if again.Title != title {
			t.Fatalf("failed update changed title to %q", again.Title)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := newsroom.New(db).Delete(ctx, newsroom.System, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindArticleByID(ctx, a.ID)
		wantCode(t, err, communique.ENOTFOUND)
		wantCode(t, newsroom.New(db).Delete(ctx, newsroom.System, a.ID), communique.ENOTFOUND)
	})
}

func testArticleFilters(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	alice := MustCreateUser(t, db, "alice", communique.RoleAuthor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)
	parent := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Sport"}
	db.CreateTerm(ctx, parent)
	child := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Football", ParentID: parent.ID}
	if err := db.CreateTerm(ctx, child); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := 0; i < 25; i++ {
		set(time.Date(2026, 5, 1+i, 12, 0, 0, 0, time.UTC))
		author := alice
		if i%5 == 0 {
			author = bob
		}
		a := &communique.Article{Title: "Story", Source: "x", AuthorID: author.ID, Status: communique.StatusPublished}
		var cats []int64
		if i%2 == 0 {
			cats = []int64{child.ID}
		}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, cats, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	draft := &communique.Article{Title: "Draft", Source: "x", AuthorID: alice.ID}
	newsroom.New(db).Create(ctx, newsroom.System, draft, nil, nil)
	sticky := true
	newsroom.New(db).Update(ctx, newsroom.System, ids[3], communique.ArticleUpdate{Sticky: &sticky})

	published := []communique.Status{communique.StatusPublished}
	post := communique.TypePost
	list, total, err := db.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, Limit: 10, StickyFirst: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != 25 || len(list) != 10 {
		t.Fatalf("page 1: %d items of %d, want 10 of 25", len(list), total)
	}
	if list[0].ID != ids[3] || list[1].ID != ids[24] || list[2].ID != ids[23] {
		t.Fatalf("order: sticky then newest: got %d %d %d", list[0].ID, list[1].ID, list[2].ID)
	}
	list, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: published, Limit: 10, Offset: 20})
	if total != 25 || len(list) != 5 || list[4].ID != ids[0] {
		t.Fatalf("page 3: %d items of %d", len(list), total)
	}
	list, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: published, Limit: 10, Offset: 100})
	if total != 25 || len(list) != 0 {
		t.Fatalf("past the end: %d items, total %d (want 0, 25)", len(list), total)
	}
	_, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: published, AuthorID: &bob.ID})
	if total != 5 {
		t.Fatalf("bob's articles = %d, want 5", total)
	}
	_, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: published, TermID: &parent.ID})
	if total != 13 {
		t.Fatalf("parent category (via child) = %d, want 13", total)
	}
	from, to := time.Date(2026, 5, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	_, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: published, PublishedFrom: &from, PublishedTo: &to})
	if total != 10 {
		t.Fatalf("date range = %d, want 10", total)
	}
	_, total, _ = db.FindArticles(ctx, communique.ArticleFilter{Status: []communique.Status{communique.StatusDraft}})
	if total != 1 {
		t.Fatalf("drafts = %d, want 1", total)
	}
	terms, _ := db.FindTerms(ctx, communique.TermFilter{ID: &child.ID})
	if len(terms) != 1 || terms[0].Count != 13 {
		t.Fatalf("term count = %+v", terms)
	}
}

func testScheduling(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	u := MustCreateUser(t, db, "sched", communique.RoleEditor)
	a := &communique.Article{Title: "Tomorrow", Source: "x", AuthorID: u.ID, Status: communique.StatusPublished, PublishedAt: now.Add(24 * time.Hour)}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if a.Status != communique.StatusScheduled {
		t.Fatalf("future publish: status %q, want scheduled", a.Status)
	}
	past := &communique.Article{Title: "Late", Source: "x", AuthorID: u.ID, Status: communique.StatusScheduled, PublishedAt: now.Add(-time.Hour)}
	newsroom.New(db).Create(ctx, newsroom.System, past, nil, nil)
	if past.Status != communique.StatusPublished {
		t.Fatalf("scheduled in the past: status %q, want published", past.Status)
	}
	if n, err := newsroom.New(db).PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("publish due early: %d, %v", n, err)
	}
	set(now.Add(25 * time.Hour))
	// Several nodes race; the article flips exactly once.
	var wg sync.WaitGroup
	counts := make(chan int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := newsroom.New(db).PublishDue(ctx)
			if err != nil {
				t.Error(err)
			}
			counts <- n
		}()
	}
	wg.Wait()
	close(counts)
	sum := 0
	for n := range counts {
		sum += n
	}
	if sum != 1 {
		t.Fatalf("published %d times, want exactly 1", sum)
	}
	got, _ := db.FindArticleByID(ctx, a.ID)
	if got.Status != communique.StatusPublished || !got.PublishedAt.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("after publish: %q at %v", got.Status, got.PublishedAt)
	}
}

func testTerms(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	news := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "News"}
	if err := db.CreateTerm(ctx, news); err != nil {
		t.Fatal(err)
	}
	again := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "News"}
	db.CreateTerm(ctx, again)
	if again.Slug != "news-2" {
		t.Fatalf("duplicate term slug = %q", again.Slug)
	}
	tag := &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "News"}
	db.CreateTerm(ctx, tag)
	if tag.Slug != "news" {
		t.Fatalf("slugs are per taxonomy: tag slug = %q", tag.Slug)
	}
	e1, err := db.EnsureTerm(ctx, communique.TaxonomyTag, "news")
	if err != nil || e1.ID != tag.ID {
		t.Fatalf("ensure existing: %+v %v", e1, err)
	}
	e2, _ := db.EnsureTerm(ctx, communique.TaxonomyTag, "Climate")
	e3, _ := db.EnsureTerm(ctx, communique.TaxonomyTag, "climate")
	if e2.ID == 0 || e2.ID != e3.ID {
		t.Fatalf("ensure new twice: %d %d", e2.ID, e3.ID)
	}
	child := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Local", ParentID: news.ID}
	db.CreateTerm(ctx, child)
	grand := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "City Hall", ParentID: child.ID}
	db.CreateTerm(ctx, grand)
	all, _ := db.FindTerms(ctx, communique.TermFilter{})
	byID := map[int64]*communique.Term{}
	for _, t := range all {
		byID[t.ID] = t
	}
	if p := strings.Join(communique.TermPath(byID[grand.ID], byID), "/"); p != "news/local/city-hall" {
		t.Fatalf("term path = %q", p)
	}
	t.Run("ErrBadParent", func(t *testing.T) {
		wantCode(t, db.CreateTerm(ctx, &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "X", ParentID: tag.ID}), communique.EINVALID)
		wantCode(t, db.CreateTerm(ctx, &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "X", ParentID: news.ID}), communique.EINVALID)
	})
	t.Run("Update", func(t *testing.T) { testTermUpdate(t, db, news, child, grand, tag) })
	if err := db.DeleteTerm(ctx, child.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindTerms(ctx, communique.TermFilter{ID: &grand.ID})
	if len(got) != 1 || got[0].ParentID != news.ID {
		t.Fatalf("child moved up to %d, want %d", got[0].ParentID, news.ID)
	}
}

// testTermUpdate changes fields one at a time and refuses loops, other
// taxonomies' parents and taken slugs, leaving the term as it was.
func testTermUpdate(t *testing.T, db *sqlstore.DB, news, child, grand, tag *communique.Term) {
	ctx := context.Background()
	str := func(s string) *string { return &s }
	id := func(n int64) *int64 { return &n }
	got, err := db.UpdateTerm(ctx, child.ID, communique.TermUpdate{Description: str("Around the quay")})
	if err != nil || got.Name != "Local" || got.Slug != "local" || got.Description != "Around the quay" || got.ParentID != news.ID {
		t.Fatalf("description only: %+v %v", got, err)
	}
	got, err = db.UpdateTerm(ctx, child.ID, communique.TermUpdate{Name: str(" Local news "), Slug: str("Local News")})
	if err != nil || got.Name != "Local news" || got.Slug != "local-news" {
		t.Fatalf("rename: %+v %v", got, err)
	}
	for name, c := range map[string]struct {
		id   int64
		upd  communique.TermUpdate
		code string
	}{
		"OwnParent":       {child.ID, communique.TermUpdate{ParentID: id(child.ID)}, communique.EINVALID},
		"BelowItself":     {child.ID, communique.TermUpdate{ParentID: id(grand.ID)}, communique.EINVALID},
		"TagAsParent":     {child.ID, communique.TermUpdate{ParentID: id(tag.ID)}, communique.EINVALID},
		"TakenSlug":       {child.ID, communique.TermUpdate{Slug: str("news")}, communique.ECONFLICT},
		"EmptyName":       {child.ID, communique.TermUpdate{Name: str("  ")}, communique.EINVALID},
		"ErrTermNotFound": {999999, communique.TermUpdate{Name: str("Ghost")}, communique.ENOTFOUND},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := db.UpdateTerm(ctx, c.id, c.upd)
			wantCode(t, err, c.code)
			after, _ := db.FindTerms(ctx, communique.TermFilter{ID: &child.ID})
			if len(after) != 1 || after[0].Slug != "local-news" || after[0].ParentID != news.ID {
				t.Fatalf("a refused update changed the term: %+v", after)
			}
		})
	}
	got, err = db.UpdateTerm(ctx, child.ID, communique.TermUpdate{ParentID: id(0), Slug: str("local")})
	if err != nil || got.ParentID != 0 {
		t.Fatalf("to the top: %+v %v", got, err)
	}
	if _, err := db.UpdateTerm(ctx, child.ID, communique.TermUpdate{ParentID: id(news.ID)}); err != nil {
		t.Fatal(err)
	}
}

func testPages(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "p", communique.RoleEditor)
	about := &communique.Article{Type: communique.TypePage, Title: "About", Source: "Us", AuthorID: u.ID, Status: communique.StatusPublished}
	if err := newsroom.New(db).Create(ctx, newsroom.System, about, nil, nil); err != nil {
		t.Fatal(err)
	}
	team := &communique.Article{Type: communique.TypePage, Title: "Team", Source: "We", AuthorID: u.ID, Status: communique.StatusPublished, ParentID: about.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, team, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindArticleByID(ctx, team.ID)
	if got.ParentID != about.ID || got.Type != communique.TypePage {
		t.Fatalf("page = %+v", got)
	}
	t.Run("ErrLoop", func(t *testing.T) {
		_, err := newsroom.New(db).Update(ctx, newsroom.System, about.ID, communique.ArticleUpdate{ParentID: &team.ID})
		wantCode(t, err, communique.EINVALID)
	})
	t.Run("ErrPostWithParent", func(t *testing.T) {
		a := &communique.Article{Title: "p", Source: "x", AuthorID: u.ID, ParentID: about.ID}
		wantCode(t, newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil), communique.EINVALID)
	})
	page := communique.TypePage
	_, n, _ := db.FindArticles(ctx, communique.ArticleFilter{Type: &page})
	if n != 2 {
		t.Fatalf("pages = %d", n)
	}
}

func testSettings(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if err := db.SetSetting(ctx, "title", "The Daily Planet"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, "title", "The Daily Bugle"); err != nil {
		t.Fatal(err)
	}
	db.SetSetting(ctx, "timezone", "Europe/Paris")
	m, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := communique.ParseSettings(m)
	if s.Title != "The Daily Bugle" || s.Location.String() != "Europe/Paris" || s.PostsPerPage != 10 {
		t.Fatalf("settings = %+v", s)
	}
	for _, bad := range [][2]string{{"nope", "1"}, {"posts_per_page", "0"}, {"posts_per_page", "ten"}, {"timezone", "Mars/Olympus"}, {"permalink_structure", "/%year%/"}} {
		wantCode(t, db.SetSetting(ctx, bad[0], bad[1]), communique.EINVALID)
	}
}

func testSecrets(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	calls := 0
	gen := func() string { calls++; return "s" + strings.Repeat("x", calls) }
	a, err := db.Secret(ctx, "site", gen)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := db.Secret(ctx, "site", gen)
	if a != b || a != "sx" {
		t.Fatalf("secret changed: %q then %q", a, b)
	}
	m, _ := db.Settings(ctx)
	for _, def := range communique.SettingDefs {
		if strings.HasPrefix(def.Key, "secret.") || def.Text(communique.ParseSettings(m)) == a {
			t.Fatalf("secrets leak into public settings as %s", def.Key)
		}
	}
}

func testMenus(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	m := &communique.Menu{Name: "Main", Location: communique.MenuPrimary, Items: []*communique.MenuItem{
		{ID: 1, Label: "Home", URL: "/"},
		{ID: 2, Label: "World", URL: "/category/world/"},
		{ID: 3, ParentID: 2, Label: "Europe", URL: "/category/world/europe/"},
	}}
	if err := db.SaveMenu(ctx, m); err != nil {
		t.Fatal(err)
	}
	other := &communique.Menu{Name: "Footer", Location: communique.MenuPrimary, Items: []*communique.MenuItem{{Label: "About", URL: "/about/"}}}
	db.SaveMenu(ctx, other)
	// Saving again by slug replaces, not duplicates.
	m.Items = m.Items[:2]
	m.Items[0].ID, m.Items[1].ID = 1, 2
	db.SaveMenu(ctx, &communique.Menu{Name: "Main", Items: []*communique.MenuItem{{ID: 1, Label: "Home", URL: "/"}, {ID: 2, Label: "World", URL: "/w/"}, {ID: 3, ParentID: 2, Label: "Europe", URL: "/e/"}}})
	menus, err := db.FindMenus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(menus) != 2 {
		t.Fatalf("menus = %d, want 2", len(menus))
	}
	var main, footer *communique.Menu
	for _, x := range menus {
		switch x.Slug {
		case "main":
			main = x
		case "footer":
			footer = x
		}
	}
	if footer == nil || footer.Location != communique.MenuPrimary || main == nil || main.Location != "" {
		t.Fatalf("one menu per location: %+v %+v", main, footer)
	}
	if len(main.Items) != 3 || main.Items[2].ParentID != main.Items[1].ID || main.Items[1].URL != "/w/" {
		t.Fatalf("items = %+v %+v %+v", main.Items[0], main.Items[1], main.Items[2])
	}
}

func testTimes(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	u := MustCreateUser(t, db, "tz", communique.RoleEditor)
	paris, _ := time.LoadLocation("Europe/Paris")
	when := time.Date(2025, 12, 31, 23, 30, 0, 123456000, paris)
	a := &communique.Article{Title: "NYE", Source: "x", AuthorID: u.ID, Status: communique.StatusPublished, PublishedAt: when}
	fixedClock(db, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC))
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := db.FindArticleByID(ctx, a.ID)
	if !got.PublishedAt.Equal(when) || got.PublishedAt.Location() != time.UTC {
		t.Fatalf("published_at = %v, want %v in UTC", got.PublishedAt, when)
	}
	// A date archive in UTC bounds: 22:30 UTC on Dec 31.
	from, to := time.Date(2025, 12, 31, 22, 30, 0, 0, time.UTC), time.Date(2025, 12, 31, 22, 30, 1, 0, time.UTC)
	_, n, _ := db.FindArticles(ctx, communique.ArticleFilter{PublishedFrom: &from, PublishedTo: &to})
	if n != 1 {
		t.Fatalf("range query across zones found %d, want 1", n)
	}
}

// testArticleCounts counts articles and pages apart, by status: the
// dashboard once said "7 published" beside five articles and two pages.
func testArticleCounts(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if m, err := db.CountArticles(ctx); err != nil || len(m) != 0 {
		t.Fatalf("counts of an empty store = %v (%v), want none", m, err)
	}
	u := MustCreateUser(t, db, "counter", communique.RoleEditor)
	later := db.Now().Add(48 * time.Hour)
	for i, a := range []struct {
		typ    string
		status communique.Status
	}{
		{communique.TypePost, communique.StatusPublished}, {communique.TypePost, communique.StatusPublished},
		{communique.TypePost, communique.StatusPublished}, {communique.TypePost, communique.StatusDraft},
		{communique.TypePost, communique.StatusScheduled}, {communique.TypePost, communique.StatusPending},
		{communique.TypePage, communique.StatusPublished}, {communique.TypePage, communique.StatusPublished},
		{communique.TypePage, communique.StatusDraft},
	} {
		art := &communique.Article{Type: a.typ, Title: fmt.Sprintf("Counted %d", i), Source: "x", AuthorID: u.ID, Status: a.status}
		if a.status == communique.StatusScheduled {
			art.PublishedAt = later
		}
		if err := newsroom.New(db).Create(ctx, newsroom.System, art, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	m, err := db.CountArticles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[communique.Status]int{
		communique.TypePost: {communique.StatusPublished: 3, communique.StatusDraft: 1, communique.StatusScheduled: 1, communique.StatusPending: 1},
		communique.TypePage: {communique.StatusPublished: 2, communique.StatusDraft: 1},
	}
	if len(m) != len(want) {
		t.Errorf("counts = %v, want %v", m, want)
	}
	for typ, byStatus := range want {
		if len(m[typ]) != len(byStatus) {
			t.Errorf("%s counts = %v, want %v", typ, m[typ], byStatus)
		}
		for st, n := range byStatus {
			if m[typ][st] != n {
				t.Errorf("%s %s = %d, want %d", typ, st, m[typ][st], n)
			}
		}
	}
}
