package discussion_test

import (
	"context"
	"fmt"
	"testing"

	"communique"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

func TestReactionsAndSorting(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t, "comment_previously_approved", "false")
		a := e.mustPost(t, st, e.person("Ann"))
		b := e.mustPost(t, st, e.person("Bob"))
		c := e.mustPost(t, st, e.person("Cat"))
		reply := e.person("Dan")
		reply.ParentID = a.ID
		e.mustPost(t, st, reply)
		held := e.held(t, "Held")
		react := func(id int64, reader string, ip string) (bool, error) {
			return e.svc.React(ctx, discussion.ReactionSubmission{ArticleID: e.article.ID, CommentID: id, ReaderKey: reader, IP: ip})
		}
		t.Run("OncePerReader", func(t *testing.T) {
			for i, r := range []string{"r1", "r2", "r1", "r3", "r2"} {
				created, err := react(c.ID, r, fmt.Sprintf("198.51.100.%d", i))
				if err != nil || created != (i < 2 || i == 3) {
					t.Fatalf("reaction %d by %s: %v, %v", i, r, created, err)
				}
			}
			if _, err := react(b.ID, "r1", "198.51.100.1"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Refusals", func(t *testing.T) {
			for name, sub := range map[string]discussion.ReactionSubmission{
				"ErrHeld":         {ArticleID: e.article.ID, CommentID: held.ID, ReaderKey: "r9"},
				"ErrNoSuchOne":    {ArticleID: e.article.ID, CommentID: 999999, ReaderKey: "r9"},
				"ErrOtherArticle": {ArticleID: e.other.ID, CommentID: a.ID, ReaderKey: "r9"},
			} {
				if _, err := e.svc.React(ctx, sub); communique.ErrorCode(err) != communique.ENOTFOUND {
					t.Errorf("%s: %v, want ENOTFOUND", name, err)
				}
			}
			_, err := react(a.ID, "", "198.51.100.9")
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindForbidden {
				t.Errorf("no reader key: %v", err)
			}
			if n, _ := db.CountCommentReactions(ctx, []int64{a.ID, held.ID}); len(n) != 0 {
				t.Errorf("refused reactions were stored: %v", n)
			}
		})
		order := func(sort string) []string {
			t.Helper()
			p, err := e.svc.SortedThread(ctx, st, e.article.ID, 1, "", sort)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range p.Threads {
				names = append(names, fmt.Sprintf("%s:%d", r.AuthorName, r.Reactions))
			}
			return names
		}
		for _, tt := range []struct {
			sort string
			want string
		}{
			{"", "[Ann:0 Bob:1 Cat:3]"},
			{discussion.SortOldest, "[Ann:0 Bob:1 Cat:3]"},
			{discussion.SortNewest, "[Cat:3 Bob:1 Ann:0]"},
			{discussion.SortReactions, "[Cat:3 Bob:1 Ann:0]"},
			{discussion.SortReplies, "[Ann:0 Bob:1 Cat:3]"},
		} {
			if got := fmt.Sprint(order(tt.sort)); got != tt.want {
				t.Errorf("sort %q: %s, want %s", tt.sort, got, tt.want)
			}
		}
	})
}

// TestReactionFlood: one address cannot lift a comment past the limit,
// whatever cookies it sends.
func TestReactionFlood(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		c := e.mustPost(t, settings(t, "comment_previously_approved", "false"), e.person("Target"))
		var refused error
		n := 0
		for i := range 310 {
			_, err := e.svc.React(ctx, discussion.ReactionSubmission{ArticleID: e.article.ID, CommentID: c.ID, ReaderKey: fmt.Sprintf("fresh-%d", i), IP: "203.0.113.7"})
			if err != nil {
				refused = err
				break
			}
			n++
		}
		if r := discussion.AsError(refused); r == nil || r.Kind != discussion.KindFlood || n != 300 {
			t.Errorf("after %d reactions: %v, want a flood refusal after 300", n, refused)
		}
	})
}
