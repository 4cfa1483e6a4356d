package admin_test

import (
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestNewsroomLanguage: a newsroom member who chooses Arabic on their
// profile gets the editor in Arabic, the document marked so, while a
// colleague keeps the site's English; an article's own language is
// saved from the editor and shown on the site.
func TestNewsroomLanguage(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ed := n.SignIn(t, communique.RoleEditor)
		res := ed.Post(t, "/admin/profile", url.Values{"display_name": {"Edna"}, "email": {n.Users[communique.RoleEditor].Email}, "language": {"ar"}})
		if res.Status != 303 {
			t.Fatalf("profile: %d %s", res.Status, res.Message())
		}
		if u, _ := n.DB.FindUserByID(t.Context(), n.Users[communique.RoleEditor].ID); u.Language != "ar" {
			t.Fatalf("language saved as %q", u.Language)
		}
		page := ed.Get(t, "/admin/posts/new")
		for _, want := range []string{`<html lang="ar" dir="rtl">`, "مقال جديد", "العنوان", "احفظ", "لغة هذا المقال", "غرفة الأخبار"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the Arabic editor lacks %q", want)
			}
		}
		if strings.Contains(page.Body, ">Save<") {
			t.Error("the Arabic editor still says Save")
		}
		other := n.SignIn(t, communique.RoleAuthor)
		if page := other.Get(t, "/admin/posts/new"); !strings.Contains(page.Body, `<html lang="en" dir="ltr">`) || !strings.Contains(page.Body, "New article") {
			t.Errorf("the author's editor is not in the site's English:\n%s", excerpt(page.Body))
		}

		res = ed.Post(t, "/admin/posts/new", url.Values{"type": {"post"}, "title": {"Bonjour"}, "body": {"Texte."}, "format": {"markdown"},
			"status": {"published"}, "lang": {"fr"}})
		if res.Status != 303 {
			t.Fatalf("save: %d %s", res.Status, res.Message())
		}
		list, _, _ := n.DB.FindArticles(t.Context(), communique.ArticleFilter{})
		var a *communique.Article
		for _, x := range list {
			if x.Title == "Bonjour" {
				a = x
			}
		}
		if a == nil || a.Lang != "fr" {
			t.Fatalf("the article's language was not saved: %+v", a)
		}
	})
}
