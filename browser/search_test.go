package browser_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// searchFacts are measured on a search results page.
type searchFacts struct {
	Boxes        int     `json:"boxes"`
	FiltersShown bool    `json:"filtersShown"`
	FirstResult  float64 `json:"firstResult"`
	ScrollWidth  float64 `json:"scrollWidth"`
	InnerWidth   float64 `json:"innerWidth"`
}

const searchJS = `(() => {
  const first = document.querySelector('.search-results .card');
  return {
    boxes: document.querySelectorAll('input[type=search]').length,
    filtersShown: document.querySelector('#search-from').checkVisibility(),
    firstResult: first ? first.getBoundingClientRect().top : -1,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
})()`

// TestSearchOnPhone checks the search page on a phone: one search box,
// the filters folded away so the first result is on the first screen,
// and the filters there when the reader unfolds them.
func TestSearchOnPhone(t *testing.T) {
	ctx := newBrowser(t)
	site := newNewsroom(t)
	do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)),
		chromedp.Navigate(site.URL+"/search?q=harbour"), chromedp.WaitVisible(chromedp.CSS(".search-results")))
	saveScreenshot(t, "communique-search-390.png", run(t, ctx, chromedp.FullScreenshot(100)))
	f := eval[searchFacts](t, ctx, searchJS)
	if f.Boxes != 1 {
		t.Errorf("%d search boxes, want 1", f.Boxes)
	}
	if f.FiltersShown {
		t.Error("the filters are unfolded before the reader asked")
	}
	if f.FirstResult < 0 || f.FirstResult > 844 {
		t.Errorf("the first result starts at %.0f px, below the first screen", f.FirstResult)
	}
	if f.ScrollWidth > f.InnerWidth+1 {
		t.Errorf("the page scrolls sideways: %.0f px in %.0f", f.ScrollWidth, f.InnerWidth)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".search-advanced summary")))
	if f := eval[searchFacts](t, ctx, searchJS); !f.FiltersShown {
		t.Error("the filters stay hidden once the reader unfolds them")
	}
}
