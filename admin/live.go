package admin

import (
	"net/http"
	"strconv"

	"communique"
	"communique/newsroom"
)

// The live desk (/admin/posts/{id}/live): start a live blog on an
// article, post short entries from a compact composer, mark key events,
// edit or remove entries, end the coverage. Every change goes through the
// article service; readers' open pages get it pushed.

type livePage struct {
	base
	Article   *communique.Article
	PublicURL string
	Live      *communique.LiveBlog // nil: not a live blog yet
	Entries   []*communique.LiveEntry
	EditID    int64 // the entry whose edit form is open
	Form      liveForm
}

// liveForm is the composer's text and why it was refused.
type liveForm struct {
	Source   string
	KeyEvent bool
	Error    string
}

func (s *Server) handleLiveDesk(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	edit, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64)
	s.renderLiveDesk(w, r, rq, a, liveForm{}, edit, http.StatusOK)
}

func (s *Server) renderLiveDesk(w http.ResponseWriter, r *http.Request, rq *request, a *communique.Article, f liveForm, edit int64, status int) {
	ls := s.articles.LiveBlogs
	if ls == nil {
		s.fail(w, r, rq, communique.Errorf(communique.EINTERNAL, "this store keeps no live blogs"))
		return
	}
	data := livePage{base: s.base(r, rq, s.words(rq).T("adm_live.title", a.Title), "posts"), Article: a, Form: f, EditID: edit}
	if a.IsPublic(s.Now()) {
		data.PublicURL = communique.ArticlePath(a, rq.Settings, nil)
	}
	l, err := ls.FindLiveBlog(r.Context(), a.ID)
	switch communique.ErrorCode(err) {
	case "":
		data.Live = l
		if data.Entries, err = ls.FindLiveEntries(r.Context(), a.ID, 0); err != nil {
			s.fail(w, r, rq, err)
			return
		}
	case communique.ENOTFOUND:
	default:
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, status, "live", data)
}

func liveDeskURL(id int64, done string) string {
	return "/admin/posts/" + strconv.FormatInt(id, 10) + "/live?done=" + done
}

// handleLiveState starts, reopens or ends the article's live blog.
func (s *Server) handleLiveState(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	var err error
	done := "livestarted"
	if r.PostFormValue("action") == "end" {
		_, err = s.articles.EndLiveBlog(r.Context(), newsroom.As(rq.User), a.ID)
		done = "liveended"
	} else {
		_, err = s.articles.StartLiveBlog(r.Context(), newsroom.As(rq.User), a.ID)
	}
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, liveDeskURL(a.ID, done), http.StatusSeeOther)
}

// handleLiveEntryAdd posts an entry; a refused one comes back in the
// composer with its text and the reason.
func (s *Server) handleLiveEntryAdd(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	f := liveForm{Source: r.PostFormValue("source"), KeyEvent: r.PostFormValue("key_event") != ""}
	err := s.articles.AddLiveEntry(r.Context(), newsroom.As(rq.User), &communique.LiveEntry{ArticleID: a.ID, Source: f.Source, KeyEvent: f.KeyEvent})
	switch communique.ErrorCode(err) {
	case "":
		http.Redirect(w, r, liveDeskURL(a.ID, "entryposted"), http.StatusSeeOther)
	case communique.EINVALID:
		f.Error = communique.ErrorMessage(err)
		s.renderLiveDesk(w, r, rq, a, f, 0, http.StatusBadRequest)
	default:
		s.fail(w, r, rq, err)
	}
}

// liveEntryOf checks the route's entry belongs to the route's article.
func (s *Server) liveEntryOf(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Article, int64, bool) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return nil, 0, false
	}
	id, _ := strconv.ParseInt(r.PathValue("entry"), 10, 64)
	var e *communique.LiveEntry
	var err error
	if s.articles.LiveBlogs == nil {
		err = communique.Errorf(communique.EINTERNAL, "this store keeps no live blogs")
	} else if e, err = s.articles.LiveBlogs.FindLiveEntryByID(r.Context(), id); err == nil && e.ArticleID != a.ID {
		err = communique.Errorf(communique.ENOTFOUND, "Entry not found.")
	}
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, 0, false
	}
	return a, id, true
}

// handleLiveEntryEdit changes an entry's text and key-event mark.
func (s *Server) handleLiveEntryEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	a, id, ok := s.liveEntryOf(w, r, rq)
	if !ok {
		return
	}
	f := liveForm{Source: r.PostFormValue("source"), KeyEvent: r.PostFormValue("key_event") != ""}
	_, err := s.articles.EditLiveEntry(r.Context(), newsroom.As(rq.User), id, f.Source, f.KeyEvent)
	switch communique.ErrorCode(err) {
	case "":
		http.Redirect(w, r, liveDeskURL(a.ID, "entryedited"), http.StatusSeeOther)
	case communique.EINVALID:
		f.Error = communique.ErrorMessage(err)
		s.renderLiveDesk(w, r, rq, a, f, id, http.StatusBadRequest)
	default:
		s.fail(w, r, rq, err)
	}
}

// handleLiveEntryDelete removes an entry.
func (s *Server) handleLiveEntryDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	a, id, ok := s.liveEntryOf(w, r, rq)
	if !ok {
		return
	}
	if _, err := s.articles.DeleteLiveEntry(r.Context(), newsroom.As(rq.User), id); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, liveDeskURL(a.ID, "entrydeleted"), http.StatusSeeOther)
}
