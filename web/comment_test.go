package web_test

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// testClock is the one clock of the store, the site and its form tokens,
// so the tests move time instead of sleeping.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// discussionSite is a public site with articles open to comments, served
// on a loopback port, with the default discussion settings.
type discussionSite struct {
	*site
	db      *sqlstore.DB
	clock   *testClock
	mod     *discussion.Service // a moderator's tool: approve, spam, trash
	article *communique.Article // open to comments
	second  *communique.Article // open to comments
	closed  *communique.Article // comments switched off
	path    string              // the open article's URL path
	path2   string
	closedP string
}

func newDiscussionSite(t *testing.T, db *sqlstore.DB) *discussionSite {
	t.Helper()
	clock := &testClock{now: fixedNow}
	db.Now = clock.Now
	ada := storetest.MustCreateUser(t, db, "ada", communique.RoleEditor)
	article := func(title string, open bool, age time.Duration) *communique.Article {
		return MustCreate(t, db, &communique.Article{Title: title, AuthorID: ada.ID, Status: communique.StatusPublished,
			PublishedAt: fixedNow.Add(-age), CommentsOpen: open, Source: "The **" + strings.ToLower(title) + "** story.\n\nMore."}, nil, nil)
	}
	ds := &discussionSite{db: db, clock: clock,
		closed:  article("Closed for comments", false, 72*time.Hour),
		second:  article("Ferry timetable changes", true, 48*time.Hour),
		article: article("Harbour bridge reopens", true, 24*time.Hour),
	}
	values, err := db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st := communique.ParseSettings(values)
	ds.path = communique.ArticlePath(ds.article, st, nil)
	ds.path2 = communique.ArticlePath(ds.second, st, nil)
	ds.closedP = communique.ArticlePath(ds.closed, st, nil)

	logs := &logBuffer{}
	srv, err := web.NewServer(context.Background(), web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = clock.Now
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	client := ts.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Timeout = 10 * time.Second
	ds.site = &site{URL: ts.URL, Server: ts, Logs: logs, Client: client}
	ds.mod = discussion.New(db, avatar.New([]byte("moderator")), formtoken.NewSigner([]byte("moderator")))
	ds.mod.Now = clock.Now
	t.Cleanup(func() {
		if l := logs.String(); strings.Contains(l, "level=ERROR") {
			t.Errorf("the server logged errors:\n%s", l)
		}
	})
	return ds
}

// moderate moves a comment as a moderator would.
func (ds *discussionSite) moderate(t *testing.T, id int64, status communique.CommentStatus) {
	t.Helper()
	if err := ds.mod.Moderate(context.Background(), communique.System(), id, status); err != nil {
		t.Fatalf("moderate %d to %s: %v", id, status, err)
	}
}

func (ds *discussionSite) total(t *testing.T) int {
	t.Helper()
	_, n, err := ds.db.FindComments(context.Background(), communique.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (ds *discussionSite) comment(t *testing.T, id int64) *communique.Comment {
	t.Helper()
	c, err := ds.db.FindCommentByID(context.Background(), id)
	if err != nil {
		t.Fatalf("comment %d: %v", id, err)
	}
	return c
}

// reader is a browser: a cookie jar, no JavaScript, redirects not followed
// so each test sees them.
type reader struct {
	ds     *discussionSite
	client *http.Client
}

func (ds *discussionSite) newReader(t *testing.T) *reader {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *ds.Client
	c.Jar = jar
	return &reader{ds: ds, client: &c}
}

func (r *reader) get(t *testing.T, path string) response {
	t.Helper()
	res := do(t, r.client, http.MethodGet, r.ds.URL+path, nil, nil)
	noServerError(t, "GET "+path, res)
	return res
}

func (r *reader) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	res := do(t, r.client, http.MethodPost, r.ds.URL+path, strings.NewReader(form.Encode()),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	noServerError(t, "POST "+path, res)
	return res
}

// wantSummary checks the error summary of a refused comment: focused on
// arrival, with the message, and a link to the field at fault.
func wantSummary(t *testing.T, doc *html.Node, field, msg string) {
	t.Helper()
	sum := byID(doc, "error-summary")
	if sum == nil {
		t.Fatal("no error summary")
	}
	if _, ok := attr(sum, "autofocus"); !ok {
		t.Error("the error summary does not take the focus")
	}
	if v, _ := attr(sum, "tabindex"); v != "-1" {
		t.Errorf("the error summary's tabindex = %q, want -1", v)
	}
	if !strings.Contains(text(sum), msg) {
		t.Errorf("the error summary says %q, want %q", text(sum), msg)
	}
	if field != "" {
		found := false
		for _, a := range findAll(sum, func(n *html.Node) bool { return n.Data == "a" }) {
			if href, _ := attr(a, "href"); href == "#"+field {
				found = true
			}
		}
		if !found {
			t.Errorf("the error summary has no link to #%s", field)
		}
	}
	if title := findAll(doc, func(n *html.Node) bool { return n.Data == "title" }); len(title) == 0 || !strings.HasPrefix(text(title[0]), "Error: ") {
		t.Error("the page title does not start with Error:")
	}
}

// followRefusal checks that a refused comment was answered with a
// redirect to the article page that shows it, and returns that page.
func (r *reader) followRefusal(t *testing.T, res response) response {
	t.Helper()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.Status != http.StatusSeeOther || err != nil || loc.Query().Get("comment_refused") == "" {
		t.Fatalf("refused comment answered %d to %q, want 303 to the article with comment_refused\n%s",
			res.Status, res.Header.Get("Location"), excerpt(res.Body))
	}
	page := r.get(t, loc.RequestURI())
	page.URL = loc.RequestURI() // what a reload asks for
	return page
}

// cookie returns the value of a cookie the browser holds for the site.
func (r *reader) cookie(name string) (string, bool) {
	u, _ := url.Parse(r.ds.URL)
	for _, c := range r.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value, true
		}
	}
	return "", false
}

// write opens the article at path, fills the reply form with fields like a
// person (20 seconds, past the minimum fill time and the flood interval),
// lets mod change anything, and posts it to the form's action.
func (r *reader) write(t *testing.T, path string, fields url.Values, mod func(url.Values)) response {
	t.Helper()
	page := r.get(t, path)
	if page.Status != http.StatusOK {
		t.Fatalf("GET %s = %d", path, page.Status)
	}
	doc := parseHTML(t, page.Body)
	form := byID(doc, "commentform")
	if form == nil {
		t.Fatalf("GET %s: no #commentform\n%s", path, excerpt(page.Body))
	}
	values := formValues(form)
	for k, v := range fields {
		values[k] = v
	}
	if mod != nil {
		mod(values)
	}
	r.ds.clock.Add(20 * time.Second)
	action, _ := attr(form, "action")
	return r.post(t, action, values)
}

// person is what a commenter types into the form.
func person(name, email, site, text string) url.Values {
	return url.Values{"author": {name}, "email": {email}, "url": {site}, "comment": {text}}
}

var commentLocation = regexp.MustCompile(`^(/[^#?]*)#comment-(\d+)$`)

// posted checks a POST answered 303 to the new comment and returns its ID
// and the page it is on.
func posted(t *testing.T, res response) (int64, string) {
	t.Helper()
	loc := res.Header.Get("Location")
	m := commentLocation.FindStringSubmatch(loc)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("POST = %d Location %q, want 303 to …#comment-ID\n%s", res.Status, loc, excerptAround(res.Body, `class="error"`))
	}
	id, _ := strconv.ParseInt(m[2], 10, 64)
	return id, m[1]
}

func noServerError(t *testing.T, what string, res response) {
	t.Helper()
	if res.Status >= 500 {
		t.Errorf("%s: server error %d\n%s", what, res.Status, excerpt(res.Body))
	}
}

// HTML helpers.

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func byID(n *html.Node, id string) *html.Node {
	list := findAll(n, func(n *html.Node) bool { v, _ := attr(n, "id"); return v == id })
	if len(list) == 0 {
		return nil
	}
	return list[0]
}

// byName finds the form control with the name.
func byName(n *html.Node, name string) *html.Node {
	list := findAll(n, func(n *html.Node) bool {
		v, ok := attr(n, "name")
		return ok && v == name && (n.Data == "input" || n.Data == "textarea" || n.Data == "button")
	})
	if len(list) == 0 {
		return nil
	}
	return list[0]
}

func hasClass(n *html.Node, class string) bool {
	v, _ := attr(n, "class")
	return slices.Contains(strings.Fields(v), class)
}

// text is an element's text with white space collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// rawText is a textarea's value as a browser would submit it.
func rawText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// formValues is what a browser would submit from a form, without the
// button.
func formValues(form *html.Node) url.Values {
	v := url.Values{}
	for _, n := range findAll(form, func(n *html.Node) bool { return n.Data == "input" || n.Data == "textarea" }) {
		name, ok := attr(n, "name")
		if !ok {
			continue
		}
		if n.Data == "textarea" {
			v.Set(name, rawText(n))
			continue
		}
		typ, _ := attr(n, "type")
		if typ == "checkbox" || typ == "radio" {
			if _, checked := attr(n, "checked"); !checked {
				continue
			}
		}
		val, _ := attr(n, "value")
		v.Set(name, val)
	}
	return v
}

// commentItems returns the li.comment elements of a page by comment ID.
func commentItems(doc *html.Node) map[string]*html.Node {
	m := map[string]*html.Node{}
	for _, li := range findAll(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "comment") }) {
		id, _ := attr(li, "id")
		m[id] = li
	}
	return m
}

// TestCommentForm checks the reply form under an article, word for word,
// and its absence where comments are closed.
func TestCommentForm(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		r := ds.newReader(t)
		page := r.get(t, ds.path)
		if page.Status != http.StatusOK {
			t.Fatalf("GET %s = %d", ds.path, page.Status)
		}
		doc := parseHTML(t, page.Body)
		respond := byID(doc, "respond")
		form := byID(doc, "commentform")
		if respond == nil || form == nil {
			t.Fatalf("no reply form:\n%s", excerpt(page.Body))
		}
		if got := text(byID(doc, "reply-title")); !strings.HasPrefix(got, "Leave a Reply") {
			t.Errorf("form heading = %q, want Leave a Reply", got)
		}
		notes := findAll(form, func(n *html.Node) bool { return hasClass(n, "comment-notes") })
		if len(notes) != 1 || text(notes[0]) != "Your email address will not be published. Required fields are marked *" {
			t.Errorf("form note = %q", text(notes[0]))
		}
		if action, _ := attr(form, "action"); action != "/comments" {
			t.Errorf("form action = %q, want /comments", action)
		}
		if method, _ := attr(form, "method"); method != "post" {
			t.Errorf("form method = %q, want post", method)
		}
		fields := []struct {
			name, label, tag string
			required         bool
		}{
			{"author", "Name *", "input", true},
			{"email", "Email *", "input", true},
			{"url", "Website", "input", false},
			{"comment", "Comment *", "textarea", true},
		}
		for _, f := range fields {
			n := byName(form, f.name)
			if n == nil || n.Data != f.tag {
				t.Errorf("no %s named %q", f.tag, f.name)
				continue
			}
			_, required := attr(n, "required")
			if required != f.required {
				t.Errorf("%s: required = %v, want %v", f.name, required, f.required)
			}
			id, _ := attr(n, "id")
			labels := findAll(form, func(l *html.Node) bool { v, _ := attr(l, "for"); return l.Data == "label" && v == id })
			if len(labels) != 1 || text(labels[0]) != f.label {
				t.Errorf("%s: label = %v, want %q", f.name, labels, f.label)
			}
		}
		for name, want := range map[string]string{"comment_post_ID": strconv.FormatInt(ds.article.ID, 10), "comment_parent": "0"} {
			n := byName(form, name)
			if n == nil {
				t.Errorf("no hidden %s", name)
				continue
			}
			if typ, _ := attr(n, "type"); typ != "hidden" {
				t.Errorf("%s type = %q, want hidden", name, typ)
			}
			if v, _ := attr(n, "value"); v != want {
				t.Errorf("%s = %q, want %q", name, v, want)
			}
		}
		if tok := byName(form, "comment_token"); tok == nil {
			t.Error("no comment_token")
		} else if v, _ := attr(tok, "value"); len(v) < 40 {
			t.Errorf("comment_token = %q, want a signed token", v)
		}
		box := byID(form, "wp-comment-cookies-consent")
		if box == nil {
			t.Fatal("no remember-me checkbox")
		}
		if typ, _ := attr(box, "type"); typ != "checkbox" {
			t.Errorf("remember-me type = %q", typ)
		}
		if _, checked := attr(box, "checked"); checked {
			t.Error("remember-me is ticked by default; it must be opt-in")
		}
		label := findAll(form, func(l *html.Node) bool { v, _ := attr(l, "for"); return v == "wp-comment-cookies-consent" })
		if len(label) != 1 || text(label[0]) != "Save my name, email, and website in this browser for the next time I comment." {
			t.Errorf("remember-me label = %v", label)
		}
		if b := byID(form, "submit"); b == nil || text(b) != "Post Comment" {
			t.Errorf("submit button missing or mislabelled")
		}
		// The honeypot is there for bots and hidden from people.
		if hp := byName(form, "comment_website_confirm"); hp == nil {
			t.Error("no honeypot field")
		} else if v, _ := attr(hp, "tabindex"); v != "-1" {
			t.Errorf("honeypot tabindex = %q, want -1", v)
		}
		if cancel := byID(doc, "cancel-comment-reply-link"); cancel == nil || text(cancel) != "Cancel reply" {
			t.Error("no Cancel reply link")
		} else if _, hidden := attr(cancel, "hidden"); !hidden {
			t.Error("Cancel reply is shown on a fresh form")
		}
		if !strings.Contains(page.Body, `<script src="/static/comment-reply.js?v=`) {
			t.Error("the reply script is not linked with its hash")
		}
		if !strings.Contains(page.Body, "No comments yet.") {
			t.Error("an article without comments does not say so")
		}

		t.Run("WordPressPostURL", func(t *testing.T) {
			// Old scripts and themes post to /wp-comments-post.php.
			res := r.write(t, ds.path, person("Legacy Poster", "legacy@example.com", "", "Posted the old way."), nil)
			id, _ := posted(t, res)
			fields := formValues(byID(parseHTML(t, r.get(t, ds.path).Body), "commentform"))
			fields.Set("author", "Legacy Poster")
			fields.Set("email", "legacy@example.com")
			fields.Set("comment", "Posted to the WordPress address.")
			ds.clock.Add(20 * time.Second)
			id2, _ := posted(t, r.post(t, "/wp-comments-post.php", fields))
			if id2 == id || ds.comment(t, id2).Text != "Posted to the WordPress address." {
				t.Errorf("POST /wp-comments-post.php did not store the comment")
			}
		})

		t.Run("Closed", func(t *testing.T) {
			res := r.get(t, ds.closedP)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s = %d", ds.closedP, res.Status)
			}
			if !strings.Contains(res.Body, `<p class="comments-closed">Comments are closed.</p>`) {
				t.Error("a closed article does not say comments are closed")
			}
			for _, bad := range []string{`id="commentform"`, "Leave a Reply", "comment-reply.js"} {
				if strings.Contains(res.Body, bad) {
					t.Errorf("a closed article shows %q", bad)
				}
			}
		})
		t.Run("AutoClosed", func(t *testing.T) {
			// The articles are one and two days old (and a little more).
			MustSet(t, db, "close_comments_days_old", "2")
			t.Cleanup(func() { MustSet(t, db, "close_comments_days_old", "0") })
			res := r.get(t, ds.path2)
			if !strings.Contains(res.Body, "Comments are closed.") || strings.Contains(res.Body, `id="commentform"`) {
				t.Error("an article past close_comments_days_old still takes comments")
			}
			if res := r.get(t, ds.path); !strings.Contains(res.Body, `id="commentform"`) {
				t.Error("an article younger than close_comments_days_old lost its form")
			}
		})
	}, atFixedNow)
}

// TestCommentLifecycle walks a comment from the form to the thread:
// held and seen only by its author, approved and seen by everyone, with
// an avatar, a permalink and the author's link; then a reply.
func TestCommentLifecycle(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		ann := ds.newReader(t)
		const typed = "The bridge looks great.\n\nSee https://photos.example/bridge for pictures."
		res := ann.write(t, ds.path, person("Ann Reader", "Ann.Reader@Example.com", "https://ann.example/", typed), nil)
		id, page := posted(t, res)
		if page != ds.path {
			t.Errorf("redirected to %s, want the article %s", page, ds.path)
		}
		c := ds.comment(t, id)
		if c.Status != communique.CommentPending || c.AuthorName != "Ann Reader" || c.AuthorEmail != "Ann.Reader@Example.com" ||
			c.AuthorURL != "https://ann.example/" || c.Text != typed || c.ArticleID != ds.article.ID || c.AuthorIP != "127.0.0.1" {
			t.Fatalf("stored comment = %+v", c)
		}
		anchor := fmt.Sprintf("comment-%d", id)

		// Read your writes: the author sees the held comment at once.
		mine := ann.get(t, ds.path)
		doc := parseHTML(t, mine.Body)
		li := commentItems(doc)[anchor]
		if li == nil {
			t.Fatalf("the author does not see their held comment:\n%s", excerpt(mine.Body))
		}
		if !strings.Contains(text(li), "Your comment is awaiting moderation.") || !hasClass(li, "comment-pending") {
			t.Error("the held comment is not marked as awaiting moderation")
		}
		if strings.Contains(mine.Body, `aria-label="Reply to Ann Reader"`) {
			t.Error("a held comment offers a Reply link")
		}

		// Nobody else does.
		bob := ds.newReader(t)
		other := bob.get(t, ds.path)
		for _, bad := range []string{anchor, "The bridge looks great.", "awaiting moderation", "Ann Reader"} {
			if strings.Contains(other.Body, bad) {
				t.Errorf("another browser sees %q of a held comment", bad)
			}
		}
		if anon := do(t, ds.Client, http.MethodGet, ds.URL+ds.path, nil, nil); strings.Contains(anon.Body, "The bridge looks great.") {
			t.Error("a browser without cookies sees the held comment")
		}

		// A moderator approves it: everyone sees it, nobody sees the note.
		ds.moderate(t, id, communique.CommentApproved)
		for name, r := range map[string]*reader{"author": ann, "other": bob} {
			res := r.get(t, ds.path)
			doc := parseHTML(t, res.Body)
			li := commentItems(doc)[anchor]
			if li == nil {
				t.Fatalf("%s: the approved comment is not shown", name)
			}
			if strings.Contains(res.Body, "awaiting moderation") {
				t.Errorf("%s: an approved comment is still marked as awaiting moderation", name)
			}
			links := findAll(li, func(n *html.Node) bool { return n.Data == "a" && text(n) == "Ann Reader" })
			if len(links) != 1 {
				t.Fatalf("%s: author not linked to their website", name)
			}
			if href, _ := attr(links[0], "href"); href != "https://ann.example/" {
				t.Errorf("%s: author link = %q", name, href)
			}
			if rel, _ := attr(links[0], "rel"); !strings.Contains(rel, "nofollow ugc") {
				t.Errorf("%s: author link rel = %q, want nofollow ugc", name, rel)
			}
			perm := findAll(li, func(n *html.Node) bool { return hasClass(n, "comment-permalink") })
			if len(perm) != 1 {
				t.Errorf("%s: no permalink", name)
			} else if href, _ := attr(perm[0], "href"); href != "#"+anchor {
				t.Errorf("%s: permalink = %q, want #%s", name, href, anchor)
			}
			if times := findAll(li, func(n *html.Node) bool { return n.Data == "time" }); len(times) == 0 || text(times[0]) != "June 1, 2026 at 12:00 pm" {
				t.Errorf("%s: comment date = %v, want June 1, 2026 at 12:00 pm", name, times)
			}
			content := findAll(li, func(n *html.Node) bool { return hasClass(n, "comment-content") })
			if len(content) != 1 || !strings.Contains(renderHTML(content[0]), `<a href="https://photos.example/bridge" rel="nofollow ugc">`) {
				t.Errorf("%s: the URL in the text is not a nofollow link", name)
			}
			if ps := findAll(content[0], func(n *html.Node) bool { return n.Data == "p" }); len(ps) != 2 {
				t.Errorf("%s: %d paragraphs, want 2", name, len(ps))
			}
			if !strings.Contains(res.Body, "1 comment on “<bdi>Harbour bridge reopens</bdi>”") {
				t.Errorf("%s: the discussion heading does not count 1 comment", name)
			}
			if !strings.Contains(res.Body, `<a href="#comments">1 comment</a>`) {
				t.Errorf("%s: the byline does not count 1 comment", name)
			}
		}

		// The avatar is generated here, from a key, not from the email.
		imgs := findAll(commentItems(parseHTML(t, bob.get(t, ds.path).Body))[anchor], func(n *html.Node) bool { return n.Data == "img" && hasClass(n, "avatar") })
		if len(imgs) != 1 {
			t.Fatal("no avatar")
		}
		src, _ := attr(imgs[0], "src")
		if !regexp.MustCompile(`^/avatar/[0-9a-f]{32}\.svg$`).MatchString(src) {
			t.Fatalf("avatar src = %q, want /avatar/<32 hex>.svg", src)
		}
		emailMD5 := md5.Sum([]byte("ann.reader@example.com"))
		if strings.Contains(src, hex.EncodeToString(emailMD5[:])) || strings.Contains(strings.ToLower(src), "ann") {
			t.Errorf("avatar URL %q derives visibly from the email", src)
		}
		svg := bob.get(t, src)
		if svg.Status != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg.Body, "<svg") {
			t.Errorf("GET %s = %d %q %.40q, want an SVG", src, svg.Status, svg.Header.Get("Content-Type"), svg.Body)
		}
		if strings.Contains(strings.ToLower(svg.Body), "ann.reader") {
			t.Error("the avatar contains the email")
		}
		for _, bad := range []string{"/avatar/" + strings.Repeat("g", 32) + ".svg", "/avatar/" + strings.ToUpper(src[8:40]) + ".svg", "/avatar/abc.svg"} {
			if res := bob.get(t, bad); res.Status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", bad, res.Status)
			}
		}

		// The comment count shows on the front page listing.
		front := bob.get(t, "/")
		if !strings.Contains(front.Body, `<a href="`+ds.path+`#comments">1 comment</a>`) {
			t.Errorf("front page does not show the comment count:\n%s", excerptAround(front.Body, "Harbour bridge"))
		}

		// Bob replies from his browser, without JavaScript: the Reply link
		// turns the form into a reply to Ann.
		replyPath := ds.path + "?replytocom=" + strconv.FormatInt(id, 10)
		rp := bob.get(t, replyPath)
		rdoc := parseHTML(t, rp.Body)
		if got := text(byID(rdoc, "reply-title")); !strings.HasPrefix(got, "Reply to Ann Reader") {
			t.Errorf("?replytocom heading = %q, want Reply to Ann Reader", got)
		}
		if v, _ := attr(byName(rdoc, "comment_parent"), "value"); v != strconv.FormatInt(id, 10) {
			t.Errorf("?replytocom comment_parent = %q, want %d", v, id)
		}
		if _, hidden := attr(byID(rdoc, "cancel-comment-reply-link"), "hidden"); hidden {
			t.Error("Cancel reply is hidden on a reply form")
		}
		links := findAll(commentItems(parseHTML(t, bob.get(t, ds.path).Body))[anchor], func(n *html.Node) bool { return hasClass(n, "comment-reply-link") })
		if len(links) != 1 {
			t.Fatal("the approved comment has no Reply link")
		}
		if href, _ := attr(links[0], "href"); href != replyPath+"#respond" {
			t.Errorf("Reply link = %q, want %q", href, replyPath+"#respond")
		}
		res = bob.write(t, replyPath, person("Bob Neighbour", "bob@example.org", "", "Agreed, Ann."), nil)
		replyID, _ := posted(t, res)
		reply := ds.comment(t, replyID)
		if reply.ParentID != id || reply.ThreadID != id {
			t.Errorf("reply parent %d thread %d, want %d", reply.ParentID, reply.ThreadID, id)
		}
		// Bob sees his held reply nested under Ann's comment.
		bdoc := parseHTML(t, bob.get(t, ds.path).Body)
		annLi := commentItems(bdoc)[anchor]
		children := findAll(annLi, func(n *html.Node) bool { return n.Data == "ol" && hasClass(n, "children") })
		if len(children) != 1 || commentItems(children[0])[fmt.Sprintf("comment-%d", replyID)] == nil {
			t.Fatal("the reply is not nested in ol.children under its parent")
		}
		if !strings.Contains(text(children[0]), "Your comment is awaiting moderation.") {
			t.Error("the held reply is not marked for its author")
		}
		ds.moderate(t, replyID, communique.CommentApproved)
		adoc := parseHTML(t, ann.get(t, ds.path).Body)
		nested := commentItems(adoc)[fmt.Sprintf("comment-%d", replyID)]
		if nested == nil || !hasClass(nested, "depth-2") || nested.Parent == nil || !hasClass(nested.Parent, "children") {
			t.Error("Ann does not see the approved reply nested at depth 2")
		}

		t.Run("ReplyToHeldIgnored", func(t *testing.T) {
			cat := ds.newReader(t)
			heldID, _ := posted(t, cat.write(t, ds.path, person("Cat Held", "cat@example.net", "", "Held words."), nil))
			res := bob.get(t, ds.path+"?replytocom="+strconv.FormatInt(heldID, 10))
			doc := parseHTML(t, res.Body)
			if got := text(byID(doc, "reply-title")); !strings.HasPrefix(got, "Leave a Reply") || strings.Contains(res.Body, "Cat Held") {
				t.Errorf("?replytocom of a held comment shows %q", got)
			}
			if v, _ := attr(byName(doc, "comment_parent"), "value"); v != "0" {
				t.Errorf("comment_parent = %q, want 0", v)
			}
		})
	}, atFixedNow)
}

// renderHTML serializes a node, for checks on markup.
func renderHTML(n *html.Node) string {
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

// TestCommentRefusals posts every kind of bad comment: each is a clear 4xx
// with the message by the field, the form back with every word typed, and
// nothing stored.
func TestCommentRefusals(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		// An approved comment on the other article, and a held one here.
		elsewhere := ds.newReader(t)
		otherID, _ := posted(t, elsewhere.write(t, ds.path2, person("Elsewhere", "elsewhere@example.com", "", "On the ferry."), nil))
		ds.moderate(t, otherID, communique.CommentApproved)
		heldID, _ := posted(t, elsewhere.write(t, ds.path, person("Held Person", "held@example.com", "", "Still held."), nil))
		dupe := ds.newReader(t)
		posted(t, dupe.write(t, ds.path, person("Said Twice", "twice@example.com", "", "I repeat myself."), nil))

		const (
			name  = "Zoë O'Brien <zoe>"
			email = "zoe.obrien@example.com"
			site  = "https://zoe.example/blog?a=1&b=2"
			words = "Line one with \"quotes\" & <b>tags</b>.\n\nLine two: café, naïve, 日本."
		)
		typed := person(name, email, site, words)
		set := func(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }
		tests := []struct {
			name       string
			path       string // article whose page the form is read from
			fields     url.Values
			mod        func(url.Values)
			noWait     bool
			wantStatus int
			wantField  string // id of the message beside the field, "" for the form message
			wantMsg    string
			wantForm   bool // the reply form comes back (else an error page with the words)
		}{
			{name: "NameMissing", mod: set("author", ""), wantStatus: 400, wantField: "author", wantMsg: "Please enter your name.", wantForm: true},
			{name: "EmailMissing", mod: set("email", ""), wantStatus: 400, wantField: "email", wantMsg: "Please enter your email address. It will not be published.", wantForm: true},
			{name: "EmailInvalid", mod: set("email", "zoe at example"), wantStatus: 400, wantField: "email", wantMsg: "Please enter a valid email address, such as name@example.com.", wantForm: true},
			{name: "EmailIPLiteral", mod: set("email", "eve@[127.0.0.1]"), wantStatus: 400, wantField: "email", wantMsg: communique.EmailProblem("eve@[127.0.0.1]"), wantForm: true},
			{name: "EmailIPDomain", mod: set("email", "eve@10.0.0.1"), wantStatus: 400, wantField: "email", wantMsg: communique.EmailProblem("eve@10.0.0.1"), wantForm: true},
			{name: "URLInvalid", mod: set("url", "javascript:alert(1)"), wantStatus: 400, wantField: "url", wantMsg: "Please enter a website address starting with http:// or https://, or leave it empty.", wantForm: true},
			{name: "CommentEmpty", mod: set("comment", "   "), wantStatus: 400, wantField: "comment", wantMsg: "Please type your comment.", wantForm: true},
			{name: "CommentTooLong", mod: set("comment", strings.Repeat("abc", 21842)), wantStatus: 400, wantField: "comment", wantMsg: "Your comment is too long (at most 65,525 characters).", wantForm: true},
			{name: "NameTooLong", mod: set("author", strings.Repeat("n", 246)), wantStatus: 400, wantField: "author", wantMsg: "Your name is too long (at most 245 characters).", wantForm: true},
			{name: "TokenForged", mod: set("comment_token", "forged"), wantStatus: 400, wantMsg: discussion.MsgToken, wantForm: true},
			{name: "TokenMissing", mod: func(f url.Values) { f.Del("comment_token") }, wantStatus: 400, wantMsg: discussion.MsgToken, wantForm: true},
			{name: "TooFast", noWait: true, wantStatus: 400, wantMsg: discussion.MsgTooFast, wantForm: true},
			{name: "Honeypot", mod: set("comment_website_confirm", "http://bot.example"), wantStatus: 400, wantMsg: "Your comment could not be accepted.", wantForm: true},
			{name: "ParentOnOtherArticle", mod: set("comment_parent", strconv.FormatInt(otherID, 10)), wantStatus: 400, wantMsg: "The comment you are replying to is not available.", wantForm: true},
			{name: "ParentHeld", mod: set("comment_parent", strconv.FormatInt(heldID, 10)), wantStatus: 400, wantMsg: "The comment you are replying to is not available.", wantForm: true},
			{name: "ParentUnknown", mod: set("comment_parent", "999999"), wantStatus: 400, wantMsg: "The comment you are replying to is not available.", wantForm: true},
			{name: "Duplicate", fields: person("Said Twice", "twice@example.com", "", "I repeat myself."), wantStatus: 409,
				wantMsg: "Duplicate comment detected; it looks as though you’ve already said that!", wantForm: true},
			{name: "ClosedArticle", mod: set("comment_post_ID", strconv.FormatInt(ds.closed.ID, 10)), wantStatus: 403, wantMsg: "Comments are closed.", wantForm: true},
			{name: "UnknownArticle", mod: set("comment_post_ID", "999999"), wantStatus: 404},
			{name: "NoArticle", mod: func(f url.Values) { f.Del("comment_post_ID") }, wantStatus: 400},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := ds.newReader(t)
				fields := tt.fields
				if fields == nil {
					fields = typed
				}
				before := ds.total(t)
				page := r.get(t, ds.path)
				form := formValues(byID(parseHTML(t, page.Body), "commentform"))
				for k, v := range fields {
					form[k] = v
				}
				if tt.mod != nil {
					tt.mod(form)
				}
				if !tt.noWait {
					ds.clock.Add(20 * time.Second)
				}
				res := r.post(t, "/comments", form)
				if tt.wantForm {
					res = r.followRefusal(t, res)
				}
				if res.Status != tt.wantStatus {
					t.Errorf("status = %d, want %d\n%s", res.Status, tt.wantStatus, excerpt(res.Body))
				}
				if n := ds.total(t); n != before {
					t.Errorf("%d comments after a refused post, want %d", n, before)
				}
				doc := parseHTML(t, res.Body)
				if tt.wantMsg != "" {
					var got string
					if tt.wantField != "" {
						if n := byID(doc, tt.wantField+"-error"); n != nil {
							got = text(n)
						}
						if ctl := byName(doc, tt.wantField); ctl == nil {
							t.Errorf("no %s field", tt.wantField)
						} else if v, _ := attr(ctl, "aria-invalid"); v != "true" {
							t.Errorf("%s field is not marked aria-invalid", tt.wantField)
						}
					} else if n := byID(doc, "comment-form-message"); n != nil {
						got = text(n)
					} else {
						got = text(doc)
					}
					if !strings.Contains(got, tt.wantMsg) {
						t.Errorf("message = %q, want %q", got, tt.wantMsg)
					}
				}
				// Every word typed is still there.
				if tt.wantForm {
					f := byID(doc, "commentform")
					if f == nil {
						t.Fatalf("the form did not come back:\n%s", excerpt(res.Body))
					}
					back := formValues(f)
					for _, k := range []string{"author", "email", "url", "comment"} {
						want := form.Get(k)
						if k == "comment" {
							want = strings.ReplaceAll(want, "\r\n", "\n")
						}
						if got := back.Get(k); got != want {
							t.Errorf("%s came back as %.80q, want %.80q", k, got, want)
						}
					}
					wantSummary(t, doc, tt.wantField, tt.wantMsg)
					again := r.get(t, res.URL)
					if again.Status != res.Status || again.Body != res.Body || ds.total(t) != before {
						t.Errorf("reloading the refusal = %d (page changed: %v, %d comments), want the same page and nothing posted",
							again.Status, again.Body != res.Body, ds.total(t))
					}
					if other := ds.newReader(t).get(t, res.URL); strings.Contains(other.Body, email) || byID(parseHTML(t, other.Body), "error-summary") != nil {
						t.Error("another browser sees the refused comment")
					}
				} else {
					page := text(doc)
					for _, k := range []string{"author", "email", "url", "comment"} {
						if want := strings.Join(strings.Fields(form.Get(k)), " "); !strings.Contains(page, want) {
							t.Errorf("the error page lost the %s %q", k, want)
						}
					}
				}
				if strings.Contains(res.Body, "Held Person") && tt.name == "ParentHeld" {
					t.Error("the refusal names the author of a held comment")
				}
			})
		}

		t.Run("Flood", func(t *testing.T) {
			r := ds.newReader(t)
			posted(t, r.write(t, ds.path, person("Quick One", "quick@example.com", "", "First thought."), nil))
			before := ds.total(t)
			page := r.get(t, ds.path)
			form := formValues(byID(parseHTML(t, page.Body), "commentform"))
			for k, v := range person("Quick One", "quick@example.com", "", "Second thought, too soon.") {
				form[k] = v
			}
			ds.clock.Add(5 * time.Second)
			post := r.post(t, "/comments", form)
			if got := post.Header.Get("Retry-After"); got != "10" {
				t.Errorf("flood refusal Retry-After = %q, want 10", got)
			}
			res := r.followRefusal(t, post)
			if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "10" {
				t.Errorf("the refusal's page = %d with Retry-After %q, want 429 with 10", res.Status, res.Header.Get("Retry-After"))
			}
			doc := parseHTML(t, res.Body)
			wantSummary(t, doc, "", discussion.MsgFlood+" Please wait 10 seconds, then post your comment again.")
			if got := formValues(byID(doc, "commentform")).Get("comment"); got != "Second thought, too soon." {
				t.Errorf("the flood refusal lost the comment: %q", got)
			}
			if ds.total(t) != before {
				t.Error("a flood refusal stored the comment")
			}
			// Reloading later tells the time left, and when it is over.
			ds.clock.Add(4 * time.Second)
			if res := r.get(t, res.URL); res.Header.Get("Retry-After") != "6" || !strings.Contains(res.Body, "Please wait 6 seconds") {
				t.Errorf("reloaded 4 s later: Retry-After %q, want 6 and the message saying so", res.Header.Get("Retry-After"))
			}
			ds.clock.Add(6 * time.Second)
			if res := r.get(t, res.URL); res.Header.Get("Retry-After") != "" || !strings.Contains(res.Body, "You can post your comment now.") {
				t.Errorf("reloaded after the wait: Retry-After %q, want none and a message saying it can be posted", res.Header.Get("Retry-After"))
			}
			if ds.total(t) != before {
				t.Error("reloading the refusal posted the comment")
			}
		})

		t.Run("ReadersSharingAnAddress", func(t *testing.T) {
			// Every reader here comes from 127.0.0.1, as from one office.
			ds.clock.Add(time.Minute)
			for _, p := range []url.Values{
				person("Desk One", "one@example.com", "", "From the first desk."),
				person("Desk Two", "two@example.com", "", "From the second desk."),
				person("Desk Three", "three@example.com", "", "From the third desk."),
			} {
				r := ds.newReader(t)
				page := r.get(t, ds.path)
				form := formValues(byID(parseHTML(t, page.Body), "commentform"))
				for k, v := range p {
					form[k] = v
				}
				ds.clock.Add(4 * time.Second) // past the fill time, within the flood interval
				posted(t, r.post(t, "/comments", form))
			}
		})
	}, atFixedNow)
}

// TestRememberMe checks the opt-in cookie: set only when the box is ticked,
// filling the next form; gone when it is not.
func TestRememberMe(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		cookies := []string{"comment_author", "comment_author_email", "comment_author_url"}

		t.Run("Ticked", func(t *testing.T) {
			r := ds.newReader(t)
			f := person("Rita Remember", "rita@example.com", "rita.example", "Remember me.")
			f.Set("wp-comment-cookies-consent", "yes")
			res := r.write(t, ds.path, f, nil)
			posted(t, res)
			for _, sc := range res.Header.Values("Set-Cookie") {
				if strings.HasPrefix(sc, "comment_author") && (!strings.Contains(sc, "SameSite=Lax") || !strings.Contains(sc, "Path=/") || strings.Contains(sc, "Domain=")) {
					t.Errorf("remember-me cookie %q is not a first-party cookie for the whole site (SameSite=Lax, Path=/, no Domain)", sc)
				}
			}
			for _, name := range cookies {
				if _, ok := r.cookie(name); !ok {
					t.Errorf("cookie %s not set", name)
				}
			}
			form := formValues(byID(parseHTML(t, r.get(t, ds.path2).Body), "commentform"))
			want := map[string]string{"author": "Rita Remember", "email": "rita@example.com", "url": "http://rita.example", "wp-comment-cookies-consent": "yes", "comment": ""}
			for k, v := range want {
				if got := form.Get(k); got != v {
					t.Errorf("next form %s = %q, want %q", k, got, v)
				}
			}
			// Unticking it on the next comment forgets her.
			res = r.write(t, ds.path2, url.Values{"comment": {"Forget me now."}}, func(f url.Values) { f.Del("wp-comment-cookies-consent") })
			posted(t, res)
			for _, name := range cookies {
				if v, ok := r.cookie(name); ok {
					t.Errorf("cookie %s = %q still set after unticking", name, v)
				}
			}
			form = formValues(byID(parseHTML(t, r.get(t, ds.path).Body), "commentform"))
			if form.Get("author") != "" || form.Get("email") != "" || form.Has("wp-comment-cookies-consent") {
				t.Errorf("form still filled after unticking: %v", form)
			}
		})
		t.Run("NotTicked", func(t *testing.T) {
			r := ds.newReader(t)
			res := r.write(t, ds.path, person("Nora Forget", "nora@example.com", "", "Do not remember me."), nil)
			posted(t, res)
			for _, sc := range res.Header.Values("Set-Cookie") {
				for _, name := range cookies {
					if strings.HasPrefix(sc, name+"=") && !strings.Contains(sc, "Max-Age=0") {
						t.Errorf("unticked box set a cookie: %q", sc)
					}
				}
				if strings.Contains(sc, "nora") {
					t.Errorf("a cookie carries the commenter's details: %q", sc)
				}
			}
			for _, name := range cookies {
				if _, ok := r.cookie(name); ok {
					t.Errorf("cookie %s set without consent", name)
				}
			}
			form := formValues(byID(parseHTML(t, r.get(t, ds.path).Body), "commentform"))
			if form.Get("author") != "" || form.Get("email") != "" {
				t.Errorf("a fresh form is filled without consent: %v", form)
			}
		})
	}, atFixedNow)
}

// TestCommentPages checks long discussions page by comments_per_page at
// /slug/comment-page-N/, and a new comment redirects to its page.
func TestCommentPages(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		MustSet(t, db, "comments_per_page", "2")
		for i := 1; i <= 5; i++ {
			r := ds.newReader(t)
			id, page := posted(t, r.write(t, ds.path, person(fmt.Sprintf("Pager %d", i), fmt.Sprintf("pager%d@example.com", i), "", fmt.Sprintf("Comment number %d.", i)), nil))
			if i == 5 {
				// Four approved threads before it: page 3 for its author.
				if want := ds.path + "comment-page-3/"; page != want {
					t.Errorf("fifth comment redirected to %s, want %s", page, want)
				}
				if res := r.get(t, page); !strings.Contains(res.Body, "Comment number 5.") || !strings.Contains(res.Body, "awaiting moderation") {
					t.Errorf("its author does not see it on %s", page)
				}
			}
			ds.moderate(t, id, communique.CommentApproved)
		}
		r := ds.newReader(t)
		tests := []struct {
			path       string
			wantStatus int
			want       []string
			absent     []string
		}{
			{ds.path, 200, []string{"Comment number 1.", "Comment number 2.", "Comment page 1 of 3", `rel="next" href="` + ds.path + `comment-page-2/#comments"`},
				[]string{"Comment number 3.", `rel="prev" href="` + ds.path}},
			{ds.path + "comment-page-2/", 200, []string{"Comment number 3.", "Comment number 4.", "Comment page 2 of 3",
				`rel="prev" href="` + ds.path + `#comments"`, `rel="next" href="` + ds.path + `comment-page-3/#comments"`},
				[]string{"Comment number 2.", "Comment number 5."}},
			{ds.path + "comment-page-3/", 200, []string{"Comment number 5.", "Comment page 3 of 3", `id="commentform"`}, []string{"Comment number 4.", `rel="next" href="` + ds.path}},
			{ds.path + "comment-page-4/", 404, nil, []string{"Comment number"}},
			{ds.path + "comment-page-0/", 404, nil, nil},
			{ds.path + "comment-page-x/", 404, nil, nil},
			{ds.path + "comment-page-1/", 301, nil, nil},
		}
		for _, tt := range tests {
			res := r.get(t, tt.path)
			if res.Status != tt.wantStatus {
				t.Errorf("GET %s = %d, want %d", tt.path, res.Status, tt.wantStatus)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.Body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(res.Body, a) {
					t.Errorf("GET %s has %q", tt.path, a)
				}
			}
		}
		if res := r.get(t, ds.path); !strings.Contains(res.Body, "5 comments on") {
			t.Error("the heading does not count all 5 comments")
		}

		t.Run("Newest", func(t *testing.T) {
			MustSet(t, db, "comment_order", "desc")
			t.Cleanup(func() { MustSet(t, db, "comment_order", "asc") })
			res := r.get(t, ds.path)
			i5, i4 := strings.Index(res.Body, "Comment number 5."), strings.Index(res.Body, "Comment number 4.")
			if i5 < 0 || i4 < 0 || i5 > i4 || strings.Contains(res.Body, "Comment number 1.") {
				t.Error("comment_order=desc does not show the newest first")
			}
		})
	}, atFixedNow)
}

// TestLargeDiscussion checks a page of a discussion with thousands of
// comments is served quickly: only one page of threads is loaded.
func TestLargeDiscussion(t *testing.T) {
	if testing.Short() {
		t.Skip("stores thousands of comments")
	}
	db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
	ds := newDiscussionSite(t, db)
	ctx := context.Background()
	const n = 3000
	var roots []int64
	for i := 0; i < n; i++ {
		ds.clock.Add(time.Second)
		c := &communique.Comment{ArticleID: ds.article.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("r%d@example.com", i),
			Text: fmt.Sprintf("Comment %d.", i), HTML: fmt.Sprintf("<p>Comment %d.</p>", i), Status: communique.CommentApproved,
			AvatarHash: "0123456789abcdef0123456789abcdef"}
		if i%3 != 0 && len(roots) > 0 {
			c.ParentID = roots[len(roots)-1]
		}
		if err := db.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if c.ParentID == 0 {
			roots = append(roots, c.ID)
		}
	}
	r := ds.newReader(t)
	for _, path := range []string{ds.path, ds.path + "comment-page-20/"} {
		start := time.Now()
		res := r.get(t, path)
		took := time.Since(start)
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, res.Status)
		}
		if got := strings.Count(res.Body, `class="comment depth-1`); got != 50 {
			t.Errorf("GET %s shows %d threads, want 50", path, got)
		}
		if !strings.Contains(res.Body, fmt.Sprintf("%d comments on", n)) {
			t.Errorf("GET %s does not count %d comments", path, n)
		}
		if took > time.Second {
			t.Errorf("GET %s took %v, want well under a second", path, took)
		}
	}
}

// TestCommentEdit covers second thoughts from the same browser: the edit
// page, saving an edit (marked edited), deleting, and other browsers.
func TestCommentEdit(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		ann := ds.newReader(t)
		id, _ := posted(t, ann.write(t, ds.path, person("Ann Editor", "ann.editor@example.com", "", "Teh first draft."), nil))
		ds.moderate(t, id, communique.CommentApproved)
		editPath := fmt.Sprintf("/comments/%d/edit", id)

		if !strings.Contains(ann.get(t, ds.path).Body, `href="`+editPath+`"`) {
			t.Error("the author is not offered the edit link")
		}
		bob := ds.newReader(t)
		if strings.Contains(bob.get(t, ds.path).Body, editPath) {
			t.Error("another browser is offered the edit link")
		}

		page := ann.get(t, editPath)
		if page.Status != http.StatusOK {
			t.Fatalf("GET %s = %d for its author", editPath, page.Status)
		}
		doc := parseHTML(t, page.Body)
		formFor := func(action string) *html.Node {
			forms := findAll(doc, func(n *html.Node) bool { a, _ := attr(n, "action"); return n.Data == "form" && a == action })
			if len(forms) != 1 {
				t.Fatalf("edit page has %d forms posting to %s, want 1", len(forms), action)
			}
			return forms[0]
		}
		editForm := formValues(formFor(editPath))
		if m, _ := attr(formFor(fmt.Sprintf("/comments/%d/delete", id)), "method"); m != "post" {
			t.Errorf("delete form method = %q, want post", m)
		}
		if editForm.Get("comment") != "Teh first draft." || editForm.Get("csrf_token") == "" {
			t.Errorf("edit form = %v", editForm)
		}

		t.Run("OtherBrowserForbidden", func(t *testing.T) {
			if res := bob.get(t, editPath); res.Status != http.StatusForbidden || strings.Contains(res.Body, "Teh first draft.") {
				t.Errorf("GET %s from another browser = %d, want 403 without the text", editPath, res.Status)
			}
			res := bob.post(t, editPath, url.Values{"comment": {"Hijacked."}, "csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusForbidden {
				t.Errorf("POST %s from another browser = %d, want 403", editPath, res.Status)
			}
			res = bob.post(t, fmt.Sprintf("/comments/%d/delete", id), url.Values{"csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusForbidden {
				t.Errorf("delete from another browser = %d, want 403", res.Status)
			}
			if c := ds.comment(t, id); c.Text != "Teh first draft." || c.Status != communique.CommentApproved {
				t.Errorf("another browser changed the comment: %+v", c)
			}
		})
		t.Run("BadCSRF", func(t *testing.T) {
			res := ann.post(t, editPath, url.Values{"comment": {"Without the token."}, "csrf_token": {"forged"}})
			if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "Without the token.") {
				t.Errorf("edit with a forged CSRF token = %d, want 403 with the text kept", res.Status)
			}
		})
		t.Run("Save", func(t *testing.T) {
			ds.clock.Add(time.Minute)
			res := ann.post(t, editPath, url.Values{"comment": {"The first draft, fixed."}, "csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != ds.path+fmt.Sprintf("#comment-%d", id) {
				t.Fatalf("POST %s = %d to %q", editPath, res.Status, res.Header.Get("Location"))
			}
			for name, r := range map[string]*reader{"author": ann, "other": bob} {
				body := r.get(t, ds.path).Body
				li := commentItems(parseHTML(t, body))[fmt.Sprintf("comment-%d", id)]
				if li == nil || !strings.Contains(text(li), "The first draft, fixed.") || !strings.Contains(text(li), "(edited)") {
					t.Errorf("%s does not see the edited comment marked (edited)", name)
				}
			}
			if revs, err := db.FindCommentRevisions(context.Background(), id); err != nil || len(revs) != 1 || revs[0].Text != "Teh first draft." {
				t.Errorf("revisions = %+v (%v), want the first draft for moderators", revs, err)
			}
		})
		t.Run("EditGoesThroughModeration", func(t *testing.T) {
			res := ann.post(t, editPath, url.Values{"comment": {"Links: https://a.example/1 https://b.example/2 https://c.example/3"}, "csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("POST %s = %d", editPath, res.Status)
			}
			if c := ds.comment(t, id); c.Status != communique.CommentPending {
				t.Errorf("status after editing in three links = %q, want pending", c.Status)
			}
			if strings.Contains(bob.get(t, ds.path).Body, "https://a.example/1") {
				t.Error("other readers see an edit that is held")
			}
			if !strings.Contains(ann.get(t, ds.path).Body, "awaiting moderation") {
				t.Error("the author does not see their held edit")
			}
		})
		t.Run("EmptyRefused", func(t *testing.T) {
			res := ann.post(t, editPath, url.Values{"comment": {"  "}, "csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Please type your comment.") {
				t.Errorf("empty edit = %d, want 400 with a message", res.Status)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			res := ann.post(t, fmt.Sprintf("/comments/%d/delete", id), url.Values{"csrf_token": {editForm.Get("csrf_token")}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != ds.path+"#comments" {
				t.Fatalf("delete = %d to %q", res.Status, res.Header.Get("Location"))
			}
			if c := ds.comment(t, id); c.Status != communique.CommentTrash {
				t.Errorf("deleted comment status = %q, want trash", c.Status)
			}
			if strings.Contains(ann.get(t, ds.path).Body, fmt.Sprintf("comment-%d", id)) {
				t.Error("the deleted comment is still shown to its author")
			}
			if res := ann.get(t, editPath); res.Status != http.StatusForbidden {
				t.Errorf("GET %s after delete = %d, want 403", editPath, res.Status)
			}
		})
		t.Run("WindowCloses", func(t *testing.T) {
			id, _ := posted(t, ann.write(t, ds.path, person("Ann Editor", "ann.editor@example.com", "", "Another thought."), nil))
			path := fmt.Sprintf("/comments/%d/edit", id)
			if res := ann.get(t, path); res.Status != http.StatusOK {
				t.Fatalf("GET %s = %d within the window", path, res.Status)
			}
			ds.clock.Add(10*time.Minute + time.Second)
			if res := ann.get(t, path); res.Status != http.StatusForbidden {
				t.Errorf("GET %s after 10 minutes = %d, want 403", path, res.Status)
			}
			if strings.Contains(ann.get(t, ds.path).Body, `href="`+path+`"`) {
				t.Error("the edit link is still offered after 10 minutes")
			}
		})
		t.Run("Unknown", func(t *testing.T) {
			for _, p := range []string{"/comments/999999/edit", "/comments/abc/edit", "/comments/0/edit"} {
				if res := ann.get(t, p); res.Status != http.StatusNotFound {
					t.Errorf("GET %s = %d, want 404", p, res.Status)
				}
			}
		})
	}, atFixedNow)
}

// TestCommenterEmailNeverPublic populates a site with commenters in every
// state, crawls every public URL without cookies, and looks for their
// email addresses, and their MD5 and SHA-256, in every body and header.
func TestCommenterEmailNeverPublic(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		MustSet(t, db, "comments_per_page", "2")
		MustSet(t, db, "posts_per_page", "1")
		type commenter struct {
			name, email, site, text string
			path                    string
			parent                  int // index of the comment replied to, -1 for none
			status                  communique.CommentStatus
			remember                bool
		}
		people := []commenter{
			{"Ann Public", "Ann.Public@Example.com", "https://ann.example/", "Approved with a website.", ds.path, -1, communique.CommentApproved, true},
			{"Bob Reply", "bob.reply@example.org", "", "An approved reply.", ds.path, 0, communique.CommentApproved, false},
			{"Cat Held", "cat+held@example.net", "https://cat.example", "Still held.", ds.path, -1, communique.CommentPending, true},
			{"Spam Bot", "deals@pharma.example", "http://pharma.example", "Buy now.", ds.path, -1, communique.CommentSpam, false},
			{"Dee Trash", "dee.trash@example.com", "", "Thrown away.", ds.path, -1, communique.CommentTrash, false},
			{"Eve Deep", "EVE@EXAMPLE.COM", "", "A reply to a reply.", ds.path, 1, communique.CommentApproved, true},
			{"Fay Later", "fay@later.example", "https://fay.example", "On the second page.", ds.path, -1, communique.CommentApproved, false},
			{"Gus Ferry", "gus@ferry.example", "", "On the other article.", ds.path2, -1, communique.CommentApproved, false},
			{"Hal Second", "hal@second.example", "", "Also on the second page.", ds.path, -1, communique.CommentApproved, false},
		}
		var ids []int64
		for _, p := range people {
			r := ds.newReader(t)
			f := person(p.name, p.email, p.site, p.text)
			if p.remember {
				f.Set("wp-comment-cookies-consent", "yes")
			}
			path := p.path
			if p.parent >= 0 {
				path += "?replytocom=" + strconv.FormatInt(ids[p.parent], 10)
			}
			id, _ := posted(t, r.write(t, path, f, nil))
			if p.status != communique.CommentPending {
				ds.moderate(t, id, p.status)
			}
			ids = append(ids, id)
		}
		// The secrets to look for: each email as typed and normalized, and
		// the hashes avatar services use.
		var secrets []string
		for _, p := range people {
			for _, e := range []string{p.email, strings.ToLower(strings.TrimSpace(p.email))} {
				m := md5.Sum([]byte(e))
				s := sha256.Sum256([]byte(e))
				secrets = append(secrets, strings.ToLower(e), hex.EncodeToString(m[:]), hex.EncodeToString(s[:]))
			}
		}
		client := *ds.Client // no cookie jar
		seen := map[string]bool{}
		scanned := 0
		check := func(what string, res response) {
			t.Helper()
			scanned++
			if res.Status >= 500 {
				t.Errorf("%s: server error %d", what, res.Status)
			}
			var hay strings.Builder
			hay.WriteString(res.Body)
			for k, vs := range res.Header {
				hay.WriteString("\n" + k + ": " + strings.Join(vs, ", "))
			}
			all := strings.ToLower(hay.String())
			for _, s := range secrets {
				if i := strings.Index(all, s); i >= 0 {
					t.Errorf("%s: contains %q: …%s…", what, s, all[max(0, i-100):min(len(all), i+len(s)+50)])
				}
			}
		}
		queue := []string{"/"}
		add := func(raw string) {
			u, err := url.Parse(raw)
			if err != nil || (u.Host != "" && u.Host != strings.TrimPrefix(ds.URL, "http://")) || (u.Scheme != "" && u.Scheme != "http") {
				return
			}
			p := u.EscapedPath()
			if p == "" {
				return
			}
			if u.RawQuery != "" {
				p += "?" + u.RawQuery
			}
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
		// Besides what links reach: every comment by ID, every avatar, error
		// pages, and the machine-readable addresses a site may have.
		for _, id := range ids {
			add(fmt.Sprintf("%s?replytocom=%d", ds.path, id))
			add(fmt.Sprintf("/comments/%d/edit", id))
			c := ds.comment(t, id)
			add("/avatar/" + c.AvatarHash + ".svg")
		}
		for _, p := range []string{"/no-such-page/", "/feed/", "/comments/feed/", ds.path + "feed/", "/sitemap.xml", "/robots.txt",
			"/wp-json/", "/wp-json/wp/v2/comments", "/wp-json/wp/v2/comments?post=" + strconv.FormatInt(ds.article.ID, 10),
			"/wp-json/wp/v2/posts", "/?s=ann", "/search/ann/", "/comments/", "/static/comment-reply.js", "/static/style.css", "/healthz", "/readyz",
			"/admin/", "/wp-admin/", "/wp-login.php", "/author/ada/", "/2026/", ds.path + "comment-page-2/", ds.path + "comment-page-9/"} {
			add(p)
		}
		for i := 0; i < len(queue) && i < 500; i++ {
			p := queue[i]
			res := do(t, &client, http.MethodGet, ds.URL+p, nil, nil)
			check("GET "+p, res)
			if loc := res.Header.Get("Location"); loc != "" {
				add(loc)
			}
			if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				for _, u := range pageURLs(t, res.Body) {
					add(u)
				}
			}
		}
		// Error responses to bad posts, from someone who is none of them.
		token := formValues(byID(parseHTML(t, do(t, &client, http.MethodGet, ds.URL+ds.path, nil, nil).Body), "commentform")).Get("comment_token")
		bad := func(mod func(url.Values)) url.Values {
			f := person("Visitor", "visitor@crawler.example", "", "Probing.")
			f.Set("comment_post_ID", strconv.FormatInt(ds.article.ID, 10))
			f.Set("comment_token", token)
			mod(f)
			return f
		}
		var posts []url.Values
		for _, id := range ids {
			posts = append(posts, bad(func(f url.Values) { f.Set("comment_parent", strconv.FormatInt(id, 10)); f.Set("email", "") }))
			posts = append(posts, bad(func(f url.Values) { f.Set("comment_parent", strconv.FormatInt(id, 10)) }))
		}
		posts = append(posts,
			bad(func(f url.Values) { f.Set("comment_post_ID", "999999") }),
			bad(func(f url.Values) { f.Set("comment_post_ID", strconv.FormatInt(ds.closed.ID, 10)) }),
			bad(func(f url.Values) { f.Set("comment_token", "forged") }),
			bad(func(f url.Values) { f.Set("email", "not an email") }),
			// Someone typing a commenter's name hoping to be recognized.
			bad(func(f url.Values) { f.Set("author", "Ann Public"); f.Set("email", "") }),
		)
		for i, f := range posts {
			ds.clock.Add(20 * time.Second)
			res := do(t, &client, http.MethodPost, ds.URL+"/comments", strings.NewReader(f.Encode()),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			check(fmt.Sprintf("POST /comments #%d (%v)", i, f), res)
		}
		for _, id := range ids {
			for _, p := range []string{fmt.Sprintf("/comments/%d/edit", id), fmt.Sprintf("/comments/%d/delete", id)} {
				check("POST "+p, do(t, &client, http.MethodPost, ds.URL+p, strings.NewReader("comment=x&csrf_token=x"),
					http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}))
			}
		}
		// The crawl must have reached the pages that matter.
		for _, want := range []string{"/", "/page/2/", ds.path, ds.path + "comment-page-2/", ds.path2, "/author/ada/"} {
			if !seen[want] {
				t.Errorf("the crawl never reached %s", want)
			}
		}
		avatars := 0
		for p := range seen {
			if strings.HasPrefix(p, "/avatar/") {
				avatars++
			}
		}
		if avatars < 4 {
			t.Errorf("the crawl reached %d avatars, want every commenter's", avatars)
		}
		t.Logf("scanned %d responses", scanned)
		// And the secrets are real: the moderators' store has them all.
		for i, id := range ids {
			if c := ds.comment(t, id); c.AuthorEmail != strings.TrimSpace(people[i].email) {
				t.Errorf("comment %d email = %q, want %q", id, c.AuthorEmail, people[i].email)
			}
		}
	}, atFixedNow)
}

// TestCommentPostMethods checks the comment routes refuse other methods
// and oversized bodies cleanly.
func TestCommentPostMethods(t *testing.T) {
	db := storetest.SQLite.Fresh(t, atFixedNow).Open(t)
	ds := newDiscussionSite(t, db)
	r := ds.newReader(t)
	if res := r.get(t, "/comments"); res.Status >= 500 || res.Status == http.StatusOK {
		t.Errorf("GET /comments = %d", res.Status)
	}
	big := url.Values{"comment_post_ID": {strconv.FormatInt(ds.article.ID, 10)}, "comment": {strings.Repeat("x", 300<<10)}}
	if res := r.post(t, "/comments", big); res.Status != http.StatusBadRequest {
		t.Errorf("POST of 300 KB = %d, want 400", res.Status)
	}
	if res := do(t, r.client, http.MethodPost, ds.URL+"/comments", strings.NewReader("%zz=%"), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}); res.Status != http.StatusBadRequest {
		t.Errorf("POST of a malformed body = %d, want 400", res.Status)
	}
	if n := ds.total(t); n != 0 {
		t.Errorf("%d comments stored", n)
	}
}
