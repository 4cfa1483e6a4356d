package password_test

import (
	"errors"
	"strings"
	"testing"

	"communique/password"
)

func TestHashCheck(t *testing.T) {
	h, err := password.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Fatal("hash contains the password")
	}
	if err := password.Check(h, "correct horse battery staple"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := password.Check(h, "Correct horse battery staple"); !errors.Is(err, password.ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	h2, _ := password.Hash("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
}

func TestCheckMalformed(t *testing.T) {
	for _, h := range []string{"", "plain", "$2y$10$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=0,t=0,p=0$$", "$argon2id$v=19$m=65536,t=3,p=2$!!$!!"} {
		if err := password.Check(h, "x"); err == nil || errors.Is(err, password.ErrMismatch) {
			t.Errorf("Check(%q) = %v, want a malformed-hash error", h, err)
		}
	}
}

// The dummy hash is well formed and matches neither an empty nor a common
// password: an unknown login must fail exactly like a wrong password.
func TestDummy(t *testing.T) {
	for _, pw := range []string{"", "password", "communique: matches no password!"} {
		if err := password.Check(password.Dummy, pw); !errors.Is(err, password.ErrMismatch) {
			t.Errorf("Check(Dummy, %q) = %v, want ErrMismatch", pw, err)
		}
	}
}
