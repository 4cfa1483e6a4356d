package storetest

import (
	"context"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// The newsroom's storage: sessions shared by every node, sign-in
// throttling, article revisions and autosaves, and the user changes that
// must never leave a site without an administrator.

// testSessions covers a session's life: created, found, extended by
// activity, expired, listed, and signed out one by one or all but one.
func testSessions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	ada := MustCreateUser(t, db, "ada", communique.RoleEditor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)

	first := &communique.Session{ID: "hash-first", UserID: ada.ID, ExpiresAt: now.Add(time.Hour), IP: "192.0.2.1", UserAgent: "Firefox"}
	if err := db.CreateSession(ctx, first); err != nil {
		t.Fatal(err)
	}
	if !first.CreatedAt.Equal(now) || !first.LastSeenAt.Equal(now) {
		t.Fatalf("created session times = %v / %v, want the store's clock %v", first.CreatedAt, first.LastSeenAt, now)
	}
	got, err := db.FindSession(ctx, "hash-first")
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != ada.ID || got.IP != "192.0.2.1" || got.UserAgent != "Firefox" || !got.ExpiresAt.Equal(now.Add(time.Hour)) || !got.CreatedAt.Equal(now) {
		t.Fatalf("found session = %+v", got)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindSession(ctx, "no-such-hash")
		wantCode(t, err, communique.ENOTFOUND)
	})

	t.Run("ExpiresThenGone", func(t *testing.T) {
		s := &communique.Session{ID: "hash-short", UserID: bob.ID, ExpiresAt: now.Add(time.Minute)}
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		set(now.Add(2 * time.Minute))
		defer set(now)
		_, err := db.FindSession(ctx, "hash-short")
		wantCode(t, err, communique.ENOTFOUND)
		if list, err := db.FindUserSessions(ctx, bob.ID); err != nil || len(list) != 0 {
			t.Fatalf("expired session still listed: %v, %v", list, err)
		}
	})

	t.Run("TouchExtends", func(t *testing.T) {
		set(now.Add(30 * time.Minute))
		if err := db.TouchSession(ctx, "hash-first", now.Add(3*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Past the first expiry, the touched session lives on.
		set(now.Add(2 * time.Hour))
		got, err := db.FindSession(ctx, "hash-first")
		if err != nil {
			t.Fatalf("touched session lost at its old expiry: %v", err)
		}
		if !got.LastSeenAt.Equal(now.Add(30*time.Minute)) || !got.ExpiresAt.Equal(now.Add(3*time.Hour)) || !got.CreatedAt.Equal(now) {
			t.Fatalf("after touch: created %v, last seen %v, expires %v", got.CreatedAt, got.LastSeenAt, got.ExpiresAt)
		}
	})

	// Now two hours on: a second and third session for ada, one for bob.
	for _, s := range []*communique.Session{
		{ID: "hash-second", UserID: ada.ID, ExpiresAt: now.Add(10 * time.Hour), IP: "192.0.2.2", UserAgent: "Chromium"},
		{ID: "hash-bob", UserID: bob.ID, ExpiresAt: now.Add(10 * time.Hour)},
	} {
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	set(now.Add(150 * time.Minute))
	if err := db.CreateSession(ctx, &communique.Session{ID: "hash-third", UserID: ada.ID, ExpiresAt: now.Add(10 * time.Hour)}); err != nil {
		t.Fatal(err)
	}

	t.Run("ListNewestFirst", func(t *testing.T) {
		list, err := db.FindUserSessions(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ids := sessionIDs(list); !equalStrings(ids, []string{"hash-third", "hash-second", "hash-first"}) {
			t.Fatalf("ada's sessions = %q, want newest activity first and none of bob's", ids)
		}
	})

	t.Run("DeleteOthersKeepsOne", func(t *testing.T) {
		if err := db.DeleteUserSessions(ctx, ada.ID, "hash-second"); err != nil {
			t.Fatal(err)
		}
		list, _ := db.FindUserSessions(ctx, ada.ID)
		if ids := sessionIDs(list); !equalStrings(ids, []string{"hash-second"}) {
			t.Fatalf("after signing out everywhere else: %q, want only the kept one", ids)
		}
		if _, err := db.FindSession(ctx, "hash-bob"); err != nil {
			t.Fatalf("another user's session went too: %v", err)
		}
	})

	t.Run("DeleteAll", func(t *testing.T) {
		// An empty keep ID (a role change by an administrator) ends them all.
		if err := db.DeleteUserSessions(ctx, bob.ID, ""); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.FindUserSessions(ctx, bob.ID); len(list) != 0 {
			t.Fatalf("bob still has %q", sessionIDs(list))
		}
	})

	t.Run("DeleteOne", func(t *testing.T) {
		if err := db.DeleteSession(ctx, "hash-second"); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindSession(ctx, "hash-second")
		wantCode(t, err, communique.ENOTFOUND)
		if err := db.DeleteSession(ctx, "hash-second"); err != nil {
			t.Fatalf("signing out twice must be harmless: %v", err)
		}
	})

	t.Run("GoWithTheirUser", func(t *testing.T) {
		carl := MustCreateUser(t, db, "carl", communique.RoleAuthor)
		if err := db.CreateSession(ctx, &communique.Session{ID: "hash-carl", UserID: carl.ID, ExpiresAt: now.Add(10 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUser(ctx, carl.ID, ada.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindSession(ctx, "hash-carl")
		wantCode(t, err, communique.ENOTFOUND)
	})
}

// testLoginFailures covers sign-in throttling: failures counted by login
// (whatever its case) and by IP within a window, and forgotten on success.
func testLoginFailures(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	count := func(t *testing.T, login, ip string, since time.Time) (int, int) {
		t.Helper()
		byLogin, byIP, err := db.CountLoginFailures(ctx, login, ip, since)
		if err != nil {
			t.Fatal(err)
		}
		return byLogin, byIP
	}
	record := func(t *testing.T, login, ip string) {
		t.Helper()
		if err := db.RecordLoginFailure(ctx, login, ip); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range [][2]string{{"Ada", "192.0.2.1"}, {"ada", "192.0.2.1"}, {"ADA", "192.0.2.2"}, {"bob", "192.0.2.1"}} {
		set(now.Add(time.Minute))
		record(t, f[0], f[1])
	}
	window := now.Add(-15 * time.Minute)

	t.Run("ByLoginAnyCase", func(t *testing.T) {
		byLogin, byIP := count(t, "aDa", "192.0.2.1", window)
		if byLogin != 3 || byIP != 3 {
			t.Fatalf("counts for aDa from 192.0.2.1 = %d by login, %d by IP; want 3 and 3", byLogin, byIP)
		}
		byLogin, byIP = count(t, "nobody", "198.51.100.7", window)
		if byLogin != 0 || byIP != 0 {
			t.Fatalf("counts for a clean login and IP = %d, %d", byLogin, byIP)
		}
	})

	t.Run("Window", func(t *testing.T) {
		set(now.Add(20 * time.Minute))
		record(t, "ada", "192.0.2.1")
		byLogin, byIP := count(t, "ada", "192.0.2.1", now.Add(5*time.Minute))
		if byLogin != 1 || byIP != 1 {
			t.Fatalf("counts within the last 15 minutes = %d, %d; want only the newest failure (1, 1)", byLogin, byIP)
		}
	})

	t.Run("ClearOnSuccess", func(t *testing.T) {
		if err := db.ClearLoginFailures(ctx, "ADA"); err != nil {
			t.Fatal(err)
		}
		byLogin, byIP := count(t, "ada", "192.0.2.1", window)
		if byLogin != 0 {
			t.Fatalf("ada's failures after a success = %d, want 0", byLogin)
		}
		// bob's failure from the same IP is not ada's to forgive.
		if byIP != 1 {
			t.Fatalf("failures from the IP after ada's success = %d, want bob's 1", byIP)
		}
		if n, _ := count(t, "bob", "x", window); n != 1 {
			t.Fatalf("bob's failures = %d, want 1", n)
		}
	})
}

// testRevisions covers the history kept on every save: a create makes one,
// a save that changes the text makes one, a save that does not makes none;
// an autosave replaces the same user's previous one and a save removes the
// saver's autosave.
func testRevisions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	tick := func() { now = now.Add(time.Minute); set(now) }
	author := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	editor := MustCreateUser(t, db, "desk", communique.RoleEditor)
	revisions := func(t *testing.T, a *communique.Article) []*communique.Revision {
		t.Helper()
		list, err := db.FindRevisions(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	a := &communique.Article{Title: "First title", Source: "line one\nline two", Excerpt: "short", AuthorID: author.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	t.Run("CreateMakesOne", func(t *testing.T) {
		list := revisions(t, a)
		if len(list) != 1 {
			t.Fatalf("revisions after create = %d, want 1", len(list))
		}
		r := list[0]
		if r.ArticleID != a.ID || r.UserID != author.ID || r.Title != "First title" || r.Source != "line one\nline two" || r.Excerpt != "short" || r.Autosave || !r.CreatedAt.Equal(now) {
			t.Fatalf("first revision = %+v", r)
		}
	})

	t.Run("ChangedTextMakesOne", func(t *testing.T) {
		tick()
		body := "line one\nline 2"
		if _, err := newsroom.New(db).Update(ctx, newsroom.As(editor), a.ID, communique.ArticleUpdate{Source: &body}); err != nil {
			t.Fatal(err)
		}
		list := revisions(t, a)
		if len(list) != 2 {
			t.Fatalf("revisions after a changed save = %d, want 2", len(list))
		}
		if r := list[0]; r.UserID != editor.ID || r.Source != body || r.Title != "First title" || !r.CreatedAt.Equal(now) {
			t.Fatalf("newest revision = %+v, want the editor's new text first", r)
		}
	})

	t.Run("UnchangedTextMakesNone", func(t *testing.T) {
		tick()
		sticky, title := true, "First title"
		if _, err := newsroom.New(db).Update(ctx, newsroom.As(editor), a.ID, communique.ArticleUpdate{Sticky: &sticky, Title: &title}); err != nil {
			t.Fatal(err)
		}
		if n := len(revisions(t, a)); n != 2 {
			t.Fatalf("revisions after a save that kept the text = %d, want still 2", n)
		}
	})

	var editorsAutosave *communique.Revision
	t.Run("AutosaveReplacesOwn", func(t *testing.T) {
		tick()
		first := &communique.Revision{ArticleID: a.ID, UserID: author.ID, Title: "First title", Source: "typing…"}
		if err := db.Autosave(ctx, first); err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || !first.Autosave || !first.CreatedAt.Equal(now) {
			t.Fatalf("autosave = %+v", first)
		}
		tick()
		second := &communique.Revision{ArticleID: a.ID, UserID: author.ID, Title: "First title", Source: "typing more…"}
		if err := db.Autosave(ctx, second); err != nil {
			t.Fatal(err)
		}
		editorsAutosave = &communique.Revision{ArticleID: a.ID, UserID: editor.ID, Title: "Desk title", Source: "the desk's version"}
		if err := db.Autosave(ctx, editorsAutosave); err != nil {
			t.Fatal(err)
		}
		list := revisions(t, a)
		if len(list) != 4 {
			t.Fatalf("revisions = %d, want 2 saves and one autosave per user", len(list))
		}
		autosaves := map[int64]string{}
		for _, r := range list {
			if r.Autosave {
				autosaves[r.UserID] = r.Source
			}
		}
		if len(autosaves) != 2 || autosaves[author.ID] != "typing more…" || autosaves[editor.ID] != "the desk's version" {
			t.Fatalf("autosaves by user = %v, want the author's latest and the editor's", autosaves)
		}
		for _, r := range list {
			if r.Source == "typing…" {
				t.Fatalf("the replaced autosave is still there: %+v", r)
			}
		}
		got, err := db.FindRevisionByID(ctx, second.ID)
		if err != nil || got.Source != "typing more…" || !got.Autosave || got.UserID != author.ID {
			t.Fatalf("find autosave = %+v, %v", got, err)
		}
	})

	t.Run("SaveRemovesSaversAutosave", func(t *testing.T) {
		tick()
		body := "typing more… and done"
		if _, err := newsroom.New(db).Update(ctx, newsroom.As(author), a.ID, communique.ArticleUpdate{Source: &body}); err != nil {
			t.Fatal(err)
		}
		list := revisions(t, a)
		var saves, autosaves []*communique.Revision
		for _, r := range list {
			if r.Autosave {
				autosaves = append(autosaves, r)
			} else {
				saves = append(saves, r)
			}
		}
		if len(saves) != 3 || saves[0].Source != body || saves[0].UserID != author.ID {
			t.Fatalf("saves = %d (newest %+v), want 3 with the author's first", len(saves), saves[0])
		}
		if len(autosaves) != 1 || autosaves[0].ID != editorsAutosave.ID {
			t.Fatalf("autosaves after the author saved = %+v, want only the editor's", autosaves)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindRevisionByID(ctx, 999999)
		wantCode(t, err, communique.ENOTFOUND)
	})

	t.Run("GoWithTheirArticle", func(t *testing.T) {
		if err := newsroom.New(db).Delete(ctx, newsroom.System, a.ID); err != nil {
			t.Fatal(err)
		}
		if n := len(revisions(t, a)); n != 0 {
			t.Fatalf("revisions of a deleted article = %d, want 0", n)
		}
	})
}

// testUserChanges covers UpdateUser and DeleteUser: fields change, bad
// input changes nothing, articles move to the user named, and the last
// administrator can be neither demoted nor deleted.
func testUserChanges(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	root := MustCreateUser(t, db, "root", communique.RoleAdministrator)
	writer := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	desk := MustCreateUser(t, db, "desk", communique.RoleEditor)
	find := func(t *testing.T, id int64) *communique.User {
		t.Helper()
		u, err := db.FindUserByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	str := func(s string) *string { return &s }
	role := func(r communique.Role) *communique.Role { return &r }

	t.Run("UpdateFields", func(t *testing.T) {
		u, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{DisplayName: str("  W. Riter "), Email: str(" w@example.org "), PasswordHash: str("$argon2id$fake")})
		if err != nil {
			t.Fatal(err)
		}
		got := find(t, writer.ID)
		if got.DisplayName != "W. Riter" || got.Email != "w@example.org" || got.PasswordHash != "$argon2id$fake" || got.Role != communique.RoleAuthor || got.Login != "writer" {
			t.Fatalf("after update: %+v", got)
		}
		if u.DisplayName != got.DisplayName || u.Email != got.Email {
			t.Fatalf("returned user %+v differs from the stored %+v", u, got)
		}
		// An empty display name falls back to the login.
		if _, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{DisplayName: str(" ")}); err != nil {
			t.Fatal(err)
		}
		if got := find(t, writer.ID); got.DisplayName != "writer" || got.Email != "w@example.org" {
			t.Fatalf("after clearing the name: %+v", got)
		}
	})

	t.Run("ErrInvalidChangesNothing", func(t *testing.T) {
		before := find(t, writer.ID)
		_, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{Email: str("not-an-email"), DisplayName: str("Changed")})
		wantCode(t, err, communique.EINVALID)
		_, err = db.UpdateUser(ctx, writer.ID, communique.UserUpdate{Role: role("king")})
		wantCode(t, err, communique.EINVALID)
		if after := find(t, writer.ID); after.Email != before.Email || after.DisplayName != before.DisplayName || after.Role != before.Role {
			t.Fatalf("a refused update changed the user: %+v, was %+v", after, before)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.UpdateUser(ctx, 999999, communique.UserUpdate{DisplayName: str("x")})
		wantCode(t, err, communique.ENOTFOUND)
		wantCode(t, db.DeleteUser(ctx, 999999, desk.ID), communique.ENOTFOUND)
	})

	t.Run("ErrDemoteLastAdministrator", func(t *testing.T) {
		_, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: role(communique.RoleEditor)})
		wantCode(t, err, communique.EINVALID)
		if got := find(t, root.ID); got.Role != communique.RoleAdministrator {
			t.Fatalf("the last administrator became %s", got.Role)
		}
		// Keeping the role while changing other fields is fine.
		if _, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: role(communique.RoleAdministrator), DisplayName: str("Root")}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrDeleteLastAdministrator", func(t *testing.T) {
		wantCode(t, db.DeleteUser(ctx, root.ID, desk.ID), communique.EINVALID)
		find(t, root.ID)
	})

	t.Run("DemoteWhenAnotherAdministrator", func(t *testing.T) {
		second := MustCreateUser(t, db, "second", communique.RoleAdministrator)
		if _, err := db.UpdateUser(ctx, second.ID, communique.UserUpdate{Role: role(communique.RoleEditor)}); err != nil {
			t.Fatalf("demoting one of two administrators: %v", err)
		}
		if n, _ := db.CountUsers(ctx, communique.RoleAdministrator); n != 1 {
			t.Fatalf("administrators = %d, want 1", n)
		}
		// root is the last again.
		_, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: role(communique.RoleSubscriber)})
		wantCode(t, err, communique.EINVALID)
		if _, err := db.UpdateUser(ctx, second.ID, communique.UserUpdate{Role: role(communique.RoleAdministrator)}); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteUser(ctx, second.ID, root.ID); err != nil {
			t.Fatalf("deleting one of two administrators: %v", err)
		}
	})

	t.Run("DeleteReassigns", func(t *testing.T) {
		a1 := MustCreateArticle(t, db, writer, "One by the writer", "x")
		a2 := &communique.Article{Title: "A draft by the writer", Source: "y", AuthorID: writer.ID}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a2, nil, nil); err != nil {
			t.Fatal(err)
		}
		other := MustCreateArticle(t, db, desk, "One by the desk", "z")
		wantCode(t, db.DeleteUser(ctx, writer.ID, writer.ID), communique.EINVALID)
		wantCode(t, db.DeleteUser(ctx, writer.ID, 999999), communique.EINVALID)
		find(t, writer.ID)
		if got, _ := db.FindArticleByID(ctx, a1.ID); got.AuthorID != writer.ID {
			t.Fatalf("a refused delete moved an article to %d", got.AuthorID)
		}
		if err := db.DeleteUser(ctx, writer.ID, desk.ID); err != nil {
			t.Fatal(err)
		}
		_, err := db.FindUserByID(ctx, writer.ID)
		wantCode(t, err, communique.ENOTFOUND)
		for _, a := range []*communique.Article{a1, a2, other} {
			got, err := db.FindArticleByID(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthorID != desk.ID || got.Author.Login != "desk" {
				t.Fatalf("%q belongs to %d (%s), want the desk", got.Title, got.AuthorID, got.Author.Login)
			}
		}
		if got, _ := db.FindArticleByID(ctx, a2.ID); got.Status != communique.StatusDraft {
			t.Fatalf("a reassigned draft became %s", got.Status)
		}
		// The writer's revisions stay with the article, without a user.
		revs, err := db.FindRevisions(ctx, a1.ID)
		if err != nil || len(revs) != 1 || revs[0].UserID != 0 {
			t.Fatalf("revisions of the deleted writer's article = %+v, %v", revs, err)
		}
	})
}

func sessionIDs(list []*communique.Session) []string {
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
