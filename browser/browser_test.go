package browser_test

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// layoutFacts are measured in the page by layoutJS.
type layoutFacts struct {
	ScrollWidth   float64  `json:"scrollWidth"`
	InnerWidth    float64  `json:"innerWidth"`
	BodyFontSize  float64  `json:"bodyFontSize"`
	ProseFontSize float64  `json:"proseFontSize"`
	MeasurePx     float64  `json:"measurePx"`
	MeasureCh     float64  `json:"measureCh"`
	CharsPerLine  float64  `json:"charsPerLine"`
	H1Count       int      `json:"h1Count"`
	Landmarks     []string `json:"landmarks"`
	FirstFocus    string   `json:"firstFocus"`
	Overflowing   []string `json:"overflowing"`
}

// layoutJS measures the article page. The measure is given in ch (the
// width of "0" in the body font) and, more honestly, as the average
// number of characters on the lines of the longest paragraph.
const layoutJS = `(() => {
  const prose = document.querySelector('.prose');
  const paras = [...prose.querySelectorAll(':scope > p')];
  const p = paras.reduce((a, b) => (b.textContent.length > a.textContent.length ? b : a));
  const probe = document.createElement('span');
  probe.style.cssText = 'display:inline-block;width:1ch;position:absolute;visibility:hidden';
  prose.appendChild(probe);
  const ch = probe.getBoundingClientRect().width;
  probe.remove();
  const cs = getComputedStyle(p);
  const lines = Math.round(p.getBoundingClientRect().height / parseFloat(cs.lineHeight));
  const focusable = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled);
  const first = focusable[0];
  const vw = document.documentElement.clientWidth;
  const overflowing = [...document.body.querySelectorAll('*')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > vw + 1 && getComputedStyle(e).position !== 'absolute'; })
    .filter(e => !e.closest('.site-nav ul, .prose table, .prose pre'))
    .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    bodyFontSize: parseFloat(getComputedStyle(document.body).fontSize),
    proseFontSize: parseFloat(getComputedStyle(paras[1] || p).fontSize),
    measurePx: prose.getBoundingClientRect().width,
    measureCh: prose.getBoundingClientRect().width / ch,
    charsPerLine: p.textContent.length / Math.max(1, lines),
    h1Count: document.querySelectorAll('h1').length,
    landmarks: [
      ['banner', 'body > header'], ['navigation', 'nav'], ['main', 'main'], ['contentinfo', 'body > footer'],
    ].filter(([_, sel]) => document.querySelector(sel)).map(([name]) => name),
    firstFocus: first ? first.className + ' ' + first.getAttribute('href') : '',
    overflowing,
  };
})()`

// focusFacts describe the focused element after a key press.
type focusFacts struct {
	Class        string  `json:"class"`
	ID           string  `json:"id"`
	OutlineStyle string  `json:"outlineStyle"`
	OutlineWidth float64 `json:"outlineWidth"`
	Top          float64 `json:"top"`
	Bottom       float64 `json:"bottom"`
}

const focusJS = `(() => {
  const e = document.activeElement;
  const cs = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {class: e.className, id: e.id, outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0, top: r.top, bottom: r.bottom};
})()`

// TestArticleLayout loads an article at desktop and phone sizes, saves
// screenshots and checks the typographic and accessibility facts a reader
// depends on.
func TestArticleLayout(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	viewports := []struct {
		name          string
		width, height int64
		mobile        bool
		// The measure only has a range at desktop; a phone is narrower.
		minChars, maxChars float64
		maxMeasurePx       float64
	}{
		{"desktop", 1280, 900, false, 45, 80, 760},
		{"phone", 390, 844, true, 25, 80, 390},
	}
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
			if vp.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
			}
			do(t, ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(site.URL+site.Article))
			saveScreenshot(t, "communique-article-"+vp.name+".png", run(t, ctx, chromedp.FullScreenshot(100)))

			f := eval[layoutFacts](t, ctx, layoutJS)
			t.Logf("%s: %+v", vp.name, f)
			if f.ScrollWidth > f.InnerWidth {
				t.Errorf("horizontal overflow: scrollWidth %v > innerWidth %v (wide: %q)", f.ScrollWidth, f.InnerWidth, f.Overflowing)
			}
			if len(f.Overflowing) > 0 {
				t.Errorf("elements stick out of the viewport: %q", f.Overflowing)
			}
			if f.BodyFontSize < 16 || f.ProseFontSize < 16 {
				t.Errorf("body text is %vpx, article text %vpx, want at least 16px", f.BodyFontSize, f.ProseFontSize)
			}
			if f.CharsPerLine < vp.minChars || f.CharsPerLine > vp.maxChars {
				t.Errorf("%.0f characters per line (measure %.0fch, %.0fpx), want %v to %v", f.CharsPerLine, f.MeasureCh, f.MeasurePx, vp.minChars, vp.maxChars)
			}
			if !vp.mobile && (f.MeasureCh < 45 || f.MeasureCh > 80) {
				t.Errorf("text column is %.0fch wide, want 45 to 80", f.MeasureCh)
			}
			if f.MeasurePx > vp.maxMeasurePx {
				t.Errorf("text column is %.0fpx wide, want at most %vpx", f.MeasurePx, vp.maxMeasurePx)
			}
			if f.H1Count != 1 {
				t.Errorf("%d h1 elements, want exactly 1", f.H1Count)
			}
			for _, want := range []string{"banner", "navigation", "main", "contentinfo"} {
				if !slices.Contains(f.Landmarks, want) {
					t.Errorf("landmark %s missing (have %q)", want, f.Landmarks)
				}
			}
			if f.FirstFocus != "skip-link #content" {
				t.Errorf("first focusable element is %q, want the skip link to #content", f.FirstFocus)
			}

			// Keyboard: Tab reaches the skip link, visibly; Enter moves focus
			// to the content.
			do(t, ctx, chromedp.KeyEvent(kb.Tab))
			focus := eval[focusFacts](t, ctx, focusJS)
			if focus.Class != "skip-link" {
				t.Fatalf("Tab focused %q, want the skip link", focus.Class)
			}
			if focus.OutlineStyle == "none" || focus.OutlineWidth < 2 {
				t.Errorf("focused skip link has outline %s %vpx, want a visible outline", focus.OutlineStyle, focus.OutlineWidth)
			}
			if focus.Top < 0 || focus.Bottom > float64(vp.height) {
				t.Errorf("focused skip link is off screen (top %v, bottom %v)", focus.Top, focus.Bottom)
			}
			do(t, ctx, chromedp.KeyEvent(kb.Enter))
			if focus := eval[focusFacts](t, ctx, focusJS); focus.ID != "content" {
				t.Errorf("after Enter on the skip link focus is on %q#%q, want main#content", focus.Class, focus.ID)
			}
		})
	}
}

// saveScreenshot writes a PNG to the test's folder, to $COMMUNIQUE_SCREENSHOTS
// when set, and to /tmp outside CI so a person can look at it.
func saveScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("COMMUNIQUE_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	if os.Getenv("CI") == "" {
		dirs = append(dirs, "/tmp")
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(d, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
}

// TestColorScheme checks the dark scheme follows the reader's system
// setting and both schemes keep body text and links readable (WCAG AA).
func TestColorScheme(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	type colours struct {
		Background string `json:"background"`
		Text       string `json:"text"`
		Link       string `json:"link"`
	}
	const js = `(() => ({
	  background: getComputedStyle(document.body).backgroundColor,
	  text: getComputedStyle(document.querySelector('.prose p')).color,
	  link: getComputedStyle(document.querySelector('.prose a, .byline a')).color,
	}))()`
	tests := []struct {
		scheme   string
		wantDark bool
	}{
		{"light", false},
		{"dark", true},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			setScheme(t, ctx, tt.scheme)
			do(t, ctx, chromedp.Navigate(site.URL+site.Article))
			c := eval[colours](t, ctx, js)
			bg, text, link := luminance(t, c.Background), luminance(t, c.Text), luminance(t, c.Link)
			if dark := bg < 0.2; dark != tt.wantDark {
				t.Errorf("background %s (luminance %.2f): dark = %v, want %v", c.Background, bg, dark, tt.wantDark)
			}
			if r := contrast(bg, text); r < 4.5 {
				t.Errorf("text %s on %s has contrast %.1f, want at least 4.5", c.Text, c.Background, r)
			}
			if r := contrast(bg, link); r < 4.5 {
				t.Errorf("links %s on %s have contrast %.1f, want at least 4.5", c.Link, c.Background, r)
			}
		})
	}
}

// setScheme emulates the reader's prefers-color-scheme.
func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

var rgbPattern = regexp.MustCompile(`^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$`)

// luminance returns the WCAG relative luminance of a CSS rgb() colour.
func luminance(t *testing.T, css string) float64 {
	t.Helper()
	m := rgbPattern.FindStringSubmatch(css)
	if m == nil {
		t.Fatalf("cannot read colour %q", css)
	}
	if m[4] != "" && m[4] != "1" {
		t.Fatalf("colour %q is translucent; the page must paint its own background", css)
	}
	var l [3]float64
	for i := range 3 {
		v, _ := strconv.Atoi(m[i+1])
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrast is the WCAG contrast ratio of two luminances.
func contrast(a, b float64) float64 {
	return (max(a, b) + 0.05) / (min(a, b) + 0.05)
}

// TestNoThirdPartyRequests records every request the browser makes while
// loading pages and checks that all of them go to the site itself.
func TestNoThirdPartyRequests(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	host := strings.TrimPrefix(site.URL, "http://")
	var mu sync.Mutex
	var requests []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"FrontPage", "/"},
		{"Article", site.Article},
		{"Page", site.Page},
		{"Category", "/category/local/"},
		{"NotFound", "/no-such-page/"},
	}
	for _, pg := range pages {
		path := pg.path
		t.Run(pg.name, func(t *testing.T) {
			mu.Lock()
			requests = nil
			mu.Unlock()
			do(t, ctx, chromedp.Navigate(site.URL+path))
			mu.Lock()
			got := slices.Clone(requests)
			mu.Unlock()
			sawStyle := false
			for _, raw := range got {
				u, err := url.Parse(raw)
				if err != nil {
					t.Errorf("bad request URL %q", raw)
					continue
				}
				if u.Scheme == "data" {
					continue
				}
				if u.Host != host || u.Scheme != "http" {
					t.Errorf("request to another site: %s", raw)
				}
				sawStyle = sawStyle || strings.HasPrefix(u.Path, "/static/style.css")
			}
			if !sawStyle {
				t.Errorf("the stylesheet request was not seen, so the listener misses requests: %q", got)
			}
		})
	}
}

// TestWithoutJavaScript reads the site with scripts disabled: the front
// page, the navigation and the article must all be there.
func TestWithoutJavaScript(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(site.URL+"/"))
	if ran := run(t, ctx, chromedp.Evaluate[bool](`(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.head.appendChild(s); return window.__ran === true; })()`)); ran {
		t.Fatal("scripts still run; the test would prove nothing")
	}
	nav := run(t, ctx, chromedp.Nodes(chromedp.CSSAll("nav.site-nav a")))
	var labels []string
	for _, n := range nav {
		labels = append(labels, n.AttributeValue("href"))
	}
	for _, want := range []string{"/category/local/", "/about/", "/contact/"} {
		if !slices.Contains(labels, want) {
			t.Errorf("navigation lacks %s (has %q)", want, labels)
		}
	}
	front := run(t, ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	for _, a := range sampleArticles {
		if !strings.Contains(front, a.title) {
			t.Errorf("front page lacks %q", a.title)
		}
	}

	// Follow the lead article's link by clicking it, as a reader would.
	do(t, ctx, chromedp.Click(chromedp.CSS(".card-lead .card-title a")), chromedp.WaitReady(chromedp.CSS(".article .prose")))
	loc := run(t, ctx, chromedp.Location())
	if !strings.HasSuffix(loc, site.Article) {
		t.Errorf("clicking the lead article went to %s, want %s", loc, site.Article)
	}
	article := run(t, ctx, chromedp.OuterHTML(chromedp.CSS("main")))
	for _, want := range []string{
		"<h1>" + sampleArticles[0].title + "</h1>",
		"<h2",
		"<blockquote>",
		"<table>",
		`<form action="/comments" method="post"`,
	} {
		if !strings.Contains(article, want) {
			t.Errorf("article without JavaScript lacks %q", want)
		}
	}
	if n := len(run(t, ctx, chromedp.Nodes(chromedp.CSSAll(".tags a")))); n != len(sampleArticles[0].tags) {
		t.Errorf("%d tag links, want %d", n, len(sampleArticles[0].tags))
	}
}

// TestArticleAlignment checks that what the writer and the layout intend
// lines up on screen, at desktop width where a misalignment shows most.
func TestArticleAlignment(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+site.Article))
	const edges = `(sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return [Math.round(r.left), Math.round(r.right)]; }`
	tests := []struct {
		name string
		what string
		js   string // evaluates to [got, want]
	}{
		// Markdown "---:" asks for a right-aligned column (numbers); the
		// sanitizer keeps it as align="right".
		{"NumericColumnRightAligned", "text-align of a cell in a ---: column", `[getComputedStyle(document.querySelector('.prose td[align="right"]')).textAlign, 'right']`},
		{"HeaderOfNumericColumnRightAligned", "text-align of the header of a ---: column", `[getComputedStyle(document.querySelector('.prose th[align="right"]')).textAlign, 'right']`},
		// Blocks under the article share its text column.
		{"PostNavLeftEdge", "left edge (px) of the Previous/Next block against the article's", `[(` + edges + `)('.post-nav')[0], (` + edges + `)('.article')[0]]`},
		{"PostNavRightEdge", "right edge (px) of the Previous/Next block against the article's", `[(` + edges + `)('.post-nav')[1], (` + edges + `)('.article')[1]]`},
		{"DiscussionLeftEdge", "left edge (px) of the comments against the article's", `[(` + edges + `)('.discussion')[0], (` + edges + `)('.article')[0]]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := eval[[2]any](t, ctx, tt.js)
			if fmt.Sprint(v[0]) != fmt.Sprint(v[1]) {
				t.Errorf("%s = %v, want %v", tt.what, v[0], v[1])
			}
		})
	}
}
