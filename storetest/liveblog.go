package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

// testLiveBlogs: through the article service, an article becomes a live
// blog; entries come back newest first with their writer, rendered and
// sanitised; each change bumps the article's cache tag and leaves the
// article's version alone; an ended blog takes no entry; who may not
// edit the article may do nothing; deleting the article takes it all.
func testLiveBlogs(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	editor := MustCreateUser(t, db, "desk", communique.RoleEditor)
	outsider := MustCreateUser(t, db, "outsider", communique.RoleAuthor)
	a := MustCreateArticle(t, db, editor, "Storm hits the coast: live", "Follow the storm as it happens.")
	svc := newsroom.New(db)
	by := newsroom.As(editor)
	tag := "article:" + strconv.FormatInt(a.ID, 10)
	version := func() int64 {
		tags, err := db.CacheTagsSince(ctx, time.Unix(1, 0))
		if err != nil {
			t.Fatal(err)
		}
		return tags[tag]
	}
	if _, err := db.FindLiveBlog(ctx, a.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Fatalf("not yet live: %v, want ENOTFOUND", err)
	}
	err := svc.AddLiveEntry(ctx, by, &communique.LiveEntry{ArticleID: a.ID, Source: "Too early."})
	wantCode(t, err, communique.EINVALID)
	if _, err := svc.StartLiveBlog(ctx, newsroom.As(outsider), a.ID); communique.ErrorCode(err) != communique.EFORBIDDEN {
		t.Fatalf("an author starts another's live blog: %v", err)
	}
	before := version()
	l, err := svc.StartLiveBlog(ctx, by, a.ID)
	if err != nil || !l.Live() || !l.StartedAt.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("start: %+v, %v", l, err)
	}
	if version() <= before {
		t.Error("starting did not bump the article's cache tag")
	}
	texts := []string{"Winds reach **90 km/h** at the pier.", "The ferry is cancelled.", "Power is out in the old town. <script>alert(1)</script>"}
	var ids []int64
	for i, text := range texts {
		set(time.Date(2026, 12, 7, 9, 10*(i+1), 0, 0, time.UTC))
		before := version()
		e := &communique.LiveEntry{ArticleID: a.ID, Source: text, KeyEvent: i == 1}
		if err := svc.AddLiveEntry(ctx, by, e); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if version() <= before {
			t.Errorf("entry %d did not bump the article's cache tag", i)
		}
		ids = append(ids, e.ID)
	}
	list, err := db.FindLiveEntries(ctx, a.ID, 0)
	if err != nil || len(list) != 3 {
		t.Fatalf("entries: %d, %v", len(list), err)
	}
	for i, e := range list {
		if e.ID != ids[2-i] || e.UserName != "Desk" || e.UserID != editor.ID {
			t.Errorf("entry %d = %+v, want id %d by Desk (newest first)", i, e, ids[2-i])
		}
	}
	if !strings.Contains(list[2].HTML, "<strong>90 km/h</strong>") || strings.Contains(list[0].HTML, "<script") || !list[1].KeyEvent || list[0].KeyEvent {
		t.Errorf("rendering or key events: %q %q %v %v", list[2].HTML, list[0].HTML, list[1].KeyEvent, list[0].KeyEvent)
	}
	if got, _ := db.FindLiveEntries(ctx, a.ID, 2); len(got) != 2 || got[0].ID != ids[2] {
		t.Errorf("limit 2: %d entries", len(got))
	}
	set(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	e, err := svc.EditLiveEntry(ctx, by, ids[0], "Winds reach 110 km/h at the pier.", true)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindLiveEntryByID(ctx, ids[0]); got.Source != e.Source || !got.KeyEvent || !got.UpdatedAt.After(got.CreatedAt) {
		t.Errorf("edited: %+v", got)
	}
	if _, err := svc.EditLiveEntry(ctx, newsroom.As(outsider), ids[0], "Hijacked.", false); communique.ErrorCode(err) != communique.EFORBIDDEN {
		t.Errorf("an outsider edits: %v", err)
	}
	if _, err := svc.EditLiveEntry(ctx, by, ids[0], "   ", false); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("an empty edit: %v", err)
	}
	if _, err := svc.DeleteLiveEntry(ctx, by, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeleteLiveEntry(ctx, by, ids[1]); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("deleted twice: %v", err)
	}
	if after, _ := db.FindArticleByID(ctx, a.ID); after.Version != a.Version {
		t.Errorf("the article's version moved from %d to %d: a colleague's save would be refused", a.Version, after.Version)
	}
	if _, err := svc.EndLiveBlog(ctx, by, a.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := db.FindLiveBlog(ctx, a.ID); l.Live() || !l.StartedAt.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("ended: %+v", l)
	}
	wantCode(t, svc.AddLiveEntry(ctx, by, &communique.LiveEntry{ArticleID: a.ID, Source: "After the end."}), communique.EINVALID)
	if _, err := svc.StartLiveBlog(ctx, by, 987654); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Errorf("missing article: %v", err)
	}
	if err := db.DeleteArticle(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindLiveEntries(ctx, a.ID, 0); len(got) != 0 {
		t.Errorf("%d entries outlived their article", len(got))
	}
}
