package storetest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testEditLocks: the first to open an article holds its lock; a second
// user sees who and since when until it expires or they take over; the
// holder's renewal keeps its start; unlocking frees it for the next.
func testEditLocks(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, start)
	ann := MustCreateUser(t, db, "ann", communique.RoleEditor)
	bob := MustCreateUser(t, db, "bob", communique.RoleEditor)
	svc := newsroom.New(db)
	a := &communique.Article{Title: "Locked", Source: "text", AuthorID: ann.ID, Status: communique.StatusDraft}
	if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	held := func(by *communique.User, takeOver bool, wantHolder *communique.User, wantSince time.Time) {
		t.Helper()
		l, err := svc.OpenForEditing(ctx, newsroom.As(by), a.ID, takeOver)
		if err != nil {
			t.Fatalf("%s opens: %v", by.Login, err)
		}
		if l.UserID != wantHolder.ID || l.UserName != wantHolder.DisplayName || !l.Since.Equal(wantSince) {
			t.Fatalf("%s opens: lock %+v, want held by %s since %s", by.Login, l, wantHolder.Login, wantSince)
		}
	}
	held(ann, false, ann, start)
	set(start.Add(time.Minute))
	held(bob, false, ann, start) // bob sees ann's lock
	held(ann, false, ann, start) // ann renews: still since the start
	set(start.Add(time.Minute + communique.EditLockTTL - time.Second))
	held(bob, false, ann, start) // renewed a minute in, so not expired yet
	set(start.Add(time.Minute + communique.EditLockTTL))
	held(bob, false, bob, start.Add(time.Minute+communique.EditLockTTL)) // expired: bob's now
	t2 := start.Add(10 * time.Minute)
	set(t2)
	held(ann, true, ann, t2) // take over
	held(bob, false, ann, t2)
	if err := db.UnlockArticle(ctx, a.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	held(bob, false, ann, t2) // bob cannot free ann's lock
	if err := svc.StopEditing(ctx, newsroom.As(ann), a.ID); err != nil {
		t.Fatal(err)
	}
	held(bob, false, bob, t2)
	if _, err := db.LockArticle(ctx, communique.EditLock{ArticleID: a.ID + 1000, UserID: ann.ID, ExpiresAt: t2}, false); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("lock of a missing article: %v, want ENOTFOUND", err)
	}
	// Two users racing for a free lock: exactly one gets it.
	set(t2.Add(time.Hour))
	var wg sync.WaitGroup
	got := make([]int64, 2)
	for i, u := range []*communique.User{ann, bob} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := svc.OpenForEditing(ctx, newsroom.As(u), a.ID, false)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = l.UserID
		}()
	}
	wg.Wait()
	if got[0] != got[1] {
		t.Errorf("racing opens saw holders %v: both got the lock", got)
	}
}

// testStaleSave: a save based on the version the writer opened succeeds
// and counts a version; one based on an older version is refused with
// ErrStale and changes nothing, even when the two race.
func testStaleSave(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	ann := MustCreateUser(t, db, "ann", communique.RoleEditor)
	svc := newsroom.New(db)
	a := &communique.Article{Title: "Versions", Source: "first", AuthorID: ann.ID, Status: communique.StatusPublished}
	if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	opened := a.Version
	mine, theirs := "mine", "theirs"
	after, err := svc.Update(ctx, newsroom.As(ann), a.ID, communique.ArticleUpdate{Source: &theirs, BaseVersion: opened})
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != opened+1 {
		t.Fatalf("version after a save = %d, want %d", after.Version, opened+1)
	}
	_, err = svc.Update(ctx, newsroom.As(ann), a.ID, communique.ArticleUpdate{Source: &mine, BaseVersion: opened})
	if !newsroom.IsStale(err) || communique.ErrorCode(err) != communique.ECONFLICT {
		t.Fatalf("save on version %d after %d: %v, want a stale conflict", opened, after.Version, err)
	}
	if now, _ := db.FindArticleByID(ctx, a.ID); now.Source != theirs || now.Version != after.Version {
		t.Fatalf("after the refused save: %q v%d", now.Source, now.Version)
	}
	// The store's own check: a write told to expect an old version.
	now, _ := db.FindArticleByID(ctx, a.ID)
	now.Source = mine
	err = db.SaveArticle(ctx, now, communique.ArticleSave{Slug: communique.SettleSlug, IfVersion: opened})
	if communique.ErrorCode(err) != communique.ECONFLICT {
		t.Fatalf("store write on an old version: %v, want ECONFLICT", err)
	}
	// Racing saves from the same version: one wins, the other is refused.
	base := after.Version
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := string(rune('a' + i))
			_, errs[i] = svc.Update(ctx, newsroom.As(ann), a.ID, communique.ArticleUpdate{Source: &text, BaseVersion: base})
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !newsroom.IsStale(err):
			t.Errorf("racing save: %v", err)
		}
	}
	if final, _ := db.FindArticleByID(ctx, a.ID); won != 1 || final.Version != base+1 {
		t.Errorf("racing saves from v%d: %d won, final v%d", base, won, final.Version)
	}
	// Without a base version a save is unconditional, as before.
	if _, err := svc.Update(ctx, newsroom.As(ann), a.ID, communique.ArticleUpdate{Source: &mine}); err != nil {
		t.Errorf("save without a base version: %v", err)
	}
}

// testArticleNotes: a correction or update is kept with its date and
// moves the article's modification time and version; a draft cannot be
// corrected in public; the corrections list shows public articles only,
// newest first.
func testArticleNotes(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, start)
	ann := MustCreateUser(t, db, "ann", communique.RoleEditor)
	svc := newsroom.New(db)
	pub := &communique.Article{Title: "Bridge", Source: "The bridge cost 38 million.", AuthorID: ann.ID, Status: communique.StatusPublished, PublishedAt: start.Add(-time.Hour)}
	draft := &communique.Article{Title: "Draft", Source: "x", AuthorID: ann.ID, Status: communique.StatusDraft}
	for _, a := range []*communique.Article{pub, draft} {
		if err := svc.Create(ctx, newsroom.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	set(start.Add(time.Hour))
	c, err := svc.AddNote(ctx, newsroom.As(ann), pub.ID, communique.NoteCorrection, "  It cost 36 million, not 38.  ")
	if err != nil {
		t.Fatal(err)
	}
	set(start.Add(2 * time.Hour))
	if _, err := svc.AddNote(ctx, newsroom.As(ann), pub.ID, communique.NoteUpdate, "The bridge opened at six."); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		id         int64
		kind, text string
	}{
		{draft.ID, communique.NoteCorrection, "Not yet public"}, {pub.ID, "retraction", "x"}, {pub.ID, communique.NoteUpdate, "   "},
		{pub.ID, communique.NoteUpdate, strings.Repeat("x", communique.MaxNoteLength+1)}, {pub.ID, communique.NoteUpdate, "nul\x00"},
	} {
		if _, err := svc.AddNote(ctx, newsroom.As(ann), bad.id, bad.kind, bad.text); communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("note %q of kind %q on %d: %v, want EINVALID", bad.text, bad.kind, bad.id, err)
		}
	}
	if _, err := svc.AddNote(ctx, newsroom.As(ann), pub.ID+draft.ID+100, communique.NoteUpdate, "x"); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("note on a missing article: %v", err)
	}
	notes, err := db.FindArticleNotes(ctx, []int64{pub.ID, draft.ID})
	if err != nil || len(notes) != 2 || notes[0].ID != c.ID || notes[0].Text != "It cost 36 million, not 38." || notes[0].UserID != ann.ID ||
		!notes[0].CreatedAt.Equal(start.Add(time.Hour)) || notes[1].Kind != communique.NoteUpdate {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	after, _ := db.FindArticleByID(ctx, pub.ID)
	if !after.ModifiedAt.Equal(start.Add(2*time.Hour)) || after.Version != pub.Version+2 || after.Source != pub.Source {
		t.Errorf("after two notes: modified %s v%d (was v%d), source %q", after.ModifiedAt, after.Version, pub.Version, after.Source)
	}
	later := &communique.Article{Title: "Later", Source: "y", AuthorID: ann.ID, Status: communique.StatusPublished, PublishedAt: start}
	if err := svc.Create(ctx, newsroom.System, later, nil, nil); err != nil {
		t.Fatal(err)
	}
	set(start.Add(3 * time.Hour))
	if _, err := svc.AddNote(ctx, newsroom.As(ann), later.ID, communique.NoteCorrection, "A name was misspelt."); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Unpublish(ctx, newsroom.As(ann), later.ID, communique.StatusDraft); err != nil {
		t.Fatal(err)
	}
	list, err := db.FindCorrections(ctx, 10)
	if err != nil || len(list) != 1 || list[0].ID != c.ID || list[0].Article == nil || list[0].Article.Title != "Bridge" {
		t.Fatalf("corrections of public articles = %+v, %v", list, err)
	}
}

// testReview: internal notes are kept in order with their writer; an
// editor returns a submitted article with a note, a contributor cannot; a
// preview link opens its draft until it expires or is revoked, and only
// with the exact token.
func testReview(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, start)
	ed := MustCreateUser(t, db, "ed", communique.RoleEditor)
	con := MustCreateUser(t, db, "con", communique.RoleContributor)
	svc := newsroom.New(db)
	a := &communique.Article{Title: "Pitch", Source: "draft text", AuthorID: con.ID, Status: communique.StatusPending}
	if err := svc.Create(ctx, newsroom.As(con), a, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddEditorialNote(ctx, newsroom.As(con), a.ID, "Ready for a look."); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReturnToWriter(ctx, newsroom.As(con), a.ID, "x"); communique.ErrorCode(err) != communique.EFORBIDDEN {
		t.Errorf("a contributor returns their own article: %v", err)
	}
	set(start.Add(time.Minute))
	back, err := svc.ReturnToWriter(ctx, newsroom.As(ed), a.ID, "Needs a second source.")
	if err != nil || back.Status != communique.StatusDraft {
		t.Fatalf("return: %v %v", back, err)
	}
	if _, err := svc.ReturnToWriter(ctx, newsroom.As(ed), a.ID, "again"); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("returning a draft: %v", err)
	}
	notes, err := db.FindEditorialNotes(ctx, a.ID)
	if err != nil || len(notes) != 2 || notes[0].UserName != "Con" || notes[1].Text != "Returned: Needs a second source." || notes[1].UserID != ed.ID {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	if _, err := svc.AddEditorialNote(ctx, newsroom.As(ed), a.ID, "  "); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("an empty note: %v", err)
	}

	token, link, err := svc.CreatePreviewLink(ctx, newsroom.As(ed), a.ID, 24*time.Hour)
	if err != nil || len(token) < 30 || link.TokenHash == token {
		t.Fatalf("preview link: %q %+v %v", token, link, err)
	}
	if got, err := svc.OpenPreview(ctx, token); err != nil || got.ID != a.ID {
		t.Fatalf("open preview: %v %v", got, err)
	}
	for _, bad := range []string{"", token[:len(token)-1], token + "x", strings.Repeat("a", 200)} {
		if _, err := svc.OpenPreview(ctx, bad); communique.ErrorCode(err) != communique.ENOTFOUND {
			t.Errorf("token %q opens: %v", bad, err)
		}
	}
	set(start.Add(25 * time.Hour))
	if _, err := svc.OpenPreview(ctx, token); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("an expired link opens: %v", err)
	}
	set(start)
	other, _, err := svc.CreatePreviewLink(ctx, newsroom.As(ed), a.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	links, _ := db.FindPreviewLinks(ctx, a.ID)
	if len(links) != 2 {
		t.Fatalf("links = %d", len(links))
	}
	if err := svc.RevokePreviewLink(ctx, newsroom.As(ed), a.ID, links[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenPreview(ctx, other); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("a revoked link opens: %v", err)
	}
	if _, err := svc.OpenPreview(ctx, token); err != nil {
		t.Errorf("revoking one link closed another: %v", err)
	}
	for _, ttl := range []time.Duration{time.Minute, 31 * 24 * time.Hour} {
		if _, _, err := svc.CreatePreviewLink(ctx, newsroom.As(ed), a.ID, ttl); communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("a link for %v: %v", ttl, err)
		}
	}
	if _, err := svc.Publish(ctx, newsroom.As(ed), a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.CreatePreviewLink(ctx, newsroom.As(ed), a.ID, time.Hour); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("a preview link of a published article: %v", err)
	}
}
