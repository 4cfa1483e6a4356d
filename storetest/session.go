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
// sessionWorld is two people, ada and bob, and a clock that starts at
// start.
type sessionWorld struct {
	db       *sqlstore.DB
	start    time.Time
	setClock func(time.Time)
	ada, bob *communique.User
}

func testSessions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	ada := MustCreateUser(t, db, "ada", communique.RoleEditor)
	bob := MustCreateUser(t, db, "bob", communique.RoleAuthor)
	w := &sessionWorld{db: db, start: now, setClock: set, ada: ada, bob: bob}

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
	t.Run("ErrNotFound", func(t *testing.T) { testSessionsErrNotFound(t, w) })
	t.Run("ExpiresThenGone", func(t *testing.T) { testSessionsExpiresThenGone(t, w) })
	t.Run("TouchExtends", func(t *testing.T) { testSessionsTouchExtends(t, w) })

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

	t.Run("ListNewestFirst", func(t *testing.T) { testSessionsListNewestFirst(t, w) })
	t.Run("DeleteOthersKeepsOne", func(t *testing.T) { testSessionsDeleteOthersKeepsOne(t, w) })
	t.Run("DeleteAll", func(t *testing.T) { testSessionsDeleteAll(t, w) })
	t.Run("DeleteOne", func(t *testing.T) { testSessionsDeleteOne(t, w) })
	t.Run("GoWithTheirUser", func(t *testing.T) { testSessionsGoWithTheirUser(t, w) })
}

func testSessionsErrNotFound(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	_, err := db.FindSession(ctx, "no-such-hash")
	wantCode(t, err, communique.ENOTFOUND)
}

func testSessionsExpiresThenGone(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	now := w.start
	set := w.setClock
	bob := w.bob
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
}

func testSessionsTouchExtends(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	now := w.start
	set := w.setClock
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
}

func testSessionsListNewestFirst(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	ada := w.ada
	list, err := db.FindUserSessions(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ids := sessionIDs(list); !equalStrings(ids, []string{"hash-third", "hash-second", "hash-first"}) {
		t.Fatalf("ada's sessions = %q, want newest activity first and none of bob's", ids)
	}
}

func testSessionsDeleteOthersKeepsOne(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	ada := w.ada
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
}

func testSessionsDeleteAll(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	bob := w.bob
	// An empty keep ID (a role change by an administrator) ends them all.
	if err := db.DeleteUserSessions(ctx, bob.ID, ""); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.FindUserSessions(ctx, bob.ID); len(list) != 0 {
		t.Fatalf("bob still has %q", sessionIDs(list))
	}
}

func testSessionsDeleteOne(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	if err := db.DeleteSession(ctx, "hash-second"); err != nil {
		t.Fatal(err)
	}
	_, err := db.FindSession(ctx, "hash-second")
	wantCode(t, err, communique.ENOTFOUND)
	if err := db.DeleteSession(ctx, "hash-second"); err != nil {
		t.Fatalf("signing out twice must be harmless: %v", err)
	}
}

func testSessionsGoWithTheirUser(t *testing.T, w *sessionWorld) {
	ctx := context.Background()
	db := w.db
	now := w.start
	ada := w.ada
	carl := MustCreateUser(t, db, "carl", communique.RoleAuthor)
	if err := db.CreateSession(ctx, &communique.Session{ID: "hash-carl", UserID: carl.ID, ExpiresAt: now.Add(10 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, carl.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	_, err := db.FindSession(ctx, "hash-carl")
	wantCode(t, err, communique.ENOTFOUND)
}

// testRevisions covers the history kept on every save: a create makes one,
// a save that changes the text makes one, a save that does not makes none;
// an autosave replaces the same user's previous one and a save removes the
// saver's autosave.
// revisionHistory is an article by an author, the editor who also edits
// it, and a clock that each step moves on by a minute.
type revisionHistory struct {
	db              *sqlstore.DB
	now             time.Time
	setClock        func(time.Time)
	author, editor  *communique.User
	article         *communique.Article
	editorsAutosave *communique.Revision
}

func newRevisionHistory(t *testing.T, db *sqlstore.DB) *revisionHistory {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	return &revisionHistory{db: db, now: now, setClock: fixedClock(db, now),
		author: MustCreateUser(t, db, "writer", communique.RoleAuthor), editor: MustCreateUser(t, db, "desk", communique.RoleEditor)}
}

// tick moves the clock on by a minute.
func (h *revisionHistory) tick() {
	h.now = h.now.Add(time.Minute)
	h.setClock(h.now)
}

// revisions lists the article's revisions, newest first.
func (h *revisionHistory) revisions(t *testing.T) []*communique.Revision {
	t.Helper()
	list, err := h.db.FindRevisions(context.Background(), h.article.ID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func testRevisions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	h := newRevisionHistory(t, db)
	a := &communique.Article{Title: "First title", Source: "line one\nline two", Excerpt: "short", AuthorID: h.author.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	h.article = a
	// The steps run in order on one article: each adds to its history.
	t.Run("CreateMakesOne", func(t *testing.T) { testRevisionsCreateMakesOne(t, h) })
	t.Run("ChangedTextMakesOne", func(t *testing.T) { testRevisionsChangedTextMakesOne(t, h) })
	t.Run("UnchangedTextMakesNone", func(t *testing.T) { testRevisionsUnchangedTextMakesNone(t, h) })
	t.Run("AutosaveReplacesOwn", func(t *testing.T) { testRevisionsAutosaveReplacesOwn(t, h) })
	t.Run("SaveRemovesSaversAutosave", func(t *testing.T) { testRevisionsSaveRemovesSaversAutosave(t, h) })
	t.Run("ErrNotFound", func(t *testing.T) { testRevisionsErrNotFound(t, h) })
	t.Run("GoWithTheirArticle", func(t *testing.T) { testRevisionsGoWithTheirArticle(t, h) })
}

func testRevisionsCreateMakesOne(t *testing.T, h *revisionHistory) {
	author := h.author
	a := h.article
	list := h.revisions(t)
	if len(list) != 1 {
		t.Fatalf("revisions after create = %d, want 1", len(list))
	}
	r := list[0]
	if r.ArticleID != a.ID || r.UserID != author.ID || r.Title != "First title" || r.Source != "line one\nline two" || r.Excerpt != "short" || r.Autosave || !r.CreatedAt.Equal(h.now) {
		t.Fatalf("first revision = %+v", r)
	}
}

func testRevisionsChangedTextMakesOne(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	editor := h.editor
	a := h.article
	h.tick()
	body := "line one\nline 2"
	if _, err := newsroom.New(db).Update(ctx, newsroom.As(editor), a.ID, communique.ArticleUpdate{Source: &body}); err != nil {
		t.Fatal(err)
	}
	list := h.revisions(t)
	if len(list) != 2 {
		t.Fatalf("revisions after a changed save = %d, want 2", len(list))
	}
	if r := list[0]; r.UserID != editor.ID || r.Source != body || r.Title != "First title" || !r.CreatedAt.Equal(h.now) {
		t.Fatalf("newest revision = %+v, want the editor's new text first", r)
	}
}

func testRevisionsUnchangedTextMakesNone(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	editor := h.editor
	a := h.article
	h.tick()
	sticky, title := true, "First title"
	if _, err := newsroom.New(db).Update(ctx, newsroom.As(editor), a.ID, communique.ArticleUpdate{Sticky: &sticky, Title: &title}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.revisions(t)); n != 2 {
		t.Fatalf("revisions after a save that kept the text = %d, want still 2", n)
	}
}

func testRevisionsAutosaveReplacesOwn(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	author := h.author
	editor := h.editor
	a := h.article
	h.tick()
	first := &communique.Revision{ArticleID: a.ID, UserID: author.ID, Title: "First title", Source: "typing…"}
	if err := db.Autosave(ctx, first); err != nil {
		t.Fatal(err)
	}
	if first.ID == 0 || !first.Autosave || !first.CreatedAt.Equal(h.now) {
		t.Fatalf("autosave = %+v", first)
	}
	h.tick()
	second := &communique.Revision{ArticleID: a.ID, UserID: author.ID, Title: "First title", Source: "typing more…"}
	if err := db.Autosave(ctx, second); err != nil {
		t.Fatal(err)
	}
	h.editorsAutosave = &communique.Revision{ArticleID: a.ID, UserID: editor.ID, Title: "Desk title", Source: "the desk's version"}
	if err := db.Autosave(ctx, h.editorsAutosave); err != nil {
		t.Fatal(err)
	}
	list := h.revisions(t)
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
}

func testRevisionsSaveRemovesSaversAutosave(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	author := h.author
	a := h.article
	h.tick()
	body := "typing more… and done"
	if _, err := newsroom.New(db).Update(ctx, newsroom.As(author), a.ID, communique.ArticleUpdate{Source: &body}); err != nil {
		t.Fatal(err)
	}
	list := h.revisions(t)
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
	if len(autosaves) != 1 || autosaves[0].ID != h.editorsAutosave.ID {
		t.Fatalf("autosaves after the author saved = %+v, want only the editor's", autosaves)
	}
}

func testRevisionsErrNotFound(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	_, err := db.FindRevisionByID(ctx, 999999)
	wantCode(t, err, communique.ENOTFOUND)
}

func testRevisionsGoWithTheirArticle(t *testing.T, h *revisionHistory) {
	ctx := context.Background()
	db := h.db
	a := h.article
	if err := newsroom.New(db).Delete(ctx, newsroom.System, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(h.revisions(t)); n != 0 {
		t.Fatalf("revisions of a deleted article = %d, want 0", n)
	}
}

// testUserChanges covers UpdateUser and DeleteUser: fields change, bad
// input changes nothing, articles move to the user named, and the last
// administrator can be neither demoted nor deleted.
// userStaff is a newsroom's people: the one administrator, a writer and
// the desk.
type userStaff struct {
	db                 *sqlstore.DB
	root, writer, desk *communique.User
}

// find reloads a user.
func (s *userStaff) find(t *testing.T, id int64) *communique.User {
	t.Helper()
	u, err := s.db.FindUserByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func testUserChanges(t *testing.T, db *sqlstore.DB) {
	s := &userStaff{db: db, root: MustCreateUser(t, db, "root", communique.RoleAdministrator),
		writer: MustCreateUser(t, db, "writer", communique.RoleAuthor), desk: MustCreateUser(t, db, "desk", communique.RoleEditor)}
	// The steps run in order: the last ones count and delete the people.
	t.Run("UpdateFields", func(t *testing.T) { testUserChangesUpdateFields(t, s) })
	t.Run("ErrInvalidChangesNothing", func(t *testing.T) { testUserChangesErrInvalidChangesNothing(t, s) })
	t.Run("ErrNotFound", func(t *testing.T) { testUserChangesErrNotFound(t, s) })
	t.Run("ErrDemoteLastAdministrator", func(t *testing.T) { testUserChangesErrDemoteLastAdministrator(t, s) })
	t.Run("ErrDeleteLastAdministrator", func(t *testing.T) { testUserChangesErrDeleteLastAdministrator(t, s) })
	t.Run("DemoteWhenAnotherAdministrator", func(t *testing.T) { testUserChangesDemoteWhenAnotherAdministrator(t, s) })
	t.Run("DeleteReassigns", func(t *testing.T) { testUserChangesDeleteReassigns(t, s) })
}

func testUserChangesUpdateFields(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	writer := s.writer
	u, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{DisplayName: ptr("  W. Riter "), Email: ptr(" w@example.org "), PasswordHash: ptr("$argon2id$fake"),
		Bio: ptr(" Covers the harbour and the courts. "), PhotoID: ptr(int64(42))})
	if err != nil {
		t.Fatal(err)
	}
	got := s.find(t, writer.ID)
	if got.DisplayName != "W. Riter" || got.Email != "w@example.org" || got.PasswordHash != "$argon2id$fake" || got.Role != communique.RoleAuthor || got.Login != "writer" ||
		got.Bio != "Covers the harbour and the courts." || got.PhotoID != 42 {
		t.Fatalf("after update: %+v", got)
	}
	if u.DisplayName != got.DisplayName || u.Email != got.Email {
		t.Fatalf("returned user %+v differs from the stored %+v", u, got)
	}
	// An empty display name falls back to the login.
	if _, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{DisplayName: ptr(" ")}); err != nil {
		t.Fatal(err)
	}
	if got := s.find(t, writer.ID); got.DisplayName != "writer" || got.Email != "w@example.org" {
		t.Fatalf("after clearing the name: %+v", got)
	}
}

func testUserChangesErrInvalidChangesNothing(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	writer := s.writer
	before := s.find(t, writer.ID)
	_, err := db.UpdateUser(ctx, writer.ID, communique.UserUpdate{Email: ptr("not-an-email"), DisplayName: ptr("Changed")})
	wantCode(t, err, communique.EINVALID)
	_, err = db.UpdateUser(ctx, writer.ID, communique.UserUpdate{Role: ptr[communique.Role]("king")})
	wantCode(t, err, communique.EINVALID)
	if after := s.find(t, writer.ID); after.Email != before.Email || after.DisplayName != before.DisplayName || after.Role != before.Role {
		t.Fatalf("a refused update changed the user: %+v, was %+v", after, before)
	}
}

func testUserChangesErrNotFound(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	desk := s.desk
	_, err := db.UpdateUser(ctx, 999999, communique.UserUpdate{DisplayName: ptr("x")})
	wantCode(t, err, communique.ENOTFOUND)
	wantCode(t, db.DeleteUser(ctx, 999999, desk.ID), communique.ENOTFOUND)
}

func testUserChangesErrDemoteLastAdministrator(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	root := s.root
	_, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: ptr[communique.Role](communique.RoleEditor)})
	wantCode(t, err, communique.EINVALID)
	if got := s.find(t, root.ID); got.Role != communique.RoleAdministrator {
		t.Fatalf("the last administrator became %s", got.Role)
	}
	// Keeping the role while changing other fields is fine.
	if _, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: ptr[communique.Role](communique.RoleAdministrator), DisplayName: ptr("Root")}); err != nil {
		t.Fatal(err)
	}
}

func testUserChangesErrDeleteLastAdministrator(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	root := s.root
	desk := s.desk
	wantCode(t, db.DeleteUser(ctx, root.ID, desk.ID), communique.EINVALID)
	s.find(t, root.ID)
}

func testUserChangesDemoteWhenAnotherAdministrator(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	root := s.root
	second := MustCreateUser(t, db, "second", communique.RoleAdministrator)
	if _, err := db.UpdateUser(ctx, second.ID, communique.UserUpdate{Role: ptr[communique.Role](communique.RoleEditor)}); err != nil {
		t.Fatalf("demoting one of two administrators: %v", err)
	}
	if n, _ := db.CountUsers(ctx, communique.RoleAdministrator); n != 1 {
		t.Fatalf("administrators = %d, want 1", n)
	}
	// root is the last again.
	_, err := db.UpdateUser(ctx, root.ID, communique.UserUpdate{Role: ptr[communique.Role](communique.RoleSubscriber)})
	wantCode(t, err, communique.EINVALID)
	if _, err := db.UpdateUser(ctx, second.ID, communique.UserUpdate{Role: ptr[communique.Role](communique.RoleAdministrator)}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, second.ID, root.ID); err != nil {
		t.Fatalf("deleting one of two administrators: %v", err)
	}
}

func testUserChangesDeleteReassigns(t *testing.T, s *userStaff) {
	ctx := context.Background()
	db := s.db
	writer := s.writer
	desk := s.desk
	a1 := MustCreateArticle(t, db, writer, "One by the writer", "x")
	a2 := &communique.Article{Title: "A draft by the writer", Source: "y", AuthorID: writer.ID}
	if err := newsroom.New(db).Create(ctx, newsroom.System, a2, nil, nil); err != nil {
		t.Fatal(err)
	}
	other := MustCreateArticle(t, db, desk, "One by the desk", "z")
	wantCode(t, db.DeleteUser(ctx, writer.ID, writer.ID), communique.EINVALID)
	wantCode(t, db.DeleteUser(ctx, writer.ID, 999999), communique.EINVALID)
	s.find(t, writer.ID)
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
