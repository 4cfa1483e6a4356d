package wpdiff_test

// call is one request both sites answer. Paths and bodies name seeded
// items as {post:bridge}, {term:news}, {user:writer}, {comment:c1},
// {media:image}, and items made by earlier calls as {new:NAME}; each
// site fills in its own ids.
type call struct {
	Method string
	Path   string
	Body   string // JSON
	As     string // "" (anonymous) or a seeded user's login
	Save   string // keeps the answer's id as {new:Save}
}

func (c call) name() string {
	who := c.As
	if who == "" {
		who = "anonymous"
	}
	return c.Method + " " + c.Path + " as " + who
}

// both is a read made anonymously and as the administrator.
func both(method, path string) []call {
	return []call{{Method: method, Path: path}, {Method: method, Path: path, As: "admin"}}
}

// calls are the requests, reads first, then writes in order: every wp/v2
// route WordPress 6.1 has outside blocks, themes, plugins, widgets and
// the site editor, plus batch/v1.
func calls() []call {
	var cs []call
	add := func(more ...call) { cs = append(cs, more...) }
	read := func(paths ...string) {
		for _, p := range paths {
			add(both("GET", p)...)
		}
	}
	add(call{Method: "GET", Path: "/"})
	read("/wp/v2",
		"/wp/v2/posts", "/wp/v2/posts?_embed", "/wp/v2/posts?per_page=2&page=2", "/wp/v2/posts?sticky=true",
		"/wp/v2/posts?categories={term:news}", "/wp/v2/posts?include={post:bridge},{post:cup}", "/wp/v2/posts?exclude={post:bridge}",
		"/wp/v2/posts?_fields=id,title.rendered,_links", "/wp/v2/posts?search=bridge", "/wp/v2/posts?status=draft",
		"/wp/v2/posts?tags={term:harbour}&categories={term:sport}&tax_relation=OR", "/wp/v2/posts?per_page=1000",
		"/wp/v2/posts?modified_after=2000-01-01T00:00:00", "/wp/v2/posts?unknown_parameter=1",
		"/wp/v2/posts/{post:budget}", "/wp/v2/posts/{post:budget}?context=edit", "/wp/v2/posts/{post:notes}", "/wp/v2/posts/999999",
		"/wp/v2/posts/{post:bridge}?_envelope",
		"/wp/v2/posts/{post:bridge}/revisions", "/wp/v2/posts/{post:bridge}/autosaves",
		"/wp/v2/pages", "/wp/v2/pages?parent={post:about}", "/wp/v2/pages?menu_order=2", "/wp/v2/pages/{post:team}",
		"/wp/v2/pages/{post:team}?context=edit", "/wp/v2/pages/{post:about}/revisions",
		"/wp/v2/media", "/wp/v2/media?media_type=image", "/wp/v2/media/{media:image}", "/wp/v2/media/{media:image}?context=edit",
		"/wp/v2/categories", "/wp/v2/categories?parent={term:news}", "/wp/v2/categories/{term:world}", "/wp/v2/categories/{term:world}?context=edit",
		"/wp/v2/tags", "/wp/v2/tags?hide_empty=true", "/wp/v2/tags/{term:harbour}",
		"/wp/v2/users", "/wp/v2/users?who=authors", "/wp/v2/users/{user:writer}", "/wp/v2/users/{user:writer}?context=edit", "/wp/v2/users/me",
		"/wp/v2/users/me?context=edit",
		"/wp/v2/comments", "/wp/v2/comments?post={post:bridge}", "/wp/v2/comments?parent={comment:c1}", "/wp/v2/comments?type=comment",
		"/wp/v2/comments/{comment:c2}", "/wp/v2/comments/{comment:c2}?context=edit", "/wp/v2/comments?status=hold",
		"/wp/v2/search?search=harbour", "/wp/v2/search?search=news&type=term", "/wp/v2/search?search=about&subtype=page",
		"/wp/v2/types", "/wp/v2/types/post", "/wp/v2/taxonomies", "/wp/v2/taxonomies/category", "/wp/v2/statuses", "/wp/v2/statuses/publish",
		"/wp/v2/settings",
		"/wp/v2/users/{user:admin}/application-passwords", "/wp/v2/users/me/application-passwords/introspect",
		"/wp/v2/menus", "/wp/v2/menu-items", "/wp/v2/menu-locations",
		"/wp/v2/no-such-route",
	)
	for _, p := range []string{"/wp/v2/posts", "/wp/v2/posts/{post:bridge}", "/wp/v2/pages", "/wp/v2/media", "/wp/v2/categories",
		"/wp/v2/categories/{term:news}", "/wp/v2/tags", "/wp/v2/comments", "/wp/v2/users", "/wp/v2/settings"} {
		add(both("OPTIONS", p)...)
	}
	read("/wp/v2/posts/{post:bridge}", "/wp/v2/comments/{comment:c1}") // Allow for the writer, below
	add(call{Method: "GET", Path: "/wp/v2/posts/{post:bridge}", As: "writer"}, call{Method: "GET", Path: "/wp/v2/posts/{post:budget}", As: "writer"})

	// Writes, in order.
	add(
		call{Method: "POST", Path: "/wp/v2/posts", Body: `{"title":"Storm warning","content":"<p>Wind.</p>","status":"publish","categories":[{term:news}],"tags":[{term:weather}]}`},
		call{Method: "POST", Path: "/wp/v2/posts", As: "admin", Save: "post",
			Body: `{"title":"Storm warning","content":"<p>Wind.</p>","status":"publish","categories":[{term:news}],"tags":[{term:weather}],"sticky":true}`},
		call{Method: "POST", Path: "/wp/v2/posts/{new:post}", As: "admin", Body: `{"title":"Storm warning lifted"}`},
		call{Method: "GET", Path: "/wp/v2/posts/{new:post}/revisions", As: "admin"},
		call{Method: "POST", Path: "/wp/v2/posts", As: "writer", Save: "draft", Body: `{"title":"Notes from the quay","content":"<p>Draft.</p>"}`},
		call{Method: "GET", Path: "/wp/v2/posts/{new:draft}", As: "writer"},
		call{Method: "POST", Path: "/wp/v2/posts/{post:budget}", As: "writer", Body: `{"title":"Not mine"}`},
		call{Method: "POST", Path: "/wp/v2/pages", As: "admin", Save: "page", Body: `{"title":"Contact","content":"<p>Write to us.</p>","status":"publish","parent":{post:about}}`},
		call{Method: "POST", Path: "/wp/v2/categories", As: "admin", Save: "cat", Body: `{"name":"Weather desk","parent":{term:news}}`},
		call{Method: "POST", Path: "/wp/v2/categories", As: "admin", Body: `{"name":"Weather desk","parent":{term:news}}`},
		call{Method: "POST", Path: "/wp/v2/categories/{new:cat}", As: "admin", Body: `{"description":"Storms and tides"}`},
		call{Method: "PUT", Path: "/wp/v2/tags/{term:weather}", As: "admin", Body: `{"description":"Rain and shine"}`},
		call{Method: "POST", Path: "/wp/v2/tags/{term:weather}", As: "writer", Body: `{"description":"Nope"}`},
		call{Method: "POST", Path: "/wp/v2/comments", Save: "comment",
			Body: `{"post":{post:cup},"author_name":"Kim Fan","author_email":"kim@example.net","content":"Come on!"}`},
		call{Method: "POST", Path: "/wp/v2/comments", As: "admin", Save: "reply",
			Body: `{"post":{post:cup},"parent":{new:comment},"content":"Thanks, Kim.","author_name":"Desk","author_email":"desk@example.com","date":"2026-05-22T12:00:00"}`},
		call{Method: "POST", Path: "/wp/v2/comments", Body: `{"post":999999,"author_name":"Kim","author_email":"kim@example.net","content":"Lost"}`},
		call{Method: "POST", Path: "/wp/v2/comments/{comment:c6}", As: "admin", Body: `{"status":"hold"}`},
		call{Method: "POST", Path: "/wp/v2/media/{media:image}", As: "admin", Body: `{"alt_text":"The lighthouse at night","title":"Lighthouse","description":"Lamp"}`},
		call{Method: "POST", Path: "/wp/v2/settings", As: "admin", Body: `{"title":"The Harbour Times","no_such_setting":"x"}`},
		call{Method: "POST", Path: "/wp/v2/settings", As: "writer", Body: `{"title":"Mine now"}`},
		call{Method: "POST", Path: "/wp/v2/users", As: "admin", Save: "user", Body: `{"username":"clerk","email":"clerk@example.com","password":"a long passphrase 123","roles":["editor"],"name":"Cleo Clerk"}`},
		call{Method: "POST", Path: "/wp/v2/users/{new:user}", As: "admin", Body: `{"first_name":"Cleo","last_name":"Clerk"}`},
		call{Method: "POST", Path: "/wp/v2/users/me", As: "writer", Body: `{"description":"Writes about boats."}`},
		call{Method: "POST", Path: "/wp/v2/users/me/application-passwords", As: "writer", Save: "app", Body: `{"name":"phone"}`},
		call{Method: "POST", Path: "/wp/v2/menus", As: "admin", Save: "menu", Body: `{"name":"Main"}`},
		call{Method: "POST", Path: "/batch/v1", As: "admin", Body: `{"requests":[{"method":"POST","path":"/wp/v2/tags","body":{"name":"Tides"}},{"method":"DELETE","path":"/wp/v2/posts/999999"}]}`},
		call{Method: "DELETE", Path: "/wp/v2/posts/{new:post}", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/posts/{new:post}?force=true", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/posts/{new:post}", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/categories/{new:cat}", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/categories/{new:cat}?force=true", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/comments/{new:reply}", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/comments/{new:reply}?force=true", As: "writer"},
		call{Method: "DELETE", Path: "/wp/v2/users/{new:user}?force=true&reassign={user:admin}", As: "admin"},
		call{Method: "DELETE", Path: "/wp/v2/posts/{post:cup}", Body: ``},
	)
	return cs
}
