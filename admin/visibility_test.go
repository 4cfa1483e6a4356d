package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestVisibility: the editor's Visibility (Public, Private, Password
// protected) saves through the article service; a private article is on
// the site for the signed-in editor ("Private: …") and nobody else, a
// protected one shows readers the password form; a contributor is not
// offered Private and cannot force it. On both stores.
func TestVisibility(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		editor := n.SignIn(t, communique.RoleEditor)
		reader := n.Agent(t)
		id := savedID(t, editor.Post(t, "/admin/posts/new", url.Values{"title": {"Board minutes"}, "body": {"PRIVATEBODY"},
			"status": {"published"}, "visibility": {"private"}}), "saved")
		a := n.FindArticle(t, id)
		if a.Status != communique.StatusPrivate || a.Password != "" {
			t.Fatalf("saved as %s, password %q", a.Status, a.Password)
		}
		path := n.PublicPath(t, a)
		if res := editor.Get(t, path); res.Status != http.StatusOK || !strings.Contains(res.Body, "Private: Board minutes") || !strings.Contains(res.Body, "PRIVATEBODY") {
			t.Errorf("the editor's view: %d\n%s", res.Status, excerpt(res.Body))
		}
		if res := reader.Get(t, path); res.Status != http.StatusNotFound || strings.Contains(res.Body, "PRIVATEBODY") {
			t.Errorf("a reader's view: %d", res.Status)
		}
		form := editor.Get(t, editPath(id))
		if !strings.Contains(form.Body, `value="private" checked`) {
			t.Errorf("the editor does not show Private chosen:\n%s", excerptAround(form.Body, `name="visibility"`))
		}
		// A save without the choice (an older form) keeps it private.
		savedID(t, editor.Post(t, editPath(id), url.Values{"title": {"Board minutes"}, "body": {"PRIVATEBODY"}, "status": {"published"},
			"base_version": {itoa(n.FindArticle(t, id).Version)}}), "saved")
		if got := n.FindArticle(t, id); got.Status != communique.StatusPrivate {
			t.Errorf("an older form made it %s", got.Status)
		}

		// Password protected needs a password.
		res := editor.Post(t, editPath(id), url.Values{"title": {"Board minutes"}, "body": {"PRIVATEBODY"}, "status": {"published"},
			"visibility": {"password"}, "post_password": {""}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "needs a password") {
			t.Errorf("no password: %d\n%s", res.Status, excerptAround(res.Body, "post_password"))
		}
		savedID(t, editor.Post(t, editPath(id), url.Values{"title": {"Board minutes"}, "body": {"PRIVATEBODY"}, "status": {"published"},
			"visibility": {"password"}, "post_password": {"tide table"}}), "published")
		a = n.FindArticle(t, id)
		if a.Status != communique.StatusPublished || a.Password != "tide table" {
			t.Fatalf("protected: %s, %q", a.Status, a.Password)
		}
		page := reader.Get(t, n.PublicPath(t, a))
		if page.Status != http.StatusOK || !strings.Contains(page.Body, "Protected: Board minutes") || !strings.Contains(page.Body, `name="post_password"`) ||
			strings.Contains(page.Body, "PRIVATEBODY") || strings.Contains(page.Body, "tide table") {
			t.Errorf("a reader's view of the protected article: %d\n%s", page.Status, excerpt(page.Body))
		}
		form = editor.Get(t, editPath(id))
		if !strings.Contains(form.Body, `value="password" checked`) || !strings.Contains(form.Body, `value="tide table"`) {
			t.Errorf("the editor does not show the password:\n%s", excerptAround(form.Body, `name="post_password"`))
		}
		// Public again: the password goes.
		savedID(t, editor.Post(t, editPath(id), url.Values{"title": {"Board minutes"}, "body": {"PRIVATEBODY"}, "status": {"published"},
			"visibility": {"public"}, "post_password": {"tide table"}}), "published")
		if got := n.FindArticle(t, id); got.Password != "" || got.Status != communique.StatusPublished {
			t.Errorf("public again: %s, %q", got.Status, got.Password)
		}

		contributor := n.SignIn(t, communique.RoleContributor)
		if form := contributor.Get(t, "/admin/posts/new"); !strings.Contains(form.Body, `name="visibility"`) || strings.Contains(form.Body, `value="private"`) {
			t.Errorf("a contributor's choices:\n%s", excerptAround(form.Body, `name="visibility"`))
		}
		if res := contributor.Post(t, "/admin/posts/new", url.Values{"title": {"Mine"}, "body": {"x"}, "status": {"draft"}, "visibility": {"private"}}); res.Status != http.StatusForbidden {
			t.Errorf("a contributor making it private: %d", res.Status)
		}
	})
}
