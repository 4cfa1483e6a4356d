package storetest

import (
	"context"
	"testing"

	"communique"
	"communique/sqlstore"
)

// testCommentReports: one report per reader and comment; the tally counts
// distinct readers from distinct addresses; the queue lists open reports
// most reported first or oldest first; a decision closes them; a deleted
// comment takes its reports along.
func testCommentReports(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	a := f.add(t, communique.Comment{AuthorName: "A", Text: "first"})
	b := f.add(t, communique.Comment{AuthorName: "B", Text: "second"})
	report := func(c *communique.Comment, key, ip string) (communique.ReportTally, error) {
		f.tick(1)
		return db.CreateCommentReport(ctx, &communique.CommentReport{CommentID: c.ID, Reason: communique.ReportSpam, ReporterKey: key, ReporterIP: ip})
	}
	tallies := []struct {
		c       *communique.Comment
		key, ip string
		want    communique.ReportTally
	}{
		{a, "k1", "192.0.2.1", communique.ReportTally{Reports: 1, Readers: 1}},
		{b, "k1", "192.0.2.1", communique.ReportTally{Reports: 1, Readers: 1}},
		{b, "k2", "192.0.2.1", communique.ReportTally{Reports: 2, Readers: 1}},
		{b, "k3", "192.0.2.3", communique.ReportTally{Reports: 3, Readers: 2}},
	}
	for _, tt := range tallies {
		got, err := report(tt.c, tt.key, tt.ip)
		if err != nil || got != tt.want {
			t.Fatalf("report %d by %s: %+v, %v; want %+v", tt.c.ID, tt.key, got, err, tt.want)
		}
	}
	if _, err := report(b, "k2", "192.0.2.9"); communique.ErrorCode(err) != communique.ECONFLICT {
		t.Errorf("second report by one reader: %v, want ECONFLICT", err)
	}
	list, total, err := db.FindReportedComments(ctx, true, 0, 10)
	if err != nil || total != 2 || len(list) != 2 || list[0].CommentID != b.ID || len(list[0].Reports) != 3 || len(list[1].Reports) != 1 {
		t.Fatalf("most reported first: %+v, %d, %v", list, total, err)
	}
	if list, _, _ := db.FindReportedComments(ctx, false, 0, 10); len(list) != 2 || list[0].CommentID != a.ID {
		t.Errorf("oldest first: %+v", list)
	}
	closed, err := db.DecideCommentReports(ctx, b.ID, communique.CommentApproved, "Within the rules.", 0)
	if err != nil || len(closed) != 3 || closed[0].Decision != communique.CommentApproved {
		t.Fatalf("decide: %+v, %v", closed, err)
	}
	if list, total, _ := db.FindReportedComments(ctx, true, 0, 10); total != 1 || list[0].CommentID != a.ID {
		t.Errorf("after the decision: %+v, %d", list, total)
	}
	// A new report after a decision starts a new tally.
	if got, err := report(b, "k4", "192.0.2.4"); err != nil || got != (communique.ReportTally{Reports: 1, Readers: 1}) {
		t.Errorf("report after a decision: %+v, %v", got, err)
	}
	// Erasing a reporter keeps the report, not their address.
	f.tick(1)
	if _, err := db.CreateCommentReport(ctx, &communique.CommentReport{CommentID: a.ID, Reason: communique.ReportIllegal, Explanation: "x",
		ReporterKey: "k9", ReporterIP: "192.0.2.9", NotifyEmail: "Notice@Example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ErasePersonalData(ctx, "notice@example.org", communique.Erasure{}); err != nil {
		t.Fatal(err)
	}
	if reps, _ := db.FindCommentReports(ctx, a.ID); len(reps) != 2 || reps[1].NotifyEmail != "" {
		t.Errorf("after erasure the reports are %+v, want both kept without the address", reps)
	}
	if err := db.DeleteComment(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if reps, err := db.FindCommentReports(ctx, b.ID); err != nil || len(reps) != 0 {
		t.Errorf("reports of a deleted comment: %v, %v", reps, err)
	}
}
