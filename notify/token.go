package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Token purposes: a token for one never opens another.
const (
	purposeConfirm     = "confirm"
	purposeUnsubscribe = "unsub"
	purposeManage      = "manage"
)

// token signs "purpose.id.nonce.expiry". The signature refuses a forged
// or altered link before the store is asked; the nonce, which the store
// changes or deletes once the link is used, makes it single-use.
func (s *Service) token(purpose string, id int64, nonce string, expires time.Time) string {
	exp := int64(0)
	if !expires.IsZero() {
		exp = expires.Unix()
	}
	payload := purpose + "." + strconv.FormatInt(id, 10) + "." + nonce + "." + strconv.FormatInt(exp, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Service) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("notify-token:" + payload))
	return m.Sum(nil)
}

// parseToken returns the id and nonce of a well-signed, unexpired token
// for purpose.
func (s *Service) parseToken(tok, purpose string) (int64, string, bool) {
	if len(tok) > 512 {
		return 0, "", false
	}
	p, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return 0, "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(string(payload))) {
		return 0, "", false
	}
	parts := strings.Split(string(payload), ".")
	if len(parts) != 4 || parts[0] != purpose || parts[2] == "" {
		return 0, "", false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || err2 != nil || id <= 0 || (exp != 0 && s.now().Unix() > exp) {
		return 0, "", false
	}
	return id, parts[2], true
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// HashToken is how a password-reset token is stored: only its hash, so
// a copy of the database opens no account.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
