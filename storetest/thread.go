package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testThreadPage proves the one-statement thread page reads what the
// separate queries read: the same top-level page in the same order, the
// same replies, the same reaction counts and the same total, in every
// order, on every page, with and without a reader's held comments.
func testThreadPage(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	author := MustCreateUser(t, db, "threads", communique.RoleAuthor)
	a := MustCreateArticle(t, db, author, "Threads", "Body.")
	other := MustCreateArticle(t, db, author, "Elsewhere", "Body.")
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var roots []*communique.Comment
	add := func(article *communique.Article, parent int64, i int, status communique.CommentStatus, owner string) *communique.Comment {
		c := &communique.Comment{ArticleID: article.ID, ParentID: parent, AuthorName: fmt.Sprint("Reader ", i), Text: fmt.Sprint("Text ", i),
			HTML: fmt.Sprintf("<p>Text %d</p>", i), Status: status, OwnerKey: owner, CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for i := 0; i < 12; i++ {
		roots = append(roots, add(a, 0, i, communique.CommentApproved, ""))
	}
	for i, r := range roots[:6] {
		reply := add(a, r.ID, 100+i, communique.CommentApproved, "")
		add(a, reply.ID, 200+i, communique.CommentApproved, "")
	}
	add(a, 0, 300, communique.CommentPending, "owner-key")
	add(a, roots[2].ID, 301, communique.CommentPending, "owner-key")
	add(a, 0, 302, communique.CommentSpam, "")
	add(other, 0, 400, communique.CommentApproved, "")
	for i, r := range []int{3, 3, 3, 7, 7, 1} {
		if _, err := db.CreateCommentReaction(ctx, roots[r].ID, fmt.Sprint("reader-", i), "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
	}
	approved := []communique.CommentStatus{communique.CommentApproved}
	for _, sort := range []string{"", "reactions", "replies"} {
		for _, newest := range []bool{false, true} {
			for _, owner := range []string{"", "owner-key"} {
				for page := 0; page < 4; page++ {
					f := communique.CommentFilter{ArticleID: &a.ID, Status: approved, OwnerKey: owner, Newest: newest, Sort: sort, Offset: page * 5, Limit: 5}
					name := fmt.Sprintf("sort=%q newest=%v owner=%q page=%d", sort, newest, owner, page+1)
					top := f
					top.TopLevel = true
					wantRoots, wantTotal, err := db.FindComments(ctx, top)
					if err != nil {
						t.Fatal(err)
					}
					var wantReplies []*communique.Comment
					if len(wantRoots) > 0 {
						var ids []int64
						for _, r := range wantRoots {
							ids = append(ids, r.ID)
						}
						if wantReplies, _, err = db.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID, Status: approved, OwnerKey: owner, ThreadIDs: ids}); err != nil {
							t.Fatal(err)
						}
					}
					counts, err := db.CountCommentReactions(ctx, commentIDs(append(append([]*communique.Comment{}, wantRoots...), wantReplies...)))
					if err != nil {
						t.Fatal(err)
					}
					gotRoots, gotReplies, gotTotal, err := db.FindThreadPage(ctx, f)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if gotTotal != wantTotal {
						t.Errorf("%s: total %d, want %d", name, gotTotal, wantTotal)
					}
					if fmt.Sprint(commentIDs(gotRoots)) != fmt.Sprint(commentIDs(wantRoots)) || fmt.Sprint(commentIDs(gotReplies)) != fmt.Sprint(commentIDs(wantReplies)) {
						t.Errorf("%s: roots %v replies %v, want %v and %v", name, commentIDs(gotRoots), commentIDs(gotReplies), commentIDs(wantRoots), commentIDs(wantReplies))
					}
					for _, c := range append(gotRoots, gotReplies...) {
						if c.Reactions != counts[c.ID] {
							t.Errorf("%s: comment %d has %d reactions, want %d", name, c.ID, c.Reactions, counts[c.ID])
						}
						if c.HTML == "" || c.CreatedAt.IsZero() || c.AuthorEmail != "" {
							t.Errorf("%s: comment %d read incompletely or with private fields: %+v", name, c.ID, c)
						}
					}
				}
			}
		}
	}
	if _, _, _, err := db.FindThreadPage(ctx, communique.CommentFilter{ArticleID: &a.ID, Private: true}); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("a private thread page: %v, want EINVALID", err)
	}
}
