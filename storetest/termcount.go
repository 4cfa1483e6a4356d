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
	w := newTermCountWorld(t, db)
	for _, st := range append(termCountEditSteps(), termCountPublishAndImportSteps()...) {
		ok := t.Run(st.name, func(t *testing.T) {
			st.do(t, w)
			checkTermCounts(t, db, st.want)
		})
		if !ok {
			return // later steps build on this one
		}
	}
}

// termCountStep is one write and the published-article count of every
// term after it (a term left out must be gone).
type termCountStep struct {
	name string
	do   func(t *testing.T, w *termCountWorld)
	want map[string]int
}

// termCountWorld is the store the steps write to: an author, four terms
// and the articles and imported terms the steps make along the way.
type termCountWorld struct {
	db                        *sqlstore.DB
	now                       time.Time
	setClock                  func(time.Time)
	author                    *communique.User
	news, sport, golang, data *communique.Term
	world, rust               *communique.Term
	pub, draft, notes, sched  *communique.Article
}

// termCountSource is where the imports of the steps come from.
const termCountSource = "https://counts.example.com"

func newTermCountWorld(t *testing.T, db *sqlstore.DB) *termCountWorld {
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	w := &termCountWorld{db: db, now: now, setClock: fixedClock(db, now)}
	w.author = MustCreateUser(t, db, "counter", communique.RoleEditor)
	w.news, w.sport = w.term(t, communique.TaxonomyCategory, "News"), w.term(t, communique.TaxonomyCategory, "Sport")
	w.golang, w.data = w.term(t, communique.TaxonomyTag, "Go"), w.term(t, communique.TaxonomyTag, "Data")
	return w
}

func (w *termCountWorld) term(t *testing.T, taxonomy, name string) *communique.Term {
	t.Helper()
	tm := &communique.Term{Taxonomy: taxonomy, Name: name}
	if err := w.db.CreateTerm(context.Background(), tm); err != nil {
		t.Fatalf("create term %q: %v", name, err)
	}
	return tm
}

func termIDs(terms ...*communique.Term) []int64 {
	out := []int64{}
	for _, tm := range terms {
		out = append(out, tm.ID)
	}
	return out
}

func (w *termCountWorld) create(t *testing.T, a communique.Article, cats, tags []*communique.Term) *communique.Article {
	t.Helper()
	a.Source, a.AuthorID = "Body.", w.author.ID
	if err := newsroom.New(w.db).Create(context.Background(), newsroom.System, &a, termIDs(cats...), termIDs(tags...)); err != nil {
		t.Fatalf("create %q: %v", a.Title, err)
	}
	return &a
}

func (w *termCountWorld) update(t *testing.T, a *communique.Article, upd communique.ArticleUpdate) {
	t.Helper()
	if _, err := newsroom.New(w.db).Update(context.Background(), newsroom.System, a.ID, upd); err != nil {
		t.Fatalf("update %q: %v", a.Title, err)
	}
}

func (w *termCountWorld) imported(sourceID int64, s communique.Status, cats, tags []*communique.Term) *communique.ImportedArticle {
	return &communique.ImportedArticle{SourceID: sourceID, CategoryIDs: termIDs(cats...), TagIDs: termIDs(tags...),
		Article: &communique.Article{Type: communique.TypePost, Title: fmt.Sprintf("Imported %d", sourceID), Source: "<p>Old.</p>", AuthorID: w.author.ID,
			Status: s, PublishedAt: w.now.Add(-24 * time.Hour), CommentsOpen: true}}
}

// importTerms imports the category world (named worldName) and the tags
// go, which must be the existing Go, and rust.
func (w *termCountWorld) importTerms(t *testing.T, worldName string) {
	t.Helper()
	list := []*communique.ImportedTerm{
		{SourceID: 1, Term: &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: worldName, Slug: "world"}},
		{SourceID: 2, Term: &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Go", Slug: "go"}},
		{SourceID: 3, Term: &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Rust", Slug: "rust"}},
	}
	if err := w.db.ImportTerms(context.Background(), termCountSource, list); err != nil {
		t.Fatal(err)
	}
	if list[1].Term.ID != w.golang.ID {
		t.Fatalf("imported tag go = %d, want the existing %d", list[1].Term.ID, w.golang.ID)
	}
	w.world, w.rust = list[0].Term, list[2].Term
}

func (w *termCountWorld) importBatch(t *testing.T, articles ...*communique.ImportedArticle) {
	t.Helper()
	if err := newsroom.New(w.db).ImportBatch(context.Background(), &communique.ImportBatch{Source: termCountSource, Articles: articles}); err != nil {
		t.Fatal(err)
	}
}

// termCountEditSteps write articles and terms as the newsroom does.
func termCountEditSteps() []termCountStep {
	return []termCountStep{
		{"CreatePublishedAndDrafts", func(t *testing.T, w *termCountWorld) {
			w.pub = w.create(t, communique.Article{Title: "Published", Status: communique.StatusPublished}, []*communique.Term{w.news, w.sport}, []*communique.Term{w.golang})
			w.draft = w.create(t, communique.Article{Title: "Draft", Status: communique.StatusDraft}, []*communique.Term{w.news}, []*communique.Term{w.golang, w.data})
			w.notes = w.create(t, communique.Article{Title: "Notes", Status: communique.StatusDraft}, []*communique.Term{w.news, w.sport}, []*communique.Term{w.golang})
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 0}},
		{"PagesCountToo", func(t *testing.T, w *termCountWorld) {
			w.create(t, communique.Article{Type: communique.TypePage, Title: "About", Status: communique.StatusPublished}, []*communique.Term{w.sport}, nil)
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 0}},
		{"PublishDraft", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.draft, communique.ArticleUpdate{Status: ptr(communique.StatusPublished)})
		}, map[string]int{"News": 2, "Sport": 2, "Go": 2, "Data": 1}},
		{"SavePublishedAgain", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.pub, communique.ArticleUpdate{Title: ptr("Published, edited"), Status: ptr(communique.StatusPublished)})
		}, map[string]int{"News": 2, "Sport": 2, "Go": 2, "Data": 1}},
		{"Unpublish", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.pub, communique.ArticleUpdate{Status: ptr(communique.StatusDraft)})
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"ChangeTermsOfPublished", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.draft, communique.ArticleUpdate{CategoryIDs: &[]int64{w.sport.ID}, TagIDs: &[]int64{}})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"ChangeTermsOfDraft", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.pub, communique.ArticleUpdate{CategoryIDs: &[]int64{w.news.ID}, TagIDs: &[]int64{w.data.ID}})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"RepublishWithNewTerms", func(t *testing.T, w *termCountWorld) {
			// The status trigger counts the old tags, then the new set replaces them.
			w.update(t, w.pub, communique.ArticleUpdate{Status: ptr(communique.StatusPublished), TagIDs: &[]int64{w.golang.ID, w.data.ID}})
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 1}},
		{"Trash", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.pub, communique.ArticleUpdate{Status: ptr(communique.StatusTrash)})
		}, map[string]int{"News": 0, "Sport": 2, "Go": 0, "Data": 0}},
		{"Restore", func(t *testing.T, w *termCountWorld) {
			w.update(t, w.pub, communique.ArticleUpdate{Status: ptr(communique.StatusPublished)})
		}, map[string]int{"News": 1, "Sport": 2, "Go": 1, "Data": 1}},
		{"DeletePublished", func(t *testing.T, w *termCountWorld) {
			// Its links go by cascade: counted down once, not twice, not never.
			if err := newsroom.New(w.db).Delete(context.Background(), newsroom.System, w.draft.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"DeleteDraft", func(t *testing.T, w *termCountWorld) {
			if err := newsroom.New(w.db).Delete(context.Background(), newsroom.System, w.notes.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 1, "Data": 1}},
		{"DeleteTerm", func(t *testing.T, w *termCountWorld) {
			if err := w.db.DeleteTerm(context.Background(), w.news.ID); err != nil {
				t.Fatal(err)
			}
		}, map[string]int{"Sport": 1, "Go": 1, "Data": 1}},
		{"NewTermStartsEmpty", func(t *testing.T, w *termCountWorld) {
			w.news = w.term(t, communique.TaxonomyCategory, "News")
		}, map[string]int{"News": 0, "Sport": 1, "Go": 1, "Data": 1}},
	}
}

// termCountPublishAndImportSteps publish on schedule, import, and race.
func termCountPublishAndImportSteps() []termCountStep {
	return []termCountStep{
		{"Schedule", func(t *testing.T, w *termCountWorld) {
			w.sched = w.create(t, communique.Article{Title: "Later", Status: communique.StatusPublished, PublishedAt: w.now.Add(time.Hour)}, []*communique.Term{w.news}, []*communique.Term{w.golang})
			if w.sched.Status != communique.StatusScheduled {
				t.Fatalf("status = %s, want scheduled", w.sched.Status)
			}
		}, map[string]int{"News": 0, "Sport": 1, "Go": 1, "Data": 1}},
		{"PublishDueIDs", func(t *testing.T, w *termCountWorld) {
			w.setClock(w.now.Add(2 * time.Hour))
			got, err := w.db.PublishDueIDs(context.Background())
			if err != nil || len(got) != 1 || got[0] != w.sched.ID {
				t.Fatalf("published %v, %v; want [%d]", got, err, w.sched.ID)
			}
		}, map[string]int{"News": 1, "Sport": 1, "Go": 2, "Data": 1}},
		{"PublishDue", func(t *testing.T, w *termCountWorld) {
			w.create(t, communique.Article{Title: "Later still", Status: communique.StatusScheduled, PublishedAt: w.now.Add(3 * time.Hour)}, []*communique.Term{w.sport}, nil)
			w.setClock(w.now.Add(4 * time.Hour))
			if n, err := newsroom.New(w.db).PublishDue(context.Background()); err != nil || n != 1 {
				t.Fatalf("published %d, %v; want 1", n, err)
			}
		}, map[string]int{"News": 1, "Sport": 2, "Go": 2, "Data": 1}},
		{"ImportTerms", func(t *testing.T, w *termCountWorld) {
			w.importTerms(t, "World")
		}, map[string]int{"News": 1, "Sport": 2, "Go": 2, "Data": 1, "World": 0, "Rust": 0}},
		{"ImportBatch", func(t *testing.T, w *termCountWorld) {
			w.importBatch(t,
				w.imported(10, communique.StatusPublished, []*communique.Term{w.world}, []*communique.Term{w.golang, w.rust}),
				w.imported(11, communique.StatusDraft, []*communique.Term{w.world}, []*communique.Term{w.rust}))
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World": 1, "Rust": 1}},
		{"ImportBatchAgain", func(t *testing.T, w *termCountWorld) {
			// 10 is withdrawn and loses Go; 11 is published and gains it.
			w.importBatch(t,
				w.imported(10, communique.StatusDraft, []*communique.Term{w.world}, []*communique.Term{w.rust}),
				w.imported(11, communique.StatusPublished, []*communique.Term{w.world}, []*communique.Term{w.golang}))
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World": 1, "Rust": 0}},
		{"ImportTermsAgain", func(t *testing.T, w *termCountWorld) {
			w.importTerms(t, "World News")
		}, map[string]int{"News": 1, "Sport": 2, "Go": 3, "Data": 1, "World News": 1, "Rust": 0}},
		{"ConcurrentPublishes", func(t *testing.T, w *termCountWorld) {
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a := &communique.Article{Title: fmt.Sprintf("Race %d", i), Source: "x", AuthorID: w.author.ID, Status: communique.StatusPublished}
					if err := newsroom.New(w.db).Create(context.Background(), newsroom.System, a, []int64{w.sport.ID}, []int64{w.data.ID}); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}, map[string]int{"News": 1, "Sport": 10, "Go": 3, "Data": 9, "World News": 1, "Rust": 0}},
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
