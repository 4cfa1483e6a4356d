package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storeops"
)

// privacyFixture is a discussion in which "Rosa" (rosa@mail.example)
// wrote a comment, a reply to someone else and a held comment, follows
// the article's comments, and was named in a moderators' email.
type privacyFixture struct {
	*commentFixture
	rosa       []*communique.Comment
	other      *communique.Comment
	replyToRos *communique.Comment
}

func newPrivacyFixture(t *testing.T, db *sqlstore.DB) *privacyFixture {
	t.Helper()
	ctx := context.Background()
	f := &privacyFixture{commentFixture: newCommentFixture(t, db)}
	rosa := func(text string, parent int64, st communique.CommentStatus) *communique.Comment {
		return f.add(t, communique.Comment{ParentID: parent, AuthorName: "Rosa", AuthorEmail: "Rosa@Mail.example", AuthorURL: "https://rosa.example",
			AuthorIP: "198.51.100.7", UserAgent: "RosaBrowser/1", AvatarHash: "rosahash", OwnerKey: "rosakey", Text: text, Status: st})
	}
	f.other = f.add(t, communique.Comment{AuthorName: "Ben", AuthorEmail: "ben@mail.example", AuthorIP: "192.0.2.1", Text: "First."})
	f.rosa = append(f.rosa, rosa("I was on the bridge.", 0, communique.CommentApproved))
	f.replyToRos = f.add(t, communique.Comment{ParentID: f.rosa[0].ID, AuthorName: "Ben", AuthorEmail: "ben@mail.example", Text: "So was I."})
	f.rosa = append(f.rosa, rosa("Replying to Ben.", f.other.ID, communique.CommentApproved))
	f.rosa = append(f.rosa, rosa("Held for moderation.", 0, communique.CommentPending))
	if err := db.UpdateCommentText(ctx, f.rosa[0].ID, "I was on the old bridge.", "<p>I was on the old bridge.</p>", communique.CommentApproved, 0.1); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.RequestSubscriptions(ctx, "rosa@mail.example", []communique.SubscriptionRequest{{Topic: communique.TopicComments, ArticleID: f.article.ID}}, "nonce", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := db.RequestSubscriptions(ctx, "ben@mail.example", []communique.SubscriptionRequest{{Topic: communique.TopicPosts}}, "nonce2", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueMessages(ctx, []*communique.OutboxMessage{
		{Kind: communique.MessageEmail, Recipient: "rosa@mail.example", Subject: "Confirm", Body: "Confirm, Rosa."},
		{Kind: communique.MessageEmail, Recipient: "desk@example.com", Subject: "Held", Body: "Author: Rosa (Email: ROSA@mail.example)"},
		{Kind: communique.MessageEmail, Recipient: "desk@example.com", Subject: "Held", Body: "Author: Ben (ben@mail.example)"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.RecordLoginFailure(ctx, "rosa@mail.example", "198.51.100.7"); err != nil {
		t.Fatal(err)
	}
	// Refused comments kept for their writers, as the form was typed.
	for i, data := range []string{`{"Author":"Rosa","Email":"Rosa@Mail.example","Text":"Too soon"}`, `{"Author":"Ben","Email":"ben@mail.example","Text":"Hm"}`} {
		d := &communique.CommentDraft{ID: fmt.Sprintf("draft%d", i), OwnerKey: "k", ArticleID: f.article.ID, Data: data}
		if err := db.SaveCommentDraft(ctx, d, db.Now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func testPrivacyFind(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newPrivacyFixture(t, db)
	pd, err := db.FindPersonalData(ctx, " ROSA@mail.example ")
	if err != nil {
		t.Fatal(err)
	}
	if got := commentIDs(pd.Comments); len(got) != 3 || got[0] != f.rosa[0].ID || got[2] != f.rosa[2].ID {
		t.Errorf("comments = %v, want Rosa's three %v", got, commentIDs(f.rosa))
	}
	if c := pd.Comments[0]; c.AuthorIP != "198.51.100.7" || c.UserAgent != "RosaBrowser/1" || c.AuthorEmail != "Rosa@Mail.example" {
		t.Errorf("comment lacks its private fields: %+v", c)
	}
	if len(pd.CommentRevisions) != 1 || pd.CommentRevisions[0].Text != "I was on the bridge." {
		t.Errorf("revisions = %+v", pd.CommentRevisions)
	}
	if pd.Subscriber == nil || len(pd.Subscriptions) != 1 || pd.Subscriptions[0].ArticleID != f.article.ID {
		t.Errorf("subscriber %+v, subscriptions %+v", pd.Subscriber, pd.Subscriptions)
	}
	if len(pd.Emails) != 2 {
		t.Errorf("emails = %d, want the one to Rosa and the one naming her", len(pd.Emails))
	}
	if pd.SignInFailures != 1 || len(pd.Users) != 0 {
		t.Errorf("sign-in failures %d, users %d", pd.SignInFailures, len(pd.Users))
	}
	if len(pd.CommentDrafts) != 1 || !strings.Contains(pd.CommentDrafts[0].Data, "Too soon") {
		t.Errorf("refused comments = %+v, want Rosa's one", pd.CommentDrafts)
	}
	none, err := db.FindPersonalData(ctx, "nobody@mail.example")
	if err != nil || len(none.Comments)+len(none.Emails)+len(none.Subscriptions) != 0 || none.Subscriber != nil {
		t.Errorf("unknown address: %+v, %v", none, err)
	}
	// LIKE's wildcards match only themselves.
	if wild, err := db.FindPersonalData(ctx, "%"); err != nil || len(wild.Emails) != 0 {
		t.Errorf("%% matched %d emails (%v)", len(wild.Emails), err)
	}
	_, err = db.FindPersonalData(ctx, " ")
	wantCode(t, err, communique.EINVALID)
}

func testPrivacyErase(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newPrivacyFixture(t, db)
	res, err := db.ErasePersonalData(ctx, "rosa@MAIL.example", communique.Erasure{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Comments != 3 || res.Subscriptions != 1 || res.Emails != 2 || res.CommentDrafts != 1 {
		t.Errorf("result = %+v", res)
	}
	pd, err := db.FindPersonalData(ctx, "rosa@mail.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(pd.Comments)+len(pd.Emails)+len(pd.Subscriptions)+pd.SignInFailures+len(pd.CommentDrafts) != 0 || pd.Subscriber != nil {
		t.Errorf("left after erasure: %+v", pd)
	}
	// Ben's reply to Rosa stays, moved up to the top of its thread.
	if r := f.find(t, f.replyToRos.ID); r.ParentID != 0 || r.ThreadID != r.ID {
		t.Errorf("reply to an erased comment: parent %d, thread %d", r.ParentID, r.ThreadID)
	}
	if got := f.count(t, f.article); got != 2 {
		t.Errorf("comment count = %d, want Ben's 2", got)
	}
	if ben, _ := db.FindPersonalData(ctx, "ben@mail.example"); len(ben.Subscriptions) != 1 || len(ben.Emails) != 1 || len(ben.CommentDrafts) != 1 {
		t.Errorf("Ben's data changed: %+v", ben)
	}
	mustBeSound(t, db)
}

func testPrivacyAnonymise(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newPrivacyFixture(t, db)
	res, err := db.ErasePersonalData(ctx, "rosa@mail.example", communique.Erasure{Anonymise: true, AvatarHash: "anonhash"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Comments != 3 || res.Subscriptions != 1 {
		t.Errorf("result = %+v", res)
	}
	for _, c := range f.rosa {
		got := f.find(t, c.ID)
		if got.AuthorName != communique.AnonymousName || got.AuthorEmail != "" || got.AuthorURL != "" || got.AuthorIP != "" ||
			got.UserAgent != "" || got.AvatarHash != "anonhash" || got.OwnerKey != "" || got.Text != c.Text && c.ID != f.rosa[0].ID {
			t.Errorf("anonymised comment = %+v", got)
		}
	}
	if got := f.count(t, f.article); got != 4 {
		t.Errorf("comment count = %d, want 4 (anonymised comments stay)", got)
	}
	if pd, _ := db.FindPersonalData(ctx, "rosa@mail.example"); len(pd.Comments)+len(pd.Subscriptions) != 0 {
		t.Errorf("still found: %+v", pd)
	}
	mustBeSound(t, db)
}

func testIPRetention(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newCommentFixture(t, db)
	old := f.add(t, communique.Comment{AuthorName: "Old", AuthorEmail: "old@mail.example", AuthorIP: "192.0.2.1", UserAgent: "Old/1", Text: "Long ago."})
	f.tick(40 * 24 * time.Hour)
	recent := f.add(t, communique.Comment{AuthorName: "New", AuthorEmail: "new@mail.example", AuthorIP: "192.0.2.2", UserAgent: "New/1", Text: "Just now."})
	n, err := db.ForgetCommenterIPs(ctx, f.now.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("forgot %d comments' IPs, want 1", n)
	}
	if c := f.find(t, old.ID); c.AuthorIP != "" || c.UserAgent != "" || c.AuthorEmail != "old@mail.example" || c.Text != "Long ago." {
		t.Errorf("old comment = IP %q, browser %q, email %q, text %q", c.AuthorIP, c.UserAgent, c.AuthorEmail, c.Text)
	}
	if c := f.find(t, recent.ID); c.AuthorIP != "192.0.2.2" || c.UserAgent != "New/1" {
		t.Errorf("recent comment lost its IP: %q %q", c.AuthorIP, c.UserAgent)
	}
	if n, err := db.ForgetCommenterIPs(ctx, f.now.Add(-30*24*time.Hour)); err != nil || n != 0 {
		t.Errorf("second run changed %d (%v), want 0", n, err)
	}
}

func testIntegrity(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	mustBeSound(t, db)
	f := newCommentFixture(t, db)
	top := f.add(t, communique.Comment{AuthorName: "A", Text: "Top."})
	reply := f.add(t, communique.Comment{ParentID: top.ID, AuthorName: "B", Text: "Reply."})
	f.add(t, communique.Comment{ParentID: reply.ID, AuthorName: "C", Text: "Deeper."})
	f.add(t, communique.Comment{AuthorName: "D", Text: "Held.", Status: communique.CommentPending})
	if err := db.DeleteComment(ctx, top.ID); err != nil {
		t.Fatal(err)
	}
	mustBeSound(t, db)
}

// mustBeSound fails the test when the store's integrity checks find a
// problem.
func mustBeSound(tb testing.TB, db *sqlstore.DB) {
	tb.Helper()
	problems, err := storeops.CheckIntegrity(context.Background(), db)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range problems {
		tb.Errorf("integrity: %s", p)
	}
}
