package admin_test

import (
	"communique/activitypub"
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	"communique/admin"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/internal/testlog"
	articles "communique/newsroom"
	"communique/password"
	"communique/privacy"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// testPassword is every fixture user's password. It is hashed once: an
// argon2id hash costs a noticeable fraction of a second.
const testPassword = "correct horse battery staple"

var passwordHash = sync.OnceValues(func() (string, error) { return password.Hash(testPassword) })

// clock is the time of the store, the newsroom and the site in a test:
// the real time plus an offset the test can move forward.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
	stop   time.Time // when set, the time stands still there
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stop.IsZero() {
		return c.stop.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Stop makes the time stand still, but for Advance: for tests of waits
// that a slow machine must not shorten.
func (c *clock) Stop() {
	c.mu.Lock()
	c.stop = time.Now()
	c.mu.Unlock()
}

// logBuffer collects the server's log.
type logBuffer = testlog.Buffer

// newsroom is the admin and the public site served together, as
// cmd/communique serves them, on a fixture store with one user per role
// and one more author, olive, whose articles are "someone else's" for
// everybody.
type newsroom struct {
	DB     *sqlstore.DB
	Place  storetest.Place // where DB lives, to open a second node on
	URL    string
	Server *httptest.Server
	Admin  *admin.Server
	Clock  *clock
	Logs   *logBuffer
	Users  map[communique.Role]*communique.User
	Olive  *communique.User
}

// options change how the newsroom is served.
type options struct {
	TLS           bool
	SecureCookies bool
	// Fediverse gives the newsroom its fediverse page.
	Fediverse bool
}

// roleLogins names the fixture users.
var roleLogins = map[communique.Role]string{
	communique.RoleAdministrator: "root",
	communique.RoleEditor:        "edna",
	communique.RoleAuthor:        "arthur",
	communique.RoleContributor:   "connie",
	communique.RoleSubscriber:    "sam",
}

func newNewsroom(t *testing.T, place storetest.Place, opts ...options) *newsroom {
	t.Helper()
	var opt options
	if len(opts) > 0 {
		opt = opts[0]
	}
	ctx := context.Background()
	db := place.Open(t)
	clk := &clock{}
	db.Now = clk.Now
	hash, err := passwordHash()
	if err != nil {
		t.Fatal(err)
	}
	n := &newsroom{DB: db, Place: place, Clock: clk, Logs: &logBuffer{}, Users: map[communique.Role]*communique.User{}}
	for _, role := range communique.Roles {
		login := roleLogins[role]
		u := &communique.User{Login: login, Email: login + "@newsroom.example", Role: role, PasswordHash: hash,
			DisplayName: strings.ToUpper(login[:1]) + login[1:]}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		n.Users[role] = u
	}
	n.Olive = &communique.User{Login: "olive", Email: "olive@newsroom.example", Role: communique.RoleAuthor, PasswordHash: hash, DisplayName: "Olive"}
	if err := db.CreateUser(ctx, n.Olive); err != nil {
		t.Fatal(err)
	}
	n.Set(t, "comment_min_seconds", "0")
	n.Set(t, "comment_flood_seconds", "0")

	logger := slog.New(slog.NewTextHandler(n.Logs, nil))
	talk, err := discussionService(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	talk.Now = clk.Now
	cfg := admin.Config{Store: db, Discussion: talk, Logger: logger, SecureCookies: opt.SecureCookies,
		Privacy: privacy.New(db, talk.Avatars)}
	if opt.Fediverse {
		cfg.Fediverse = activitypub.New(db, logger)
	}
	n.Admin, err = admin.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.Admin.Now = clk.Now
	site, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	site.Now = clk.Now
	site.Sessions = n.Admin // as cmd/communique wires it: staff read private articles
	mux := http.NewServeMux()
	mux.Handle("/admin/", n.Admin.Handler())
	mux.Handle("/", site.Handler())
	if opt.TLS {
		n.Server = httptest.NewTLSServer(mux)
	} else {
		n.Server = httptest.NewServer(mux)
	}
	n.URL = n.Server.URL
	t.Cleanup(func() {
		n.Server.Close()
		// Internal errors are logged; a test that caused one must say so.
		if logs := n.Logs.String(); strings.Contains(logs, "level=ERROR") {
			t.Errorf("the server logged errors:\n%s", logs)
		}
	})
	return n
}

// discussionService is built as cmd/communique builds it.
func discussionService(ctx context.Context, db *sqlstore.DB) (*discussion.Service, error) {
	gen := func() string { return fmt.Sprintf("%x", time.Now().UnixNano()) }
	avatarKey, err := db.Secret(ctx, "avatar", gen)
	if err != nil {
		return nil, err
	}
	tokenKey, err := db.Secret(ctx, "comment-token", gen)
	if err != nil {
		return nil, err
	}
	return discussion.New(db, avatar.New([]byte(avatarKey)), formtoken.NewSigner([]byte(tokenKey))), nil
}

// Set stores a setting.
func (n *newsroom) Set(tb testing.TB, key, value string) {
	tb.Helper()
	if err := n.DB.SetSetting(context.Background(), key, value); err != nil {
		tb.Fatalf("set %s: %v", key, err)
	}
}

// Article stores an article by u with the status (published and
// scheduled ones get a date) and returns it.
func (n *newsroom) Article(tb testing.TB, u *communique.User, title string, st communique.Status) *communique.Article {
	tb.Helper()
	a := &communique.Article{Title: title, Source: "The body of " + title + ".", AuthorID: u.ID, Status: st, CommentsOpen: true}
	switch st {
	case communique.StatusPublished:
		a.PublishedAt = n.Clock.Now().Add(-time.Hour)
	case communique.StatusScheduled:
		a.PublishedAt = n.Clock.Now().Add(24 * time.Hour)
	}
	if err := articles.New(n.DB).Create(context.Background(), articles.System, a, nil, nil); err != nil {
		tb.Fatalf("create %q: %v", title, err)
	}
	return a
}

// Comment stores a reader's comment on a with the status.
func (n *newsroom) Comment(tb testing.TB, a *communique.Article, text string, st communique.CommentStatus) *communique.Comment {
	tb.Helper()
	c := &communique.Comment{ArticleID: a.ID, AuthorName: "Reader", AuthorEmail: "reader@mail.example", AuthorIP: "203.0.113.9",
		Text: text, HTML: "<p>" + html.EscapeString(text) + "</p>", Status: st, SpamScore: 0.42}
	if err := n.DB.CreateComment(context.Background(), c); err != nil {
		tb.Fatalf("create comment: %v", err)
	}
	return c
}

// FindArticle reloads an article.
func (n *newsroom) FindArticle(tb testing.TB, id int64) *communique.Article {
	tb.Helper()
	a, err := n.DB.FindArticleByID(context.Background(), id)
	if err != nil {
		tb.Fatalf("find article %d: %v", id, err)
	}
	return a
}

// FindComment reloads a comment.
func (n *newsroom) FindComment(tb testing.TB, id int64) *communique.Comment {
	tb.Helper()
	c, err := n.DB.FindCommentByID(context.Background(), id)
	if err != nil {
		tb.Fatalf("find comment %d: %v", id, err)
	}
	return c
}

// Revisions lists an article's revisions, newest first.
func (n *newsroom) Revisions(tb testing.TB, id int64) []*communique.Revision {
	tb.Helper()
	list, err := n.DB.FindRevisions(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

// PublicPath is the article's path on the site.
func (n *newsroom) PublicPath(tb testing.TB, a *communique.Article) string {
	tb.Helper()
	values, err := n.DB.Settings(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return communique.ArticlePath(a, communique.ParseSettings(values), nil)
}

var allStatuses = []communique.Status{communique.StatusDraft, communique.StatusPending, communique.StatusScheduled, communique.StatusPublished, communique.StatusTrash}

// Snapshot describes everything an admin action could change: articles
// with their terms and revisions, comments, users, terms and settings.
// Two equal snapshots mean nothing was changed.
func (n *newsroom) Snapshot(tb testing.TB) string {
	tb.Helper()
	ctx := context.Background()
	var b strings.Builder
	articles, _, err := n.DB.FindArticles(ctx, communique.ArticleFilter{Status: allStatuses, Limit: 1000})
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range articles {
		fmt.Fprintf(&b, "article %d %s %q slug=%s status=%s author=%d at=%s sticky=%v open=%v source=%q excerpt=%q modified=%s terms=",
			a.ID, a.Type, a.Title, a.Slug, a.Status, a.AuthorID, a.PublishedAt.UTC().Format(time.RFC3339Nano), a.Sticky, a.CommentsOpen,
			a.Source, a.Excerpt, a.ModifiedAt.UTC().Format(time.RFC3339Nano))
		for _, t := range append(a.Categories, a.Tags...) {
			fmt.Fprintf(&b, "%d,", t.ID)
		}
		for _, r := range n.Revisions(tb, a.ID) {
			fmt.Fprintf(&b, "\n  revision %d by %d autosave=%v %q %q", r.ID, r.UserID, r.Autosave, r.Title, r.Source)
		}
		notes, err := n.DB.FindArticleNotes(ctx, []int64{a.ID})
		if err != nil {
			tb.Fatal(err)
		}
		for _, note := range notes {
			fmt.Fprintf(&b, "\n  %s %d by %d %q", note.Kind, note.ID, note.UserID, note.Text)
		}
		desk, err := n.DB.FindEditorialNotes(ctx, a.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, note := range desk {
			fmt.Fprintf(&b, "\n  desk note %d by %d %q", note.ID, note.UserID, note.Text)
		}
		links, err := n.DB.FindPreviewLinks(ctx, a.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, l := range links {
			fmt.Fprintf(&b, "\n  preview %d revoked=%v until %s", l.ID, l.Revoked, l.ExpiresAt.UTC().Format(time.RFC3339))
		}
		if l, err := n.DB.FindLiveBlog(ctx, a.ID); err == nil {
			fmt.Fprintf(&b, "\n  live blog live=%v", l.Live())
		}
		entries, err := n.DB.FindLiveEntries(ctx, a.ID, 0)
		if err != nil {
			tb.Fatal(err)
		}
		for _, e := range entries {
			fmt.Fprintf(&b, "\n  live entry %d by %d key=%v %q", e.ID, e.UserID, e.KeyEvent, e.Source)
		}
		b.WriteString("\n")
	}
	comments, _, err := n.DB.FindComments(ctx, communique.CommentFilter{Private: true, Limit: 1000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range comments {
		fmt.Fprintf(&b, "comment %d on %d parent=%d user=%d status=%s text=%q edited=%v\n", c.ID, c.ArticleID, c.ParentID, c.UserID, c.Status, c.Text, c.EditedAt.IsZero())
	}
	users, err := n.DB.FindUsers(ctx, communique.UserFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, u := range users {
		fmt.Fprintf(&b, "user %d %s %s %q %s %s\n", u.ID, u.Login, u.Role, u.DisplayName, u.Email, u.PasswordHash)
		apps, err := n.DB.FindAppPasswords(ctx, u.ID)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range apps {
			fmt.Fprintf(&b, "  application password %d %q\n", p.ID, p.Name)
		}
	}
	terms, err := n.DB.FindTerms(ctx, communique.TermFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	for _, t := range terms {
		fmt.Fprintf(&b, "term %d %s %q\n", t.ID, t.Taxonomy, t.Name)
	}
	values, err := n.DB.Settings(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "setting %s=%q\n", k, values[k])
	}
	// The front page's zones and their picks.
	zones, err := n.DB.FindFrontZones(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, z := range zones {
		fmt.Fprintf(&b, "zone %d@%d %s %q section %d size %d fill %v picks %v\n", z.ID, z.Position, z.Kind, z.Title, z.SectionID, z.Size, z.Fill, z.ArticleIDs)
	}
	// The menus and their items.
	menus, err := n.DB.FindMenus(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, m := range menus {
		fmt.Fprintf(&b, "menu %q %s at %q\n", m.Name, m.Slug, m.Location)
		for _, it := range m.Items {
			fmt.Fprintf(&b, "  item %d@%d under %d %q %s %s %d\n", it.ID, it.Position, it.ParentID, it.Label, it.URL, it.ObjectType, it.ObjectID)
		}
	}
	// Every moderator action, on comments or people, is logged.
	log, _, err := n.DB.FindModerationLog(ctx, "", 0, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range log {
		fmt.Fprintf(&b, "moderation %d %s by %d on %d %s %q\n", e.ID, e.Action, e.UserID, e.CommentID, e.Subject, e.Detail)
	}
	return b.String()
}

// Sessions counts a user's live sessions in the store.
func (n *newsroom) Sessions(tb testing.TB, u *communique.User) int {
	tb.Helper()
	list, err := n.DB.FindUserSessions(context.Background(), u.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return len(list)
}

// response is what a request returned.
type response struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
	Cookies  []*http.Cookie
}

// Message is the text of the page's error or flash message.
func (r response) Message() string {
	m := messagePattern.FindStringSubmatch(r.Body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

var messagePattern = regexp.MustCompile(`<p class="(?:error|flash)" role="(?:alert|status)">([^<]*)</p>`)

// agent is one browser: a cookie jar and the CSRF token of its session.
type agent struct {
	n      *newsroom
	client *http.Client
	UA     string
	CSRF   string
	User   *communique.User
}

// Agent is a browser without cookies. It does not follow redirects, so
// tests see every 303.
func (n *newsroom) Agent(tb testing.TB) *agent {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	c := n.Server.Client()
	client := &http.Client{Transport: c.Transport, Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &agent{n: n, client: client, UA: "communique-test"}
}

// SignIn is a browser signed in as the fixture user of the role, through
// the real sign-in form.
func (n *newsroom) SignIn(tb testing.TB, role communique.Role) *agent {
	tb.Helper()
	a := n.Agent(tb)
	a.SignInAs(tb, n.Users[role])
	return a
}

// SignInAs signs in as u with the test password and lands on the dashboard.
func (a *agent) SignInAs(tb testing.TB, u *communique.User) {
	tb.Helper()
	res := a.Login(tb, u.Login, testPassword, "")
	if res.Status != http.StatusSeeOther || res.Location != "/admin/" {
		tb.Fatalf("sign in as %s: status %d, Location %q, message %q", u.Login, res.Status, res.Location, res.Message())
	}
	a.User = u
	a.RefreshCSRF(tb)
}

var (
	csrfPattern = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	nextPattern = regexp.MustCompile(`name="next" value="([^"]*)"`)
)

// Login fills in the sign-in form of /admin/login?next=next, as a person
// would: the form's own token and next field go back with the post.
func (a *agent) Login(tb testing.TB, login, pw, next string) response {
	tb.Helper()
	path := "/admin/login"
	if next != "" {
		path += "?next=" + url.QueryEscape(next)
	}
	page := a.Get(tb, path)
	if page.Status != http.StatusOK {
		tb.Fatalf("GET %s: status %d", path, page.Status)
	}
	token := csrfPattern.FindStringSubmatch(page.Body)
	hidden := nextPattern.FindStringSubmatch(page.Body)
	if token == nil || hidden == nil {
		tb.Fatalf("the sign-in form lacks its token or next field:\n%s", page.Body)
	}
	return a.PostRaw(tb, "/admin/login", url.Values{"login": {login}, "password": {pw},
		"csrf_token": {html.UnescapeString(token[1])}, "next": {html.UnescapeString(hidden[1])}})
}

// RefreshCSRF reads the session's token from a page.
func (a *agent) RefreshCSRF(tb testing.TB) {
	tb.Helper()
	res := a.Get(tb, "/admin/profile")
	m := csrfPattern.FindStringSubmatch(res.Body)
	if res.Status != http.StatusOK || m == nil {
		tb.Fatalf("no CSRF token on the profile page (status %d)", res.Status)
	}
	a.CSRF = html.UnescapeString(m[1])
}

// Get sends a GET.
func (a *agent) Get(tb testing.TB, path string) response {
	tb.Helper()
	return a.Do(tb, http.MethodGet, path, nil, nil)
}

// Post sends a form with the session's CSRF token added.
func (a *agent) Post(tb testing.TB, path string, form url.Values) response {
	tb.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["csrf_token"]; !ok {
		f.Set("csrf_token", a.CSRF)
	}
	return a.PostRaw(tb, path, f)
}

// PostRaw sends a form as it is.
func (a *agent) PostRaw(tb testing.TB, path string, form url.Values) response {
	tb.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	return a.Do(tb, http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

// Do sends a request.
func (a *agent) Do(tb testing.TB, method, path string, body io.Reader, header http.Header) response {
	tb.Helper()
	req, err := http.NewRequest(method, a.n.URL+path, body)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", a.UA)
	res, err := a.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(b), Location: res.Header.Get("Location"), Cookies: res.Cookies()}
}

// settingsForm is the settings page's form as a browser would send it,
// with the store's current values and the changes given.
func (n *newsroom) settingsForm(tb testing.TB, changes map[string]string) url.Values {
	tb.Helper()
	stored, err := n.DB.Settings(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	st := communique.ParseSettings(stored)
	form := url.Values{}
	for _, def := range communique.SettingDefs {
		v, ok := changes[def.Key]
		if !ok {
			v = def.Text(st)
		}
		if def.Kind == communique.SettingBool {
			if v == "true" {
				form.Set(def.Key, "true")
			}
			continue
		}
		form.Set(def.Key, v)
	}
	return form
}

// excerpt returns the page's <main>, shortened, for failure messages.
func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}
