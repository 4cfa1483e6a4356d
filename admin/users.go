package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/accounts"
)

type usersPage struct {
	base
	Users []*communique.User
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	users, err := s.store.FindUsers(r.Context(), communique.UserFilter{})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", usersPage{base: s.base(r, rq, "Users", "users"), Users: users})
}

type userEditPage struct {
	base
	ID          int64
	Login       string
	DisplayName string
	Email       string
	Role        string
	Roles       []communique.Role
	Others      []*communique.User
	Errors      map[string]string
}

func (s *Server) handleUserNew(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	s.render(w, r, http.StatusOK, "user_edit", userEditPage{base: s.base(r, rq, "New user", "users"), Role: string(communique.RoleAuthor), Roles: communique.Roles})
}

func (s *Server) handleUserEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	u, err := s.store.FindUserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data := userEditPage{base: s.base(r, rq, s.words(rq).T("adm_users.edit", u.Login), "users"), ID: u.ID, Login: u.Login, DisplayName: u.DisplayName,
		Email: u.Email, Role: string(u.Role), Roles: communique.Roles}
	s.others(r, &data)
	s.render(w, r, http.StatusOK, "user_edit", data)
}

func (s *Server) others(r *http.Request, data *userEditPage) {
	all, _ := s.store.FindUsers(r.Context(), communique.UserFilter{})
	for _, u := range all {
		if u.ID != data.ID {
			data.Others = append(data.Others, u)
		}
	}
}

// handleUserSave creates a user or changes one (role, names, password)
// through the account service. A role or password change signs the user
// out everywhere, so new rights start from a fresh session.
func (s *Server) handleUserSave(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	ctx := r.Context()
	f := r.PostForm
	data := userEditPage{base: s.base(r, rq, "User", "users"), Login: strings.TrimSpace(f.Get("login")), DisplayName: f.Get("display_name"),
		Email: strings.TrimSpace(f.Get("email")), Role: f.Get("role"), Roles: communique.Roles, Errors: map[string]string{}}
	data.ID, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	var pw *string
	if p := f.Get("password"); p != "" || data.ID == 0 {
		pw = &p
	}
	role := communique.Role(data.Role)
	var err error
	if data.ID == 0 {
		u := &communique.User{Login: data.Login, DisplayName: data.DisplayName, Email: data.Email, Role: role}
		err = s.accounts.Create(ctx, accounts.As(rq.User), u, *pw)
	} else {
		var signedOut bool
		_, signedOut, err = s.accounts.Update(ctx, accounts.As(rq.User), data.ID,
			accounts.Change{DisplayName: &data.DisplayName, Email: &data.Email, Role: &role, Password: pw})
		if err == nil && signedOut && data.ID == rq.User.ID {
			// One's own new role or password: carry on under a new session.
			err = s.startSession(w, r, rq.User)
		}
	}
	var weak *accounts.PasswordError
	switch {
	case err == nil:
		http.Redirect(w, r, "/admin/users?done=saved", http.StatusSeeOther)
		return
	case communique.ErrorCode(err) == communique.EINTERNAL:
		s.fail(w, r, rq, err)
		return
	case errors.As(err, &weak):
		data.Errors["password"] = communique.ErrorMessage(err)
	default:
		data.Errors["form"] = communique.ErrorMessage(err)
	}
	if u, err := s.store.FindUserByID(ctx, data.ID); err == nil {
		data.Login = u.Login
	}
	s.others(r, &data)
	s.render(w, r, http.StatusBadRequest, "user_edit", data)
}

// handleUserDelete deletes a user and gives their articles to another.
func (s *Server) handleUserDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionManageUsers, nil) {
		s.forbid(w, r, rq)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	to, _ := strconv.ParseInt(r.PostFormValue("reassign"), 10, 64)
	if err := s.accounts.Delete(r.Context(), accounts.As(rq.User), id, to); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=deleted", http.StatusSeeOther)
}
