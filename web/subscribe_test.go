package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/mail"
	"communique/mail/mailtest"
	"communique/notify"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// notifySite is the public site with notifications, a real SMTP server
// and the outbox worker.
type notifySite struct {
	URL    string
	db     *sqlstore.DB
	smtp   *mailtest.Server
	worker *notify.Worker
	client *http.Client
}

func newNotifySite(t *testing.T, db *sqlstore.DB) *notifySite {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := notify.New(ctx, db, logger)
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return fixedNow }
	srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, Notify: svc})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	for k, v := range map[string]string{"site_url": ts.URL, "comment_min_seconds": "0", "comment_flood_seconds": "0",
		"comment_previously_approved": "false", "mail_from": "News <news@example.com>"} {
		MustSet(t, db, k, v)
	}
	s := &notifySite{URL: ts.URL, db: db, smtp: mailtest.Start(t, mailtest.Options{})}
	sender, err := mail.ParseURL(s.smtp.URL)
	if err != nil {
		t.Fatal(err)
	}
	s.worker = notify.NewWorker(db, sender, logger)
	s.worker.Backoff = time.Millisecond
	// A client without cookies or redirects, as a mail client's
	// one-click POST is.
	s.client = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return s
}

func (s *notifySite) deliver(t *testing.T) {
	t.Helper()
	for i := 0; i < 100; i++ {
		n, err := s.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

var formTokenPattern = regexp.MustCompile(`name="comment_token" value="([^"]+)"`)

// comment posts the reply form as a browser would, boxes ticked or not.
func (s *notifySite) comment(t *testing.T, articlePath, name, email, text string, boxes ...string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: s.client.CheckRedirect}
	page := do(t, browser, http.MethodGet, s.URL+articlePath, nil, nil)
	m := formTokenPattern.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no comment form on %s", articlePath)
	}
	id := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindStringSubmatch(page.Body)
	form := url.Values{"comment_post_ID": {id[1]}, "comment_token": {m[1]}, "author": {name}, "email": {email}, "comment": {text}}
	for _, b := range boxes {
		form.Set(b, "subscribe")
	}
	res := do(t, browser, http.MethodPost, s.URL+"/comments", strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("comment POST: %d\n%s", res.Status, excerpt(res.Body))
	}
}

func (s *notifySite) post(t *testing.T, target string, form url.Values) response {
	t.Helper()
	return do(t, s.client, http.MethodPost, target, strings.NewReader(form.Encode()), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

func linkIn(t *testing.T, base, text, path string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(base+path) + `\?token=[A-Za-z0-9_.\-]+`).FindString(text)
	if m == "" {
		t.Fatalf("no %s link in:\n%s", path, text)
	}
	return m
}

func TestSubscriptionPages(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newNotifySite(t, db)
		author := storetest.MustCreateUser(t, db, "writer", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Harbour works", "The quay is closed.")
		path := communique.ArticlePath(a, communique.ParseSettings(nil), nil)
		const reader = "reader@example.org"

		page := do(t, s.client, http.MethodGet, s.URL+path, nil, nil)
		for _, want := range []string{`name="subscribe_comments"`, "Notify me of follow-up comments by email", `name="subscribe_blog"`, "Notify me of new posts by email"} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("the reply form lacks %q", want)
			}
		}

		s.comment(t, path, "Reader", reader, "Following this.", "subscribe_comments", "subscribe_blog")
		// The page answered before any mail went out: only the outbox
		// has the confirmation.
		if n := len(s.smtp.Messages()); n != 0 {
			t.Fatalf("%d messages sent during the request", n)
		}
		if counts, _ := db.CountMessages(ctx); counts[communique.MessagePending] == 0 {
			t.Fatalf("outbox %v: no pending confirmation", counts)
		}
		s.deliver(t)
		msgs := s.smtp.Wait(t, 1, 5*time.Second)
		var confirm string
		for _, m := range msgs {
			if m.To[0] == reader {
				confirm = linkIn(t, s.URL, m.Read(t).Text, "/subscriptions/confirm")
			}
		}
		if confirm == "" {
			t.Fatal("no confirmation for the reader")
		}
		active := func() int {
			list, _ := db.FindSubscriptions(ctx, communique.SubscriptionFilter{Status: communique.SubscriptionActive})
			return len(list)
		}

		t.Run("ConfirmPage", func(t *testing.T) {
			res := do(t, s.client, http.MethodGet, confirm, nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, "Confirm my subscription") ||
				!strings.Contains(res.Body, "New comments on “Harbour works”") || !strings.Contains(res.Body, "New articles") {
				t.Fatalf("confirm page %d:\n%s", res.Status, excerpt(res.Body))
			}
			if res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Body, `name="robots" content="noindex"`) {
				t.Errorf("confirm page headers %v", res.Header)
			}
			if n := active(); n != 0 {
				t.Fatalf("opening the link confirmed %d subscriptions; only the button may", n)
			}
		})
		token := strings.TrimPrefix(confirm, s.URL+"/subscriptions/confirm?token=")
		res := s.post(t, s.URL+"/subscriptions/confirm", url.Values{"token": {token}})
		if res.Status != 200 || !strings.Contains(res.Body, "Thank you") || active() != 2 {
			t.Fatalf("confirm: %d, %d active\n%s", res.Status, active(), excerpt(res.Body))
		}

		t.Run("ErrBadLinks", func(t *testing.T) {
			for name, tc := range map[string]struct{ method, target, token string }{
				"ConfirmReused":    {http.MethodPost, "/subscriptions/confirm", token},
				"ConfirmForged":    {http.MethodGet, "/subscriptions/confirm", token[:len(token)-2] + "AA"},
				"UnsubscribeForge": {http.MethodPost, "/subscriptions/unsubscribe", "bm90LmEudG9rZW4.AAAA"},
				"UnsubscribeEmpty": {http.MethodGet, "/subscriptions/unsubscribe", ""},
				"ManageWrongKind":  {http.MethodGet, "/subscriptions/manage", token},
			} {
				t.Run(name, func(t *testing.T) {
					before := active()
					var res response
					if tc.method == http.MethodGet {
						res = do(t, s.client, tc.method, s.URL+tc.target+"?token="+url.QueryEscape(tc.token), nil, nil)
					} else {
						res = s.post(t, s.URL+tc.target, url.Values{"token": {tc.token}})
					}
					if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "This link is not valid") || !strings.Contains(res.Body, "Nothing was changed.") {
						t.Fatalf("%d\n%s", res.Status, excerpt(res.Body))
					}
					if strings.Contains(res.Body, reader) {
						t.Fatal("the page shows the address")
					}
					if active() != before {
						t.Fatal("a bad link changed a subscription")
					}
				})
			}
		})

		before := len(s.smtp.Messages())
		s.comment(t, path, "Neighbour", "neighbour@example.org", "The quay reopens Monday.")
		s.deliver(t)
		var followUp *mail.Received
		for _, m := range s.smtp.Messages()[before:] {
			if m.To[0] == reader {
				followUp = m.Read(t)
			}
		}
		if followUp == nil || !strings.Contains(followUp.Text, "The quay reopens Monday.") {
			t.Fatal("no follow-up comment for the confirmed reader")
		}
		unsubscribe := strings.Trim(followUp.Header.Get("List-Unsubscribe"), "<>")
		manage := linkIn(t, s.URL, followUp.Text, "/subscriptions/manage")

		t.Run("UnsubscribePageChangesNothing", func(t *testing.T) {
			res := do(t, s.client, http.MethodGet, unsubscribe, nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, "New comments on “Harbour works”") || active() != 2 {
				t.Fatalf("unsubscribe page %d, %d active", res.Status, active())
			}
		})
		t.Run("OneClick", func(t *testing.T) {
			if followUp.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Fatalf("List-Unsubscribe-Post %q", followUp.Header.Get("List-Unsubscribe-Post"))
			}
			// RFC 8058: the mail client POSTs this body to the URL, with no cookie.
			res := do(t, s.client, http.MethodPost, unsubscribe, strings.NewReader("List-Unsubscribe=One-Click"),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			if res.Status != 200 || !strings.Contains(res.Body, "You are unsubscribed") || active() != 1 {
				t.Fatalf("one-click: %d, %d active\n%s", res.Status, active(), excerpt(res.Body))
			}
			res = do(t, s.client, http.MethodPost, unsubscribe, strings.NewReader("List-Unsubscribe=One-Click"),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			if res.Status != http.StatusBadRequest || active() != 1 {
				t.Fatalf("reused one-click: %d, %d active", res.Status, active())
			}
		})
		t.Run("Manage", func(t *testing.T) {
			res := do(t, s.client, http.MethodGet, manage, nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, "New articles") || strings.Contains(res.Body, "Harbour works") || strings.Contains(res.Body, reader) {
				t.Fatalf("manage page %d:\n%s", res.Status, excerpt(res.Body))
			}
			tok := regexp.MustCompile(`action="/subscriptions/unsubscribe">\s*<input type="hidden" name="token" value="([^"]+)"`).FindStringSubmatch(res.Body)
			if tok == nil {
				t.Fatalf("no unsubscribe button:\n%s", res.Body)
			}
			res = s.post(t, s.URL+"/subscriptions/unsubscribe", url.Values{"token": {tok[1]}, "manage": {strings.TrimPrefix(manage, s.URL+"/subscriptions/manage?token=")}})
			if res.Status != 200 || active() != 0 {
				t.Fatalf("unsubscribe from the manage page: %d, %d active", res.Status, active())
			}
			// The address is forgotten with its last subscription.
			if res := do(t, s.client, http.MethodGet, manage, nil, nil); res.Status != http.StatusBadRequest {
				t.Fatalf("manage link after leaving: %d", res.Status)
			}
		})
		t.Run("NoMailAfterLeaving", func(t *testing.T) {
			before := len(s.smtp.Messages())
			s.comment(t, path, "Neighbour", "neighbour@example.org", "Still closed on Tuesday.")
			s.deliver(t)
			for _, m := range s.smtp.Messages()[before:] {
				if m.To[0] == reader {
					t.Fatal("a message after unsubscribing")
				}
			}
		})
		t.Run("NoEnumeration", func(t *testing.T) {
			// Subscribing an address twice looks exactly like once.
			s.comment(t, path, "Other", "other@example.org", "First time.", "subscribe_blog")
			s.comment(t, path, "Other", "other@example.org", "Second time.", "subscribe_blog")
			s.deliver(t)
			n := 0
			for _, m := range s.smtp.Messages() {
				if m.To[0] == "other@example.org" {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d confirmations for one address", n)
			}
		})
	}, atFixedNow)
}

func TestSubscriptionsOff(t *testing.T) {
	db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
	s := MustServe(t, db, "")
	for _, p := range []string{"/subscriptions/confirm?token=x", "/subscriptions/manage?token=x", "/subscriptions/unsubscribe?token=x"} {
		if res := s.Get(t, p); res.Status != http.StatusNotFound {
			t.Errorf("%s without notifications: %d", p, res.Status)
		}
	}
	author := storetest.MustCreateUser(t, db, "w", communique.RoleAuthor)
	a := storetest.MustCreateArticle(t, db, author, "Quiet", "x")
	if res := s.Get(t, communique.ArticlePath(a, communique.ParseSettings(nil), nil)); strings.Contains(res.Body, "subscribe_blog") {
		t.Error("subscription boxes shown on a site that sends no email")
	}
}
