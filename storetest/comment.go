package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// commentFixture is an article with a clock the comment tests move.
type commentFixture struct {
	db      *sqlstore.DB
	article *communique.Article
	other   *communique.Article
	set     func(time.Time)
	now     time.Time
}

func newCommentFixture(t *testing.T, db *sqlstore.DB) *commentFixture {
	t.Helper()
	f := &commentFixture{db: db, now: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)}
	f.set = fixedClock(db, f.now)
	u := MustCreateUser(t, db, "desk", communique.RoleEditor)
	f.article = MustCreateArticle(t, db, u, "Harbour bridge reopens", "Body.")
	f.other = MustCreateArticle(t, db, u, "Ferry timetable", "Body.")
	return f
}

// tick moves the store's clock on by d.
func (f *commentFixture) tick(d time.Duration) {
	f.now = f.now.Add(d)
	f.set(f.now)
}

// add stores a comment one minute after the previous one, so order by
// time is the order of creation.
func (f *commentFixture) add(t *testing.T, c communique.Comment) *communique.Comment {
	t.Helper()
	f.tick(time.Minute)
	if c.ArticleID == 0 {
		c.ArticleID = f.article.ID
	}
	if c.Status == "" {
		c.Status = communique.CommentApproved
	}
	if c.HTML == "" {
		c.HTML = "<p>" + c.Text + "</p>"
	}
	if err := f.db.CreateComment(context.Background(), &c); err != nil {
		t.Fatalf("create comment %q: %v", c.Text, err)
	}
	return &c
}

func (f *commentFixture) count(t *testing.T, a *communique.Article) int {
	t.Helper()
	got, err := f.db.FindArticleByID(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.CommentCount
}

func (f *commentFixture) find(t *testing.T, id int64) *communique.Comment {
	t.Helper()
	c, err := f.db.FindCommentByID(context.Background(), id)
	if err != nil {
		t.Fatalf("find comment %d: %v", id, err)
	}
	return c
}

func commentIDs(list []*communique.Comment) []int64 {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

func testCommentCreate(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	root := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.com", AuthorURL: "https://ann.example",
		AuthorIP: "192.0.2.1", UserAgent: "Firefox", AvatarHash: "0123456789abcdef0123456789abcdef", Text: "First!", OwnerKey: "k1"})
	if root.ID == 0 || root.ThreadID != root.ID || root.Type != communique.CommentTypeComment {
		t.Fatalf("root: id %d thread %d type %q, want its own id as thread and type comment", root.ID, root.ThreadID, root.Type)
	}
	got := f.find(t, root.ID)
	switch {
	case got.ID != root.ID || got.ArticleID != f.article.ID || got.ParentID != 0 || got.ThreadID != root.ID:
		t.Errorf("found ids: id %d article %d parent %d thread %d", got.ID, got.ArticleID, got.ParentID, got.ThreadID)
	case got.AuthorName != "Ann" || got.AuthorEmail != "ann@example.com" || got.AuthorURL != "https://ann.example":
		t.Errorf("found author %q %q %q", got.AuthorName, got.AuthorEmail, got.AuthorURL)
	case got.AuthorIP != "192.0.2.1" || got.UserAgent != "Firefox" || got.OwnerKey != "k1" || got.AvatarHash != "0123456789abcdef0123456789abcdef":
		t.Errorf("found ip %q agent %q owner %q avatar %q", got.AuthorIP, got.UserAgent, got.OwnerKey, got.AvatarHash)
	case got.Type != communique.CommentTypeComment || got.Text != "First!" || got.HTML != "<p>First!</p>" || got.Status != communique.CommentApproved:
		t.Errorf("found type %q text %q html %q status %q", got.Type, got.Text, got.HTML, got.Status)
	case !got.EditedAt.IsZero():
		t.Errorf("a new comment has edited_at %v", got.EditedAt)
	}
	if at := f.find(t, root.ID).CreatedAt; !at.Equal(f.now) || at.Location() != time.UTC {
		t.Errorf("created_at = %v, want the store's clock %v in UTC", at, f.now)
	}

	reply := f.add(t, communique.Comment{ParentID: root.ID, AuthorName: "Bob", AuthorEmail: "bob@example.com", Text: "Reply"})
	deep := f.add(t, communique.Comment{ParentID: reply.ID, AuthorName: "Cy", AuthorEmail: "cy@example.com", Text: "Deeper"})
	for _, c := range []*communique.Comment{reply, deep} {
		if c.ThreadID != root.ID {
			t.Errorf("comment %q: thread %d, want the root's %d", c.Text, c.ThreadID, root.ID)
		}
		if stored := f.find(t, c.ID); stored.ThreadID != root.ID || stored.ParentID != c.ParentID {
			t.Errorf("stored %q: thread %d parent %d, want %d and %d", c.Text, stored.ThreadID, stored.ParentID, root.ID, c.ParentID)
		}
	}
	second := f.add(t, communique.Comment{AuthorName: "Di", AuthorEmail: "di@example.com", Text: "Another thread"})
	if second.ThreadID != second.ID || second.ThreadID == root.ID {
		t.Errorf("second root: thread %d, want its own id %d", second.ThreadID, second.ID)
	}

	t.Run("ExplicitCreatedAtKept", func(t *testing.T) {
		when := time.Date(2025, 12, 24, 18, 30, 15, 123456000, time.UTC)
		c := &communique.Comment{ArticleID: f.other.ID, AuthorName: "Imported", Text: "Old", HTML: "<p>Old</p>", Status: communique.CommentApproved, CreatedAt: when}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got := f.find(t, c.ID).CreatedAt; !got.Equal(when) {
			t.Errorf("created_at = %v, want %v", got, when)
		}
	})
	t.Run("ErrParentOnOtherArticle", func(t *testing.T) {
		c := &communique.Comment{ArticleID: f.other.ID, ParentID: root.ID, AuthorName: "X", Text: "Cross", HTML: "x", Status: communique.CommentApproved}
		wantCode(t, db.CreateComment(ctx, c), communique.EINVALID)
	})
	t.Run("ErrUnknownParent", func(t *testing.T) {
		c := &communique.Comment{ArticleID: f.article.ID, ParentID: 999999, AuthorName: "X", Text: "Orphan", HTML: "x", Status: communique.CommentApproved}
		wantCode(t, db.CreateComment(ctx, c), communique.EINVALID)
	})
	t.Run("ErrUnknownStatus", func(t *testing.T) {
		c := &communique.Comment{ArticleID: f.article.ID, AuthorName: "X", Text: "Odd", HTML: "x", Status: "published"}
		wantCode(t, db.CreateComment(ctx, c), communique.EINVALID)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := db.FindCommentByID(ctx, 999999)
		wantCode(t, err, communique.ENOTFOUND)
	})
	if _, n, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &f.article.ID}); err != nil || n != 4 {
		t.Errorf("comments on the article = %d (%v), want 4: refused comments must not be stored", n, err)
	}
}

// testCommentCount checks the article's comment_count counts approved
// comments only, through every path that changes a status.
func testCommentCount(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	want := func(step string, n int) {
		t.Helper()
		if got := f.count(t, f.article); got != n {
			t.Errorf("%s: comment_count = %d, want %d", step, got, n)
		}
	}
	want("no comments", 0)
	held := f.add(t, communique.Comment{AuthorName: "A", Text: "held", Status: communique.CommentPending})
	want("pending comment", 0)
	ok := f.add(t, communique.Comment{AuthorName: "B", Text: "ok"})
	want("approved comment", 1)
	f.add(t, communique.Comment{AuthorName: "C", Text: "spam", Status: communique.CommentSpam})
	want("spam comment", 1)
	if err := db.SetCommentStatus(ctx, held.ID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	want("pending approved", 2)
	if err := db.SetCommentStatus(ctx, ok.ID, communique.CommentSpam); err != nil {
		t.Fatal(err)
	}
	want("approved marked spam", 1)
	if err := db.SetCommentStatus(ctx, ok.ID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCommentStatus(ctx, ok.ID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	want("approved twice", 2)
	if err := db.UpdateCommentText(ctx, ok.ID, "edited", "<p>edited</p>", communique.CommentPending, 0.5); err != nil {
		t.Fatal(err)
	}
	want("edit held it", 1)
	if err := db.SetCommentStatus(ctx, held.ID, communique.CommentTrash); err != nil {
		t.Fatal(err)
	}
	want("trashed", 0)
	if err := db.SetCommentStatus(ctx, held.ID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	want("restored", 1)
	if err := db.DeleteComment(ctx, held.ID); err != nil {
		t.Fatal(err)
	}
	want("deleted", 0)
	if got := f.count(t, f.other); got != 0 {
		t.Errorf("other article comment_count = %d, want 0", got)
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, db.SetCommentStatus(ctx, 999999, communique.CommentApproved), communique.ENOTFOUND)
	})
	t.Run("ErrUnknownStatus", func(t *testing.T) {
		wantCode(t, db.SetCommentStatus(ctx, ok.ID, "deleted"), communique.EINVALID)
		if got := f.find(t, ok.ID).Status; got != communique.CommentPending {
			t.Errorf("status after a refused change = %q, want pending", got)
		}
	})
}

func testCommentFilters(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	a := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "Ann@Example.com", AuthorIP: "192.0.2.1", UserAgent: "UA", Text: "a"})
	held := f.add(t, communique.Comment{AuthorName: "Hal", AuthorEmail: "hal@example.com", AuthorIP: "192.0.2.2", Text: "held", Status: communique.CommentPending, OwnerKey: "hal-key"})
	b := f.add(t, communique.Comment{AuthorName: "Bob", AuthorEmail: "bob@example.com", Text: "b"})
	aReply := f.add(t, communique.Comment{ParentID: a.ID, AuthorName: "Bob", AuthorEmail: "bob@example.com", Text: "re a"})
	heldReply := f.add(t, communique.Comment{ParentID: a.ID, AuthorName: "Hal", AuthorEmail: "hal@example.com", Text: "held re a", Status: communique.CommentPending, OwnerKey: "hal-key"})
	spam := f.add(t, communique.Comment{AuthorName: "Spammer", AuthorEmail: "spam@example.net", Text: "buy", Status: communique.CommentSpam, OwnerKey: "spam-key"})
	bReply := f.add(t, communique.Comment{ParentID: b.ID, AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "re b"})
	deep := f.add(t, communique.Comment{ParentID: aReply.ID, AuthorName: "Cy", Text: "re re a"})
	elsewhere := f.add(t, communique.Comment{ArticleID: f.other.ID, AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "other"})

	approved := []communique.CommentStatus{communique.CommentApproved}
	ptr := func(s string) *string { return &s }
	before := b.CreatedAt
	tests := []struct {
		name      string
		filter    communique.CommentFilter
		want      []int64
		wantTotal int
	}{
		{"All", communique.CommentFilter{}, []int64{a.ID, held.ID, b.ID, aReply.ID, heldReply.ID, spam.ID, bReply.ID, deep.ID, elsewhere.ID}, 9},
		{"Article", communique.CommentFilter{ArticleID: &f.article.ID}, []int64{a.ID, held.ID, b.ID, aReply.ID, heldReply.ID, spam.ID, bReply.ID, deep.ID}, 8},
		{"OtherArticle", communique.CommentFilter{ArticleID: &f.other.ID}, []int64{elsewhere.ID}, 1},
		{"Approved", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved}, []int64{a.ID, b.ID, aReply.ID, bReply.ID, deep.ID}, 5},
		{"PendingOrSpam", communique.CommentFilter{Status: []communique.CommentStatus{communique.CommentPending, communique.CommentSpam}}, []int64{held.ID, heldReply.ID, spam.ID}, 3},
		{"OwnerSeesOwnPending", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, OwnerKey: "hal-key"},
			[]int64{a.ID, held.ID, b.ID, aReply.ID, heldReply.ID, bReply.ID, deep.ID}, 7},
		{"OwnerKeyNeverShowsSpam", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, OwnerKey: "spam-key"},
			[]int64{a.ID, b.ID, aReply.ID, bReply.ID, deep.ID}, 5},
		{"OtherOwnerKey", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, OwnerKey: "someone-else"},
			[]int64{a.ID, b.ID, aReply.ID, bReply.ID, deep.ID}, 5},
		{"EmailCaseInsensitive", communique.CommentFilter{Email: ptr("ANN@example.COM")}, []int64{a.ID, bReply.ID, elsewhere.ID}, 3},
		{"TopLevel", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, TopLevel: true}, []int64{a.ID, b.ID}, 2},
		{"TopLevelWithOwnPending", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, OwnerKey: "hal-key", TopLevel: true}, []int64{a.ID, held.ID, b.ID}, 3},
		{"ThreadIDs", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, ThreadIDs: []int64{a.ID}}, []int64{aReply.ID, deep.ID}, 2},
		{"ThreadIDsWithOwnPending", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, OwnerKey: "hal-key", ThreadIDs: []int64{a.ID, b.ID}},
			[]int64{aReply.ID, heldReply.ID, bReply.ID, deep.ID}, 4},
		{"CreatedBefore", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, TopLevel: true, CreatedBefore: &before}, []int64{a.ID}, 1},
		{"Newest", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, TopLevel: true, Newest: true}, []int64{b.ID, a.ID}, 2},
		{"Limit", communique.CommentFilter{ArticleID: &f.article.ID, Limit: 3}, []int64{a.ID, held.ID, b.ID}, 8},
		{"Offset", communique.CommentFilter{ArticleID: &f.article.ID, Offset: 6, Limit: 3}, []int64{bReply.ID, deep.ID}, 8},
		{"OffsetPastTheEnd", communique.CommentFilter{ArticleID: &f.article.ID, Offset: 50, Limit: 3}, nil, 8},
		{"ByID", communique.CommentFilter{ID: &b.ID}, []int64{b.ID}, 1},
		{"ParentIDs", communique.CommentFilter{ParentIDs: []int64{a.ID, aReply.ID}}, []int64{aReply.ID, heldReply.ID, deep.ID}, 3},
		{"ParentZeroIsTopLevel", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, ParentIDs: []int64{0}}, []int64{a.ID, b.ID}, 2},
		{"TypesComment", communique.CommentFilter{ArticleID: &f.other.ID, Types: []string{communique.CommentTypeComment}}, []int64{elsewhere.ID}, 1},
		{"TypesPingback", communique.CommentFilter{Types: []string{communique.CommentTypePingback}}, nil, 0},
		{"NoMatch", communique.CommentFilter{Email: ptr("nobody@example.com")}, nil, 0},
		{"IDs", communique.CommentFilter{IDs: []int64{b.ID, a.ID}}, []int64{a.ID, b.ID}, 2},
		{"ExcludeIDs", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, ExcludeIDs: []int64{a.ID, deep.ID}}, []int64{b.ID, aReply.ID, bReply.ID}, 3},
		{"ExcludeTopLevel", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, ExcludeParentIDs: []int64{0}}, []int64{aReply.ID, bReply.ID, deep.ID}, 3},
		{"ExcludeParents", communique.CommentFilter{ArticleID: &f.article.ID, Status: approved, ExcludeParentIDs: []int64{a.ID, aReply.ID}}, []int64{a.ID, b.ID, bReply.ID}, 3},
		{"GuestsAsUserZero", communique.CommentFilter{ArticleID: &f.other.ID, UserIDs: []int64{0}}, []int64{elsewhere.ID}, 1},
		{"ExcludeGuests", communique.CommentFilter{UserIDs: []int64{0}, ExcludeUserIDs: []int64{0}}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, total, err := db.FindComments(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := commentIDs(list); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
			if total != tt.wantTotal {
				t.Errorf("total = %d, want %d", total, tt.wantTotal)
			}
		})
	}

	t.Run("PublicLeavesPrivateFieldsEmpty", func(t *testing.T) {
		list, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &f.article.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.AuthorEmail != "" || c.AuthorIP != "" || c.UserAgent != "" {
				t.Errorf("comment %d without Private: email %q ip %q agent %q, want all empty", c.ID, c.AuthorEmail, c.AuthorIP, c.UserAgent)
			}
			if c.AuthorName == "" || c.Text == "" || c.CreatedAt.IsZero() {
				t.Errorf("comment %d lacks public fields: %+v", c.ID, c)
			}
		}
	})
	t.Run("PrivateFillsThem", func(t *testing.T) {
		list, _, err := db.FindComments(ctx, communique.CommentFilter{ID: &a.ID, Private: true})
		if err != nil || len(list) != 1 {
			t.Fatalf("find: %v (%d found)", err, len(list))
		}
		if c := list[0]; c.AuthorEmail != "Ann@Example.com" || c.AuthorIP != "192.0.2.1" || c.UserAgent != "UA" {
			t.Errorf("private fields = %q %q %q", c.AuthorEmail, c.AuthorIP, c.UserAgent)
		}
	})
}

func testCommentEditRevisions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	c := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "Frist", HTML: "<p>Frist</p>"})
	created := c.CreatedAt
	if revs, err := db.FindCommentRevisions(ctx, c.ID); err != nil || len(revs) != 0 {
		t.Fatalf("revisions of a new comment = %v (%v), want none", revs, err)
	}
	f.tick(2 * time.Minute)
	firstEdit := f.now
	if err := db.UpdateCommentText(ctx, c.ID, "First", "<p>First</p>", communique.CommentApproved, 0.25); err != nil {
		t.Fatal(err)
	}
	f.tick(time.Minute)
	if err := db.UpdateCommentText(ctx, c.ID, "First, really", "<p>First, really</p>", communique.CommentPending, 0.5); err != nil {
		t.Fatal(err)
	}
	got := f.find(t, c.ID)
	switch {
	case got.Text != "First, really" || got.HTML != "<p>First, really</p>":
		t.Errorf("text = %q html = %q", got.Text, got.HTML)
	case got.Status != communique.CommentPending || got.SpamScore != 0.5:
		t.Errorf("status %q score %v, want pending 0.5", got.Status, got.SpamScore)
	case !got.EditedAt.Equal(f.now):
		t.Errorf("edited_at = %v, want %v", got.EditedAt, f.now)
	case !got.CreatedAt.Equal(created):
		t.Errorf("created_at moved from %v to %v", created, got.CreatedAt)
	}
	revs, err := db.FindCommentRevisions(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 2 || revs[0].Text != "Frist" || revs[1].Text != "First" || revs[0].CommentID != c.ID {
		t.Fatalf("revisions = %+v, want Frist then First", revs)
	}
	if !revs[0].EditedAt.Equal(firstEdit) || !revs[1].EditedAt.Equal(f.now) {
		t.Errorf("revision times = %v, %v, want %v, %v", revs[0].EditedAt, revs[1].EditedAt, firstEdit, f.now)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, db.UpdateCommentText(ctx, 999999, "x", "x", communique.CommentApproved, 0), communique.ENOTFOUND)
		if revs, _ := db.FindCommentRevisions(ctx, 999999); len(revs) != 0 {
			t.Errorf("a revision was kept for a missing comment: %+v", revs)
		}
	})
}

// testCommentDelete checks that deleting a comment keeps the conversation:
// replies move up to its parent, and deleting a root makes each direct
// reply the root of its own thread.
func testCommentDelete(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	// root ─┬─ r1 ─── r1a ─── r1a1
	//       └─ r2 ─── r2a
	root := f.add(t, communique.Comment{AuthorName: "Root", Text: "root"})
	r1 := f.add(t, communique.Comment{ParentID: root.ID, AuthorName: "R1", Text: "r1"})
	r1a := f.add(t, communique.Comment{ParentID: r1.ID, AuthorName: "R1a", Text: "r1a"})
	r1a1 := f.add(t, communique.Comment{ParentID: r1a.ID, AuthorName: "R1a1", Text: "r1a1"})
	r2 := f.add(t, communique.Comment{ParentID: root.ID, AuthorName: "R2", Text: "r2"})
	r2a := f.add(t, communique.Comment{ParentID: r2.ID, AuthorName: "R2a", Text: "r2a"})
	if n := f.count(t, f.article); n != 6 {
		t.Fatalf("comment_count = %d, want 6", n)
	}
	check := func(step string, c *communique.Comment, parent, thread int64) {
		t.Helper()
		got := f.find(t, c.ID)
		if got.ParentID != parent || got.ThreadID != thread {
			t.Errorf("%s: %s has parent %d thread %d, want parent %d thread %d", step, c.Text, got.ParentID, got.ThreadID, parent, thread)
		}
	}

	// A reply in the middle: its reply moves up to its parent, same thread.
	if err := db.DeleteComment(ctx, r1a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindCommentByID(ctx, r1a.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Fatalf("deleted comment still found (%v)", err)
	}
	check("delete r1a", r1a1, r1.ID, root.ID)
	check("delete r1a", r1, root.ID, root.ID)
	if n := f.count(t, f.article); n != 5 {
		t.Errorf("comment_count after delete = %d, want 5", n)
	}

	// The root: each direct reply starts its own thread, taking its
	// descendants along.
	if err := db.DeleteComment(ctx, root.ID); err != nil {
		t.Fatal(err)
	}
	check("delete root", r1, 0, r1.ID)
	check("delete root", r1a1, r1.ID, r1.ID)
	check("delete root", r2, 0, r2.ID)
	check("delete root", r2a, r2.ID, r2.ID)
	top, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &f.article.ID, TopLevel: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := commentIDs(top); !slices.Equal(got, []int64{r1.ID, r2.ID}) {
		t.Errorf("top-level after deleting the root = %v, want %v", got, []int64{r1.ID, r2.ID})
	}
	replies, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &f.article.ID, ThreadIDs: []int64{r2.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got := commentIDs(replies); !slices.Equal(got, []int64{r2a.ID}) {
		t.Errorf("replies in r2's thread = %v, want %v", got, []int64{r2a.ID})
	}
	if n := f.count(t, f.article); n != 4 {
		t.Errorf("comment_count = %d, want 4", n)
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, db.DeleteComment(ctx, root.ID), communique.ENOTFOUND)
		wantCode(t, db.DeleteComment(ctx, 999999), communique.ENOTFOUND)
	})
}

func testCommentLookups(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	t.Run("CommentPace", func(t *testing.T) {
		epoch := f.now
		if got, err := db.CommentPace(ctx, "192.0.2.1", "ann@example.com", "key-ann", epoch); err != nil || !got.LastByCommenter.IsZero() || got.FromAddress != 0 {
			t.Fatalf("before any comment = %+v (%v), want nothing", got, err)
		}
		byIP := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.com", AuthorIP: "192.0.2.1", OwnerKey: "key-ann", Text: "one"})
		byEmail := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "Ann@Example.COM", AuthorIP: "198.51.100.7", Text: "two"})
		byKey := f.add(t, communique.Comment{AuthorName: "Bob", AuthorEmail: "bob@example.com", AuthorIP: "192.0.2.1", OwnerKey: "key-bob", Text: "three"})
		tests := []struct {
			name            string
			ip, email, key  string
			since           time.Time
			wantLast        time.Time
			wantN           int
			wantFirstFromIP time.Time
		}{
			{"ByEmailCaseInsensitive", "", "ANN@example.com", "", epoch, byEmail.CreatedAt, 0, time.Time{}},
			{"ByBrowserKey", "", "", "key-bob", epoch, byKey.CreatedAt, 0, time.Time{}},
			{"NewestOfEmailAndKey", "", "ann@example.com", "key-ann", epoch, byEmail.CreatedAt, 0, time.Time{}},
			{"AddressCountsEveryone", "192.0.2.1", "carol@example.com", "key-carol", epoch, time.Time{}, 2, byIP.CreatedAt},
			{"AddressSinceLimits", "192.0.2.1", "", "", byIP.CreatedAt.Add(time.Second), time.Time{}, 1, byKey.CreatedAt},
			{"AddressIsNotACommenter", "198.51.100.7", "nobody@example.com", "", epoch, time.Time{}, 1, byEmail.CreatedAt},
			{"Unknown", "10.0.0.1", "nobody@example.com", "key-nobody", epoch, time.Time{}, 0, time.Time{}},
			{"EmptyMatchesNothing", "", "", "", epoch, time.Time{}, 0, time.Time{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.CommentPace(ctx, tt.ip, tt.email, tt.key, tt.since)
				if err != nil {
					t.Fatal(err)
				}
				if !got.LastByCommenter.Equal(tt.wantLast) || got.FromAddress != tt.wantN || !got.FirstFromAddress.Equal(tt.wantFirstFromIP) {
					t.Errorf("CommentPace(%q, %q, %q) = %+v, want last %v, %d from the address since %v",
						tt.ip, tt.email, tt.key, got, tt.wantLast, tt.wantN, tt.wantFirstFromIP)
				}
			})
		}
		// Comments without an email, key or IP (imported, pingbacks) are
		// not "the last comment" of an empty commenter.
		f.add(t, communique.Comment{AuthorName: "Ping", Text: "pingback", Type: communique.CommentTypePingback})
		if got, err := db.CommentPace(ctx, "", "", "", epoch); err != nil || !got.LastByCommenter.IsZero() || got.FromAddress != 0 {
			t.Errorf("CommentPace of nobody = %+v (%v), want nothing", got, err)
		}
	})

	t.Run("CommentDrafts", func(t *testing.T) {
		old := &communique.CommentDraft{ID: "old-draft", OwnerKey: "key-ann", ArticleID: f.article.ID, Data: `{"text":"first"}`}
		if err := db.SaveCommentDraft(ctx, old, f.now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCommentDraft(ctx, "old-draft")
		if err != nil || got.OwnerKey != "key-ann" || got.ArticleID != f.article.ID || got.Data != old.Data || !got.CreatedAt.Equal(f.now) {
			t.Fatalf("FindCommentDraft = %+v (%v), want the draft saved at %v", got, err, f.now)
		}
		if _, err := db.FindCommentDraft(ctx, "no-such-draft"); communique.ErrorCode(err) != communique.ENOTFOUND {
			t.Errorf("an unknown draft = %v, want ENOTFOUND", err)
		}
		if err := db.SaveCommentDraft(ctx, &communique.CommentDraft{ID: "old-draft", Data: "{}"}, f.now.Add(-time.Hour)); communique.ErrorCode(err) != communique.ECONFLICT {
			t.Errorf("a second draft with the same id = %v, want ECONFLICT", err)
		}
		f.tick(2 * time.Hour)
		if err := db.SaveCommentDraft(ctx, &communique.CommentDraft{ID: "new-draft", Data: "{}"}, f.now.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindCommentDraft(ctx, "old-draft"); communique.ErrorCode(err) != communique.ENOTFOUND {
			t.Errorf("a draft older than an hour = %v, want it forgotten", err)
		}
		if _, err := db.FindCommentDraft(ctx, "new-draft"); err != nil {
			t.Errorf("the new draft: %v", err)
		}
	})

	t.Run("HasApprovedComment", func(t *testing.T) {
		f.add(t, communique.Comment{AuthorName: "Carol", AuthorEmail: "carol@example.com", Text: "held", Status: communique.CommentPending})
		f.add(t, communique.Comment{AuthorName: "Dan", AuthorEmail: "dan@example.com", Text: "ok"})
		f.add(t, communique.Comment{AuthorName: "Eve", AuthorEmail: "eve@example.com", Text: "spam", Status: communique.CommentSpam})
		tests := []struct {
			name, author, email string
			want                bool
		}{
			{"Approved", "Dan", "dan@example.com", true},
			{"EmailCaseInsensitive", "Dan", "DAN@Example.com", true},
			{"OtherName", "Daniel", "dan@example.com", false},
			{"OtherEmail", "Dan", "dan@example.net", false},
			{"OnlyPending", "Carol", "carol@example.com", false},
			{"OnlySpam", "Eve", "eve@example.com", false},
			{"Nobody", "Zed", "zed@example.com", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.HasApprovedComment(ctx, tt.author, tt.email)
				if err != nil || got != tt.want {
					t.Errorf("HasApprovedComment(%q, %q) = %v (%v), want %v", tt.author, tt.email, got, err, tt.want)
				}
			})
		}
	})

	t.Run("IsDuplicateComment", func(t *testing.T) {
		f.add(t, communique.Comment{AuthorName: "Fay", AuthorEmail: "fay@example.com", Text: "Great piece."})
		f.add(t, communique.Comment{AuthorName: "Gil", AuthorEmail: "gil@example.com", Text: "Held thought.", Status: communique.CommentPending})
		f.add(t, communique.Comment{AuthorName: "Hub", AuthorEmail: "hub@example.com", Text: "Binned.", Status: communique.CommentTrash})
		f.add(t, communique.Comment{AuthorName: "Nameless", Text: "No email here."})
		tests := []struct {
			name                string
			article             int64
			author, email, text string
			want                bool
		}{
			{"SameAuthorSameText", f.article.ID, "Fay", "fay@example.com", "Great piece.", true},
			{"EmailCaseInsensitive", f.article.ID, "Fay", "FAY@example.com", "Great piece.", true},
			{"SameEmailOtherName", f.article.ID, "F.", "fay@example.com", "Great piece.", true},
			{"PendingCounts", f.article.ID, "Gil", "gil@example.com", "Held thought.", true},
			{"TrashDoesNotCount", f.article.ID, "Hub", "hub@example.com", "Binned.", false},
			{"OtherText", f.article.ID, "Fay", "fay@example.com", "Great piece!", false},
			{"OtherAuthor", f.article.ID, "Ivy", "ivy@example.com", "Great piece.", false},
			{"OtherArticle", f.other.ID, "Fay", "fay@example.com", "Great piece.", false},
			{"NoEmailSameName", f.article.ID, "Nameless", "", "No email here.", true},
			{"NoEmailOtherName", f.article.ID, "Someone", "", "No email here.", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.IsDuplicateComment(ctx, tt.article, tt.author, tt.email, tt.text)
				if err != nil || got != tt.want {
					t.Errorf("IsDuplicateComment(%q, %q, %q) = %v (%v), want %v", tt.author, tt.email, tt.text, got, err, tt.want)
				}
			})
		}
	})
}

// testCommentCounts counts comments by status across articles.
func testCommentCounts(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	if m, err := db.CountComments(ctx); err != nil || len(m) != 0 {
		t.Fatalf("counts of an empty store = %v (%v), want none", m, err)
	}
	for i, s := range []communique.CommentStatus{"approved", "approved", "approved", "pending", "pending", "spam", "trash"} {
		f.add(t, communique.Comment{AuthorName: "N", Text: string(s) + string(rune('a'+i)), Status: s})
	}
	f.add(t, communique.Comment{ArticleID: f.other.ID, AuthorName: "N", Text: "other"})
	m, err := db.CountComments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[communique.CommentStatus]int{"approved": 4, "pending": 2, "spam": 1, "trash": 1}
	if len(m) != len(want) {
		t.Errorf("counts = %v, want %v", m, want)
	}
	for s, n := range want {
		if m[s] != n {
			t.Errorf("count[%s] = %d, want %d (all: %v)", s, m[s], n, m)
		}
	}
}

// testSpamTraining checks the classifier's counts: each trained comment
// counts once, as its latest verdict.
func testSpamTraining(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	spam1 := f.add(t, communique.Comment{AuthorName: "Pills", Text: "cheap pills", Status: communique.CommentSpam})
	spam2 := f.add(t, communique.Comment{AuthorName: "Pills", Text: "cheap casino", Status: communique.CommentSpam})
	ham := f.add(t, communique.Comment{AuthorName: "Ann", Text: "fine bridge"})
	tokens := []string{"bridge", "casino", "cheap", "fine", "pills", "unseen"}
	counts := func(step string, spam, hamN int64, want map[string][2]int64) {
		t.Helper()
		got, err := db.SpamCounts(ctx, tokens)
		if err != nil {
			t.Fatal(err)
		}
		if got.Spam != spam || got.Ham != hamN {
			t.Errorf("%s: totals spam %d ham %d, want %d %d", step, got.Spam, got.Ham, spam, hamN)
		}
		for _, tok := range tokens {
			if got.Tokens[tok] != want[tok] {
				t.Errorf("%s: %q = %v, want %v", step, tok, got.Tokens[tok], want[tok])
			}
		}
		if _, ok := got.Tokens[""]; ok {
			t.Errorf("%s: the totals row is listed as a token", step)
		}
	}
	counts("untrained", 0, 0, nil)
	if got, err := db.SpamCounts(ctx, nil); err != nil || got.Spam != 0 || len(got.Tokens) != 0 {
		t.Fatalf("SpamCounts(nil) = %+v (%v)", got, err)
	}

	train := func(c *communique.Comment, toks []string, spam bool) {
		t.Helper()
		if err := db.TrainComment(ctx, c.ID, toks, spam); err != nil {
			t.Fatalf("train %q: %v", c.Text, err)
		}
	}
	train(spam1, []string{"cheap", "pills"}, true)
	train(spam2, []string{"casino", "cheap"}, true)
	train(ham, []string{"bridge", "fine"}, false)
	counts("trained", 2, 1, map[string][2]int64{"cheap": {2, 0}, "pills": {1, 0}, "casino": {1, 0}, "bridge": {0, 1}, "fine": {0, 1}})

	train(spam1, []string{"cheap", "pills"}, true)
	counts("same verdict again", 2, 1, map[string][2]int64{"cheap": {2, 0}, "pills": {1, 0}, "casino": {1, 0}, "bridge": {0, 1}, "fine": {0, 1}})

	// A moderator changes their mind: the comment moves from spam to ham.
	train(spam1, []string{"cheap", "pills"}, false)
	counts("spam retrained as ham", 1, 2, map[string][2]int64{"cheap": {1, 1}, "pills": {0, 1}, "casino": {1, 0}, "bridge": {0, 1}, "fine": {0, 1}})
	train(spam1, []string{"cheap", "pills"}, true)
	counts("and back to spam", 2, 1, map[string][2]int64{"cheap": {2, 0}, "pills": {1, 0}, "casino": {1, 0}, "bridge": {0, 1}, "fine": {0, 1}})

	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, db.TrainComment(ctx, 999999, []string{"cheap"}, true), communique.ENOTFOUND)
		counts("after a missing comment", 2, 1, map[string][2]int64{"cheap": {2, 0}, "pills": {1, 0}, "casino": {1, 0}, "bridge": {0, 1}, "fine": {0, 1}})
	})
}
