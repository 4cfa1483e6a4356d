package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"communique"
	"communique/i18n"
	"communique/internal/httpkit"
)

//go:embed templates static
var embedded embed.FS

// pageViews are the templates each page is made of, besides the layout.
// They are parsed at start so a missing or broken view fails the boot.
var pageViews = []string{"front", "list", "article", "page", "notfound", "error", "setup", "comment_edit", "search", "subscription", "comment_report", "corrections_page"}

// partialViews are templates shared by several pages.
var partialViews = []string{"discussion", "webmentions", "corrections", "cards", "liveblog", "postpass"}

// loadViews parses the pages and reads the static files, from the theme
// folder where it has them and from the embedded default theme otherwise.
func loadViews(themeDir string, messages *i18n.Catalog) (*httpkit.Views, *httpkit.Assets, error) {
	theme, err := httpkit.NewOverlay(themeDir, embedded)
	if err != nil {
		return nil, nil, err
	}
	assets, err := httpkit.LoadAssets(theme, "static", "/static/")
	if err != nil {
		return nil, nil, err
	}
	thumb, err := assets.URL("embed.svg")
	if err != nil {
		return nil, nil, err
	}
	funcs := template.FuncMap{
		"asset":   assets.URL,
		"dir":     communique.TextDirection,
		"trusted": func(s string) template.HTML { return template.HTML(s) }, // only for HTML sanitized before storage
		// body is an article's HTML, sanitized before storage, with its
		// embeds as click-to-load placeholders (embed.go).
		"body":    func(s string) template.HTML { return template.HTML(embedPlaceholders(s, thumb)) },
		"year":    func() int { return time.Now().Year() },
		"inc":     func(i int) int { return i + 1 },
		"cardFor": func(v *articleView, lead, eager bool) cardData { return cardData{v, lead, eager} },
		// HTML to place inside a sentence of the catalogue with th.
		"link":   linkHTML,
		"strong": func(s string) template.HTML { return wrapHTML("strong", s) },
		"bold":   func(s string) template.HTML { return wrapHTML("b", s) },
		// bdi isolates a reader's words (a name, a title, a query) inside a
		// sentence, so a right-to-left name cannot reorder the words around
		// it; boldName is a name in bold, isolated.
		"bdi":            func(s string) template.HTML { return wrapHTML("bdi", s) },
		"boldName":       func(s string) template.HTML { return "<b>" + wrapHTML("bdi", s) + "</b>" },
		"code":           func(s string) template.HTML { return wrapHTML("code", s) },
		"required":       func() template.HTML { return `<span class="required">*</span>` },
		"requiredHidden": func() template.HTML { return `<span class="required" aria-hidden="true">*</span>` },
		"timeHTML": func(iso, text string) template.HTML {
			return template.HTML(`<time datetime="` + template.HTMLEscapeString(iso) + `">` + template.HTMLEscapeString(text) + `</time>`)
		},
	}
	for k, f := range localFuncs(messages.For(i18n.Default)) {
		funcs[k] = f
	}
	views, err := httpkit.ParseViews(theme, funcs, partialViews, pageViews)
	if err != nil {
		return nil, nil, fmt.Errorf("theme: %w", err)
	}
	views.Localize(func(lang string) template.FuncMap { return localFuncs(messages.For(lang)) })
	return views, assets, nil
}

// render answers with a page. A page that fails to render becomes the
// error page (logged), and a failing error page a plain 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.views.RenderIn(s.lang(data), w, r, status, name, data); err != nil {
		if name != "error" {
			s.renderError(w, r, err)
			return
		}
		s.logger.Error("render", "view", name, "err", err)
		http.Error(w, httpkit.InternalMessage, http.StatusInternalServerError)
	}
}

// lang is the catalogue language of a page: the site's, from the
// settings the page was made with (no second look at the store).
func (s *Server) lang(data any) string {
	if p, ok := data.(interface{ siteLanguage() string }); ok {
		return s.messages.Match(p.siteLanguage())
	}
	return i18n.Default
}

// siteLanguage is the language the page is written in.
func (p pageData) siteLanguage() string {
	if p.Site == nil {
		return ""
	}
	return p.Site.Language
}

type errorPage struct {
	pageData
	Status  int
	Message string
}

// renderError answers with the error page, or the not-found page, as
// httpkit's table says; an internal error's text goes to the log only.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		s.notFound(w, r)
		return
	}
	status, msg, answered := s.errs.Explain(w, r, err)
	if answered {
		return
	}
	data := errorPage{Status: status, Message: msg}
	s.fillPage(r, &data.pageData, http.StatusText(status))
	data.NoIndex = true
	s.render(w, r, status, "error", data)
}

// cardData is what the "card" template shows: an article, large or not,
// loaded at once or lazily.
type cardData struct {
	View  *articleView
	Lead  bool
	Eager bool
}

// localFuncs are the template functions of one language: the
// catalogue's (t, tn, th…) and the lists of links sentences hold.
func localFuncs(l *i18n.Localizer) template.FuncMap {
	funcs := l.Funcs()
	funcs["bylines"] = func(bs []link) template.HTML {
		items := make([]template.HTML, len(bs))
		for i, b := range bs {
			items[i] = template.HTML(`<a rel="author" href="` + template.HTMLEscapeString(b.URL) + `" dir="auto">` + template.HTMLEscapeString(b.Label) + `</a>`)
		}
		return l.ListHTML(items)
	}
	funcs["links"] = func(ls []link) template.HTML {
		items := make([]template.HTML, len(ls))
		for i, k := range ls {
			items[i] = linkHTML(k.URL, k.Label)
		}
		return l.CommaHTML(items)
	}
	return funcs
}

// linkHTML is a link for a sentence; an address that is not the site's
// own or the web's leads nowhere.
func linkHTML(url, label string) template.HTML {
	if !strings.HasPrefix(url, "/") && !strings.HasPrefix(url, "#") && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		url = "#"
	}
	return template.HTML(`<a href="` + template.HTMLEscapeString(url) + `">` + template.HTMLEscapeString(label) + `</a>`)
}

// wrapHTML is text in one element.
func wrapHTML(tag, text string) template.HTML {
	return template.HTML("<" + tag + ">" + template.HTMLEscapeString(text) + "</" + tag + ">")
}
