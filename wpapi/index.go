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
	s.registerMenus(m)
	m.HandleFunc("POST /wp-json/batch/v1", s.handleBatch)
	m.HandleFunc("GET /wp-json/communique/v1/analytics", s.handleAnalytics)
	m.HandleFunc("GET /wp-json/communique/v1/breaking", s.handleBreakingGet)
	m.HandleFunc("POST /wp-json/communique/v1/breaking", s.handleBreakingSet)
	s.registerLiveBlogs(m)
	m.HandleFunc("/wp-json/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, notFound("rest_no_route", "No route was found matching the URL and request method."))
	})
}

// arg describes a parameter in the index and OPTIONS, as WordPress does,
// so clients that build themselves from it (wpapi's discover) know what
// each route takes: a schema node and whether it is required.
type arg struct {
	prop
	Required bool `json:"required"`
}

type endpoint struct {
	Methods    []string        `json:"methods"`
	Args       map[string]arg  `json:"args"`
	AllowBatch map[string]bool `json:"allow_batch,omitempty"` // {"v1": true} where batch/v1 takes it
}

type routeJSON struct {
	Namespace string      `json:"namespace"`
	Methods   []string    `json:"methods"`
	Endpoints []endpoint  `json:"endpoints"`
	Links     links       `json:"_links,omitempty"`
	Schema    *schemaJSON `json:"schema,omitempty"` // OPTIONS only, as WordPress
}

// route is one entry of the index: its path in WordPress's notation and
// the arguments of each method.
type route struct {
	path      string
	namespace string
	get       map[string]arg // nil when the route has no GET
	write     map[string]arg // POST (PUT, PATCH on items); nil for none
	delete    map[string]arg // nil for none
	schema    *schema        // the resource it serves, for OPTIONS; nil for none
	batch     bool           // batch/v1 takes its writes
}

// null is an argument's default of null, which WordPress writes out
// (a nil Default writes none).
var null = jsonNull{}

type jsonNull struct{}

func (jsonNull) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func a(desc string, typ any) arg { return arg{prop: prop{Description: desc, Type: typ}} }

// dflt, items, enum and so on, for arguments.
func (x arg) dflt(v any) arg           { x.Default = v; return x }
func (x arg) items(typ string) arg     { x.Items = &prop{Type: typ}; return x }
func (x arg) enum(e ...string) arg     { x.Enum = e; return x }
func (x arg) format(f string) arg      { x.Format = f; return x }
func (x arg) must() arg                { x.Required = true; return x }
func (x arg) between(lo, hi int) arg   { x.Minimum, x.Maximum = intp(lo), intp(hi); return x }
func (x arg) atLeast(lo int) arg       { x.Minimum = intp(lo); return x }
func (x arg) itemEnum(e ...string) arg { x.Items = &prop{Type: "string", Enum: e}; return x }

var (
	argContext = a("Scope under which the request is made; determines fields present in response.", "string").enum("view", "embed", "edit").dflt("view")
	argPage    = a("Current page of the collection.", "integer").dflt(1).atLeast(1)
	argPerPage = a("Maximum number of items to be returned in result set.", "integer").dflt(10).between(1, 100)
	argOffset  = a("Offset the result set by a specific number of items.", "integer")
	argSearch  = a("Limit results to those matching a string.", "string")
	argInclude = a("Limit result set to specific IDs.", "array").items("integer").dflt([]int{})
	argExclude = a("Ensure result set excludes specific IDs.", "array").items("integer").dflt([]int{})
	argString  = a("", "string")
)

func argOrder(dflt string) arg {
	return a("Order sort attribute ascending or descending.", "string").enum("asc", "desc").dflt(dflt)
}

// argTaxQuery is a taxonomy parameter of the posts' list, in
// WordPress's two forms (input.taxQuery reads them): a list of term ids,
// or an object of terms, include_children (categories) and operator (the
// inclusive forms).
func argTaxQuery(desc string, children, operator bool) arg {
	no := false
	object := prop{Title: "Term ID Taxonomy Query", Description: "Perform an advanced term query.", Type: "object", AdditionalProperties: &no,
		Properties: map[string]prop{"terms": {Description: "Term IDs.", Type: "array", Items: &prop{Type: "integer"}, Default: []int{}}}}
	if children {
		object.Properties["include_children"] = prop{Description: "Whether to include child terms in the terms limiting the result set.", Type: "boolean", Default: false}
	}
	if operator {
		object.Properties["operator"] = prop{Description: "Whether items must be assigned all or any of the specified terms.", Type: "string", Enum: []string{"AND", "OR"}, Default: "OR"}
	}
	x := a(desc, []string{"object", "array"})
	x.OneOf = []prop{{Title: "Term ID List", Description: "Match terms with the listed IDs.", Type: "array", Items: &prop{Type: "integer"}}, object}
	return x
}

func argID(what string) arg { return a("Unique identifier for the "+what+".", "integer") }

func argForce(desc string) arg { return a(desc, "boolean").dflt(false) }

func argDate(desc string) arg { return a(desc, "string").format("date-time") }

func argSlug(what string) arg {
	return a("Limit result set to "+what+" with one or more specific slugs.", "array").items("string")
}

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

// itemWrite is an item's update arguments: the schema's, and its id.
func itemWrite(s *schema, what string) map[string]arg {
	m := s.writeArgs(false)
	m["id"] = argID(what)
	return m
}

// autosaveArgs are what an autosave keeps: the schema's title, content
// and excerpt, and the article.
func autosaveArgs(sc *schema) map[string]arg {
	all := sc.writeArgs(false)
	return map[string]arg{"parent": a("The ID for the parent of the autosave.", "integer"),
		"title": all[titleField], "content": all["content"], "excerpt": all["excerpt"]}
}

// routes is the index.
func routes() []route {
	postOrderby := a("Sort collection by post attribute.", "string").enum("date", "id", "modified", "slug", "title").dflt("date")
	var out []route
	out = append(out, route{path: "/", get: args("context", argContext)},
		route{path: "/wp/v2", namespace: "wp/v2", get: args("context", argContext)})
	for _, typ := range []string{communique.TypePost, communique.TypePage} {
		base := "/wp/v2/" + restBase(typ)
		sc := postSchema(typ)
		get := listArgs("offset", argOffset, "order", argOrder("desc"), "orderby", postOrderby,
			"after", argDate("Limit response to posts published after a given ISO8601 compliant date."),
			"before", argDate("Limit response to posts published before a given ISO8601 compliant date."),
			"modified_after", argDate("Limit response to posts modified after a given ISO8601 compliant date."),
			"modified_before", argDate("Limit response to posts modified before a given ISO8601 compliant date."),
			"author", a("Limit result set to posts assigned to specific authors.", "array").items("integer").dflt([]int{}),
			"author_exclude", a("Ensure result set excludes posts assigned to specific authors.", "array").items("integer").dflt([]int{}),
			"include", argInclude, "exclude", argExclude, "slug", argSlug("posts"),
			"status", a("Limit result set to posts assigned one or more statuses.", "array").
				itemEnum("publish", "future", "draft", "pending", "private", "trash", "any").dflt("publish"))
		if typ == communique.TypePost {
			get["categories"] = argTaxQuery("Limit result set to items with specific terms assigned in the categories taxonomy.", true, true)
			get["tags"] = argTaxQuery("Limit result set to items with specific terms assigned in the tags taxonomy.", false, true)
			get["categories_exclude"] = argTaxQuery("Limit result set to items except those with specific terms assigned in the categories taxonomy.", true, false)
			get["tags_exclude"] = argTaxQuery("Limit result set to items except those with specific terms assigned in the tags taxonomy.", false, false)
			get["sticky"] = a("Limit result set to items that are sticky.", "boolean")
			get["tax_relation"] = a("Limit result set based on relationship between multiple taxonomies.", "string").enum("AND", "OR")
		} else {
			get["parent"] = a("Limit result set to items with particular parent IDs.", "array").items("integer").dflt([]int{})
			get["parent_exclude"] = a("Limit result set to all items except those of a particular parent ID.", "array").items("integer").dflt([]int{})
			get["menu_order"] = a("Limit result set to posts with a specific menu_order value.", "integer")
		}
		revision := args("parent", a("The ID for the parent of the revision.", "integer"), "context", argContext)
		autosave := args("parent", a("The ID for the parent of the autosave.", "integer"), "context", argContext)
		out = append(out,
			route{path: base, namespace: "wp/v2", get: get, write: sc.writeArgs(true), schema: sc, batch: true},
			route{path: base + `/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("post"), "context", argContext),
				write: itemWrite(sc, "post"), delete: args("id", argID("post"), "force", argForce("Whether to bypass Trash and force deletion.")), schema: sc, batch: true},
			route{path: base + `/(?P<parent>[\d]+)/revisions`, namespace: "wp/v2", get: args("parent", revision["parent"], "context", argContext,
				"page", argPage, "per_page", a(argPerPage.Description, "integer").between(1, 100), "search", argSearch,
				"include", argInclude, "exclude", argExclude, "offset", argOffset, "order", argOrder("desc"),
				"orderby", a("Sort collection by object attribute.", "string").enum("date", "id", "include", "slug", "title").dflt("date"))},
			route{path: base + `/(?P<parent>[\d]+)/revisions/(?P<id>[\d]+)`, namespace: "wp/v2",
				get: args("parent", revision["parent"], "id", argID("revision"), "context", argContext)},
			route{path: base + `/(?P<id>[\d]+)/autosaves`, namespace: "wp/v2", get: autosave, write: autosaveArgs(sc)},
			route{path: base + `/(?P<parent>[\d]+)/autosaves/(?P<id>[\d]+)`, namespace: "wp/v2",
				get: args("parent", autosave["parent"], "id", a("The ID for the autosave.", "integer"), "context", argContext)})
	}
	for _, base := range []string{"categories", "tags"} {
		taxonomy := map[string]string{"categories": "category", "tags": "post_tag"}[base]
		sc := termSchema(taxonomy)
		get := listArgs("include", argInclude, "exclude", argExclude, "offset", argOffset, "order", argOrder("asc"),
			"orderby", a("Sort collection by term attribute.", "string").enum("id", "name", "slug", "count", "description").dflt("name"),
			"hide_empty", a("Whether to hide terms not assigned to any posts.", "boolean").dflt(false),
			"post", a("Limit result set to terms assigned to a specific post.", "integer").dflt(null), "slug", argSlug("terms"))
		if base == "categories" {
			get["parent"] = a("Limit result set to terms assigned to a specific parent.", "integer")
		}
		out = append(out,
			route{path: "/wp/v2/" + base, namespace: "wp/v2", get: get, write: sc.writeArgs(true), schema: sc, batch: true},
			route{path: "/wp/v2/" + base + `/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("term"), "context", argContext),
				write: itemWrite(sc, "term"), delete: args("id", argID("term"), "force", argForce("Required to be true, as terms do not support trashing.")), schema: sc, batch: true})
	}
	users, comments, media, settings := userSchema(), commentSchema(), postSchema("attachment"), settingsSchema()
	menus, menuItems := menuSchema(), menuItemSchema()
	userDelete := func(withID bool) map[string]arg {
		m := args("force", argForce("Required to be true, as users do not support trashing."),
			"reassign", a("Reassign the deleted user's posts and links to this user ID.", "integer").must())
		if withID {
			m["id"] = argID("user")
		}
		return m
	}
	out = append(out,
		route{path: "/wp/v2/users", namespace: "wp/v2", get: listArgs("include", argInclude, "exclude", argExclude, "offset", argOffset,
			"order", argOrder("asc"), "orderby", a("Sort collection by user attribute.", "string").enum("id", "name", "slug").dflt("name"),
			"slug", argSlug("users"),
			"roles", a("Limit result set to users matching at least one specific role provided. Accepts csv list or single role.", "array").items("string"),
			"who", a("Limit result set to users who are considered authors.", "string").enum("authors"),
			// true, or a list of post types: either way, authors of
			// something published.
			"has_published_posts", a("Limit result set to users who have published posts.", []string{"boolean", "array"}).itemEnum("post", "page", "attachment")),
			write: users.writeArgs(true), schema: users},
		route{path: `/wp/v2/users/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("user"), "context", argContext),
			write: itemWrite(users, "user"), delete: userDelete(true), schema: users},
		route{path: "/wp/v2/users/me", namespace: "wp/v2", get: args("context", argContext),
			write: users.writeArgs(false), delete: userDelete(false), schema: users},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords`, namespace: "wp/v2", get: args("context", argContext),
			write: args("app_id", argString, "name", a("The name of the application password.", "string").must()), delete: args()},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords/introspect`, namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/users/(?P<user_id>(?:[\d]+|me))/application-passwords/(?P<uuid>[\w\-]+)`, namespace: "wp/v2",
			get: args("context", argContext), delete: args()},
		route{path: "/wp/v2/comments", namespace: "wp/v2",
			get: listArgs("after", argDate("Limit response to comments published after a given ISO8601 compliant date."),
				"before", argDate("Limit response to comments published before a given ISO8601 compliant date."), "order", argOrder("desc"),
				"orderby", a("Sort collection by comment attribute.", "string").enum("date", "date_gmt", "id").dflt("date_gmt"),
				"post", a("Limit result set to comments assigned to specific post IDs.", "array").items("integer").dflt([]int{}),
				"status", a("Limit result set to comments assigned a specific status. Requires authorization.", "string").
					enum("approve", "hold", "spam", "trash", "all").dflt("approve"),
				"author_email", a("Limit result set to that from a specific author email. Requires authorization.", "string").format("email").dflt(null),
				"parent", a("Limit result set to comments of specific parent IDs.", "array").items("integer").dflt([]int{}),
				"parent_exclude", a("Ensure result set excludes specific parent IDs.", "array").items("integer").dflt([]int{}),
				"include", argInclude, "exclude", argExclude, "offset", argOffset,
				"author", a("Limit result set to comments assigned to specific user IDs. Requires authorization.", "array").items("integer"),
				"author_exclude", a("Ensure result set excludes comments assigned to specific user IDs. Requires authorization.", "array").items("integer"),
				"type", a("Limit result set to comments assigned a specific type. Requires authorization.", "string").dflt("comment")),
			write: comments.writeArgs(true), schema: comments},
		route{path: `/wp/v2/comments/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("comment"), "context", argContext),
			write: itemWrite(comments, "comment"), delete: args("id", argID("comment"), "force", argForce("Whether to bypass Trash and force deletion.")), schema: comments},
		route{path: "/wp/v2/media", namespace: "wp/v2",
			get: listArgs("author", a("Limit result set to posts assigned to specific authors.", "array").items("integer").dflt([]int{}),
				"author_exclude", a("Ensure result set excludes posts assigned to specific authors.", "array").items("integer").dflt([]int{}),
				"include", argInclude, "order", argOrder("desc"),
				"orderby", a("Sort collection by post attribute.", "string").enum("date", "id", "title").dflt("date"),
				"media_type", a("Limit result set to attachments of a particular media type.", "string").enum("image", "video", "text", "application", "audio").dflt(null),
				"mime_type", a("Limit result set to attachments of a particular MIME type.", "string").dflt(null),
				"status", a("Limit result set to posts assigned one or more statuses.", "array").itemEnum("inherit").dflt("inherit"),
				"exclude", argExclude, "offset", argOffset,
				"parent", a("Limit result set to items with particular parent IDs.", "array").items("integer").dflt([]int{}),
				"parent_exclude", a("Limit result set to all items except those of a particular parent ID.", "array").items("integer").dflt([]int{})),
			write: media.writeArgs(true), schema: media},
		route{path: `/wp/v2/media/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("post"), "context", argContext),
			write: itemWrite(media, "post"), delete: args("id", argID("post"), "force", argForce("Whether to bypass Trash and force deletion.")), schema: media},
		route{path: "/wp/v2/search", namespace: "wp/v2", get: args("context", a(argContext.Description, "string").enum("view", "embed").dflt("view"),
			"page", argPage, "per_page", argPerPage, "search", argSearch,
			"type", a("Limit results to items of an object type.", "string").enum("post", "term").dflt("post"),
			"include", argInclude, "exclude", a("Ensure result set excludes specific IDs.", "array").items("integer").dflt([]int{}),
			"subtype", a("Limit results to items of one or more object subtypes.", "array").itemEnum("post", "page", "category", "post_tag", "any").dflt("any"))},
		route{path: "/wp/v2/settings", namespace: "wp/v2", get: args(), write: settings.writeArgs(false), schema: settings},
		route{path: "/wp/v2/menus", namespace: "wp/v2", get: listArgs("include", argInclude, "slug", argSlug("terms"),
			"post", a("Limit result set to terms assigned to a specific post.", "integer").dflt(null),
			"exclude", argExclude, "offset", argOffset, "order", argOrder("asc"),
			"orderby", a("Sort collection by term attribute.", "string").enum("id", "include", "name", "slug", "include_slugs", "term_group", "description", "count").dflt("name"),
			"hide_empty", a("Whether to hide terms not assigned to any posts.", "boolean").dflt(false)),
			write: menus.writeArgs(true), schema: menus, batch: true},
		route{path: `/wp/v2/menus/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("term"), "context", argContext), schema: menus},
		route{path: "/wp/v2/menu-items", namespace: "wp/v2", get: listArgs("include", argInclude,
			"menus", argTaxQuery("Limit result set to items with specific terms assigned in the menus taxonomy.", false, true),
			"menus_exclude", argTaxQuery("Limit result set to items except those with specific terms assigned in the menus taxonomy.", false, false),
			"exclude", argExclude, "offset", argOffset, "order", argOrder("asc"),
			"orderby", a("Sort collection by object attribute.", "string").enum("id", "include", "title", "menu_order").dflt("menu_order"),
			"menu_order", a("Limit result set to posts with a specific menu_order value.", "integer"),
			"status", a("Limit result set to posts assigned one or more statuses.", "array").itemEnum("publish", "any").dflt("publish"),
			"tax_relation", a("Limit result set based on relationship between multiple taxonomies.", "string").enum("AND", "OR")), schema: menuItems},
		route{path: `/wp/v2/menu-items/(?P<id>[\d]+)`, namespace: "wp/v2", get: args("id", argID("post"), "context", argContext), schema: menuItems},
		route{path: "/wp/v2/menu-locations", namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/menu-locations/(?P<location>[\w-]+)`, namespace: "wp/v2",
			get: args("location", a("An alphanumeric identifier for the menu location.", "string"), "context", argContext)},
		route{path: "/wp/v2/types", namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/types/(?P<type>[\w-]+)`, namespace: "wp/v2", get: args("type", a("An alphanumeric identifier for the post type.", "string"), "context", argContext)},
		route{path: "/wp/v2/taxonomies", namespace: "wp/v2", get: args("context", argContext, "type", a("Limit results to taxonomies associated with a specific post type.", "string"))},
		route{path: `/wp/v2/taxonomies/(?P<taxonomy>[\w-]+)`, namespace: "wp/v2", get: args("taxonomy", a("An alphanumeric identifier for the taxonomy.", "string"), "context", argContext)},
		route{path: "/wp/v2/statuses", namespace: "wp/v2", get: args("context", argContext)},
		route{path: `/wp/v2/statuses/(?P<status>[\w-]+)`, namespace: "wp/v2", get: args("status", a("An alphanumeric identifier for the status.", "string"), "context", argContext)},
		route{path: "/batch/v1", write: batchArgs()},
		route{path: "/communique/v1", namespace: "communique/v1", get: args("context", argContext)},
		route{path: "/communique/v1/rest-nonce", namespace: "communique/v1", get: args()},
		route{path: "/communique/v1/analytics", namespace: "communique/v1", get: args(
			"range", a("The days: today, 7d, 30d, 12m or custom (with from and to).", "string").enum("today", "7d", "30d", "12m", "custom"),
			"from", a("ISO 8601 date.", "string"), "to", a("ISO 8601 date.", "string"), "article", argID("article"))},
		route{path: "/communique/v1/breaking", namespace: "communique/v1", get: args(), write: args(
			"text", a("The banner's text; empty switches it off.", "string"),
			"url", a("Where it leads: a path on this site or an http(s) URL.", "string"),
			"until", a("When it goes away, RFC 3339; empty or null: when switched off.", "string"))},
		route{path: `/communique/v1/live/(?P<id>[\d]+)`, namespace: "communique/v1", get: args("id", argID("post")), write: args("id", argID("post"),
			"live", a("True starts (or reopens) the post's live blog, false ends it.", "boolean"))},
		route{path: `/communique/v1/live/(?P<id>[\d]+)/entries`, namespace: "communique/v1", write: args("id", argID("post"),
			"content", a("The entry, in Markdown.", "string"),
			"key_event", a("Whether the entry is listed among the key events.", "boolean"))},
		route{path: `/communique/v1/live/(?P<id>[\d]+)/entries/(?P<entry>[\d]+)`, namespace: "communique/v1", write: args("id", argID("post"),
			"entry", argID("entry"), "content", a("The entry, in Markdown.", "string"),
			"key_event", a("Whether the entry is listed among the key events.", "boolean")),
			delete: args("id", argID("post"), "entry", argID("entry"))},
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
	for i := range j.Endpoints {
		if rt.batch {
			j.Endpoints[i].AllowBatch = map[string]bool{"v1": true}
		}
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
