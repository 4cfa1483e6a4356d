package httpkit

import "net/http"

// Headers are the security headers a door sets on every answer, before
// its handler runs (which may tighten them: media files allow nothing).
// Every door also gets nosniff, and HSTS over TLS.
type Headers struct {
	ContentSecurityPolicy string
	ReferrerPolicy        string
	FrameOptions          string
	// CacheControl, when set, keeps every answer out of shared caches
	// unless its handler says otherwise.
	CacheControl string
}

// The doors' headers, side by side so they are reviewed together.
var (
	// SiteHeaders: pages load nothing from other sites (images in
	// articles may come from https), and only the site may frame them.
	SiteHeaders = Headers{
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
		FrameOptions:          "SAMEORIGIN",
	}
	// NewsroomHeaders: as the site, but never framed (clickjacking a
	// signed-in editor), nothing of its addresses leaves, and nothing of
	// it is kept by a cache.
	NewsroomHeaders = Headers{
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
		ReferrerPolicy:        "same-origin",
		FrameOptions:          "DENY",
		CacheControl:          "no-store",
	}
	// APIHeaders: JSON is data, never a document: a browser opening it
	// runs and loads nothing, and no page frames it.
	APIHeaders = Headers{
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
		ReferrerPolicy:        "no-referrer",
		FrameOptions:          "DENY",
	}
)

// Handler sets the headers, then runs next.
func (p Headers) Handler(next http.Handler) http.Handler {
	// Canonical keys and values made once: this runs for every request,
	// and Header.Set would canonicalize and allocate each time.
	type header struct {
		key   string
		value []string
	}
	set := []header{{"X-Content-Type-Options", []string{"nosniff"}}}
	for _, h := range []struct{ key, value string }{{"Content-Security-Policy", p.ContentSecurityPolicy},
		{"Referrer-Policy", p.ReferrerPolicy}, {"X-Frame-Options", p.FrameOptions}, {"Cache-Control", p.CacheControl}} {
		if h.value != "" {
			set = append(set, header{h.key, []string{h.value}})
		}
	}
	hsts := []string{"max-age=31536000"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, x := range set {
			h[x.key] = x.value
		}
		if r.TLS != nil {
			h["Strict-Transport-Security"] = hsts
		}
		next.ServeHTTP(w, r)
	})
}
