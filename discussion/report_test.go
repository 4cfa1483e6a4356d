package discussion_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"communique"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

// reporter is the nth distinct reader reporting c, from their own address.
func reporter(c *communique.Comment, n int, reason communique.ReportReason) discussion.ReportSubmission {
	return discussion.ReportSubmission{ArticleID: c.ArticleID, CommentID: c.ID, Reason: reason,
		ReporterKey: fmt.Sprintf("reader-%d", n), IP: fmt.Sprintf("198.51.100.%d", n)}
}

// decided records what a DecisionNotifier hears.
type decided struct {
	recorder
}

func (d *decided) ReportDecided(_ context.Context, c *communique.Comment, r *communique.CommentReport) {
	d.add(fmt.Sprintf("decided %d %s %s %q", c.ID, r.NotifyEmail, r.Decision, r.DecisionReason))
}

func TestReportRefusals(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t)
		shown := e.approved(t, st, e.person("Shown Comment"))
		held := e.held(t, "Held Comment")
		tests := []struct {
			name     string
			sub      discussion.ReportSubmission
			wantKind string // a refusal's kind, or
			wantCode string // a domain error's code
			field    string
		}{
			{"ErrNoReason", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, ReporterKey: "k", IP: "198.51.100.1"}, discussion.KindInvalid, "", "reason"},
			{"ErrUnknownReason", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, Reason: "boring", ReporterKey: "k", IP: "198.51.100.1"}, discussion.KindInvalid, "", "reason"},
			{"ErrIllegalNeedsExplanation", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, Reason: communique.ReportIllegal, Explanation: "  ", ReporterKey: "k", IP: "198.51.100.1"}, discussion.KindInvalid, "", "explanation"},
			{"ErrExplanationTooLong", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, Reason: communique.ReportOther, Explanation: strings.Repeat("x", 2001), ReporterKey: "k", IP: "198.51.100.1"}, discussion.KindInvalid, "", "explanation"},
			{"ErrBadEmail", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, Reason: communique.ReportIllegal, Explanation: "Defamation.", Email: "not-an-address", ReporterKey: "k", IP: "198.51.100.1"}, discussion.KindInvalid, "", "report_email"},
			{"ErrNoBrowserKey", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: shown.ID, Reason: communique.ReportSpam, IP: "198.51.100.1"}, discussion.KindForbidden, "", ""},
			{"ErrNoSuchComment", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: 999999, Reason: communique.ReportSpam, ReporterKey: "k", IP: "198.51.100.1"}, "", communique.ENOTFOUND, ""},
			{"ErrHeldComment", discussion.ReportSubmission{ArticleID: e.article.ID, CommentID: held.ID, Reason: communique.ReportSpam, ReporterKey: "k", IP: "198.51.100.1"}, "", communique.ENOTFOUND, ""},
			{"ErrOtherArticle", discussion.ReportSubmission{ArticleID: e.other.ID, CommentID: shown.ID, Reason: communique.ReportSpam, ReporterKey: "k", IP: "198.51.100.1"}, "", communique.ENOTFOUND, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.svc.Report(ctx, st, tt.sub)
				if tt.wantKind != "" {
					r := discussion.AsError(err)
					if r == nil || r.Kind != tt.wantKind || tt.field != "" && r.Fields[tt.field] == "" {
						t.Fatalf("err = %#v, want a %s refusal on %q", err, tt.wantKind, tt.field)
					}
				} else if communique.ErrorCode(err) != tt.wantCode {
					t.Fatalf("err = %v, want %s", err, tt.wantCode)
				}
				for _, id := range []int64{shown.ID, held.ID} {
					if reps, err := db.FindCommentReports(ctx, id); err != nil || len(reps) != 0 {
						t.Errorf("comment %d has reports %v (%v) after a refusal: nothing may be stored", id, reps, err)
					}
				}
			})
		}
	})
}

func TestReportHoldsAfterDistinctReaders(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t, "comment_report_threshold", "3")
		c := e.approved(t, st, e.person("Loud Commenter"))
		rec := e.listen()
		defer func() { e.svc.Notify, e.svc.Subscribe, e.svc.Invalidate = nil, nil, nil }()

		t.Run("DuplicateCountsOnce", func(t *testing.T) {
			if _, err := e.svc.Report(ctx, st, reporter(c, 1, communique.ReportAbuse)); err != nil {
				t.Fatal(err)
			}
			_, err := e.svc.Report(ctx, st, reporter(c, 1, communique.ReportSpam))
			if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindDuplicate {
				t.Fatalf("second report by the same reader: %v, want duplicate", err)
			}
		})
		t.Run("OneAddressCannotHoldAlone", func(t *testing.T) {
			// A second and third browser key from reader 1's address: three
			// reports, but one address, so fewer than three readers.
			for _, key := range []string{"cleared-cookies-a", "cleared-cookies-b"} {
				sub := reporter(c, 1, communique.ReportAbuse)
				sub.ReporterKey = key
				res, err := e.svc.Report(ctx, st, sub)
				if err != nil {
					t.Fatal(err)
				}
				if res.Held || res.Tally.Readers != 1 {
					t.Errorf("tally %+v held %v: one address counted as several readers", res.Tally, res.Held)
				}
			}
			if got := e.find(t, c.ID).Status; got != communique.CommentApproved {
				t.Errorf("status %s, want still approved", got)
			}
		})
		t.Run("ThirdReaderHolds", func(t *testing.T) {
			second := reporter(c, 2, communique.ReportIllegal)
			second.Explanation, second.Email = "Defames a named neighbour.", "notice@example.org"
			if res, err := e.svc.Report(ctx, st, second); err != nil || res.Held {
				t.Fatalf("second reader: %+v, %v", res, err)
			}
			rec.take()
			res, err := e.svc.Report(ctx, st, reporter(c, 3, communique.ReportMisinformation))
			if err != nil || !res.Held || res.Tally.Readers != 3 || res.Tally.Reports != 5 {
				t.Fatalf("third reader: %+v, %v; want held with 3 readers of 5 reports", res, err)
			}
			if got := e.find(t, c.ID).Status; got != communique.CommentPending {
				t.Errorf("status %s, want held", got)
			}
			if ev := rec.take(); len(ev) == 0 || !strings.HasPrefix(ev[0], "drop article:") {
				t.Errorf("events %q: the article's cached pages must be dropped", ev)
			}
		})
		t.Run("QueueListsOpenReports", func(t *testing.T) {
			list, total, err := db.FindReportedComments(ctx, true, 0, 50)
			if err != nil || total != 1 || len(list) != 1 || list[0].CommentID != c.ID || len(list[0].Reports) != 5 {
				t.Fatalf("reported = %+v, %d, %v", list, total, err)
			}
		})
		t.Run("DecisionClosesReports", func(t *testing.T) {
			d := &decided{}
			e.svc.Notify = d
			defer func() { e.svc.Notify = rec }()
			sub := reporter(c, 4, communique.ReportIllegal)
			sub.Explanation = "Threatens a reader."
			// The comment is held now: nobody can report it any more.
			if _, err := e.svc.Report(ctx, st, sub); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Fatalf("report on a held comment: %v", err)
			}
			if err := e.svc.Decide(ctx, nil, c.ID, communique.CommentTrash, "x"); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Fatalf("a reader deciding: %v, want EFORBIDDEN", err)
			}
			if err := e.svc.Decide(ctx, e.author, c.ID, communique.CommentTrash, "Harassment of another reader."); err != nil {
				t.Fatal(err)
			}
			if got := e.find(t, c.ID).Status; got != communique.CommentTrash {
				t.Errorf("status %s, want trash", got)
			}
			want := fmt.Sprintf("decided %d notice@example.org trash %q", c.ID, "Harassment of another reader.")
			if ev := d.take(); len(ev) != 1 || ev[0] != want {
				t.Errorf("told %q, want only %q", ev, want)
			}
			reps, err := db.FindCommentReports(ctx, c.ID)
			if err != nil || len(reps) != 5 {
				t.Fatalf("reports %v, %v", reps, err)
			}
			for _, r := range reps {
				if r.Decision != communique.CommentTrash || r.DecisionReason != "Harassment of another reader." || r.DecidedBy != e.author.ID || r.DecidedAt.IsZero() {
					t.Errorf("report %+v not closed with the decision", r)
				}
			}
			if list, total, err := db.FindReportedComments(ctx, true, 0, 50); err != nil || total != 0 || len(list) != 0 {
				t.Errorf("reported queue after the decision: %+v, %d, %v", list, total, err)
			}
		})
	})
}

func TestReportRateLimits(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		st := settings(t, "comment_report_threshold", "0", "comment_previously_approved", "false")
		var comments []*communique.Comment
		for i := range 11 {
			comments = append(comments, e.mustPost(t, st, e.person(fmt.Sprintf("Writer %d", i))))
		}
		for i, c := range comments {
			sub := reporter(c, 7, communique.ReportSpam)
			_, err := e.svc.Report(ctx, st, sub)
			if i < 10 && err != nil {
				t.Fatalf("report %d: %v", i+1, err)
			}
			if i == 10 {
				if r := discussion.AsError(err); r == nil || r.Kind != discussion.KindFlood {
					t.Fatalf("report 11 within the hour: %v, want flood", err)
				}
				if reps, _ := db.FindCommentReports(ctx, c.ID); len(reps) != 0 {
					t.Errorf("a refused report was stored")
				}
			}
		}
	})
}
