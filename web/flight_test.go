package web

import "testing"

// Readers who miss a page share the render under way, unless the cache
// was invalidated after it began: it may show the old state, so they get
// a render of their own, and the first render's end must not cut the
// second one off.
func TestFlightSharing(t *testing.T) {
	c := newPageCache(1 << 20)
	first, lead := c.join("a")
	if !lead {
		t.Fatal("the first reader to miss must render")
	}
	same, lead := c.join("a")
	if lead || same != first {
		t.Fatal("a second reader must wait for the render under way")
	}
	if _, lead := c.join("b"); !lead {
		t.Fatal("another page must get its own render")
	}
	c.invalidate("article:1")
	second, lead := c.join("a")
	if !lead || second == first {
		t.Fatal("after an invalidation a reader must not share a render that began before it")
	}
	e := newEntry("a", nil, "text/html", []byte("<p>page</p>"))
	c.land("a", first, e)
	select {
	case <-first.done:
	default:
		t.Fatal("landing must wake the waiters")
	}
	if first.entry != e {
		t.Fatal("the waiters must get the page the render made")
	}
	if again, lead := c.join("a"); lead || again != second {
		t.Fatal("the end of the older render must leave the newer one in place")
	}
	c.land("a", second, nil)
	if second.entry != nil {
		t.Fatal("a render with nothing to share hands nothing")
	}
	if _, lead := c.join("a"); !lead {
		t.Fatal("with no render under way, the next reader renders")
	}
}
