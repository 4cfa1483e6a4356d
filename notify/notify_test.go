package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique"
	"communique/mail"
	"communique/mail/mailtest"
	"communique/newsroom"
	"communique/notify"
	"communique/outbound"
	"communique/outbound/outboundtest"
	"communique/sqlstore"
	"communique/storetest"
)

func TestCommentNotifications(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mustSet(t, db, "comment_moderation", "true")
		held := f.post(t, "Eve Ångström", "eve@example.org", "First!\nA second line.", 0)
		if held.Status != communique.CommentPending {
			t.Fatalf("status %q, want pending", held.Status)
		}
		// Posting only wrote to the outbox; nothing was sent yet.
		if n := len(f.smtp.Messages()); n != 0 {
			t.Fatalf("%d messages sent while the page was answered", n)
		}
		f.deliver(t)
		msgs := f.smtp.Messages()
		t.Run("ModeratorsHearOfHeldComment", func(t *testing.T) {
			for _, u := range []*communique.User{f.admin, f.editor} {
				got := to(msgs, u.Email)
				if len(got) != 1 {
					t.Fatalf("%s got %d messages", u.Login, len(got))
				}
				r := checkHeaders(t, got[0], u.Email)
				if r.Subject != "[The Daily Planet] Please moderate: “Bridge reopens”" {
					t.Errorf("subject %q", r.Subject)
				}
				ref := fmt.Sprintf("<article-%d@news.example.com>", f.article.ID)
				if r.Header.Get("In-Reply-To") != ref || r.Header.Get("References") != ref {
					t.Errorf("threading: In-Reply-To %q References %q", r.Header.Get("In-Reply-To"), r.Header.Get("References"))
				}
				if !strings.HasPrefix(r.Header.Get("Message-ID"), fmt.Sprintf("<comment-%d.", held.ID)) {
					t.Errorf("Message-ID %q", r.Header.Get("Message-ID"))
				}
				for _, want := range []string{"Eve Ångström", "eve@example.org", "203.0.113.7", "First!\nA second line.", "Comments waiting for approval: 1."} {
					if !strings.Contains(r.Text, want) {
						t.Errorf("text lacks %q:\n%s", want, r.Text)
					}
				}
				if l := link(t, r.Text, "/admin/comments"); l != "https://news.example.com/admin/comments?status=pending" {
					t.Errorf("moderation link %q", l)
				}
				link(t, r.Text, fmt.Sprintf("/admin/comments/%d/edit", held.ID))
				if !strings.Contains(r.HTML, "First!\nA second line.") || !strings.Contains(r.HTML, `href="https://news.example.com/admin/comments?status=pending"`) {
					t.Errorf("html:\n%s", r.HTML)
				}
			}
			for _, u := range []*communique.User{f.author, f.reader} {
				if got := to(msgs, u.Email); len(got) != 0 {
					t.Errorf("%s (cannot moderate) got %d messages", u.Login, len(got))
				}
			}
		})
		t.Run("AuthorHearsOnceApproved", func(t *testing.T) {
			if err := f.talk.Moderate(ctx, communique.System(), held.ID, communique.CommentApproved); err != nil {
				t.Fatal(err)
			}
			f.deliver(t)
			got := to(f.smtp.Messages(), f.author.Email)
			if len(got) != 1 {
				t.Fatalf("author got %d messages", len(got))
			}
			r := checkHeaders(t, got[0], f.author.Email)
			if r.Subject != "[The Daily Planet] Comment: “Bridge reopens”" || !strings.Contains(r.Text, "Eve Ångström commented on your article") {
				t.Errorf("subject %q text:\n%s", r.Subject, r.Text)
			}
			if strings.Contains(r.Text, "eve@example.org") || strings.Contains(r.Text, "203.0.113.7") {
				t.Error("the author's message shows the commenter's email or IP")
			}
			wantURL := "https://news.example.com" + communique.ArticlePath(f.article, communique.ParseSettings(nil), nil) + fmt.Sprintf("#comment-%d", held.ID)
			if l := link(t, r.Text, "/2"); l != wantURL {
				t.Errorf("comment link %q, want %q", l, wantURL)
			}
			// Approving again tells nobody again.
			before := len(f.smtp.Messages())
			f.talk.Moderate(ctx, communique.System(), held.ID, communique.CommentApproved)
			f.deliver(t)
			if len(f.smtp.Messages()) != before {
				t.Error("a second approval sent messages again")
			}
		})
		t.Run("SettingsOff", func(t *testing.T) {
			mustSet(t, db, "notify_moderators", "false", "notify_authors", "false")
			before := len(f.smtp.Messages())
			c := f.post(t, "Mallory", "mallory@example.org", "Held again", 0)
			f.talk.Moderate(ctx, communique.System(), c.ID, communique.CommentApproved)
			f.deliver(t)
			if n := len(f.smtp.Messages()) - before; n != 0 {
				t.Errorf("%d messages with notifications off", n)
			}
		})
		t.Run("SpamTellsNobody", func(t *testing.T) {
			mustSet(t, db, "notify_moderators", "true", "disallowed_keys", "casino", "disallowed_status", "spam")
			before := len(f.smtp.Messages())
			c := f.post(t, "Spammer", "spam@example.org", "Best casino", 0)
			if c.Status != communique.CommentSpam {
				t.Fatalf("status %q", c.Status)
			}
			f.deliver(t)
			if n := len(f.smtp.Messages()) - before; n != 0 {
				t.Errorf("spam sent %d messages", n)
			}
		})
	})
}

func TestNoHeaderInjectionFromCommenter(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mustSet(t, db, "comment_moderation", "true")
		// The form refuses such a name; an import or an API might not, so
		// the store gets it directly.
		c := &communique.Comment{ArticleID: f.article.ID, AuthorName: "Eve\r\nBcc: victim@example.net\r\nSubject: pwned",
			AuthorEmail: "eve@example.org", AuthorURL: "https://eve.example/\r\nX-Evil: 1", Text: "Hi\r\nBcc: victim@example.net",
			HTML: "<p>Hi</p>", Status: communique.CommentPending, Type: communique.CommentTypeComment}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		f.svc.CommentPosted(ctx, c)
		db.SetCommentStatus(ctx, c.ID, communique.CommentApproved)
		c.Status = communique.CommentApproved
		f.svc.CommentApproved(ctx, c)
		f.deliver(t)
		msgs := f.smtp.Messages()
		if len(msgs) != 3 {
			t.Fatalf("%d messages, want 3 (two moderators, the author)", len(msgs))
		}
		for _, m := range msgs {
			for _, rcpt := range m.To {
				if rcpt == "victim@example.net" {
					t.Fatal("a commenter added a recipient")
				}
			}
			r := m.Read(t)
			if r.Header.Get("Bcc") != "" || r.Header.Get("X-Evil") != "" || strings.Contains(r.Subject, "pwned") {
				t.Fatalf("injected header in:\n%s", m.Data)
			}
		}
	})
}

func TestSubscriptions(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		const reader = "Reader@Example.org"
		if err := f.svc.Subscribe(ctx, reader, f.article.ID, true, true); err != nil {
			t.Fatal(err)
		}
		f.deliver(t)
		got := to(f.smtp.Messages(), "reader@example.org")
		if len(got) != 1 {
			t.Fatalf("%d confirmation messages", len(got))
		}
		r := checkHeaders(t, got[0], "reader@example.org")
		if r.Subject != "[The Daily Planet] Please confirm your subscription" ||
			!strings.Contains(r.Text, "new comments on “Bridge reopens”") || !strings.Contains(r.Text, "new articles") {
			t.Fatalf("confirmation %q:\n%s", r.Subject, r.Text)
		}
		confirmLink := link(t, r.Text, "/subscriptions/confirm?token=")
		token := tokenOf(t, confirmLink)

		t.Run("NoSecondConfirmationSoon", func(t *testing.T) {
			f.svc.Subscribe(ctx, reader, f.article.ID, true, false)
			f.deliver(t)
			if n := len(to(f.smtp.Messages(), "reader@example.org")); n != 1 {
				t.Fatalf("%d messages: the form can flood an inbox", n)
			}
		})
		t.Run("NothingBeforeConfirmation", func(t *testing.T) {
			before := len(f.smtp.Messages())
			f.post(t, "Lois", f.editor.Email, "Unconfirmed readers hear nothing.", 0)
			f.deliver(t)
			if got := to(f.smtp.Messages()[before:], "reader@example.org"); len(got) != 0 {
				t.Fatal("an unconfirmed address got a notification")
			}
		})
		t.Run("ErrForgedToken", func(t *testing.T) {
			for _, bad := range []string{"", "x", token + "x", strings.Replace(token, ".", "A.", 1), forge(token)} {
				if _, err := f.svc.Confirm(ctx, bad); !errors.Is(err, notify.ErrInvalidLink) {
					t.Fatalf("token %q: %v", bad, err)
				}
			}
		})
		pending, err := f.svc.PendingConfirmation(ctx, token)
		if err != nil || len(pending) != 2 {
			t.Fatalf("pending %v, %v", pending, err)
		}
		active, err := f.svc.Confirm(ctx, token)
		if err != nil || len(active) != 2 {
			t.Fatalf("confirm: %v, %v", active, err)
		}
		t.Run("ErrReusedToken", func(t *testing.T) {
			if _, err := f.svc.Confirm(ctx, token); !errors.Is(err, notify.ErrInvalidLink) {
				t.Fatalf("second confirmation: %v", err)
			}
			if _, err := f.svc.PendingConfirmation(ctx, token); !errors.Is(err, notify.ErrInvalidLink) {
				t.Fatalf("pending after confirmation: %v", err)
			}
		})

		before := len(f.smtp.Messages())
		reply := f.post(t, "Lois Lane", f.editor.Email, "Confirmed readers hear this.", 0)
		// The reader's own comment is not sent back to them.
		f.post(t, "Reader", reader, "My own comment.", 0)
		f.deliver(t)
		got = to(f.smtp.Messages()[before:], "reader@example.org")
		if len(got) != 1 {
			t.Fatalf("follower got %d messages, want 1", len(got))
		}
		r = checkHeaders(t, got[0], "reader@example.org")
		if r.Subject != "[The Daily Planet] New comment on “Bridge reopens”" || !strings.Contains(r.Text, "Confirmed readers hear this.") {
			t.Fatalf("follow-up %q:\n%s", r.Subject, r.Text)
		}
		if !strings.HasPrefix(r.Header.Get("Message-ID"), fmt.Sprintf("<comment-%d.", reply.ID)) ||
			r.Header.Get("References") != fmt.Sprintf("<article-%d@news.example.com>", f.article.ID) {
			t.Errorf("threading: %q %q", r.Header.Get("Message-ID"), r.Header.Get("References"))
		}
		if r.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post %q", r.Header.Get("List-Unsubscribe-Post"))
		}
		lu := r.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<https://news.example.com/subscriptions/unsubscribe?token=") || !strings.HasSuffix(lu, ">") {
			t.Fatalf("List-Unsubscribe %q", lu)
		}
		if r.Header.Get("List-Id") != "<comments.news.example.com>" {
			t.Errorf("List-Id %q", r.Header.Get("List-Id"))
		}
		manage := link(t, r.Text, "/subscriptions/manage?token=")
		if link(t, r.Text, "/subscriptions/unsubscribe?token=") != strings.Trim(lu, "<>") {
			t.Error("the body's unsubscribe link differs from List-Unsubscribe")
		}
		if !strings.Contains(r.HTML, "/subscriptions/manage?token=") {
			t.Error("no manage link in the HTML part")
		}

		t.Run("ManagePage", func(t *testing.T) {
			list, err := f.svc.Manage(ctx, tokenOf(t, manage))
			if err != nil || len(list) != 2 {
				t.Fatalf("manage: %v, %v", list, err)
			}
			if _, err := f.svc.Manage(ctx, forge(tokenOf(t, manage))); !errors.Is(err, notify.ErrInvalidLink) {
				t.Fatalf("forged manage token: %v", err)
			}
		})
		t.Run("NewArticle", func(t *testing.T) {
			before := len(f.smtp.Messages())
			a := &communique.Article{Title: "Election night", Source: "Results are in.", AuthorID: f.author.ID, Status: communique.StatusPublished, CommentsOpen: true}
			if err := newsroom.New(db).Create(ctx, newsroom.System, a, nil, nil); err != nil {
				t.Fatal(err)
			}
			f.svc.ArticleSaved(ctx, nil, a)
			f.deliver(t)
			got := to(f.smtp.Messages()[before:], "reader@example.org")
			if len(got) != 1 {
				t.Fatalf("%d messages about the new article", len(got))
			}
			r := checkHeaders(t, got[0], "reader@example.org")
			if r.Subject != "[The Daily Planet] Election night" || !strings.Contains(r.Text, "Results are in.") ||
				r.Header.Get("List-Id") != "<posts.news.example.com>" || r.Header.Get("List-Unsubscribe-Post") == "" {
				t.Fatalf("new article %q:\n%s", r.Subject, r.Text)
			}
			// Saving it again is an update: no second email.
			f.svc.ArticleSaved(ctx, a, a)
			f.deliver(t)
			if n := len(to(f.smtp.Messages()[before:], "reader@example.org")); n != 1 {
				t.Fatalf("an update emailed subscribers (%d messages)", n)
			}
		})
		t.Run("OneClickUnsubscribe", func(t *testing.T) {
			tok := tokenOf(t, strings.Trim(lu, "<>"))
			sub, err := f.svc.PendingUnsubscribe(ctx, tok)
			if err != nil || sub.Topic != communique.TopicComments {
				t.Fatalf("pending unsubscribe: %v, %v", sub, err)
			}
			if _, err := f.svc.Unsubscribe(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Unsubscribe(ctx, tok); !errors.Is(err, notify.ErrInvalidLink) {
				t.Fatalf("reused unsubscribe token: %v", err)
			}
			before := len(f.smtp.Messages())
			f.post(t, "Lois Lane", f.editor.Email, "After unsubscribing.", 0)
			f.deliver(t)
			if got := to(f.smtp.Messages()[before:], "reader@example.org"); len(got) != 0 {
				t.Fatal("a message after unsubscribing")
			}
			n, err := f.svc.UnsubscribeAll(ctx, tokenOf(t, manage))
			if err != nil || n != 1 {
				t.Fatalf("unsubscribe all: %d, %v", n, err)
			}
			if _, err := f.svc.Manage(ctx, tokenOf(t, manage)); !errors.Is(err, notify.ErrInvalidLink) {
				t.Fatalf("manage link of a forgotten address: %v", err)
			}
		})
	})
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("token") == "" {
		t.Fatalf("no token in %q", link)
	}
	return u.Query().Get("token")
}

// forge changes the id inside a token and keeps its signature.
func forge(token string) string {
	payload, sig, _ := strings.Cut(token, ".")
	b, _ := base64Decode(payload)
	parts := strings.Split(string(b), ".")
	parts[1] = "1" + parts[1]
	return base64Encode([]byte(strings.Join(parts, "."))) + "." + sig
}

func TestRetriesThenFailure(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		var busy atomic.Int32
		f.smtp.Reject = func(rcpt string) error {
			switch {
			case rcpt == "bounce@example.org":
				return mailtest.Bounce
			case rcpt == "flaky@example.org" && busy.Add(1) <= 2:
				return mailtest.Busy
			}
			return nil
		}
		for _, addr := range []string{"bounce@example.org", "flaky@example.org"} {
			if err := f.svc.Subscribe(ctx, addr, f.article.ID, true, false); err != nil {
				t.Fatal(err)
			}
		}
		f.deliver(t)
		list, _, err := db.FindMessages(ctx, communique.OutboxFilter{})
		if err != nil || len(list) != 2 {
			t.Fatalf("messages %v, %v", list, err)
		}
		for _, m := range list {
			attempts, _ := db.FindDeliveryAttempts(ctx, m.ID, 0, 10)
			switch m.Recipient {
			case "bounce@example.org":
				if m.Status != communique.MessageFailed || m.Attempts != 3 || !strings.Contains(m.LastError, "550") || !strings.Contains(m.LastError, "No such user") {
					t.Errorf("bounced message: %+v", m)
				}
				if len(attempts) != 3 {
					t.Errorf("bounce attempts logged: %d", len(attempts))
				}
			case "flaky@example.org":
				if m.Status != communique.MessageSent || m.Attempts != 3 {
					t.Errorf("flaky message: %+v", m)
				}
				if len(attempts) != 3 || !attempts[0].OK || attempts[1].OK || !strings.Contains(attempts[1].Detail, "451") {
					t.Errorf("flaky attempts: %+v", attempts)
				}
			}
		}
		if got := to(f.smtp.Messages(), "flaky@example.org"); len(got) != 1 {
			t.Errorf("flaky address got %d messages, want exactly 1", len(got))
		}
		if !strings.Contains(f.logs.String(), "outbox: delivery failed") {
			t.Error("failures not logged")
		}
	})
}

func TestServerDownKeepsMessages(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		sender, _ := mail.ParseURL("smtp://127.0.0.1:1")
		f.worker.Mailer = sender
		f.worker.MaxAttempts = 10
		f.worker.Backoff, f.worker.MaxBackoff = time.Hour, time.Hour
		f.svc.Subscribe(ctx, "someone@example.org", 0, false, true)
		if _, err := f.worker.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		list, _, _ := db.FindMessages(ctx, communique.OutboxFilter{})
		if len(list) != 1 || list[0].Status != communique.MessagePending || list[0].LastError == "" || !list[0].NextAttemptAt.After(time.Now().Add(50*time.Minute)) {
			t.Fatalf("after a refused connection: %+v", list[0])
		}
	})
}

func TestExactlyOnceAcrossNodes(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		db := place.Open(t)
		ctx := context.Background()
		f := newFixture(t, db)
		var msgs []*communique.OutboxMessage
		for i := 0; i < 50; i++ {
			m := &mail.Message{From: mail.Address{Address: "news@example.com"}, To: []mail.Address{{Address: fmt.Sprintf("r%02d@example.org", i)}},
				Subject: fmt.Sprintf("Message %d", i), Text: "hello"}
			raw, err := m.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, &communique.OutboxMessage{Kind: communique.MessageEmail, Sender: "news@example.com", Recipient: m.To[0].Address, Subject: m.Subject, Body: string(raw)})
		}
		if err := db.EnqueueMessages(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		// Two nodes: two store handles on the same database, two workers.
		var wg sync.WaitGroup
		for _, store := range []*sqlstore.DB{db, place.Open(t)} {
			w := notify.NewWorker(store, f.worker.Mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
			w.Batch = 3
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if n == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		got := f.smtp.Messages()
		if len(got) != 50 {
			t.Fatalf("the SMTP server received %d messages, want 50", len(got))
		}
		seen := map[string]int{}
		for _, m := range got {
			seen[m.To[0]]++
		}
		for rcpt, n := range seen {
			if n != 1 {
				t.Errorf("%s received %d copies", rcpt, n)
			}
		}
		if counts, _ := db.CountMessages(ctx); counts[communique.MessageSent] != 50 {
			t.Errorf("counts %v", counts)
		}
	})
}

func TestWebhooks(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		type call struct {
			header http.Header
			body   []byte
		}
		var mu sync.Mutex
		var calls []call
		secret, otherSecret := notify.NewWebhookSecret(), notify.NewWebhookSecret()
		var failures atomic.Int32
		failures.Store(2)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			calls = append(calls, call{r.Header.Clone(), body})
			mu.Unlock()
			key := map[string]string{"/hook": secret, "/other": otherSecret}[r.URL.Path]
			if !notify.Verify(key, body, r.Header.Get(notify.SignatureHeader)) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			if r.URL.Path == "/hook" && failures.Add(-1) >= 0 {
				http.Error(w, "not yet", http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}))
		defer receiver.Close()
		h := &communique.Webhook{URL: receiver.URL + "/hook", Secret: secret, Events: []string{communique.EventPostPublished, communique.EventCommentApproved}}
		if err := db.CreateWebhook(ctx, h); err != nil {
			t.Fatal(err)
		}
		other := &communique.Webhook{URL: receiver.URL + "/other", Secret: otherSecret, Events: []string{communique.EventCommentCreated}}
		if err := db.CreateWebhook(ctx, other); err != nil {
			t.Fatal(err)
		}
		f.svc.ArticleSaved(ctx, nil, f.article)
		f.deliver(t)
		mu.Lock()
		got := append([]call(nil), calls...)
		mu.Unlock()
		if len(got) != 3 {
			t.Fatalf("%d calls, want 3 (two failures, then success)", len(got))
		}
		for _, c := range got {
			if !notify.Verify(secret, c.body, c.header.Get(notify.SignatureHeader)) || !strings.HasPrefix(c.header.Get(notify.SignatureHeader), "sha256=") {
				t.Fatalf("signature %q", c.header.Get(notify.SignatureHeader))
			}
			if c.header.Get("X-Communique-Event") != communique.EventPostPublished || c.header.Get("Content-Type") != "application/json" {
				t.Fatalf("headers %v", c.header)
			}
		}
		if string(got[0].body) != string(got[2].body) {
			t.Fatal("a retry changed the body")
		}
		var ev struct {
			ID    string          `json:"id"`
			Event string          `json:"event"`
			Site  string          `json:"site"`
			Data  notify.PostData `json:"data"`
		}
		if err := json.Unmarshal(got[2].body, &ev); err != nil || ev.Event != communique.EventPostPublished || ev.ID == "" ||
			ev.Data.ID != f.article.ID || ev.Data.Title != "Bridge reopens" || !strings.HasPrefix(ev.Data.URL, "https://news.example.com/") {
			t.Fatalf("body %s, %v", got[2].body, err)
		}
		log, err := db.FindDeliveryAttempts(ctx, 0, h.ID, 10)
		if err != nil || len(log) != 3 || !log[0].OK || log[1].OK || !strings.Contains(log[1].Detail, "500") || !strings.Contains(log[0].Detail, "204") {
			t.Fatalf("delivery log %+v, %v", log, err)
		}

		t.Run("CommentEvents", func(t *testing.T) {
			mu.Lock()
			calls = nil
			mu.Unlock()
			mustSet(t, db, "comment_moderation", "true")
			c := f.post(t, "Eve", "eve@example.org", "Webhooks never carry my email.", 0)
			f.talk.Moderate(ctx, communique.System(), c.ID, communique.CommentApproved)
			f.deliver(t)
			mu.Lock()
			defer mu.Unlock()
			paths := map[string]string{}
			for _, c := range calls {
				key := map[string]string{communique.EventCommentCreated: otherSecret, communique.EventCommentApproved: secret}[c.header.Get("X-Communique-Event")]
				if !notify.Verify(key, c.body, c.header.Get(notify.SignatureHeader)) {
					t.Fatalf("bad signature on %s", c.header.Get("X-Communique-Event"))
				}
				if strings.Contains(string(c.body), "eve@example.org") || strings.Contains(string(c.body), "203.0.113.7") {
					t.Fatalf("a webhook body holds private data: %s", c.body)
				}
				paths[c.header.Get("X-Communique-Event")] = string(c.body)
			}
			if !strings.Contains(paths[communique.EventCommentCreated], `"status":"pending"`) || !strings.Contains(paths[communique.EventCommentApproved], `"status":"approved"`) {
				t.Fatalf("comment events %v", paths)
			}
		})
		t.Run("GivesUp", func(t *testing.T) {
			dead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) }))
			dead.Close()
			d := &communique.Webhook{URL: dead.URL, Secret: notify.NewWebhookSecret(), Events: []string{communique.EventPostUpdated}}
			db.CreateWebhook(ctx, d)
			f.svc.ArticleSaved(ctx, f.article, f.article)
			f.deliver(t)
			list, _, _ := db.FindMessages(ctx, communique.OutboxFilter{WebhookID: d.ID})
			if len(list) != 1 || list[0].Status != communique.MessageFailed || list[0].Attempts != 3 || list[0].LastError == "" {
				t.Fatalf("dead webhook: %+v", list)
			}
		})
	})
}

func TestPasswordReset(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		for _, login := range []string{"nobody", "nobody@example.com", ""} {
			if err := f.svc.RequestPasswordReset(ctx, login); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.RequestPasswordReset(ctx, "LOIS"); err != nil {
			t.Fatal(err)
		}
		f.deliver(t)
		msgs := f.smtp.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1 (unknown logins get none)", len(msgs))
		}
		r := checkHeaders(t, msgs[0], f.editor.Email)
		if r.Subject != "[The Daily Planet] Password reset" || !strings.Contains(r.Text, "“lois”") {
			t.Fatalf("reset %q:\n%s", r.Subject, r.Text)
		}
		token := tokenOf(t, link(t, r.Text, "/admin/reset-password?token="))
		if u, err := f.svc.PasswordResetUser(ctx, token); err != nil || u.ID != f.editor.ID {
			t.Fatalf("reset user %v, %v", u, err)
		}
		if _, err := f.svc.ResetPassword(ctx, token, "$argon2id$new"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ResetPassword(ctx, token, "$argon2id$again"); !errors.Is(err, notify.ErrInvalidLink) {
			t.Fatalf("reused reset token: %v", err)
		}
		t.Run("Throttled", func(t *testing.T) {
			for i := 0; i < 5; i++ {
				f.svc.RequestPasswordReset(ctx, "lois@example.com")
			}
			f.deliver(t)
			if n := len(f.smtp.Messages()); n != 3 {
				t.Fatalf("%d reset messages in an hour, want 3", n)
			}
		})
	})
}

func TestLanguageAndLog(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		mustSet(t, db, "language", "fr-FR", "title", "L’Écho")
		logs := &logBuffer{}
		f.worker.Mailer = &notify.LogMailer{Logger: slog.New(slog.NewTextHandler(logs, nil))}
		f.svc.Subscribe(ctx, "lectrice@example.org", f.article.ID, true, false)
		f.deliver(t)
		out := logs.String()
		for _, want := range []string{"lectrice@example.org", "[L’Écho] Merci de confirmer votre abonnement", "/subscriptions/confirm?token="} {
			if !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
		}
		list, _, _ := db.FindMessages(ctx, communique.OutboxFilter{})
		m, _ := db.FindMessageByID(ctx, list[0].ID)
		r, err := mail.Read([]byte(m.Body))
		if err != nil || r.Header.Get("Content-Language") != "fr" || !strings.Contains(r.Text, "nouveaux commentaires sur « Bridge reopens »") ||
			!strings.Contains(m.Body, "Subject: =?utf-8?q?") {
			t.Fatalf("French message: %v\n%s", err, m.Body)
		}
		if list[0].Status != communique.MessageSent {
			t.Errorf("logged message status %q", list[0].Status)
		}
	})
}

// TestWebhookPolicy: webhooks go through package outbound's policy. A
// hook whose name resolves to a private address, or that is one, is
// never contacted and fails with the reason; a public one is called,
// and its answer is kept as the status line and a short escaped excerpt;
// a redirect is reported, never followed. The resolver and dialer are
// injected: nothing is resolved by the system or sent off loopback.
func TestWebhookPolicy(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		f.worker.MaxAttempts = 1
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/moved" {
				http.Redirect(w, r, "http://metadata.example/latest/", http.StatusFound)
				return
			}
			fmt.Fprint(w, "<script>alert('XSS')</script>\r\n"+strings.Repeat("internal secret ", 50))
		}))
		defer receiver.Close()
		n := &outboundtest.Network{Target: receiver.Listener.Addr().String(), Names: map[string][]string{
			"hooks.example": {"203.0.113.5"}, "hooks.internal.example": {"10.0.0.7"}, "metadata.example": {"169.254.169.254"}}}
		f.worker.HTTP = n.Client(outbound.Policy{})
		hooks := map[string]*communique.Webhook{}
		for name, u := range map[string]string{"public": "http://hooks.example/hook", "private": "http://hooks.internal.example/hook",
			"literal": "http://127.0.0.1:9/hook", "redirect": "http://hooks.example/moved"} {
			hooks[name] = &communique.Webhook{URL: u, Secret: notify.NewWebhookSecret(), Events: []string{communique.EventPostPublished}}
			if err := db.CreateWebhook(ctx, hooks[name]); err != nil {
				t.Fatal(err)
			}
		}
		f.svc.ArticleSaved(ctx, nil, f.article)
		f.deliver(t)
		want := map[string]struct {
			ok     bool
			detail string
		}{
			"public":   {true, `HTTP 200 OK: "<script>alert('XSS')</script> internal secret internal secret`},
			"private":  {false, "hooks.internal.example is 10.0.0.7, not a public address"},
			"literal":  {false, "127.0.0.1 is not a public address"},
			"redirect": {false, "HTTP 302 Found"},
		}
		for name, w := range want {
			log, err := db.FindDeliveryAttempts(ctx, 0, hooks[name].ID, 10)
			if err != nil || len(log) != 1 {
				t.Fatalf("%s: delivery log %+v, %v", name, log, err)
			}
			if log[0].OK != w.ok || !strings.Contains(log[0].Detail, w.detail) {
				t.Errorf("%s: logged ok=%v %q, want ok=%v and %q", name, log[0].OK, log[0].Detail, w.ok, w.detail)
			}
			if w.ok && len([]rune(log[0].Detail)) > 130 || strings.ContainsAny(log[0].Detail, "\r\n") {
				t.Errorf("%s: the log keeps too much of the answer: %q", name, log[0].Detail)
			}
		}
		// The public hook's connection may be reused for the redirecting
		// one; the redirect's target is never looked up.
		lookups, dials := n.Record()
		if len(dials) == 0 || slices.ContainsFunc(dials, func(d string) bool { return d != "203.0.113.5:80" }) ||
			!slices.Contains(lookups, "hooks.internal.example") || slices.Contains(lookups, "metadata.example") {
			t.Errorf("looked up %q, dialled %q: want only the public hook's address dialled", lookups, dials)
		}
	})
}
