// Package password hashes and checks passwords with argon2id, storing the
// parameters beside the hash in the PHC string format so they can be raised
// later without breaking existing hashes.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters follow RFC 9106's second recommended option (64 MiB, 3 passes),
// a reasonable cost for a login form on a small server.
const (
	memoryKiB = 64 * 1024
	passes    = 3
	lanes     = 2
	keyLen    = 32
	saltLen   = 16
)

// MinLength is the shortest password accepted for new accounts.
const MinLength = 8

// ErrMismatch is returned by Check when the password is wrong.
var ErrMismatch = errors.New("password does not match")

var b64 = base64.RawStdEncoding

// Dummy is a well-formed hash whose key was derived from no password. It
// is checked when there is no account to check against, so an unknown
// login costs the same time as a wrong password. It is written out rather
// than hashed at start-up, which took a quarter of a second and 64 MiB.
var Dummy = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, lanes,
	b64.EncodeToString(make([]byte, saltLen)), b64.EncodeToString([]byte("communique: matches no password!")))

// Hash returns the argon2id PHC string of pw.
func Hash(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check compares pw with a PHC string made by Hash. It returns ErrMismatch
// for a wrong password and another error for a malformed hash.
func Check(hash, pw string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("password: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("password: unsupported argon2 version")
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<22 || t > 100 {
		return errors.New("password: bad argon2 parameters")
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return errors.New("password: bad salt")
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return errors.New("password: bad key")
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// Validate says what is wrong with a new password, or nil.
func Validate(pw string) error {
	if len(pw) < MinLength {
		return fmt.Errorf("password must be at least %d characters", MinLength)
	}
	if len(pw) > 1024 {
		return errors.New("password must be at most 1024 characters")
	}
	return nil
}
