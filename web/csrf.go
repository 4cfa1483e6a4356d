package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
)

const csrfCookie = "communique_csrf"

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// csrfToken returns the token for forms on this response: an HMAC of a
// random per-browser cookie, so a page from another site can neither read
// nor forge it, and nodes sharing the site secret all accept it.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	value := ""
	if err == nil && len(c.Value) == 64 {
		value = c.Value
	} else {
		value = randomToken()
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	}
	return s.sign("csrf:" + value)
}

// checkCSRF reports whether the form's csrf_token matches the cookie.
func (s *Server) checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) != 64 {
		return false
	}
	want := s.sign("csrf:" + c.Value)
	return hmac.Equal([]byte(r.PostFormValue("csrf_token")), []byte(want))
}

func (s *Server) sign(msg string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
