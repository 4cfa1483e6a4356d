package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"communique"
	"communique/mail"
)

// purposeEmail is the token purpose of an email change's confirmation.
const purposeEmail = "email"

// emailChangeValid is how long a confirmation link for a new address
// works.
const emailChangeValid = 24 * time.Hour

// RequestEmailChange starts the change of u's address to newEmail: the
// address must be valid and no other account's, and it changes only when
// the link sent there is opened by u (ConfirmEmailChange), so nobody can
// take an address they cannot read. The caller has checked u's current
// password. EINVALID, ECONFLICT.
func (s *Service) RequestEmailChange(ctx context.Context, u *communique.User, newEmail string) error {
	newEmail = strings.TrimSpace(newEmail)
	if problem := communique.EmailProblem(newEmail); problem != "" {
		return communique.Errorf(communique.EINVALID, "%s", problem)
	}
	if others, err := s.Store.FindUsers(ctx, communique.UserFilter{Email: &newEmail, Limit: 2}); err != nil {
		return err
	} else if len(others) > 0 && others[0].ID != u.ID {
		return communique.Errorf(communique.ECONFLICT, "Another account uses the email address %s.", newEmail)
	}
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	t := x.t
	tok := s.token(purposeEmail, u.ID, s.emailNonce(u, newEmail), s.now().Add(emailChangeValid))
	body := content{
		Intro:  []string{t.T("mail.email_change_intro", u.Login, x.title, newEmail)},
		Action: link{t.T("mail.email_change_action"), x.url("/admin/profile/email", url.Values{"token": {tok}, "email": {newEmail}})},
		Notes:  []string{t.T("mail.email_change_ignore")},
	}
	m, err := s.email(x, mail.Address{Name: u.Name(), Address: newEmail}, t.T("mail.email_change_subject", x.title), &body, thread{id: "email-change"}, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}

// emailNonce binds a confirmation link to the account's present address
// and password: once the address changes (the link used) or the password
// does, the link stops working.
func (s *Service) emailNonce(u *communique.User, newEmail string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("email-change\x00" + communique.NormalEmail(u.Email) + "\x00" + communique.NormalEmail(newEmail) + "\x00" + u.PasswordHash))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// EmailChangeStore is what confirming an address change needs.
type EmailChangeStore interface {
	UpdateUser(ctx context.Context, id int64, upd communique.UserUpdate) (*communique.User, error)
}

// ConfirmEmailChange applies a link sent by RequestEmailChange, for u
// (the signed-in user, who must be the one who asked), and tells the
// old address. ErrInvalidLink when the link is forged, expired, used, or
// someone else's; ECONFLICT when another account took the address since.
func (s *Service) ConfirmEmailChange(ctx context.Context, users EmailChangeStore, u *communique.User, token, newEmail string) (*communique.User, error) {
	id, nonce, ok := s.parseToken(token, purposeEmail)
	newEmail = strings.TrimSpace(newEmail)
	if !ok || id != u.ID || !hmac.Equal([]byte(nonce), []byte(s.emailNonce(u, newEmail))) {
		return nil, ErrInvalidLink
	}
	old := u.Email
	changed, err := users.UpdateUser(ctx, u.ID, communique.UserUpdate{Email: &newEmail})
	if err != nil {
		return nil, err
	}
	s.EmailChanged(ctx, changed, old)
	return changed, nil
}

// EmailChanged tells the old address that u's address is now u.Email, so
// an owner whose password was used by someone else, or whose address an
// administrator changed, learns of it where they still read. A failure is
// logged: the change is made.
func (s *Service) EmailChanged(ctx context.Context, u *communique.User, old string) {
	if !communique.ValidEmail(old) || strings.EqualFold(old, u.Email) {
		return
	}
	s.fail("email change notice", s.tellOldAddress(ctx, u, old), "user", u.ID)
}

func (s *Service) tellOldAddress(ctx context.Context, u *communique.User, old string) error {
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	t := x.t
	body := content{
		Intro: []string{t.T("mail.email_changed_intro", u.Login, x.title, u.Email)},
		Notes: []string{t.T("mail.email_changed_not_you")},
	}
	m, err := s.email(x, mail.Address{Name: u.Name(), Address: old}, t.T("mail.email_changed_subject", x.title), &body, thread{id: "email-changed"}, nil)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, []*communique.OutboxMessage{m})
}
