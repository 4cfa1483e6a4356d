package communique_test

import (
	"strings"
	"testing"

	"communique"
)

func TestEmailProblem(t *testing.T) {
	for _, tc := range []struct {
		email string
		want  string // "" for accepted, else a word of the message
	}{
		{"ada@example.com", ""},
		{"Ada.Lovelace+news@mail.example.co.uk", ""},
		{"eve@[127.0.0.1]", "IP address"},
		{"eve@[IPv6:::1]", "IP address"},
		{"eve@[10.0.0.1]", "IP address"},
		{"eve@127.0.0.1", "IP address"},
		{"eve@192.168.1.1.", "IP address"},
		{"eve@::1", "IP address"},
		{"eve@localhost", "valid email"},
		{"not-an-email", "valid email"},
		{"Eve <eve@example.com>", "valid email"},
		{strings.Repeat("a", 95) + "@example.com", "too long"},
	} {
		got := communique.EmailProblem(tc.email)
		switch {
		case tc.want == "" && got != "":
			t.Errorf("EmailProblem(%q) = %q, want accepted", tc.email, got)
		case tc.want != "" && !strings.Contains(got, tc.want):
			t.Errorf("EmailProblem(%q) = %q, want a message with %q", tc.email, got, tc.want)
		}
		if communique.ValidEmail(tc.email) != (tc.want == "") {
			t.Errorf("ValidEmail(%q) = %v", tc.email, !(tc.want == ""))
		}
	}
	// Data stored before literals were refused can still be found.
	if !communique.WellFormedEmail("eve@[127.0.0.1]") {
		t.Error("WellFormedEmail refuses a stored literal address")
	}
	c := &communique.Comment{AuthorName: "Eve", AuthorEmail: "eve@[127.0.0.1]", Text: "hi"}
	if msg := c.Validate(true)["email"]; !strings.Contains(msg, "IP address") {
		t.Errorf("comment with a literal address: email error %q", msg)
	}
	u := &communique.User{Login: "eve", Email: "eve@[127.0.0.1]", Role: communique.RoleAuthor}
	if err := u.Validate(); communique.ErrorCode(err) != communique.EINVALID {
		t.Errorf("user with a literal address: %v", err)
	}
}
