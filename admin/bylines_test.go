package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestBylines: an editor credits several people in order from the
// editor, a guest contributor among them; the article page links each
// to their author page, where the article is listed; a bad line is
// refused with the text kept.
func TestBylines(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		editor := n.SignIn(t, communique.RoleEditor)
		id := savedID(t, editor.Post(t, "/admin/posts/new", url.Values{"title": {"Three hands"}, "body": {"Written together."},
			"status": {"published"}, "bylines": {"olive\n  Jo Freelance \narthur"}}), "published")
		a := n.FindArticle(t, id)
		page := editor.Get(t, n.PublicPath(t, a))
		if page.Status != http.StatusOK || !strings.Contains(page.Body,
			`By <a rel="author" href="/author/olive/" dir="auto">Olive</a>, <a rel="author" href="/author/jo-freelance/" dir="auto">Jo Freelance</a> and <a rel="author" href="/author/arthur/" dir="auto">Arthur</a>`) {
			t.Fatalf("the byline does not credit all three in order:\n%s", excerpt(page.Body))
		}
		if !strings.Contains(page.Body, `"author":[{"@type":"Person","name":"Olive"`) {
			t.Errorf("the JSON-LD does not name every author first to last")
		}
		for _, path := range []string{"/author/jo-freelance/", "/author/olive/", "/author/arthur/"} {
			if res := editor.Get(t, path); res.Status != http.StatusOK || !strings.Contains(res.Body, "Three hands") {
				t.Errorf("%s: status %d, lists the article: %v", path, res.Status, strings.Contains(res.Body, "Three hands"))
			}
		}
		// The editor wrote it without a byline of their own: not theirs.
		if res := editor.Get(t, "/author/edna/"); res.Status != http.StatusNotFound {
			t.Errorf("the uncredited owner's author page: status %d, want 404", res.Status)
		}
		form := editor.Get(t, editPath(id))
		if !strings.Contains(form.Body, ">olive\nJo Freelance\narthur</textarea>") {
			t.Errorf("the editor does not show the bylines in order:\n%s", excerptAround(form.Body, `name="bylines"`))
		}
		long := strings.Repeat("x", 101)
		res := editor.Post(t, editPath(id), url.Values{"title": {"Three hands"}, "body": {"Written together."}, "status": {"published"},
			"bylines": {"olive\n" + long}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "at most 100 characters") || !strings.Contains(res.Body, long) {
			t.Errorf("a name too long: status %d\n%s", res.Status, excerptAround(res.Body, `name="bylines"`))
		}
		if got := n.FindArticle(t, id); len(got.Bylines) != 3 {
			t.Errorf("a refused save changed the bylines: %v", got.Bylines)
		}
	})
}

// excerptAround is the part of body around sub, for failure messages.
func excerptAround(body, sub string) string {
	i := strings.Index(body, sub)
	if i < 0 {
		return excerpt(body)
	}
	return body[max(0, i-300):min(len(body), i+600)]
}
