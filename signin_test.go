package communique_test

import (
	"testing"
	"time"

	"communique"
)

func TestSigninPolicyWait(t *testing.T) {
	p := communique.DefaultSigninPolicy
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	for _, tc := range []struct {
		name string
		f    communique.SigninFailures
		want time.Duration
	}{
		{"Clean", communique.SigninFailures{}, 0},
		{"FourFromHere", communique.SigninFailures{Pair: communique.FailureCount{4, now}, Address: communique.FailureCount{4, now}}, 0},
		{"FiveFromHere", communique.SigninFailures{Pair: communique.FailureCount{5, now}, Address: communique.FailureCount{5, now}}, time.Second},
		{"EightFromHereDoubles", communique.SigninFailures{Pair: communique.FailureCount{8, ago(3 * time.Second)}, Address: communique.FailureCount{8, now}}, 5 * time.Second},
		{"ManyCapped", communique.SigninFailures{Pair: communique.FailureCount{60, ago(time.Minute)}, Address: communique.FailureCount{60, ago(time.Minute)}}, 14 * time.Minute},
		{"AddressOfManyAccounts", communique.SigninFailures{Address: communique.FailureCount{20, now}}, time.Second},
		// The account under attack from elsewhere: an address that has
		// not failed goes through; one that has failed waits.
		{"AccountFromCleanAddress", communique.SigninFailures{Account: communique.FailureCount{500, now}}, 0},
		{"AccountFromFailingAddress", communique.SigninFailures{Address: communique.FailureCount{1, ago(time.Hour)}, Account: communique.FailureCount{10, now}}, time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Wait(tc.f, now); got != tc.want {
				t.Errorf("Wait = %v, want %v", got, tc.want)
			}
		})
	}
	u := &communique.User{ID: 7}
	if communique.SigninAccountKey(u, "Ada") != communique.SigninAccountKey(u, "ada@example.com") ||
		communique.SigninAccountKey(nil, " Nobody ") != communique.SigninAccountKey(nil, "nobody") {
		t.Error("one account, one key: whichever name was typed")
	}
}
