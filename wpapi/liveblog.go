package wpapi

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"communique"
	"communique/newsroom"
)

// Live blogs: /wp-json/communique/v1/live/{id} reads an article's live
// blog (anyone, once the article is public) and starts or ends it
// ({"live": true|false}); /live/{id}/entries posts an entry
// ({"content": Markdown, "key_event": bool}); /live/{id}/entries/{entry}
// edits or deletes one. Writes are for those who may edit the article,
// through the article service, so open pages get them pushed as from the
// newsroom's live desk.

type liveBlogJSON struct {
	ID         int64            `json:"id"`
	Live       bool             `json:"live"`
	StartedGMT string           `json:"started_gmt"`
	EndedGMT   *string          `json:"ended_gmt"`
	Entries    []*liveEntryJSON `json:"entries"`
}

type liveEntryJSON struct {
	ID          int64          `json:"id"`
	Post        int64          `json:"post"`
	DateGMT     string         `json:"date_gmt"`
	ModifiedGMT string         `json:"modified_gmt"`
	KeyEvent    bool           `json:"key_event"`
	Author      int64          `json:"author"`
	AuthorName  string         `json:"author_name"`
	Content     renderedSource `json:"content"`
}

// renderedSource is rendered HTML, with the Markdown for editors.
type renderedSource struct {
	Rendered string `json:"rendered"`
	Raw      string `json:"raw,omitempty"`
}

func (s *Server) registerLiveBlogs(m *http.ServeMux) {
	const base = "/wp-json/communique/v1/live/{id}"
	m.HandleFunc("GET "+base, s.handleLiveBlogGet)
	for _, method := range []string{"POST", "PUT", "PATCH"} {
		m.HandleFunc(method+" "+base, s.handleLiveBlogSet)
		m.HandleFunc(method+" "+base+"/entries/{entry}", s.handleLiveEntryEdit)
	}
	m.HandleFunc("POST "+base+"/entries", s.handleLiveEntryAdd)
	m.HandleFunc("DELETE "+base+"/entries/{entry}", s.handleLiveEntryDelete)
}

func gmt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func liveEntryOut(e *communique.LiveEntry, editor bool) *liveEntryJSON {
	j := &liveEntryJSON{ID: e.ID, Post: e.ArticleID, DateGMT: gmt(e.CreatedAt), ModifiedGMT: gmt(e.UpdatedAt), KeyEvent: e.KeyEvent,
		Author: e.UserID, AuthorName: e.UserName, Content: renderedSource{Rendered: e.HTML}}
	if editor {
		j.Content.Raw = e.Source
	}
	return j
}

// liveArticle loads the route's post with its live blog: 404 when either
// is missing or the caller may not read the post.
func (s *Server) liveArticle(r *http.Request) (*communique.Article, *communique.LiveBlog, error) {
	invalid := notFound("rest_post_invalid_id", "Invalid post ID.")
	a, err := s.loadPost(r, communique.TypePost)
	if err != nil {
		return nil, nil, err
	}
	c := callerFrom(r.Context())
	if (!a.IsPublic(s.Now()) || !canReadProtected(c, a, r.URL.Query().Get("password"))) && !communique.Can(c.User, communique.ActionEditArticle, a) {
		return nil, nil, invalid
	}
	if s.articles.LiveBlogs == nil {
		return nil, nil, notFound("rest_no_live_blog", "This post is not a live blog.")
	}
	l, err := s.articles.LiveBlogs.FindLiveBlog(r.Context(), a.ID)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return a, nil, notFound("rest_no_live_blog", "This post is not a live blog.")
	}
	return a, l, err
}

func (s *Server) liveBlogOut(ctx context.Context, w http.ResponseWriter, r *http.Request, a *communique.Article, l *communique.LiveBlog, status int) {
	entries, err := s.articles.LiveBlogs.FindLiveEntries(ctx, a.ID, 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	editor := communique.Can(callerFrom(ctx).User, communique.ActionEditArticle, a)
	out := &liveBlogJSON{ID: a.ID, Live: l.Live(), StartedGMT: gmt(l.StartedAt), Entries: []*liveEntryJSON{}}
	if !l.Live() {
		end := gmt(l.EndedAt)
		out.EndedGMT = &end
	}
	for _, e := range entries {
		out.Entries = append(out.Entries, liveEntryOut(e, editor))
	}
	writeJSON(w, status, out)
}

func (s *Server) handleLiveBlogGet(w http.ResponseWriter, r *http.Request) {
	a, l, err := s.liveArticle(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.liveBlogOut(r.Context(), w, r, a, l, http.StatusOK)
}

// handleLiveBlogSet starts ({"live": true}) or ends ({"live": false}) the
// post's live blog.
func (s *Server) handleLiveBlogSet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	a, err := s.loadPostFor(r, communique.TypePost, c, communique.ActionEditArticle,
		forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to run this post's live blog."))
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
	live, ok := in.boolean("live", bad)
	if !ok && len(bad) == 0 {
		bad["live"] = "live (true to start, false to end) is required."
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	var l *communique.LiveBlog
	if live {
		l, err = s.articles.StartLiveBlog(r.Context(), newsroom.As(c.User), a.ID)
	} else {
		l, err = s.articles.EndLiveBlog(r.Context(), newsroom.As(c.User), a.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.liveBlogOut(r.Context(), w, r, a, l, http.StatusOK)
}

// entryInput reads content and key_event; content is required unless
// partial (an edit may change the mark alone).
func entryInput(w http.ResponseWriter, r *http.Request, e *communique.LiveEntry, partial bool) error {
	in, err := readInput(w, r)
	if err != nil {
		return err
	}
	bad := invalid{}
	if v, ok := in.str("content", bad); ok {
		e.Source = v
	} else if !partial && len(bad) == 0 {
		bad["content"] = "content (the entry's Markdown) is required."
	}
	if v, ok := in.boolean("key_event", bad); ok {
		e.KeyEvent = v
	}
	return bad.err()
}

func (s *Server) handleLiveEntryAdd(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	a, err := s.loadPostFor(r, communique.TypePost, c, communique.ActionEditArticle,
		forbidden(c, "rest_cannot_create", "Sorry, you are not allowed to post to this live blog."))
	if err == nil && s.articles.LiveBlogs == nil {
		err = notFound("rest_no_live_blog", "This post is not a live blog.")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e := &communique.LiveEntry{ArticleID: a.ID}
	if err := entryInput(w, r, e, false); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.articles.AddLiveEntry(r.Context(), newsroom.As(c.User), e); err != nil {
		s.fail(w, r, err)
		return
	}
	if got, err := s.articles.LiveBlogs.FindLiveEntryByID(r.Context(), e.ID); err == nil {
		e = got // with its writer's name
	}
	writeJSON(w, http.StatusCreated, liveEntryOut(e, true))
}

// routeEntry loads the route's entry of the route's post for a caller
// who may edit the post.
func (s *Server) routeEntry(r *http.Request, c *caller) (*communique.LiveEntry, error) {
	a, err := s.loadPostFor(r, communique.TypePost, c, communique.ActionEditArticle,
		forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to change this live blog."))
	if err != nil {
		return nil, err
	}
	missing := notFound("rest_live_entry_invalid_id", "Invalid live blog entry ID.")
	id, err := strconv.ParseInt(r.PathValue("entry"), 10, 64)
	if err != nil || id <= 0 || s.articles.LiveBlogs == nil {
		return nil, missing
	}
	e, err := s.articles.LiveBlogs.FindLiveEntryByID(r.Context(), id)
	if communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && e.ArticleID != a.ID {
		return nil, missing
	}
	return e, err
}

func (s *Server) handleLiveEntryEdit(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	e, err := s.routeEntry(r, c)
	if err == nil {
		err = entryInput(w, r, e, true)
	}
	if err == nil {
		e, err = s.articles.EditLiveEntry(r.Context(), newsroom.As(c.User), e.ID, e.Source, e.KeyEvent)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, liveEntryOut(e, true))
}

func (s *Server) handleLiveEntryDelete(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	e, err := s.routeEntry(r, c)
	if err == nil {
		e, err = s.articles.DeleteLiveEntry(r.Context(), newsroom.As(c.User), e.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "previous": liveEntryOut(e, true)})
}
