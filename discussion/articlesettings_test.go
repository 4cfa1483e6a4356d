package discussion_test

import (
	"context"
	"strings"
	"testing"

	"communique"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

func TestSetArticleDiscussion(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		other := storetest.MustCreateUser(t, db, "otto", communique.RoleAuthor)
		tests := []struct {
			name string
			by   *communique.User
			d    communique.ArticleDiscussion
			want string
		}{
			{"ErrAnotherAuthor", other, communique.ArticleDiscussion{ArticleID: e.article.ID, QA: true}, communique.EFORBIDDEN},
			{"ErrReader", nil, communique.ArticleDiscussion{ArticleID: e.article.ID, Hidden: true}, communique.EFORBIDDEN},
			{"ErrMessageTooLong", e.author, communique.ArticleDiscussion{ArticleID: e.article.ID, Message: strings.Repeat("é", 501)}, communique.EINVALID},
			{"ErrNUL", e.author, communique.ArticleDiscussion{ArticleID: e.article.ID, Message: "a\x00b"}, communique.EINVALID},
			{"ErrNoArticle", e.author, communique.ArticleDiscussion{ArticleID: 999999, QA: true}, communique.ENOTFOUND},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := e.svc.SetArticleDiscussion(ctx, tt.by, &tt.d); communique.ErrorCode(err) != tt.want {
					t.Errorf("got %v, want %s", err, tt.want)
				}
				if got, _ := e.svc.ArticleDiscussion(ctx, e.article.ID); *got != (communique.ArticleDiscussion{ArticleID: e.article.ID}) {
					t.Errorf("stored %+v after a refusal", got)
				}
			})
		}
		t.Run("OK", func(t *testing.T) {
			d := &communique.ArticleDiscussion{ArticleID: e.article.ID, Premoderate: true, Message: "  We are moderating this thread closely.  "}
			if err := e.svc.SetArticleDiscussion(ctx, e.author, d); err != nil {
				t.Fatal(err)
			}
			got, _ := e.svc.ArticleDiscussion(ctx, e.article.ID)
			if !got.Premoderate || got.Message != "We are moderating this thread closely." {
				t.Errorf("stored %+v", got)
			}
			log, _, err := e.svc.ModerationLog(ctx, communique.System(), 0, 10)
			if err != nil || len(log) == 0 || log[0].Action != "discussion settings" || !strings.Contains(log[0].Detail, "premoderate=true") {
				t.Errorf("moderation log: %+v, %v", log, err)
			}
		})
	})
}

func TestArticleDiscussionRules(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t, "comment_previously_approved", "false")
		set := func(d communique.ArticleDiscussion) {
			t.Helper()
			d.ArticleID = e.article.ID
			if err := e.svc.SetArticleDiscussion(ctx, e.author, &d); err != nil {
				t.Fatal(err)
			}
		}
		before := e.mustPost(t, st, e.person("Early Reader"))
		if before.Status != communique.CommentApproved {
			t.Fatalf("without settings a reader's comment is %s", before.Status)
		}

		t.Run("Premoderate", func(t *testing.T) {
			set(communique.ArticleDiscussion{Premoderate: true})
			if c := e.mustPost(t, st, e.person("Held Reader")); c.Status != communique.CommentPending {
				t.Errorf("reader's comment is %s, want pending", c.Status)
			}
			staff := discussion.Submission{ArticleID: e.article.ID, Text: "Editor's note: times corrected.", By: e.author, SkipToken: true}
			if c := e.mustPost(t, st, staff); c.Status != communique.CommentApproved {
				t.Errorf("newsroom comment is %s, want approved", c.Status)
			}
			// An edit of an approved comment is held again.
			edited, err := e.svc.Edit(ctx, st, before.ID, before.OwnerKey, "Edited after approval.")
			if err != nil || edited.Status != communique.CommentPending {
				t.Errorf("edit: %+v, %v; want pending", edited, err)
			}
		})

		t.Run("Hidden", func(t *testing.T) {
			set(communique.ArticleDiscussion{Hidden: true})
			n := e.total(t)
			_, err := e.post(st, e.person("Late Reader"))
			if de := discussion.AsError(err); de == nil || de.Kind != discussion.KindClosed {
				t.Errorf("post on a closed thread: %v, want closed", err)
			}
			if e.total(t) != n {
				t.Error("a refused comment was stored")
			}
			page, err := e.svc.Thread(ctx, st, e.article.ID, 1, "")
			if err != nil || len(page.Threads) != 0 || !page.Discussion.Hidden {
				t.Errorf("closed thread shows %d threads, %v", len(page.Threads), err)
			}
		})

		t.Run("QA", func(t *testing.T) {
			set(communique.ArticleDiscussion{QA: true})
			q1 := e.mustPost(t, st, e.person("Asking Reader"))
			q2 := e.mustPost(t, st, e.person("Unanswered Reader"))
			if q1.Status != communique.CommentPending || q2.Status != communique.CommentPending {
				t.Fatalf("questions are %s and %s, want held", q1.Status, q2.Status)
			}
			// Approved without an answer: still not shown.
			if err := e.svc.Approve(ctx, e.author, q2.ID); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(60e9)
			answer, err := e.svc.Reply(ctx, st, e.author, q1.ID, "The bridge reopens at six.", "192.0.2.200", "Browser")
			if err != nil || answer.Status != communique.CommentApproved {
				t.Fatalf("answer: %+v, %v", answer, err)
			}
			page, err := e.svc.Thread(ctx, st, e.article.ID, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Threads) != 1 || page.Threads[0].ID != q1.ID {
				t.Fatalf("Q&A shows %d threads (%+v), want only the answered question %d", len(page.Threads), page.Threads, q1.ID)
			}
			if r := page.Threads[0].Replies; len(r) == 0 || r[0].ID != answer.ID || r[0].Badge == "" {
				t.Errorf("answer not first or not marked: %+v", r)
			}
			// The asker's browser sees its own held question.
			q3 := e.mustPost(t, st, e.person("Waiting Reader"))
			own, _ := e.svc.Thread(ctx, st, e.article.ID, 1, q3.OwnerKey)
			found := false
			for _, th := range own.Threads {
				found = found || th.ID == q3.ID
			}
			if !found {
				t.Error("the asker does not see their own held question")
			}
		})
	})
}
