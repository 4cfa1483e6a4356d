package hardening_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"communique/internal/chromium"
)

// sightings are what the browser did because of a payload.
type sightings struct {
	mu   sync.Mutex
	list []string
	log  []string // console calls of the site's own scripts, for the record
}

// tabWatch follows one tab: the page it shows, and what happens there.
type tabWatch struct {
	seen *sightings
	mu   sync.Mutex
	page string
}

func (w *tabWatch) current() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.page
}

func (w *tabWatch) add(format string, args ...any) {
	w.seen.mu.Lock()
	defer w.seen.mu.Unlock()
	w.seen.list = append(w.seen.list, w.current()+": "+fmt.Sprintf(format, args...))
}

// payloadURL reports whether a URL is one a case names (/xss-7.js): a
// path segment starting with the marker. A page's own slug may contain
// it, so may a relative URL resolved against that page; neither starts a
// segment with it.
func payloadURL(u *url.URL) bool {
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if strings.HasPrefix(strings.ToLower(seg), "xss-") {
			return true
		}
	}
	return false
}

// browserTabs is how many pages render at once.
const browserTabs = 3

// renderInBrowser opens every page that shows a stored case in headless
// Chromium and fails on anything browse sees.
func renderInBrowser(t *testing.T, s *site, pages stored) {
	base, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	visited := map[string]bool{}
	for _, p := range append(append([]string{}, pages.public...), pages.admin...) {
		if !visited[p] {
			visited[p] = true
			paths = append(paths, p)
		}
	}
	for _, f := range browse(t, s.URL, s.Admin.client.Jar.Cookies(base), paths) {
		t.Error(f)
	}
}

// browse renders pages of the server at baseURL in headless Chromium, with
// the cookies given and the Content-Security-Policy turned off so that
// the proof rests on the markup alone, and returns what it saw happen
// because of a case: any dialog, any console call or script error naming
// a case, any request for a URL a case names or for another host.
func browse(t *testing.T, baseURL string, cookies []*http.Cookie, paths []string) []string {
	browser, stop := chromium.Launch(t, "the corpus's browser proof")
	defer stop()
	base, err := url.Parse(baseURL)
	if err != nil {
		t.Fatal(err)
	}
	seen := &sightings{}
	marked := func(v string) bool { return strings.Contains(strings.ToLower(v), "xss") }
	openTab := func() (context.Context, *tabWatch) {
		tab, cancel := chromedp.NewContext(browser)
		t.Cleanup(cancel)
		w := &tabWatch{seen: seen}
		chromedp.Listen(tab, func(ev any) {
			switch ev := ev.(type) {
			case *page.EventJavascriptDialogOpening:
				w.add("a %s dialog opened: %q", ev.Type, ev.Message)
				go chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			case *runtime.EventConsoleAPICalled:
				var text []string
				for _, a := range ev.Args {
					text = append(text, string(a.Value)+a.Description)
				}
				line := strings.Join(text, " ")
				if marked(line) {
					w.add("console.%s(%s)", ev.Type, line)
				} else {
					seen.mu.Lock()
					seen.log = append(seen.log, w.current()+": console."+string(ev.Type)+" "+line)
					seen.mu.Unlock()
				}
			case *runtime.EventExceptionThrown:
				if d := ev.ExceptionDetails; d != nil && marked(d.Text+fmt.Sprint(d.Exception)) {
					w.add("script error naming a case: %s", d.Text)
				}
			case *network.EventRequestWillBeSent:
				u, err := url.Parse(ev.Request.URL)
				switch {
				case err != nil:
					w.add("request for an unreadable URL %q", ev.Request.URL)
				case ev.Type == network.ResourceTypeDocument && ev.Request.URL == baseURL+w.current():
					// The page itself: its slug may come from a case.
				case payloadURL(u):
					w.add("request for a case's URL %s", ev.Request.URL)
				case u.Scheme == "data" || u.Scheme == "about":
				case u.Host != base.Host:
					w.add("request to another host: %s", ev.Request.URL)
				}
			}
		})
		if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatal(err)
		}
		return tab, w
	}
	first, firstWatch := openTab()
	for _, c := range cookies {
		if _, err := chromedp.Call(first, network.SetCookie, network.SetCookieParams{Name: c.Name, Value: c.Value, URL: baseURL + "/"}); err != nil {
			t.Fatal(err)
		}
	}
	todo := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := 0; i < browserTabs; i++ {
		tab, w := first, firstWatch
		if i > 0 {
			tab, w = openTab()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range todo {
				w.mu.Lock()
				w.page = p
				w.mu.Unlock()
				ctx, cancel := context.WithTimeout(tab, 30*time.Second)
				err := chromedp.Do(ctx, chromedp.Navigate(baseURL+p))
				cancel()
				if err != nil {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("render %s: %v", p, err))
					mu.Unlock()
				}
			}
			// Handlers that fire late (an image's error, a focus) get the
			// time a next page would have given them.
			time.Sleep(300 * time.Millisecond)
		}()
	}
	start := time.Now()
	for _, p := range paths {
		todo <- p
	}
	close(todo)
	wg.Wait()
	t.Logf("rendered %d pages in %v", len(paths), time.Since(start).Round(time.Millisecond))
	seen.mu.Lock()
	defer seen.mu.Unlock()
	for _, l := range seen.log {
		t.Logf("site's own console output: %s", l)
	}
	return append(failures, seen.list...)
}

// TestBrowseSees proves the browser proof can fail: a page with a script
// that runs, a handler that fires and a stylesheet a case names is seen
// three times over.
func TestBrowseSees(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium; skipped with -short")
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `<!doctype html><title>Bad</title><p>Bad page</p>
<script>console.log('XSS-1')</script><img src=x onerror="alert('XSS-2')"><link rel=stylesheet href="/xss-3.css">`)
	}))
	defer ts.Close()
	got := strings.Join(browse(t, ts.URL, nil, []string{"/"}), "\n")
	for _, want := range []string{"console.log", "dialog opened", "/xss-3.css"} {
		if !strings.Contains(got, want) {
			t.Errorf("the browser did not see %q; it saw:\n%s", want, got)
		}
	}
}
