package storetest

import (
	"context"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// The filters the REST API lists with, as WordPress has them: words in
// any text, any of several terms or authors, an author's own unpublished
// work, other orders, the authors the public may know of, and comments
// readers may see.

func testArticleListFilters(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	alice := MustCreateUser(t, db, "alice", communique.RoleAuthor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)
	cy := MustCreateUser(t, db, "cy", communique.RoleContributor)
	sport := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Sport"}
	db.CreateTerm(ctx, sport)
	football := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Football", ParentID: sport.ID}
	db.CreateTerm(ctx, football)
	arts := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "Arts"}
	db.CreateTerm(ctx, arts)
	local, _ := db.EnsureTerm(ctx, communique.TaxonomyTag, "Local")

	type spec struct {
		title, excerpt, body string
		author               *communique.User
		status               communique.Status
		cats, tags           []int64
	}
	specs := []spec{
		{"Cup final tonight", "", "The 100% sure bet", alice, communique.StatusPublished, []int64{football.ID}, []int64{local.ID}},
		{"Budget vote", "Money matters", "Council votes", bob, communique.StatusPublished, []int64{sport.ID}, nil},
		{"Opera season", "", "An evening at the OPERA house", alice, communique.StatusPublished, []int64{arts.ID}, []int64{local.ID}},
		{"Zebra crossing", "", "under_score", bob, communique.StatusPublished, nil, nil},
		{"Alice's draft", "", "Opera notes", alice, communique.StatusDraft, []int64{arts.ID}, nil},
		{"Cy's pitch", "", "Opera review", cy, communique.StatusPending, nil, nil},
	}
	ids := map[string]int64{}
	for i, sp := range specs {
		set(time.Date(2026, 5, 1+i, 12, 0, 0, 0, time.UTC))
		a := &communique.Article{Title: sp.title, Excerpt: sp.excerpt, Source: sp.body, AuthorID: sp.author.ID, Status: sp.status,
			Sticky: sp.title == "Zebra crossing"}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, sp.cats, sp.tags); err != nil {
			t.Fatal(err)
		}
		ids[sp.title] = a.ID
	}
	// Modified last, so "modified" orders it first.
	set(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	body := "Council votes again"
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, ids["Budget vote"], communique.ArticleUpdate{Source: &body}); err != nil {
		t.Fatal(err)
	}

	published := []communique.Status{communique.StatusPublished}
	yes, no := true, false
	may20 := time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		filter communique.ArticleFilter
		want   []string
	}{
		{"SearchTitle", communique.ArticleFilter{Status: published, Search: "cup"}, []string{"Cup final tonight"}},
		{"SearchBodyIgnoringCase", communique.ArticleFilter{Search: "opera"}, []string{"Cy's pitch", "Alice's draft", "Opera season"}},
		{"SearchExcerpt", communique.ArticleFilter{Search: "MONEY"}, []string{"Budget vote"}},
		{"SearchEveryWord", communique.ArticleFilter{Search: "opera  house"}, []string{"Opera season"}},
		{"SearchPercentIsText", communique.ArticleFilter{Search: "%"}, []string{"Cup final tonight"}},
		{"SearchUnderscoreIsText", communique.ArticleFilter{Search: "_"}, []string{"Zebra crossing"}},
		{"SearchNoMatch", communique.ArticleFilter{Search: "cricket"}, nil},
		{"CategoriesExactly", communique.ArticleFilter{Status: published, CategoryIDs: []int64{sport.ID}}, []string{"Budget vote"}},
		{"AnyCategory", communique.ArticleFilter{Status: published, CategoryIDs: []int64{football.ID, arts.ID}}, []string{"Opera season", "Cup final tonight"}},
		{"Tags", communique.ArticleFilter{TagIDs: []int64{local.ID}}, []string{"Opera season", "Cup final tonight"}},
		{"CategoryAndTag", communique.ArticleFilter{CategoryIDs: []int64{arts.ID}, TagIDs: []int64{local.ID}}, []string{"Opera season"}},
		{"AnyAuthor", communique.ArticleFilter{AuthorIDs: []int64{bob.ID, cy.ID}}, []string{"Cy's pitch", "Zebra crossing", "Budget vote"}},
		{"PrivateToAlice", communique.ArticleFilter{PrivateTo: &alice.ID}, []string{"Alice's draft", "Zebra crossing", "Opera season", "Budget vote", "Cup final tonight"}},
		{"PrivateToCy", communique.ArticleFilter{PrivateTo: &cy.ID, Status: []communique.Status{communique.StatusDraft, communique.StatusPending}}, []string{"Cy's pitch"}},
		{"OrderByTitle", communique.ArticleFilter{Status: published, OrderBy: "title", Oldest: true}, []string{"Budget vote", "Cup final tonight", "Opera season", "Zebra crossing"}},
		{"OrderBySlugDesc", communique.ArticleFilter{Status: published, OrderBy: "slug"}, []string{"Zebra crossing", "Opera season", "Cup final tonight", "Budget vote"}},
		{"OrderByID", communique.ArticleFilter{Status: published, OrderBy: "id", Oldest: true}, []string{"Cup final tonight", "Budget vote", "Opera season", "Zebra crossing"}},
		{"OrderByModified", communique.ArticleFilter{Status: published, OrderBy: "modified"}, []string{"Budget vote", "Zebra crossing", "Opera season", "Cup final tonight"}},
		// WordPress's include, exclude lists, tax_relation, sticky, parent
		// and modification window.
		{"Include", communique.ArticleFilter{IDs: []int64{ids["Cup final tonight"], ids["Opera season"]}}, []string{"Opera season", "Cup final tonight"}},
		{"Exclude", communique.ArticleFilter{Status: published, ExcludeIDs: []int64{ids["Zebra crossing"]}}, []string{"Opera season", "Budget vote", "Cup final tonight"}},
		{"ExcludeAuthors", communique.ArticleFilter{Status: published, ExcludeAuthorIDs: []int64{bob.ID}}, []string{"Opera season", "Cup final tonight"}},
		{"ExcludeCategories", communique.ArticleFilter{Status: published, ExcludeCategoryIDs: []int64{arts.ID}}, []string{"Zebra crossing", "Budget vote", "Cup final tonight"}},
		{"ExcludeTags", communique.ArticleFilter{Status: published, ExcludeTagIDs: []int64{local.ID}}, []string{"Zebra crossing", "Budget vote"}},
		{"AllCategories", communique.ArticleFilter{Status: published, CategoryIDs: []int64{football.ID, arts.ID}, AllCategories: true}, nil},
		{"AllOfOneCategory", communique.ArticleFilter{Status: published, CategoryIDs: []int64{arts.ID}, AllCategories: true}, []string{"Opera season"}},
		{"AllTagsOrCategory", communique.ArticleFilter{Status: published, CategoryIDs: []int64{sport.ID}, TagIDs: []int64{local.ID, local.ID}, AllTags: true, AnyTerm: true},
			[]string{"Opera season", "Budget vote", "Cup final tonight"}},
		{"CategoryWithChildren", communique.ArticleFilter{Status: published, CategoryIDs: []int64{sport.ID}, CategoryChildren: true}, []string{"Budget vote", "Cup final tonight"}},
		{"AllCategoriesWithChildren", communique.ArticleFilter{Status: published, CategoryIDs: []int64{sport.ID, football.ID}, AllCategories: true, CategoryChildren: true}, []string{"Cup final tonight"}},
		{"ExcludeCategoryWithChildren", communique.ArticleFilter{Status: published, ExcludeCategoryIDs: []int64{sport.ID}, ExcludeCategoryChildren: true}, []string{"Zebra crossing", "Opera season"}},
		{"CategoryOrTag", communique.ArticleFilter{Status: published, CategoryIDs: []int64{sport.ID}, TagIDs: []int64{local.ID}, AnyTerm: true}, []string{"Opera season", "Budget vote", "Cup final tonight"}},
		{"Sticky", communique.ArticleFilter{Status: published, Sticky: &yes}, []string{"Zebra crossing"}},
		{"NotSticky", communique.ArticleFilter{Status: published, Sticky: &no}, []string{"Opera season", "Budget vote", "Cup final tonight"}},
		{"ModifiedAfter", communique.ArticleFilter{Status: published, ModifiedFrom: &may20}, []string{"Budget vote"}},
		{"ModifiedBefore", communique.ArticleFilter{Status: published, ModifiedTo: &may20}, []string{"Zebra crossing", "Opera season", "Cup final tonight"}},
		{"TopLevel", communique.ArticleFilter{Status: published, ParentIDs: []int64{0}, ExcludeParentIDs: []int64{ids["Cup final tonight"]}}, []string{"Zebra crossing", "Opera season", "Budget vote", "Cup final tonight"}},
		{"BelowNothing", communique.ArticleFilter{ParentIDs: []int64{ids["Cup final tonight"]}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := db.FindArticles(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range list {
				got = append(got, a.Title)
			}
			if len(got) != len(tt.want) || total != len(tt.want) {
				t.Fatalf("got %q (total %d), want %q", got, total, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
	t.Run("PagedTotal", func(t *testing.T) {
		list, total, err := db.FindArticles(ctx, communique.ArticleFilter{Status: published, OrderBy: "title", Limit: 3, Offset: 3})
		if err != nil || len(list) != 1 || total != 4 || list[0].Title != "Budget vote" {
			t.Fatalf("second page of three = %d items of %d (%v)", len(list), total, err)
		}
	})
	t.Run("ErrUnknownOrder", func(t *testing.T) {
		_, _, err := db.FindArticles(ctx, communique.ArticleFilter{OrderBy: "author; DROP TABLE articles"})
		wantCode(t, err, communique.EINVALID)
	})
}

func testUsersHasPublished(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	writer := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	drafter := MustCreateUser(t, db, "drafter", communique.RoleAuthor)
	editor := MustCreateUser(t, db, "editor", communique.RoleEditor)
	MustCreateUser(t, db, "reader", communique.RoleSubscriber)
	MustCreateArticle(t, db, writer, "Out", "x")
	MustCreateArticle(t, db, writer, "Out again", "x")
	newsroom.New(db).Create(ctx, newsroom.System, &communique.Article{Title: "Not yet", Source: "x", AuthorID: drafter.ID}, nil, nil)
	newsroom.New(db).Create(ctx, newsroom.System, &communique.Article{Type: communique.TypePage, Title: "About", Source: "x", AuthorID: editor.ID, Status: communique.StatusPublished}, nil, nil)
	list, err := db.FindUsers(ctx, communique.UserFilter{HasPublished: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Login != "editor" || list[1].Login != "writer" {
		t.Fatalf("users with published work = %v, want editor (a page) and writer", list)
	}
	if list, _ := db.FindUsers(ctx, communique.UserFilter{HasPublished: true, ID: &drafter.ID}); len(list) != 0 {
		t.Fatalf("a drafter is listed: %v", list)
	}
}

func testCommentsPublishedOnly(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	shown := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "on a live article"})
	hidden := f.add(t, communique.Comment{ArticleID: f.other.ID, AuthorName: "Bob", AuthorEmail: "bob@example.com", Text: "on an unpublished one"})
	draft := communique.StatusDraft
	if _, err := newsroom.New(db).Update(ctx, newsroom.System, f.other.ID, communique.ArticleUpdate{Status: &draft}); err != nil {
		t.Fatal(err)
	}
	approved := []communique.CommentStatus{communique.CommentApproved}
	list, total, err := db.FindComments(ctx, communique.CommentFilter{Status: approved, PublishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(list) != 1 || list[0].ID != shown.ID {
		t.Fatalf("comments readers may see = %d of %d, want only %d (not %d)", len(list), total, shown.ID, hidden.ID)
	}
	// A thread the newsroom closes from view leaves every reader's list;
	// reopened, it comes back.
	for _, closed := range []bool{true, false} {
		if err := db.SaveArticleDiscussion(ctx, &communique.ArticleDiscussion{ArticleID: f.article.ID, Hidden: closed}); err != nil {
			t.Fatal(err)
		}
		_, total, err := db.FindComments(ctx, communique.CommentFilter{Status: approved, PublishedOnly: true})
		if want := map[bool]int{true: 0, false: 1}[closed]; err != nil || total != want {
			t.Fatalf("hidden %v: comments readers may see = %d (%v), want %d", closed, total, err, want)
		}
	}
}
