package communique

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Sign-in throttling, as OWASP's authentication guidance has it: failures
// are counted per account (whichever of its login or email was typed) and
// per address, and each count earns a growing delay before the next try
// instead of a lockout. The account is never locked everywhere: its
// count slows only addresses that have been failing, so a correct
// password from an address that has not been failing is always checked,
// and an attacker who knows a login name (an author's slug) cannot keep
// its owner out.
//
// The rates this holds an attacker to (SigninPolicy's defaults):
//   - one account from one address: 5 tries at once, then a wait that
//     doubles from 1 s to at most 15 minutes: 15 tries in the first
//     17 minutes, then 4 an hour;
//   - one address, any accounts: 20 tries, then the same doubling;
//   - one account from many addresses: one try from each new address,
//     and from any that has failed before, 10 tries for the account,
//     then the same doubling.
type SigninPolicy struct {
	// Free tries before the first delay, per account and address, per
	// address, and per account (for failing addresses).
	FreePerPair, FreePerAddress, FreePerAccount int
	// FirstDelay doubles with each failure past the free ones, up to
	// MaxDelay.
	FirstDelay, MaxDelay time.Duration
	// Window is how long a failure counts.
	Window time.Duration
}

// DefaultSigninPolicy is the policy every door applies.
var DefaultSigninPolicy = SigninPolicy{FreePerPair: 5, FreePerAddress: 20, FreePerAccount: 10,
	FirstDelay: time.Second, MaxDelay: 15 * time.Minute, Window: 24 * time.Hour}

// FailureCount is how many sign-ins failed and when the last did.
type FailureCount struct {
	N    int
	Last time.Time
}

// SigninFailures are the failures that bear on a sign-in: of this
// account from this address, from this address for any account, and of
// this account from any address.
type SigninFailures struct {
	Pair, Address, Account FailureCount
}

// Wait returns how long the sign-in must wait before its password is
// checked; 0 lets it through now.
func (p SigninPolicy) Wait(f SigninFailures, now time.Time) time.Duration {
	wait := max(p.delay(f.Pair, p.FreePerPair, now), p.delay(f.Address, p.FreePerAddress, now))
	if f.Address.N > 0 {
		wait = max(wait, p.delay(f.Account, p.FreePerAccount, now))
	}
	return wait
}

// delay is what is left of the wait that n failures past free earn.
func (p SigninPolicy) delay(c FailureCount, free int, now time.Time) time.Duration {
	if c.N < free {
		return 0
	}
	d := p.FirstDelay << min(c.N-free, 30)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return max(0, c.Last.Add(d).Sub(now))
}

// SigninAccountKey is the key an account's failures are counted under:
// the user's id when the typed login or email names one, so that both
// count alike, else the typed text, lower-cased (a login that does not
// exist is throttled the same way, and tells nothing).
func SigninAccountKey(u *User, typed string) string {
	if u != nil {
		return "user:" + strconv.FormatInt(u.ID, 10)
	}
	return "typed:" + strings.ToLower(strings.TrimSpace(typed))
}

// SigninFailureGroup is the recent failures of one account from one
// address, as the newsroom lists them.
type SigninFailureGroup struct {
	Account string // a SigninAccountKey
	IP      string
	Count   int
	Last    time.Time
}

// SigninThrottleService keeps sign-in failures for the throttle.
type SigninThrottleService interface {
	// RecordLoginFailure notes a failed sign-in for the account key and
	// the address.
	RecordLoginFailure(ctx context.Context, account, ip string) error
	// SigninFailures returns the failures since a time that bear on a
	// sign-in of account from ip.
	SigninFailures(ctx context.Context, account, ip string, since time.Time) (SigninFailures, error)
	// RecentSigninFailures lists failures since a time by account and
	// address, the latest first.
	RecentSigninFailures(ctx context.Context, since time.Time, limit int) ([]SigninFailureGroup, error)
	// ClearSigninFailures forgets an account's failures from ip, or from
	// every address when ip is "".
	ClearSigninFailures(ctx context.Context, account, ip string) error
}
