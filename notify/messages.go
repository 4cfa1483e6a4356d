package notify

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode"
)

// texts are the words of every message in one language. Messages are
// written in the site's language (the "language" setting), falling back
// to English for a language without texts.
type texts struct {
	Lang string

	ModerateSubject string // site, title
	ModerateIntro   string // title
	ModerateWaiting string // count
	ModerateAction  string
	ModerateEdit    string

	AuthorSubject string // site, title
	AuthorIntro   string // name, title

	FollowSubject string // site, title
	FollowIntro   string // name, title

	PostSubject string // site, title
	PostIntro   string // site

	ConfirmSubject  string // site
	ConfirmIntro    string // site
	ConfirmComments string // title
	ConfirmPosts    string
	ConfirmAction   string
	ConfirmIgnore   string

	ResetSubject string // site
	ResetIntro   string // login, site
	ResetAction  string
	ResetIgnore  string

	EmailChangeSubject  string // site
	EmailChangeIntro    string // login, site, new address
	EmailChangeAction   string
	EmailChangeIgnore   string
	EmailChangedSubject string // site
	EmailChangedIntro   string // login, site, new address
	EmailChangedNotYou  string

	Author, Email, Website, IP string
	ViewComment, ReadArticle   string
	Unsubscribe, Manage        string
	Why                        string // site
}

var catalog = map[string]*texts{
	"en": {
		Lang:                "en",
		ModerateSubject:     "[%s] Please moderate: “%s”",
		ModerateIntro:       "A new comment on the article “%s” is waiting for your approval.",
		ModerateWaiting:     "Comments waiting for approval: %d.",
		ModerateAction:      "Moderate comments",
		ModerateEdit:        "Edit this comment",
		AuthorSubject:       "[%s] Comment: “%s”",
		AuthorIntro:         "%s commented on your article “%s”:",
		FollowSubject:       "[%s] New comment on “%s”",
		FollowIntro:         "%s commented on “%s”:",
		PostSubject:         "[%s] %s",
		PostIntro:           "A new article was published on %s:",
		ConfirmSubject:      "[%s] Please confirm your subscription",
		ConfirmIntro:        "Someone, probably you, asked to receive emails from %s about:",
		ConfirmComments:     "new comments on “%s”",
		ConfirmPosts:        "new articles",
		ConfirmAction:       "Confirm my subscription",
		ConfirmIgnore:       "If it was not you, ignore this email: nothing will be sent to you without this confirmation.",
		ResetSubject:        "[%s] Password reset",
		ResetIntro:          "Someone asked to reset the password of the account “%s” on %s. To choose a new password, open this link:",
		ResetAction:         "Choose a new password",
		ResetIgnore:         "The link works once, within one hour. If you did not ask for it, ignore this email and your password stays as it is.",
		EmailChangeSubject:  "[%s] Confirm your new email address",
		EmailChangeIntro:    "The account “%s” on %s asked to use %s as its email address. To confirm, open this link while signed in:",
		EmailChangeAction:   "Confirm the new address",
		EmailChangeIgnore:   "The link works for a day. If you did not ask for it, ignore this email: nothing changes.",
		EmailChangedSubject: "[%s] Your email address was changed",
		EmailChangedIntro:   "The email address of the account “%s” on %s is now %s.",
		EmailChangedNotYou:  "If you did not do this, someone knows your password: reset it from the sign-in page and tell the site's administrator.",
		Author:              "Author", Email: "Email", Website: "Website", IP: "IP address",
		ViewComment: "See the comment", ReadArticle: "Read the article",
		Unsubscribe: "Unsubscribe", Manage: "Manage your subscriptions",
		Why: "You receive this email because you subscribed on %s.",
	},
	"fr": {
		Lang:                "fr",
		ModerateSubject:     "[%s] À modérer : « %s »",
		ModerateIntro:       "Un nouveau commentaire sur l’article « %s » attend votre approbation.",
		ModerateWaiting:     "Commentaires en attente d’approbation : %d.",
		ModerateAction:      "Modérer les commentaires",
		ModerateEdit:        "Modifier ce commentaire",
		AuthorSubject:       "[%s] Commentaire : « %s »",
		AuthorIntro:         "%s a commenté votre article « %s » :",
		FollowSubject:       "[%s] Nouveau commentaire sur « %s »",
		FollowIntro:         "%s a commenté « %s » :",
		PostSubject:         "[%s] %s",
		PostIntro:           "Un nouvel article a été publié sur %s :",
		ConfirmSubject:      "[%s] Merci de confirmer votre abonnement",
		ConfirmIntro:        "Quelqu’un, sans doute vous, a demandé à recevoir des courriels de %s à propos de :",
		ConfirmComments:     "nouveaux commentaires sur « %s »",
		ConfirmPosts:        "nouveaux articles",
		ConfirmAction:       "Confirmer mon abonnement",
		ConfirmIgnore:       "Si ce n’était pas vous, ignorez ce courriel : rien ne vous sera envoyé sans cette confirmation.",
		ResetSubject:        "[%s] Réinitialisation du mot de passe",
		ResetIntro:          "Quelqu’un a demandé à réinitialiser le mot de passe du compte « %s » sur %s. Pour choisir un nouveau mot de passe, ouvrez ce lien :",
		ResetAction:         "Choisir un nouveau mot de passe",
		ResetIgnore:         "Le lien ne sert qu’une fois, dans l’heure. Si vous n’avez rien demandé, ignorez ce courriel : votre mot de passe ne change pas.",
		EmailChangeSubject:  "[%s] Confirmez votre nouvelle adresse électronique",
		EmailChangeIntro:    "Le compte « %s » sur %s a demandé à utiliser l’adresse %s. Pour confirmer, ouvrez ce lien en étant connecté :",
		EmailChangeAction:   "Confirmer la nouvelle adresse",
		EmailChangeIgnore:   "Le lien sert pendant une journée. Si vous n’avez rien demandé, ignorez ce courriel : rien ne change.",
		EmailChangedSubject: "[%s] Votre adresse électronique a changé",
		EmailChangedIntro:   "L’adresse du compte « %s » sur %s est désormais %s.",
		EmailChangedNotYou:  "Si ce n’est pas vous, quelqu’un connaît votre mot de passe : réinitialisez-le depuis la page de connexion et prévenez l’administrateur du site.",
		Author:              "Auteur", Email: "Courriel", Website: "Site web", IP: "Adresse IP",
		ViewComment: "Voir le commentaire", ReadArticle: "Lire l’article",
		Unsubscribe: "Se désabonner", Manage: "Gérer vos abonnements",
		Why: "Vous recevez ce courriel parce que vous vous êtes abonné sur %s.",
	},
	"de": {
		Lang:                "de",
		ModerateSubject:     "[%s] Bitte moderieren: „%s“",
		ModerateIntro:       "Ein neuer Kommentar zum Artikel „%s“ wartet auf Freigabe.",
		ModerateWaiting:     "Kommentare, die auf Freigabe warten: %d.",
		ModerateAction:      "Kommentare moderieren",
		ModerateEdit:        "Diesen Kommentar bearbeiten",
		AuthorSubject:       "[%s] Kommentar: „%s“",
		AuthorIntro:         "%s hat Ihren Artikel „%s“ kommentiert:",
		FollowSubject:       "[%s] Neuer Kommentar zu „%s“",
		FollowIntro:         "%s hat „%s“ kommentiert:",
		PostSubject:         "[%s] %s",
		PostIntro:           "Auf %s wurde ein neuer Artikel veröffentlicht:",
		ConfirmSubject:      "[%s] Bitte bestätigen Sie Ihr Abonnement",
		ConfirmIntro:        "Jemand, wahrscheinlich Sie, möchte E-Mails von %s erhalten über:",
		ConfirmComments:     "neue Kommentare zu „%s“",
		ConfirmPosts:        "neue Artikel",
		ConfirmAction:       "Abonnement bestätigen",
		ConfirmIgnore:       "Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Ohne Bestätigung wird Ihnen nichts geschickt.",
		ResetSubject:        "[%s] Passwort zurücksetzen",
		ResetIntro:          "Jemand möchte das Passwort des Kontos „%s“ auf %s zurücksetzen. Um ein neues Passwort zu wählen, öffnen Sie diesen Link:",
		ResetAction:         "Neues Passwort wählen",
		ResetIgnore:         "Der Link funktioniert einmal, innerhalb einer Stunde. Falls Sie nichts angefordert haben, ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.",
		EmailChangeSubject:  "[%s] Bestätigen Sie Ihre neue E-Mail-Adresse",
		EmailChangeIntro:    "Das Konto „%s“ auf %s möchte die Adresse %s verwenden. Zum Bestätigen öffnen Sie diesen Link, während Sie angemeldet sind:",
		EmailChangeAction:   "Neue Adresse bestätigen",
		EmailChangeIgnore:   "Der Link funktioniert einen Tag lang. Falls Sie nichts angefordert haben, ignorieren Sie diese E-Mail; es ändert sich nichts.",
		EmailChangedSubject: "[%s] Ihre E-Mail-Adresse wurde geändert",
		EmailChangedIntro:   "Die E-Mail-Adresse des Kontos „%s“ auf %s lautet jetzt %s.",
		EmailChangedNotYou:  "Falls Sie das nicht waren, kennt jemand Ihr Passwort: Setzen Sie es auf der Anmeldeseite zurück und informieren Sie die Administration der Website.",
		Author:              "Autor", Email: "E-Mail", Website: "Website", IP: "IP-Adresse",
		ViewComment: "Kommentar ansehen", ReadArticle: "Artikel lesen",
		Unsubscribe: "Abbestellen", Manage: "Abonnements verwalten",
		Why: "Sie erhalten diese E-Mail, weil Sie sich auf %s angemeldet haben.",
	},
	"es": {
		Lang:                "es",
		ModerateSubject:     "[%s] Por favor, modera: «%s»",
		ModerateIntro:       "Un nuevo comentario en el artículo «%s» espera tu aprobación.",
		ModerateWaiting:     "Comentarios pendientes de aprobación: %d.",
		ModerateAction:      "Moderar comentarios",
		ModerateEdit:        "Editar este comentario",
		AuthorSubject:       "[%s] Comentario: «%s»",
		AuthorIntro:         "%s comentó tu artículo «%s»:",
		FollowSubject:       "[%s] Nuevo comentario en «%s»",
		FollowIntro:         "%s comentó «%s»:",
		PostSubject:         "[%s] %s",
		PostIntro:           "Se publicó un nuevo artículo en %s:",
		ConfirmSubject:      "[%s] Confirma tu suscripción",
		ConfirmIntro:        "Alguien, probablemente tú, pidió recibir correos de %s sobre:",
		ConfirmComments:     "nuevos comentarios en «%s»",
		ConfirmPosts:        "nuevos artículos",
		ConfirmAction:       "Confirmar mi suscripción",
		ConfirmIgnore:       "Si no fuiste tú, ignora este correo: no se te enviará nada sin esta confirmación.",
		ResetSubject:        "[%s] Restablecer la contraseña",
		ResetIntro:          "Alguien pidió restablecer la contraseña de la cuenta «%s» en %s. Para elegir una nueva contraseña, abre este enlace:",
		ResetAction:         "Elegir una nueva contraseña",
		ResetIgnore:         "El enlace sirve una sola vez, durante una hora. Si no lo pediste, ignora este correo y tu contraseña no cambiará.",
		EmailChangeSubject:  "[%s] Confirma tu nueva dirección de correo",
		EmailChangeIntro:    "La cuenta «%s» en %s pidió usar la dirección %s. Para confirmarlo, abre este enlace con la sesión iniciada:",
		EmailChangeAction:   "Confirmar la nueva dirección",
		EmailChangeIgnore:   "El enlace sirve durante un día. Si no lo pediste, ignora este correo: no cambia nada.",
		EmailChangedSubject: "[%s] Tu dirección de correo ha cambiado",
		EmailChangedIntro:   "La dirección de la cuenta «%s» en %s es ahora %s.",
		EmailChangedNotYou:  "Si no fuiste tú, alguien conoce tu contraseña: restablécela desde la página de acceso y avisa al administrador del sitio.",
		Author:              "Autor", Email: "Correo", Website: "Sitio web", IP: "Dirección IP",
		ViewComment: "Ver el comentario", ReadArticle: "Leer el artículo",
		Unsubscribe: "Darse de baja", Manage: "Gestionar tus suscripciones",
		Why: "Recibes este correo porque te suscribiste en %s.",
	},
}

// textsFor returns the texts of a BCP 47 language ("fr-CA" uses "fr").
func textsFor(lang string) *texts {
	lang = strings.ToLower(lang)
	if t, ok := catalog[lang]; ok {
		return t
	}
	if base, _, ok := strings.Cut(lang, "-"); ok {
		if t, ok := catalog[base]; ok {
			return t
		}
	}
	return catalog["en"]
}

// content is what a message says, rendered once as text and once as HTML
// from the same data so the two parts never disagree.
type content struct {
	Lang    string
	Site    string
	SiteURL string
	Intro   []string
	Quote   string // a comment's text or an article's summary, as typed
	Details []detail
	Action  link
	Links   []link
	Notes   []string
	// Unsubscribe and Manage close messages sent to subscribers.
	Unsubscribe, Manage link
	Why                 string
}

type detail struct{ Label, Value string }

type link struct{ Label, URL string }

var textTemplate = texttemplate.Must(texttemplate.New("text").Parse(`{{range .Intro}}{{.}}

{{end}}{{with .Quote}}{{.}}

{{end}}{{range .Details}}{{.Label}}: {{.Value}}
{{end}}{{if .Details}}
{{end}}{{with .Action.URL}}{{$.Action.Label}}:
{{.}}

{{end}}{{range .Links}}{{.Label}}:
{{.URL}}

{{end}}{{range .Notes}}{{.}}

{{end}}-- 
{{.Site}} {{.SiteURL}}
{{with .Why}}{{.}}
{{end}}{{with .Manage.URL}}{{$.Manage.Label}}: {{.}}
{{end}}{{with .Unsubscribe.URL}}{{$.Unsubscribe.Label}}: {{.}}
{{end}}`))

var htmlTemplate = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Site}}</title></head>
<body style="margin:0;padding:24px;background:#f6f6f4;color:#1d1d1b;font:16px/1.5 Georgia,serif">
<div style="max-width:36rem;margin:0 auto;background:#fff;padding:24px;border:1px solid #ddd">
{{range .Intro}}<p>{{.}}</p>
{{end}}{{with .Quote}}<blockquote style="margin:0 0 1em;padding:0 0 0 1em;border-left:3px solid #ccc;white-space:pre-wrap">{{.}}</blockquote>
{{end}}{{if .Details}}<table style="border-collapse:collapse;margin:0 0 1em">{{range .Details}}<tr><th style="text-align:left;padding:2px 12px 2px 0;font-weight:normal;color:#666">{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{end}}{{with .Action.URL}}<p><a href="{{.}}" style="display:inline-block;padding:10px 18px;background:#1d1d1b;color:#fff;text-decoration:none;border-radius:4px">{{$.Action.Label}}</a></p>
{{end}}{{range .Links}}<p><a href="{{.URL}}">{{.Label}}</a></p>
{{end}}{{range .Notes}}<p style="color:#666;font-size:14px">{{.}}</p>
{{end}}</div>
<p style="max-width:36rem;margin:12px auto;color:#666;font-size:13px"><a href="{{.SiteURL}}" style="color:#666">{{.Site}}</a>{{with .Why}}<br>{{.}}{{end}}{{with .Manage.URL}}<br><a href="{{.}}" style="color:#666">{{$.Manage.Label}}</a>{{end}}{{with .Unsubscribe.URL}} · <a href="{{.}}" style="color:#666">{{$.Unsubscribe.Label}}</a>{{end}}</p>
</body>
</html>
`))

// render returns the text and HTML parts.
func (c *content) render() (string, string, error) {
	var t, h bytes.Buffer
	if err := textTemplate.Execute(&t, c); err != nil {
		return "", "", err
	}
	if err := htmlTemplate.Execute(&h, c); err != nil {
		return "", "", err
	}
	return t.String(), h.String(), nil
}

// oneLine makes text from the store fit in a header: control characters
// and line breaks become spaces, runs of spaces one. The mail package
// refuses a header with a line break anyway; this keeps an odd title from
// stopping a message.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 150 {
		s = string([]rune(s)[:149]) + "…"
	}
	return s
}
