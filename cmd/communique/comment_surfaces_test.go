package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// surface is one door a moderator acts through: it performs action
// ("approve", "unapprove", "spam", "trash", "delete") on a comment.
type surface struct {
	name string
	// login prepares the door on a served site (a session, a password).
	login func(t *testing.T, s *surfaceSite) func(t *testing.T, action string, id int64)
}

// surfaceSite is a served site with an article, its author, a follower
// of its comments, a webhook and a comment held for moderation.
type surfaceSite struct {
	store     []string
	db        *sqlstore.DB
	base      string
	articleID int64
	commentID int64
}

// TestCommentModerationSurfacesAlike moderates the same held comment
// through the newsroom, the REST API and the command line, on both
// stores, and checks each door leaves the same trace: the same outbox
// messages (the comment.approved webhook, the emails to the article's
// author and follower), the same status and the same classifier counts.
func TestCommentModerationSurfacesAlike(t *testing.T) {
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) }))
	defer hooks.Close()

	type step struct {
		action     string
		wantStatus communique.CommentStatus // "" when the comment is gone
		wantSpam   [2]int64                 // classifier totals: spam, ham
		want       []string                 // outbox messages the step adds
	}
	approved := []string{
		"email chief@example.com [Harbour Times] Comment: “Quay closed”",
		"email follower@example.org [Harbour Times] New comment on “Quay closed”",
		"webhook comment.approved " + hooks.URL + " approved Ada: When does it reopen?",
	}
	steps := []step{
		{"approve", communique.CommentApproved, [2]int64{0, 1}, approved},
		{"unapprove", communique.CommentPending, [2]int64{0, 1}, nil},
		{"spam", communique.CommentSpam, [2]int64{1, 0}, nil},
		{"trash", communique.CommentTrash, [2]int64{1, 0}, nil},
		{"delete", "", [2]int64{1, 0}, nil},
	}
	surfaces := []surface{
		{"Newsroom", newsroomDoor},
		{"REST", restDoor},
		{"CLI", cliDoor},
	}
	storetest.ForEachKind(t, func(t *testing.T, kind storetest.Kind) {
		traces := map[string][]string{}
		for _, sf := range surfaces {
			t.Run(sf.name, func(t *testing.T) {
				site := newSurfaceSite(t, kind.Fresh(t).Flags(), hooks.URL)
				act := sf.login(t, site)
				var trace []string
				for _, step := range steps {
					before := outboxIDs(t, site.db)
					act(t, step.action, site.commentID)
					got := newMessages(t, site.db, before)
					if !slices.Equal(got, step.want) {
						t.Errorf("%s queued:\n%s\nwant:\n%s", step.action, strings.Join(got, "\n"), strings.Join(step.want, "\n"))
					}
					status := commentStatus(t, site.db, site.commentID)
					if status != step.wantStatus {
						t.Errorf("after %s the comment is %q, want %q", step.action, status, step.wantStatus)
					}
					counts, err := site.db.SpamCounts(context.Background(), nil)
					if err != nil {
						t.Fatal(err)
					}
					if got := [2]int64{counts.Spam, counts.Ham}; got != step.wantSpam {
						t.Errorf("after %s the classifier counts (spam, ham) = %v, want %v", step.action, got, step.wantSpam)
					}
					trace = append(trace, fmt.Sprintf("%s → %s spam %d ham %d %q", step.action, status, counts.Spam, counts.Ham, got))
				}
				traces[sf.name] = trace
			})
		}
		// Whatever each step wanted, the doors must agree with each other.
		for _, sf := range surfaces[1:] {
			if a, b := traces[surfaces[0].name], traces[sf.name]; len(a) > 0 && len(b) > 0 && !slices.Equal(a, b) {
				t.Errorf("%s and %s differ:\n%s\n%s", surfaces[0].name, sf.name, strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
		}
	})
}

// newSurfaceSite builds the site on a fresh store and serves it.
func newSurfaceSite(t *testing.T, store []string, hookURL string) *surfaceSite {
	t.Helper()
	ctx := context.Background()
	stdin := func(in string, args ...string) string {
		t.Helper()
		r := run(t, nil, in, append(args, store...)...)
		if r.err != nil {
			t.Fatalf("communique %s: %v\n%s", strings.Join(args, " "), r.err, r.stderr)
		}
		return r.stdout
	}
	// The chief is the article's author and a moderator, so approving
	// tells the author; the desk moderates through the doors.
	stdin("correct horse battery\n", "user", "create", "--login", "chief", "--email", "chief@example.com",
		"--role", "editor", "--display-name", "Chief Editor", "--password-stdin")
	stdin("correct horse battery\n", "user", "create", "--login", "desk", "--email", "desk@example.com",
		"--role", "administrator", "--display-name", "Night Desk", "--password-stdin")
	path := strings.TrimSpace(stdin("The quay is closed.", "post", "create", "--title", "Quay closed", "--author", "chief"))
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_moderation": "true", "title": "Harbour Times",
		"notify_moderators": "false"} {
		stdin("", "settings", "set", k, v)
	}
	site := &surfaceSite{store: store}
	fs, sf := (&Program{Getenv: func(string) string { return "" }}).newFlagSet("test")
	if err := fs.Parse(store); err != nil {
		t.Fatal(err)
	}
	db, err := openStore(ctx, sf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	site.db = db
	if err := db.CreateWebhook(ctx, &communique.Webhook{URL: hookURL, Secret: "s3cret-for-tests",
		Events: []string{communique.EventCommentApproved}}); err != nil {
		t.Fatal(err)
	}

	s := startServe(t, nil, store...)
	site.base = s.URL
	site.commentID = postComment(t, s.URL, path, "Ada", "ada@example.org", "When does it reopen?")
	c, err := db.FindCommentByID(ctx, site.commentID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != communique.CommentPending {
		t.Fatalf("the new comment is %s, want it held", c.Status)
	}
	site.articleID = c.ArticleID
	// A confirmed follower of the article's comments.
	sub, _, _, err := db.RequestSubscriptions(ctx, "follower@example.org",
		[]communique.SubscriptionRequest{{Topic: communique.TopicComments, ArticleID: c.ArticleID}}, "nonce-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmSubscriber(ctx, sub.ID, "nonce-1", func() string { return "nonce-2" }); err != nil {
		t.Fatal(err)
	}
	// Links in messages must not depend on the door: give the site its
	// public address, which the command line cannot learn otherwise.
	stdin("", "settings", "set", "site_url", "https://harbour.example")
	return site
}

var noRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// newsroomDoor signs the desk in and moderates with the comments list's
// row buttons, CSRF token and all.
func newsroomDoor(t *testing.T, s *surfaceSite) func(t *testing.T, action string, id int64) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: noRedirect}
	token := func(path string) string {
		t.Helper()
		res, err := c.Get(s.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := csrfField.FindSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s = %d without a csrf_token", path, res.StatusCode)
		}
		return string(m[1])
	}
	res, err := c.PostForm(s.base+"/admin/login", url.Values{"login": {"desk"}, "password": {"correct horse battery"},
		"csrf_token": {token("/admin/login")}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in = %d", res.StatusCode)
	}
	csrf := token("/admin/comments")
	return func(t *testing.T, action string, id int64) {
		t.Helper()
		res, err := c.PostForm(s.base+"/admin/comments/bulk", url.Values{"csrf_token": {csrf}, "status": {"pending"},
			"row": {action + ":" + strconv.FormatInt(id, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "done=moderated") {
			t.Fatalf("%s in the newsroom = %d %q: %.300s", action, res.StatusCode, res.Header.Get("Location"), body)
		}
	}
}

// restDoor moderates through /wp-json with an application password, as
// WordPress clients do: status updates, then DELETE to trash and delete.
func restDoor(t *testing.T, s *surfaceSite) func(t *testing.T, action string, id int64) {
	r := run(t, nil, "", append([]string{"user", "app-password", "--login", "desk", "--name", "Moderation app"}, s.store...)...)
	if r.err != nil {
		t.Fatalf("user app-password: %v", r.err)
	}
	pw := strings.TrimSpace(r.stdout)
	c := &http.Client{Timeout: 10 * time.Second}
	return func(t *testing.T, action string, id int64) {
		t.Helper()
		path := s.base + "/wp-json/wp/v2/comments/" + strconv.FormatInt(id, 10)
		method, body := http.MethodPost, ""
		switch action {
		case "approve", "unapprove", "spam":
			body = `{"status":"` + map[string]string{"approve": "approved", "unapprove": "hold", "spam": "spam"}[action] + `"}`
		case "trash":
			method = http.MethodDelete
		case "delete":
			method, path = http.MethodDelete, path+"?force=true"
		}
		req, _ := http.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("desk", pw)
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s = %d: %.300s", method, path, res.StatusCode, out)
		}
	}
}

// cliDoor runs `communique comment ACTION ID` in process, beside the
// running server.
func cliDoor(t *testing.T, s *surfaceSite) func(t *testing.T, action string, id int64) {
	return func(t *testing.T, action string, id int64) {
		t.Helper()
		mustCLI(t, s.store, "comment", action, strconv.FormatInt(id, 10))
	}
}

// outboxIDs returns the ids of every message in the outbox.
func outboxIDs(t *testing.T, db *sqlstore.DB) map[int64]bool {
	t.Helper()
	list, _, err := db.FindMessages(context.Background(), communique.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[int64]bool{}
	for _, m := range list {
		ids[m.ID] = true
	}
	return ids
}

// newMessages describes the messages queued since before, sorted: an
// email by recipient and subject, a webhook call by event, address and
// the comment it carries.
func newMessages(t *testing.T, db *sqlstore.DB, before map[int64]bool) []string {
	t.Helper()
	ctx := context.Background()
	list, _, err := db.FindMessages(ctx, communique.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range list {
		if before[m.ID] {
			continue
		}
		full, err := db.FindMessageByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch full.Kind {
		case communique.MessageEmail:
			if !strings.Contains(full.Body, "When does it reopen?") || !strings.Contains(full.Body, "https://harbour.example/") {
				t.Errorf("the email to %s lacks the comment or the site's link:\n%s", full.Recipient, full.Body)
			}
			out = append(out, "email "+full.Recipient+" "+full.Subject)
		case communique.MessageWebhook:
			var ev struct {
				Event string `json:"event"`
				Data  struct {
					Status     string `json:"status"`
					AuthorName string `json:"author_name"`
					Content    string `json:"content"`
					URL        string `json:"url"`
				} `json:"data"`
			}
			if err := json.Unmarshal([]byte(full.Body), &ev); err != nil {
				t.Fatalf("webhook body %q: %v", full.Body, err)
			}
			if !strings.HasPrefix(ev.Data.URL, "https://harbour.example/") {
				t.Errorf("the webhook's comment URL is %q", ev.Data.URL)
			}
			text := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(ev.Data.Content), "<p>"), "</p>")
			out = append(out, fmt.Sprintf("webhook %s %s %s %s: %s", ev.Event, full.Recipient, ev.Data.Status, ev.Data.AuthorName, text))
		default:
			out = append(out, full.Kind+" "+full.Recipient)
		}
	}
	slices.Sort(out)
	return out
}

// commentStatus returns the comment's status, "" when it is gone.
func commentStatus(t *testing.T, db *sqlstore.DB, id int64) communique.CommentStatus {
	t.Helper()
	c, err := db.FindCommentByID(context.Background(), id)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return ""
	} else if err != nil {
		t.Fatal(err)
	}
	return c.Status
}
