package storetest

import (
	"context"
	"fmt"
	"testing"

	"communique"
	"communique/sqlstore"
)

// testCommentBatch: a group of comments commits as one, each with the
// outbox messages built from its id, the counts refreshed once; a bad
// comment in the group leaves nothing of the group behind.
func testCommentBatch(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	root := f.add(t, communique.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.com", Text: "Root"})
	mail := func(c *communique.Comment) []*communique.OutboxMessage {
		return []*communique.OutboxMessage{{Kind: communique.MessageEmail, Sender: "site@example.com",
			Recipient: "desk@example.com", Subject: fmt.Sprintf("comment %d", c.ID), Body: "x"}}
	}
	comment := func(article, parent int64, text string, status communique.CommentStatus) *communique.Comment {
		return &communique.Comment{ArticleID: article, ParentID: parent, AuthorName: "Bo", AuthorEmail: "bo@example.com",
			Text: text, HTML: "<p>" + text + "</p>", Status: status}
	}
	messages := func(t *testing.T) map[string]bool {
		t.Helper()
		list, _, err := db.FindMessages(ctx, communique.OutboxFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		subjects := map[string]bool{}
		for _, m := range list {
			subjects[m.Subject] = true
		}
		return subjects
	}

	t.Run("OK", func(t *testing.T) {
		group := []*communique.Comment{
			comment(f.article.ID, 0, "First of the group", communique.CommentApproved),
			comment(f.article.ID, root.ID, "A reply in the group", communique.CommentApproved),
			comment(f.other.ID, 0, "On the other article", communique.CommentApproved),
			comment(f.article.ID, 0, "Held in the group", communique.CommentPending),
		}
		ws := make([]communique.CommentWrite, len(group))
		for i, c := range group {
			ws[i] = communique.CommentWrite{Comment: c, Messages: mail}
		}
		ws[2].Messages = nil
		if err := db.CreateComments(ctx, ws); err != nil {
			t.Fatal(err)
		}
		subjects := messages(t)
		for i, c := range group {
			if c.ID == 0 {
				t.Fatalf("comment %q has no id", c.Text)
			}
			stored := f.find(t, c.ID)
			if stored.Text != c.Text || stored.ThreadID != c.ThreadID {
				t.Errorf("stored %q thread %d, want %q thread %d", stored.Text, stored.ThreadID, c.Text, c.ThreadID)
			}
			if want := i != 2; subjects[fmt.Sprintf("comment %d", c.ID)] != want {
				t.Errorf("comment %q: message stored = %v, want %v", c.Text, !want, want)
			}
		}
		if group[1].ThreadID != root.ID || group[0].ThreadID != group[0].ID {
			t.Errorf("threads %d and %d, want %d and %d", group[1].ThreadID, group[0].ThreadID, root.ID, group[0].ID)
		}
		if got := f.count(t, f.article); got != 3 {
			t.Errorf("article count %d, want 3 (root and two approved in the group)", got)
		}
		if got := f.count(t, f.other); got != 1 {
			t.Errorf("other article count %d, want 1", got)
		}
	})
	t.Run("ErrOneBadCommentLeavesNothing", func(t *testing.T) {
		before := f.count(t, f.article)
		good := comment(f.article.ID, 0, "Good but grouped with a bad one", communique.CommentApproved)
		bad := comment(f.article.ID, 999999, "Reply to nothing", communique.CommentApproved)
		err := db.CreateComments(ctx, []communique.CommentWrite{{Comment: good, Messages: mail}, {Comment: bad, Messages: mail}})
		wantCode(t, err, communique.EINVALID)
		if got := f.count(t, f.article); got != before {
			t.Errorf("count %d after a failed group, want %d", got, before)
		}
		list, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &f.article.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if c.Text == good.Text {
				t.Errorf("the good comment of a failed group was stored (id %d)", c.ID)
			}
		}
		if good.ID != 0 && messages(t)[fmt.Sprintf("comment %d", good.ID)] {
			t.Errorf("the failed group's message was stored")
		}
	})
	t.Run("ErrUnknownStatus", func(t *testing.T) {
		err := db.CreateComments(ctx, []communique.CommentWrite{{Comment: comment(f.article.ID, 0, "Odd", "published")}})
		wantCode(t, err, communique.EINVALID)
	})
}
