// Package formtoken issues signed tokens that record when a form was
// served, so that a submission can be refused when it comes back faster
// than a person could have filled the form in (a bot), too late, or with
// a token the server never issued.
//
// Tokens carry everything needed to check them, so no server-side state
// is kept and any node holding the same key can check a token issued by
// another. The price of statelessness is that a token can be replayed
// until it expires; rate limits and spam filtering cover that.
package formtoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// Errors returned by Check.
var (
	// ErrInvalid reports a token that is malformed, was not signed with
	// the key, or was issued for another scope.
	ErrInvalid = errors.New("formtoken: invalid token")
	// ErrTooFast reports a token submitted sooner than the minimum age.
	ErrTooFast = errors.New("formtoken: submitted too fast")
	// ErrExpired reports a token older than the maximum age.
	ErrExpired = errors.New("formtoken: token expired")
)

// A token is base64url (unpadded) of the issue time in Unix nanoseconds,
// 8 bytes big-endian, followed by the HMAC-SHA256 of a domain label, that
// time and the scope. The time is fixed-length, so time and scope cannot
// be shifted into each other; nanoseconds rather than seconds so that the
// minimum age cannot be beaten by up to a second of rounding.
const (
	timeLen  = 8
	macLen   = sha256.Size
	rawLen   = timeLen + macLen
	tokenLen = (rawLen*8 + 5) / 6 // base64 without padding
)

// label keeps these MACs distinct from anything else signed with the
// same key.
const label = "communique formtoken v1\x00"

// encoding is strict so that each token has exactly one spelling: with
// lenient decoding, changing the unused low bits of the last character
// would yield a different string that is still accepted.
var encoding = base64.RawURLEncoding.Strict()

// Signer issues and checks tokens with an HMAC-SHA256 key.
// It is safe for concurrent use as long as Now is not changed.
type Signer struct {
	// Now returns the current time; nil means time.Now. Tests set it to
	// fix the clock.
	Now func() time.Time

	key []byte
}

// NewSigner returns a Signer using key, which every server node checking
// the tokens must share. NewSigner panics if key is empty, since anyone
// could then forge tokens.
func NewSigner(key []byte) *Signer {
	if len(key) == 0 {
		panic("formtoken: empty key")
	}
	return &Signer{key: bytes.Clone(key)}
}

func (s *Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Issue returns a URL-safe token binding scope (for example "comment:42"
// for the comment form of article 42) to the current time.
func (s *Signer) Issue(scope string) string {
	raw := make([]byte, timeLen, rawLen)
	binary.BigEndian.PutUint64(raw, uint64(s.now().UnixNano()))
	raw = append(raw, s.mac(raw[:timeLen], scope)...)
	return encoding.EncodeToString(raw)
}

// Check verifies token for scope and returns how long ago it was issued.
// It returns ErrInvalid for a malformed, forged or tampered token or one
// issued for another scope, and otherwise, with the age, ErrTooFast when
// the age is under min and ErrExpired when it is over max.
// A token from the future (clock skew between nodes) has a negative age
// and so counts as too fast whenever min is positive.
func (s *Signer) Check(token, scope string, min, max time.Duration) (age time.Duration, err error) {
	// Reject by length before decoding so huge inputs cost nothing.
	if len(token) != tokenLen {
		return 0, ErrInvalid
	}
	raw, err := encoding.DecodeString(token)
	if err != nil || len(raw) != rawLen {
		return 0, ErrInvalid
	}
	// hmac.Equal takes constant time, so response timing does not reveal
	// how much of a forged MAC was right.
	if !hmac.Equal(raw[timeLen:], s.mac(raw[:timeLen], scope)) {
		return 0, ErrInvalid
	}
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(raw[:timeLen])))
	age = s.now().Sub(issued)
	switch {
	case age < min:
		return age, ErrTooFast
	case age > max:
		return age, ErrExpired
	}
	return age, nil
}

func (s *Signer) mac(issued []byte, scope string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(label))
	m.Write(issued)
	m.Write([]byte(scope))
	return m.Sum(nil)
}
