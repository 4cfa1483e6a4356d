package notify

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"unicode"
)

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
