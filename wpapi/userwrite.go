package wpapi

import (
	"net/http"
	"strings"

	"communique"
	"communique/accounts"
)

// Users written through the API: POST /users, POST|PUT|PATCH /users/{id}
// and /users/me, DELETE /users/{id}?force=true&reassign=N, all through
// the account service, which checks who may do what. Fields WordPress
// keeps that this site has no place for (first_name, last_name, nickname,
// url, locale, meta) are accepted and ignored, as WordPress ignores
// unknown ones.

// userChange reads the fields an update may carry.
func userChange(in *input, bad invalid) accounts.Change {
	var c accounts.Change
	if v, ok := in.str("name", bad); ok {
		c.DisplayName = &v
	}
	if v, ok := in.str("email", bad); ok {
		v = strings.TrimSpace(v)
		c.Email = &v
	}
	if v, ok := in.str("description", bad); ok {
		c.Bio = &v
	}
	if v, ok := in.str("password", bad); ok {
		c.Password = &v
	}
	readMeta(in, bad)
	if roles, ok := in.strs("roles", bad); ok {
		switch {
		case len(roles) != 1:
			bad["roles"] = "A user has exactly one role here."
		case !communique.Role(roles[0]).Valid():
			bad["roles"] = "roles[0] is not one of administrator, editor, author, contributor, subscriber."
		default:
			role := communique.Role(roles[0])
			c.Role = &role
		}
	}
	return c
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if !communique.Can(c.User, communique.ActionManageUsers, nil) {
		s.fail(w, r, forbidden(c, "rest_cannot_create_user", "Sorry, you are not allowed to create new users."))
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var missing []string
	for _, k := range []string{"username", "email", "password"} {
		if !in.has(k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		s.fail(w, r, missingParams(missing...))
		return
	}
	bad := invalid{}
	login, _ := in.str("username", bad)
	change := userChange(in, bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	u := &communique.User{Login: strings.TrimSpace(login), Email: *change.Email, Role: communique.RoleSubscriber}
	if change.DisplayName != nil {
		u.DisplayName = *change.DisplayName
	}
	if change.Bio != nil {
		u.Bio = *change.Bio
	}
	if change.Role != nil {
		u.Role = *change.Role
	}
	if err := s.accounts.Create(r.Context(), accounts.As(c.User), u, *change.Password); err != nil {
		s.fail(w, r, userError(err))
		return
	}
	j := s.userOut(c, u, contextEdit)
	w.Header().Set("Location", j.Links["self"][0].Href)
	writeJSON(w, http.StatusCreated, j)
}

func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	id, ok := s.userRoute(w, r, c)
	if !ok {
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	change := userChange(in, bad)
	if in.has("username") {
		bad["username"] = "Username isn't editable."
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	u, _, err := s.accounts.Update(r.Context(), accounts.As(c.User), id, change)
	if err != nil {
		s.fail(w, r, userError(err))
		return
	}
	if c.User.ID == u.ID {
		c.User = u // the answer shows what the caller may now see of itself
	}
	writeJSON(w, http.StatusOK, s.userOut(c, u, contextEdit))
}

func (s *Server) handleUserDelete(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if c.User != nil && !communique.Can(c.User, communique.ActionManageUsers, nil) {
		s.fail(w, r, forbidden(c, "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user."))
		return
	}
	id, ok := s.userRoute(w, r, c)
	if !ok {
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	force, _ := in.boolean("force", bad)
	reassign, hasReassign := in.int("reassign", bad)
	switch {
	case bad.err() != nil:
		s.fail(w, r, bad.err())
		return
	case !hasReassign:
		s.fail(w, r, missingParams("reassign"))
		return
	case !force:
		s.fail(w, r, trashNotSupported("Users do not support trashing. Set 'force' to true to delete."))
		return
	}
	u, err := s.store.FindUserByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if reassign == id {
		s.fail(w, r, badRequest("rest_user_invalid_reassign", "Cannot reassign posts to user being deleted."))
		return
	}
	s.deleteForever(w, r, s.userOut(c, u, contextEdit), func() error {
		return userError(s.accounts.Delete(r.Context(), accounts.As(c.User), id, reassign))
	})
}

// userRoute reads the route's user id ("me" is the caller); a caller who
// is not signed in is refused before anything is read.
func (s *Server) userRoute(w http.ResponseWriter, r *http.Request, c *caller) (int64, bool) {
	if c.User == nil {
		s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "rest_not_logged_in", Message: "You are not currently logged in."})
		return 0, false
	}
	if r.PathValue("id") == "" { // /users/me
		return c.User.ID, true
	}
	id, ok := pathID(r)
	if !ok {
		s.fail(w, r, notFound("rest_user_invalid_id", "Invalid user ID."))
		return 0, false
	}
	if id != c.User.ID && !communique.Can(c.User, communique.ActionManageUsers, nil) {
		// Not "forbidden": ids of accounts one may not see are not probed.
		if _, err := s.store.FindUserByID(r.Context(), id); err != nil {
			s.fail(w, r, notFound("rest_user_invalid_id", "Invalid user ID."))
			return 0, false
		}
		s.fail(w, r, forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to edit this user."))
		return 0, false
	}
	return id, true
}

// userError gives the account service's refusals WordPress's codes.
func userError(err error) error {
	if err == nil {
		return nil
	}
	msg := communique.ErrorMessage(err)
	switch communique.ErrorCode(err) {
	case communique.ENOTFOUND:
		return notFound("rest_user_invalid_id", "Invalid user ID.")
	case communique.ECONFLICT:
		code := "existing_user_login"
		if strings.Contains(strings.ToLower(msg), "email") {
			code = "existing_user_email"
		}
		return badRequest(code, msg)
	case communique.EFORBIDDEN:
		if strings.Contains(msg, "role") {
			return &apiError{Status: http.StatusForbidden, Code: "rest_cannot_edit_roles", Message: msg}
		}
		return &apiError{Status: http.StatusForbidden, Code: "rest_cannot_edit", Message: msg}
	case communique.EINVALID:
		return badRequest("rest_invalid_param", msg)
	}
	return err
}

// The account service's store is the API's.
var _ accounts.Store = Store(nil)
