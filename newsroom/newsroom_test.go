package newsroom_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

// recorder remembers what the service announced and invalidated.
type recorder struct {
	mu     sync.Mutex
	saved  []string // "before→after" statuses; "new" for no before
	drops  int
	titles []string
}

func (r *recorder) ArticleSaved(_ context.Context, before, after *communique.Article) {
	r.mu.Lock()
	defer r.mu.Unlock()
	from := "new"
	if before != nil {
		from = string(before.Status)
	}
	r.saved = append(r.saved, from+"→"+string(after.Status))
	r.titles = append(r.titles, after.Title)
}

func (r *recorder) StoreChanged() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drops++
}

func (r *recorder) take() ([]string, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved, drops := r.saved, r.drops
	r.saved, r.drops, r.titles = nil, 0, nil
	return saved, drops
}

func newService(db *sqlstore.DB) (*newsroom.Service, *recorder) {
	rec := &recorder{}
	svc := newsroom.New(db)
	svc.Notifier, svc.Invalidator = rec, rec
	return svc, rec
}

func draft(author *communique.User, title string) *communique.Article {
	return &communique.Article{Title: title, Source: "Body of " + title, AuthorID: author.ID}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := communique.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// TestPermissions: the capability table decides, whichever door asks.
func TestPermissions(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc, _ := newService(db)
		editor := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
		author := storetest.MustCreateUser(t, db, "au", communique.RoleAuthor)
		contributor := storetest.MustCreateUser(t, db, "co", communique.RoleContributor)
		subscriber := storetest.MustCreateUser(t, db, "su", communique.RoleSubscriber)
		published := func(u *communique.User) int64 {
			a := draft(u, "Live by "+u.Login)
			a.Status = communique.StatusPublished
			if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		tests := []struct {
			name string
			do   func() error
			want string
		}{
			{"OKContributorWritesDraft", func() error { return svc.Create(ctx, newsroom.As(contributor), draft(contributor, "Draft"), nil, nil) }, ""},
			{"ErrContributorPublishes", func() error {
				a := draft(contributor, "Eager")
				a.Status = communique.StatusPublished
				return svc.Create(ctx, newsroom.As(contributor), a, nil, nil)
			}, communique.EFORBIDDEN},
			{"ErrSubscriberWrites", func() error { return svc.Create(ctx, newsroom.As(subscriber), draft(subscriber, "No"), nil, nil) }, communique.EFORBIDDEN},
			{"ErrAuthorWritesPage", func() error {
				a := draft(author, "About")
				a.Type = communique.TypePage
				return svc.Create(ctx, newsroom.As(author), a, nil, nil)
			}, communique.EFORBIDDEN},
			{"ErrNobody", func() error { return svc.Create(ctx, newsroom.As(nil), draft(author, "Ghost"), nil, nil) }, communique.EFORBIDDEN},
			{"ErrAuthorEditsOthers", func() error {
				title := "Mine now"
				_, err := svc.Update(ctx, newsroom.As(author), published(editor), communique.ArticleUpdate{Title: &title})
				return err
			}, communique.EFORBIDDEN},
			{"ErrAuthorGivesAway", func() error {
				_, err := svc.Update(ctx, newsroom.As(author), published(author), communique.ArticleUpdate{AuthorID: &editor.ID})
				return err
			}, communique.EFORBIDDEN},
			{"ErrContributorEditsLive", func() error {
				title := "Changed"
				_, err := svc.Update(ctx, newsroom.As(contributor), published(contributor), communique.ArticleUpdate{Title: &title})
				return err
			}, communique.EFORBIDDEN},
			{"ErrContributorTrashesLive", func() error {
				_, err := svc.Trash(ctx, newsroom.As(contributor), published(contributor))
				return err
			}, communique.EFORBIDDEN},
			{"ErrAuthorDeletesOthers", func() error { return svc.Delete(ctx, newsroom.As(author), published(editor)) }, communique.EFORBIDDEN},
			{"OKAuthorTrashesOwn", func() error {
				_, err := svc.Trash(ctx, newsroom.As(author), published(author))
				return err
			}, ""},
			{"OKEditorPublishesOthers", func() error {
				a := draft(contributor, "Reviewed")
				if err := svc.Create(ctx, newsroom.As(contributor), a, nil, nil); err != nil {
					return err
				}
				_, err := svc.Publish(ctx, newsroom.As(editor), a.ID)
				return err
			}, ""},
			{"OKSystem", func() error { return svc.Delete(ctx, newsroom.System, published(editor)) }, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.do(), tt.want) })
		}
	})
}

// TestEffects: every change is announced once and drops the cache; an
// import drops the cache and announces nothing.
func TestEffects(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc, rec := newService(db)
		editor := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
		by := newsroom.As(editor)
		a := draft(editor, "Story")
		var id int64
		tests := []struct {
			name  string
			do    func() error
			saved []string
			drops int
		}{
			{"Create", func() error { err := svc.Create(ctx, by, a, nil, nil); id = a.ID; return err }, []string{"new→draft"}, 1},
			{"Publish", func() error { _, err := svc.Publish(ctx, by, id); return err }, []string{"draft→published"}, 1},
			{"Update", func() error {
				title := "Story, corrected"
				_, err := svc.Update(ctx, by, id, communique.ArticleUpdate{Title: &title})
				return err
			}, []string{"published→published"}, 1},
			{"Unpublish", func() error { _, err := svc.Unpublish(ctx, by, id, communique.StatusPending); return err }, []string{"published→pending"}, 1},
			{"Schedule", func() error { _, err := svc.Schedule(ctx, by, id, time.Now().Add(time.Hour)); return err }, []string{"pending→scheduled"}, 1},
			{"Trash", func() error { _, err := svc.Trash(ctx, by, id); return err }, []string{"scheduled→trash"}, 1},
			{"Restore", func() error { _, err := svc.Restore(ctx, by, id); return err }, []string{"trash→draft"}, 1},
			{"RefusedChangesNothing", func() error { _, err := svc.Restore(ctx, by, id); return err }, nil, 0},
			{"Delete", func() error { return svc.Delete(ctx, by, id) }, nil, 1},
			{"ImportIsSilent", func() error {
				return svc.ImportBatch(ctx, &communique.ImportBatch{Source: "https://old.example.com", Articles: []*communique.ImportedArticle{
					{Article: &communique.Article{Type: communique.TypePost, Title: "Old news", Source: "<p>Then.</p>", AuthorID: editor.ID, Status: communique.StatusPublished}, SourceID: 7}}})
			}, nil, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.do()
				if tt.name == "RefusedChangesNothing" {
					wantCode(t, err, communique.ECONFLICT)
				} else if err != nil {
					t.Fatal(err)
				}
				saved, drops := rec.take()
				if !slices.Equal(saved, tt.saved) || drops != tt.drops {
					t.Fatalf("announced %q and dropped the cache %d times, want %q and %d", saved, drops, tt.saved, tt.drops)
				}
			})
		}
	})
}

// TestScheduling: dates and statuses agree, and the clock publishes once.
func TestScheduling(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		svc, rec := newService(db)
		editor := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
		by := newsroom.As(editor)

		t.Run("ErrScheduleInThePast", func(t *testing.T) {
			a := draft(editor, "Late")
			if err := svc.Create(ctx, by, a, nil, nil); err != nil {
				t.Fatal(err)
			}
			_, err := svc.Schedule(ctx, by, a.ID, now.Add(-time.Minute))
			wantCode(t, err, communique.EINVALID)
		})
		a := draft(editor, "Tomorrow")
		a.Status, a.PublishedAt = communique.StatusPublished, now.Add(24*time.Hour)
		if err := svc.Create(ctx, by, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		if a.Status != communique.StatusScheduled {
			t.Fatalf("publishing with a future date gave %q, want scheduled", a.Status)
		}
		rec.take()
		if n, err := svc.PublishDue(ctx); err != nil || n != 0 {
			t.Fatalf("publish due before its time: %d, %v", n, err)
		}
		mu.Lock()
		now = now.Add(25 * time.Hour)
		mu.Unlock()
		for i, want := range []int{1, 0} {
			n, err := svc.PublishDue(ctx)
			if err != nil || n != want {
				t.Fatalf("publish due, round %d: %d, %v; want %d", i+1, n, err, want)
			}
		}
		if saved, drops := rec.take(); !slices.Equal(saved, []string{"scheduled→published"}) || drops != 1 {
			t.Fatalf("the clock announced %q and dropped %d times", saved, drops)
		}
	})
}

// TestSlugRace: saves racing for one slug each get their own, on both
// stores (PostgreSQL runs them at once; the slug is settled under a lock).
func TestSlugRace(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc := newsroom.New(db)
		editor := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
		const n = 8
		slugs := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := draft(editor, "Budget vote")
				errs[i] = svc.Create(ctx, newsroom.As(editor), a, nil, nil)
				slugs[i] = a.Slug
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(slugs)
		want := []string{"budget-vote"}
		for i := 2; i <= n; i++ {
			want = append(want, fmt.Sprintf("budget-vote-%d", i))
		}
		slices.Sort(want)
		if !slices.Equal(slugs, want) {
			t.Fatalf("slugs = %q, want %q", slugs, want)
		}
	})
}

// TestRevisionRestore: restoring a revision is a save by the person, with
// its own revision and announcement.
func TestRevisionRestore(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		svc, rec := newService(db)
		editor := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
		author := storetest.MustCreateUser(t, db, "au", communique.RoleAuthor)
		a := draft(editor, "First")
		if err := svc.Create(ctx, newsroom.As(editor), a, nil, nil); err != nil {
			t.Fatal(err)
		}
		second := "Second"
		if _, err := svc.Update(ctx, newsroom.As(editor), a.ID, communique.ArticleUpdate{Title: &second}); err != nil {
			t.Fatal(err)
		}
		revs, err := db.FindRevisions(ctx, a.ID)
		if err != nil || len(revs) != 2 {
			t.Fatalf("revisions %d, %v", len(revs), err)
		}
		first := revs[len(revs)-1]
		_, err = svc.RestoreRevision(ctx, newsroom.As(author), first.ID)
		wantCode(t, err, communique.EFORBIDDEN)
		rec.take()
		got, err := svc.RestoreRevision(ctx, newsroom.As(editor), first.ID)
		if err != nil || got.Title != "First" {
			t.Fatalf("restored %v, %v", got, err)
		}
		revs, _ = db.FindRevisions(ctx, a.ID)
		if len(revs) != 3 || revs[0].UserID != editor.ID {
			t.Fatalf("after restoring: %d revisions, newest by %d", len(revs), revs[0].UserID)
		}
		if saved, drops := rec.take(); len(saved) != 1 || drops != 1 {
			t.Fatalf("restore announced %q, dropped %d", saved, drops)
		}
	})
}
