package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestReportedQueue: the reported tab lists reported comments most
// reported first with every reason and explanation and the pattern of
// addresses, and a decision with its reason closes the reports.
func TestReportedQueue(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		art := n.Article(t, n.Users[communique.RoleEditor], "Council vote", communique.StatusPublished)
		once := n.Comment(t, art, "Mildly off topic", communique.CommentApproved)
		thrice := n.Comment(t, art, "A nasty remark", communique.CommentPending)
		reports := []struct {
			c                   *communique.Comment
			key, ip             string
			reason              communique.ReportReason
			explanation, notify string
		}{
			{once, "k1", "192.0.2.1", communique.ReportOffTopic, "", ""},
			{thrice, "k1", "192.0.2.1", communique.ReportAbuse, "", ""},
			{thrice, "k2", "192.0.2.2", communique.ReportAbuse, "", ""},
			{thrice, "k3", "192.0.2.2", communique.ReportIllegal, "Threatens the councillor.", "notice@example.org"},
		}
		for _, r := range reports {
			if _, err := n.DB.CreateCommentReport(ctx, &communique.CommentReport{CommentID: r.c.ID, Reason: r.reason, Explanation: r.explanation,
				ReporterKey: r.key, ReporterIP: r.ip, NotifyEmail: r.notify}); err != nil {
				t.Fatal(err)
			}
		}
		a := n.SignIn(t, communique.RoleEditor)
		page := a.Get(t, "/admin/comments?status=reported")
		if page.Status != http.StatusOK {
			t.Fatalf("reported queue: %d", page.Status)
		}
		for _, want := range []string{`reported <span class="count">2</span>`, "3 reports from 2 addresses", "Abusive or harassing (2), Illegal content (1)",
			"“Threatens the councillor.”", "asks to hear the decision", "Off topic (1)"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the queue lacks %q\n%s", want, excerpt(page.Body))
			}
		}
		if i, j := strings.Index(page.Body, "A nasty remark"), strings.Index(page.Body, "Mildly off topic"); i < 0 || j < 0 || i > j {
			t.Error("the most reported comment is not first")
		}
		if age := a.Get(t, "/admin/comments?status=reported&sort=age").Body; strings.Index(age, "Mildly off topic") > strings.Index(age, "A nasty remark") {
			t.Error("sorted by age, the oldest report is not first")
		}
		if res := n.SignIn(t, communique.RoleAuthor).Get(t, "/admin/comments?status=reported"); res.Status != http.StatusForbidden {
			t.Errorf("an author sees the reported queue: %d", res.Status)
		}
		t.Run("ErrUnknownDecision", func(t *testing.T) {
			res := a.Post(t, "/admin/comments/"+id(thrice.ID)+"/decide", url.Values{"decision": {"published"}, "reason": {"x"}})
			if res.Status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", res.Status)
			}
		})
		t.Run("DecideOK", func(t *testing.T) {
			res := a.Post(t, "/admin/comments/"+id(thrice.ID)+"/decide", url.Values{"decision": {"trash"}, "reason": {"Threat of violence."}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("decide: %d\n%s", res.Status, excerpt(res.Body))
			}
			if got := n.FindComment(t, thrice.ID).Status; got != communique.CommentTrash {
				t.Errorf("status %s, want trash", got)
			}
			reps, err := n.DB.FindCommentReports(ctx, thrice.ID)
			if err != nil || len(reps) != 3 {
				t.Fatal(reps, err)
			}
			for _, r := range reps {
				if r.Decision != communique.CommentTrash || r.DecisionReason != "Threat of violence." || r.DecidedBy != a.User.ID {
					t.Errorf("report %+v not closed with the decision", r)
				}
			}
			if page := a.Get(t, "/admin/comments?status=reported").Body; strings.Contains(page, "A nasty remark") || !strings.Contains(page, "Mildly off topic") {
				t.Error("the decided comment is still in the queue, or the other left it")
			}
		})
	})
}
