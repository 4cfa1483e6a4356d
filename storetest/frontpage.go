package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testFrontZones: zones keep their order and picks; a deleted article
// leaves its zone; a section that is no category and an unknown article
// are refused; most discussed ranks by approved comments.
func testFrontZones(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	author := MustCreateUser(t, db, "writer", communique.RoleAuthor)
	a := MustCreateArticle(t, db, author, "A", "Text.")
	b := MustCreateArticle(t, db, author, "B", "Text.")
	c := MustCreateArticle(t, db, author, "C", "Text.")
	lead := &communique.FrontZone{Kind: communique.ZoneLead, Size: 1, ArticleIDs: []int64{b.ID}}
	top := &communique.FrontZone{Kind: communique.ZoneTop, Size: 3, Fill: true, ArticleIDs: []int64{c.ID, a.ID}}
	for _, z := range []*communique.FrontZone{lead, top} {
		if err := db.CreateFrontZone(ctx, z); err != nil {
			t.Fatal(err)
		}
	}
	show := func() string {
		t.Helper()
		zones, err := db.FindFrontZones(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, z := range zones {
			out += fmt.Sprintf("%s%v%v ", z.Kind, z.ArticleIDs, z.Fill)
		}
		return out
	}
	want := fmt.Sprintf("lead[%d]false top[%d %d]true ", b.ID, c.ID, a.ID)
	if got := show(); got != want {
		t.Fatalf("zones = %q, want %q", got, want)
	}
	if err := db.SetFrontZoneOrder(ctx, []int64{top.ID, lead.ID}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.SetFrontZoneOrder(ctx, []int64{top.ID}), communique.EINVALID)
	wantCode(t, db.CreateFrontZone(ctx, &communique.FrontZone{Kind: communique.ZoneSection, Size: 2, SectionID: 987654}), communique.EINVALID)
	top.ArticleIDs = []int64{a.ID, 987654}
	wantCode(t, db.UpdateFrontZone(ctx, top), communique.EINVALID)
	if err := db.DeleteArticle(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	want = fmt.Sprintf("top[%d]true lead[%d]false ", a.ID, b.ID)
	if got := show(); got != want {
		t.Fatalf("after reordering and deleting C: zones = %q, want %q", got, want)
	}
	wantCode(t, db.DeleteFrontZone(ctx, 987654), communique.ENOTFOUND)

	for i := 0; i < 2; i++ {
		MustCreateComment(t, db, b)
	}
	MustCreateComment(t, db, a)
	ids, err := db.MostDiscussed(ctx, db.Now().Add(-24*time.Hour), 5)
	if err != nil || fmt.Sprint(ids) != fmt.Sprint([]int64{b.ID, a.ID}) {
		t.Errorf("most discussed = %v, %v; want B then A", ids, err)
	}

	// Most read: page views from analytics' daily rows on the days asked,
	// published posts only, however many paths an article was read at.
	d := MustCreateArticle(t, db, author, "D", "Text.")
	draft := &communique.Article{Title: "Draft", Source: "Text.", AuthorID: author.ID, Status: communique.StatusDraft}
	if err := newsroom.New(db).Create(ctx, newsroom.System, draft, nil, nil); err != nil {
		t.Fatal(err)
	}
	today := db.Now().UTC()
	day := func(back int) string { return today.AddDate(0, 0, -back).Format(time.DateOnly) }
	batch := emptyBatch()
	for _, v := range []struct {
		day     string
		path    string
		article int64
		views   int64
	}{
		{day(0), "/a/", a.ID, 3}, {day(1), "/a/", a.ID, 2}, // 5 in the window
		{day(0), "/b/", b.ID, 4}, {day(0), "/b/?amp", b.ID, 2}, // 6, at two paths
		{day(5), "/d/", d.ID, 50}, // read long ago
		{day(0), "/draft/", draft.ID, 90},
		{day(0), "/about/", 0, 70}, // not an article
	} {
		batch.Views[hitOn(v.day, 10, v.path, communique.PageArticle, v.article)] = v.views
	}
	if err := db.FlushAnalytics(ctx, batch); err != nil {
		t.Fatal(err)
	}
	ids, err = db.MostRead(ctx, today.Add(-24*time.Hour), 5)
	if err != nil || fmt.Sprint(ids) != fmt.Sprint([]int64{b.ID, a.ID}) {
		t.Errorf("most read = %v, %v; want B (6 views) then A (5)", ids, err)
	}
	if ids, err := db.MostRead(ctx, today.AddDate(0, 0, -7), 1); err != nil || fmt.Sprint(ids) != fmt.Sprint([]int64{d.ID}) {
		t.Errorf("most read over a week, first = %v, %v; want D", ids, err)
	}
}

// MustCreateComment stores an approved reader's comment on a.
func MustCreateComment(tb testing.TB, db *sqlstore.DB, a *communique.Article) *communique.Comment {
	tb.Helper()
	c := &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "reader@example.org", Text: "A thought",
		HTML: "<p>A thought</p>", Status: communique.CommentApproved}
	if err := db.CreateComment(context.Background(), c); err != nil {
		tb.Fatalf("create comment: %v", err)
	}
	return c
}
