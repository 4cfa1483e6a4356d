package storetest

import (
	"context"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testSigninFailures: failures are counted per account and address, per
// address and per account, with the time of the last; listed by pair,
// latest first; cleared for one address or all.
func testSigninFailures(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	start := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	setClock := fixedClock(db, start)
	record := func(account, ip string, at time.Time) {
		t.Helper()
		setClock(at)
		if err := db.RecordLoginFailure(ctx, account, ip); err != nil {
			t.Fatal(err)
		}
	}
	record("user:1", "192.0.2.1", start)
	record("user:1", "192.0.2.1", start.Add(time.Minute))
	record("user:1", "192.0.2.2", start.Add(2*time.Minute))
	record("typed:nobody", "192.0.2.1", start.Add(3*time.Minute))
	record("user:1", "192.0.2.3", start.Add(-2*time.Hour)) // before the window asked for
	f, err := db.SigninFailures(ctx, "user:1", "192.0.2.1", start.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := communique.SigninFailures{
		Pair:    communique.FailureCount{N: 2, Last: start.Add(time.Minute)},
		Address: communique.FailureCount{N: 3, Last: start.Add(3 * time.Minute)},
		Account: communique.FailureCount{N: 3, Last: start.Add(2 * time.Minute)},
	}
	if !f.Pair.Last.Equal(want.Pair.Last) || !f.Address.Last.Equal(want.Address.Last) || !f.Account.Last.Equal(want.Account.Last) ||
		f.Pair.N != want.Pair.N || f.Address.N != want.Address.N || f.Account.N != want.Account.N {
		t.Fatalf("failures = %+v, want %+v", f, want)
	}
	if f, err := db.SigninFailures(ctx, "user:9", "192.0.2.9", start.Add(-time.Hour)); err != nil || f.Pair.N+f.Address.N+f.Account.N != 0 || !f.Pair.Last.IsZero() {
		t.Fatalf("no failures = %+v, %v", f, err)
	}
	groups, err := db.RecentSigninFailures(ctx, start.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 || groups[0].Account != "typed:nobody" || groups[2].Account != "user:1" || groups[2].IP != "192.0.2.1" || groups[2].Count != 2 {
		t.Fatalf("recent failures = %+v", groups)
	}
	if err := db.ClearSigninFailures(ctx, "user:1", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	if f, _ := db.SigninFailures(ctx, "user:1", "192.0.2.1", start.Add(-time.Hour)); f.Pair.N != 0 || f.Account.N != 1 {
		t.Fatalf("after clearing one address: %+v", f)
	}
	if err := db.ClearSigninFailures(ctx, "user:1", ""); err != nil {
		t.Fatal(err)
	}
	if f, _ := db.SigninFailures(ctx, "user:1", "192.0.2.2", start.Add(-3*time.Hour)); f.Account.N != 0 {
		t.Fatalf("after clearing every address: %+v", f)
	}
}
