package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testTermLockOrder has eight editors publish, edit, unpublish, re-tag
// and trash articles that share two categories and four tags, six
// writes each, all at once: no write may fail (PostgreSQL runs them side by side, and used
// to abort one for a deadlock on the terms' counts), and every stored
// count must match a recount at the end.
func testTermLockOrder(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	svc := newsroom.New(db)
	author := MustCreateUser(t, db, "deskeditor", communique.RoleEditor)
	var terms []int64
	for i, tax := range []string{communique.TaxonomyCategory, communique.TaxonomyCategory, communique.TaxonomyTag, communique.TaxonomyTag, communique.TaxonomyTag, communique.TaxonomyTag} {
		tm := &communique.Term{Taxonomy: tax, Name: fmt.Sprintf("Shared %d", i)}
		if err := db.CreateTerm(ctx, tm); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, tm.ID)
	}
	cats, tags := terms[:2], terms[2:]
	var articles []int64
	for i := range 8 {
		a := &communique.Article{Title: fmt.Sprintf("Shared story %d", i), Source: "Words.", AuthorID: author.ID, Status: communique.StatusPublished}
		if err := svc.Create(ctx, newsroom.System, a, cats, tags); err != nil {
			t.Fatal(err)
		}
		articles = append(articles, a.ID)
	}
	// subset returns a random non-empty subset of ids, in random order.
	subset := func(r *rand.Rand, ids []int64) *[]int64 {
		out := []int64{}
		for _, i := range r.Perm(len(ids)) {
			if r.IntN(2) == 0 || len(out) == 0 {
				out = append(out, ids[i])
			}
		}
		return &out
	}
	statuses := []communique.Status{communique.StatusPublished, communique.StatusDraft, communique.StatusPublished, communique.StatusTrash}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	before := db.Retries.Load()
	for e := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(e), 7))
			for i := range 6 {
				st := statuses[r.IntN(len(statuses))]
				upd := communique.ArticleUpdate{Status: &st, CategoryIDs: subset(r, cats), TagIDs: subset(r, tags),
					Title: ptr(fmt.Sprintf("Edited by %d, %d", e, i))}
				if _, err := svc.Update(ctx, newsroom.System, articles[r.IntN(len(articles))], upd); err != nil {
					errs <- fmt.Errorf("editor %d, write %d: %w", e, i, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if checkTermCounts(t, db, nil) == 0 {
		t.Error("no term counts a published article: the check proves nothing")
	}
	t.Logf("%d transactions run again", db.Retries.Load()-before)
}

// testTransientRetry makes the database abort an article's save the way
// it does under contention (PostgreSQL: a deadlock with another writer
// that takes the same terms in the other order; SQLite: another process
// holding the file beyond busy_timeout) and checks that the store runs
// the save again and it succeeds, instead of handing the error on.
func testTransientRetry(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	svc := newsroom.New(db)
	author := MustCreateUser(t, db, "retrier", communique.RoleEditor)
	first, second := &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "First"}, &communique.Term{Taxonomy: communique.TaxonomyTag, Name: "Second"}
	for _, tm := range []*communique.Term{first, second} {
		if err := db.CreateTerm(ctx, tm); err != nil {
			t.Fatal(err)
		}
	}
	a := &communique.Article{Title: "Contested", Source: "Words.", AuthorID: author.ID, Status: communique.StatusDraft}
	if err := svc.Create(ctx, newsroom.System, a, nil, []int64{first.ID, second.ID}); err != nil {
		t.Fatal(err)
	}
	before := db.Retries.Load()
	var other *sql.Tx
	var blocked func() // makes other wait for the save, so that one of them must give way
	if db.Dialect() == "postgres" {
		other, blocked = deadlockPartner(t, db, first.ID, second.ID)
	} else {
		other, blocked = busyPartner(t, db)
	}
	saved := make(chan error, 1)
	go func() {
		_, err := svc.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Status: ptr(communique.StatusPublished)})
		saved <- err
	}()
	blocked()
	if err := other.Commit(); err != nil {
		t.Fatalf("the other writer: %v", err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("the save was not run again: %v", err)
	}
	if db.Retries.Load() == before {
		t.Fatal("the save succeeded without a retry: the test provoked nothing")
	}
	checkTermCounts(t, db, map[string]int{"First": 1, "Second": 1})
}

// deadlockPartner begins a transaction holding the second term; blocked
// waits until the save waits for it, then has the transaction ask for
// the first term, which the save holds: a deadlock the save (which waited
// first, and has the shorter deadlock_timeout) is aborted for.
func deadlockPartner(t *testing.T, db *sqlstore.DB, first, second int64) (*sql.Tx, func()) {
	ctx := context.Background()
	tx, err := db.WritePool().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	for _, q := range []string{`SET LOCAL deadlock_timeout = '30s'`, fmt.Sprintf(`SELECT id FROM terms WHERE id = %d FOR UPDATE`, second)} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return tx, func() {
		waitUntil(t, "the save waits for the second term", func() bool {
			var n int
			db.ReadPool().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`).Scan(&n)
			return n > 0
		})
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`SELECT id FROM terms WHERE id = %d FOR UPDATE`, first)); err != nil {
			t.Fatalf("the other writer was aborted instead of the save: %v", err)
		}
	}
}

// busyPartner holds SQLite's write lock from another connection while
// the store's writer waits only briefly; blocked waits until the store
// has run the save again once, then lets go.
func busyPartner(t *testing.T, db *sqlstore.DB) (*sql.Tx, func()) {
	ctx := context.Background()
	// The store has one writer connection: this shortens its wait, from
	// the default of ten seconds.
	if _, err := db.WritePool().ExecContext(ctx, `PRAGMA busy_timeout = 200`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.WritePool().ExecContext(ctx, `PRAGMA busy_timeout = 10000`) })
	var seq int
	var name, file string
	if err := db.ReadPool().QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	conn, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	before := db.Retries.Load()
	return tx, func() {
		waitUntil(t, "the store to run the save again", func() bool { return db.Retries.Load() > before })
	}
}

// waitUntil polls cond until it holds, failing after a generous minute.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}
