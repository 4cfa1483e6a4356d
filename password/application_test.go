package password_test

import (
	"regexp"
	"testing"

	"communique/password"
)

func TestNewApplication(t *testing.T) {
	shape := regexp.MustCompile(`^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$`)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		pw := password.NewApplication()
		if !shape.MatchString(pw) {
			t.Fatalf("application password %q is not six groups of four letters or digits", pw)
		}
		if seen[pw] {
			t.Fatalf("application password %q made twice", pw)
		}
		seen[pw] = true
	}
}

func TestNormalizeApplication(t *testing.T) {
	for in, want := range map[string]string{
		"abcd EFGH 1234 ijkl mnop qrst": "abcdEFGH1234ijklmnopqrst",
		"abcdEFGH1234ijklmnopqrst\n":    "abcdEFGH1234ijklmnopqrst",
		" ab-cd\tEF ":                   "abcdEF",
		"ünïcödé":                       "ncd",
	} {
		if got := password.NormalizeApplication(in); got != want {
			t.Errorf("NormalizeApplication(%q) = %q, want %q", in, got, want)
		}
	}
}
