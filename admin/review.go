package admin

import (
	"net/http"
	"strconv"
	"time"

	"communique"
	"communique/newsroom"
)

// Review and handover: the review queue, internal notes on an article,
// returning it to its writer, and secret preview links.

// reviewer reports whether u reviews others' work (publishes it).
func reviewer(u *communique.User) bool {
	return communique.Can(u, communique.ActionPublishArticle, &communique.Article{AuthorID: -1, Status: communique.StatusPending})
}

type reviewPage struct {
	base
	Articles []*communique.Article
	Total    int
}

// handleReview lists the articles submitted for review, oldest first.
func (s *Server) handleReview(w http.ResponseWriter, r *http.Request, rq *request) {
	if !reviewer(rq.User) {
		s.forbid(w, r, rq)
		return
	}
	list, total, err := s.store.FindArticles(r.Context(), communique.ArticleFilter{Status: []communique.Status{communique.StatusPending},
		OrderBy: "modified", Oldest: true, Limit: 200})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, http.StatusOK, "review", reviewPage{base: s.base(r, rq, "Review queue", "review"), Articles: list, Total: total})
}

// deskView is what the editor shows of the desk's work on an article.
type deskView struct {
	Notes      []*communique.EditorialNote
	CanReturn  bool
	CanPreview bool
	Previews   []*communique.PreviewLink
	// NewPreviewURL is a link just made, shown this once.
	NewPreviewURL string
	Error         string
}

func (s *Server) editorDesk(r *http.Request, rq *request, data *editorPage, a *communique.Article) error {
	ctx := r.Context()
	d := &deskView{CanReturn: a.Status == communique.StatusPending && communique.Can(rq.User, communique.ActionPublishArticle, a),
		CanPreview: !a.IsPublic(s.Now()) && a.Status != communique.StatusTrash}
	var err error
	if d.Notes, err = s.store.FindEditorialNotes(ctx, a.ID); err != nil {
		return err
	}
	if d.Previews, err = s.store.FindPreviewLinks(ctx, a.ID); err != nil {
		return err
	}
	data.Desk = d
	return nil
}

// redirectToEditor sends the browser back to the article's editor.
func redirectToEditor(w http.ResponseWriter, r *http.Request, id int64, done, anchor string) {
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10)+"/edit?done="+done+anchor, http.StatusSeeOther)
}

// deskAnswer follows a desk action: back to the editor when done, the
// editor with the reason when refused, the error page otherwise.
func (s *Server) deskAnswer(w http.ResponseWriter, r *http.Request, rq *request, id int64, done string, err error) {
	switch communique.ErrorCode(err) {
	case "":
		redirectToEditor(w, r, id, done, "#desk")
	case communique.EINVALID:
		s.editArticle(w, r, rq, nil, func(d *deskView) { d.Error = communique.ErrorMessage(err) })
	default:
		s.fail(w, r, rq, err)
	}
}

func (s *Server) handleEditorialNote(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	_, err := s.articles.AddEditorialNote(r.Context(), newsroom.As(rq.User), a.ID, r.PostFormValue("text"))
	s.deskAnswer(w, r, rq, a.ID, "noted", err)
}

func (s *Server) handleReturn(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	if !communique.Can(rq.User, communique.ActionPublishArticle, a) {
		s.forbid(w, r, rq)
		return
	}
	_, err := s.articles.ReturnToWriter(r.Context(), newsroom.As(rq.User), a.ID, r.PostFormValue("text"))
	s.deskAnswer(w, r, rq, a.ID, "returned", err)
}

// previewTTLs are the lives a preview link may be given, by form value.
var previewTTLs = map[string]time.Duration{"1d": 24 * time.Hour, "3d": 72 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

// handlePreviewCreate makes a preview link and shows it this once: only
// its hash is kept.
func (s *Server) handlePreviewCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	ttl, ok := previewTTLs[r.PostFormValue("ttl")]
	if !ok {
		ttl = -1 // refused by the service with the allowed range
	}
	token, _, err := s.articles.CreatePreviewLink(r.Context(), newsroom.As(rq.User), a.ID, ttl)
	if err != nil {
		s.deskAnswer(w, r, rq, a.ID, "", err)
		return
	}
	s.editArticle(w, r, rq, nil, func(d *deskView) { d.NewPreviewURL = siteURL(r, rq) + "/preview/" + token })
}

func (s *Server) handlePreviewRevoke(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	linkID, err := strconv.ParseInt(r.PathValue("link"), 10, 64)
	if err != nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Preview link not found."))
		return
	}
	err = s.articles.RevokePreviewLink(r.Context(), newsroom.As(rq.User), a.ID, linkID)
	s.deskAnswer(w, r, rq, a.ID, "previewrevoked", err)
}

// siteURL is the site's public address for links given to others: the
// site_url setting, or the address this request came to.
func siteURL(r *http.Request, rq *request) string {
	if rq.Settings != nil && rq.Settings.SiteURL != "" {
		return rq.Settings.SiteURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
