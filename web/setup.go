package web

import (
	"net/http"
	"strings"

	"communique"
	"communique/password"
)

// setupPage is the one-time form that creates the first administrator.
type setupPage struct {
	pageData
	CSRF        string
	Login       string
	DisplayName string
	Email       string
	Errors      map[string]string
	Done        bool
}

// setupOpen reports whether no administrator exists yet; only then is
// /setup open, so it cannot be used to take over a running site.
func (s *Server) setupOpen(r *http.Request) (bool, error) {
	n, err := s.store.CountUsers(r.Context(), communique.RoleAdministrator)
	return n == 0, err
}

// offerSetup links an empty front page to /setup while no administrator
// exists. Such a page is kept out of the page cache: creating a user
// drops no cached page, and the link must go once the setup is done.
func (s *Server) offerSetup(r *http.Request, data *listPage) {
	if open, err := s.setupOpen(r); err == nil && open {
		data.SetupURL = "/setup"
		incomplete(r.Context())
	}
}

func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	open, err := s.setupOpen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	} else if !open {
		s.notFound(w, r)
		return
	}
	data := setupPage{CSRF: s.csrfToken(w, r)}
	s.fillPage(r, &data.pageData, "Set up your site")
	data.NoIndex = true
	s.render(w, r, http.StatusOK, "setup", data)
}

func (s *Server) handleSetupPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	open, err := s.setupOpen(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	} else if !open {
		s.notFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EINVALID, "The form could not be read."))
		return
	}
	data := setupPage{
		Login:       strings.TrimSpace(r.PostFormValue("login")),
		DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Email:       strings.TrimSpace(r.PostFormValue("email")),
		Errors:      map[string]string{},
	}
	pw := r.PostFormValue("password")
	status := http.StatusBadRequest
	if !s.checkCSRF(r) {
		data.Errors["form"] = "This form expired or did not come from this site. Please submit it again."
		status = http.StatusForbidden
	}
	u := &communique.User{Login: data.Login, DisplayName: data.DisplayName, Email: data.Email, Role: communique.RoleAdministrator}
	if err := u.Validate(); err != nil {
		field := "login"
		if !communique.ValidEmail(u.Email) {
			field = "email"
		}
		data.Errors[field] = communique.ErrorMessage(err)
	}
	if err := password.Validate(pw); err != nil {
		data.Errors["password"] = "The " + err.Error() + "."
	} else if pw != r.PostFormValue("password_confirm") {
		data.Errors["password_confirm"] = "The two passwords differ."
	}
	if len(data.Errors) == 0 {
		if u.PasswordHash, err = password.Hash(pw); err == nil {
			err = s.store.CreateFirstAdministrator(r.Context(), u)
		}
		if err != nil && communique.ErrorCode(err) == communique.EINTERNAL {
			s.renderError(w, r, err)
			return
		} else if communique.ErrorCode(err) == communique.ECONFLICT && strings.Contains(communique.ErrorMessage(err), "administrator") {
			s.notFound(w, r) // someone else finished the setup first
			return
		} else if err != nil {
			data.Errors["login"] = communique.ErrorMessage(err)
		} else {
			data.Done = true
			status = http.StatusOK
		}
	}
	data.CSRF = s.csrfToken(w, r)
	s.fillPage(r, &data.pageData, "Set up your site")
	data.NoIndex = true
	s.render(w, r, status, "setup", data)
}
