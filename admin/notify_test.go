package admin_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/mail"
	"communique/mail/mailtest"
	"communique/notify"
	"communique/outbound"
	"communique/storetest"
	"communique/web"
)

// notifyNewsroom is the fixture newsroom served with notifications: a
// real SMTP server and the outbox worker.
type notifyNewsroom struct {
	*newsroom
	svc    *notify.Service
	smtp   *mailtest.Server
	worker *notify.Worker
}

func newNotifyNewsroom(t *testing.T, place storetest.Place) *notifyNewsroom {
	t.Helper()
	ctx := context.Background()
	n := newNewsroom(t, place)
	n.Server.Close()
	logger := slog.New(slog.NewTextHandler(n.Logs, nil))
	svc, err := notify.New(ctx, n.DB, logger)
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = n.Clock.Now
	talk, err := discussionService(ctx, n.DB)
	if err != nil {
		t.Fatal(err)
	}
	talk.Now = n.Clock.Now
	n.Admin, err = admin.New(ctx, admin.Config{Store: n.DB, Discussion: talk, Logger: logger, Notify: svc})
	if err != nil {
		t.Fatal(err)
	}
	n.Admin.Now = n.Clock.Now
	site, err := web.NewServer(ctx, web.Config{Store: n.DB, Logger: logger, Notify: svc})
	if err != nil {
		t.Fatal(err)
	}
	site.Now = n.Clock.Now
	mux := http.NewServeMux()
	mux.Handle("/admin/", n.Admin.Handler())
	mux.Handle("/", site.Handler())
	n.Server = httptest.NewServer(mux)
	n.URL = n.Server.URL
	n.Set(t, "site_url", n.URL)
	nn := &notifyNewsroom{newsroom: n, svc: svc, smtp: mailtest.Start(t, mailtest.Options{})}
	sender, err := mail.ParseURL(nn.smtp.URL)
	if err != nil {
		t.Fatal(err)
	}
	nn.worker = notify.NewWorker(n.DB, sender, slog.New(slog.NewTextHandler(io.Discard, nil)))
	nn.worker.Backoff, nn.worker.MaxBackoff, nn.worker.MaxAttempts = time.Millisecond, time.Millisecond, 2
	nn.worker.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true}) // receivers on loopback
	return nn
}

func (n *notifyNewsroom) deliver(t *testing.T) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if _, err := n.worker.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		counts, _ := n.DB.CountMessages(context.Background())
		if counts[communique.MessagePending]+counts[communique.MessageSending] == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the outbox did not empty")
}

var resetLink = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/admin/reset-password\?token=[0-9a-f]+`)

func TestLostPassword(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNotifyNewsroom(t, place)
		edna := n.Users[communique.RoleEditor]
		old := n.SignIn(t, communique.RoleEditor)
		browser := n.Agent(t)
		if page := browser.Get(t, "/admin/login"); !strings.Contains(page.Body, `href="/admin/lost-password"`) {
			t.Fatal("the sign-in page has no lost-password link")
		}
		ask := func(login string) response {
			page := browser.Get(t, "/admin/lost-password")
			token := csrfPattern.FindStringSubmatch(page.Body)
			if page.Status != 200 || token == nil {
				t.Fatalf("lost-password form: %d", page.Status)
			}
			return browser.PostRaw(t, "/admin/lost-password", url.Values{"login": {login}, "csrf_token": {html.UnescapeString(token[1])}})
		}
		known, unknown := ask("edna"), ask("nobody@example.com")
		if known.Status != 200 || unknown.Status != 200 || !strings.Contains(known.Body, "If an account matches") ||
			strings.ReplaceAll(known.Body, "edna", "") != strings.ReplaceAll(unknown.Body, "nobody@example.com", "") {
			t.Fatalf("the answers differ by account: %d %d", known.Status, unknown.Status)
		}
		if res := browser.PostRaw(t, "/admin/lost-password", url.Values{"login": {"edna"}, "csrf_token": {"forged"}}); res.Status != http.StatusForbidden {
			t.Fatalf("forged CSRF: %d", res.Status)
		}
		// The page answered before the mail server heard anything.
		if len(n.smtp.Messages()) != 0 {
			t.Fatal("the reset email was sent during the request")
		}
		n.deliver(t)
		msgs := n.smtp.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != edna.Email {
			t.Fatalf("%d messages", len(msgs))
		}
		r := msgs[0].Read(t)
		link := resetLink.FindString(r.Text)
		if link == "" || !strings.HasPrefix(link, n.URL) {
			t.Fatalf("no reset link:\n%s", r.Text)
		}
		path := strings.TrimPrefix(link, n.URL)
		token := strings.TrimPrefix(path, "/admin/reset-password?token=")

		form := browser.Get(t, path)
		if form.Status != 200 || !strings.Contains(form.Body, "New password for edna") {
			t.Fatalf("reset form %d\n%s", form.Status, excerpt(form.Body))
		}
		csrf := html.UnescapeString(csrfPattern.FindStringSubmatch(form.Body)[1])
		post := func(pw, again string) response {
			return browser.PostRaw(t, "/admin/reset-password", url.Values{"token": {token}, "csrf_token": {csrf}, "new_password": {pw}, "confirm_password": {again}})
		}
		if res := post("a long new password", "another long password"); res.Status != http.StatusBadRequest || res.Message() != "The two passwords differ." {
			t.Fatalf("mismatch: %d %q", res.Status, res.Message())
		}
		res := post("a long new password", "a long new password")
		if res.Status != http.StatusSeeOther || res.Location != "/admin/login?done=reset" {
			t.Fatalf("reset: %d %q %q", res.Status, res.Location, res.Message())
		}
		if res := old.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
			t.Fatal("a session from before the reset still works")
		}
		if res := n.Agent(t).Login(t, "edna", "a long new password", ""); res.Status != http.StatusSeeOther {
			t.Fatalf("sign in with the new password: %d %q", res.Status, res.Message())
		}
		t.Run("ErrReused", func(t *testing.T) {
			if res := browser.Get(t, path); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "This link is not valid") {
				t.Fatalf("reused link: %d", res.Status)
			}
			if res := post("yet another password", "yet another password"); res.Status != http.StatusBadRequest {
				t.Fatalf("reused token POST: %d", res.Status)
			}
		})
		t.Run("ErrForged", func(t *testing.T) {
			if res := browser.Get(t, "/admin/reset-password?token="+strings.Repeat("0", 64)); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Nothing was changed.") {
				t.Fatalf("forged link: %d", res.Status)
			}
		})
		t.Run("ErrExpired", func(t *testing.T) {
			ask("edna")
			n.deliver(t)
			link := resetLink.FindString(n.smtp.Messages()[1].Read(t).Text)
			n.Clock.Advance(61 * time.Minute)
			if res := browser.Get(t, strings.TrimPrefix(link, n.URL)); res.Status != http.StatusBadRequest {
				t.Fatalf("expired link: %d", res.Status)
			}
		})
	})
}

func TestOutboxAndWebhooks(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNotifyNewsroom(t, place)
		root := n.SignIn(t, communique.RoleAdministrator)
		for _, role := range []communique.Role{communique.RoleEditor, communique.RoleAuthor} {
			a := n.SignIn(t, role)
			for _, p := range []string{"/admin/notifications", "/admin/webhooks"} {
				if res := a.Get(t, p); res.Status != http.StatusForbidden {
					t.Fatalf("%s sees %s: %d", role, p, res.Status)
				}
			}
		}

		var mu sync.Mutex
		var events []string
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			events = append(events, r.Header.Get("X-Communique-Event")+" "+r.Header.Get(notify.SignatureHeader)+" "+string(body))
			mu.Unlock()
			w.WriteHeader(http.StatusOK)
		}))
		defer receiver.Close()

		t.Run("ErrBadWebhook", func(t *testing.T) {
			res := root.Post(t, "/admin/webhooks", url.Values{"url": {"javascript:alert(1)"}, "events": {communique.EventPostPublished}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Message(), "http://") {
				t.Fatalf("bad URL: %d %q", res.Status, res.Message())
			}
		})
		res := root.Post(t, "/admin/webhooks", url.Values{"url": {receiver.URL + "/in"}, "events": {communique.EventPostPublished, communique.EventPostUpdated}})
		m := regexp.MustCompile(`^/admin/webhooks/([0-9]+)\?done=saved$`).FindStringSubmatch(res.Location)
		if res.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("create webhook: %d %q %q", res.Status, res.Location, res.Message())
		}
		hooks, _ := n.DB.FindWebhooks(ctx)
		if len(hooks) != 1 || len(hooks[0].Secret) < 32 {
			t.Fatalf("webhooks %v", hooks)
		}
		page := root.Get(t, "/admin/webhooks/"+m[1])
		if page.Status != 200 || !strings.Contains(page.Body, hooks[0].Secret) {
			t.Fatalf("webhook page %d", page.Status)
		}

		// Publishing from the editor is post.published; saving it again,
		// post.updated.
		author := n.SignIn(t, communique.RoleAuthor)
		saved := author.Post(t, "/admin/posts/new", url.Values{"title": {"Night ferry"}, "body": {"Runs again."}, "status": {"published"}, "format": {"markdown"}})
		id := savedID(t, saved, "published")
		author.Post(t, editPath(id), url.Values{"title": {"Night ferry returns"}, "body": {"Runs again."}, "status": {"published"}, "format": {"markdown"}})
		n.deliver(t)
		mu.Lock()
		got := append([]string(nil), events...)
		mu.Unlock()
		if len(got) != 2 || !strings.HasPrefix(got[0], communique.EventPostPublished+" sha256=") || !strings.HasPrefix(got[1], communique.EventPostUpdated+" sha256=") ||
			!strings.Contains(got[1], "Night ferry returns") {
			t.Fatalf("webhook calls %q", got)
		}
		page = root.Get(t, "/admin/webhooks/"+m[1])
		if !strings.Contains(page.Body, "200 OK") || !strings.Contains(page.Body, communique.EventPostUpdated) {
			t.Fatalf("the delivery log lacks the calls:\n%s", excerpt(page.Body))
		}

		t.Run("FailedMessageShowsReason", func(t *testing.T) {
			n.smtp.Reject = func(string) error { return mailtest.Bounce }
			n.svc.Subscribe(ctx, "gone@example.org", 0, false, true)
			n.deliver(t)
			res := root.Get(t, "/admin/notifications?status=failed")
			if res.Status != 200 || !strings.Contains(res.Body, "gone@example.org") || !strings.Contains(res.Body, "550") || !strings.Contains(res.Body, "No such user") {
				t.Fatalf("outbox page %d:\n%s", res.Status, excerpt(res.Body))
			}
			failed, _, _ := n.DB.FindMessages(ctx, communique.OutboxFilter{Status: communique.MessageFailed})
			n.smtp.Reject = nil
			res = root.Post(t, "/admin/notifications/"+strconv.FormatInt(failed[0].ID, 10)+"/retry", nil)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("retry: %d %q", res.Status, res.Message())
			}
			n.deliver(t)
			if got, _ := n.DB.FindMessageByID(ctx, failed[0].ID); got.Status != communique.MessageSent {
				t.Fatalf("after the retry: %q", got.Status)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			if res := root.Post(t, "/admin/webhooks/"+m[1]+"/delete", nil); res.Status != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.Status)
			}
			if hooks, _ := n.DB.FindWebhooks(ctx); len(hooks) != 0 {
				t.Fatal("webhook not deleted")
			}
		})
	})
}

// notifyRoute reports whether TestNotificationRoles covers a route, or
// it needs no session.
func notifyRoute(norm string) bool {
	for _, prefix := range []string{"/admin/notifications", "/admin/webhooks", "/admin/lost-password", "/admin/reset-password"} {
		if strings.HasPrefix(norm, "GET "+prefix) || strings.HasPrefix(norm, "POST "+prefix) {
			return true
		}
	}
	return false
}

// TestNotificationRoles: only administrators see and change the outbox
// and the webhooks; everyone else gets 403 and nothing changes.
func TestNotificationRoles(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNotifyNewsroom(t, place)
		n.smtp.Reject = func(string) error { return mailtest.Bounce }
		n.svc.Subscribe(ctx, "bounce@example.org", 0, false, true)
		n.deliver(t)
		failed, _, _ := n.DB.FindMessages(ctx, communique.OutboxFilter{Status: communique.MessageFailed})
		if len(failed) != 1 {
			t.Fatalf("%d failed messages", len(failed))
		}
		msg := strconv.FormatInt(failed[0].ID, 10)
		newHook := func(t *testing.T) string {
			h := &communique.Webhook{URL: "https://hooks.example.com/" + url.PathEscape(unique("h")), Secret: notify.NewWebhookSecret(), Events: []string{communique.EventPostUpdated}}
			if err := n.DB.CreateWebhook(ctx, h); err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(h.ID, 10)
		}
		state := func() string {
			hooks, _ := n.DB.FindWebhooks(ctx)
			m, _ := n.DB.FindMessageByID(ctx, failed[0].ID)
			return strconv.Itoa(len(hooks)) + " " + string(m.Status)
		}
		for _, role := range communique.Roles {
			t.Run(string(role), func(t *testing.T) {
				a := n.SignIn(t, role)
				hook := newHook(t)
				cases := []struct {
					method, path string
					form         url.Values
				}{
					{"GET", "/admin/notifications", nil},
					{"GET", "/admin/notifications?status=failed", nil},
					{"GET", "/admin/webhooks", nil},
					{"GET", "/admin/webhooks/" + hook, nil},
					{"POST", "/admin/webhooks", url.Values{"url": {"https://hooks.example.com/new"}, "events": {communique.EventPostPublished}}},
					{"POST", "/admin/webhooks/" + hook + "/delete", url.Values{}},
					{"POST", "/admin/notifications/" + msg + "/retry", url.Values{}},
				}
				for _, c := range cases {
					before := state()
					var res response
					if c.method == "GET" {
						res = a.Get(t, c.path)
					} else {
						res = a.Post(t, c.path, c.form)
					}
					if role != communique.RoleAdministrator {
						if res.Status != http.StatusForbidden || state() != before {
							t.Errorf("%s %s as %s: %d, state %s -> %s", c.method, c.path, role, res.Status, before, state())
						}
						continue
					}
					if res.Status != http.StatusOK && res.Status != http.StatusSeeOther {
						t.Errorf("%s %s as administrator: %d %q", c.method, c.path, res.Status, res.Message())
					}
					if c.method == "POST" && state() == before {
						t.Errorf("%s %s as administrator changed nothing", c.method, c.path)
					}
				}
			})
		}
	})
}
