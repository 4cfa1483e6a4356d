package wpapi

import (
	"net/http"
	"strings"
	"time"

	"communique"
)

// register lists the API's routes: one block, as the site and the
// newsroom do.
func (s *Server) register() {
	m := s.routes
	m.HandleFunc("GET /wp-json/{$}", s.handleIndex)
	m.HandleFunc("GET /wp-json/wp/v2", s.handleNamespace("wp/v2"))
	m.HandleFunc("GET /wp-json/communique/v1", s.handleNamespace("communique/v1"))
	for _, typ := range []string{communique.TypePost, communique.TypePage} {
		base := "/wp-json/wp/v2/" + restBase(typ)
		m.HandleFunc("GET "+base, s.handlePostList(typ))
		m.HandleFunc("POST "+base, s.handlePostCreate(typ))
		m.HandleFunc("GET "+base+"/{id}", s.handlePostGet(typ))
		for _, method := range []string{"POST", "PUT", "PATCH"} {
			m.HandleFunc(method+" "+base+"/{id}", s.handlePostUpdate(typ))
		}
		m.HandleFunc("DELETE "+base+"/{id}", s.handlePostDelete(typ))
	}
	for _, base := range []string{"categories", "tags"} {
		path := "/wp-json/wp/v2/" + base
		m.HandleFunc("GET "+path, s.handleTermList(base))
		m.HandleFunc("POST "+path, s.handleTermCreate(base))
		m.HandleFunc("GET "+path+"/{id}", s.handleTermGet(base))
		m.HandleFunc("DELETE "+path+"/{id}", s.handleTermDelete(base))
		for _, method := range []string{"POST", "PUT", "PATCH"} {
			m.HandleFunc(method+" "+path+"/{id}", s.handleTermUpdate(base))
		}
	}
	m.HandleFunc("GET /wp-json/wp/v2/users", s.handleUserList)
	m.HandleFunc("GET /wp-json/wp/v2/users/me", s.handleUserMe)
	m.HandleFunc("GET /wp-json/wp/v2/users/{id}", s.handleUserGet)
	m.HandleFunc("POST /wp-json/wp/v2/users", s.handleUserCreate)
	for _, method := range []string{"POST", "PUT", "PATCH"} {
		m.HandleFunc(method+" /wp-json/wp/v2/users/{id}", s.handleUserUpdate)
		m.HandleFunc(method+" /wp-json/wp/v2/users/me", s.handleUserUpdate)
	}
	m.HandleFunc("DELETE /wp-json/wp/v2/users/{id}", s.handleUserDelete)
	m.HandleFunc("DELETE /wp-json/wp/v2/users/me", s.handleUserDelete)
	m.HandleFunc("GET /wp-json/wp/v2/comments", s.handleCommentList)
	m.HandleFunc("POST /wp-json/wp/v2/comments", s.handleCommentCreate)
	m.HandleFunc("GET /wp-json/wp/v2/comments/{id}", s.handleCommentGet)
	for _, method := range []string{"POST", "PUT", "PATCH"} {
		m.HandleFunc(method+" /wp-json/wp/v2/comments/{id}", s.handleCommentUpdate)
		m.HandleFunc(method+" /wp-json/wp/v2/media/{id}", s.handleMediaUpdate)
		m.HandleFunc(method+" /wp-json/wp/v2/settings", s.handleSettingsUpdate)
	}
	m.HandleFunc("DELETE /wp-json/wp/v2/comments/{id}", s.handleCommentDelete)
	m.HandleFunc("GET /wp-json/wp/v2/media", s.handleMediaList)
	m.HandleFunc("POST /wp-json/wp/v2/media", s.handleMediaCreate)
	m.HandleFunc("GET /wp-json/wp/v2/media/{id}", s.handleMediaGet)
	m.HandleFunc("DELETE /wp-json/wp/v2/media/{id}", s.handleMediaDelete)
	m.HandleFunc("GET /wp-json/wp/v2/search", s.handleSearch)
	m.HandleFunc("GET /wp-json/wp/v2/settings", s.handleSettingsGet)
	m.HandleFunc("GET /wp-json/communique/v1/rest-nonce", s.handleNonce)
	s.registerDiscovery(m)
	s.registerAppPasswords(m)
	s.registerRevisions(m)
	m.HandleFunc("GET /wp-json/communique/v1/analytics", s.handleAnalytics)
	m.HandleFunc("GET /wp-json/communique/v1/breaking", s.handleBreakingGet)
	m.HandleFunc("POST /wp-json/communique/v1/breaking", s.handleBreakingSet)
	s.registerLiveBlogs(m)
	m.HandleFunc("/wp-json/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, notFound("rest_no_route", "No route was found matching the URL and request method."))
	})
}

// arg describes a parameter in the index, as WordPress does, so clients
// that build themselves from it (wpapi's discover) know what each route
// takes.
type arg struct {
	Description string   `json:"description,omitempty"`
	Type        string   `json:"type"`
	Enum        []string `json:"enum,omitempty"`
	Required    bool     `json:"required"`
}

type endpoint struct {
	Methods []string       `json:"methods"`
	Args    map[string]arg `json:"args"`
}

type routeJSON struct {
	Namespace string     `json:"namespace"`
	Methods   []string   `json:"methods"`
	Endpoints []endpoint `json:"endpoints"`
	Links     links      `json:"_links,omitempty"`
}

// route is one entry of the index: its path in WordPress's notation and
// the arguments of each method.
type route struct {
	path      string
	namespace string
	get       map[string]arg // nil when the route has no GET
	write     map[string]arg // POST (PUT, PATCH on items); nil for none
	delete    map[string]arg // nil for none
}

var (
	argContext = arg{Description: "Scope under which the request is made; determines fields present in response.", Type: "string", Enum: []string{"view", "embed", "edit"}}
	argPage    = arg{Description: "Current page of the collection.", Type: "integer"}
	argPerPage = arg{Description: "Maximum number of items to be returned in result set (1 to 100).", Type: "integer"}
	argOffset  = arg{Description: "Offset the result set by a specific number of items.", Type: "integer"}
	argSearch  = arg{Description: "Limit results to those matching a string.", Type: "string"}
	argOrder   = arg{Description: "Order sort attribute ascending or descending.", Type: "string", Enum: []string{"asc", "desc"}}
	argID      = arg{Description: "Unique identifier for the object.", Type: "integer"}
	argForce   = arg{Description: "Whether to bypass trash and force deletion.", Type: "boolean"}
	argIDs     = arg{Type: "array"}
	argDate    = arg{Description: "ISO 8601 date.", Type: "string"}
	argString  = arg{Type: "string"}
	argInt     = arg{Type: "integer"}
	argBool    = arg{Type: "boolean"}
)

func args(pairs ...any) map[string]arg {
	m := map[string]arg{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i].(string)] = pairs[i+1].(arg)
	}
	return m
}

func listArgs(extra ...any) map[string]arg {
	return args(append([]any{"context", argContext, "page", argPage, "per_page", argPerPage, "search", argSearch}, extra...)...)
}

// userWrite is the arguments of a user's create (with the required
// username, email and password) or update.
func userWrite(create bool) map[string]arg {
	m := args("name", argString, "description", argString, "roles", argIDs,
		"email", arg{Type: "string", Required: create}, "password", arg{Type: "string", Required: create})
	if create {
		m["username"] = arg{Type: "string", Required: true}
	}
	return m
}

// routes is the index.
func routes() []route {
	postStatus := arg{Description: "Limit result set to posts assigned one or more statuses.", Type: "array", Enum: []string{"publish", "future", "draft", "pending", "private", "trash", "any"}}
	postOrderby := arg{Description: "Sort collection by post attribute.", Type: "string", Enum: []string{"date", "id", "modified", "slug", "title"}}
	postWrite := func(typ string) map[string]arg {
		m := args("title", argString, "content", argString, "excerpt", argString, "slug", argString, "date", argDate, "date_gmt", argDate,
			"status", arg{Type: "string", Enum: []string{"publish", "future", "draft", "pending"}}, "author", argInt,
			"comment_status", arg{Type: "string", Enum: []string{"open", "closed"}}, "featured_media", argInt)
		if typ == communique.TypePage {
			m["parent"], m["menu_order"] = argInt, argInt
		} else {
			m["sticky"], m["categories"], m["tags"] = argBool, argIDs, argIDs
		}
		return m
	}
	var out []route
	out = append(out, route{path: "/", get: args("context", argContext)},
		route{path: "/wp/v2", namespace: "wp/v2", get: args("context", argContext)})
	for _, typ := range []string{communique.TypePost, communique.TypePage} {
		base := "/wp/v2/" + restBase(typ)
		get := listArgs("offset", argOffset, "after", argDate, "before", argDate, "author", argIDs, "order", argOrder,
			"orderby", postOrderby, "slug", argIDs, "status", postStatus)
		for k, v := range map[string]arg{"include": argIDs, "exclude": argIDs, "author_exclude": argIDs,
			"modified_after": argDate, "modified_before": argDate} {
			get[k] = v
		}
		if typ == communique.TypePost {
			get["categories"], get["tags"], get["categories_exclude"], get["tags_exclude"] = argIDs, argIDs, argIDs, argIDs
			get["sticky"] = arg{Description: "Limit result set to items that are sticky.", Type: "boolean"}
			get["tax_relation"] = arg{Description: "Limit result set based on relationship between multiple taxonomies.", Type: "string", Enum: []string{"AND", "OR"}}
		} else {
			get["parent"], get["parent_exclude"], get["menu_order"] = argIDs, argIDs, argInt
		}
		out = append(out,
			route{path: base, namespace: "wp/v2", get: get, write: postWrite(typ)},
			route{path: base + `/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID, "context", argContext),
				write: postWrite(typ), delete: args("id", argID, "force", argForce)},
			route{path: base + `/(?P<parent>[\d]+)/revisions`, namespace: "wp/v2", get: args("parent", argInt, "context", argContext)},
			route{path: base + `/(?P<parent>[\d]+)/revisions/(?P<id>[\d]+)`, namespace: "wp/v2",
				get: args("parent", argInt, "id", argID, "context", argContext)},
			route{path: base + `/(?P<id>[\d]+)/autosaves`, namespace: "wp/v2", get: args("parent", argInt, "context", argContext)},
			route{path: base + `/(?P<parent>[\d]+)/autosaves/(?P<id>[\d]+)`, namespace: "wp/v2",
				get: args("parent", argInt, "id", argID, "context", argContext)})
	}
	for _, base := range []string{"categories", "tags"} {
		get := listArgs("include", argIDs, "order", argOrder,
			"orderby", arg{Type: "string", Enum: []string{"id", "name", "slug", "count", "description"}},
			"hide_empty", argBool, "post", argInt, "slug", argIDs)
		write := args("name", arg{Type: "string", Required: true}, "slug", argString, "description", argString)
		itemWrite := args("id", argID, "name", argString, "slug", argString, "description", argString)
		if base == "categories" {
			get["parent"], write["parent"], itemWrite["parent"] = argInt, argInt, argInt
		}
		out = append(out,
			route{path: "/wp/v2/" + base, namespace: "wp/v2", get: get, write: write},
			route{path: "/wp/v2/" + base + `/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID, "context", argContext),
				write: itemWrite, delete: args("id", argID, "force", argForce)})
	}
	out = append(out,
		route{path: "/wp/v2/users", namespace: "wp/v2", get: listArgs("include", argIDs, "exclude", argIDs, "offset", argOffset,
			"order", argOrder, "orderby", arg{Type: "string", Enum: []string{"id", "name", "slug"}}, "slug", argIDs,
			"roles", argIDs, "who", arg{Type: "string", Enum: []string{"authors"}}, "has_published_posts", argBool),
			write: userWrite(true)},
		route{path: `/wp/v2/users/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID, "context", argContext),
			write: userWrite(false), delete: args("id", argID, "force", argForce, "reassign", arg{Type: "integer", Required: true})},
		route{path: "/wp/v2/users/me", namespace: "wp/v2", get: args("context", argContext),
			write: userWrite(false), delete: args("force", argForce, "reassign", arg{Type: "integer", Required: true})},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords`, namespace: "wp/v2", get: args("context", argContext),
			write: args("app_id", argString, "name", arg{Type: "string", Required: true}), delete: args()},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords/introspect`, namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords/(?P<uuid>[\w\-]+)`, namespace: "wp/v2",
			get: args("context", argContext), delete: args()},
		route{path: "/wp/v2/comments", namespace: "wp/v2",
			get: listArgs("after", argDate, "before", argDate, "order", argOrder,
				"orderby", arg{Type: "string", Enum: []string{"date", "date_gmt", "id"}}, "post", argIDs,
				"status", arg{Type: "string", Enum: []string{"approve", "hold", "spam", "trash", "all"}}, "author_email", argString,
				"parent", argIDs, "type", argString),
			write: args("post", arg{Type: "integer", Required: true}, "parent", argInt, "author_name", argString,
				"author_email", argString, "author_url", argString, "content", argString, "status", argString)},
		route{path: `/wp/v2/comments/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID, "context", argContext),
			write: args("id", argID, "status", argString, "content", argString), delete: args("id", argID, "force", argForce)},
		route{path: "/wp/v2/media", namespace: "wp/v2",
			get:   listArgs("author", argIDs, "include", argIDs, "media_type", arg{Type: "string", Enum: []string{"image"}}),
			write: args("alt_text", argString, "caption", argString)},
		route{path: `/wp/v2/media/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID, "context", argContext),
			write: args("id", argID, "alt_text", argString, "caption", argString), delete: args("id", argID, "force", argForce)},
		route{path: "/wp/v2/search", namespace: "wp/v2", get: args("context", argContext, "page", argPage, "per_page", argPerPage,
			"search", argSearch, "type", arg{Type: "string", Enum: []string{"post", "term"}},
			"subtype", arg{Type: "array", Enum: []string{"post", "page", "category", "post_tag", "any"}})},
		route{path: "/wp/v2/settings", namespace: "wp/v2", get: args(),
			write: args("title", argString, "description", argString, "url", argString, "timezone", argString,
				"date_format", argString, "time_format", argString, "language", argString, "posts_per_page", argInt,
				"default_comment_status", arg{Type: "string", Enum: []string{"open", "closed"}})},
		route{path: "/wp/v2/types", namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/types/(?P<type>[\w-]+)`, namespace: "wp/v2", get: args("type", argString, "context", argContext)},
		route{path: "/wp/v2/taxonomies", namespace: "wp/v2", get: args("context", argContext, "type", argString)},
		route{path: `/wp/v2/taxonomies/(?P<taxonomy>[\w-]+)`, namespace: "wp/v2", get: args("taxonomy", argString, "context", argContext)},
		route{path: "/wp/v2/statuses", namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/statuses/(?P<status>[\w-]+)`, namespace: "wp/v2", get: args("status", argString, "context", argContext)},
		route{path: "/communique/v1", namespace: "communique/v1", get: args("context", argContext)},
		route{path: "/communique/v1/rest-nonce", namespace: "communique/v1", get: args()},
		route{path: "/communique/v1/analytics", namespace: "communique/v1", get: args(
			"range", arg{Description: "The days: today, 7d, 30d, 12m or custom (with from and to).", Type: "string", Enum: []string{"today", "7d", "30d", "12m", "custom"}},
			"from", argDate, "to", argDate, "article", argID)},
		route{path: "/communique/v1/breaking", namespace: "communique/v1", get: args(), write: args(
			"text", arg{Description: "The banner's text; empty switches it off.", Type: "string"},
			"url", arg{Description: "Where it leads: a path on this site or an http(s) URL.", Type: "string"},
			"until", arg{Description: "When it goes away, RFC 3339; empty or null: when switched off.", Type: "string"})},
		route{path: `/communique/v1/live/(?P<id>[\d]+)`, namespace: "communique/v1", get: args("id", argID), write: args("id", argID,
			"live", arg{Description: "True starts (or reopens) the post's live blog, false ends it.", Type: "boolean"})},
		route{path: `/communique/v1/live/(?P<id>[\d]+)/entries`, namespace: "communique/v1", write: args("id", argID,
			"content", arg{Description: "The entry, in Markdown.", Type: "string"},
			"key_event", arg{Description: "Whether the entry is listed among the key events.", Type: "boolean"})},
		route{path: `/communique/v1/live/(?P<id>[\d]+)/entries/(?P<entry>[\d]+)`, namespace: "communique/v1", write: args("id", argID,
			"entry", argID, "content", arg{Description: "The entry, in Markdown.", Type: "string"},
			"key_event", arg{Description: "Whether the entry is listed among the key events.", Type: "boolean"}),
			delete: args("id", argID, "entry", argID)},
	)
	return out
}

func (rt route) json(c *caller) routeJSON {
	j := routeJSON{Namespace: rt.namespace}
	if rt.get != nil {
		j.Methods = append(j.Methods, "GET")
		j.Endpoints = append(j.Endpoints, endpoint{Methods: []string{"GET"}, Args: rt.get})
	}
	if rt.write != nil {
		methods := []string{"POST"}
		// Items are updated with any of the three; a collection under an
		// item (a live blog's entries) takes POST only.
		if strings.Contains(rt.path, "(?P<id>") && strings.HasSuffix(rt.path, ")") || rt.path == "/wp/v2/settings" || rt.path == "/wp/v2/users/me" {
			methods = []string{"POST", "PUT", "PATCH"}
		}
		j.Methods = append(j.Methods, methods...)
		j.Endpoints = append(j.Endpoints, endpoint{Methods: methods, Args: rt.write})
	}
	if rt.delete != nil {
		j.Methods = append(j.Methods, "DELETE")
		j.Endpoints = append(j.Endpoints, endpoint{Methods: []string{"DELETE"}, Args: rt.delete})
	}
	if !strings.Contains(rt.path, "(?P<") {
		j.Links = links{"self": {{Href: c.api(rt.path)}}}
	}
	return j
}

// indexJSON is the discovery document at /wp-json/.
type indexJSON struct {
	Name           string               `json:"name"`
	Description    string               `json:"description"`
	URL            string               `json:"url"`
	Home           string               `json:"home"`
	GMTOffset      float64              `json:"gmt_offset"`
	TimezoneString string               `json:"timezone_string"`
	Namespaces     []string             `json:"namespaces"`
	Authentication map[string]any       `json:"authentication"`
	Routes         map[string]routeJSON `json:"routes"`
	Links          links                `json:"_links"`
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	_, offset := s.Now().In(c.Settings.Location).Zone()
	idx := indexJSON{Name: c.Settings.Title, Description: c.Settings.Tagline, URL: c.Base, Home: c.Base,
		GMTOffset: float64(offset) / float64(time.Hour/time.Second), TimezoneString: c.Settings.TimeZone,
		Namespaces: []string{"wp/v2", "communique/v1"},
		Authentication: map[string]any{"application-passwords": map[string]any{
			"endpoints": map[string]string{"authorization": c.Base + "/admin/profile#app-passwords"}}},
		Routes: map[string]routeJSON{},
		Links:  links{"help": {{Href: "https://developer.wordpress.org/rest-api/"}}}}
	for _, rt := range routes() {
		idx.Routes[rt.path] = rt.json(c)
	}
	writeJSON(w, http.StatusOK, idx)
}

type namespaceJSON struct {
	Namespace string               `json:"namespace"`
	Routes    map[string]routeJSON `json:"routes"`
	Links     links                `json:"_links"`
}

func (s *Server) handleNamespace(ns string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		out := namespaceJSON{Namespace: ns, Routes: map[string]routeJSON{}, Links: links{"up": {{Href: c.api("/")}}}}
		for _, rt := range routes() {
			if rt.namespace == ns {
				out.Routes[rt.path] = rt.json(c)
			}
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// handleNonce gives a signed-in newsroom page the X-WP-Nonce of its
// session, as WordPress's rest-nonce does. Other sites cannot read the
// answer (it carries no CORS grant for cookies), so it gives nothing away.
func (s *Server) handleNonce(w http.ResponseWriter, r *http.Request) {
	if s.sessions != nil {
		if _, id, ok := s.sessions.SessionUser(r); ok {
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, map[string]string{"nonce": s.nonce(id)})
			return
		}
	}
	s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "rest_not_logged_in", Message: "You are not currently logged in."})
}
