package browser_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/discussion"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// refusalSite serves one article with the comment rules a real site has
// (a reader takes at least 5 seconds to post; a commenter waits a minute
// between two comments) on a stopped clock that only the test moves, so
// "too fast" and "too soon" never depend on how busy the machine is (a
// phone's form typed at load 14 once took longer than the 5 seconds).
type refusalSite struct {
	URL, Path string
	db        *sqlstore.DB
	clock     *shiftedClock
}

func newRefusalSite(t *testing.T, db *sqlstore.DB) *refusalSite {
	t.Helper()
	ctx := context.Background()
	clock := &shiftedClock{stopped: time.Now()}
	db.Now = clock.Now
	editor := storetest.MustCreateUser(t, db, "marta", communique.RoleEditor)
	a := &communique.Article{Title: sampleArticles[0].title, Source: sampleArticles[0].body, AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: clock.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"comment_min_seconds": "5", "comment_flood_seconds": "60", "comment_previously_approved": "false"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	values, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	siteCtx, stopSite := context.WithCancel(ctx)
	srv, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = clock.Now
	ts := serveSite(t, srv.Handler(), stopSite)
	return &refusalSite{URL: ts.URL, Path: communique.ArticlePath(a, communique.ParseSettings(values), nil), db: db, clock: clock}
}

// summaryFacts is what the reader sees of a refused comment's page.
type summaryFacts struct {
	Focused string  `json:"focused"`
	Top     float64 `json:"top"`
	Bottom  float64 `json:"bottom"`
	Height  float64 `json:"height"`
	Text    string  `json:"text"`
	Links   string  `json:"links"`
	Title   string  `json:"title"`
	Comment string  `json:"comment"`
	Author  string  `json:"author"`
	Email   string  `json:"email"`
}

const summaryJS = `(() => {
  const s = document.getElementById('error-summary');
  const r = s ? s.getBoundingClientRect() : {top: -1, bottom: -1};
  const v = id => document.getElementById(id).value;
  return {
    focused: document.activeElement ? document.activeElement.id : '',
    top: r.top, bottom: r.bottom, height: window.innerHeight,
    text: s ? s.innerText : '',
    links: s ? [...s.querySelectorAll('a')].map(a => a.getAttribute('href')).join(' ') : '',
    title: document.title,
    comment: v('comment'), author: v('author'), email: v('email'),
  };
})()`

// TestRefusedComment is issue 26's first "done when", in Chromium at a
// phone's and a desktop's width, with JavaScript and without: a refused
// comment (missing email, too fast, too soon after another) shows its
// error summary inside the first screen with the focus on it and the
// words typed in the form; reloading posts nothing; the flood refusal
// sends Retry-After; and two readers with different emails from the same
// address each comment within the flood interval.
func TestRefusedComment(t *testing.T) {
	axe := axeScript(t)
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		site := newRefusalSite(t, db)
		browser := newBrowser(t)
		n := 0
		for _, vp := range []struct {
			name          string
			width, height int64
			mobile        bool
		}{{"phone", 390, 844, true}, {"desktop", 1280, 800, false}} {
			for _, js := range []bool{true, false} {
				n++
				// The page is the same on both stores: PostgreSQL, where
				// only the store differs, takes one run of each width.
				if db.Dialect() != "sqlite" && js == vp.mobile {
					continue
				}
				name := fmt.Sprintf("%s/JavaScript=%v", vp.name, js)
				check := ""
				if n == 1 {
					check = axe
				}
				t.Run(name, func(t *testing.T) {
					opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
					if vp.mobile {
						opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
					}
					setup := func(tab context.Context) {
						do(t, tab, chromedp.EmulateViewport(vp.width, vp.height, opts...))
						if _, err := chromedp.Call(tab, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js}); err != nil {
							t.Fatal(err)
						}
					}
					first, second := newTab(t, browser), newTab(t, browser)
					setup(first)
					setup(second)
					// Each run starts after the last one's flood interval.
					site.clock.Advance(2 * time.Minute)
					refusals(t, site, first, second, fmt.Sprintf("run%d", n), fmt.Sprintf("%s-js-%v", vp.name, js), check)
				})
			}
		}
	})
}

// refusals walks one reader through the three refusals and a colleague
// through a comment; axe, when given, checks the refused page.
func refusals(t *testing.T, site *refusalSite, tab, other context.Context, tag, shot, axe string) {
	article := site.URL + site.Path
	ann := "ann." + tag + "@example.com"
	fill := func(tab context.Context, author, email, text string) {
		t.Helper()
		do(t, tab, chromedp.SendKeys(chromedp.CSS("#comment"), text), chromedp.SendKeys(chromedp.CSS("#author"), author))
		if email != "" {
			do(t, tab, chromedp.SendKeys(chromedp.CSS("#email"), email))
		}
	}
	// clear empties what the remember-me cookies may have filled in.
	clear := func(tab context.Context) {
		t.Helper()
		eval[bool](t, tab, `['author', 'email', 'url', 'comment'].every(id => (document.getElementById(id).value = '') === '')`)
	}
	open := func(tab context.Context) {
		t.Helper()
		do(t, tab, chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("#commentform")))
	}
	submit := func(tab context.Context) *network.Response {
		t.Helper()
		c, cancel := context.WithTimeout(tab, 20*time.Second)
		defer cancel()
		res, err := chromedp.RunResponse(c, chromedp.Click(chromedp.CSS("#submit")))
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		return res
	}
	// refused checks the page a refusal leads to, then reloads it.
	refused := func(what string, res *network.Response, status int, msg, field, author, email, text string) {
		t.Helper()
		count := countRefusalComments(t, site)
		if res.Status != int64(status) {
			t.Errorf("%s: the page answered %d, want %d", what, res.Status, status)
		}
		if loc := run(t, tab, chromedp.Location()); !strings.Contains(loc, "comment_refused=") {
			t.Errorf("%s: the browser is at %s, want the article's page of the refused comment", what, loc)
		}
		for i, step := range []string{"arrival", "reload"} {
			waitSummaryFocus(t, tab)
			f := eval[summaryFacts](t, tab, summaryJS)
			if f.Focused != "error-summary" {
				t.Errorf("%s, %s: the focus is on #%s, want the error summary", what, step, f.Focused)
			}
			if f.Top < 0 || f.Bottom > f.Height {
				t.Errorf("%s, %s: the error summary is at %.0f to %.0f px, outside the first screen of %.0f px", what, step, f.Top, f.Bottom, f.Height)
			}
			if !strings.Contains(f.Text, msg) {
				t.Errorf("%s, %s: the summary says %q, want %q", what, step, f.Text, msg)
			}
			if field != "" && !strings.Contains(" "+f.Links+" ", " #"+field+" ") {
				t.Errorf("%s, %s: the summary links to %q, want #%s", what, step, f.Links, field)
			}
			if !strings.HasPrefix(f.Title, "Error: ") {
				t.Errorf("%s, %s: the title is %q, want it to start with Error:", what, step, f.Title)
			}
			if f.Author != author || f.Email != email || f.Comment != text {
				t.Errorf("%s, %s: the form holds %q, %q, %q; want every word typed: %q, %q, %q", what, step, f.Author, f.Email, f.Comment, author, email, text)
			}
			if i == 0 {
				saveScreenshot(t, "communique-refused-"+strings.ReplaceAll(what, " ", "-")+"-"+shot+".png", run(t, tab, chromedp.CaptureScreenshot()))
				c, cancel := context.WithTimeout(tab, 20*time.Second)
				again, err := chromedp.RunResponse(c, chromedp.Reload())
				cancel()
				if err != nil {
					t.Fatalf("%s: reload: %v", what, err)
				}
				if again.Status != int64(status) {
					t.Errorf("%s: the reloaded page answered %d, want %d", what, again.Status, status)
				}
				if status == http.StatusTooManyRequests && retryAfter(again) == "" {
					t.Errorf("%s: the reloaded page has no Retry-After", what)
				}
			}
		}
		if n := countRefusalComments(t, site); n != count {
			t.Errorf("%s: %d comments after reloading the refusal, want %d: the reload posted", what, n, count)
		}
	}
	// back goes back from a refusal's page, and forward again: the history
	// holds only pages fetched with GET, so neither posts.
	back := func(what string) {
		t.Helper()
		count := countRefusalComments(t, site)
		refusedAt := run(t, tab, chromedp.Location())
		for _, step := range []struct {
			js    string
			delta int64
			want  string
		}{{"Back", -1, article}, {"Forward", 1, refusedAt}} {
			// The browser's own Back and Forward, through DevTools: a
			// script's history.back() can be replaced by a page restored
			// from the back-forward cache before it answers, and a page
			// without JavaScript runs none.
			hist := run(t, tab, chromedp.NavigationEntries())
			i := hist.CurrentIndex + step.delta
			if i < 0 || i >= int64(len(hist.Entries)) {
				t.Fatalf("%s: no history entry for %s", what, step.js)
			}
			if _, err := chromedp.Call(tab, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: hist.Entries[i].ID}); err != nil {
				t.Fatalf("%s: %s: %v", what, step.js, err)
			}
			loc := ""
			for range 100 { // the page comes from the cache or the server
				// A look taken while the page changes fails; the next one tells.
				c, cancel := context.WithTimeout(tab, 5*time.Second)
				got, err := chromedp.Run(c, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
				cancel()
				if loc = got; err == nil && loc == step.want {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if loc != step.want {
				t.Errorf("%s: %s went to %q, want %s", what, step.js, loc, step.want)
			}
		}
		if n := countRefusalComments(t, site); n != count {
			t.Errorf("%s: %d comments after going back and forward, want %d", what, n, count)
		}
	}

	// 1. The email is missing.
	open(tab)
	site.clock.Advance(10 * time.Second)
	fill(tab, "Ann Reader", "", "The detour added forty minutes to my day.")
	refused("missing email", submit(tab), http.StatusBadRequest, "Please enter your email address.", "email",
		"Ann Reader", "", "The detour added forty minutes to my day.")
	back("missing email")
	if axe != "" {
		checkAxe(t, tab, axe)
	}

	// 2. Too fast: the form is posted the instant it was served.
	open(tab)
	clear(tab)
	fill(tab, "Ann Reader", ann, "Quick words.")
	refused("too fast", submit(tab), http.StatusBadRequest, discussion.MsgTooFast, "", "Ann Reader", ann, "Quick words.")

	// Reading it over for a while, Ann posts the kept words as they are.
	site.clock.Advance(10 * time.Second)
	if res := submit(tab); res.Status != http.StatusOK || !regexp.MustCompile(`#comment-\d+$`).MatchString(run(t, tab, chromedp.Location())) {
		t.Fatalf("posting the kept words answered %d at %s, want the new comment", res.Status, run(t, tab, chromedp.Location()))
	}

	// 3. Too soon after her own comment.
	open(tab)
	site.clock.Advance(10 * time.Second)
	clear(tab)
	fill(tab, "Ann Reader", ann, "And another thing.")
	res := submit(tab)
	if s, err := strconv.Atoi(retryAfter(res)); err != nil || s < 1 || s > 60 {
		t.Errorf("flood refusal: Retry-After %q, want 1 to 60 seconds", retryAfter(res))
	}
	refused("too soon", res, http.StatusTooManyRequests, "Please wait", "", "Ann Reader", ann, "And another thing.")

	// 4. A colleague at the next desk, same address, other email and
	// browser, comments within the same minute.
	open(other)
	site.clock.Advance(10 * time.Second)
	fill(other, "Bea Colleague", "bea."+tag+"@example.com", "Same office, different view.")
	if res := submit(other); res.Status != http.StatusOK {
		t.Errorf("a second reader from the same address answered %d, want her comment posted", res.Status)
	}
}

// waitSummaryFocus waits for a refused comment's page to settle: browsers
// apply autofocus at their next rendering after the load, which may
// scroll. It gives up after ten seconds; the caller checks the focus.
func waitSummaryFocus(t *testing.T, tab context.Context) {
	t.Helper()
	for range 100 {
		if eval[bool](t, tab, `document.readyState === 'complete' && document.activeElement && document.activeElement.id === 'error-summary'`) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func retryAfter(res *network.Response) string {
	for k, v := range res.Headers {
		if strings.EqualFold(k, "Retry-After") {
			return fmt.Sprint(v)
		}
	}
	return ""
}

func countRefusalComments(t *testing.T, site *refusalSite) int {
	t.Helper()
	_, n, err := site.db.FindComments(context.Background(), communique.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
