package wpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/accounts"
)

// Application passwords: /wp/v2/users/{id|me}/application-passwords, as
// WordPress 6.1 has them, through the account service. A password is
// named by a UUID in WordPress; here the UUID carries the password's id,
// so it is stable and needs no column of its own.

type appPasswordJSON struct {
	UUID     string  `json:"uuid"`
	AppID    string  `json:"app_id"`
	Name     string  `json:"name"`
	Created  string  `json:"created"`
	LastUsed *string `json:"last_used"`
	LastIP   *string `json:"last_ip"`
	Password string  `json:"password,omitempty"` // only when it is made
	Links    links   `json:"_links"`
}

const uuidPrefix = "00000000-0000-4000-8000-"

func appPasswordUUID(id int64) string { return fmt.Sprintf("%s%012x", uuidPrefix, id) }

func appPasswordID(uuid string) (int64, bool) {
	hex, ok := strings.CutPrefix(strings.ToLower(uuid), uuidPrefix)
	if !ok || len(hex) != 12 {
		return 0, false
	}
	id, err := strconv.ParseInt(hex, 16, 64)
	return id, err == nil && id > 0
}

// gmtDate is WordPress's gmdate('Y-m-d\TH:i:s').
func gmtDate(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05") }

func appPasswordOut(c *caller, userID int64, p *communique.AppPassword) *appPasswordJSON {
	j := &appPasswordJSON{UUID: appPasswordUUID(p.ID), Name: p.Name, Created: gmtDate(p.CreatedAt),
		Links: links{"self": {{Href: c.api("/wp/v2/users/" + itoa(userID) + "/application-passwords/" + appPasswordUUID(p.ID))}}}}
	if !p.LastUsedAt.IsZero() {
		used, ip := gmtDate(p.LastUsedAt), p.LastIP
		j.LastUsed, j.LastIP = &used, &ip
	}
	return j
}

func (s *Server) registerAppPasswords(m *http.ServeMux) {
	// {id} is a user's id or "me"; introspect is read as a {uuid}, which
	// one pattern per method keeps unambiguous.
	base := "/wp-json/wp/v2/users/{id}/application-passwords"
	m.HandleFunc("GET "+base, s.handleAppPasswordList)
	m.HandleFunc("POST "+base, s.handleAppPasswordCreate)
	m.HandleFunc("DELETE "+base, s.handleAppPasswordDeleteAll)
	m.HandleFunc("GET "+base+"/{uuid}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("uuid") == "introspect" {
			s.handleAppPasswordIntrospect(w, r)
			return
		}
		s.handleAppPasswordGet(w, r)
	})
	m.HandleFunc("DELETE "+base+"/{uuid}", s.handleAppPasswordDelete)
}

// appPasswordOwner reads the route's user ("me" is the caller) and checks
// that the caller may act on their passwords; refused answers WordPress's
// code for the action.
func (s *Server) appPasswordOwner(w http.ResponseWriter, r *http.Request, refused string) (*caller, int64, bool) {
	c := callerFrom(r.Context())
	id := int64(0)
	switch raw := r.PathValue("id"); {
	case raw == "me" && c.User != nil:
		id = c.User.ID
	case raw == "me":
	default:
		var ok bool
		if id, ok = pathID(r); !ok {
			s.fail(w, r, notFound("rest_user_invalid_id", "Invalid user ID."))
			return nil, 0, false
		}
	}
	if c.User == nil || (c.User.ID != id && !communique.Can(c.User, communique.ActionManageUsers, nil)) {
		s.fail(w, r, forbidden(c, refused, "Sorry, you are not allowed to manage application passwords for this user."))
		return nil, 0, false
	}
	if _, err := s.store.FindUserByID(r.Context(), id); err != nil {
		s.fail(w, r, notFound("rest_user_invalid_id", "Invalid user ID."))
		return nil, 0, false
	}
	return c, id, true
}

func (s *Server) handleAppPasswordList(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_list_application_passwords")
	if !ok {
		return
	}
	list, err := s.accounts.AppPasswords(r.Context(), accounts.As(c.User), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, mapItems(list, func(p *communique.AppPassword) *appPasswordJSON { return appPasswordOut(c, id, p) }))
}

func (s *Server) handleAppPasswordCreate(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_create_application_passwords")
	if !ok {
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !in.has("name") {
		s.fail(w, r, missingParams("name"))
		return
	}
	bad := invalid{}
	name, _ := in.str("name", bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	p, plain, err := s.accounts.CreateAppPassword(r.Context(), accounts.As(c.User), id, name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	j := appPasswordOut(c, id, p)
	j.Password = plain
	w.Header().Set("Location", j.Links["self"][0].Href)
	writeJSON(w, http.StatusCreated, j)
}

// findAppPassword finds the route's password among the user's.
func (s *Server) findAppPassword(w http.ResponseWriter, r *http.Request, c *caller, userID int64) (*communique.AppPassword, bool) {
	want, ok := appPasswordID(r.PathValue("uuid"))
	list, err := s.accounts.AppPasswords(r.Context(), accounts.As(c.User), userID)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	for _, p := range list {
		if ok && p.ID == want {
			return p, true
		}
	}
	s.fail(w, r, notFound("rest_application_password_not_found", "Application password not found."))
	return nil, false
}

func (s *Server) handleAppPasswordGet(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_read_application_password")
	if !ok {
		return
	}
	if p, ok := s.findAppPassword(w, r, c, id); ok {
		writeJSON(w, http.StatusOK, appPasswordOut(c, id, p))
	}
}

func (s *Server) handleAppPasswordDelete(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_delete_application_password")
	if !ok {
		return
	}
	p, ok := s.findAppPassword(w, r, c, id)
	if !ok {
		return
	}
	s.deleteForever(w, r, appPasswordOut(c, id, p), func() error {
		return s.accounts.RevokeAppPassword(r.Context(), accounts.As(c.User), id, p.ID)
	})
}

func (s *Server) handleAppPasswordDeleteAll(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_delete_application_passwords")
	if !ok {
		return
	}
	list, err := s.accounts.AppPasswords(r.Context(), accounts.As(c.User), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, p := range list {
		if err := s.accounts.RevokeAppPassword(r.Context(), accounts.As(c.User), id, p.ID); err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"deleted": true, "count": len(list)})
}

// handleAppPasswordIntrospect answers with the password the request was
// made with: only for one's own account, signed in with one.
func (s *Server) handleAppPasswordIntrospect(w http.ResponseWriter, r *http.Request) {
	c, id, ok := s.appPasswordOwner(w, r, "rest_cannot_introspect_app_password_for_non_authenticated_user")
	if !ok {
		return
	}
	if c.User.ID != id {
		s.fail(w, r, forbidden(c, "rest_cannot_introspect_app_password_for_non_authenticated_user",
			"The authenticated application password can only be introspected for the current user."))
		return
	}
	if c.App == nil {
		s.fail(w, r, notFound("rest_no_authenticated_app_password", "Cannot introspect application password."))
		return
	}
	writeJSON(w, http.StatusOK, appPasswordOut(c, id, c.App))
}
