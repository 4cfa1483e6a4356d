package browser_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique/sqlstore"
	"communique/storetest"
	"communique/upload"
	"communique/web"
	"communique/wordpress"
)

// oldUploads writes an image at every path of the theme unit test
// export's files host that the export names, as a copy of the old site's
// wp-content/uploads would hold them.
func oldUploads(t *testing.T, sample string) string {
	t.Helper()
	b, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	seen := map[string]bool{}
	for i, m := range regexp.MustCompile(`//wpthemetestdata\.files\.wordpress\.com(/[^\s"'<>?#\]]+\.(?:jpe?g|png|gif))`).FindAllStringSubmatch(string(b), -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		img := image.NewRGBA(image.Rect(0, 0, 800, 500))
		for x := 0; x < 800; x++ {
			for y := 0; y < 500; y++ {
				img.Set(x, y, color.RGBA{uint8(x/4 + i*13), uint8(y / 3), uint8(120 + i*29), 255})
			}
		}
		var out bytes.Buffer
		switch strings.ToLower(path.Ext(m[1])) {
		case ".png":
			err = png.Encode(&out, img)
		case ".gif":
			err = gif.Encode(&out, img, nil)
		default:
			err = jpeg.Encode(&out, img, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(m[1]))
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestWordPressImportedPages imports the theme unit test export with its
// files into a fresh site and shows the image-alignment, gallery, cover,
// embeds and nested-menu pages, a threaded discussion, a section and an
// author in Chromium at 1280 and 390 pixels:
// screenshots for the record, nothing loaded from another site, the page
// no wider than the window, and no serious axe-core violation.
func TestWordPressImportedPages(t *testing.T) {
	axe := axeScript(t)
	browser := newBrowser(t)
	sample := storetest.WXRSample(t)
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	files, err := wordpress.OpenUploadsDir(oldUploads(t, sample))
	if err != nil {
		t.Fatal(err)
	}
	defer files.Close()
	f, err := os.Open(sample)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im := storetest.NewImporter(db, 500)
	im.PrimaryMenu, im.Files = "all-pages", files
	im.Library = &upload.Library{Storage: sqlstore.NewDBStorage(db), Store: db}
	if sum, err := im.Import(ctx, f); err != nil || len(sum.MissingFiles) > 2 {
		t.Fatalf("import: %v\n%s", err, sum)
	}
	siteCtx, stopSite := context.WithCancel(ctx)
	srv, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MediaStorage: sqlstore.NewDBStorage(db)})
	if err != nil {
		t.Fatal(err)
	}
	ts := serveSite(t, srv.Handler(), stopSite)

	tab := newTab(t, browser)
	// The injected axe is the test's, not the page's.
	if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path string }{
		{"image-alignment", "/2013/01/11/markup-image-alignment/"},
		{"gallery", "/2010/09/10/post-format-gallery/"},
		{"cover-block", "/2018/11/03/media-category-blocks/"},
		{"embeds", "/2018/11/03/blocks-embeds/"},
		{"nested-menu", "/"},
		// The pages every imported site has: a threaded discussion with
		// the reply form, a section and an author.
		{"comments", "/2012/01/03/template-comments/"},
		{"section", "/category/classic/"},
		{"author", "/author/themereviewteam/"},
	}
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"1280", 1280, 900, false}, {"390", 390, 844, true}} {
		for _, pg := range pages {
			t.Run(vp.name+"/"+pg.name, func(t *testing.T) {
				opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
				if vp.mobile {
					opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
				}
				do(t, tab, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(ts.URL+pg.path), chromedp.WaitVisible(chromedp.CSS("main")))
				if pg.name == "comments" {
					if n := eval[int](t, tab, `document.querySelectorAll(".comment-list .children li.comment").length`); n < 5 {
						t.Errorf("%d replies shown in the imported thread", n)
					}
					if eval[int](t, tab, `document.querySelectorAll("form#commentform textarea").length`) != 1 {
						t.Errorf("no reply form under the imported thread")
					}
				}
				if pg.name == "section" || pg.name == "author" {
					if n := eval[int](t, tab, `document.querySelectorAll("main article, main .card").length`); n < 5 {
						t.Errorf("%s lists %d articles", pg.path, n)
					}
				}
				if pg.name == "nested-menu" {
					// Open a sub-menu and the sub-menu inside it, as a reader would.
					do(t, tab, chromedp.Click(chromedp.CSS(`nav.site-nav details.nav-sub:has(details) > summary`)),
						chromedp.Click(chromedp.CSS(`nav.site-nav details[open] details.nav-sub > summary`)))
					if open := eval[int](t, tab, `document.querySelectorAll("nav.site-nav details[open]").length`); open != 2 {
						t.Errorf("%d sub-menus open after two clicks, want 2", open)
					}
				}
				// Everything the page loaded came from this site.
				elsewhere := eval[[]string](t, tab, `performance.getEntriesByType("resource").map(e => e.name).filter(u => !u.startsWith(location.origin))`)
				if len(elsewhere) > 0 {
					t.Errorf("%s loaded from elsewhere: %v", pg.path, elsewhere)
				}
				if broken := eval[[]string](t, tab, `[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)`); len(broken) > 0 {
					t.Errorf("%s has images that did not load: %v", pg.path, broken)
				}
				if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > float64(vp.width)+1 {
					wide := eval[[]string](t, tab, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth + 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible").slice(-3).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right) + "/" + e.scrollWidth)`)
					t.Errorf("%s is %vpx wide in a %dpx window: %v", pg.path, w, vp.width, wide)
				}
				saveScreenshot(t, "communique-wordpress-"+pg.name+"-"+vp.name+".png", run(t, tab, chromedp.FullScreenshot(100)))
				checkAxe(t, tab, axe)
			})
		}
	}
}
