package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/sqlite"
	"communique/sqlstore"
)

// syncBuffer is a bytes.Buffer safe for the server's log goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// result is what one in-process run of the command printed and returned.
type result struct {
	stdout, stderr string
	err            error
}

// run runs the command line in process with env as its whole environment.
func run(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr syncBuffer
	p := &Program{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return env[k] }}
	// Generous: a restore migrates a fresh PostgreSQL schema, which took
	// over 30 s on two cores shared by a dozen test runs.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := p.Run(ctx, args)
	return result{stdout.String(), stderr.String(), err}
}

// mustRun runs a command that must succeed.
func mustRun(t *testing.T, env map[string]string, stdin string, args ...string) string {
	t.Helper()
	r := run(t, env, stdin, args...)
	if r.err != nil {
		t.Fatalf("communique %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	return r.stdout
}

// mustCreateUser makes an author "reporter" in the data folder dir.
func mustCreateUser(t *testing.T, dir string) {
	t.Helper()
	out := mustRun(t, nil, "correct horse battery\n", "user", "create", "--data", dir,
		"--login", "reporter", "--email", "reporter@example.com", "--role", "author", "--display-name", "Rita Reporter", "--password-stdin")
	if !strings.HasPrefix(out, "created author reporter (id ") {
		t.Fatalf("user create printed %q", out)
	}
}

// server is `communique serve` running in process.
type server struct {
	URL    string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs serve with args on a free loopback port and waits until
// it listens.
func startServe(t *testing.T, env map[string]string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	s := &server{stderr: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	p := &Program{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: s.stderr,
		Getenv: func(k string) string { return env[k] }, Ready: func(addr string) { ready <- addr }}
	go func() { s.done <- p.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	select {
	case addr := <-ready:
		s.URL = "http://" + addr
	case err := <-s.done:
		cancel()
		t.Fatalf("serve returned before listening: %v\n%s", err, s.stderr.String())
	case <-time.After(60 * time.Second): // --demo draws renditions first, on a busy machine
		cancel()
		t.Fatalf("serve did not listen within 60s\n%s", s.stderr.String())
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop cancels serve's context and returns what Run returned.
func (s *server) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return within 20s of cancelling its context")
		return nil
	}
}

// get fetches a path without following redirects.
func get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

var pathLine = regexp.MustCompile(`^/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/\n$`)

// TestPostCreateAndServe creates an author and an article from the command
// line, serves them, writes another article while the server runs on the
// same SQLite file, and shuts down on cancel.
func TestPostCreateAndServe(t *testing.T) {
	dir := t.TempDir()
	mustCreateUser(t, dir)
	path := mustRun(t, nil, "The **ferry** stopped at noon.\n\nPassengers waited on the quay.\n",
		"post", "create", "--data", dir, "--title", "Storm closes the ferry", "--author", "reporter",
		"--category", "Weather", "--category", "Transport", "--tag", "Ferry")
	if !pathLine.MatchString(path) || !strings.HasSuffix(path, "/storm-closes-the-ferry/\n") {
		t.Fatalf("post create printed %q, want /YYYY/MM/DD/storm-closes-the-ferry/", path)
	}
	path = strings.TrimSpace(path)

	s := startServe(t, nil, "--data", dir)
	status, front := get(t, s.URL, "/")
	if status != http.StatusOK || !strings.Contains(front, `href="`+path+`" dir="auto">Storm closes the ferry</a>`) {
		t.Fatalf("GET / = %d, want the article linked to %s:\n%s", status, path, front)
	}
	status, page := get(t, s.URL, path)
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d", path, status)
	}
	for _, want := range []string{
		"<h1>Storm closes the ferry</h1>",
		"The <strong>ferry</strong> stopped at noon.",
		`<a href="/category/weather/">Weather</a>`,
		`<a href="/category/transport/">Transport</a>`,
		`<a href="/tag/ferry/" rel="tag" dir="auto">Ferry</a>`,
		`href="/author/reporter/" dir="auto">Rita Reporter</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("article page lacks %q", want)
		}
	}

	t.Run("PostWhileServing", func(t *testing.T) {
		second := strings.TrimSpace(mustRun(t, nil, "Second body.", "post", "create", "--data", dir,
			"--title", "Ferry back by Friday", "--author", "reporter", "--category", "Transport"))
		if status, body := get(t, s.URL, second); status != http.StatusOK || !strings.Contains(body, "Second body.") {
			t.Fatalf("GET %s = %d, want the new article", second, status)
		}
		if _, front := get(t, s.URL, "/"); !strings.Contains(front, "Ferry back by Friday") {
			t.Error("front page lacks the article posted while serving")
		}
	})

	t.Run("ScheduledNotShown", func(t *testing.T) {
		when := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
		future := strings.TrimSpace(mustRun(t, nil, "Later.", "post", "create", "--data", dir,
			"--title", "Ferry timetable for next week", "--author", "reporter", "--date", when))
		if !pathLine.MatchString(future + "\n") {
			t.Fatalf("post create printed %q", future)
		}
		if _, front := get(t, s.URL, "/"); strings.Contains(front, "Ferry timetable") {
			t.Error("front page shows a scheduled article")
		}
		if status, _ := get(t, s.URL, future); status != http.StatusNotFound {
			t.Errorf("GET %s (scheduled) = %d, want 404", future, status)
		}
	})

	t.Run("DraftNotShown", func(t *testing.T) {
		draft := strings.TrimSpace(mustRun(t, nil, "Unfinished.", "post", "create", "--data", dir,
			"--title", "Draft about the ferry", "--author", "reporter", "--status", "draft"))
		if _, front := get(t, s.URL, "/"); strings.Contains(front, "Draft about the ferry") {
			t.Error("front page shows a draft")
		}
		if status, _ := get(t, s.URL, draft); status != http.StatusNotFound {
			t.Errorf("GET %s (draft) = %d, want 404", draft, status)
		}
	})

	t.Run("Page", func(t *testing.T) {
		out := mustRun(t, nil, "We are three people.", "post", "create", "--data", dir,
			"--title", "About us", "--author", "reporter", "--page")
		if out != "/about-us/\n" {
			t.Fatalf("post create --page printed %q, want /about-us/", out)
		}
		if status, body := get(t, s.URL, "/about-us/"); status != http.StatusOK || !strings.Contains(body, "We are three people.") {
			t.Errorf("GET /about-us/ = %d", status)
		}
	})

	t.Run("Shutdown", func(t *testing.T) {
		if err := s.stop(t); err != nil {
			t.Fatalf("serve returned %v after cancel, want nil", err)
		}
		if _, err := http.Get(s.URL + "/healthz"); err == nil {
			t.Error("server still answers after shutdown")
		}
	})
}

// TestBadInvocations checks every mistake gets a one-line message naming
// the problem, and that mistakes in the command line itself are usage
// errors (exit status 2).
func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	mustCreateUser(t, dir)
	post := func(args ...string) []string {
		return append([]string{"post", "create", "--data", dir}, args...)
	}
	user := func(args ...string) []string {
		return append([]string{"user", "create", "--data", dir}, args...)
	}
	const pw = "long enough password\n"
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantMsg   string
		wantUsage bool
	}{
		{"NoArgs", nil, "", "no command given", true},
		{"UnknownCommand", []string{"publish"}, "", `unknown command "publish"`, true},
		{"UnknownSubcommand", []string{"post", "delete"}, "", `unknown command "post delete"`, true},
		{"MissingTitle", post("--author", "reporter"), "body", "--title is required", true},
		{"MissingAuthor", post("--title", "T"), "body", "--author is required", true},
		{"UnknownAuthor", post("--title", "T", "--author", "nobody"), "body", `no user with login "nobody"`, false},
		{"BadStatus", post("--title", "T", "--author", "reporter", "--status", "later"), "body", `--status must be publish or draft (got "later")`, true},
		{"BadDate", post("--title", "T", "--author", "reporter", "--date", "tomorrow"), "body", `--date must be RFC 3339`, true},
		{"DateWithoutZone", post("--title", "T", "--author", "reporter", "--date", "2026-01-02T10:00:00"), "body", `--date must be RFC 3339`, true},
		{"BadFormat", post("--title", "T", "--author", "reporter", "--format", "rtf"), "body", `--format must be markdown or html (got "rtf")`, true},
		{"UnknownFlag", post("--title", "T", "--author", "reporter", "--colour", "red"), "body", "flag provided but not defined: -colour", true},
		{"StrayArgument", post("--title", "T", "--author", "reporter", "extra"), "body", `unexpected argument "extra"`, true},
		{"PageWithCategory", post("--title", "T", "--author", "reporter", "--page", "--category", "News"), "body", "pages have no categories or tags", true},
		{"EmptyTitle", post("--title", "   ", "--author", "reporter"), "body", "Title required.", false},
		{"NoPasswordStdin", user("--login", "x", "--email", "x@example.com", "--role", "author"), pw, "--password-stdin is required", true},
		{"MissingLogin", user("--email", "x@example.com", "--role", "author", "--password-stdin"), pw, "--login is required", true},
		{"MissingRole", user("--login", "x", "--email", "x@example.com", "--password-stdin"), pw, "--role is required", true},
		{"ShortPassword", user("--login", "x", "--email", "x@example.com", "--role", "author", "--password-stdin"), "short\n", "password must be at least 8 characters", false},
		{"NoPassword", user("--login", "x", "--email", "x@example.com", "--role", "author", "--password-stdin"), "", "no password on standard input", false},
		{"BadRole", user("--login", "x", "--email", "x@example.com", "--role", "king", "--password-stdin"), pw, `Unknown role "king"`, false},
		{"BadEmail", user("--login", "x", "--email", "not-an-email", "--role", "author", "--password-stdin"), pw, "Please enter a valid email address, such as name@example.com.", false},
		{"IPLiteralEmail", user("--login", "x", "--email", "x@[127.0.0.1]", "--role", "author", "--password-stdin"), pw, "addresses at an IP address are not accepted", false},
		{"DuplicateEmail", user("--login", "x", "--email", "Reporter@Example.com", "--role", "author", "--password-stdin"), pw, "Another account uses the email address Reporter@Example.com.", false},
		{"BadLogin", user("--login", "has space", "--email", "x@example.com", "--role", "author", "--password-stdin"), pw, "Login must be 1 to 60 letters", false},
		{"DuplicateLogin", user("--login", "Reporter", "--email", "other@example.com", "--role", "author", "--password-stdin"), pw, `The login "Reporter" is taken.`, false},
		{"BadDatabaseURL", []string{"post", "create", "--db", "mysql://root:hunter2@db/news", "--title", "T", "--author", "reporter"}, "body",
			`--db must be a postgres:// URL or sqlite:PATH (got "mysql://root:***@db/news")`, true},
		{"ServeBadAddr", []string{"serve", "--data", dir, "--addr", "not an address"}, "", "listen:", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, nil, tt.stdin, tt.args...)
			if r.err == nil {
				t.Fatalf("communique %q succeeded, want an error naming %q\nstdout: %s", tt.args, tt.wantMsg, r.stdout)
			}
			line := errorLine(r.err)
			if strings.Contains(line, "\n") {
				t.Errorf("error message spans lines: %q", line)
			}
			if !strings.Contains(line, tt.wantMsg) {
				t.Errorf("error = %q, want it to contain %q", line, tt.wantMsg)
			}
			var u usageError
			if got := errors.As(r.err, &u); got != tt.wantUsage {
				t.Errorf("usage error = %v, want %v (%q)", got, tt.wantUsage, line)
			}
			if strings.Contains(line, "hunter2") {
				t.Errorf("error shows a password: %q", line)
			}
			if r.stdout != "" {
				t.Errorf("printed %q on stdout despite the error", r.stdout)
			}
		})
	}

	// Nothing above may have written anything.
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, n, err := db.FindArticles(context.Background(), communique.ArticleFilter{}); err != nil || n != 0 {
		t.Errorf("%d articles (%v) after failed commands, want 0", n, err)
	}
	if n, err := db.CountUsers(context.Background(), ""); err != nil || n != 1 {
		t.Errorf("%d users (%v) after failed commands, want 1", n, err)
	}
}

func TestVersionAndHelp(t *testing.T) {
	tests := []struct {
		args       []string
		wantPrefix string
	}{
		{[]string{"version"}, "communique "},
		{[]string{"--version"}, "communique "},
		{[]string{"help"}, "usage:\n  communique serve"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out := mustRun(t, nil, "", tt.args...)
			if !strings.HasPrefix(out, tt.wantPrefix) {
				t.Errorf("printed %q, want prefix %q", out, tt.wantPrefix)
			}
			if tt.args[0] != "help" && (out != "communique "+communique.Version+"\n") {
				t.Errorf("printed %q, want the version %q on one line", out, communique.Version)
			}
		})
	}
	if r := run(t, nil, "", "frobnicate"); r.stdout != "" {
		t.Errorf("unknown command printed %q on stdout", r.stdout)
	}
	if r := run(t, nil, ""); !strings.Contains(r.stderr, "usage:") {
		t.Errorf("no arguments printed %q on stderr, want the usage", r.stderr)
	}
}

// TestDataFromEnvironment checks COMMUNIQUE_DATA means the same as --data:
// a user created through one is the author of a post created through the
// other, and nothing lands in the default folder.
func TestDataFromEnvironment(t *testing.T) {
	cwd := t.TempDir()
	t.Chdir(cwd)
	dir := filepath.Join(t.TempDir(), "site")
	env := map[string]string{"COMMUNIQUE_DATA": dir}
	mustRun(t, env, "correct horse battery\n", "user", "create",
		"--login", "envy", "--email", "envy@example.com", "--role", "editor", "--password-stdin")
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
		t.Fatalf("COMMUNIQUE_DATA ignored: %v", err)
	}
	out := mustRun(t, nil, "Body.", "post", "create", "--data", dir, "--title", "Same store", "--author", "envy")
	if !pathLine.MatchString(out) {
		t.Fatalf("post create printed %q", out)
	}
	// The flag wins over the variable.
	other := filepath.Join(t.TempDir(), "other")
	r := run(t, env, "Body.", "post", "create", "--data", other, "--title", "Elsewhere", "--author", "envy")
	if r.err == nil || !strings.Contains(errorLine(r.err), `no user with login "envy"`) {
		t.Errorf("--data %s with COMMUNIQUE_DATA set: err = %v, want the flag's empty store", other, r.err)
	}
	if _, err := os.Stat(filepath.Join(cwd, "communique-data")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the default data folder was created in the working directory (%v)", err)
	}

	s := startServe(t, env)
	if _, front := get(t, s.URL, "/"); !strings.Contains(front, "Same store") {
		t.Error("serve with COMMUNIQUE_DATA does not show the article")
	}
	t.Run("AddrFromEnvironment", func(t *testing.T) {
		// COMMUNIQUE_ADDR is the default for --addr; the flag given by
		// startServe wins, so check the variable alone by a bad value.
		r := run(t, map[string]string{"COMMUNIQUE_DATA": dir, "COMMUNIQUE_ADDR": "256.0.0.1:bad"}, "", "serve")
		if r.err == nil || !strings.Contains(errorLine(r.err), "listen") {
			t.Errorf("serve with a bad COMMUNIQUE_ADDR: err = %v, want a listen error", r.err)
		}
	})
}

// TestServeDemo fills an empty store with the sample content once; a second
// start must not add it again.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	const headline = "Harbour bridge reopens after two years of repairs"
	for i := 1; i <= 2; i++ {
		t.Run(fmt.Sprintf("Start%d", i), func(t *testing.T) {
			s := startServe(t, nil, "--data", dir, "--demo")
			status, front := get(t, s.URL, "/")
			if status != http.StatusOK {
				t.Fatalf("GET / = %d", status)
			}
			// One article with the headline, however many zones link it
			// (the lead and the most discussed may).
			links := map[string]bool{}
			for _, m := range regexp.MustCompile(`href="([^"]+)"(?: dir="auto")?>`+headline+`<`).FindAllStringSubmatch(front, -1) {
				links[m[1]] = true
			}
			if len(links) != 1 {
				t.Errorf("front page links %q at %d addresses, want one", headline, len(links))
			}
			if !strings.Contains(front, `<a href="/about/">About</a>`) {
				t.Error("front page navigation lacks the demo About page")
			}
			if err := s.stop(t); err != nil {
				t.Fatalf("serve returned %v", err)
			}
		})
	}
	db, err := sqlite.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkDemo(t, db)
}

// checkDemo checks that a demo store holds what issue 26 asks of a living
// news site, and nothing twice.
func checkDemo(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	post, page := communique.TypePost, communique.TypePage
	list, n, err := db.FindArticles(ctx, communique.ArticleFilter{Type: &post, Limit: 1000})
	if err != nil || n != len(demoArticles)+1 {
		t.Fatalf("%d demo articles (%v), want %d", n, err, len(demoArticles)+1)
	}
	sections, authors, pictured, scheduled := map[int64]bool{}, map[int64]bool{}, 0, 0
	first, last := list[0].PublishedAt, list[0].PublishedAt
	for _, a := range list {
		authors[a.AuthorID] = true
		if a.FeaturedMediaID != 0 {
			pictured++
		}
		if a.Status == communique.StatusScheduled {
			scheduled++
			continue
		}
		if a.PublishedAt.Before(first) {
			first = a.PublishedAt
		}
		if a.PublishedAt.After(last) {
			last = a.PublishedAt
		}
	}
	category := communique.TaxonomyCategory
	cats, err := db.FindTerms(ctx, communique.TermFilter{Taxonomy: &category})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cats {
		if c.Count > 0 {
			sections[c.ID] = true
		}
	}
	if len(sections) < 5 || len(authors) < 4 || pictured < 12 || scheduled != 1 || last.Sub(first) < 21*24*time.Hour {
		t.Errorf("demo: %d sections, %d authors, %d articles with pictures, %d scheduled, published over %v; want several of each, one scheduled, over weeks",
			len(sections), len(authors), pictured, scheduled, last.Sub(first))
	}
	if _, n, err := db.FindArticles(ctx, communique.ArticleFilter{Type: &page}); err != nil || n != 2 {
		t.Errorf("%d demo pages (%v), want 2", n, err)
	}
	users, err := db.FindUsers(ctx, communique.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Bio == "" {
			t.Errorf("demo author %s has no biography", u.Login)
		}
	}
	comments, _, err := db.FindComments(ctx, communique.CommentFilter{Private: true, Limit: 1000,
		Status: []communique.CommentStatus{communique.CommentApproved, communique.CommentPending}})
	if err != nil {
		t.Fatal(err)
	}
	var held, staff, pingbacks, replies int
	for _, c := range comments {
		switch {
		case c.Status == communique.CommentPending:
			held++
		case c.Type == communique.CommentTypePingback:
			pingbacks++
		case c.UserID != 0:
			staff++
		}
		if c.ParentID != 0 {
			replies++
		}
	}
	if held != 1 || pingbacks != 1 || staff < 2 || replies < 5 {
		t.Errorf("demo discussions: %d held, %d pingbacks, %d staff replies, %d replies; want 1, 1, several, several", held, pingbacks, staff, replies)
	}
}
