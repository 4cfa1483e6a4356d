package admin

import (
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/accounts"
)

// Application passwords, on the profile page: each program that reaches
// the REST API gets its own, shown once, revocable alone.

// SessionUser returns the user signed in by the request's session cookie
// and the session's ID, for the REST API's cookie authentication (which
// also wants the session's nonce). It leaves the session untouched.
func (s *Server) SessionUser(r *http.Request) (*communique.User, string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, "", false
	}
	sess, err := s.store.FindSession(r.Context(), hashToken(c.Value))
	if err != nil {
		return nil, "", false
	}
	u, err := s.store.FindUserByID(r.Context(), sess.UserID)
	if err != nil || !communique.Can(u, communique.ActionReadAdmin, nil) {
		return nil, "", false
	}
	return u, sess.ID, true
}

// handleAppPasswordCreate makes an application password and shows it,
// once: only its hash is kept.
func (s *Server) handleAppPasswordCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	name := strings.TrimSpace(r.PostFormValue("app_password_name"))
	data := profileOf(rq.User)
	data.AppPasswordName = name
	p, plain, err := s.accounts.CreateAppPassword(r.Context(), accounts.As(rq.User), rq.User.ID, name)
	if err != nil {
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, rq, err)
			return
		}
		data.Errors = map[string]string{"app_password_name": communique.ErrorMessage(err)}
		s.renderProfilePage(w, r, rq, data, http.StatusBadRequest)
		return
	}
	data.AppPasswordName, data.NewAppPassword, data.NewAppPasswordFor = "", plain, p.Name
	s.renderProfilePage(w, r, rq, data, http.StatusOK)
}

// handleAppPasswordRevoke revokes one of the user's application
// passwords; programs using it are refused from the next request.
func (s *Server) handleAppPasswordRevoke(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Application password not found."))
		return
	}
	if err := s.accounts.RevokeAppPassword(r.Context(), accounts.As(rq.User), rq.User.ID, id); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/profile?done=revoked#app-passwords", http.StatusSeeOther)
}
