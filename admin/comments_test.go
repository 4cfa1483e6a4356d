package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestModeration walks the moderation page: tabs with counts, private
// details shown only here, bulk and row actions, replies as the newsroom
// and edits that keep their history.
func TestModeration(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		edna := n.Users[communique.RoleEditor]
		art := n.Article(t, edna, "Ferry timetable", communique.StatusPublished)
		p1 := n.Comment(t, art, "First held remark", communique.CommentPending)
		p2 := n.Comment(t, art, "Second held remark", communique.CommentPending)
		p3 := n.Comment(t, art, "Third held remark", communique.CommentPending)
		ok := n.Comment(t, art, "An approved remark", communique.CommentApproved)
		spam := n.Comment(t, art, "Cheap pills", communique.CommentSpam)
		trash := n.Comment(t, art, "Rude remark", communique.CommentTrash)
		a := n.SignIn(t, communique.RoleEditor)

		counts := func(t *testing.T, want map[communique.CommentStatus]int) {
			t.Helper()
			page := a.Get(t, "/admin/comments")
			for st, c := range want {
				tab := string(st) + ` <span class="count">` + id(int64(c)) + `</span>`
				if !strings.Contains(page.Body, tab) {
					t.Errorf("the %s tab does not count %d\n%s", st, c, excerpt(page.Body))
				}
			}
			got, err := n.DB.CountComments(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for st, c := range want {
				if got[st] != c {
					t.Errorf("store: %d %s, want %d", got[st], st, c)
				}
			}
		}
		counts(t, map[communique.CommentStatus]int{"pending": 3, "approved": 1, "spam": 1, "trash": 1})

		t.Run("PrivateDetailsOnlyHere", func(t *testing.T) {
			page := a.Get(t, "/admin/comments?status=approved")
			for _, want := range []string{"reader@mail.example", "203.0.113.9", "An approved remark"} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("the moderation page lacks %q", want)
				}
			}
			// An untrained classifier scores everything alike: no score yet.
			if strings.Contains(page.Body, "spam score") {
				t.Errorf("the moderation page shows a spam score before the classifier has learnt")
			}
			if err := n.DB.TrainComment(ctx, spam.ID, []string{"pills"}, true); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(a.Get(t, "/admin/comments?status=approved").Body, "spam score") {
				t.Errorf("a score is shown once the classifier knows only spam")
			}
			if err := n.DB.TrainComment(ctx, ok.ID, []string{"remark"}, false); err != nil {
				t.Fatal(err)
			}
			if page := a.Get(t, "/admin/comments?status=approved"); !strings.Contains(page.Body, "spam score 42%") {
				t.Errorf("the moderation page lacks the score once the classifier has learnt")
			}
			public := n.Agent(t).Get(t, n.PublicPath(t, art))
			if public.Status != http.StatusOK || !strings.Contains(public.Body, "An approved remark") {
				t.Fatalf("the public article: %d, comment shown %v", public.Status, strings.Contains(public.Body, "An approved remark"))
			}
			for _, secret := range []string{"reader@mail.example", "203.0.113.9", "First held remark", "Cheap pills"} {
				if strings.Contains(public.Body, secret) {
					t.Errorf("the public page shows %q", secret)
				}
			}
		})

		t.Run("Tabs", func(t *testing.T) {
			for st, want := range map[string]string{"pending": "First held remark", "spam": "Cheap pills", "trash": "Rude remark"} {
				page := a.Get(t, "/admin/comments?status="+st)
				if !strings.Contains(page.Body, want) || !strings.Contains(page.Body, `aria-current="page">`+st) {
					t.Errorf("the %s tab lacks %q or is not current", st, want)
				}
			}
		})

		moderate := func(t *testing.T, form url.Values) {
			t.Helper()
			form.Set("status", "pending")
			res := a.Post(t, "/admin/comments/bulk", form)
			if res.Status != http.StatusSeeOther || res.Location != "/admin/comments?done=moderated&status=pending" {
				t.Fatalf("moderate %v: %d to %q (%q)", form, res.Status, res.Location, res.Message())
			}
		}
		status := func(c *communique.Comment) communique.CommentStatus { return n.FindComment(t, c.ID).Status }

		t.Run("BulkApprove", func(t *testing.T) {
			moderate(t, url.Values{"action": {"approve"}, "ids": {id(p1.ID), id(p2.ID)}})
			if status(p1) != communique.CommentApproved || status(p2) != communique.CommentApproved || status(p3) != communique.CommentPending {
				t.Errorf("after bulk approve: %s %s %s", status(p1), status(p2), status(p3))
			}
			counts(t, map[communique.CommentStatus]int{"pending": 1, "approved": 3})
			if got := n.FindArticle(t, art.ID).CommentCount; got != 3 {
				t.Errorf("the article counts %d comments, want 3 approved", got)
			}
		})
		t.Run("RowButtons", func(t *testing.T) {
			moderate(t, url.Values{"row": {"spam:" + id(p1.ID)}, "action": {"approve"}, "ids": {id(p2.ID)}})
			if status(p1) != communique.CommentSpam || status(p2) != communique.CommentApproved {
				t.Errorf("a row button must act on its comment only: %s %s", status(p1), status(p2))
			}
			moderate(t, url.Values{"row": {"unapprove:" + id(p2.ID)}})
			moderate(t, url.Values{"row": {"trash:" + id(ok.ID)}})
			if status(p2) != communique.CommentPending || status(ok) != communique.CommentTrash {
				t.Errorf("after unapprove and trash: %s %s", status(p2), status(ok))
			}
		})
		t.Run("BulkSpamTrashDelete", func(t *testing.T) {
			moderate(t, url.Values{"action": {"spam"}, "ids": {id(p3.ID)}})
			moderate(t, url.Values{"action": {"trash"}, "ids": {id(spam.ID), id(p3.ID)}})
			if status(spam) != communique.CommentTrash || status(p3) != communique.CommentTrash {
				t.Errorf("after bulk trash: %s %s", status(spam), status(p3))
			}
			moderate(t, url.Values{"action": {"delete"}, "ids": {id(spam.ID), id(trash.ID)}})
			for _, c := range []*communique.Comment{spam, trash} {
				if _, err := n.DB.FindCommentByID(ctx, c.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
					t.Errorf("comment %d not deleted: %v", c.ID, err)
				}
			}
			page := a.Get(t, "/admin/comments?status=trash")
			if strings.Contains(page.Body, "Cheap pills") || !strings.Contains(page.Body, "Third held remark") {
				t.Error("the trash tab is wrong after deleting")
			}
		})
		t.Run("UnknownAction", func(t *testing.T) {
			before := n.Snapshot(t)
			res := a.Post(t, "/admin/comments/bulk", url.Values{"action": {"explode"}, "ids": {id(p2.ID)}})
			if res.Status != http.StatusBadRequest || n.Snapshot(t) != before {
				t.Errorf("unknown action: %d", res.Status)
			}
		})

		t.Run("ReplyAsNewsroom", func(t *testing.T) {
			if status(p2) != communique.CommentPending {
				t.Fatalf("p2 is %s", status(p2))
			}
			res := a.Post(t, "/admin/comments/"+id(p2.ID)+"/reply", url.Values{"comment": {"Thanks, we corrected the timetable."}, "status": {"pending"}})
			if res.Status != http.StatusSeeOther || res.Location != "/admin/comments?done=replied&status=pending" {
				t.Fatalf("reply: %d to %q (%q)", res.Status, res.Location, res.Message())
			}
			if status(p2) != communique.CommentApproved {
				t.Errorf("the comment replied to is %s, want approved", status(p2))
			}
			list, _, err := n.DB.FindComments(ctx, communique.CommentFilter{ArticleID: &art.ID, Private: true, Limit: 100,
				Status: []communique.CommentStatus{communique.CommentApproved}})
			if err != nil {
				t.Fatal(err)
			}
			var reply *communique.Comment
			for _, c := range list {
				if c.ParentID == p2.ID {
					reply = c
				}
			}
			if reply == nil || reply.UserID != edna.ID || reply.AuthorName != edna.Name() || reply.Text != "Thanks, we corrected the timetable." {
				t.Fatalf("the reply = %+v", reply)
			}
			public := n.Agent(t).Get(t, n.PublicPath(t, art))
			if !strings.Contains(public.Body, "Thanks, we corrected the timetable.") {
				t.Error("the reply is not on the public page")
			}
		})
		t.Run("EmptyReplyChangesNothing", func(t *testing.T) {
			held := n.Comment(t, art, "Held for a reply", communique.CommentPending)
			before := n.Snapshot(t)
			res := a.Post(t, "/admin/comments/"+id(held.ID)+"/reply", url.Values{"comment": {"   "}})
			if res.Status != http.StatusBadRequest {
				t.Errorf("empty reply: %d", res.Status)
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("an empty reply changed the store:\n%s", diffLines(before, after))
			}
		})

		t.Run("EditKeepsHistory", func(t *testing.T) {
			edit := "/admin/comments/" + id(p2.ID) + "/edit"
			res := a.Post(t, edit, url.Values{"comment": {"Second remark, with the typo fixed."}})
			if res.Status != http.StatusSeeOther || res.Location != edit+"?done=saved" {
				t.Fatalf("edit: %d to %q (%q)", res.Status, res.Location, res.Message())
			}
			got := n.FindComment(t, p2.ID)
			if got.Text != "Second remark, with the typo fixed." || got.Status != communique.CommentApproved || got.EditedAt.IsZero() {
				t.Errorf("after edit: %+v", got)
			}
			revs, err := n.DB.FindCommentRevisions(ctx, p2.ID)
			if err != nil || len(revs) != 1 || revs[0].Text != "Second held remark" {
				t.Errorf("history = %+v, %v", revs, err)
			}
			page := a.Get(t, edit)
			if !strings.Contains(page.Body, "<pre>Second held remark</pre>") || !strings.Contains(html.UnescapeString(page.Body), "reader@mail.example, 203.0.113.9") {
				t.Errorf("the edit page lacks the history or the commenter's details:\n%s", excerpt(page.Body))
			}
			before := n.Snapshot(t)
			res = a.Post(t, edit, url.Values{"comment": {"  "}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Please type your comment.") {
				t.Errorf("an empty edit: %d", res.Status)
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("an empty edit changed the store:\n%s", diffLines(before, after))
			}
		})
	})
}
