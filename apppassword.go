package communique

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxAppPasswordName is the longest name of an application password.
const MaxAppPasswordName = 100

// AppPassword is an application password: a long random password a user
// makes for one program (a phone app, a script) to reach the REST API with
// HTTP Basic authentication, as in WordPress. It is shown once; only its
// argon2id hash is kept, and revoking it leaves the user's own password
// and the other programs alone.
type AppPassword struct {
	ID     int64
	UserID int64
	// Name says which program uses it, so the user knows what to revoke.
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
	LastIP     string
}

// Validate checks the fields a user controls.
func (p *AppPassword) Validate() error {
	switch name := strings.TrimSpace(p.Name); {
	case name == "":
		return Errorf(EINVALID, "Give the application password a name, such as the program that will use it.")
	case !utf8.ValidString(name) || strings.ContainsAny(name, "\r\n\x00"):
		return Errorf(EINVALID, "The name must be one line of text.")
	case utf8.RuneCountInString(name) > MaxAppPasswordName:
		return Errorf(EINVALID, "The name is too long (at most %d characters).", MaxAppPasswordName)
	case p.UserID == 0 || p.Hash == "":
		return Errorf(EINVALID, "An application password needs a user and a hash.")
	}
	return nil
}

// MaxAppPasswords is how many application passwords a user may have:
// each sign-in checks them all, so they stay few.
const MaxAppPasswords = 20

// AppPasswordService stores application passwords.
type AppPasswordService interface {
	// CreateAppPassword stores a new application password. EINVALID on a
	// bad name or when the user has MaxAppPasswords already; ENOTFOUND
	// when the user does not exist.
	CreateAppPassword(ctx context.Context, p *AppPassword) error
	// FindAppPasswords lists a user's application passwords, newest first.
	FindAppPasswords(ctx context.Context, userID int64) ([]*AppPassword, error)
	// DeleteAppPassword revokes one of the user's application passwords.
	// ENOTFOUND when the user has no such password.
	DeleteAppPassword(ctx context.Context, userID, id int64) error
	// TouchAppPassword records a use: the time and the caller's IP.
	// ENOTFOUND when it was revoked meanwhile.
	TouchAppPassword(ctx context.Context, id int64, ip string) error
}
