package notify_test

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	"communique/mail"
	"communique/mail/mailtest"
	"communique/notify"
	"communique/outbound"
	"communique/sqlstore"
	"communique/storetest"
)

// Compile-time check: the service is what discussion calls.
var _ discussion.Notifier = (*notify.Service)(nil)

// It writes a new comment's messages in the comment's transaction.
var _ discussion.Messenger = (*notify.Service)(nil)

// logBuffer collects log lines.
type logBuffer = testlog.Buffer

// fixture is a site with a mail server, the notification service, a
// worker and the discussion rules wired to them.
type fixture struct {
	db      *sqlstore.DB
	svc     *notify.Service
	worker  *notify.Worker
	smtp    *mailtest.Server
	talk    *discussion.Service
	logs    *logBuffer
	admin   *communique.User
	editor  *communique.User
	author  *communique.User
	reader  *communique.User
	article *communique.Article
}

func mustSet(t *testing.T, db *sqlstore.DB, kv ...string) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if err := db.SetSetting(context.Background(), kv[i], kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

// newFixture builds the fixture on db; the SMTP server speaks STARTTLS
// with a password, as a real submission server does.
func newFixture(t *testing.T, db *sqlstore.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{db: db, logs: &logBuffer{}}
	logger := slog.New(slog.NewTextHandler(f.logs, nil))
	f.smtp = mailtest.Start(t, mailtest.Options{TLS: mailtest.StartTLS, Username: "site", Password: "p@ss word"})
	sender, err := mail.ParseURL(f.smtp.URL)
	if err != nil {
		t.Fatal(err)
	}
	sender.TLSConfig = &tls.Config{RootCAs: f.smtp.Roots}
	if f.svc, err = notify.New(ctx, db, logger); err != nil {
		t.Fatal(err)
	}
	mustSet(t, db, "site_url", "https://news.example.com", "title", "The Daily Planet", "mail_from", "The Daily Planet <news@example.com>",
		"comment_flood_seconds", "0", "comment_previously_approved", "false")
	f.worker = notify.NewWorker(db, sender, logger)
	f.worker.Backoff, f.worker.MaxBackoff = time.Millisecond, 5*time.Millisecond
	f.worker.MaxAttempts = 3
	// The receivers are test servers on loopback.
	f.worker.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true})
	f.talk = discussion.New(db, avatar.New([]byte("avatar-key")), formtoken.NewSigner([]byte("form-key")))
	f.talk.Notify = f.svc
	f.admin = storetest.MustCreateUser(t, db, "perry", communique.RoleAdministrator)
	f.editor = storetest.MustCreateUser(t, db, "lois", communique.RoleEditor)
	f.author = storetest.MustCreateUser(t, db, "clark", communique.RoleAuthor)
	f.reader = storetest.MustCreateUser(t, db, "jimmy", communique.RoleSubscriber)
	f.article = storetest.MustCreateArticle(t, db, f.author, "Bridge reopens", "The **bridge** is open again.")
	return f
}

// deliver runs the worker until nothing is due or sending.
func (f *fixture) deliver(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := f.worker.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		counts, err := f.db.CountMessages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[communique.MessagePending]+counts[communique.MessageSending] == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("the outbox did not empty")
}

// post posts a comment through the discussion rules.
func (f *fixture) post(t *testing.T, name, email, text string, parent int64) *communique.Comment {
	t.Helper()
	values, _ := f.db.Settings(context.Background())
	c, err := f.talk.Post(context.Background(), communique.ParseSettings(values), discussion.Submission{
		ArticleID: f.article.ID, ParentID: parent, Author: name, Email: email, Text: text, SkipToken: true, IP: "203.0.113.7",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// to returns the messages for one address.
func to(msgs []mailtest.Message, addr string) []mailtest.Message {
	var out []mailtest.Message
	for _, m := range msgs {
		for _, r := range m.To {
			if strings.EqualFold(r, addr) {
				out = append(out, m)
			}
		}
	}
	return out
}

var linkPattern = regexp.MustCompile(`https://news\.example\.com/[^\s"<>]+`)

// link returns the first link in text with path prefix.
func link(t *testing.T, text, prefix string) string {
	t.Helper()
	for _, l := range linkPattern.FindAllString(text, -1) {
		if strings.HasPrefix(l, "https://news.example.com"+prefix) {
			return l
		}
	}
	t.Fatalf("no link to %s in:\n%s", prefix, text)
	return ""
}

var msgIDPattern = regexp.MustCompile(`^<[A-Za-z0-9.\-]+@news\.example\.com>$`)

// checkHeaders checks what every message carries.
func checkHeaders(t *testing.T, m mailtest.Message, wantTo string) *mail.Received {
	t.Helper()
	r := m.Read(t)
	h := r.Header
	if !m.TLS {
		t.Error("message sent without TLS")
	}
	if from, err := h.AddressList("From"); err != nil || from[0].Address != "news@example.com" || from[0].Name != "The Daily Planet" {
		t.Errorf("From %v, %v", from, err)
	}
	if list, err := h.AddressList("To"); err != nil || len(list) != 1 || !strings.EqualFold(list[0].Address, wantTo) {
		t.Errorf("To %v, %v (want %s)", list, err, wantTo)
	}
	if !msgIDPattern.MatchString(h.Get("Message-ID")) {
		t.Errorf("Message-ID %q", h.Get("Message-ID"))
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Hour || time.Until(d) > time.Minute {
		t.Errorf("Date %q, %v", h.Get("Date"), err)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("MIME-Version") != "1.0" {
		t.Errorf("Auto-Submitted %q, MIME-Version %q", h.Get("Auto-Submitted"), h.Get("MIME-Version"))
	}
	if !strings.HasPrefix(h.Get("Content-Type"), "multipart/alternative") || r.Text == "" || !strings.Contains(r.HTML, "<html") {
		t.Errorf("parts: %q, text %d bytes, html %d bytes", h.Get("Content-Type"), len(r.Text), len(r.HTML))
	}
	if m.From != "news@example.com" {
		t.Errorf("envelope sender %q", m.From)
	}
	return r
}

func base64Decode(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
func base64Encode(b []byte) string          { return base64.RawURLEncoding.EncodeToString(b) }
