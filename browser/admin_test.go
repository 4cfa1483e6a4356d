package browser_test

import (
	"communique/media"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/admin"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/password"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

const newsroomPassword = "a newsroom password"

// shiftedClock is the real time plus an offset a test moves forward, so
// "in a minute" can come in three seconds.
type shiftedClock struct {
	mu     sync.Mutex
	offset time.Duration
	// stopped, when set, stands in for the real time: the clock then
	// moves only when the test moves it, however slowly the browser runs.
	stopped time.Time
}

func (c *shiftedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.stopped.IsZero() {
		return c.stopped.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

func (c *shiftedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// liveNewsroom is the public site and the newsroom served together as
// cmd/communique serves them, with two "nodes" publishing scheduled
// articles as the server's ticker does.
type liveNewsroom struct {
	URL   string
	DB    *sqlstore.DB
	Clock *shiftedClock
	Users map[communique.Role]*communique.User

	mu        sync.Mutex
	published []time.Time // the clock's time at each article PublishDue published
}

func startNewsroom(t *testing.T, place storetest.Place) *liveNewsroom {
	t.Helper()
	ctx := context.Background()
	db, node2 := place.Open(t), place.Open(t)
	clk := &shiftedClock{}
	db.Now, node2.Now = clk.Now, clk.Now
	n := &liveNewsroom{DB: db, Clock: clk, Users: map[communique.Role]*communique.User{}}
	hash, err := password.Hash(newsroomPassword)
	if err != nil {
		t.Fatal(err)
	}
	for role, login := range map[communique.Role]string{communique.RoleAdministrator: "ines", communique.RoleEditor: "marta", communique.RoleContributor: "colin"} {
		u := &communique.User{Login: login, Email: login + "@newsroom.example", Role: role, PasswordHash: hash, DisplayName: strings.ToUpper(login[:1]) + login[1:]}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		n.Users[role] = u
	}
	for k, v := range map[string]string{"timezone": "America/New_York", "comment_min_seconds": "0", "comment_flood_seconds": "0",
		"comment_moderation": "true", "title": "The Harbour Times"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	images, err := media.NewFileStorage(filepath.Join(t.TempDir(), "media"))
	if err != nil {
		t.Fatal(err)
	}
	siteCtx, stopSite := context.WithCancel(ctx)
	site, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: logger, MediaStorage: images})
	if err != nil {
		t.Fatal(err)
	}
	site.Now = clk.Now
	key := func(name string) []byte {
		v, err := db.Secret(ctx, name, func() string { return fmt.Sprintf("%x", time.Now().UnixNano()) })
		if err != nil {
			t.Fatal(err)
		}
		return []byte(v)
	}
	talk := discussion.New(db, avatar.New(key("avatar")), formtoken.NewSigner(key("comment-token")))
	talk.Now = clk.Now
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Discussion: talk, Logger: logger, MediaStorage: images})
	if err != nil {
		t.Fatal(err)
	}
	newsroom.Now = clk.Now
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/", site.Handler())
	ts := serveSite(t, mux, stopSite)
	n.URL = ts.URL

	// The ticker of serve, faster, alternating between the two nodes.
	tickCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			node := db
			if i%2 == 1 {
				node = node2
			}
			if got, err := articles.New(node).PublishDue(tickCtx); err == nil && got > 0 {
				n.mu.Lock()
				for range got {
					n.published = append(n.published, clk.Now())
				}
				n.mu.Unlock()
			}
			select {
			case <-tickCtx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	t.Cleanup(func() { stop(); wg.Wait() })
	return n
}

// Published returns when each scheduled article was published.
func (n *liveNewsroom) Published() []time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.published)
}

// fastAutosave makes the editor's 15-second autosave run every 300 ms in
// the tab, so the real admin.js code saves while the test waits briefly.
const fastAutosave = `(() => {
  const setInterval = window.setInterval;
  window.setInterval = (fn, ms, ...rest) => setInterval(fn, ms === 15000 ? 300 : ms, ...rest);
})();`

// newTab opens a tab in a new browser context: a separate person, with
// no cookies of the others.
func newTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return ctx
}

// signIn fills in the sign-in form, as a person would, and waits for the
// page it leads to.
func signIn(t *testing.T, ctx context.Context, base, login, next string, landed chromedp.CSS) {
	t.Helper()
	do(t, ctx,
		chromedp.Navigate(base+"/admin/login?next="+next),
		chromedp.SendKeys(chromedp.ID("login"), login),
		chromedp.SendKeys(chromedp.ID("password"), newsroomPassword),
		chromedp.Click(chromedp.CSS(`form[action="/admin/login"] button[type="submit"]`)),
	)
	// The sign-in page has a heading too: wait until the browser has left
	// it and finished the page it was sent to, or the test's next
	// navigation would cut that one short (net::ERR_ABORTED).
	waitFor(t, "the page after signing in", 30*time.Second, func() bool {
		return eval[bool](t, ctx, `location.pathname !== "/admin/login" && document.readyState === "complete"`)
	})
	do(t, ctx, chromedp.WaitVisible(landed))
}

// waitFor polls until cond holds or the time runs out.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNewsroomDay is the "done when", in Chromium, on both stores:
// an editor signs in, writes a draft that autosaves, schedules it in the
// site's time zone; it publishes on time, exactly once, with two nodes;
// a reader comments, the editor approves, the reader sees it; and a
// contributor cannot publish.
func TestNewsroomDay(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		browser := newBrowser(t)
		n := startNewsroom(t, place)
		ctx := context.Background()
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		const title = "Night ferry returns to the harbour"
		body := "The night ferry sails again from Monday.\n\nTickets cost the same as before."

		// The editor signs in and writes.
		editor := newTab(t, browser)
		if _, err := chromedp.Call(editor, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fastAutosave}); err != nil {
			t.Fatal(err)
		}
		signIn(t, editor, n.URL, "marta", "/admin/posts/new", chromedp.CSS("#title"))
		// She writes Markdown: choosing it puts the plain textarea back
		// in place of the visual editor (editor_test.go drives that one).
		do(t, editor, chromedp.WaitVisible(chromedp.ID("rich-body")),
			chromedp.Evaluate[chromedp.Void](`(() => { const f = document.getElementById('format'); f.value = 'markdown'; f.dispatchEvent(new Event('change')); })()`),
			chromedp.WaitVisible(chromedp.ID("body")))
		do(t, editor,
			chromedp.SendKeys(chromedp.ID("title"), title),
			chromedp.SendKeys(chromedp.ID("body"), body),
			chromedp.SendKeys(chromedp.ID("tags"), "ferry, harbour"),
		)

		// Autosave: the draft exists before any button is pressed.
		waitFor(t, "the autosave status", 10*time.Second, func() bool {
			return strings.HasPrefix(eval[string](t, editor, `document.getElementById('autosave-status').textContent`), "Draft autosaved at ")
		})
		path := eval[string](t, editor, `location.pathname`)
		var id int64
		if _, err := fmt.Sscanf(path, "/admin/posts/%d/edit", &id); err != nil {
			t.Fatalf("after the first autosave the address is %q, want the draft's editor", path)
		}
		draft, err := n.DB.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if draft.Status != communique.StatusDraft || draft.AuthorID != n.Users[communique.RoleEditor].ID || !strings.HasPrefix(title, draft.Title) {
			t.Fatalf("the autosaved draft = %q %q by %d", draft.Status, draft.Title, draft.AuthorID)
		}
		// The first autosave made the draft; later ones keep what was
		// typed since. Closing the tab now would lose nothing.
		waitFor(t, "the whole text to be autosaved", 10*time.Second, func() bool {
			revs, err := n.DB.FindRevisions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range revs {
				// A browser sends a textarea's line breaks as CRLF.
				if r.Title == title && strings.ReplaceAll(r.Source, "\r\n", "\n") == body {
					return true
				}
			}
			return false
		})

		// Schedule it two minutes ahead, in New York time, with a
		// photo uploaded from the editor and its alt text.
		photo := filepath.Join(t.TempDir(), "ferry.png")
		writePNG(t, photo, 1200, 800)
		when := n.Clock.Now().In(loc).Truncate(time.Minute).Add(2 * time.Minute)
		do(t, editor,
			chromedp.SetUploadFiles(`#featured_file`, []string{photo}),
			chromedp.SendKeys(chromedp.ID("featured_alt"), "The night ferry at the quay"),
			chromedp.SetValue(chromedp.ID("status"), "scheduled"),
			chromedp.SetValue(chromedp.ID("date"), when.Format("2006-01-02")),
			chromedp.SetValue(chromedp.ID("time"), when.Format("15:04")),
			chromedp.Click(chromedp.CSS(`#editor .actions button[type="submit"]:not([formaction])`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if flash := run(t, editor, chromedp.Text(chromedp.CSS("p.flash"))); flash != "Scheduled." {
			t.Fatalf("after saving: %q", flash)
		}
		art, err := n.DB.FindArticleByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if art.Status != communique.StatusScheduled || !art.PublishedAt.Equal(when) || len(art.Tags) != 2 {
			t.Fatalf("scheduled article: %s at %v (want %v), tags %d", art.Status, art.PublishedAt, when.UTC(), len(art.Tags))
		}
		if art.FeaturedMediaID == 0 {
			t.Fatal("the uploaded photo is not the article's featured image")
		}
		public := communique.ArticlePath(art, settings(t, n.DB), nil)
		reader := &http.Client{Timeout: 10 * time.Second}
		get := func() (int, string) {
			res, err := reader.Get(n.URL + public)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}

		// Three seconds before its time, it is not out yet.
		n.Clock.Advance(when.Sub(n.Clock.Now()) - 3*time.Second)
		if code, _ := get(); code != http.StatusNotFound {
			t.Fatalf("the article is public before its time: %d", code)
		}
		waitFor(t, "the ticker to publish the article", 15*time.Second, func() bool { return len(n.Published()) > 0 })
		time.Sleep(time.Second) // more ticks on both nodes: none may publish again
		if got := n.Published(); len(got) != 1 || got[0].Before(when) {
			t.Fatalf("published %d times (at %v), want once at or after %v", len(got), got, when)
		}
		if code, page := get(); code != http.StatusOK || !strings.Contains(page, title) {
			t.Fatalf("the published article: %d", code)
		} else if !strings.Contains(page, `alt="The night ferry at the quay"`) || !strings.Contains(page, "srcset=") {
			t.Fatal("the published article does not show its photo with srcset and alt text")
		}

		// A reader, in another browser, comments.
		readerTab := newTab(t, browser)
		do(t, readerTab,
			chromedp.Navigate(n.URL+public),
			chromedp.SendKeys(chromedp.ID("comment"), "Finally! I missed the late crossing."),
			chromedp.SendKeys(chromedp.ID("author"), "Pat Reader"),
			chromedp.SendKeys(chromedp.ID("email"), "pat@mail.example"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS(".comment-awaiting-moderation")),
		)
		held, _, err := n.DB.FindComments(ctx, communique.CommentFilter{ArticleID: &id, Status: []communique.CommentStatus{communique.CommentPending}, Limit: 10})
		if err != nil || len(held) != 1 {
			t.Fatalf("held comments = %d, %v", len(held), err)
		}
		if _, page := get(); strings.Contains(page, "Finally! I missed") {
			t.Fatal("the held comment is public")
		}

		// The editor approves it from the moderation page.
		approve := fmt.Sprintf(`button[name="row"][value="approve:%d"]`, held[0].ID)
		do(t, editor,
			chromedp.Navigate(n.URL+"/admin/comments"),
			chromedp.WaitVisible(chromedp.CSS(approve)),
		)
		details := run(t, editor, chromedp.Text(chromedp.ID(fmt.Sprintf("c%d", held[0].ID))))
		// No spam score: the classifier has learnt nothing yet.
		for _, want := range []string{"pat@mail.example", "127.0.0.1", "Finally! I missed the late crossing."} {
			if !strings.Contains(details, want) {
				t.Errorf("the moderation row lacks %q: %q", want, details)
			}
		}
		do(t, editor, chromedp.Click(chromedp.CSS(approve)), chromedp.WaitVisible(chromedp.CSS("p.flash")))
		if flash := run(t, editor, chromedp.Text(chromedp.CSS("p.flash"))); flash != "Comments updated." {
			t.Errorf("after approving: %q", flash)
		}

		// The reader reloads and sees it, no longer held.
		do(t, readerTab, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("comment-%d", held[0].ID))))
		if n := run(t, readerTab, chromedp.Evaluate[int](`document.querySelectorAll('.comment-awaiting-moderation').length`)); n != 0 {
			t.Error("the approved comment still says it awaits moderation")
		}
		if _, page := get(); !strings.Contains(page, "Finally! I missed the late crossing.") || strings.Contains(page, "pat@mail.example") {
			t.Error("a stranger does not see the approved comment, or sees its email")
		}

		// A contributor cannot publish, by the form or by a forged post.
		contributor := newTab(t, browser)
		signIn(t, contributor, n.URL, "colin", "/admin/posts/new", chromedp.CSS("#title"))
		options := eval[[]string](t, contributor, `[...document.querySelectorAll('#status option')].map(o => o.value)`)
		if !slices.Equal(options, []string{"draft", "pending"}) {
			t.Errorf("the contributor's status choices = %q, want draft and pending", options)
		}
		forged := run(t, contributor, chromedp.Evaluate[int](`(async () => {
			  const f = new FormData(document.getElementById('editor'));
			  f.set('title', 'Forged publication'); f.set('body', 'x'); f.set('status', 'published');
			  const r = await fetch('/admin/posts/new', {method: 'POST', body: f, redirect: 'manual'});
			  return r.status;
			})()`, chromedp.EvalAwaitPromise))
		if forged != http.StatusForbidden {
			t.Errorf("a forged publish by the contributor answered %d, want 403", forged)
		}
		do(t, contributor,
			chromedp.SendKeys(chromedp.ID("title"), "Letters from the ferry queue"),
			chromedp.SetValue(chromedp.ID("status"), "pending"),
			chromedp.Click(chromedp.CSS(`#editor .actions button[type="submit"]:not([formaction])`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if flash := run(t, contributor, chromedp.Text(chromedp.CSS("p.flash"))); flash != "Submitted for review." {
			t.Errorf("the contributor's submission: %q", flash)
		}
		colin := n.Users[communique.RoleContributor].ID
		live, _, err := n.DB.FindArticles(ctx, communique.ArticleFilter{AuthorID: &colin, Status: []communique.Status{communique.StatusPublished, communique.StatusScheduled}})
		if err != nil || len(live) != 0 {
			t.Errorf("the contributor has %d live articles (%v)", len(live), err)
		}
		pending, _, _ := n.DB.FindArticles(ctx, communique.ArticleFilter{AuthorID: &colin, Status: []communique.Status{communique.StatusPending}})
		if len(pending) != 1 {
			t.Errorf("the contributor has %d articles pending review, want 1", len(pending))
		}
	})
}

// settings reads the site's settings.
func settings(t *testing.T, db *sqlstore.DB) *communique.Settings {
	t.Helper()
	values, err := db.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return communique.ParseSettings(values)
}

// writePNG writes a generated photo-sized PNG for the upload step.
func writePNG(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
