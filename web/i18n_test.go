package web_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

// TestFrenchSite switches a site to French (site_language) and reads it
// as a French reader would: the article page with its plural counts,
// French month names and the reply form's words, a refused comment's
// errors, the confirmation email and the feeds.
func TestFrenchSite(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		s := newNotifySite(t, db)
		MustSet(t, db, "site_language", "fr-FR")
		MustSet(t, db, "date_format", "j F Y")
		MustSet(t, db, "time_format", "H:i")
		if st, _ := db.Settings(context.Background()); communique.ParseSettings(st).Language != "fr-FR" {
			t.Fatalf("site_language did not set the site's language: %v", st["language"])
		}
		author := storetest.MustCreateUser(t, db, "redaction", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Le pont rouvre", "Le quai est fermé.")
		path := communique.ArticlePath(a, communique.ParseSettings(nil), nil)

		page := do(t, s.client, http.MethodGet, s.URL+path, nil, nil)
		contains(t, "the empty article", page.Body,
			`<html lang="fr-FR"`, "Laisser un commentaire", "Votre adresse e-mail ne sera pas publiée.",
			"Les champs obligatoires sont indiqués avec", "Publier le commentaire", "Aucun commentaire pour l’instant",
			"juin 2026", "Me prévenir par e-mail des nouveaux commentaires.")
		absent(t, "the empty article", page.Body, "Leave a Reply", "Post Comment", "June")
		// The reply script's headings come from the page, in French.
		contains(t, "the reply script", page.Body, `data-reply-to="Répondre à %s"`, `data-home-title="Laisser un commentaire"`)

		s.comment(t, path, "Lectrice", "lectrice@example.org", "Enfin !", "subscribe_comments")
		page = do(t, s.client, http.MethodGet, s.URL+path, nil, nil)
		contains(t, "one comment", page.Body, "1 commentaire sur « <bdi>Le pont rouvre</bdi> »", "1 juin 2026 à 12:00", "Répondre")
		s.comment(t, path, "Lecteur", "lecteur@example.org", "Il était temps.")
		page = do(t, s.client, http.MethodGet, s.URL+path, nil, nil)
		contains(t, "two comments", page.Body, "2 commentaires sur « <bdi>Le pont rouvre</bdi> »", "· <a href=\"#comments\">2 commentaires</a>")

		t.Run("RefusedComment", func(t *testing.T) {
			jar, _ := cookiejar.New(nil)
			browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
			form := do(t, browser, http.MethodGet, s.URL+path, nil, nil)
			token := formTokenPattern.FindStringSubmatch(form.Body)
			id := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindStringSubmatch(form.Body)
			res := do(t, browser, http.MethodPost, s.URL+"/comments", strings.NewReader(url.Values{
				"comment_post_ID": {id[1]}, "comment_token": {token[1]}, "author": {"Lectrice"}, "email": {"lectrice@example.org"}}.Encode()),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			contains(t, "the refused comment", res.Body, "Votre commentaire n’a pas été publié", "Écrivez votre commentaire.",
				"Vérifiez les champs signalés.", "Tout ce que vous avez écrit est encore dans le formulaire ci-dessous.")
			absent(t, "the refused comment", res.Body, "Please type your comment.")
		})

		t.Run("Email", func(t *testing.T) {
			s.deliver(t)
			msgs := s.smtp.Wait(t, 1, 5*time.Second)
			var got string
			for _, m := range msgs {
				if m.To[0] == "lectrice@example.org" {
					r := m.Read(t)
					if r.Header.Get("Content-Language") != "fr" {
						t.Errorf("Content-Language %q", r.Header.Get("Content-Language"))
					}
					got = r.Subject + "\n" + r.Text
				}
			}
			contains(t, "the confirmation email", got, "Merci de confirmer votre abonnement", "nouveaux commentaires sur « Le pont rouvre »",
				"Confirmer mon abonnement")
		})

		t.Run("Feeds", func(t *testing.T) {
			feed := do(t, s.client, http.MethodGet, s.URL+"/feed/", nil, nil)
			contains(t, "the feed", feed.Body, "<language>fr-FR</language>", "Le pont rouvre")
			comments := do(t, s.client, http.MethodGet, s.URL+path+"feed/", nil, nil)
			contains(t, "the article's comments feed", comments.Body, "Commentaires sur : Le pont rouvre", "Par : Lectrice",
				"<language>fr-FR</language>")
			all := do(t, s.client, http.MethodGet, s.URL+"/comments/feed/", nil, nil)
			contains(t, "the comments feed", all.Body, "Commentaire sur Le pont rouvre par Lecteur")
			absent(t, "the comments feed", all.Body+comments.Body, "Comments on", "By: ")
		})

		t.Run("ArticleLanguage", func(t *testing.T) {
			other := storetest.MustCreateArticle(t, db, author, "Bridge reopens", "The quay is shut.")
			en := "en-GB"
			if _, err := articles.New(db).Update(context.Background(), articles.System, other.ID, communique.ArticleUpdate{Lang: &en}); err != nil {
				t.Fatal(err)
			}
			page := do(t, s.client, http.MethodGet, s.URL+communique.ArticlePath(other, communique.ParseSettings(nil), nil), nil, nil)
			contains(t, "an English article on the French site", page.Body, `<html lang="fr-FR"`, `<article class="article" lang="en-GB">`,
				`"inLanguage":"en-GB"`)
			front := do(t, s.client, http.MethodGet, s.URL+"/", nil, nil)
			contains(t, "the front page", front.Body, `lang="en-GB"`)
		})

		t.Run("Archive", func(t *testing.T) {
			month := do(t, s.client, http.MethodGet, s.URL+"/2026/06/", nil, nil)
			contains(t, "the month's archive", month.Body, "juin 2026")
		})
	}, atFixedNow)
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, excerpt(body))
		}
	}
}

func absent(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s still says %q", what, w)
		}
	}
}
