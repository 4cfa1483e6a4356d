package web

import (
	"crypto/hmac"
	"net/http"
	"strconv"
	"time"

	"communique"
)

// Private and password-protected articles (issue 22, item 7), as
// WordPress has them. The rules are the article's own (communique.Article
// Protected and Unlocks, communique.Can with ActionReadPrivate); this
// file is the public site's door to them:
//
//   - a private article is found only for a signed-in member of staff who
//     may read it (their session cookie already keeps the page out of the
//     shared cache), titled "Private: …"; for everyone else it is not
//     there (404), like a draft;
//   - a protected article's page shows its title and a password form; the
//     right password sets postpassCookie, an HMAC of the article and its
//     password under the site secret (never the password), scoped to the
//     article's path, and the page then shows the body and comments.
//     That cookie keeps the page out of the shared cache both ways: the
//     unlocked page is never stored, and a locked one is never served to
//     a reader who unlocked it.

// SessionReader tells who is signed in to the newsroom by the request's
// session cookie (the admin server is one).
type SessionReader interface {
	SessionUser(r *http.Request) (*communique.User, string, bool)
}

// postpassCookie holds the proof that a reader gave an article's password.
const postpassCookie = "communique_postpass"

// postpassFor is how long a given password is remembered: ten days, as
// WordPress's wp-postpass cookie.
const postpassFor = 10 * 24 * time.Hour

// postpassValue is the cookie's value for an article and its password:
// changing the password locks every reader out again.
func (s *Server) postpassValue(a *communique.Article) string {
	return s.sign("postpass:" + strconv.FormatInt(a.ID, 10) + ":" + a.Password)
}

// unlocked reports whether the reader gave the protected article's
// password (any article that is not protected is open).
func (s *Server) unlocked(r *http.Request, a *communique.Article) bool {
	if !a.Protected() {
		return true
	}
	if len(r.Header["Cookie"]) == 0 {
		return false
	}
	want := []byte(s.postpassValue(a))
	for _, c := range r.Cookies() {
		if c.Name == postpassCookie && hmac.Equal([]byte(c.Value), want) {
			return true
		}
	}
	return false
}

// staff returns the signed-in member of staff, or nil. Only requests with
// a session cookie ask the store.
func (s *Server) staff(r *http.Request) *communique.User {
	if s.Sessions == nil || !hasCookie(r, sessionCookie) {
		return nil
	}
	u, _, ok := s.Sessions.SessionUser(r)
	if !ok {
		return nil
	}
	return u
}

// mayRead reports whether the request may see the article on the site:
// public ones, and private ones for those with the capability.
func (s *Server) mayRead(r *http.Request, a *communique.Article) bool {
	if a.IsPublic(s.Now()) {
		return true
	}
	return a.Status == communique.StatusPrivate && communique.Can(s.staff(r), communique.ActionReadPrivate, a)
}

// visibleStatuses are the statuses the article lookups of a page try:
// private ones too when a session cookie comes with the request, and
// mayRead decides.
func visibleStatuses(r *http.Request) []communique.Status {
	if hasCookie(r, sessionCookie) {
		return publishedOrPrivate
	}
	return published
}

var publishedOrPrivate = []communique.Status{communique.StatusPublished, communique.StatusPrivate}

// handlePostPass takes the password form of a protected article: the
// right password sets the cookie and goes back to the article (303); a
// wrong one shows the form again with a message (403). The form is on a
// page shared from the cache, so it carries no per-reader token: the
// cross-origin check refuses posts from other sites, as for reactions.
func (s *Server) handlePostPass(w http.ResponseWriter, r *http.Request) {
	if err := crossOrigin.Check(r); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EFORBIDDEN, "This form did not come from this site."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EINVALID, "The form could not be read."))
		return
	}
	id, err := strconv.ParseInt(r.PostFormValue("post_id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	a, err := s.store.FindArticleByID(r.Context(), id)
	if communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && (!a.IsPublic(s.Now()) || !a.Protected()) {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	url := s.articleURL(r.Context(), st, a)
	if !a.Unlocks(r.PostFormValue("post_password")) {
		w.Header().Set("Cache-Control", "no-store")
		s.article(w, r, st, a, articleOptions{commentPage: 1, noRedirect: true, status: http.StatusForbidden, passwordWrong: true})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: postpassCookie, Value: s.postpassValue(a), Path: url, MaxAge: int(postpassFor.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// lockedArticle renders a protected article's page for a reader who has
// not given its password: the title, byline and date, and the form. It
// is the same for every reader, so the shared cache keeps it.
func (s *Server) lockedArticle(w http.ResponseWriter, r *http.Request, st *site, v *articleView, data articlePage, want string, opts articleOptions) {
	data.Description = v.Summary
	s.articleHead(r.Context(), st, &data.pageData, v)
	s.fillPageFrom(r, st, &data.pageData, v.Title, want)
	s.renderArticle(w, r, v.Type, data, opts)
}
