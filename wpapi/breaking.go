package wpapi

import (
	"net/http"
	"strings"
	"time"

	"communique"
	"communique/newsroom"
)

// breakingJSON is /wp-json/communique/v1/breaking: the breaking-news
// banner every public page shows while it is on. Anyone may read it (it
// is on every page); editors switch it on, change it or switch it off.
type breakingJSON struct {
	Text   string  `json:"text"`
	URL    string  `json:"url"`
	Until  *string `json:"until"` // RFC 3339 in UTC; null: until switched off
	Active bool    `json:"active"`
}

func (s *Server) breakingOut(w http.ResponseWriter, r *http.Request, status int) {
	values, err := s.store.Settings(r.Context()) // after a change, what it stored
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b := communique.ParseSettings(values).Breaking()
	out := breakingJSON{Text: b.Text, URL: b.URL, Active: b.ShownAt(s.Now())}
	if !b.Until.IsZero() {
		u := b.Until.UTC().Format(time.RFC3339)
		out.Until = &u
	}
	writeJSON(w, status, out)
}

func (s *Server) handleBreakingGet(w http.ResponseWriter, r *http.Request) {
	s.breakingOut(w, r, http.StatusOK)
}

// handleBreakingSet takes text, url and until (RFC 3339; empty or null
// for none). An empty text switches the banner off.
func (s *Server) handleBreakingSet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionArrangeFront, nil) {
		s.fail(w, r, forbidden(c, "rest_forbidden", "Sorry, you are not allowed to change the breaking news."))
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	var b communique.BreakingNews
	b.Text, _ = in.str("text", bad)
	b.URL, _ = in.str("url", bad)
	if v, ok := in.get("until"); ok && v != nil {
		text, _ := in.str("until", bad)
		if text = strings.TrimSpace(text); text != "" {
			t, err := time.Parse(time.RFC3339, text)
			switch {
			case err != nil:
				bad["until"] = "until is not a date such as 2026-12-07T18:00:00Z."
			case !t.After(s.Now()):
				bad["until"] = "until must be in the future."
			}
			b.Until = t
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	if strings.TrimSpace(b.Text) == "" {
		b = communique.BreakingNews{} // off
	}
	if err := s.articles.SetBreaking(r.Context(), newsroom.As(c.User), b); err != nil {
		s.fail(w, r, err)
		return
	}
	s.breakingOut(w, r, http.StatusOK)
}
