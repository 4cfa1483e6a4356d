package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"communique"
)

// The site's own look, from its settings: accent colour and type. It is a
// stylesheet of its own (the CSP allows no inline style), linked with a
// version made from the settings so browsers keep it until they change.

// fontStacks are system font stacks only: nothing is fetched from another
// site, and nothing shifts while a font loads.
var fontStacks = map[string]string{
	"sans":     `system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif`,
	"humanist": `Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif`,
}

// themeCSS is the stylesheet for the settings; "" when they keep the
// theme's defaults.
func themeCSS(st *communique.Settings) string {
	var b strings.Builder
	if st.ThemeAccent != "" {
		// Light scheme only: the dark scheme keeps its own light accent,
		// which stays readable on a dark page.
		b.WriteString("@media (prefers-color-scheme: light) { :root { --accent: " + st.ThemeAccent + "; } }\n")
	}
	if stack, ok := fontStacks[st.ThemeFont]; ok {
		b.WriteString(":root { --font-text: " + stack + "; }\n")
	}
	return b.String()
}

// themeURL is the address of the site's stylesheet; "" for none.
func themeURL(st *communique.Settings) string {
	css := themeCSS(st)
	if css == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(css))
	return "/theme.css?v=" + hex.EncodeToString(sum[:6])
}

// handleThemeCSS serves the stylesheet; it caches for a year, as its
// address changes with it.
func (s *Server) handleThemeCSS(w http.ResponseWriter, r *http.Request) {
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	css := themeCSS(st.settings)
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if r.URL.Query().Get("v") != "" && "/theme.css?v="+r.URL.Query().Get("v") == themeURL(st.settings) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	if r.Method != http.MethodHead {
		w.Write([]byte(css))
	}
}
