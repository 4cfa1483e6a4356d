// Package chromium starts Debian's Chromium for tests, headless, with a
// fresh profile and none of its own requests (updates, sync, translation),
// so a test's page is the only traffic and it stays on loopback. Without
// Chromium a test skips saying how to install it, or fails under
// COMMUNIQUE_TEST_STRICT=1.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"communique/storetest"
)

// Path finds Debian's chromium; need says which test wants it.
func Path(tb testing.TB, need string) string {
	tb.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	missing(tb, need+" need Chromium: install Debian's chromium: apt-get install chromium")
	return ""
}

// Start starts a browser and returns its first tab's context; the browser
// stops when the test ends.
func Start(tb testing.TB, need string) context.Context {
	tb.Helper()
	ctx, stop := Launch(tb, need)
	tb.Cleanup(stop)
	return ctx
}

// Launch starts a browser and returns its first tab's context and the
// function that stops it, for a caller that closes it before the test
// ends (the test's servers then never wait on a page it left open).
func Launch(tb testing.TB, need string) (context.Context, func()) {
	tb.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(Path(tb, need)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		// The site scrolls smoothly for readers who do not ask for less
		// motion; a click computed during that animation lands beside
		// its button. Tests read as a reader who prefers reduced motion.
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.UserDataDir(tb.TempDir()),
	)
	ctx, cancel := chromedp.NewContext(actx)
	stop := func() {
		cancel()
		cancelAlloc()
	}
	// The first run starts the browser; it must not carry a timeout, which
	// would stop the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		stop()
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx, stop
}

// AxeScript reads axe-core's axe.min.js from $COMMUNIQUE_AXE_JS or from
// .ci/node in this directory or any above it, where .ci/run installs it.
func AxeScript(tb testing.TB) string {
	tb.Helper()
	candidates := []string{os.Getenv("COMMUNIQUE_AXE_JS")}
	if dir, err := os.Getwd(); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			candidates = append(candidates, filepath.Join(d, ".ci", "node", "node_modules", "axe-core", "axe.min.js"))
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	for _, c := range candidates {
		if b, err := os.ReadFile(c); c != "" && err == nil && len(b) > 0 {
			return string(b)
		}
	}
	missing(tb, `accessibility tests need axe-core: run  npm install --no-save --prefix "$PWD/.ci/node" axe-core@4  in the repository (as .ci/run does), or set COMMUNIQUE_AXE_JS to an axe.min.js`)
	return ""
}

func missing(tb testing.TB, msg string) {
	tb.Helper()
	if storetest.Strict() {
		tb.Fatal(msg + " (COMMUNIQUE_TEST_STRICT=1 forbids skipping)")
	}
	tb.Skip(msg)
}
