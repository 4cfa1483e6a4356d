package password

import (
	"crypto/rand"
	"strings"
)

// ApplicationLength is the number of letters and digits of an application
// password, as in WordPress.
const ApplicationLength = 24

const applicationAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewApplication returns a new application password: 24 random letters
// and digits (about 143 bits), written in groups of four as WordPress
// shows them ("abcd efgh ijkl mnop qrst uvwx").
func NewApplication() string {
	var b strings.Builder
	buf := make([]byte, 1)
	for n := 0; n < ApplicationLength; {
		rand.Read(buf)
		// 248 is the largest multiple of 62 below 256: no letter is likelier.
		if buf[0] >= 248 {
			continue
		}
		if n > 0 && n%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteByte(applicationAlphabet[int(buf[0])%len(applicationAlphabet)])
		n++
	}
	return b.String()
}

// NormalizeApplication keeps only the letters and digits of an
// application password, so that it matches however it was copied: with
// the spaces WordPress shows, without them, or with a stray newline.
func NormalizeApplication(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
