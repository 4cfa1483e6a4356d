package browser_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// fastLock makes the editor's one-minute lock renewal run every 300 ms.
const fastLock = `(() => {
  const setInterval = window.setInterval;
  window.setInterval = (fn, ms, ...rest) => setInterval(fn, ms === 60000 ? 300 : ms, ...rest);
})();`

const updateButton = `#editor button[type="submit"]:not([formaction])`

// TestTwoEditors is the "two browsers edit the same article", on
// both stores: the second editor sees who holds the lock; each edits; the
// first saves; the second's save, based on the older version, is refused
// and the merge screen shows both versions with the second's text kept;
// the merged save keeps both people's words; taking over tells the first
// editor's open page at once.
func TestTwoEditors(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		browser := newBrowser(t)
		n := startNewsroom(t, place)
		ctx := context.Background()
		art := &communique.Article{Title: "Ferry timetable changes", Source: "The first ferry leaves at six.",
			AuthorID: n.Users[communique.RoleEditor].ID, Status: communique.StatusPublished, CommentsOpen: true}
		if err := articles.New(n.DB).Create(ctx, articles.System, art, nil, nil); err != nil {
			t.Fatal(err)
		}
		edit := "/admin/posts/" + strconv.FormatInt(art.ID, 10) + "/edit"

		marta := newTab(t, browser)
		if _, err := chromedp.Call(marta, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: fastLock}); err != nil {
			t.Fatal(err)
		}
		signIn(t, marta, n.URL, "marta", edit, chromedp.CSS("#body"))
		if eval[bool](t, marta, `!!document.getElementById('lock-notice')`) {
			t.Fatal("the first editor is told of a lock")
		}
		ines := newTab(t, browser)
		signIn(t, ines, n.URL, "ines", edit, chromedp.CSS("#body"))
		notice := eval[string](t, ines, `(document.getElementById('lock-notice') || {}).textContent || ''`)
		if !strings.Contains(notice, "Marta is editing this article, since") {
			t.Fatalf("the second editor does not see the lock: %q", notice)
		}

		// Both edit; Marta saves first.
		do(t, marta, chromedp.SetValue(chromedp.ID("body"), "The first ferry leaves at half past five."), chromedp.Click(chromedp.CSS(updateButton)))
		saved(t, marta, "done=published")
		do(t, ines, chromedp.SetValue(chromedp.ID("body"), "The first ferry leaves at six.\n\nThe last one leaves at midnight."),
			chromedp.Click(chromedp.CSS(updateButton)), chromedp.WaitVisible(chromedp.ID("conflict")))
		theirs := eval[string](t, ines, `document.getElementById('theirs-body').textContent`)
		yours := eval[string](t, ines, `document.getElementById('yours-body').textContent`)
		kept := eval[string](t, ines, `document.getElementById('body').value`)
		if theirs != "The first ferry leaves at half past five." || !strings.Contains(yours, "midnight") || !strings.Contains(kept, "midnight") {
			t.Fatalf("the merge screen shows theirs %q, yours %q, form %q", theirs, yours, kept)
		}
		if got, _ := n.DB.FindArticleByID(ctx, art.ID); got.Source != "The first ferry leaves at half past five." {
			t.Fatalf("the refused save changed the article: %q", got.Source)
		}
		// Ines merges: Marta's time, her own last ferry.
		do(t, ines, chromedp.SetValue(chromedp.ID("body"), "The first ferry leaves at half past five.\n\nThe last one leaves at midnight."),
			chromedp.Click(chromedp.CSS(updateButton)))
		saved(t, ines, "done=published")
		if got, _ := n.DB.FindArticleByID(ctx, art.ID); !strings.Contains(got.Source, "half past five") || !strings.Contains(got.Source, "midnight") {
			t.Fatalf("after the merge: %q", got.Source)
		}
		if strings.Contains(eval[string](t, ines, `document.body.textContent`), "Both versions") {
			t.Fatal("the merged save was refused again")
		}

		// Ines takes over; Marta's open editor says so within a second or two.
		do(t, ines, chromedp.Click(chromedp.CSS(`#lock-notice button[type="submit"]`)))
		saved(t, ines, "done=takenover")
		waitFor(t, "Marta's editor to show the take-over", 5*time.Second, func() bool {
			return strings.Contains(eval[string](t, marta, `document.getElementById('lock-status').hidden ? '' : document.getElementById('lock-status').textContent`), "Ines is editing this article")
		})
	})
}

// saved waits for the editor to come back after a save, with done in its
// address (the page before it has the same form, so waiting for the form
// would not wait for the save).
func saved(t *testing.T, tab context.Context, done string) {
	t.Helper()
	waitFor(t, "the editor after "+done, 10*time.Second, func() bool {
		return strings.Contains(eval[string](t, tab, `location.search`), done) &&
			eval[string](t, tab, `document.readyState`) == "complete"
	})
}
