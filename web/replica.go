package web

import (
	"net/http"
	"time"

	"communique"
)

// ReplicaReads lets anonymous readers' requests read from a database
// replica (communique.WithReplicaReads). Anyone who may have just written
// reads the primary, so they see their own writes at once: a request that
// writes (not GET or HEAD), a reader who has just commented (the fresh
// cookie, set for as long as they have something personal to see), an
// editor (the newsroom session), a REST client (Authorization), and for
// wroteFor after any write, anyone (the wrote cookie), which covers a
// commenter whose site keeps no fresh cookie.
func ReplicaReads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			http.SetCookie(w, &http.Cookie{Name: wroteCookie, Value: "1", Path: "/", MaxAge: int(wroteFor.Seconds()),
				HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		case r.Header.Get("Authorization") == "" && !hasCookie(r, freshCookie, sessionCookie, wroteCookie):
			r = r.WithContext(communique.WithReplicaReads(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// wroteCookie marks a browser that has just sent a write; for wroteFor
// it reads the primary, longer than a healthy replica trails it.
const (
	wroteCookie = "communique_wrote"
	wroteFor    = 10 * time.Second
)
