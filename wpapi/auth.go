package wpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/password"
)

// signinPolicy throttles sign-ins as the newsroom does, with growing
// delays per account and address, counted in the store so that every
// node sees them (see communique.SigninPolicy).
var signinPolicy = communique.DefaultSigninPolicy

// errBadCredentials says the same whether the login or the password was
// wrong: the API tells no one which logins exist.
var errBadCredentials = &apiError{Status: http.StatusUnauthorized, Code: "incorrect_password",
	Message: "Unknown username or incorrect application password."}

// authenticate returns the caller's user: by HTTP Basic with an
// application password, or by the newsroom's session cookie with a
// nonce; nil for anonymous callers. Wrong credentials are an error
// (errBadCredentials), which serve turns into anonymous for reads.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, c *caller) (*communique.User, error) {
	if login, pw, ok := r.BasicAuth(); ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="WordPress REST API"`)
		u, app, err := s.checkAppPassword(r.Context(), login, pw, c.IP)
		c.App = app
		return u, err
	}
	nonce := r.Header.Get("X-WP-Nonce")
	if nonce == "" {
		nonce = r.URL.Query().Get("_wpnonce")
	}
	if nonce == "" || s.sessions == nil {
		// A cookie without a nonce is anonymous: another site's page
		// could have made the browser send it.
		return nil, nil
	}
	u, sessionID, ok := s.sessions.SessionUser(r)
	if !ok || !hmac.Equal([]byte(nonce), []byte(s.nonce(sessionID))) {
		return nil, &apiError{Status: http.StatusForbidden, Code: "rest_cookie_invalid_nonce", Message: "Cookie check failed"}
	}
	return u, nil
}

// checkAppPassword finds the user by login or email and checks the
// password against each of their application passwords; it returns the
// one that matched.
func (s *Server) checkAppPassword(ctx context.Context, login, pw, ip string) (*communique.User, *communique.AppPassword, error) {
	login = strings.TrimSpace(login)
	pw = password.NormalizeApplication(pw)
	var user, found *communique.User // found: named by the login, whatever their role
	f := communique.UserFilter{Login: &login, Limit: 2}
	if strings.Contains(login, "@") {
		f = communique.UserFilter{Email: &login, Limit: 2}
	}
	if login != "" && len(login) <= 100 {
		users, err := s.store.FindUsers(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		if len(users) == 1 {
			found = users[0]
		}
		if found != nil && communique.Can(found, communique.ActionReadAdmin, nil) {
			user = found
		}
	}
	var apps []*communique.AppPassword
	if user != nil {
		var err error
		if apps, err = s.store.FindAppPasswords(ctx, user.ID); err != nil {
			return nil, nil, err
		}
	}
	// A password this node checked lately skips argon2 and the throttle:
	// it is still one of the user's, as the list was just read.
	for _, app := range apps {
		if s.verified.has(app.Hash, pw) {
			s.used(ctx, app, ip)
			return user, app, nil
		}
	}
	account := communique.SigninAccountKey(found, login)
	now := s.Now()
	failures, err := s.store.SigninFailures(ctx, account, ip, now.Add(-signinPolicy.Window))
	if err != nil {
		return nil, nil, err
	}
	if wait := signinPolicy.Wait(failures, now); wait > 0 {
		return nil, nil, &apiError{Status: http.StatusTooManyRequests, Code: "too_many_login_attempts",
			Message: "Too many failed sign-in attempts from here. Please try again in " + itoa(seconds(wait)) + " seconds."}
	}
	// Counted as a failure before the check, and forgiven after: tries
	// sent at once cannot all pass the throttle during one argon2 check.
	if err := s.store.RecordLoginFailure(ctx, account, ip); err != nil {
		s.logger.Warn("record API sign-in failure", "err", err)
	}
	var match *communique.AppPassword
	if len(pw) == password.ApplicationLength {
		// A check costs argon2: a few per IP, a few at a time.
		if ok, wait := s.signins.allow("ip:" + ip); !ok {
			return nil, nil, &apiError{Status: http.StatusTooManyRequests, Code: "rest_too_many_requests",
				Message: "Too many sign-in attempts. Please try again in " + itoa(seconds(wait)) + " seconds."}
		}
		s.checking <- struct{}{}
		defer func() { <-s.checking }()
		for _, app := range apps {
			if password.Check(app.Hash, pw) == nil {
				match = app
				break
			}
		}
		if len(apps) == 0 {
			password.Check(password.Dummy, pw)
		}
	}
	if match == nil {
		return nil, nil, errBadCredentials
	}
	s.store.ClearSigninFailures(ctx, account, ip)
	s.verified.add(match.Hash, pw)
	s.used(ctx, match, ip)
	return user, match, nil
}

// used records a use of an application password, at most once a minute
// per password and IP so that reading stays free of writes.
func (s *Server) used(ctx context.Context, app *communique.AppPassword, ip string) {
	if app.LastIP == ip && s.Now().Sub(app.LastUsedAt) < time.Minute {
		return
	}
	if err := s.store.TouchAppPassword(ctx, app.ID, ip); err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
		s.logger.Warn("record application password use", "err", err)
		return
	}
	app.LastUsedAt, app.LastIP = s.Now(), ip // as introspection shows it
}

// credentialCache remembers application passwords this node verified,
// as a hash of the stored hash and the password, for a few minutes: the
// argon2 check costs tens of milliseconds and 64 MiB, too much for every
// request of a busy program.
type credentialCache struct {
	mu sync.Mutex
	m  map[[32]byte]time.Time
}

const (
	credentialTTL     = 10 * time.Minute
	maxCredentialKeys = 10_000
)

func newCredentialCache() *credentialCache {
	return &credentialCache{m: map[[32]byte]time.Time{}}
}

func credentialKey(hash, pw string) [32]byte {
	return sha256.Sum256([]byte(hash + "\x00" + pw))
}

func (c *credentialCache) has(hash, pw string) bool {
	k := credentialKey(hash, pw)
	c.mu.Lock()
	defer c.mu.Unlock()
	exp, ok := c.m[k]
	if ok && time.Now().After(exp) {
		delete(c.m, k)
		return false
	}
	return ok
}

func (c *credentialCache) add(hash, pw string) {
	k := credentialKey(hash, pw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCredentialKeys {
		clear(c.m)
	}
	c.m[k] = time.Now().Add(credentialTTL)
}
