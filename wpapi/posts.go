package wpapi

import (
	"context"
	"html"
	"net/http"
	"strings"
	"time"

	"communique"
	"communique/markup"
	"communique/newsroom"
)

// Posts and pages: /wp/v2/posts and /wp/v2/pages, one handler for both
// as articles and pages are one thing in the store.

// postJSON is a post or page as WordPress shows it.
type postJSON struct {
	ID            int64     `json:"id"`
	Date          string    `json:"date"`
	DateGMT       *string   `json:"date_gmt"`
	GUID          rendered  `json:"guid"`
	Modified      string    `json:"modified"`
	ModifiedGMT   string    `json:"modified_gmt"`
	Password      *string   `json:"password,omitempty"`
	Slug          string    `json:"slug"`
	Status        string    `json:"status"`
	Type          string    `json:"type"`
	Link          string    `json:"link"`
	Title         rendered  `json:"title"`
	Content       *rendered `json:"content,omitempty"`
	Excerpt       rendered  `json:"excerpt"`
	Author        int64     `json:"author"`
	FeaturedMedia int64     `json:"featured_media"`
	Parent        *int64    `json:"parent,omitempty"`
	MenuOrder     *int      `json:"menu_order,omitempty"`
	CommentStatus string    `json:"comment_status,omitempty"`
	PingStatus    string    `json:"ping_status,omitempty"`
	Sticky        *bool     `json:"sticky,omitempty"`
	Template      *string   `json:"template,omitempty"`
	Format        string    `json:"format,omitempty"`
	Categories    *[]int64  `json:"categories,omitempty"`
	Tags          *[]int64  `json:"tags,omitempty"`
	// Lang is the article's own language (BCP 47), when it has one; an
	// extra field, absent otherwise, so WordPress clients see no change.
	Lang string `json:"lang,omitempty"`
	// Authors is everyone credited, in order (posts only): users, and
	// guest contributors without a login; author stays the owner.
	Authors *[]bylineJSON `json:"authors,omitempty"`
	Meta    *[]any        `json:"meta,omitempty"`
	// Edit context: the slug WordPress would make from the title, and the
	// link with the slug as a placeholder.
	GeneratedSlug     *string `json:"generated_slug,omitempty"`
	PermalinkTemplate *string `json:"permalink_template,omitempty"`
	Links             links   `json:"_links"`
	Embedded          any     `json:"_embedded,omitempty"`
}

func (p *postJSON) linksOf() links               { return p.Links }
func (p *postJSON) setEmbedded(e map[string]any) { p.Embedded = e }

// restBase is the route of a type: posts or pages.
func restBase(typ string) string {
	if typ == communique.TypePage {
		return "pages"
	}
	return "posts"
}

// Statuses between the store's words and WordPress's.
var (
	wpStatus = map[communique.Status]string{
		communique.StatusPublished: "publish", communique.StatusScheduled: "future", communique.StatusDraft: "draft",
		communique.StatusPending: "pending", communique.StatusTrash: "trash", communique.StatusPrivate: "private",
	}
	storeStatus = map[string]communique.Status{
		"publish": communique.StatusPublished, "future": communique.StatusScheduled, "draft": communique.StatusDraft,
		"pending": communique.StatusPending, "trash": communique.StatusTrash, "private": communique.StatusPrivate,
	}
)

// canCreate is edit_posts (or edit_pages) in WordPress's words.
func canCreate(u *communique.User, typ string) bool {
	if typ == communique.TypePage {
		return communique.Can(u, communique.ActionCreatePage, nil)
	}
	return communique.Can(u, communique.ActionCreateArticle, nil)
}

// canEditOthers is edit_others_posts: may u edit an article that is not
// theirs? (WordPress offers wp:action-assign-author and -sticky on it.)
func canEditOthers(u *communique.User, typ string) bool {
	return communique.Can(u, communique.ActionEditArticle, &communique.Article{Type: typ, AuthorID: -1, Status: communique.StatusDraft})
}

// canRead reports whether the caller may see a: readers see what is
// public, the newsroom what it may edit, and private articles those who
// may read them (read_private_posts).
func (s *Server) canRead(c *caller, a *communique.Article) bool {
	return a.IsPublic(s.Now()) || c.User != nil && (communique.Can(c.User, communique.ActionEditArticle, a) ||
		communique.Can(c.User, communique.ActionReadPrivate, a))
}

// canReadProtected reports whether the caller may see a protected
// article's content and comments, as WordPress's
// can_access_password_content: those who may edit it, or whoever sends
// its password (?password=).
func canReadProtected(c *caller, a *communique.Article, password string) bool {
	return !a.Protected() || c.User != nil && communique.Can(c.User, communique.ActionEditArticle, a) || a.Unlocks(password)
}

// privateTitle is WordPress's get_the_title for a private post, which
// its REST API renders (it drops only the "Protected: " prefix).
func privateTitle(a *communique.Article) string {
	if a.Status == communique.StatusPrivate {
		return "Private: " + a.Title
	}
	return a.Title
}

// articleLink is the absolute URL of an article or page.
func (s *Server) articleLink(ctx context.Context, c *caller, a *communique.Article) string {
	var parents []string
	for parent, depth := a.ParentID, 0; parent != 0 && depth < 10; depth++ {
		p, err := s.store.FindArticleByID(ctx, parent)
		if err != nil {
			break
		}
		parents = append([]string{p.Slug}, parents...)
		parent = p.ParentID
	}
	return c.Base + communique.ArticlePath(a, c.Settings, parents)
}

// postOut renders an article in a context; edit fields only for those
// who may edit it. A protected article's content and excerpt are empty
// for callers without its password (postOutWith).
func (s *Server) postOut(ctx context.Context, c *caller, a *communique.Article, context string) *postJSON {
	return s.postOutWith(ctx, c, a, context, "")
}

func (s *Server) postOutWith(ctx context.Context, c *caller, a *communique.Article, context, password string) *postJSON {
	edit := context == contextEdit && c.User != nil && communique.Can(c.User, communique.ActionEditArticle, a)
	loc := c.Settings.Location
	date := a.PublishedAt
	if date.IsZero() {
		date = a.CreatedAt
	}
	base := "/wp/v2/" + restBase(a.Type)
	p := &postJSON{
		ID: a.ID, Date: wpDate(date, loc), DateGMT: wpDateGMT(a.PublishedAt),
		GUID:     rendered{Rendered: c.Base + "/?p=" + itoa(a.ID), Raw: rawIf(edit, c.Base+"/?p="+itoa(a.ID))},
		Modified: wpDate(a.ModifiedAt, loc), ModifiedGMT: wpDate(a.ModifiedAt, time.UTC),
		Slug: a.Slug, Status: wpStatus[a.Status], Type: a.Type, Link: s.articleLink(ctx, c, a),
		Title:  rendered{Rendered: html.EscapeString(privateTitle(a)), Raw: rawIf(edit, a.Title)},
		Author: a.AuthorID, FeaturedMedia: a.FeaturedMediaID,
		Excerpt: rendered{Rendered: excerptHTML(a.Summary), Raw: rawIf(edit, a.Excerpt), Protected: &falseValue},
		Links: links{
			"self":       {{Href: c.api(base + "/" + itoa(a.ID))}},
			"collection": {{Href: c.api(base)}},
			"author":     {{Href: c.api("/wp/v2/users/" + itoa(a.AuthorID)), Embeddable: true}},
			"replies":    {{Href: c.api("/wp/v2/comments?post=" + itoa(a.ID)), Embeddable: true}},
		},
	}
	p.Links["about"] = []link{{Href: c.api("/wp/v2/types/" + a.Type)}}
	p.Links["curies"] = curies
	// Media are attached to no post here: the list it leads to is empty,
	// as WordPress's is for a post without attachments.
	p.Links["wp:attachment"] = []link{{Href: c.api("/wp/v2/media?parent=" + itoa(a.ID))}}
	protected, hidden := a.Protected(), !canReadProtected(c, a, password)
	if protected {
		p.Excerpt.Protected = &trueValue
		if hidden {
			p.Excerpt.Rendered = ""
		}
	}
	if edit {
		pw := a.Password
		p.Password = &pw
		s.editExtras(c, a, p)
	}
	if context != contextEmbed {
		p.Meta = noMeta
		p.Content = &rendered{Rendered: a.HTML, Raw: rawIf(edit, a.Source), Protected: &falseValue}
		if protected {
			p.Content.Protected = &trueValue
			if hidden {
				p.Content.Rendered = ""
			}
		}
		if edit {
			zero := 0
			p.Content.BlockVersion = &zero
		}
		p.CommentStatus, p.PingStatus = "closed", "closed"
		if a.CommentsOpen {
			p.CommentStatus = "open"
		}
		empty := ""
		p.Template = &empty
	}
	p.Lang = a.Lang
	if a.FeaturedMediaID != 0 {
		p.Links["wp:featuredmedia"] = []link{{Href: c.api("/wp/v2/media/" + itoa(a.FeaturedMediaID)), Embeddable: true}}
	}
	if a.Type == communique.TypePage {
		parent, order := a.ParentID, a.MenuOrder
		p.Parent, p.MenuOrder = &parent, &order
		if a.ParentID != 0 {
			p.Links["up"] = []link{{Href: c.api(base + "/" + itoa(a.ParentID)), Embeddable: true}}
		}
		return p
	}
	if context != contextEmbed {
		sticky := a.Sticky
		p.Sticky, p.Format = &sticky, "standard"
		cats, tags := termIDs(a.Categories), termIDs(a.Tags)
		p.Categories, p.Tags = &cats, &tags
		authors := bylinesOut(a)
		p.Authors = &authors
	}
	p.Links["wp:term"] = []link{
		{Href: c.api("/wp/v2/categories?post=" + itoa(a.ID)), Embeddable: true, Taxonomy: "category"},
		{Href: c.api("/wp/v2/tags?post=" + itoa(a.ID)), Embeddable: true, Taxonomy: "post_tag"},
	}
	return p
}

func termIDs(terms []*communique.Term) []int64 {
	ids := []int64{}
	for _, t := range terms {
		ids = append(ids, t.ID)
	}
	return ids
}

// excerptHTML is the summary (plain text) as WordPress renders an excerpt.
func excerptHTML(summary string) string {
	if strings.TrimSpace(summary) == "" {
		return ""
	}
	return "<p>" + html.EscapeString(summary) + "</p>\n"
}

// postsQuery reads the filters of a list of posts or pages.
func (s *Server) postsQuery(c *caller, in *input, typ string, bad invalid) (communique.ArticleFilter, paging, string) {
	f := communique.ArticleFilter{Type: &typ}
	context := readContext(in, bad)
	pg := readPaging(in, bad)
	if search, ok := in.str("search", bad); ok {
		f.Search = search
		// A reader's search never matches the words of a protected
		// article, as WordPress's WP_Query keeps to those without one.
		f.WithoutPassword = c.User == nil && strings.TrimSpace(search) != ""
	}
	if ids, ok := in.ints("author", bad); ok {
		f.AuthorIDs = ids
	}
	if slugs, ok := in.strs("slug", bad); ok {
		if len(slugs) > 1 {
			bad["slug"] = "slug: only one slug at a time is supported by this site."
		} else if len(slugs) == 1 {
			f.Slug = &slugs[0]
		}
	}
	if typ == communique.TypePost {
		if q, ok := in.taxQuery("categories", bad); ok {
			f.CategoryIDs, f.AllCategories, f.CategoryChildren = nonEmpty(q.ids), q.all, q.children
		}
		if q, ok := in.taxQuery("tags", bad); ok {
			f.TagIDs, f.AllTags = nonEmpty(q.ids), q.all
		}
	}
	if t, ok := in.date("after", c.Settings.Location, bad); ok {
		after := t.Add(time.Microsecond) // "after" is exclusive; times are kept to the microsecond
		f.PublishedFrom = &after
	}
	if t, ok := in.date("before", c.Settings.Location, bad); ok {
		f.PublishedTo = &t
	}
	if by, ok := in.choice("orderby", bad, "date", "id", "modified", "slug", "title"); ok {
		f.OrderBy = by
	}
	if order, ok := in.choice("order", bad, "asc", "desc"); ok {
		f.Oldest = order == "asc"
	}
	readPostExtras(c, in, typ, &f, bad)
	f.Status = []communique.Status{communique.StatusPublished}
	if names, ok := in.strs("status", bad); ok {
		f.Status = nil
		for _, name := range names {
			switch st, known := storeStatus[name]; {
			case known:
				f.Status = append(f.Status, st)
			case name == "any":
				f.Status = append(f.Status, communique.StatusPublished, communique.StatusScheduled, communique.StatusDraft, communique.StatusPending, communique.StatusPrivate)
			default:
				bad["status"] = "status is not one of publish, future, draft, pending, private, trash, any."
			}
		}
		if len(f.Status) == 0 {
			f.Limit = -1
		}
	}
	return f, pg, context
}

// readPostExtras reads the rest of WordPress's list parameters: include
// and the exclude lists, tax_relation, sticky, parents, menu_order and
// the modification window.
func readPostExtras(c *caller, in *input, typ string, f *communique.ArticleFilter, bad invalid) {
	for name, dst := range map[string]*[]int64{"include": &f.IDs, "exclude": &f.ExcludeIDs, "author_exclude": &f.ExcludeAuthorIDs} {
		if ids, ok := in.ints(name, bad); ok && len(ids) > 0 {
			*dst = ids
		}
	}
	if typ == communique.TypePost {
		if q, ok := in.taxQuery("categories_exclude", bad); ok {
			f.ExcludeCategoryIDs, f.ExcludeCategoryChildren = q.ids, q.children
		}
		if q, ok := in.taxQuery("tags_exclude", bad); ok {
			f.ExcludeTagIDs = q.ids
		}
		if rel, ok := in.choice("tax_relation", bad, "AND", "OR"); ok {
			f.AnyTerm = rel == "OR"
		}
		if sticky, ok := in.boolean("sticky", bad); ok {
			f.Sticky = &sticky
		}
	} else {
		if ids, ok := in.ints("parent", bad); ok {
			f.ParentIDs = nonEmpty(ids)
		}
		if ids, ok := in.ints("parent_exclude", bad); ok {
			f.ExcludeParentIDs = ids
		}
		if n, ok := in.int("menu_order", bad); ok {
			order := int(n)
			f.MenuOrder = &order
		}
	}
	if t, ok := in.date("modified_after", c.Settings.Location, bad); ok {
		f.ModifiedFrom = &t
	}
	if t, ok := in.date("modified_before", c.Settings.Location, bad); ok {
		f.ModifiedTo = &t
	}
}

// editExtras adds what edit context shows those who may edit: the
// generated slug, the permalink template, and the wp:action-* links
// saying what the caller may do with the article.
func (s *Server) editExtras(c *caller, a *communique.Article, p *postJSON) {
	generated := markup.Slugify(a.Title)
	p.GeneratedSlug = &generated
	placeholder := "%postname%"
	if a.Type == communique.TypePage {
		placeholder = "%pagename%"
	}
	template := p.Link
	if i := strings.LastIndex(template, "/"+a.Slug+"/"); i >= 0 && a.Slug != "" {
		template = template[:i+1] + placeholder + template[i+1+len(a.Slug):]
	}
	p.PermalinkTemplate = &template
	self := p.Links["self"][0].Href
	action := func(rel string) { p.Links["wp:action-"+rel] = []link{{Href: self}} }
	if communique.Can(c.User, communique.ActionPublishArticle, a) {
		action("publish")
	}
	if canEditOthers(c.User, a.Type) {
		action("assign-author")
		if a.Type == communique.TypePost {
			action("sticky")
		}
	}
	if a.Type == communique.TypePost {
		action("assign-categories")
		action("assign-tags")
		if communique.Can(c.User, communique.ActionManageTerms, nil) {
			action("create-categories")
			action("create-tags")
		}
	}
}

func nonEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return []int64{0} // matches nothing, as an empty list asks
	}
	return ids
}

func (s *Server) handlePostList(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		in := queryInput(r)
		bad := invalid{}
		f, pg, context := s.postsQuery(c, in, typ, bad)
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, st := range f.Status {
			if st != communique.StatusPublished && !canCreate(c.User, typ) {
				s.fail(w, r, forbidden(c, "rest_forbidden_status", "Status is forbidden."))
				return
			}
		}
		if context == contextEdit && !canCreate(c.User, typ) {
			s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type."))
			return
		}
		if c.User != nil {
			f.VisibleTo(c.User)
		}
		var list []*communique.Article
		total := 0
		if f.Limit >= 0 {
			f.Offset, f.Limit = pg.start(), pg.PerPage
			var err error
			if list, total, err = s.store.FindArticles(r.Context(), f); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if err := setPaging(w, r, c, pg, total, "rest_post_invalid_page_number"); err != nil {
			s.fail(w, r, err)
			return
		}
		out := make([]*postJSON, 0, len(list))
		for _, a := range list {
			if !s.canRead(c, a) {
				continue
			}
			p := s.postOut(r.Context(), c, a, context)
			out = append(out, p)
		}
		writeList(s, w, r, out)
	}
}

// loadPost finds the article of the route's id and checks its type.
func (s *Server) loadPost(r *http.Request, typ string) (*communique.Article, error) {
	invalidPost := notFound("rest_post_invalid_id", "Invalid post ID.")
	a, err := findByRouteID(r, s.store.FindArticleByID, invalidPost)
	if err == nil && a.Type != typ {
		return nil, invalidPost
	}
	return a, err
}

// loadPostFor loads the route's post of type typ for a caller who may do
// action to it; anyone else gets denied.
func (s *Server) loadPostFor(r *http.Request, typ string, c *caller, action communique.Action, denied error) (*communique.Article, error) {
	a, err := s.loadPost(r, typ)
	if err == nil && !communique.Can(c.User, action, a) {
		return nil, denied
	}
	return a, err
}

func (s *Server) handlePostGet(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		context, err := readQueryContext(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a, err := s.loadPost(r, typ)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !s.canRead(c, a) {
			s.fail(w, r, forbidden(c, "rest_forbidden", "Sorry, you are not allowed to do that."))
			return
		}
		if context == contextEdit && !communique.Can(c.User, communique.ActionEditArticle, a) {
			s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit this post."))
			return
		}
		password := r.URL.Query().Get("password")
		if password != "" && a.Protected() && !a.Unlocks(password) {
			s.fail(w, r, &apiError{Status: http.StatusForbidden, Code: "rest_post_incorrect_password", Message: "Incorrect post password."})
			return
		}
		p := s.postOutWith(r.Context(), c, a, context, password)
		s.embed(r, []embedding{p})
		tagVersion(w, c, a)
		writeJSON(w, http.StatusOK, p)
	}
}

// postWrite is what a create or update asks for, read from the body.
type postWrite struct {
	upd        communique.ArticleUpdate
	categories *[]int64
	tags       *[]int64
}

// readPostWrite reads the writable fields; current is nil for a create.
func readPostWrite(c *caller, in *input, typ string, current *communique.Article, bad invalid) postWrite {
	var pw postWrite
	u := &pw.upd
	if v, ok := in.str("title", bad); ok {
		u.Title = &v
	}
	if v, ok := in.str("content", bad); ok && (current == nil || v != current.Source) {
		// WordPress clients write HTML; content sent back unchanged keeps
		// the article's own format (Markdown stays Markdown).
		html := communique.FormatHTML
		u.Source, u.Format = &v, &html
	}
	if v, ok := in.str("excerpt", bad); ok {
		if strings.Contains(v, "<") {
			v = markup.PlainText(v) // excerpts are kept as text
		}
		u.Excerpt = &v
	}
	if v, ok := in.str("slug", bad); ok {
		u.Slug = &v
	}
	if v, ok := in.choice("status", bad, "publish", "future", "draft", "pending", "private"); ok {
		st := storeStatus[v]
		u.Status = &st
	}
	if t, ok := in.date("date_gmt", time.UTC, bad); ok {
		u.PublishedAt = &t
	} else if t, ok := in.date("date", c.Settings.Location, bad); ok {
		u.PublishedAt = &t
	}
	if v, ok := in.int("author", bad); ok {
		u.AuthorID = &v
	}
	if typ == communique.TypePost {
		u.Bylines = readBylines(in, bad)
	}
	if v, ok := in.choice("comment_status", bad, "open", "closed"); ok {
		open := v == "open"
		u.CommentsOpen = &open
	}
	in.choice("ping_status", bad, "open", "closed") // accepted; the site sends no pings
	if v, ok := in.int("featured_media", bad); ok {
		u.FeaturedMediaID = &v
	}
	if v, ok := in.str("lang", bad); ok {
		u.Lang = &v
	}
	if v, ok := in.str("password", bad); ok {
		u.Password = &v
	}
	// The theme has no page templates: "" (the default) is the only one.
	if v, ok := in.str("template", bad); ok && v != "" {
		bad["template"] = "template is not one of ."
	}
	readMeta(in, bad)
	if typ == communique.TypePage {
		if v, ok := in.int("parent", bad); ok {
			u.ParentID = &v
		}
		if v, ok := in.int("menu_order", bad); ok {
			n := int(v)
			u.MenuOrder = &n
		}
		return pw
	}
	if v, ok := in.boolean("sticky", bad); ok {
		u.Sticky = &v
	}
	if v, ok := in.str("format", bad); ok && v != "standard" {
		bad["format"] = "format is not one of standard."
	}
	if ids, ok := in.ints("categories", bad); ok {
		pw.categories = &ids
	}
	if ids, ok := in.ints("tags", bad); ok {
		pw.tags = &ids
	}
	return pw
}

// checkWrite applies the capability rules to what a write asks for:
// publishing, and writing as someone else.
func (s *Server) checkWrite(r *http.Request, c *caller, pw postWrite, probe *communique.Article) error {
	if st := pw.upd.Status; st != nil && (*st == communique.StatusPublished || *st == communique.StatusScheduled || *st == communique.StatusPrivate) &&
		!communique.Can(c.User, communique.ActionPublishArticle, probe) {
		return &apiError{Status: http.StatusForbidden, Code: "rest_cannot_publish", Message: "Sorry, you are not allowed to publish posts in this post type."}
	}
	if id := pw.upd.AuthorID; id != nil && *id != probe.AuthorID {
		as := *probe
		as.AuthorID = *id
		if !communique.Can(c.User, communique.ActionEditArticle, &as) {
			return &apiError{Status: http.StatusForbidden, Code: "rest_cannot_edit_others", Message: "Sorry, you are not allowed to update posts as this user."}
		}
		if _, err := s.store.FindUserByID(r.Context(), *id); err != nil {
			if communique.ErrorCode(err) == communique.ENOTFOUND {
				return badRequest("rest_invalid_author", "Invalid author ID.")
			}
			return err
		}
	}
	return nil
}

func (s *Server) handlePostCreate(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		if !canCreate(c.User, typ) {
			s.fail(w, r, forbidden(c, "rest_cannot_create", "Sorry, you are not allowed to create posts as this user."))
			return
		}
		in, err := readInput(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if in.has("id") {
			s.fail(w, r, badRequest("rest_post_exists", "Cannot create existing post."))
			return
		}
		bad := invalid{}
		pw := readPostWrite(c, in, typ, nil, bad)
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		u := pw.upd
		a := &communique.Article{Type: typ, AuthorID: c.User.ID, Status: communique.StatusDraft, Format: communique.FormatHTML,
			CommentsOpen: c.Settings.CommentsOpenDefault}
		if err := s.checkWrite(r, c, pw, a); err != nil {
			s.fail(w, r, err)
			return
		}
		setIf(&a.Title, u.Title)
		setIf(&a.Source, u.Source)
		setIf(&a.Format, u.Format)
		setIf(&a.Excerpt, u.Excerpt)
		setIf(&a.Slug, u.Slug)
		setIf(&a.Status, u.Status)
		setIf(&a.PublishedAt, u.PublishedAt)
		setIf(&a.AuthorID, u.AuthorID)
		setIf(&a.CommentsOpen, u.CommentsOpen)
		setIf(&a.FeaturedMediaID, u.FeaturedMediaID)
		setIf(&a.Sticky, u.Sticky)
		setIf(&a.ParentID, u.ParentID)
		setIf(&a.MenuOrder, u.MenuOrder)
		setIf(&a.Lang, u.Lang)
		setIf(&a.Password, u.Password)
		setIf(&a.Bylines, u.Bylines)
		var cats, tags []int64
		setIf(&cats, pw.categories)
		setIf(&tags, pw.tags)
		if err := s.articles.Create(r.Context(), newsroom.As(c.User), a, cats, tags); err != nil {
			s.fail(w, r, err)
			return
		}
		p := s.postOut(r.Context(), c, a, contextEdit)
		w.Header().Set("Location", p.Links["self"][0].Href)
		tagVersion(w, c, a)
		writeJSON(w, http.StatusCreated, p)
	}
}

func setIf[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func (s *Server) handlePostUpdate(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		a, err := s.loadPostFor(r, typ, c, communique.ActionEditArticle, forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		in, err := readInput(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		bad := invalid{}
		pw := readPostWrite(c, in, typ, a, bad)
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.checkWrite(r, c, pw, a); err != nil {
			s.fail(w, r, err)
			return
		}
		upd := pw.upd
		upd.CategoryIDs, upd.TagIDs = pw.categories, pw.tags
		if upd.BaseVersion, err = ifMatchBase(r, a); err != nil {
			s.fail(w, r, err)
			return
		}
		updated, err := s.articles.Update(r.Context(), newsroom.As(c.User), a.ID, upd)
		if err != nil {
			s.fail(w, r, staleOr(err))
			return
		}
		tagVersion(w, c, updated)
		writeJSON(w, http.StatusOK, s.postOut(r.Context(), c, updated, contextEdit))
	}
}

// deleted is the answer to a forced delete.
type deleted struct {
	Deleted  bool `json:"deleted"`
	Previous any  `json:"previous"`
}

func (s *Server) handlePostDelete(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		a, err := s.loadPostFor(r, typ, c, communique.ActionDeleteArticle, forbidden(c, "rest_cannot_delete", "Sorry, you are not allowed to delete this post."))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		force, err := readForce(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if force {
			s.deleteForever(w, r, s.postOut(r.Context(), c, a, contextEdit), func() error {
				return s.articles.Delete(r.Context(), newsroom.As(c.User), a.ID)
			})
			return
		}
		if a.Status == communique.StatusTrash {
			s.fail(w, r, &apiError{Status: http.StatusGone, Code: "rest_already_trashed", Message: "The post has already been deleted."})
			return
		}
		updated, err := s.articles.Trash(r.Context(), newsroom.As(c.User), a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.postOut(r.Context(), c, updated, contextEdit))
	}
}

// articleService is the configured article service, or one over the
// store telling Notify, for APIs built without one (tests).
func articleService(cfg Config) *newsroom.Service {
	return newsroom.ServiceOr(cfg.Articles, cfg.Store, cfg.Notify)
}
