package wpapi

import (
	"net/http"
	"sort"
	"strings"

	"communique"
)

// Users: /wp/v2/users. Like WordPress, the API tells anonymous callers
// only about authors with published work, and only what their author
// page shows (name, slug, avatar): never a login, an email or a role.
// Unlike WordPress, a user the caller may not see is "not found" rather
// than "forbidden", so ids cannot be probed for existence either.

type userJSON struct {
	ID             int64             `json:"id"`
	Username       *string           `json:"username,omitempty"`
	Name           string            `json:"name"`
	Email          *string           `json:"email,omitempty"`
	URL            string            `json:"url"`
	Description    string            `json:"description"`
	Link           string            `json:"link"`
	Slug           string            `json:"slug"`
	Roles          []string          `json:"roles,omitempty"`
	RegisteredDate *string           `json:"registered_date,omitempty"`
	Locale         *string           `json:"locale,omitempty"`
	Capabilities   map[string]bool   `json:"capabilities,omitempty"`
	ExtraCaps      map[string]bool   `json:"extra_capabilities,omitempty"`
	AvatarURLs     map[string]string `json:"avatar_urls"`
	Meta           *[]any            `json:"meta,omitempty"`
	Links          links             `json:"_links"`
}

// avatarURLs are the sizes WordPress lists, all of the site's own SVG:
// no request ever goes to Gravatar.
func avatarURLs(c *caller, hash string) map[string]string {
	u := c.Base + "/avatar/" + hash + ".svg"
	return map[string]string{"24": u, "48": u, "96": u}
}

func (s *Server) userOut(c *caller, u *communique.User, context string) *userJSON {
	out := &userJSON{ID: u.ID, Name: u.Name(), Description: u.Bio, Link: c.Base + "/author/" + u.Slug + "/", Slug: u.Slug,
		AvatarURLs: avatarURLs(c, s.talk.Avatars.Hash(u.Email)),
		Links: links{
			"self":       {{Href: c.api("/wp/v2/users/" + itoa(u.ID))}},
			"collection": {{Href: c.api("/wp/v2/users")}},
		}}
	if context == contextEdit && canSeeAccount(c, u) {
		login, email, registered := u.Login, u.Email, wpDate(u.CreatedAt, c.Settings.Location)
		out.Username, out.Email, out.RegisteredDate = &login, &email, &registered
		out.Roles = []string{string(u.Role)}
		// A user has no locale of their own: WordPress then uses the site's.
		locale := strings.ReplaceAll(c.Settings.Language, "-", "_")
		out.Locale = &locale
		out.Capabilities, out.ExtraCaps = wpCapabilities(u), map[string]bool{string(u.Role): true}
	}
	if context != contextEmbed {
		out.Meta = noMeta
	}
	return out
}

// canSeeAccount: administrators see every account, users their own.
func canSeeAccount(c *caller, u *communique.User) bool {
	return c.User != nil && (c.User.ID == u.ID || communique.Can(c.User, communique.ActionManageUsers, nil))
}

func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in := queryInput(r)
	bad := invalid{}
	context := readContext(in, bad)
	pg := readPaging(in, bad)
	search, _ := in.str("search", bad)
	slugs, _ := in.strs("slug", bad)
	include, _ := in.ints("include", bad)
	orderby, _ := in.choice("orderby", bad, "id", "name", "slug")
	order, _ := in.choice("order", bad, "asc", "desc")
	exclude, _ := in.ints("exclude", bad)
	roles, _ := in.strs("roles", bad)
	who, _ := in.choice("who", bad, "authors")
	// has_published_posts is true, or a list of post types: either way,
	// authors of something published.
	hp, published := in.get("has_published_posts")
	published = published && hp != false && hp != "false" && hp != "0"
	in.unsupported(bad, "capabilities")
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	admin := communique.Can(c.User, communique.ActionManageUsers, nil)
	switch {
	case context == contextEdit && !admin:
		s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to list users."))
		return
	case len(roles) > 0 && !admin:
		s.fail(w, r, forbidden(c, "rest_user_cannot_view", "Sorry, you are not allowed to filter users by role."))
		return
	case who != "" && !communique.Can(c.User, communique.ActionCreateArticle, nil):
		s.fail(w, r, forbidden(c, "rest_forbidden_who", "Sorry, you are not allowed to query users by this parameter."))
		return
	}
	users, err := s.store.FindUsers(r.Context(), communique.UserFilter{HasPublished: !admin || published})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var list []*communique.User
	for _, u := range users {
		// Search looks at what the caller may see of a user: the name
		// and the slug, never the login or the email.
		q := strings.ToLower(strings.Trim(search, "*"))
		switch {
		case q != "" && !strings.Contains(strings.ToLower(u.Name()), q) && !strings.Contains(u.Slug, q):
		case len(slugs) > 0 && !contains(slugs, u.Slug):
		case len(include) > 0 && !containsID(include, u.ID):
		case containsID(exclude, u.ID):
		case len(roles) > 0 && !contains(roles, string(u.Role)):
		case who == "authors" && !communique.Can(u, communique.ActionCreateArticle, nil):
		default:
			list = append(list, u)
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if order == "desc" {
			a, b = b, a
		}
		switch orderby {
		case "id":
			return a.ID < b.ID
		case "slug":
			return a.Slug < b.Slug
		}
		return strings.ToLower(a.Name()) < strings.ToLower(b.Name())
	})
	total := len(list)
	if err := setPaging(w, r, c, pg, total, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	list = list[min(pg.start(), total):min(pg.start()+pg.PerPage, total)]
	writeJSON(w, http.StatusOK, mapItems(list, func(u *communique.User) *userJSON {
		return s.userOut(c, u, context)
	}))
}

func (s *Server) handleUserGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	context, err := readQueryContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	invalidUser := notFound("rest_user_invalid_id", "Invalid user ID.")
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, invalidUser)
		return
	}
	f := communique.UserFilter{ID: &id}
	if !canSeeAccount(c, &communique.User{ID: id}) {
		f.HasPublished = true
	}
	users, err := s.store.FindUsers(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(users) == 0 {
		s.fail(w, r, invalidUser)
		return
	}
	if context == contextEdit && !canSeeAccount(c, users[0]) {
		s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit this user."))
		return
	}
	writeJSON(w, http.StatusOK, s.userOut(c, users[0], context))
}

func (s *Server) handleUserMe(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if c.User == nil {
		s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "rest_not_logged_in", Message: "You are not currently logged in."})
		return
	}
	context, err := readQueryContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.userOut(c, c.User, context))
}

// wpCapabilities names, as WordPress's capabilities, what the capability
// table lets u do (only what this site checks, and only what u may: as
// WordPress lists them), with the role itself, as WordPress adds it.
func wpCapabilities(u *communique.User) map[string]bool {
	own := func(st communique.Status) *communique.Article {
		return &communique.Article{Type: communique.TypePost, AuthorID: u.ID, Status: st}
	}
	others := &communique.Article{Type: communique.TypePost, AuthorID: -1, Status: communique.StatusPublished}
	can := func(action communique.Action, a *communique.Article) bool { return communique.Can(u, action, a) }
	caps := map[string]bool{
		string(u.Role):           true,
		"read":                   can(communique.ActionReadAdmin, nil),
		"edit_posts":             can(communique.ActionCreateArticle, nil),
		"delete_posts":           can(communique.ActionDeleteArticle, own(communique.StatusDraft)),
		"publish_posts":          can(communique.ActionPublishArticle, own(communique.StatusDraft)),
		"edit_published_posts":   can(communique.ActionEditArticle, own(communique.StatusPublished)),
		"delete_published_posts": can(communique.ActionDeleteArticle, own(communique.StatusPublished)),
		"edit_others_posts":      can(communique.ActionEditArticle, others),
		"delete_others_posts":    can(communique.ActionDeleteArticle, others),
		"read_private_posts":     can(communique.ActionReadUnpublished, others),
		"upload_files":           can(communique.ActionUploadMedia, nil),
		"manage_categories":      can(communique.ActionManageTerms, nil),
		"moderate_comments":      can(communique.ActionModerateComment, nil),
		"edit_theme_options":     can(communique.ActionArrangeFront, nil),
		"manage_options":         can(communique.ActionManageSettings, nil),
	}
	for _, c := range []string{"edit_pages", "publish_pages", "edit_published_pages", "edit_others_pages", "delete_pages",
		"delete_published_pages", "delete_others_pages", "read_private_pages"} {
		caps[c] = can(communique.ActionCreatePage, nil)
	}
	for _, c := range []string{"list_users", "create_users", "edit_users", "delete_users", "promote_users", "remove_users"} {
		caps[c] = can(communique.ActionManageUsers, nil)
	}
	for c, ok := range caps {
		if !ok {
			delete(caps, c)
		}
	}
	return caps
}
