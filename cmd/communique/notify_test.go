package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/mail/mailtest"
	"communique/notify"
	"communique/sqlite"
)

// postReply posts the reply form of the article at path as a browser.
func postReply(t *testing.T, base, path string, form url.Values) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	tok := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindSubmatch(page)
	id := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindSubmatch(page)
	if tok == nil || id == nil {
		t.Fatalf("no comment form on %s", path)
	}
	form.Set("comment_token", string(tok[1]))
	form.Set("comment_post_ID", string(id[1]))
	res, err = c.PostForm(base+"/comments", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment POST: %d", res.StatusCode)
	}
}

// notifyData makes a data folder with an administrator, an article and
// comments held for moderation.
func notifyData(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	mustRun(t, nil, "correct horse battery\n", "user", "create", "--data", dir, "--login", "chief", "--email", "chief@example.com",
		"--role", "administrator", "--display-name", "Chief Editor", "--password-stdin")
	mustCreateUser(t, dir)
	path = strings.TrimSpace(mustRun(t, nil, "The quay is closed.", "post", "create", "--data", dir, "--title", "Quay closed", "--author", "reporter"))
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_moderation": "true"} {
		mustRun(t, nil, "", "settings", "set", "--data", dir, k, v)
	}
	return dir, path
}

func TestServeSendsEmail(t *testing.T) {
	dir, path := notifyData(t)
	smtp := mailtest.Start(t, mailtest.Options{Username: "site", Password: "secret"})
	// The URL comes from the environment, as in a container.
	s := startServe(t, map[string]string{"COMMUNIQUE_SMTP": smtp.URL}, "--data", dir)
	postReply(t, s.URL, path, url.Values{"author": {"Ada"}, "email": {"ada@example.org"}, "comment": {"When does it reopen?"}})
	msgs := smtp.Wait(t, 1, 10*time.Second)
	r := msgs[0].Read(t)
	if msgs[0].To[0] != "chief@example.com" || !strings.Contains(r.Subject, "Please moderate: “Quay closed”") {
		t.Fatalf("message to %v: %q", msgs[0].To, r.Subject)
	}
	// Without site_url, links use the address the server listens on, and
	// the log says how to set the public one.
	if !strings.Contains(r.Text, s.URL+"/admin/comments?status=pending") {
		t.Errorf("links do not point to %s:\n%s", s.URL, r.Text)
	}
	logs := s.stderr.String()
	if !strings.Contains(logs, "site_url is not set") || strings.Contains(logs, "secret") {
		t.Errorf("log:\n%s", logs)
	}
}

func TestServeWithoutSMTPLogsEmails(t *testing.T) {
	dir, path := notifyData(t)
	s := startServe(t, nil, "--data", dir)
	postReply(t, s.URL, path, url.Values{"author": {"Ada"}, "email": {"ada@example.org"}, "comment": {"Is the ferry running?"}})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stderr.String(), "Please moderate") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := s.stderr.String()
	for _, want := range []string{"emails are written to this log", "no SMTP server configured", "chief@example.com", "Please moderate", "/admin/comments?status=pending"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestServeAnnouncesScheduledArticles(t *testing.T) {
	dir, _ := notifyData(t)
	var mu sync.Mutex
	var events []string
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		events = append(events, r.Header.Get("X-Communique-Event")+" "+string(body))
		mu.Unlock()
	}))
	defer receiver.Close()
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	err = db.CreateWebhook(context.Background(), &communique.Webhook{URL: receiver.URL, Secret: notify.NewWebhookSecret(), Events: []string{communique.EventPostPublished}})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The receiver is on loopback, which webhooks reach only when the
	// operator allows private networks.
	s := startServe(t, nil, "--data", dir, "--outbound-private")
	when := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339)
	mustRun(t, nil, "Tomorrow's timetable.", "post", "create", "--data", dir, "--title", "Timetable", "--author", "reporter", "--date", when)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 1 || !strings.HasPrefix(events[0], communique.EventPostPublished) || !strings.Contains(events[0], `"title":"Timetable"`) {
		t.Fatalf("webhook calls %q\n%s", events, s.stderr.String())
	}
}

func TestServeBadSMTP(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{"http://mail.example.com", "mail.example.com:587", "smtp://"} {
		r := run(t, nil, "", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--smtp", bad)
		var u usageError
		if !errors.As(r.err, &u) || !strings.Contains(r.err.Error(), "--smtp") {
			t.Errorf("--smtp %s: %v", bad, r.err)
		}
	}
	r := run(t, nil, "", "serve", "--data", dir, "--addr", "127.0.0.1:0", "--smtp", "ftp://user:hunter2@mail.example.com")
	if r.err == nil || strings.Contains(r.err.Error(), "hunter2") {
		t.Errorf("the error shows the password: %v", r.err)
	}
}
