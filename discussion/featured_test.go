package discussion_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// told records featured comments and staff replies.
type told struct{ recorder }

func (r *told) CommentFeatured(_ context.Context, c *communique.Comment) {
	r.add(fmt.Sprintf("featured %d", c.ID))
}

func (r *told) StaffReplied(_ context.Context, reply, parent *communique.Comment) {
	r.add(fmt.Sprintf("staff replied %d to %s", reply.ID, parent.AuthorEmail))
}

func TestFeaturedAndBadges(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t, "comment_previously_approved", "false")
		reporter := storetest.MustCreateUser(t, db, "rita", communique.RoleAuthor)
		first := e.mustPost(t, st, e.person("First Reader"))
		second := e.mustPost(t, st, e.person("Second Reader"))
		held := e.held(t, "Held Reader")
		rec := &told{}
		e.svc.Notify = rec
		defer func() { e.svc.Notify = nil }()

		if err := e.svc.Feature(ctx, reporter, second.ID, true); communique.ErrorCode(err) != communique.EFORBIDDEN {
			t.Errorf("an author featuring: %v", err)
		}
		if err := e.svc.Feature(ctx, e.author, held.ID, true); communique.ErrorCode(err) != communique.EINVALID {
			t.Errorf("featuring a held comment: %v", err)
		}
		if err := e.svc.Feature(ctx, e.author, second.ID, true); err != nil {
			t.Fatal(err)
		}
		if ev := rec.take(); len(ev) != 1 || ev[0] != fmt.Sprintf("featured %d", second.ID) {
			t.Errorf("told %q", ev)
		}
		// The article's author and a reporter answer the first reader.
		e.clock.Add(time.Minute)
		byAuthor, err := e.svc.Reply(ctx, st, e.author, first.ID, "Thanks, corrected.", "192.0.2.50", "Browser")
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		byReporter, err := e.svc.Reply(ctx, st, &communique.User{ID: reporter.ID, Role: communique.RoleEditor, Login: "rita", Email: reporter.Email}, first.ID, "I was there.", "192.0.2.51", "Browser")
		if err != nil {
			t.Fatal(err)
		}
		var ev []string
		for _, x := range rec.take() {
			if strings.HasPrefix(x, "staff replied") {
				ev = append(ev, x)
			}
		}
		if len(ev) != 2 || ev[0] != fmt.Sprintf("staff replied %d to %s", byAuthor.ID, first.AuthorEmail) {
			t.Errorf("told %q, want the reader told of both replies", ev)
		}
		page, err := e.svc.Thread(ctx, st, e.article.ID, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Featured) != 1 || page.Featured[0].ID != second.ID || !page.Featured[0].Featured {
			t.Fatalf("featured = %+v", page.Featured)
		}
		badges := map[int64]string{}
		featured := map[int64]bool{}
		for _, root := range page.Threads {
			featured[root.ID] = root.Featured
			for _, r := range root.Replies {
				badges[r.ID] = r.Badge
			}
		}
		if !featured[second.ID] || featured[first.ID] {
			t.Errorf("featured marks in the thread: %v", featured)
		}
		// rita's role is read from the store (author: Reporter), not from
		// the user the door passed.
		if badges[byAuthor.ID] != "Author" || badges[byReporter.ID] != "Reporter" {
			t.Errorf("badges = %v, want Author and Reporter", badges)
		}
		if err := e.svc.Feature(ctx, e.author, second.ID, false); err != nil {
			t.Fatal(err)
		}
		if page, _ := e.svc.Thread(ctx, st, e.article.ID, 1, ""); len(page.Featured) != 0 {
			t.Errorf("still featured after unfeaturing: %+v", page.Featured)
		}
		// A featured comment that leaves the page leaves the picks too.
		if err := e.svc.Feature(ctx, e.author, first.ID, true); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Trash(ctx, e.author, first.ID); err != nil {
			t.Fatal(err)
		}
		if page, _ := e.svc.Thread(ctx, st, e.article.ID, 1, ""); len(page.Featured) != 0 {
			t.Errorf("a trashed comment is still featured: %+v", page.Featured)
		}
	})
}
