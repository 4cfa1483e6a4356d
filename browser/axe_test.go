package browser_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/internal/chromium"
	articles "communique/newsroom"
	"communique/storetest"
)

// axeScript reads axe-core, or skips saying how to install it.
func axeScript(t *testing.T) string {
	t.Helper()
	return chromium.AxeScript(t)
}

// axeViolation is one rule a page breaks, as axe reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRunJS runs every rule axe has (WCAG 2.x A and AA and best practices)
// on the whole document and returns the violations.
const axeRunJS = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target, failureSummary: n.failureSummary})),
})))`

// TestAccessibility injects axe-core into Chromium on the public pages and
// the newsroom's, in the light and the dark scheme, and fails on any
// violation of serious or critical impact.
func TestAccessibility(t *testing.T) {
	axe := axeScript(t)
	browser := newBrowser(t)
	n := startNewsroom(t, storetest.SQLite.Fresh(t))
	ctx := context.Background()
	editor := n.Users[communique.RoleEditor]

	// Content a real site has: an article with a category, tags, an
	// approved comment and the comment form; a held comment to moderate.
	local, err := n.DB.EnsureTerm(ctx, communique.TaxonomyCategory, "Local")
	if err != nil {
		t.Fatal(err)
	}
	tag, err := n.DB.EnsureTerm(ctx, communique.TaxonomyTag, "Harbour")
	if err != nil {
		t.Fatal(err)
	}
	art := &communique.Article{Title: sampleArticles[0].title, Source: sampleArticles[0].body, AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: n.Clock.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(n.DB).Create(ctx, articles.System, art, []int64{local.ID}, []int64{tag.ID}); err != nil {
		t.Fatal(err)
	}
	for i, st := range []communique.CommentStatus{communique.CommentApproved, communique.CommentPending} {
		c := &communique.Comment{ArticleID: art.ID, AuthorName: "Pat Reader", AuthorEmail: "pat@mail.example", AuthorIP: "203.0.113.9",
			Text: fmt.Sprintf("Remark number %d.", i+1), HTML: fmt.Sprintf("<p>Remark number %d.</p>", i+1), Status: st, SpamScore: 0.1}
		if err := n.DB.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, title := range []string{"Council votes on the night library", "Why the river ran green"} {
		a := &communique.Article{Title: title, Source: "A short article.", AuthorID: editor.ID, Status: communique.StatusPublished,
			PublishedAt: n.Clock.Now().Add(-2 * time.Hour), CommentsOpen: true}
		if err := articles.New(n.DB).Create(ctx, articles.System, a, []int64{local.ID}, nil); err != nil {
			t.Fatal(err)
		}
	}
	articlePath := communique.ArticlePath(art, settings(t, n.DB), nil)

	reader := newTab(t, browser)
	staff := newTab(t, browser)
	tabs := []context.Context{reader, staff}
	for _, tab := range tabs {
		// The admin's Content-Security-Policy forbids scripts from
		// anywhere but itself; the injected axe is the test's, not the page's.
		if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	pages := []struct {
		name string
		tab  context.Context
		path string
	}{
		{"FrontPage", reader, "/"},
		{"Article", reader, articlePath},
		{"CategoryArchive", reader, "/category/local/"},
		{"NotFound", reader, "/no-such-page/"},
		{"Search", reader, "/search?q=harbour&from=13/45/2026"}, // the advanced form open, with a message
		{"AdminLogin", reader, "/admin/login"},
	}
	// The staff tab is the site's administrator, who sees every page.
	signIn(t, staff, n.URL, "ines", "/admin/", chromedp.CSS("main h1"))
	admin := []struct{ name, path string }{
		{"AdminDashboard", "/admin/"},
		{"AdminPosts", "/admin/posts"},
		{"AdminEditor", fmt.Sprintf("/admin/posts/%d/edit", art.ID)},
		{"AdminNewArticle", "/admin/posts/new"},
		{"AdminComments", "/admin/comments"},
		{"AdminSettings", "/admin/settings"},
		{"AdminProfile", "/admin/profile"},
		{"AdminUsers", "/admin/users"},
	}
	// The harness itself: a page with known faults must show them, or a
	// clean result below would prove nothing.
	t.Run("HarnessFindsFaults", func(t *testing.T) {
		do(t, reader, chromedp.Navigate(`data:text/html,<!doctype html><html><head><title>Faulty</title></head><body><main><img src="x.png"><input type="text"></main></body></html>`))
		found := map[string]string{}
		for _, v := range runAxe(t, reader, axe) {
			found[v.ID] = v.Impact
		}
		if found["image-alt"] != "critical" || found["label"] != "critical" || found["html-has-lang"] != "serious" {
			t.Fatalf("axe found %v on a page without alt text, label or lang", found)
		}
	})
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			for _, tab := range tabs {
				if _, err := chromedp.Call(tab, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				}); err != nil {
					t.Fatal(err)
				}
			}
			check := func(name string, tab context.Context, path string) {
				t.Run(name, func(t *testing.T) {
					do(t, tab, chromedp.Navigate(n.URL+path), chromedp.WaitReady(chromedp.CSS("main")))
					checkAxe(t, tab, axe)
				})
			}
			for _, p := range pages {
				check(p.name, p.tab, p.path)
			}
			for _, p := range admin {
				check(p.name, staff, p.path)
			}
		})
	}
}

// runAxe injects axe into the tab's page and returns its violations.
func runAxe(t *testing.T, tab context.Context, axe string) []axeViolation {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 60*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("inject axe: %v", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRunJS, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe: %v", err)
	}
	return violations
}

// checkAxe runs axe in the tab and fails on serious or critical findings.
func checkAxe(t *testing.T, tab context.Context, axe string) {
	t.Helper()
	for _, v := range runAxe(t, tab, axe) {
		var targets []string
		for _, node := range v.Nodes {
			targets = append(targets, fmt.Sprint(node.Target...))
		}
		line := fmt.Sprintf("%s (%s): %s; nodes: %s", v.ID, v.Impact, v.Help, strings.Join(targets, " | "))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("axe: %s\n    %s", line, firstSummary(v))
		} else {
			t.Logf("axe, %s only: %s", v.Impact, line)
		}
	}
}

func firstSummary(v axeViolation) string {
	if len(v.Nodes) == 0 {
		return ""
	}
	return strings.ReplaceAll(v.Nodes[0].Summary, "\n", "\n    ")
}
