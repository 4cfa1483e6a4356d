package web

import (
	"crypto/hmac"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"communique"
	"communique/discussion"
)

// readerCookie names a reader for reactions: a random value and its
// signature, so the key cannot be chosen, only thrown away (and the
// per-address limit bounds that). It makes no page personal: the pages
// show counts, the same for everyone.
const readerCookie = "communique_reader"

// readerKey returns this browser's reader key, issuing a signed one when
// it has none or a forged one.
func (s *Server) readerKey(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(readerCookie); err == nil {
		if v, sig, ok := strings.Cut(c.Value, "."); ok && len(v) == 64 && hmac.Equal([]byte(sig), []byte(s.sign("reader:"+v))) {
			return v
		}
	}
	v := randomToken()
	http.SetCookie(w, &http.Cookie{Name: readerCookie, Value: v + "." + s.sign("reader:"+v), Path: "/", MaxAge: int(rememberFor.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	return v
}

// crossOrigin refuses reactions posted from other sites: the article
// page is shared from the cache, so it cannot carry a per-reader token.
var crossOrigin = http.NewCrossOriginProtection()

// handleCommentReact counts a reader's reaction, a plain form post that
// works without JavaScript, and goes back to the comment.
func (s *Server) handleCommentReact(w http.ResponseWriter, r *http.Request) {
	if err := crossOrigin.Check(r); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EFORBIDDEN, "This reaction did not come from this site."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EINVALID, "The reaction could not be read."))
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	articleID, _ := strconv.ParseInt(r.PostFormValue("article_id"), 10, 64)
	if _, err := s.discussion.React(r.Context(), discussion.ReactionSubmission{ArticleID: articleID, CommentID: id,
		ReaderKey: s.readerKey(w, r), IP: clientIP(r)}); err != nil {
		s.renderError(w, r, err)
		return
	}
	back := "/"
	if st, err := s.loadSite(r); err == nil {
		back = s.articleURLByID(r, st, articleID)
	}
	if sort := r.PostFormValue("sort"); discussion.ValidSort(sort) {
		back += "?" + url.Values{"sort": {sort}}.Encode()
	}
	http.Redirect(w, r, back+"#comment-"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// sortQuery returns the thread order a request asks for, or "".
func sortQuery(r *http.Request) string {
	if v := r.URL.Query().Get("sort"); discussion.ValidSort(v) {
		return v
	}
	return ""
}
