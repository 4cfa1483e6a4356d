package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestSurfaces publishes, edits, schedules and trashes an article through
// every door — the newsroom's forms, the REST API, the command line, the
// scheduler and the importer — on both stores, and checks that each door
// leaves the same trace: the same outbox messages (a webhook registered for
// post events, an email to a confirmed subscriber of new articles), the
// same cache invalidation and the same revisions. Doors go through the
// article service, so a door that raised fewer side effects (as `post
// create` once did: it published without a webhook or an email) fails here.
func TestSurfaces(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		testSurfaces(t, &storeFlags{db: place.DSN, data: place.Dir}, place.Flags())
	})
}

// trace is what one action through one door left behind.
type trace struct {
	Status    communique.Status
	Outbox    []string // "email" or "webhook EVENT", sorted
	CacheDrop bool     // the store's 'content' cache tag moved, so every node drops its pages
	Revisions int      // the article's revisions after the action (autosaves aside)
	// OnFrontPage is whether the front page, cached before the action,
	// shows the article's title after it: a cache that was not dropped
	// would show the page as it was.
	OnFrontPage bool
}

// What each action leaves, whichever door it came through.
var (
	tracePublished = trace{Status: communique.StatusPublished, Outbox: []string{"email", "webhook post.published"}, CacheDrop: true, Revisions: 1, OnFrontPage: true}
	traceEdited    = trace{Status: communique.StatusPublished, Outbox: []string{"webhook post.updated"}, CacheDrop: true, Revisions: 2, OnFrontPage: true}
	traceScheduled = trace{Status: communique.StatusScheduled, CacheDrop: true, Revisions: 1}
	traceTrashed   = trace{Status: communique.StatusTrash, CacheDrop: true, Revisions: 2}
)

// quiet is the trace of an import: deliberately no outbox messages
// (bringing an old site in is not news, and a re-import would announce
// every article again) and no revisions (the old site's history is not
// this site's), but the cache drops like for any change.
func quiet(tr trace) trace {
	tr.Outbox, tr.Revisions = nil, 0
	return tr
}

// surfaceStep is one action through one door. A door that cannot do the
// action says why in unsupported, so the table shows it instead of
// skipping in silence.
type surfaceStep struct {
	door, action string
	unsupported  string
	// prepare, when set, runs before the outbox and cache are marked.
	prepare func(h *surfaceHarness, t *testing.T)
	// do performs the action and returns the article it acted on.
	do   func(h *surfaceHarness, t *testing.T) int64
	want trace
}

func surfaceSteps() []surfaceStep {
	return []surfaceStep{
		{door: "admin", action: "publish", do: (*surfaceHarness).adminPublish, want: tracePublished},
		{door: "admin", action: "edit", do: (*surfaceHarness).adminEdit, want: traceEdited},
		{door: "admin", action: "schedule", do: (*surfaceHarness).adminSchedule, want: traceScheduled},
		{door: "admin", action: "trash", do: (*surfaceHarness).adminTrash, want: traceTrashed},

		{door: "rest", action: "publish", do: (*surfaceHarness).restPublish, want: tracePublished},
		{door: "rest", action: "edit", do: (*surfaceHarness).restEdit, want: traceEdited},
		{door: "rest", action: "schedule", do: (*surfaceHarness).restSchedule, want: traceScheduled},
		{door: "rest", action: "trash", do: (*surfaceHarness).restTrash, want: traceTrashed},

		{door: "cli", action: "publish", do: (*surfaceHarness).cliPublish, want: tracePublished},
		{door: "cli", action: "edit", unsupported: "the command line has no command to edit an article"},
		{door: "cli", action: "schedule", do: (*surfaceHarness).cliSchedule, want: traceScheduled},
		{door: "cli", action: "trash", unsupported: "the command line has no command to trash an article"},

		// The scheduler publishes what another door scheduled; nothing else.
		{door: "scheduler", action: "publish", prepare: (*surfaceHarness).scheduleSoon, do: (*surfaceHarness).schedulerPublish, want: tracePublished},
		{door: "scheduler", action: "edit", unsupported: "the scheduler only publishes due articles"},
		{door: "scheduler", action: "schedule", unsupported: "the scheduler only publishes due articles"},
		{door: "scheduler", action: "trash", unsupported: "the scheduler only publishes due articles"},

		{door: "importer", action: "publish", do: (*surfaceHarness).importPublish, want: quiet(tracePublished)},
		{door: "importer", action: "edit", do: (*surfaceHarness).importEdit, want: quiet(traceEdited)},
		{door: "importer", action: "schedule", do: (*surfaceHarness).importSchedule, want: quiet(traceScheduled)},
		{door: "importer", action: "trash", unsupported: "an import brings items in; it never trashes what the site has"},
	}
}

func testSurfaces(t *testing.T, sf *storeFlags, flags []string) {
	h := newSurfaceHarness(t, sf, flags)
	for _, st := range surfaceSteps() {
		t.Run(st.door+"/"+st.action, func(t *testing.T) {
			if st.unsupported != "" {
				if st.do != nil {
					t.Fatal("a step is either done or unsupported")
				}
				t.Logf("not a thing this door does: %s", st.unsupported)
				return
			}
			if st.prepare != nil {
				st.prepare(h, t)
			}
			before := h.mark(t)
			id := st.do(h, t)
			got := h.traceSince(t, before, id, st.want)
			if !equalTrace(got, st.want) {
				t.Errorf("%s through %s left %+v, want %+v", st.action, st.door, got, st.want)
			}
		})
	}
}

func equalTrace(a, b trace) bool {
	return a.Status == b.Status && slices.Equal(a.Outbox, b.Outbox) && a.CacheDrop == b.CacheDrop && a.Revisions == b.Revisions &&
		a.OnFrontPage == b.OnFrontPage
}

// surfaceHarness is a served site with a signed-in editor, an application
// password, a webhook and a confirmed subscriber.
type surfaceHarness struct {
	db     *sqlstore.DB
	flags  []string
	srv    *server
	client *http.Client // signed in to the newsroom
	csrf   string
	appPw  string
	wxrDir string
	// last is the article each door published, for its edit and trash.
	last map[string]int64
}

const surfacePassword = "a long enough password"

func newSurfaceHarness(t *testing.T, sf *storeFlags, flags []string) *surfaceHarness {
	t.Helper()
	h := &surfaceHarness{flags: flags, wxrDir: t.TempDir(), last: map[string]int64{}}
	h.cli(t, surfacePassword+"\n", "user", "create", "--login", "desk", "--email", "desk@example.com", "--role", "editor", "--password-stdin")
	h.appPw = strings.TrimSpace(h.cli(t, "", "user", "app-password", "--login", "desk", "--name", "Surfaces test"))
	ctx := context.Background()
	db, err := openStore(ctx, sf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	hook := &communique.Webhook{URL: "http://127.0.0.1:9/hook", Secret: "surface-test-secret-0123456789",
		Events: []string{communique.EventPostPublished, communique.EventPostUpdated}}
	if err := db.CreateWebhook(ctx, hook); err != nil {
		t.Fatal(err)
	}
	sub, _, _, err := db.RequestSubscriptions(ctx, "reader@example.com", []communique.SubscriptionRequest{{Topic: communique.TopicPosts}}, "confirm-me", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConfirmSubscriber(ctx, sub.ID, "confirm-me", func() string { return "unsub-" + strconv.FormatInt(time.Now().UnixNano(), 36) }); err != nil {
		t.Fatal(err)
	}
	h.srv = startServe(t, nil, flags...)
	h.signIn(t)
	return h
}

// cli runs a command on the harness's store and returns what it printed.
func (h *surfaceHarness) cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	return mustRun(t, nil, stdin, append(args, h.flags...)...)
}

var surfaceCSRF = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (h *surfaceHarness) signIn(t *testing.T) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	h.client = &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	token := func(path string) string {
		res, err := h.client.Get(h.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := surfaceCSRF.FindSubmatch(body)
		if m == nil {
			t.Fatalf("no CSRF token on %s (%d)", path, res.StatusCode)
		}
		return html.UnescapeString(string(m[1]))
	}
	res, err := h.client.PostForm(h.srv.URL+"/admin/login", url.Values{"login": {"desk"}, "password": {surfacePassword},
		"csrf_token": {token("/admin/login")}, "next": {"/admin/"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
	h.csrf = token("/admin/profile")
}

// mark is where the outbox and the cache tags stood before an action.
type surfaceMark struct {
	lastMessage int64
	content     int64
}

func (h *surfaceHarness) mark(t *testing.T) surfaceMark {
	t.Helper()
	var m surfaceMark
	for _, msg := range h.messages(t) {
		m.lastMessage = max(m.lastMessage, msg.ID)
	}
	m.content = h.contentVersion(t)
	h.frontPage(t) // cached now, so the action must drop it
	return m
}

// frontPage is the public front page as a reader gets it.
func (h *surfaceHarness) frontPage(t *testing.T) string {
	t.Helper()
	res, err := http.Get(h.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", res.StatusCode)
	}
	return string(body)
}

func (h *surfaceHarness) messages(t *testing.T) []*communique.OutboxMessage {
	t.Helper()
	list, _, err := h.db.FindMessages(context.Background(), communique.OutboxFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func (h *surfaceHarness) contentVersion(t *testing.T) int64 {
	t.Helper()
	tags, err := h.db.CacheTagsSince(context.Background(), time.Unix(0, 0)) // the zero time reads as NULL
	if err != nil {
		t.Fatal(err)
	}
	return tags["content"]
}

// traceSince reads what the action left on article id. Announcements may
// follow a moment after the change (the scheduler's do), so it waits a
// little for the outbox to hold what is wanted before reading it for good.
func (h *surfaceHarness) traceSince(t *testing.T, m surfaceMark, id int64, want trace) trace {
	t.Helper()
	ctx := context.Background()
	var tr trace
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		tr.Outbox = h.outboxSince(t, m)
		if len(tr.Outbox) >= len(want.Outbox) || time.Now().After(deadline) {
			break
		}
	}
	// A late second announcement would be a bug too: look once more.
	time.Sleep(200 * time.Millisecond)
	tr.Outbox = h.outboxSince(t, m)
	tr.CacheDrop = h.contentVersion(t) > m.content
	a, err := h.db.FindArticleByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	tr.Status = a.Status
	// Other processes' changes (the command line, the importer) reach the
	// node's cache through the store within a moment, not at once.
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		tr.OnFrontPage = strings.Contains(h.frontPage(t), html.EscapeString(a.Title))
		if tr.OnFrontPage == want.OnFrontPage || time.Now().After(deadline) {
			break
		}
	}
	revs, err := h.db.FindRevisions(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range revs {
		if !r.Autosave {
			tr.Revisions++
		}
	}
	return tr
}

// outboxSince lists the messages queued after the mark, sorted.
func (h *surfaceHarness) outboxSince(t *testing.T, m surfaceMark) []string {
	t.Helper()
	var out []string
	for _, msg := range h.messages(t) {
		switch {
		case msg.ID <= m.lastMessage:
		case msg.Kind == communique.MessageWebhook:
			out = append(out, "webhook "+msg.Event)
		default:
			out = append(out, msg.Kind)
		}
	}
	slices.Sort(out)
	return out
}

// byTitle finds the one article with title.
func (h *surfaceHarness) byTitle(t *testing.T, title string) int64 {
	t.Helper()
	list, _, err := h.db.FindArticles(context.Background(), communique.ArticleFilter{Search: title, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Title == title {
			return a.ID
		}
	}
	t.Fatalf("no article titled %q", title)
	return 0
}

// The newsroom's forms, over HTTP with the session and its CSRF token.

var editLocation = regexp.MustCompile(`^/admin/posts/(\d+)/edit`)

func (h *surfaceHarness) adminPost(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	form.Set("csrf_token", h.csrf)
	res, err := h.client.PostForm(h.srv.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s = %d, want 303", path, res.StatusCode)
	}
	return res
}

func (h *surfaceHarness) adminSave(t *testing.T, path string, form url.Values) int64 {
	t.Helper()
	res := h.adminPost(t, path, form)
	m := editLocation.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("saved to %q", res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (h *surfaceHarness) adminPublish(t *testing.T) int64 {
	id := h.adminSave(t, "/admin/posts/new", url.Values{"type": {"post"}, "title": {"Admin story"}, "body": {"Written in the newsroom."},
		"format": {"markdown"}, "status": {"published"}, "comments_open": {"1"}})
	h.last["admin"] = id
	return id
}

func (h *surfaceHarness) adminEdit(t *testing.T) int64 {
	id := h.last["admin"]
	return h.adminSave(t, "/admin/posts/"+strconv.FormatInt(id, 10)+"/edit", url.Values{"title": {"Admin story, corrected"},
		"body": {"Written in the newsroom."}, "format": {"markdown"}, "status": {"published"}, "comments_open": {"1"}})
}

func (h *surfaceHarness) adminSchedule(t *testing.T) int64 {
	when := time.Now().Add(48 * time.Hour)
	return h.adminSave(t, "/admin/posts/new", url.Values{"type": {"post"}, "title": {"Admin plan"}, "body": {"Later."},
		"format": {"markdown"}, "status": {"scheduled"}, "date": {when.Format("2006-01-02")}, "time": {"09:00"}})
}

func (h *surfaceHarness) adminTrash(t *testing.T) int64 {
	id := h.last["admin"]
	h.adminPost(t, "/admin/posts/bulk", url.Values{"action": {"trash"}, "ids": {strconv.FormatInt(id, 10)}})
	return id
}

// The REST API, with the application password.

func (h *surfaceHarness) rest(t *testing.T, method, path string, body any, want int) int64 {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.srv.URL+"/wp-json/wp/v2"+path, rd)
	req.SetBasicAuth("desk", h.appPw)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, res.StatusCode, want, out)
	}
	var post struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(out, &post); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, out)
	}
	return post.ID
}

func (h *surfaceHarness) restPublish(t *testing.T) int64 {
	id := h.rest(t, "POST", "/posts", map[string]any{"title": "REST story", "content": "<p>Sent by a program.</p>", "status": "publish"}, http.StatusCreated)
	h.last["rest"] = id
	return id
}

func (h *surfaceHarness) restEdit(t *testing.T) int64 {
	return h.rest(t, "POST", "/posts/"+strconv.FormatInt(h.last["rest"], 10), map[string]any{"title": "REST story, corrected"}, http.StatusOK)
}

func (h *surfaceHarness) restSchedule(t *testing.T) int64 {
	when := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04:05")
	return h.rest(t, "POST", "/posts", map[string]any{"title": "REST plan", "content": "<p>Later.</p>", "status": "future", "date_gmt": when}, http.StatusCreated)
}

func (h *surfaceHarness) restTrash(t *testing.T) int64 {
	return h.rest(t, "DELETE", "/posts/"+strconv.FormatInt(h.last["rest"], 10), nil, http.StatusOK)
}

// The command line, in process.

func (h *surfaceHarness) cliPublish(t *testing.T) int64 {
	h.cli(t, "Typed in a terminal.", "post", "create", "--title", "CLI story", "--author", "desk", "--status", "publish")
	return h.byTitle(t, "CLI story")
}

func (h *surfaceHarness) cliSchedule(t *testing.T) int64 {
	when := time.Now().UTC().Add(48 * time.Hour).Format(time.RFC3339)
	h.cli(t, "Later.", "post", "create", "--title", "CLI plan", "--author", "desk", "--status", "publish", "--date", when)
	return h.byTitle(t, "CLI plan")
}

// scheduleSoon schedules an article a few seconds ahead through the
// command line, for the serving node's scheduler to publish.
func (h *surfaceHarness) scheduleSoon(t *testing.T) {
	when := time.Now().UTC().Add(3 * time.Second).Format(time.RFC3339)
	h.cli(t, "Due soon.", "post", "create", "--title", "Scheduler story", "--author", "desk", "--status", "publish", "--date", when)
	a, err := h.db.FindArticleByID(context.Background(), h.byTitle(t, "Scheduler story"))
	if err != nil || a.Status != communique.StatusScheduled {
		t.Fatalf("the article to be published by the clock is %v (%v), not scheduled", a, err)
	}
}

// The scheduler of the serving node publishes the article scheduleSoon
// made when it is due.
func (h *surfaceHarness) schedulerPublish(t *testing.T) int64 {
	id := h.byTitle(t, "Scheduler story")
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		a, err := h.db.FindArticleByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Status == communique.StatusPublished {
			return id
		}
	}
	t.Fatal("the scheduler did not publish the due article within 20s")
	return 0
}

// The WordPress importer, on a small export.

func (h *surfaceHarness) importWXR(t *testing.T, items string) {
	t.Helper()
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example.com</wp:base_blog_url>
<wp:author><wp:author_login>ann</wp:author_login><wp:author_email>ann@example.com</wp:author_email></wp:author>` + items + `</channel></rss>`
	path := filepath.Join(h.wxrDir, fmt.Sprintf("export-%d.xml", time.Now().UnixNano()))
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	h.cli(t, "", "import", "wordpress", path)
}

func wxrItem(id int, title, status string, date time.Time) string {
	return fmt.Sprintf(`<item><title>%s</title><dc:creator>ann</dc:creator><content:encoded>Brought over.</content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date_gmt>%s</wp:post_date_gmt><wp:status>%s</wp:status><wp:post_type>post</wp:post_type></item>`,
		title, id, date.UTC().Format("2006-01-02 15:04:05"), status)
}

var importedAt = time.Date(2020, 1, 2, 10, 0, 0, 0, time.UTC)

func (h *surfaceHarness) importPublish(t *testing.T) int64 {
	h.importWXR(t, wxrItem(1, "Imported story", "publish", importedAt))
	return h.byTitle(t, "Imported story")
}

// importEdit imports the same item again, changed: an update.
func (h *surfaceHarness) importEdit(t *testing.T) int64 {
	h.importWXR(t, wxrItem(1, "Imported story, corrected", "publish", importedAt))
	return h.byTitle(t, "Imported story, corrected")
}

func (h *surfaceHarness) importSchedule(t *testing.T) int64 {
	h.importWXR(t, wxrItem(2, "Imported plan", "future", time.Now().Add(48*time.Hour)))
	return h.byTitle(t, "Imported plan")
}
