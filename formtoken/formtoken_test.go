package formtoken_test

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"communique/formtoken"
)

var (
	key = []byte("shared-by-all-nodes")
	t0  = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
)

// newSigner returns a Signer whose clock reads *now.
func newSigner(now *time.Time) *formtoken.Signer {
	s := formtoken.NewSigner(key)
	s.Now = func() time.Time { return *now }
	return s
}

func TestCheck(t *testing.T) {
	const (
		scope = "comment:42"
		min   = 3 * time.Second
		max   = time.Hour
	)
	tests := []struct {
		name    string
		after   time.Duration // time between Issue and Check
		mangle  func(string) string
		wantAge time.Duration
		wantErr error
	}{
		{name: "OK", after: 5 * time.Second, wantAge: 5 * time.Second},
		{name: "OKAtMin", after: min, wantAge: min},
		{name: "OKAtMax", after: max, wantAge: max},
		{name: "OKSubSecond", after: 3*time.Second + time.Millisecond, wantAge: 3*time.Second + time.Millisecond},
		{name: "ErrTooFast", after: 2 * time.Second, wantAge: 2 * time.Second, wantErr: formtoken.ErrTooFast},
		{name: "ErrTooFastJustUnderMin", after: min - time.Nanosecond, wantAge: min - time.Nanosecond, wantErr: formtoken.ErrTooFast},
		{name: "ErrTooFastFromFuture", after: -time.Minute, wantAge: -time.Minute, wantErr: formtoken.ErrTooFast},
		{name: "ErrExpired", after: max + time.Nanosecond, wantAge: max + time.Nanosecond, wantErr: formtoken.ErrExpired},
		{name: "ErrExpiredLongAgo", after: 24 * 365 * time.Hour, wantAge: 24 * 365 * time.Hour, wantErr: formtoken.ErrExpired},
		{name: "ErrInvalidOtherKey", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(string) string {
				s := formtoken.NewSigner([]byte("another-site"))
				s.Now = func() time.Time { return t0 }
				return s.Issue(scope)
			}},
		{name: "ErrInvalidEarlierTimeForged", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			// A bot rewinding the issue time to pass the minimum age.
			mangle: func(tok string) string {
				raw, err := base64.RawURLEncoding.DecodeString(tok)
				if err != nil {
					panic(err)
				}
				raw[7] -= 100
				return base64.RawURLEncoding.EncodeToString(raw)
			}},
		{name: "ErrInvalidPadded", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return tok + "==" }},
		{name: "ErrInvalidStdEncoding", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string {
				raw, _ := base64.RawURLEncoding.DecodeString(tok)
				return base64.StdEncoding.EncodeToString(raw)
			}},
		{name: "ErrInvalidTruncated", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return tok[:len(tok)-1] }},
		{name: "ErrInvalidExtended", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return tok + "A" }},
		{name: "ErrInvalidSpace", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return " " + tok[1:] }},
		{name: "ErrInvalidEmpty", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(string) string { return "" }},
		{name: "ErrInvalidGarbage", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(string) string { return "not a token at all, just some text!!" }},
		{name: "ErrInvalidHuge", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return strings.Repeat(tok, 100000) }},
		{name: "ErrInvalidBinary", after: 5 * time.Second, wantErr: formtoken.ErrInvalid,
			mangle: func(tok string) string { return string([]byte{0, 0xff, 0xfe}) + tok[3:] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			s := newSigner(&now)
			tok := s.Issue(scope)
			if tt.mangle != nil {
				tok = tt.mangle(tok)
			}
			now = t0.Add(tt.after)

			age, err := s.Check(tok, scope, min, max)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Check error = %v, want %v", err, tt.wantErr)
			}
			if age != tt.wantAge {
				t.Errorf("Check age = %v, want %v", age, tt.wantAge)
			}
		})
	}
}

func TestCheckScope(t *testing.T) {
	tests := []struct {
		name         string
		issue, check string
		wantErr      error
	}{
		{"OK", "comment:42", "comment:42", nil},
		{"OKEmpty", "", "", nil},
		{"ErrInvalidOtherArticle", "comment:42", "comment:43", formtoken.ErrInvalid},
		{"ErrInvalidPrefix", "comment:42", "comment:4", formtoken.ErrInvalid},
		{"ErrInvalidLonger", "comment:4", "comment:42", formtoken.ErrInvalid},
		{"ErrInvalidCase", "comment:42", "Comment:42", formtoken.ErrInvalid},
		{"ErrInvalidEmptyCheck", "comment:42", "", formtoken.ErrInvalid},
		{"ErrInvalidEmptyIssue", "", "comment:42", formtoken.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			s := newSigner(&now)
			tok := s.Issue(tt.issue)
			now = now.Add(time.Minute)
			if _, err := s.Check(tok, tt.check, time.Second, time.Hour); !errors.Is(err, tt.wantErr) {
				t.Errorf("issued for %q, checked for %q: error %v, want %v", tt.issue, tt.check, err, tt.wantErr)
			}
		})
	}
}

// Every single-character change must be caught, including in the last
// character, whose low bits base64 does not use.
func TestCheckTamperedAnyCharacter(t *testing.T) {
	now := t0
	s := newSigner(&now)
	tok := s.Issue("comment:1")
	now = now.Add(10 * time.Second)
	if _, err := s.Check(tok, "comment:1", time.Second, time.Hour); err != nil {
		t.Fatalf("untampered token: %v", err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range len(tok) {
		for _, c := range []byte(alphabet) {
			if c == tok[i] {
				continue
			}
			bad := tok[:i] + string(c) + tok[i+1:]
			if _, err := s.Check(bad, "comment:1", time.Second, time.Hour); !errors.Is(err, formtoken.ErrInvalid) {
				t.Fatalf("token with char %d changed to %q: error %v, want ErrInvalid", i, c, err)
			}
		}
	}
}

func TestIssue(t *testing.T) {
	now := t0
	s := newSigner(&now)
	tok := s.Issue("comment:42")
	if strings.ContainsAny(tok, "+/=") || tok != strings.TrimSpace(tok) {
		t.Errorf("token %q is not URL-safe", tok)
	}
	if again := s.Issue("comment:42"); again != tok {
		t.Errorf("same time and scope gave %q then %q", tok, again)
	}
	if other := s.Issue("comment:43"); other == tok {
		t.Error("different scopes gave the same token")
	}
	now = now.Add(time.Nanosecond)
	if later := s.Issue("comment:42"); later == tok {
		t.Error("different times gave the same token")
	}
}

func TestSystemClock(t *testing.T) {
	s := formtoken.NewSigner(key) // Now left nil
	tok := s.Issue("comment:7")
	age, err := s.Check(tok, "comment:7", 0, time.Minute)
	if err != nil || age < 0 || age > time.Minute {
		t.Errorf("Check = %v, %v; want a small age and no error", age, err)
	}
	// Another node with the same key accepts it; min shows the clock is used.
	if _, err := formtoken.NewSigner(key).Check(tok, "comment:7", time.Hour, 2*time.Hour); !errors.Is(err, formtoken.ErrTooFast) {
		t.Errorf("second signer: error %v, want ErrTooFast", err)
	}
}

func TestNewSignerEmptyKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("NewSigner(nil) did not panic")
		}
	}()
	formtoken.NewSigner(nil)
}

// FuzzCheck checks that Check never panics and accepts only tokens that
// Issue would produce with the same key: a token that passes must be
// exactly what Issue returns for that scope at the reported issue time.
func FuzzCheck(f *testing.F) {
	now := t0
	s := newSigner(&now)
	f.Add(s.Issue("comment:42"), "comment:42")
	f.Add(s.Issue(""), "")
	f.Add(s.Issue("comment:42"), "comment:43")
	f.Add(formtoken.NewSigner([]byte("other")).Issue("comment:42"), "comment:42")
	f.Add("", "")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x")
	f.Add(strings.Repeat("_", 54), "comment:1")
	f.Add("\x00\xff", "\x00")

	f.Fuzz(func(t *testing.T, token, scope string) {
		// Widest window, so that only the signature decides.
		age, err := s.Check(token, scope, math.MinInt64, math.MaxInt64)
		if err != nil {
			if !errors.Is(err, formtoken.ErrInvalid) {
				t.Fatalf("Check(%q, %q) error %v, want nil or ErrInvalid", token, scope, err)
			}
			if age != 0 {
				t.Fatalf("Check(%q, %q) = %v with ErrInvalid, want age 0", token, scope, age)
			}
			return
		}
		issued := t0.Add(-age)
		reissue := formtoken.NewSigner(key)
		reissue.Now = func() time.Time { return issued }
		if want := reissue.Issue(scope); token != want {
			t.Fatalf("Check accepted %q for %q, but Issue at %v gives %q", token, scope, issued, want)
		}
	})
}
