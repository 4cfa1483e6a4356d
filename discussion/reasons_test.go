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

// TestQueueLabels: each held comment says why the rules held it, reports
// say how many and why, an approval clears the rules' reasons, and only
// moderators may read them.
func TestQueueLabels(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		labels := func(c *communique.Comment) string {
			t.Helper()
			got, err := e.svc.QueueLabels(ctx, communique.System(), []*communique.Comment{c})
			if err != nil {
				t.Fatal(err)
			}
			return strings.Join(got[c.ID], "; ")
		}
		tests := []struct {
			name     string
			settings []string
			sub      func(discussion.Submission) discussion.Submission
			want     string
		}{
			{"FirstComment", nil, nil, discussion.ReasonFirstComment},
			{"LinkLimit", []string{"comment_previously_approved", "false", "comment_max_links", "1"},
				func(s discussion.Submission) discussion.Submission {
					s.Text = "See https://a.example/x and https://b.example/y"
					return s
				}, "link limit (2 links)"},
			{"WordList", []string{"comment_previously_approved", "false", "moderation_keys", "casino"},
				func(s discussion.Submission) discussion.Submission { s.Text = "Try the casino."; return s }, discussion.ReasonWordList},
			{"ModerateAll", []string{"comment_moderation", "true", "comment_previously_approved", "false"}, nil, discussion.ReasonModerateAll},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				sub := e.person("Label " + tt.name)
				if tt.sub != nil {
					sub = tt.sub(sub)
				}
				c := e.mustPost(t, settings(t, tt.settings...), sub)
				if c.Status != communique.CommentPending {
					t.Fatalf("status %s, want held", c.Status)
				}
				if got := labels(c); got != tt.want {
					t.Errorf("labels %q, want %q", got, tt.want)
				}
			})
		}
		t.Run("EditedAfterApprovalAndArticleHeld", func(t *testing.T) {
			st := settings(t, "comment_previously_approved", "false")
			c := e.mustPost(t, st, e.person("Label Editor"))
			if err := e.svc.SetArticleDiscussion(ctx, e.author, &communique.ArticleDiscussion{ArticleID: e.article.ID, Premoderate: true}); err != nil {
				t.Fatal(err)
			}
			defer e.svc.SetArticleDiscussion(ctx, e.author, &communique.ArticleDiscussion{ArticleID: e.article.ID})
			edited, err := e.svc.Edit(ctx, st, c.ID, c.OwnerKey, "Changed my mind.")
			if err != nil || edited.Status != communique.CommentPending {
				t.Fatalf("edit: %+v, %v", edited, err)
			}
			if got, want := labels(edited), discussion.ReasonEdited+"; "+discussion.ReasonArticleHeld; got != want {
				t.Errorf("labels %q, want %q", got, want)
			}
			if err := e.svc.Approve(ctx, e.author, c.ID); err != nil {
				t.Fatal(err)
			}
			if got := labels(e.find(t, c.ID)); got != "" {
				t.Errorf("after approval: %q", got)
			}
		})
		t.Run("Reports", func(t *testing.T) {
			st := settings(t, "comment_previously_approved", "false", "comment_report_threshold", "2")
			c := e.mustPost(t, st, e.person("Label Reported"))
			for i, reason := range []communique.ReportReason{communique.ReportSpam, communique.ReportOffTopic} {
				sub := discussion.ReportSubmission{CommentID: c.ID, ArticleID: c.ArticleID, Reason: reason,
					ReporterKey: "reader-" + string(rune('a'+i)), IP: "198.51.100." + string(rune('1'+i))}
				if _, err := e.svc.Report(ctx, st, sub); err != nil {
					t.Fatal(err)
				}
			}
			got := labels(e.find(t, c.ID))
			if !strings.HasPrefix(got, "2 reports: ") || !strings.Contains(got, communique.ReportSpam.Label()) || !strings.Contains(got, communique.ReportOffTopic.Label()) {
				t.Errorf("labels %q", got)
			}
		})
		t.Run("ErrNotModerator", func(t *testing.T) {
			reader := &communique.User{ID: 99, Role: communique.RoleSubscriber}
			if _, err := e.svc.QueueLabels(ctx, reader, nil); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("a subscriber reading labels: %v", err)
			}
		})
	})
}
