package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testTermCounts follows a term's stored count of published articles
// through every write that moves it. After each step the count must be
// what the step should leave and what counting the articles finds.
func testTermCounts(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	setClock := fixedClock(db, now)
	u := MustCreateUser(t, db, "counter", communique.RoleEditor)
	term := func(taxonomy, name string) *communique.Term {
		t.Helper()
		tm := &communique.Term{Taxonomy: taxonomy, Name: name}
		if err := db.CreateTerm(ctx, tm); err != nil {
			t.Fatalf("create term %q: %v", name, err)
		}
		return tm
	}
	news, sport := term(communique.TaxonomyCategory, "News"), term(communique.TaxonomyCategory, "Sport")
	golang, data := term(communique.TaxonomyTag, "Go"), term(communique.TaxonomyTag, "Data")
	ids := func(terms ...*communique.Term) []int64 {
		out := []int64{}
		for _, tm := range terms {
			out = append(out, tm.ID)
		}
		return out
	}
	create := func(t *testing.T, a communique.Article, cats, tags []*communique.Term) *communique.Article {
		t.Helper()
		a.Source, a.AuthorID = "Body.", u.ID
		if err := newsroom.New(db).Create(ctx, newsroom.System, &a, ids(cats...), ids(tags...)); err != nil {
			t.Fatalf("create %q: %v", a.Title, err)
		}
		return &a
	}
	update := func(t *testing.T, a *communique.Article, upd communique.ArticleUpdate) {
		t.Helper()
		if _, err := newsroom.New(db).Update(ctx, newsroom.System, a.ID, upd); err != nil {
			t.Fatalf("update %q: %v", a.Title, err)
		}
	}
	status := func(s communique.Status) *communique.Status { return &s }
	const source = "https://counts.example.com"
	imported := func(sourceID int64, s communique.Status, cats, tags []*communique.Term) *communique.ImportedArticle {
		return &communique.ImportedArticle{SourceID: sourceID, CategoryIDs: ids(cats...), TagIDs: ids(tags...),
			Article: &communique.Article{Type: communique.TypePost, Title: fmt.Sprintf("Imported %d", sourceID), Source: "<p>Old.</p>", AuthorID: u.ID,
				Status: s, PublishedAt: now.Add(-24 * time.Hour), CommentsOpen: true}}
	}
	var world, rust *communique.Term
	importTerms := func(t *testing.T, worldName string) {
		t.Helper()
		list := []*communique.ImportedTerm{
			{SourceID: 1, Term: &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: worldName, Slug: "world"}},
			{SourceID: 2, Term: &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Go", Slug: "go"}},
			{SourceID: 3, Term: &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Rust", Slug: "rust"}},
		}
		if err := db.ImportTerms(ctx, source, list); err != nil {
			t.Fatal(err)
		}
		if list[1].Term.ID != golang.ID {
			t.Fatalf("imported tag go = %d, want the existing %d", list[1].Term.ID, golang.ID)
		}
		world, rust = list[0].Term, list[2].Term
	}
	importBatch := func(t *testing.T, articles ...*communique.ImportedArticle) {
		t.Helper()
		if err := newsroom.New(db).ImportBatch(ctx, &communique.ImportBatch{Source: source, Articles: articles}); err != nil {
			t.Fatal(err)
		}
	}

	var pub, draft, notes, sched *communique.Article
	steps := []struct {
		name string
		do   func(t *testing.T)
		want map[string]int // term name → published articles; a term left out must be gone
	}{
		{"CreatePublishedAndDrafts", func(t *testing.T) {
			pub = create(t, communique.Article{Title: "Published", Status: communique.StatusPublished}, []*communique.Term{news, sport}, []*communique.Term{golang})
			draft = create(t, communique.Article{Title: "Draft", Status: communique.StatusDraft}, []*communique.Term{news}, []*communique.Term{golang, data})
			notes = create(t, communique.Article{Title: "Notes", Status: communique.StatusDraft}, []*communique.Term{news, sport}, []*communique.Term{golang})
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 0}},
		{"PagesCountToo", func(t *testing.T) {
			create(t, communique.Article{Type: communique.TypePage, Title: "About", Status: communique.StatusPublished}, []*communique.Term{sport}, nil)
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 0}},
		{"PublishDraft", func(t *testing.T) {
			update(t, draft, communique.ArticleUpdate{Status: status(communique.StatusPublished)})
		}, map[string]int{"News": 2, "Sport": 2, "Go": 2, "Data": 1}},
		{"SavePublishedAgain", func(t *testing.T) {
			update(t, pub, communique.ArticleUpdate{Title: ptr("Published, edited"), Status: status(communique.StatusPublished)})
		}, map[string]int{"News": 2, "Sport": 2, "Go": 2, "Data": 1}},
		{"Unpublish", func(t *testing.T) {
			update(t, pub, communique.ArticleUpdate{Status: status(communique.StatusDraft)})
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"ChangeTermsOfPublished", func(t *testing.T) {
			update(t, draft, communique.ArticleUpdate{CategoryIDs: &[]int64{sport.ID}, TagIDs: &[]int64{}})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"ChangeTermsOfDraft", func(t *testing.T) {
			update(t, pub, communique.ArticleUpdate{CategoryIDs: &[]int64{news.ID}, TagIDs: &[]int64{data.ID}})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"RepublishWithNewTerms", func(t *testing.T) {
			// The status trigger counts the old tags, then the new set replaces them.
			update(t, pub, communique.ArticleUpdate{Status: status(communique.StatusPublished), TagIDs: &[]int64{golang.ID, data.ID}})
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 1}},
		{"Trash", func(t *testing.T) {
			update(t, pub, communique.ArticleUpdate{Status: status(communique.StatusTrash)})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"Restore", func(t *testing.T) {
			update(t, pub, communique.ArticleUpdate{Status: status(communique.StatusPublished)})
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 1}},
		{"DeletePublished", func(t *testing.T) {
			// Its links go by cascade: counted down once, not twice, not never.
			if err := newsroom.New(db).Delete(ctx, newsroom.System, draft.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"DeleteDraft", func(t *testing.T) {
			if err := newsroom.New(db).Delete(ctx, newsroom.System, notes.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"DeleteTerm", func(t *testing.T) {
			if err := db.DeleteTerm(ctx, news.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"Sport": 1, "Go": 1, "Data": 1}},
		{"NewTermStartsEmpty", func(t *testing.T) {
			news = term(communique.TaxonomyCategory, "News")
		}, map[string]int{"News": 0, "Sport": 1, "Go": 1, "Data": 1}},
		{"Schedule", func(t *testing.T) {
			sched = create(t, communique.Article{Title: "Later", Status: communique.StatusPublished, PublishedAt: now.Add(time.Hour)}, []*communique.Term{news}, []*communique.Term{golang})
			if sched.Status != communique.StatusScheduled {
				t.Fatalf("status = %s, want scheduled", sched.Status)
			}
		}, map[string]int{"News": 0, "Sport": 1, "Go": 1, "Data": 1}},
		{"PublishDueIDs", func(t *testing.T) {
			setClock(now.Add(2 * time.Hour))
			got, err := db.PublishDueIDs(ctx)
			if err != nil || len(got) != 1 || got[0] != sched.ID {
				t.Fatalf("published %v, %v; want [%d]", got, err, sched.ID)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 2, "Data": 1}},
		{"PublishDue", func(t *testing.T) {
			create(t, communique.Article{Title: "Later still", Status: communique.StatusScheduled, PublishedAt: now.Add(3 * time.Hour)}, []*communique.Term{sport}, nil)
			setClock(now.Add(4 * time.Hour))
			if n, err := newsroom.New(db).PublishDue(ctx); err != nil || n != 1 {
				t.Fatalf("published %d, %v; want 1", n, err)
			}
		}, map[string]int{"News": 1, "Sport": 2, "Go": 2, "Data": 1}},
		{"ImportTerms", func(t *testing.T) {
			importTerms(t, "World")
		}, map[string]int{"News": 1, "Sport": 2, "Go": 2, "Data": 1, "World": 0, "Rust": 0}},
		{"ImportBatch", func(t *testing.T) {
			importBatch(t,
				imported(10, communique.StatusPublished, []*communique.Term{world}, []*communique.Term{golang, rust}),
				imported(11, communique.StatusDraft, []*communique.Term{world}, []*communique.Term{rust}))
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World": 1, "Rust": 1}},
		{"ImportBatchAgain", func(t *testing.T) {
			// 10 is withdrawn and loses Go; 11 is published and gains it.
			importBatch(t,
				imported(10, communique.StatusDraft, []*communique.Term{world}, []*communique.Term{rust}),
				imported(11, communique.StatusPublished, []*communique.Term{world}, []*communique.Term{golang}))
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World": 1, "Rust": 0}},
		{"ImportTermsAgain", func(t *testing.T) {
			importTerms(t, "World News")
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World News": 1, "Rust": 0}},
		{"ConcurrentPublishes", func(t *testing.T) {
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := &communique.Article{Title: fmt.Sprintf("Race %d", i), Source: "x", AuthorID: u.ID, Status: communique.StatusPublished}
					if err := newsroom.New(db).Create(ctx, newsroom.System, a, []int64{sport.ID}, []int64{data.ID}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}, map[string]int{"News": 1, "Sport": 10, "Go": 3, "Data": 9, "World News": 1, "Rust": 0}},
	}
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			st.do(t)
			checkTermCounts(t, db, st.want)
		})
		if !ok {
			return // later steps build on this one
		}
	}
}

// testTermCountsWordPress imports the WXR sample through the importer,
// twice (the second time updates), and checks every term's count.
func testTermCountsWordPress(t *testing.T, db *sqlstore.DB) {
	fixedClock(db, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	for _, pass := range []string{"Import", "Reimport"} {
		t.Run(pass, func(t *testing.T) {
			importFixture(t, db, wxrFixture)
			counted := checkTermCounts(t, db, nil)
			if counted == 0 {
				t.Fatal("no term counts a published article: the check proves nothing")
			}
		})
	}
}

// checkTermCounts compares every term's stored count with a fresh count
// of its published articles (the store's COUNT(*) of a listing filtered
// by the term alone), with want (by term name) when given, and with the
// counts the terms carry when attached to articles. It returns the sum
// of the counts.
func checkTermCounts(t *testing.T, db *sqlstore.DB, want map[string]int) int {
	t.Helper()
	ctx := context.Background()
	terms, err := db.FindTerms(ctx, communique.TermFilter{})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[int64]int{}
	sum := 0
	for _, tm := range terms {
		f := communique.ArticleFilter{Status: []communique.Status{communique.StatusPublished}, Limit: 1}
		if tm.Taxonomy == communique.TaxonomyCategory {
			f.CategoryIDs = []int64{tm.ID}
		} else {
			f.TagIDs = []int64{tm.ID}
		}
		_, fresh, err := db.FindArticles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if tm.Count != fresh {
			t.Errorf("%s %q: stored count %d, counted %d", tm.Taxonomy, tm.Name, tm.Count, fresh)
		}
		if n, ok := want[tm.Name]; want != nil && (!ok || tm.Count != n) {
			t.Errorf("%s %q: count %d, want %d (listed: %v)", tm.Taxonomy, tm.Name, tm.Count, n, ok)
		}
		stored[tm.ID] = tm.Count
		sum += tm.Count
	}
	if want != nil && len(terms) != len(want) {
		t.Errorf("%d terms, want %d: %v", len(terms), len(want), want)
	}
	all, _, err := db.FindArticles(ctx, communique.ArticleFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		for _, tm := range append(a.Categories, a.Tags...) {
			if tm.Count != stored[tm.ID] {
				t.Errorf("article %q: %s %q counts %d, FindTerms %d", a.Title, tm.Taxonomy, tm.Name, tm.Count, stored[tm.ID])
			}
		}
	}
	return sum
}
