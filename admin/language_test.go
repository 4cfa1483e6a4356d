package admin_test

import (
	"net/url"
	"strconv"
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

// TestNewsroomInFrench: on a French site every newsroom page is in
// French, the document marked so, with counts in French plural forms;
// an Arabic member gets every page right to left. Each page renders
// (a template whose message takes the wrong type would fail here).
func TestNewsroomInFrench(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place, options{Fediverse: true})
		n.Set(t, "language", "fr")
		admin := n.SignIn(t, communique.RoleAdministrator)
		a := n.Article(t, n.Users[communique.RoleAdministrator], "Une", communique.StatusPublished)
		n.Article(t, n.Users[communique.RoleAdministrator], "Brouillon un", communique.StatusDraft)
		n.Article(t, n.Users[communique.RoleAdministrator], "Brouillon deux", communique.StatusDraft)
		c := n.Comment(t, a, "Un avis.", communique.CommentPending)
		n.Comment(t, a, "Un autre avis.", communique.CommentPending)

		login := n.Agent(t).Get(t, "/admin/login")
		for _, want := range []string{`<html lang="fr" dir="ltr">`, "Se connecter à la rédaction", "Identifiant ou e-mail", "Mot de passe oublié ?"} {
			if !strings.Contains(login.Body, want) {
				t.Errorf("the French sign-in page lacks %q", want)
			}
		}
		dash := admin.Get(t, "/admin/")
		for _, want := range []string{`<html lang="fr" dir="ltr">`, "<title>Tableau de bord ‹ rédaction de", "<h1>Tableau de bord</h1>",
			"2 commentaires attendent la modération", "2 brouillons", "1 publié", "Écrire un article", "Se déconnecter", "(administrateur)"} {
			if !strings.Contains(dash.Body, want) {
				t.Errorf("the French dashboard lacks %q:\n%s", want, excerpt(dash.Body))
			}
		}
		for _, english := range []string{"Needs attention", "Write an article", "2 drafts", "await moderation"} {
			if strings.Contains(dash.Body, english) {
				t.Errorf("the French dashboard still says %q", english)
			}
		}
		list := admin.Get(t, "/admin/posts")
		for _, want := range []string{"<h1>Articles</h1>", "3 éléments", "Pour la sélection", "Supprimer définitivement", "brouillon", "publié", "Page 1 sur 1"} {
			if !strings.Contains(list.Body, want) {
				t.Errorf("the French article list lacks %q", want)
			}
		}
		desk := admin.Get(t, "/admin/comments")
		for _, want := range []string{"<h1>Commentaires</h1>", "Approuver", "Indésirable", "les plus récents d’abord", "Répondre à Reader"} {
			if !strings.Contains(desk.Body, want) {
				t.Errorf("the French moderation desk lacks %q", want)
			}
		}
		set := admin.Get(t, "/admin/settings")
		for _, want := range []string{"<legend>Lecture</legend>", "Titre du site", "Fuseau horaire", "Fédérer avec le fédivers", "Enregistrer les réglages", "Courte description sous le titre"} {
			if !strings.Contains(set.Body, want) {
				t.Errorf("the French settings page lacks %q", want)
			}
		}
		if res := admin.Get(t, "/admin/posts?done=saved"); !strings.Contains(res.Body, `<p class="flash" role="status">Enregistré.</p>`) {
			t.Error("the notice after a save is not in French")
		}

		// Rows that only exist once made: a front-page zone with a pick,
		// a menu with an item, a live blog with an entry.
		id := strconv.FormatInt(a.ID, 10)
		for _, step := range []struct {
			path string
			form url.Values
		}{
			{"/admin/front/zones", url.Values{"kind": {"top"}, "title": {"À la une"}, "size": {"4"}, "fill": {"1"}, "section": {"0"}}},
			{"/admin/menus", url.Values{"name": {"Principal"}}},
			{"/admin/menus/principal/items", url.Values{"kind": {"custom"}, "label": {"Accueil"}, "url": {"/"}}},
			{"/admin/posts/" + id + "/live", url.Values{"action": {"start"}}},
			{"/admin/posts/" + id + "/live/entries", url.Values{"source": {"Le pont est ouvert."}, "key_event": {"1"}}},
		} {
			if res := admin.Post(t, step.path, step.form); res.Status != 303 {
				t.Fatalf("%s: %d %s", step.path, res.Status, res.Message())
			}
		}
		front := admin.Get(t, "/admin/front")
		for _, want := range []string{"1. Principaux titres : À la une", "Réglages de la zone", "Ajouter une zone"} {
			if !strings.Contains(front.Body, want) {
				t.Errorf("the French front-page desk lacks %q", want)
			}
		}
		pages := []string{"/admin/", "/admin/posts", "/admin/posts?type=page", "/admin/posts/new", "/admin/review", "/admin/comments",
			"/admin/comments?status=reported", "/admin/comments?status=spam", "/admin/moderation-log", "/admin/users", "/admin/users/new",
			"/admin/settings", "/admin/profile", "/admin/media", "/admin/privacy",
			"/admin/front", "/admin/menus", "/admin/fediverse", "/admin/signins",
			"/admin/posts/" + strconv.FormatInt(a.ID, 10) + "/edit", "/admin/posts/" + strconv.FormatInt(a.ID, 10) + "/revisions",
			"/admin/posts/" + strconv.FormatInt(a.ID, 10) + "/live", "/admin/comments/" + strconv.FormatInt(c.ID, 10) + "/edit",
			"/admin/commenters?email=reader@mail.example", "/admin/users/" + strconv.FormatInt(n.Users[communique.RoleEditor].ID, 10),
			"/admin/posts/999999/edit"}
		for _, lang := range []struct{ tag, html string }{{"fr", `<html lang="fr" dir="ltr">`}, {"ar", `<html lang="ar" dir="rtl">`}} {
			if lang.tag == "ar" {
				res := admin.Post(t, "/admin/profile", url.Values{"display_name": {"Root"}, "email": {n.Users[communique.RoleAdministrator].Email}, "language": {"ar"}})
				if res.Status != 303 {
					t.Fatalf("profile: %d %s", res.Status, res.Message())
				}
			}
			for _, p := range pages {
				page := admin.Get(t, p)
				if page.Status != 200 && !(p == "/admin/posts/999999/edit" && page.Status == 404) {
					t.Errorf("%s %s: %d", lang.tag, p, page.Status)
					continue
				}
				if !strings.Contains(page.Body, lang.html) {
					t.Errorf("%s %s is not marked %s", lang.tag, p, lang.html)
				}
				if strings.Contains(page.Body, "%!") {
					t.Errorf("%s %s: a message lacks an argument: %s", lang.tag, p, excerptAround(page.Body, "%!"))
				}
			}
		}
		if page := admin.Get(t, "/admin/posts/999999/edit"); !strings.Contains(page.Body, "غير موجود") || !strings.Contains(page.Body, "لم يُعثر على المقال.") {
			t.Errorf("the Arabic error page is not in Arabic:\n%s", excerpt(page.Body))
		}
	})
}
