package wpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"communique"
	"communique/markup"
	"communique/newsroom"
)

// Revisions and autosaves of posts and pages, as clients use them: /wp/v2/{posts,pages}/{id}/revisions[/{rid}] and
// /wp/v2/{posts,pages}/{id}/autosaves, for those who may edit the
// article (WordPress answers everyone else 401 or 403), and POST
// .../autosaves. Revisions are made by saving the article; its history in
// the newsroom restores one.

type revisionJSON struct {
	Author      int64    `json:"author"`
	Date        string   `json:"date"`
	DateGMT     string   `json:"date_gmt"`
	ID          int64    `json:"id"`
	Modified    string   `json:"modified"`
	ModifiedGMT string   `json:"modified_gmt"`
	Parent      int64    `json:"parent"`
	Slug        string   `json:"slug"`
	GUID        rendered `json:"guid"`
	Title       rendered `json:"title"`
	Content     rendered `json:"content"`
	Excerpt     rendered `json:"excerpt"`
	Links       links    `json:"_links"`
}

func (s *Server) registerRevisions(m *http.ServeMux) {
	for _, typ := range []string{communique.TypePost, communique.TypePage} {
		base := "/wp-json/wp/v2/" + restBase(typ) + "/{id}"
		m.HandleFunc("GET "+base+"/revisions", s.handleRevisions(typ, false))
		m.HandleFunc("GET "+base+"/revisions/{rid}", s.handleRevisions(typ, false))
		m.HandleFunc("GET "+base+"/autosaves", s.handleRevisions(typ, true))
		m.HandleFunc("GET "+base+"/autosaves/{rid}", s.handleRevisions(typ, true))
		m.HandleFunc("POST "+base+"/autosaves", s.handleAutosaveCreate(typ))
	}
}

// handleAutosaveCreate keeps the caller's unsaved title, content and
// excerpt of an article through the newsroom's Autosave (the article
// itself is unchanged), as the block editor's autosave does; what the
// body leaves out is the article's current text.
func (s *Server) handleAutosaveCreate(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		a, err := s.loadPost(r, typ)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !communique.Can(c.User, communique.ActionEditArticle, a) {
			s.fail(w, r, forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to edit this post."))
			return
		}
		in, err := readInput(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		bad := invalid{}
		rev := &communique.Revision{ArticleID: a.ID, Title: a.Title, Source: a.Source, Excerpt: a.Excerpt}
		if v, ok := in.str("title", bad); ok {
			rev.Title = v
		}
		if v, ok := in.str("content", bad); ok {
			rev.Source = v
		}
		if v, ok := in.str("excerpt", bad); ok {
			rev.Excerpt = v
		}
		if err := bad.err(); err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := s.articles.Autosave(r.Context(), newsroom.As(c.User), rev); err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.revisionOut(r.Context(), c, a, rev, contextEdit))
	}
}

// handleRevisions lists an article's revisions (or its autosaves), or
// answers one of them when the route names it.
func (s *Server) handleRevisions(typ string, autosaves bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerFrom(r.Context())
		view, err := readQueryContext(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		a, err := s.loadPost(r, typ)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !communique.Can(c.User, communique.ActionEditArticle, a) {
			s.fail(w, r, forbidden(c, "rest_cannot_read", "Sorry, you are not allowed to view revisions of this post."))
			return
		}
		list, err := s.store.FindRevisions(r.Context(), a.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var out []*revisionJSON
		for _, rev := range list {
			if rev.Autosave == autosaves {
				out = append(out, s.revisionOut(r.Context(), c, a, rev, view))
			}
		}
		raw := r.PathValue("rid")
		if raw == "" {
			writeJSON(w, http.StatusOK, mapItems(out, func(j *revisionJSON) *revisionJSON { return j }))
			return
		}
		id, _ := strconv.ParseInt(raw, 10, 64)
		for _, j := range out {
			if j.ID == id {
				writeJSON(w, http.StatusOK, j)
				return
			}
		}
		s.fail(w, r, notFound("rest_post_invalid_id", "Invalid revision ID."))
	}
}

func (s *Server) revisionOut(ctx context.Context, c *caller, a *communique.Article, rev *communique.Revision, view string) *revisionJSON {
	// A revision keeps its source, not its format: it is shown in the
	// article's format of today (the newsroom converts both together).
	body, err := markup.RenderBody(a.Format, rev.Source)
	if err != nil {
		body = "" // a revision that no longer renders shows no body
	}
	// A revision has no address of its own: its guid names it on its
	// article's page (a ?p= link would name another item).
	guid := s.articleLink(ctx, c, a) + "#revision-" + strconv.FormatInt(rev.ID, 10)
	kind := "revision"
	if rev.Autosave {
		kind = "autosave"
	}
	local, gmt := wpDate(rev.CreatedAt, c.Settings.Location), wpDate(rev.CreatedAt, time.UTC)
	edit := view == contextEdit
	j := &revisionJSON{Author: rev.UserID, Date: local, DateGMT: gmt, ID: rev.ID, Modified: local, ModifiedGMT: gmt, Parent: a.ID,
		Slug:    strconv.FormatInt(a.ID, 10) + "-" + kind + "-v1",
		GUID:    rendered{Raw: rawIf(edit, guid), Rendered: guid},
		Title:   rendered{Raw: rawIf(edit, rev.Title), Rendered: rev.Title},
		Content: rendered{Raw: rawIf(edit, rev.Source), Rendered: body, Protected: &falseValue},
		Excerpt: rendered{Raw: rawIf(edit, rev.Excerpt), Rendered: rev.Excerpt, Protected: &falseValue},
		Links:   links{"parent": {{Href: c.api("/wp/v2/" + restBase(a.Type) + "/" + itoa(a.ID))}}}}
	return j
}
