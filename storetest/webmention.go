package storetest

import (
	"context"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

func testWebmentions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	u := MustCreateUser(t, db, "ada", communique.RoleEditor)
	a := MustCreateArticle(t, db, u, "Harbour freezes", "Cold.")
	other := MustCreateArticle(t, db, u, "Other story", "Warm.")
	source, target := "https://blog.example/ice/", "https://news.example/2026/06/01/harbour-freezes/"

	m := &communique.Webmention{ArticleID: a.ID, Source: source, Target: target}
	if err := db.ReceiveWebmention(ctx, m); err != nil {
		t.Fatal(err)
	}
	if m.ID == 0 || m.Status != communique.WebmentionVerifying {
		t.Fatalf("received = %+v", m)
	}
	t.Run("ErrInvalid", func(t *testing.T) {
		wantCode(t, db.ReceiveWebmention(ctx, &communique.Webmention{ArticleID: a.ID, Source: source}), communique.EINVALID)
		wantCode(t, db.SetWebmentionStatus(ctx, m.ID, communique.WebmentionApproved), communique.EINVALID) // not verified yet
		wantCode(t, db.SetWebmentionStatus(ctx, m.ID, "verifying"), communique.EINVALID)
		wantCode(t, db.VerifiedWebmention(ctx, &communique.Webmention{ID: m.ID, Status: communique.WebmentionSpam}), communique.EINVALID)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		wantCode(t, db.VerifiedWebmention(ctx, &communique.Webmention{ID: 99999, Status: communique.WebmentionPending}), communique.ENOTFOUND)
		wantCode(t, db.SetWebmentionStatus(ctx, 99999, communique.WebmentionApproved), communique.ENOTFOUND)
	})

	m.Status, m.Title, m.AuthorName, m.AuthorURL, m.Excerpt = communique.WebmentionPending, "Ice everywhere", "Grace", "https://blog.example/", "As the Communiqué reports…"
	if err := db.VerifiedWebmention(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := db.SetWebmentionStatus(ctx, m.ID, communique.WebmentionApproved); err != nil {
		t.Fatal(err)
	}
	approved := []communique.WebmentionStatus{communique.WebmentionApproved}
	list, total, err := db.FindWebmentions(ctx, communique.WebmentionFilter{ArticleID: &a.ID, Status: approved})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("approved = %v (%d), %v", list, total, err)
	}
	got := list[0]
	if got.Title != "Ice everywhere" || got.AuthorName != "Grace" || got.Source != source || got.Target != target || !got.CreatedAt.Equal(m.CreatedAt) {
		t.Errorf("found = %+v", got)
	}

	// Sent again (the source changed): verified again, same row, first
	// date kept; and it no longer shows until verified.
	set(time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC))
	again := &communique.Webmention{ArticleID: a.ID, Source: source, Target: target}
	if err := db.ReceiveWebmention(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again.ID != m.ID || !again.CreatedAt.Equal(m.CreatedAt) || again.Status != communique.WebmentionVerifying {
		t.Errorf("resent = %+v, want id %d created %v", again, m.ID, m.CreatedAt)
	}
	if _, n, _ := db.FindWebmentions(ctx, communique.WebmentionFilter{ArticleID: &a.ID, Status: approved}); n != 0 {
		t.Errorf("a mention being verified again still shows")
	}
	again.Status, again.Refusal = communique.WebmentionRefused, "the source does not link to the target"
	if err := db.VerifiedWebmention(ctx, again); err != nil {
		t.Fatal(err)
	}
	if l, _, _ := db.FindWebmentions(ctx, communique.WebmentionFilter{ID: &m.ID}); len(l) != 1 || l[0].Refusal == "" || l[0].Status != communique.WebmentionRefused {
		t.Errorf("refused = %+v", l)
	}
	wantCode(t, db.SetWebmentionStatus(ctx, m.ID, communique.WebmentionApproved), communique.EINVALID) // refused stays refused

	// Sends.
	if sent, err := db.WebmentionsSent(ctx, other.ID); err != nil || len(sent) != 0 {
		t.Fatalf("sent = %v, %v", sent, err)
	}
	for _, st := range []string{"failed", "sent"} {
		if err := db.RecordWebmentionSent(ctx, other.ID, "https://blog.example/post/", st); err != nil {
			t.Fatal(err)
		}
	}
	if sent, _ := db.WebmentionsSent(ctx, other.ID); len(sent) != 1 || sent["https://blog.example/post/"] != "sent" {
		t.Errorf("sent = %v", sent)
	}
	// Deleting the article deletes its mentions.
	if err := newsroom.New(db).Delete(ctx, newsroom.System, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := db.FindWebmentions(ctx, communique.WebmentionFilter{ArticleID: &a.ID}); n != 0 {
		t.Errorf("%d mentions outlive their article", n)
	}
}
