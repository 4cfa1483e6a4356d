package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique/internal/chromium"
)

// TestDemoScreens is issue 26's demo "done when": a fresh data folder
// served with --demo, seen in headless Chromium at a phone's and a
// desktop's width, shows a front page with pictures and several sections,
// an article with a threaded discussion and an author page with a
// biography, and axe-core finds no serious violation on any of them.
// The screenshots go to $COMMUNIQUE_SCREENSHOTS (and /tmp outside CI).
func TestDemoScreens(t *testing.T) {
	axe := chromium.AxeScript(t)
	s := startServe(t, nil, "--data", t.TempDir(), "--demo")
	_, front := get(t, s.URL, "/")
	article := regexp.MustCompile(`href="(/\d{4}/\d\d/\d\d/harbour-bridge-reopens-after-two-years-of-repairs/)"`).FindStringSubmatch(front)
	if article == nil {
		t.Fatal("the front page does not link the lead article")
	}
	ctx := chromium.Start(t, "the demo screens")
	pages := []struct {
		name, path string
		check      string // JavaScript returning "" when the page shows what it must
	}{
		{"front", "/", `(async () => {
			const imgs = [...document.querySelectorAll('.card img[srcset][width][height]')];
			const sections = new Set([...document.querySelectorAll('.card .kicker a')].map(a => a.getAttribute('href')));
			const first = imgs[0];
			if (imgs.length < 6) return imgs.length + ' card pictures with srcset, width and height';
			await loaded(first);
			if (!first.complete || first.naturalWidth === 0) return 'the first picture did not load';
			if (imgs.slice(1).some(i => i.loading !== 'lazy')) return 'pictures below the lead are not lazy';
			if (sections.size < 3) return sections.size + ' sections';
			const zones = [...document.querySelectorAll('.zone')].map(z => z.className.replace('zone zone-', ''));
			if (zones.join(' ') !== 'lead top section section discussed') return 'zones: ' + zones.join(' ');
			if (!document.querySelector('.zone-lead .card-title a').href.includes('harbour-bridge')) return 'the lead is not the editor\'s pick';
			if (document.querySelectorAll('.zone-discussed li').length < 3) return 'few most discussed';
			if (document.documentElement.scrollWidth > window.innerWidth) return 'the page scrolls sideways';
			const nav = [...document.querySelectorAll('.site-nav a')];
			if (nav.some(a => { const r = a.getBoundingClientRect(); return r.right > window.innerWidth || (r.height < 44 && window.innerWidth < 500); })) return 'a menu item is cut off or too small to tap';
			return '';
		})()`},
		{"article", article[1], `(async () => {
			const img = document.querySelector('.featured-image img[srcset]');
			const cap = document.querySelector('.featured-image figcaption');
			if (img) await loaded(img);
			if (!img || !img.complete || img.naturalWidth === 0) return 'no featured picture';
			if (!cap || !cap.textContent.includes('CC0')) return 'no caption with its credit';
			if (document.querySelectorAll('.comment-list .children .children li.comment').length === 0) return 'no thread three deep';
			if (![...document.querySelectorAll('.comment .badge')].some(b => b.textContent === 'pingback')) return 'no pingback';
			if (document.body.textContent.includes('Halvard')) return 'a held comment shows';
			if (!/^\d+ comments on/.test(document.getElementById('comments-title').textContent)) return 'the discussion is not counted';
			const names = [...document.querySelectorAll('.byline a[rel=author]')].map(a => a.textContent);
			if (names.join(', ') !== 'Inès Moreau, Kofi Mensah, Mara Lindqvist') return 'bylines: ' + names.join(', ');
			if (!document.querySelector('.byline .updated time[datetime]')) return 'no Updated time';
			if (!document.querySelector('.correction-notice a[href="#corrections"]') || !document.querySelector('#corrections .article-note-correction')) return 'no correction';
			if (document.querySelectorAll('.share-links a').length < 3 || !document.querySelector('.read-next')) return 'no share links or nothing to read next';
			if (document.documentElement.scrollWidth > window.innerWidth) return 'the page scrolls sideways';
			return '';
		})()`},
		{"section", "/category/local/", `(() => {
			if (document.querySelector('h1').textContent.trim() !== 'Local') return 'heading ' + document.querySelector('h1').textContent;
			if (document.querySelectorAll('.card').length < 5) return 'few articles';
			if (document.documentElement.scrollWidth > window.innerWidth) return 'the page scrolls sideways';
			return '';
		})()`},
		{"guest", "/author/mara-lindqvist/", `(() => {
			if (document.querySelector('h1').textContent.trim() !== 'Mara Lindqvist') return 'heading ' + document.querySelector('h1').textContent;
			if (!document.querySelector('.card-title a').href.includes('harbour-bridge')) return 'the guest\'s article is not listed';
			return '';
		})()`},
		{"author", "/author/ines/", `(async () => {
			const intro = document.querySelector('.page-header .intro');
			if (document.querySelector('h1').textContent.trim() !== 'Inès Moreau') return 'heading ' + document.querySelector('h1').textContent;
			if (!intro || intro.textContent.length < 40) return 'no biography';
			const photo = document.querySelector('.page-header .author-photo');
			if (photo) await loaded(photo);
			if (!photo || !photo.complete || photo.naturalWidth === 0) return 'no photo';
			if (document.querySelectorAll('.card').length < 4) return 'few articles';
			return '';
		})()`},
	}
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
		if vp.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
		}
		for _, p := range pages {
			t.Run(vp.name+"/"+p.name, func(t *testing.T) {
				demoDo(t, ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(s.URL+p.path),
					chromedp.WaitReady(chromedp.CSS("footer")))
				if problem := demoEval[string](t, ctx, loadedJS+p.check); problem != "" {
					t.Errorf("%s: %s", p.path, problem)
				}
				shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatal(err)
				}
				demoScreenshot(t, "communique-demo-"+p.name+"-"+vp.name+".png", shot)
				if version := demoEval[string](t, ctx, axe+";axe.version"); version == "" {
					t.Fatal("axe-core did not load")
				}
				violations := demoEval[[]struct {
					ID, Impact, Help string
				}](t, ctx, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help})))`)
				for _, v := range violations {
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Errorf("axe on %s: %s (%s): %s", p.path, v.ID, v.Impact, v.Help)
					} else {
						t.Logf("axe on %s, %s only: %s: %s", p.path, v.Impact, v.ID, v.Help)
					}
				}
			})
		}
	}
}

// loadedJS waits for an image to load or fail, so a check does not race
// the network of a busy machine.
const loadedJS = `const loaded = img => img.complete ? Promise.resolve() :
	new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); });
`

func demoDo(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func demoEval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %.60s…: %v", strings.TrimSpace(js), err)
	}
	return v
}

// demoScreenshot keeps a screenshot where a person can look at it.
func demoScreenshot(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot %s is not a PNG (%d bytes)", name, len(png))
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("COMMUNIQUE_SCREENSHOTS"); d != "" {
		dirs = append(dirs, d)
	}
	if os.Getenv("CI") == "" {
		dirs = append(dirs, os.TempDir())
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", filepath.Join(d, name))
	}
}
