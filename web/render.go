package web

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"communique"
	"communique/internal/httpkit"
)

//go:embed templates static
var embedded embed.FS

// pageViews are the templates each page is made of, besides the layout.
// They are parsed at start so a missing or broken view fails the boot.
var pageViews = []string{"front", "list", "article", "page", "notfound", "error", "setup", "comment_edit", "search", "subscription", "comment_report", "corrections_page"}

// partialViews are templates shared by several pages.
var partialViews = []string{"discussion", "webmentions", "corrections", "cards"}

// loadViews parses the pages and reads the static files, from the theme
// folder where it has them and from the embedded default theme otherwise.
func loadViews(themeDir string) (*httpkit.Views, *httpkit.Assets, error) {
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
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
	}
	views, err := httpkit.ParseViews(theme, funcs, partialViews, pageViews)
	if err != nil {
		return nil, nil, fmt.Errorf("theme: %w", err)
	}
	return views, assets, nil
}

// render answers with a page. A page that fails to render becomes the
// error page (logged), and a failing error page a plain 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.views.Render(w, r, status, name, data); err != nil {
		if name != "error" {
			s.renderError(w, r, err)
			return
		}
		s.logger.Error("render", "view", name, "err", err)
		http.Error(w, httpkit.InternalMessage, http.StatusInternalServerError)
	}
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
