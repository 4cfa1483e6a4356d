package communique

import (
	"context"
	"net/mail"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a user's role; capabilities follow WordPress's defaults.
type Role string

// Roles, from most to least powerful.
const (
	RoleAdministrator Role = "administrator"
	RoleEditor        Role = "editor"
	RoleAuthor        Role = "author"
	RoleContributor   Role = "contributor"
	RoleSubscriber    Role = "subscriber"
)

// Roles lists every role, most powerful first.
var Roles = []Role{RoleAdministrator, RoleEditor, RoleAuthor, RoleContributor, RoleSubscriber}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, known := range Roles {
		if r == known {
			return true
		}
	}
	return false
}

// User is somebody who can sign in to the newsroom.
type User struct {
	ID          int64  `json:"id"`
	Login       string `json:"login"`
	Slug        string `json:"slug"` // the author archive's URL segment
	DisplayName string `json:"display_name"`
	// Bio is a few plain-text lines about the author, shown on their
	// author page.
	Bio string `json:"bio,omitempty"`
	// PhotoID is the author's photo in the media library, 0 for none.
	PhotoID int64  `json:"photo_id,omitempty"`
	Email   string `json:"-"`
	Role    Role   `json:"role"`
	// PasswordHash is an argon2id PHC string; empty for imported authors
	// who have not set a password yet and so cannot sign in.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	// Language is the newsroom's language for this person (BCP 47);
	// empty: the site's.
	Language string `json:"language,omitempty"`
}

// MaxBioLength bounds an author's biography.
const MaxBioLength = 2000

var loginPattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,60}$`)

// Validate checks a user's fields.
func (u *User) Validate() error {
	switch {
	case !loginPattern.MatchString(u.Login):
		return Errorf(EINVALID, "Login must be 1 to 60 letters, digits or . _ @ -.")
	case EmailProblem(u.Email) != "":
		return Errorf(EINVALID, "%s", EmailProblem(u.Email))
	case !u.Role.Valid():
		return Errorf(EINVALID, "Unknown role %q (one of administrator, editor, author, contributor, subscriber).", u.Role)
	case !ValidText(u.DisplayName):
		return Errorf(EINVALID, "The display name must be valid UTF-8, without NUL characters.")
	case len(u.DisplayName) > 250:
		return Errorf(EINVALID, "Display name is too long (at most 250 characters).")
	case !ValidText(u.Bio):
		return Errorf(EINVALID, "The biography must be valid UTF-8, without NUL characters.")
	case utf8.RuneCountInString(u.Bio) > MaxBioLength:
		return Errorf(EINVALID, "The biography is too long (at most %d characters).", MaxBioLength)
	case u.Language != "" && !ValidLanguageTag(u.Language):
		return Errorf(EINVALID, "Language must be a BCP 47 tag such as fr or pt-BR.")
	}
	return nil
}

// Name returns the name to show for the user.
func (u *User) Name() string {
	if strings.TrimSpace(u.DisplayName) != "" {
		return u.DisplayName
	}
	return u.Login
}

// ValidEmail reports whether s is a plain address (no display name) of at
// most 100 characters, the length WordPress allows, whose domain is a
// name: an address literal such as eve@[127.0.0.1] is refused (see
// EmailProblem).
func ValidEmail(s string) bool {
	return EmailProblem(s) == ""
}

// EmailProblem says why s is not an address Communiqué accepts, in words
// for the person who typed it, or "" when it is one. Mail to an address
// literal goes to whatever host the sender names, inside networks
// included, and no real person's address needs one.
func EmailProblem(s string) string {
	if len(s) > 100 {
		return "The email address is too long (at most 100 characters)."
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 || strings.ContainsAny(s, " \t\r\n<>") {
		return "Please enter a valid email address, such as name@example.com."
	}
	if domain := s[at+1:]; strings.HasPrefix(domain, "[") || isIPDomain(domain) {
		return "Please use an address with a domain name, such as name@example.com: addresses at an IP address are not accepted."
	}
	if !WellFormedEmail(s) {
		return "Please enter a valid email address, such as name@example.com."
	}
	return ""
}

// WellFormedEmail reports whether s parses as a plain address with a dot
// in its domain, literals included: the rule before literals were
// refused, which finding and erasing data stored back then still needs.
func WellFormedEmail(s string) bool {
	if len(s) > 100 || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// isIPDomain reports whether a domain is an IP address written without
// brackets (user@127.0.0.1), which mail software treats as a literal.
func isIPDomain(domain string) bool {
	_, err := netip.ParseAddr(strings.TrimSuffix(domain, "."))
	return err == nil
}

// NormalEmail is the form of an address that tells accounts apart: one
// address is one account whatever its case (the unique index of both
// stores is on the same lower-cased form).
func NormalEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// UserFilter selects users. Nil fields are "any".
type UserFilter struct {
	ID    *int64
	Login *string
	Slug  *string
	Email *string
	Role  *Role
	// HasPublished selects users with a published article or page: the
	// only ones the public may learn about, as authors.
	HasPublished bool
	Limit        int
}

// UserService manages users.
type UserService interface {
	// FindUserByID returns ENOTFOUND when there is no such user.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUsers returns matching users ordered by login.
	FindUsers(ctx context.Context, filter UserFilter) ([]*User, error)
	// CreateUser stores a user. ECONFLICT when the login is taken.
	CreateUser(ctx context.Context, u *User) error
	// CountUsers returns how many users have the role ("" for all).
	CountUsers(ctx context.Context, role Role) (int, error)
	// UpdateUser changes a user. ENOTFOUND, EINVALID.
	UpdateUser(ctx context.Context, id int64, upd UserUpdate) (*User, error)
	// DeleteUser removes a user and gives their articles to reassignTo.
	// ENOTFOUND, EINVALID when reassignTo is the same user or missing.
	DeleteUser(ctx context.Context, id, reassignTo int64) error
}
