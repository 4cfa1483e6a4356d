package web

import (
	"net/http"
	"strings"

	"communique"
	"communique/activitypub"
)

// Federation answers the fediverse beside the pages (activitypub.Service):
// its own routes, and the ActivityStreams answers of the site's, the
// authors' and the articles' URLs.
type Federation interface {
	Register(mux *http.ServeMux)
	ServeActor(w http.ResponseWriter, r *http.Request, username string) bool
	ServeArticle(w http.ResponseWriter, r *http.Request, a *communique.Article) bool
}

// negotiate answers a request for ActivityStreams on a page's URL with
// the actor or article it shows, before the page cache: the cache only
// ever holds HTML, and pages say Vary: Accept.
func (s *Server) negotiate(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.fed == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !activitypub.Wants(r) || !s.serveActivity(w, r) {
			next(w, r)
			return
		}
		noteNotPage(w)
	}
}

// serveActivity finds what the path shows and lets the federation answer
// it; false when it is not something that federates.
func (s *Server) serveActivity(w http.ResponseWriter, r *http.Request) bool {
	p := r.URL.Path
	if p == "/" {
		return s.fed.ServeActor(w, r, activitypub.SiteActor)
	}
	if !communique.ValidText(p) || len(p) > 2048 || !strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return false
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) == 2 && segs[0] == "author" {
		return s.fed.ServeActor(w, r, segs[1])
	}
	st, err := s.loadSite(r)
	if err != nil {
		return false
	}
	if m, ok := st.settings.Permalink.Match(segs); ok {
		if a := s.findPost(r.Context(), m); a != nil {
			return s.fed.ServeArticle(w, r, a)
		}
	}
	return false
}
