package hardening_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

// readerField is one field of a feed item as a reader shows it: markup
// is inserted as HTML, anything else as text.
type readerField struct {
	value  string
	isHTML bool
}

// TestFeedReaders: every case, as a comment and inside (and after) a code
// block of a Markdown article, reaches the site's feeds; each feed is
// parsed with gofeed as a reader would, and every field is put into a page
// the way readers do — RSS description and content:encoded as HTML, Atom
// text by its declared type, JSON Feed's content_html as HTML and its
// text fields as text — which headless Chromium then renders. Nothing may
// run, open a dialog or load a case's URL.
func TestFeedReaders(t *testing.T) {
	if testing.Short() {
		t.Skip("posts the corpus and starts Chromium; skipped with -short")
	}
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		reader := newFeedReader(t, s)
		if err := db.SetSetting(context.Background(), "feed_items", "100"); err != nil {
			t.Fatal(err)
		}
		on := feedCorpus(t, s)
		feeds := map[string]string{ // path: format
			"/feed/": "rss", "/feed/atom/": "atom", "/feed/json/": "json",
			"/comments/feed/": "rss", "/comments/feed/atom/": "atom", "/comments/feed/json/": "json",
			on + "feed/": "rss",
		}
		items := 0
		for path, format := range feeds {
			res := reader.agent.get(t, path)
			if res.Status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, res.Status)
			}
			entries := readFeed(t, format, res.Body)
			items += len(entries)
			reader.add(path, entries)
		}
		if items < 2*len(corpus) {
			t.Fatalf("the feeds hold %d items, want the corpus's %d cases at least twice", items, len(corpus))
		}
		// Every store's feeds are checked as markup; the browser renders
		// them once, as TestCorpus does, to keep the package's time down.
		for i, page := range reader.pagesHTML() {
			for _, problem := range inertProblems(page) {
				t.Errorf("reader page %d: %s", i, problem)
			}
		}
		if db.Dialect() == "sqlite" {
			for _, f := range browse(t, reader.URL, nil, reader.paths()) {
				t.Error(f)
			}
		}
	}, storetest.Parallel())
}

// feedCorpus stores every case as an article (in a code block, then as
// Markdown) and as a comment posted through the reply form, all public,
// and returns the path of the article holding the comments.
func feedCorpus(t *testing.T, s *site) string {
	ctx := context.Background()
	desk, err := s.DB.FindUsers(ctx, communique.UserFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for i, p := range corpus {
		a := &communique.Article{Title: fmt.Sprintf("Feed case %d", i), Source: "```\n" + p.Text + "\n```\n\n" + p.Text,
			AuthorID: desk[0].ID, Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), CommentsOpen: true}
		if err := newsroom.New(s.DB).Create(ctx, newsroom.System, a, nil, nil); err == nil {
			stored++
		} else if code := communique.ErrorCode(err); code != communique.EINVALID {
			t.Fatalf("case %s: %v", caseName("article", i, p), err)
		}
	}
	on := s.article(t, "Comments for the feeds")
	path := s.path(t, on)
	commenter := s.agent(t)
	token := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindStringSubmatch(commenter.get(t, path).Body)
	if token == nil {
		t.Fatalf("no comment token on %s", path)
	}
	for i, p := range corpus {
		form := url.Values{"author": {fmt.Sprintf("Reader %d", i)}, "email": {fmt.Sprintf("reader%d@mail.example", i)},
			"comment": {p.Text}, "comment_post_ID": {strconv.FormatInt(on.ID, 10)}, "comment_token": {html.UnescapeString(token[1])}}
		if res := commenter.post(t, "/comments", form); res.Status == http.StatusSeeOther {
			stored++
		}
	}
	held, _, err := s.DB.FindComments(ctx, communique.CommentFilter{Limit: 10000,
		Status: []communique.CommentStatus{communique.CommentPending, communique.CommentSpam}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range held {
		if err := s.DB.SetCommentStatus(ctx, c.ID, communique.CommentApproved); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d articles and comments stored from %d cases", stored, len(corpus))
	return path
}

// readFeed parses a feed with gofeed and returns each item's fields as a
// reader would show them.
func readFeed(t *testing.T, format, body string) [][]readerField {
	t.Helper()
	var items [][]readerField
	switch format {
	case "rss":
		f, err := gofeed.NewParser().ParseString(body)
		if err != nil {
			t.Fatalf("gofeed: %v", err)
		}
		for _, it := range f.Items {
			fields := []readerField{{it.Title, false}, {it.Description, true}, {it.Content, true}}
			for _, a := range it.Authors {
				fields = append(fields, readerField{a.Name, false})
			}
			items = append(items, fields)
		}
	case "atom":
		f, err := (&atom.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("gofeed atom: %v", err)
		}
		// gofeed keeps the declared type of content only; the title's
		// and summary's must say text for them to be shown as text.
		if n := strings.Count(body, "<summary type=\"text\">") + strings.Count(body, "<title type=\"text\">"); n < len(f.Entries) {
			t.Errorf("Atom titles and summaries lack type=\"text\" (%d for %d entries)", n, len(f.Entries))
		}
		for _, e := range f.Entries {
			fields := []readerField{{e.Title, false}, {e.Summary, false}}
			if e.Content != nil {
				fields = append(fields, readerField{e.Content.Value, e.Content.Type == "html" || e.Content.Type == "xhtml"})
			}
			items = append(items, fields)
		}
	case "json":
		f, err := (&jsonfeed.Parser{}).Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("gofeed json: %v", err)
		}
		for _, it := range f.Items {
			items = append(items, []readerField{{it.Title, false}, {it.Summary, false}, {it.ContentText, false}, {it.ContentHTML, true}})
		}
	}
	return items
}

// feedReader is a reader's web page beside the site: /reader/{n} shows
// pages of items; every other path goes to the site, so the feeds' links
// and images name the reader's own host, as the site's name would.
type feedReader struct {
	*httptest.Server
	agent *agent
	mu    sync.Mutex
	pages []string
}

func newFeedReader(t *testing.T, s *site) *feedReader {
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	r := &feedReader{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(req.URL.Path, "/reader/"))
		if !strings.HasPrefix(req.URL.Path, "/reader/") {
			proxy.ServeHTTP(w, req)
			return
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil || n < 0 || n >= len(r.pages) {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, r.pages[n])
	}))
	t.Cleanup(r.Close)
	r.agent = &agent{site: &site{URL: r.URL}, client: &http.Client{Timeout: time.Minute}}
	return r
}

// add lays out a feed's items in pages of 20, as a reader's river.
func (r *feedReader) add(feedPath string, items [][]readerField) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for start := 0; start < len(items); start += 20 {
		var b strings.Builder
		fmt.Fprintf(&b, "<!doctype html><html lang=en><meta charset=utf-8><title>Reader: %s</title><main>", html.EscapeString(feedPath))
		for _, it := range items[start:min(start+20, len(items))] {
			b.WriteString("<article>")
			for _, f := range it {
				if f.isHTML {
					b.WriteString("<div>" + f.value + "</div>")
				} else {
					b.WriteString("<p>" + html.EscapeString(f.value) + "</p>")
				}
			}
			b.WriteString("</article>")
		}
		b.WriteString("</main></html>")
		r.pages = append(r.pages, b.String())
	}
}

func (r *feedReader) pagesHTML() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.pages)
}

func (r *feedReader) paths() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var list []string
	for i := range r.pages {
		list = append(list, "/reader/"+strconv.Itoa(i))
	}
	return list
}
