package browser_test

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"communique"
)

// printFacts are what a printed article shows, measured in print mode.
type printFacts struct {
	Shown    []string `json:"shown"`    // screen-only parts still laid out
	Prose    bool     `json:"prose"`    // the article's text is there
	Comments bool     `json:"comments"` // so is its discussion
}

const printJS = `(() => {
  const laidOut = e => e.getClientRects().length > 0;
  const screenOnly = ['nav', 'form', 'button', 'input', 'textarea', '.site-search', '#respond', '.comment-reply-link'];
  const shown = screenOnly.filter(sel => [...document.querySelectorAll(sel)].some(laidOut));
  return {shown, prose: laidOut(document.querySelector('.prose')), comments: [...document.querySelectorAll('.comment-content')].some(laidOut)};
})()`

// TestPrint checks a printed article has no reply form, navigation or
// buttons, and keeps its text and discussion: print mode is emulated, and
// the test first proves those parts are on the page on screen.
func TestPrint(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	c := &communique.Comment{ArticleID: site.ArticleID, AuthorName: "Pat Reader", AuthorEmail: "pat@mail.example",
		Text: "Well reported.", HTML: "<p>Well reported.</p>", Status: communique.CommentApproved}
	if err := site.DB.CreateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+site.Article))
	screen := eval[printFacts](t, ctx, printJS)
	if len(screen.Shown) < 6 || !screen.Comments {
		t.Fatalf("on screen the article shows %q (comments %v): the test would prove nothing", screen.Shown, screen.Comments)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	printed := eval[printFacts](t, ctx, printJS)
	if len(printed.Shown) > 0 {
		t.Errorf("printed article shows %q", printed.Shown)
	}
	if !printed.Prose || !printed.Comments {
		t.Errorf("printed article lost its text (%v) or discussion (%v)", printed.Prose, printed.Comments)
	}
}
