// Package accounts is the account service: the one way for the newsroom,
// the REST API and the command line to create, change and delete the
// accounts of the people who work on a site, and their application
// passwords. It checks who may do what
// (the capability table), hashes passwords, and raises the side effects
// once: a changed role or password signs the account out everywhere, and
// an address changed by an administrator is told to the old address.
package accounts

import (
	"context"
	"strings"

	"communique"
	"communique/password"
)

// Store is what the service needs of the store.
type Store interface {
	FindUserByID(ctx context.Context, id int64) (*communique.User, error)
	CreateUser(ctx context.Context, u *communique.User) error
	UpdateUser(ctx context.Context, id int64, upd communique.UserUpdate) (*communique.User, error)
	DeleteUser(ctx context.Context, id, reassignTo int64) error
	DeleteUserSessions(ctx context.Context, userID int64, keepID string) error
	CreateAppPassword(ctx context.Context, p *communique.AppPassword) error
	FindAppPasswords(ctx context.Context, userID int64) ([]*communique.AppPassword, error)
	DeleteAppPassword(ctx context.Context, userID, id int64) error
}

// Notifier tells an old address that an account's address changed.
type Notifier interface {
	EmailChanged(ctx context.Context, u *communique.User, old string)
}

// Service is the account service.
type Service struct {
	store  Store
	notify Notifier // nil: a site that sends no email
}

// New returns the service; notify may be nil.
func New(store Store, notify Notifier) *Service {
	return &Service{store: store, notify: notify}
}

// Actor is who acts: a signed-in user, or the site itself (the command
// line, the demo), which may do anything.
type Actor struct {
	User   *communique.User
	system bool
}

// As is the actor for a signed-in user.
func As(u *communique.User) Actor { return Actor{User: u} }

// System is the site acting for its owner at the command line.
var System = Actor{system: true}

func (a Actor) manages() bool {
	return a.system || communique.Can(a.User, communique.ActionManageUsers, nil)
}

func (a Actor) is(id int64) bool { return a.User != nil && a.User.ID == id }

func forbidden(msg string) error { return communique.Errorf(communique.EFORBIDDEN, "%s", msg) }

// PasswordError is a password refused as too weak; a form shows it beside
// the password field.
type PasswordError struct{ Err *communique.Error }

func (e *PasswordError) Error() string { return e.Err.Error() }
func (e *PasswordError) Unwrap() error { return e.Err }

// hash checks a new password and hashes it.
func hash(plain string) (string, error) {
	if err := password.Validate(plain); err != nil {
		return "", &PasswordError{communique.Errorf(communique.EINVALID, "The %s.", err)}
	}
	return password.Hash(plain)
}

// Create makes an account with a password. Only those who manage users
// may; EINVALID for a weak password or a bad field, ECONFLICT for a login
// or an address that is taken.
func (s *Service) Create(ctx context.Context, by Actor, u *communique.User, plain string) error {
	if !by.manages() {
		return forbidden("Sorry, you are not allowed to create new users.")
	}
	if err := u.Validate(); err != nil {
		return err
	}
	h, err := hash(plain)
	if err != nil {
		return err
	}
	u.PasswordHash = h
	return s.store.CreateUser(ctx, u)
}

// Change is what an update may change; nil fields stay. Password is the
// new password in plain text.
type Change struct {
	DisplayName *string
	Email       *string
	Role        *communique.Role
	Bio         *string
	Password    *string
}

// Update changes account id. Administrators change any account; anyone
// else only their own name, biography and password, never their role.
// One's own address is changed through a confirmation sent to the new
// address (the newsroom's profile page), never here. A changed role or
// password signs the account out of every session; signedOut says so,
// so a door can start a new session for a user who changed their own.
func (s *Service) Update(ctx context.Context, by Actor, id int64, c Change) (u *communique.User, signedOut bool, err error) {
	before, err := s.store.FindUserByID(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if !by.is(id) && !by.manages() {
		return nil, false, forbidden("Sorry, you are not allowed to edit this user.")
	}
	roleChanges := c.Role != nil && *c.Role != before.Role
	if roleChanges && !by.manages() {
		return nil, false, forbidden("Sorry, you are not allowed to give users that role.")
	}
	emailChanges := c.Email != nil && !strings.EqualFold(strings.TrimSpace(*c.Email), before.Email)
	if emailChanges && by.is(id) {
		return nil, false, communique.Errorf(communique.EINVALID, "Change your own email address on your profile page: the new address is confirmed by email.")
	}
	upd := communique.UserUpdate{DisplayName: c.DisplayName, Email: c.Email, Role: c.Role, Bio: c.Bio}
	if c.Password != nil {
		h, err := hash(*c.Password)
		if err != nil {
			return nil, false, err
		}
		upd.PasswordHash = &h
	}
	if u, err = s.store.UpdateUser(ctx, id, upd); err != nil {
		return nil, false, err
	}
	if emailChanges && s.notify != nil {
		// The person whose address an administrator changed hears of it
		// where they still read.
		s.notify.EmailChanged(ctx, u, before.Email)
	}
	if roleChanges || upd.PasswordHash != nil {
		// New rights, or a new secret, start from fresh sessions.
		if err := s.store.DeleteUserSessions(ctx, id, ""); err != nil {
			return u, false, err
		}
		signedOut = true
	}
	return u, signedOut, nil
}

// Delete removes account id and gives its articles to reassignTo. Only
// those who manage users may, and never their own account.
func (s *Service) Delete(ctx context.Context, by Actor, id, reassignTo int64) error {
	if !by.manages() {
		return forbidden("Sorry, you are not allowed to delete this user.")
	}
	if by.is(id) {
		return communique.Errorf(communique.EINVALID, "You cannot delete yourself.")
	}
	return s.store.DeleteUser(ctx, id, reassignTo)
}

// mayManage reports whether the actor may act on account id's
// application passwords: their own, or anyone's for an administrator.
func (a Actor) mayManage(id int64) bool { return a.is(id) || a.manages() }

// CreateAppPassword makes an application password named name for the
// program of account userID and returns it with its plain text, which is
// shown once: only its hash is kept.
func (s *Service) CreateAppPassword(ctx context.Context, by Actor, userID int64, name string) (*communique.AppPassword, string, error) {
	if !by.mayManage(userID) {
		return nil, "", forbidden("Sorry, you are not allowed to create application passwords for this user.")
	}
	plain := password.NewApplication()
	h, err := password.Hash(password.NormalizeApplication(plain))
	if err != nil {
		return nil, "", err
	}
	p := &communique.AppPassword{UserID: userID, Name: strings.TrimSpace(name), Hash: h}
	if err := s.store.CreateAppPassword(ctx, p); err != nil {
		return nil, "", err
	}
	return p, plain, nil
}

// AppPasswords lists account userID's application passwords, newest
// first.
func (s *Service) AppPasswords(ctx context.Context, by Actor, userID int64) ([]*communique.AppPassword, error) {
	if !by.mayManage(userID) {
		return nil, forbidden("Sorry, you are not allowed to list application passwords for this user.")
	}
	if _, err := s.store.FindUserByID(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.FindAppPasswords(ctx, userID)
}

// RevokeAppPassword revokes one of account userID's application
// passwords; the program using it is refused from its next request.
func (s *Service) RevokeAppPassword(ctx context.Context, by Actor, userID, id int64) error {
	if !by.mayManage(userID) {
		return forbidden("Sorry, you are not allowed to delete application passwords for this user.")
	}
	return s.store.DeleteAppPassword(ctx, userID, id)
}
