package browser_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// dashboardFacts are measured on the newsroom's dashboard.
type dashboardFacts struct {
	ScrollWidth  float64  `json:"scrollWidth"`
	InnerWidth   float64  `json:"innerWidth"`
	AttentionTop float64  `json:"attentionTop"`
	Headings     []string `json:"headings"`
	Items        int      `json:"items"`
}

const dashboardJS = `(() => {
  const att = document.querySelector('.attention');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    attentionTop: att ? att.getBoundingClientRect().top : -1,
    headings: [...document.querySelectorAll('.attention h3')].map(h => h.textContent.trim()),
    items: document.querySelectorAll('.attention .brief li').length,
  };
})()`

// TestNewsroomDashboard shows the dashboard of a newsroom with work
// waiting (held comments, one a reply; recent comments; a scheduled
// article; a draft) at phone and desktop widths: screenshots, no
// sideways scrolling, what needs attention listed, and no serious axe
// violation.
func TestNewsroomDashboard(t *testing.T) {
	axe := axeScript(t)
	browser := newBrowser(t)
	n := startNewsroom(t, storetest.SQLite.Fresh(t))
	ctx := context.Background()
	marta := n.Users[communique.RoleEditor]
	now := n.Clock.Now()
	add := func(title string, st communique.Status, at time.Time) *communique.Article {
		a := &communique.Article{Title: title, Source: "The body of " + title + ".", AuthorID: marta.ID, Status: st, PublishedAt: at, CommentsOpen: true}
		if err := articles.New(n.DB).Create(ctx, articles.System, a, nil, nil); err != nil {
			t.Fatal(err)
		}
		return a
	}
	bridge := add(sampleArticles[0].title, communique.StatusPublished, now.Add(-3*time.Hour))
	add(sampleArticles[1].title, communique.StatusPublished, now.Add(-5*time.Hour))
	add("Storm season outlook for the harbour", communique.StatusScheduled, now.Add(30*time.Hour))
	add("Tide tables, half written", communique.StatusDraft, time.Time{})
	comment := func(name, text string, st communique.CommentStatus, parent int64) *communique.Comment {
		c := &communique.Comment{ArticleID: bridge.ID, ParentID: parent, AuthorName: name, AuthorEmail: "reader@mail.example", AuthorIP: "203.0.113.9",
			Text: text, HTML: "<p>" + text + "</p>", Status: st}
		if err := n.DB.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := comment("Pat Reader", "My daughter was born the week it closed; we walked across it this morning.", communique.CommentApproved, 0)
	comment("Sam Walker", "Will the cycle lane be open at night too?", communique.CommentPending, 0)
	comment("Ola Nordmann", "Same here, and the buses are back on the old route.", communique.CommentPending, first.ID)

	tab := newTab(t, browser)
	if _, err := chromedp.Call(tab, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	signIn(t, tab, n.URL, "ines", "/admin/", chromedp.CSS("main h1"))
	for _, vp := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		t.Run(vp.name, func(t *testing.T) {
			opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
			if vp.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))
			}
			do(t, tab, chromedp.EmulateViewport(vp.width, vp.height, opts...), chromedp.Navigate(n.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS(".attention")))
			saveScreenshot(t, fmt.Sprintf("communique-dashboard-%d.png", vp.width), run(t, tab, chromedp.FullScreenshot(100)))
			f := eval[dashboardFacts](t, tab, dashboardJS)
			if f.ScrollWidth > f.InnerWidth+1 {
				t.Errorf("the page scrolls sideways: %.0f px wide in %.0f", f.ScrollWidth, f.InnerWidth)
			}
			want := []string{"2 comments await moderation", "1 article is scheduled", "Drafts and reviews", "Recent comments"}
			if fmt.Sprint(f.Headings) != fmt.Sprint(want) {
				t.Errorf("needs attention: %q, want %q", f.Headings, want)
			}
			if f.Items != 5 { // two held, one scheduled, one draft, one recent
				t.Errorf("%d items need attention, want 5", f.Items)
			}
			if f.AttentionTop < 0 || f.AttentionTop > float64(vp.height) {
				t.Errorf("what needs attention starts at %.0f px, below the first screen (%d px)", f.AttentionTop, vp.height)
			}
			checkAxe(t, tab, axe)
		})
	}
}
