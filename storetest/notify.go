package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
)

func mustEnqueue(t *testing.T, db *sqlstore.DB, n int) []*communique.OutboxMessage {
	t.Helper()
	var msgs []*communique.OutboxMessage
	for i := 0; i < n; i++ {
		msgs = append(msgs, &communique.OutboxMessage{Kind: communique.MessageEmail, Sender: "site@example.com",
			Recipient: fmt.Sprintf("r%d@example.com", i), Subject: fmt.Sprintf("Message %d", i), Body: "Subject: x\r\n\r\nbody"})
	}
	if err := db.EnqueueMessages(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	return msgs
}

func testOutboxClaim(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	msgs := mustEnqueue(t, db, 30)
	if msgs[0].ID == 0 || msgs[0].Status != communique.MessagePending {
		t.Fatalf("enqueued %+v", msgs[0])
	}
	t.Run("EachOnce", func(t *testing.T) {
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := db.ClaimMessages(ctx, 4, time.Minute)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
						if m.Body == "" || m.ClaimToken == "" || m.Attempts != 1 || m.Status != communique.MessageSending {
							t.Errorf("claimed %+v", m)
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != 30 {
			t.Fatalf("claimed %d distinct messages, want 30", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("message %d claimed %d times", id, n)
			}
		}
	})
	t.Run("LeaseEnds", func(t *testing.T) {
		set(now.Add(2 * time.Minute))
		got, err := db.ClaimMessages(ctx, 100, time.Minute)
		if err != nil || len(got) != 30 {
			t.Fatalf("after the lease: %d claimed, %v", len(got), err)
		}
		if got[0].Attempts != 2 {
			t.Fatalf("attempts %d, want 2", got[0].Attempts)
		}
		// The first claimer's token no longer completes the message.
		err = db.CompleteMessage(ctx, got[0].ID, "stale-token", "250 OK")
		wantCode(t, err, communique.ECONFLICT)
		for _, m := range got {
			if err := db.CompleteMessage(ctx, m.ID, m.ClaimToken, "250 OK"); err != nil {
				t.Fatal(err)
			}
		}
		if again, _ := db.ClaimMessages(ctx, 100, time.Minute); len(again) != 0 {
			t.Fatalf("sent messages claimed again: %d", len(again))
		}
		counts, err := db.CountMessages(ctx)
		if err != nil || counts[communique.MessageSent] != 30 {
			t.Fatalf("counts %v, %v", counts, err)
		}
	})
}

func testOutboxRetry(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	mustEnqueue(t, db, 1)
	claim := func() *communique.OutboxMessage {
		t.Helper()
		got, err := db.ClaimMessages(ctx, 10, time.Minute)
		if err != nil || len(got) != 1 {
			t.Fatalf("claim: %d, %v", len(got), err)
		}
		return got[0]
	}
	m := claim()
	// A rate limit gives it back untried: no attempt counted or logged,
	// due when the limit allows, and only by the one who claimed it.
	wantCode(t, db.PostponeMessage(ctx, m.ID, "someone-else", now.Add(time.Second)), communique.ECONFLICT)
	if err := db.PostponeMessage(ctx, m.ID, m.ClaimToken, now.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.PostponeMessage(ctx, m.ID, m.ClaimToken, now.Add(time.Second)), communique.ECONFLICT)
	if got, _ := db.ClaimMessages(ctx, 10, time.Minute); len(got) != 0 {
		t.Fatal("claimed before the postponement ended")
	}
	if tries, err := db.FindDeliveryAttempts(ctx, m.ID, 0, 10); err != nil || len(tries) != 0 {
		t.Fatalf("a postponement was logged as an attempt: %+v, %v", tries, err)
	}
	set(now.Add(time.Second))
	if m = claim(); m.Attempts != 1 {
		t.Fatalf("after a postponement: attempts = %d, want 1", m.Attempts)
	}
	set(now)
	if err := db.FailMessage(ctx, m.ID, m.ClaimToken, "451 4.3.0 Try again later", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ClaimMessages(ctx, 10, time.Minute); len(got) != 0 {
		t.Fatal("claimed before its retry time")
	}
	set(now.Add(time.Minute))
	m = claim()
	if m.Attempts != 2 || m.LastError != "451 4.3.0 Try again later" {
		t.Fatalf("second try: %+v", m)
	}
	if err := db.FailMessage(ctx, m.ID, m.ClaimToken, "550 5.1.1 No such user", time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindMessageByID(ctx, m.ID)
	if err != nil || got.Status != communique.MessageFailed || got.LastError != "550 5.1.1 No such user" || got.Body == "" {
		t.Fatalf("after giving up: %+v, %v", got, err)
	}
	failed := communique.MessageFailed
	list, total, err := db.FindMessages(ctx, communique.OutboxFilter{Status: failed})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != m.ID {
		t.Fatalf("failed messages: %d of %d, %v", len(list), total, err)
	}
	attempts, err := db.FindDeliveryAttempts(ctx, m.ID, 0, 10)
	if err != nil || len(attempts) != 2 || attempts[0].OK || attempts[0].Detail != "550 5.1.1 No such user" || attempts[1].Detail != "451 4.3.0 Try again later" {
		t.Fatalf("attempts %v, %v", attempts, err)
	}
	t.Run("RetryByHand", func(t *testing.T) {
		if err := db.RetryMessage(ctx, m.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.RetryMessage(ctx, m.ID), communique.ECONFLICT)
		wantCode(t, db.RetryMessage(ctx, 999999), communique.ENOTFOUND)
		again := claim()
		if err := db.CompleteMessage(ctx, again.ID, again.ClaimToken, "250 OK"); err != nil {
			t.Fatal(err)
		}
		got, _ := db.FindMessageByID(ctx, m.ID)
		if got.Status != communique.MessageSent || got.SentAt.IsZero() || got.LastError != "" {
			t.Fatalf("after the retry: %+v", got)
		}
	})
	t.Run("ErrUnknownKind", func(t *testing.T) {
		wantCode(t, db.EnqueueMessages(ctx, []*communique.OutboxMessage{{Kind: "pigeon", Recipient: "x", Body: "x"}}), communique.EINVALID)
	})
}

func testWebhooks(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	h := &communique.Webhook{URL: "https://hooks.example.com/in", Secret: "0123456789abcdef0123", Events: []string{communique.EventPostPublished, communique.EventCommentCreated}}
	if err := db.CreateWebhook(ctx, h); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindWebhookByID(ctx, h.ID)
	if err != nil || got.URL != h.URL || got.Secret != h.Secret || len(got.Events) != 2 || !got.Wants(communique.EventCommentCreated) || got.Wants(communique.EventPostUpdated) {
		t.Fatalf("found %+v, %v", got, err)
	}
	for name, bad := range map[string]*communique.Webhook{
		"ErrScheme":      {URL: "ftp://x.example.com/", Secret: h.Secret, Events: []string{communique.EventPostPublished}},
		"ErrNoEvents":    {URL: "https://x.example.com/", Secret: h.Secret},
		"ErrEvent":       {URL: "https://x.example.com/", Secret: h.Secret, Events: []string{"user.deleted"}},
		"ErrShortSecret": {URL: "https://x.example.com/", Secret: "short", Events: []string{communique.EventPostPublished}},
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, db.CreateWebhook(ctx, bad), communique.EINVALID) })
	}
	msg := &communique.OutboxMessage{Kind: communique.MessageWebhook, Recipient: h.URL, WebhookID: h.ID, Event: communique.EventPostPublished, Subject: communique.EventPostPublished, Body: `{}`}
	if err := db.EnqueueMessages(ctx, []*communique.OutboxMessage{msg}); err != nil {
		t.Fatal(err)
	}
	claimed, _ := db.ClaimMessages(ctx, 10, time.Minute)
	if len(claimed) != 1 || claimed[0].WebhookID != h.ID || claimed[0].Kind != communique.MessageWebhook {
		t.Fatalf("claimed %+v", claimed)
	}
	db.FailMessage(ctx, claimed[0].ID, claimed[0].ClaimToken, "HTTP 500", time.Now().Add(time.Hour))
	if log, err := db.FindDeliveryAttempts(ctx, 0, h.ID, 10); err != nil || len(log) != 1 || log[0].Detail != "HTTP 500" {
		t.Fatalf("webhook log %v, %v", log, err)
	}
	if list, total, _ := db.FindMessages(ctx, communique.OutboxFilter{WebhookID: h.ID}); total != 1 || len(list) != 1 {
		t.Fatalf("webhook messages: %d", total)
	}
	if err := db.DeleteWebhook(ctx, h.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteWebhook(ctx, h.ID), communique.ENOTFOUND)
	if _, err := db.FindWebhookByID(ctx, h.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Fatalf("deleted webhook found: %v", err)
	}
	if _, total, _ := db.FindMessages(ctx, communique.OutboxFilter{}); total != 0 {
		t.Fatalf("a deleted webhook's messages stay: %d", total)
	}
}

func testSubscriptions(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	u := MustCreateUser(t, db, "subauthor", communique.RoleAuthor)
	a := MustCreateArticle(t, db, u, "Followed", "x")
	b := MustCreateArticle(t, db, u, "Other", "x")
	reqs := []communique.SubscriptionRequest{{Topic: communique.TopicComments, ArticleID: a.ID}, {Topic: communique.TopicPosts}}
	sub, pending, send, err := db.RequestSubscriptions(ctx, "Reader@Example.com", reqs, "nonce-1", now.Add(-time.Hour))
	if err != nil || !send || len(pending) != 2 || sub.Email != "reader@example.com" || sub.ConfirmNonce != "nonce-1" || sub.ManageNonce == "" {
		t.Fatalf("request: %+v %v %v %v", sub, pending, send, err)
	}
	if pending[0].ArticleTitle != "Followed" || pending[0].Status != communique.SubscriptionPending {
		t.Fatalf("pending %+v", pending[0])
	}
	t.Run("NoSecondMailSoon", func(t *testing.T) {
		set(now.Add(5 * time.Minute))
		sub2, pending, send, err := db.RequestSubscriptions(ctx, "reader@example.com",
			[]communique.SubscriptionRequest{{Topic: communique.TopicComments, ArticleID: b.ID}}, "nonce-2", now.Add(5*time.Minute-time.Hour))
		if err != nil || send || len(pending) != 3 || sub2.ID != sub.ID || sub2.ConfirmNonce != "nonce-1" {
			t.Fatalf("request again: %+v %d %v %v", sub2, len(pending), send, err)
		}
	})
	t.Run("ErrForgedNonce", func(t *testing.T) {
		_, err := db.ConfirmSubscriber(ctx, sub.ID, "nonce-2", func() string { return "x" })
		wantCode(t, err, communique.ENOTFOUND)
		_, err = db.ConfirmSubscriber(ctx, sub.ID, "", func() string { return "x" })
		wantCode(t, err, communique.ENOTFOUND)
	})
	n := 0
	gen := func() string { n++; return fmt.Sprintf("unsub-%d", n) }
	active, err := db.ConfirmSubscriber(ctx, sub.ID, "nonce-1", gen)
	if err != nil || len(active) != 3 || active[0].Status != communique.SubscriptionActive || active[0].Nonce != "unsub-1" {
		t.Fatalf("confirm: %v, %v", active, err)
	}
	t.Run("ErrConfirmTwice", func(t *testing.T) {
		_, err := db.ConfirmSubscriber(ctx, sub.ID, "nonce-1", gen)
		wantCode(t, err, communique.ENOTFOUND)
	})
	followers, err := db.FindSubscriptions(ctx, communique.SubscriptionFilter{Topic: communique.TopicComments, ArticleID: a.ID, Status: communique.SubscriptionActive})
	if err != nil || len(followers) != 1 || followers[0].Email != "reader@example.com" {
		t.Fatalf("followers %v, %v", followers, err)
	}
	t.Run("ActiveStaysActive", func(t *testing.T) {
		_, pending, send, err := db.RequestSubscriptions(ctx, "reader@example.com", reqs, "nonce-3", now.Add(time.Hour))
		if err != nil || send || len(pending) != 0 {
			t.Fatalf("request for active topics: %d pending, send %v, %v", len(pending), send, err)
		}
	})
	t.Run("Unsubscribe", func(t *testing.T) {
		_, err := db.Unsubscribe(ctx, active[0].ID, "unsub-2")
		wantCode(t, err, communique.ENOTFOUND)
		gone, err := db.Unsubscribe(ctx, active[0].ID, "unsub-1")
		if err != nil || gone.ID != active[0].ID {
			t.Fatalf("unsubscribe: %v, %v", gone, err)
		}
		_, err = db.Unsubscribe(ctx, active[0].ID, "unsub-1")
		wantCode(t, err, communique.ENOTFOUND)
		if _, err := db.FindSubscriberByID(ctx, sub.ID); err != nil {
			t.Fatalf("subscriber with subscriptions left is gone: %v", err)
		}
		for _, s := range active[1:] {
			if _, err := db.Unsubscribe(ctx, s.ID, s.Nonce); err != nil {
				t.Fatal(err)
			}
		}
		_, err = db.FindSubscriberByID(ctx, sub.ID)
		wantCode(t, err, communique.ENOTFOUND)
	})
	t.Run("ArticleDeleted", func(t *testing.T) {
		_, _, _, err := db.RequestSubscriptions(ctx, "other@example.com", []communique.SubscriptionRequest{{Topic: communique.TopicComments, ArticleID: b.ID}}, "n", now)
		if err != nil {
			t.Fatal(err)
		}
		if err := newsroom.New(db).Delete(ctx, newsroom.System, b.ID); err != nil {
			t.Fatal(err)
		}
		if left, _ := db.FindSubscriptions(ctx, communique.SubscriptionFilter{ArticleID: b.ID}); len(left) != 0 {
			t.Fatalf("subscriptions to a deleted article: %d", len(left))
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, _, _, err := db.RequestSubscriptions(ctx, "not an address", reqs, "n", now)
		wantCode(t, err, communique.EINVALID)
		_, _, _, err = db.RequestSubscriptions(ctx, "x@example.com", []communique.SubscriptionRequest{{Topic: "everything"}}, "n", now)
		wantCode(t, err, communique.EINVALID)
	})
}

func testPasswordResets(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	u := MustCreateUser(t, db, "forgetful", communique.RoleEditor)
	if err := db.CreateSession(ctx, &communique.Session{ID: "s1", UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"hash-a", "hash-b"} {
		if err := db.CreatePasswordReset(ctx, &communique.PasswordReset{TokenHash: h, UserID: u.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.CountPasswordResets(ctx, u.ID, now.Add(-time.Hour)); err != nil || n != 2 {
		t.Fatalf("count %d, %v", n, err)
	}
	if r, err := db.FindPasswordReset(ctx, "hash-a"); err != nil || r.UserID != u.ID {
		t.Fatalf("find %v, %v", r, err)
	}
	_, err := db.FindPasswordReset(ctx, "hash-unknown")
	wantCode(t, err, communique.ENOTFOUND)
	id, err := db.ResetPassword(ctx, "hash-a", "$argon2id$new")
	if err != nil || id != u.ID {
		t.Fatalf("reset %d, %v", id, err)
	}
	got, _ := db.FindUserByID(ctx, u.ID)
	if got.PasswordHash != "$argon2id$new" {
		t.Fatalf("password hash %q", got.PasswordHash)
	}
	if _, err := db.FindSession(ctx, "s1"); communique.ErrorCode(err) != communique.ENOTFOUND {
		t.Fatalf("session survived a reset: %v", err)
	}
	t.Run("ErrUsedTwice", func(t *testing.T) {
		_, err := db.ResetPassword(ctx, "hash-a", "$argon2id$again")
		wantCode(t, err, communique.ENOTFOUND)
	})
	t.Run("ErrOtherLinksEnd", func(t *testing.T) {
		_, err := db.ResetPassword(ctx, "hash-b", "$argon2id$again")
		wantCode(t, err, communique.ENOTFOUND)
	})
	t.Run("ErrExpired", func(t *testing.T) {
		db.CreatePasswordReset(ctx, &communique.PasswordReset{TokenHash: "hash-c", UserID: u.ID, ExpiresAt: now.Add(time.Hour)})
		set(now.Add(2 * time.Hour))
		_, err := db.FindPasswordReset(ctx, "hash-c")
		wantCode(t, err, communique.ENOTFOUND)
		_, err = db.ResetPassword(ctx, "hash-c", "$argon2id$late")
		wantCode(t, err, communique.ENOTFOUND)
	})
}

func testPublishDueIDs(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	set := fixedClock(db, now)
	u := MustCreateUser(t, db, "planner", communique.RoleEditor)
	var want []int64
	for i := 0; i < 3; i++ {
		a := &communique.Article{Title: fmt.Sprintf("Later %d", i), Source: "x", AuthorID: u.ID, Status: communique.StatusScheduled, PublishedAt: now.Add(time.Duration(i+1) * time.Hour)}
		if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			want = append(want, a.ID)
		}
	}
	if ids, err := db.PublishDueIDs(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("early: %v, %v", ids, err)
	}
	set(now.Add(2 * time.Hour))
	// Nodes racing: each article is returned by exactly one call.
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := db.PublishDueIDs(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			for _, id := range ids {
				seen[id]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != 2 || seen[want[0]] != 1 || seen[want[1]] != 1 {
		t.Fatalf("published %v, want each of %v once", seen, want)
	}
	got, _ := db.FindArticleByID(ctx, want[0])
	if got.Status != communique.StatusPublished {
		t.Fatalf("status %q", got.Status)
	}
}
