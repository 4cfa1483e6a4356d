package admin

import (
	"net/http"
	"strconv"
	"time"

	"communique"
	"communique/internal/httpkit"
	"communique/newsroom"
)

// conflictView is the stored version of an article beside the text whose
// save it refused: both in full, side by side, and the lines that differ.
type conflictView struct {
	Theirs  *communique.Article
	SavedBy string
	SavedAt time.Time
	Title   []diffLine
	Body    []diffLine
	Excerpt []diffLine
}

// renderConflict shows the editor again with the writer's text kept and
// the stored version beside it (409). The form now carries the stored
// version as its base, so saving it again is the merge: the writer has
// seen both and keeps what they choose.
func (s *Server) renderConflict(w http.ResponseWriter, r *http.Request, rq *request, data *editorPage, id int64, cause error) {
	ctx := r.Context()
	theirs, err := s.store.FindArticleByID(ctx, id)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	c := &conflictView{Theirs: theirs, SavedAt: theirs.ModifiedAt,
		Title: lineDiff(theirs.Title, data.ArticleTitle), Body: lineDiff(theirs.Source, data.Source), Excerpt: lineDiff(theirs.Excerpt, data.Excerpt)}
	if revs, err := s.store.FindRevisions(ctx, id); err == nil {
		for _, rev := range revs {
			if !rev.Autosave {
				if u, err := s.store.FindUserByID(ctx, rev.UserID); err == nil {
					c.SavedBy = u.Name()
				}
				break
			}
		}
	}
	data.Conflict, data.BaseVersion = c, theirs.Version
	data.Errors["form"] = communique.ErrorMessage(cause)
	s.renderEditor(w, r, rq, data, theirs, http.StatusConflict)
}

// handleTakeOver gives the signed-in user the article's edit lock even
// while someone else holds it; the other editor is told on their next
// renewal, and their saves are still checked against the version.
func (s *Server) handleTakeOver(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	if _, err := s.articles.OpenForEditing(r.Context(), newsroom.As(rq.User), a.ID, true); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(a.ID, 10)+"/edit?done=takenover", http.StatusSeeOther)
}

// handleLock renews the user's edit lock while the editor stays open and
// answers who holds it, so an editor whose lock was taken over learns it.
func (s *Server) handleLock(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	lock, err := s.articles.OpenForEditing(r.Context(), newsroom.As(rq.User), a.ID, false)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	resp := map[string]any{"id": a.ID}
	lockJSON(resp, lock, rq)
	httpkit.WriteJSON(w, http.StatusOK, resp)
}

// lockJSON adds who holds the lock to an answer of the editor's script.
func lockJSON(resp map[string]any, lock *communique.EditLock, rq *request) {
	resp["lock_mine"] = lock.UserID == rq.User.ID
	if lock.UserID != rq.User.ID {
		resp["lock_holder"] = lock.UserName
		resp["lock_since"] = lock.Since.In(rq.Settings.Location).Format("15:04")
	}
}

// noteForm is the form adding a correction or update, with what was typed
// and why it was refused.
type noteForm struct {
	Text  string
	Error string
}

// editorNotes fills the article's corrections and updates, and the form
// to add one when the article is public.
func (s *Server) editorNotes(r *http.Request, rq *request, data *editorPage, a *communique.Article, note *noteForm) error {
	notes, err := s.store.FindArticleNotes(r.Context(), []int64{a.ID})
	if err != nil {
		return err
	}
	data.Notes = notes
	if a.Type == communique.TypePost && a.IsPublic(s.Now()) {
		data.Note = note
		if note == nil {
			data.Note = &noteForm{}
		}
	}
	return nil
}

// handleNoteAdd publishes a correction or an update on the article; a
// refused one comes back in the editor with its text and the reason.
func (s *Server) handleNoteAdd(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	kind, text := r.PostFormValue("kind"), r.PostFormValue("text")
	_, err := s.articles.AddNote(r.Context(), newsroom.As(rq.User), a.ID, kind, text)
	switch communique.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(a.ID, 10)+"/edit?done="+kind+"#notes", http.StatusSeeOther)
	case communique.EINVALID:
		s.editArticle(w, r, rq, &noteForm{Text: text, Error: communique.ErrorMessage(err)})
	default:
		s.fail(w, r, rq, err)
	}
}
