package wpapi

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"communique"
)

// Allow, as WordPress sends it: the methods of the matched route that
// the current caller may use, so clients (core-data's canUser) know what
// to offer. It goes with every answer of a route that exists, refusals
// included.

// allowWriter adds Allow as the answer starts, and the link to the
// index where no other Link was set (WordPress's paging links replace
// it).
type allowWriter struct {
	http.ResponseWriter
	allow       func() string
	index       string
	wroteHeader bool
}

func (a *allowWriter) WriteHeader(status int) {
	if !a.wroteHeader {
		if v := a.allow(); v != "" {
			a.Header().Set("Allow", v)
		}
	}
	if !a.wroteHeader && a.Header().Get("Link") == "" {
		a.Header().Set("Link", "<"+a.index+`>; rel="https://api.w.org/"`)
	}
	a.wroteHeader = true
	a.ResponseWriter.WriteHeader(status)
}

func (a *allowWriter) Write(p []byte) (int, error) {
	if !a.wroteHeader {
		a.WriteHeader(http.StatusOK)
	}
	return a.ResponseWriter.Write(p)
}

// allowed lists the methods of r's route that c may use.
func (s *Server) allowed(r *http.Request, c *caller) string {
	var out []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.routes.Handler(probe); pattern == "" || pattern == "/wp-json/" || !strings.HasPrefix(pattern, m+" ") {
			continue
		}
		if m == "GET" && (r.URL.Path != "/wp-json/wp/v2/settings" || communique.Can(c.User, communique.ActionManageSettings, nil)) ||
			m != "GET" && s.mayWrite(r, c, m) {
			out = append(out, m)
		}
	}
	return strings.Join(out, ", ")
}

// mayWrite is WordPress's permission check of a write route, for the
// caller: what the handler would refuse is left out.
func (s *Server) mayWrite(r *http.Request, c *caller, method string) bool {
	u := c.User
	if r.URL.Path == "/wp-json/batch/v1" {
		return true // each request in it is checked as if alone
	}
	if r.URL.Path == "/wp-json/communique/v1/breaking" {
		return communique.Can(u, communique.ActionArrangeFront, nil)
	}
	rest := strings.TrimPrefix(r.URL.Path, "/wp-json/wp/v2/")
	base, id, item := strings.Cut(rest, "/")
	if base == "comments" && !item && method == "POST" {
		return true // anyone may comment; the rules decide the rest
	}
	if u == nil {
		return false
	}
	switch base {
	case "posts", "pages":
		if !item {
			return canCreate(u, map[string]string{"posts": communique.TypePost, "pages": communique.TypePage}[base])
		}
		id, _, _ = strings.Cut(id, "/") // and its autosaves
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return false
		}
		a, err := s.store.FindArticleByID(r.Context(), n)
		if err != nil {
			return false
		}
		if method == "DELETE" {
			return communique.Can(u, communique.ActionDeleteArticle, a)
		}
		return communique.Can(u, communique.ActionEditArticle, a)
	case "categories", "tags", "menus", "menu-items":
		return communique.Can(u, communique.ActionManageTerms, nil)
	case "comments":
		return communique.Can(u, communique.ActionModerateComment, nil)
	case "media":
		return communique.Can(u, communique.ActionUploadMedia, nil)
	case "users":
		id, _, _ = strings.Cut(id, "/") // and their application passwords
		if id == "me" {
			return method != "DELETE"
		}
		return communique.Can(u, communique.ActionManageUsers, nil) || (item && id == itoa(u.ID) && method != "DELETE")
	case "settings":
		return communique.Can(u, communique.ActionManageSettings, nil)
	}
	return communique.Can(u, communique.ActionManageSettings, nil)
}

// indexRoute is a route of the index with its path as a pattern.
type indexRoute struct {
	route
	re *regexp.Regexp
}

var indexRoutes = sync.OnceValue(func() []indexRoute {
	var out []indexRoute
	for _, rt := range routes() {
		out = append(out, indexRoute{rt, regexp.MustCompile("^/wp-json" + rt.path + "$")})
	}
	return out
})

// handleOptions answers OPTIONS as WordPress does: the route's entry of
// the index (its methods and each endpoint's arguments) and the JSON
// schema of the resource it serves, with Allow for the caller.
func (s *Server) handleOptions(w http.ResponseWriter, r *http.Request, c *caller) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	if path == "/wp-json" {
		path = "/wp-json/"
	}
	for _, rt := range indexRoutes() {
		if rt.re.MatchString(path) || (rt.path == "/" && path == "/wp-json/") {
			w.Header().Set("Allow", s.allowed(r, c))
			j := rt.json(c)
			j.Schema = rt.schema.json()
			writeJSON(w, http.StatusOK, j)
			return
		}
	}
	s.fail(w, r, notFound("rest_no_route", "No route was found matching the URL and request method."))
}
