package admin

import (
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/password"
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
	data := userEditPage{base: s.base(r, rq, "Edit "+u.Login, "users"), ID: u.ID, Login: u.Login, DisplayName: u.DisplayName,
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

// handleUserSave creates a user or changes one (role, names, password).
// A role change signs the user out everywhere, so new rights start from a
// fresh session.
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
	pw := f.Get("password")
	var hash *string
	if pw != "" || data.ID == 0 {
		if err := password.Validate(pw); err != nil {
			data.Errors["password"] = "The " + err.Error() + "."
		} else if h, err := password.Hash(pw); err == nil {
			hash = &h
		}
	}
	role := communique.Role(data.Role)
	if len(data.Errors) == 0 {
		var err error
		if data.ID == 0 {
			u := &communique.User{Login: data.Login, DisplayName: data.DisplayName, Email: data.Email, Role: role, PasswordHash: *hash}
			err = s.store.CreateUser(ctx, u)
		} else {
			var before *communique.User
			if before, err = s.store.FindUserByID(ctx, data.ID); err == nil {
				data.Login = before.Login
				if data.ID == rq.User.ID && !strings.EqualFold(data.Email, before.Email) {
					// One's own address changes with the current password and
					// a confirmation from the new address (handleProfilePost).
					err = communique.Errorf(communique.EINVALID, "Change your own email address on your profile page: the new address is confirmed by email.")
				} else {
					_, err = s.store.UpdateUser(ctx, data.ID, communique.UserUpdate{DisplayName: &data.DisplayName, Email: &data.Email, Role: &role, PasswordHash: hash})
				}
				if err == nil && s.notify != nil && !strings.EqualFold(data.Email, before.Email) {
					// The person whose address an administrator changed hears of
					// it where they still read.
					s.notify.EmailChanged(ctx, &communique.User{ID: before.ID, Login: before.Login, DisplayName: before.DisplayName, Email: data.Email}, before.Email)
				}
				switch {
				case err != nil || (before.Role == role && hash == nil):
				case data.ID != rq.User.ID:
					s.store.DeleteUserSessions(ctx, data.ID, "")
				case before.Role != role:
					// Changing one's own role rotates the session too: new
					// rights under a new ID, every other browser signed out.
					if err = s.store.DeleteUserSessions(ctx, data.ID, ""); err == nil {
						err = s.startSession(w, r, rq.User)
					}
				}
			}
		}
		if err == nil {
			http.Redirect(w, r, "/admin/users?done=saved", http.StatusSeeOther)
			return
		}
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, rq, err)
			return
		}
		data.Errors["form"] = communique.ErrorMessage(err)
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
	if id == rq.User.ID {
		s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "You cannot delete yourself."))
		return
	}
	if err := s.store.DeleteUser(r.Context(), id, to); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/users?done=deleted", http.StatusSeeOther)
}
