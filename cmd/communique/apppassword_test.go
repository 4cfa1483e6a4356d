package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

var appPasswordLine = regexp.MustCompile(`^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}\n$`)

// TestUserAppPassword: `communique user app-password` prints a password
// once, and the served REST API at /wp-json/ accepts it.
func TestUserAppPassword(t *testing.T) {
	dir := t.TempDir()
	mustCreateUser(t, dir)
	r := run(t, nil, "", "user", "app-password", "--data", dir, "--login", "reporter", "--name", "Phone app")
	if r.err != nil || !appPasswordLine.MatchString(r.stdout) || !strings.Contains(r.stderr, `"Phone app"`) {
		t.Fatalf("user app-password: %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
	}
	pw := strings.TrimSpace(r.stdout)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--login", "reporter"}, "--name is required"},
		{[]string{"--name", "x"}, "--login is required"},
		{[]string{"--login", "nobody", "--name", "x"}, `No user has the login "nobody".`},
	} {
		r := run(t, nil, "", append([]string{"user", "app-password", "--data", dir}, tc.args...)...)
		if r.err == nil || !strings.Contains(errorLine(r.err), tc.want) {
			t.Errorf("user app-password %v: %v, want %q", tc.args, r.err, tc.want)
		}
	}

	s := startServe(t, nil, "--data", dir)
	client := &http.Client{Timeout: 20 * time.Second}
	me := func(pw string) (int, string) {
		req, _ := http.NewRequest("GET", s.URL+"/wp-json/wp/v2/users/me", nil)
		req.SetBasicAuth("reporter", pw)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, body := me(pw); status != 200 || !strings.Contains(body, `"name":"Rita Reporter"`) {
		t.Fatalf("the API with the printed password: %d %s", status, body)
	}
	// The sign-in password is not an application password: as in
	// WordPress, a read with a wrong one is served as anonymous, and
	// /users/me is for someone signed in.
	if status, body := me("correct horse battery"); status != 401 || !strings.Contains(body, `"code":"rest_not_logged_in"`) || strings.Contains(body, "Rita") {
		t.Fatalf("the API with the sign-in password: %d %s", status, body)
	}
	res, err := client.Head(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if want := "<" + s.URL + `/wp-json/>; rel="https://api.w.org/"`; res.Header.Get("Link") != want {
		t.Errorf("the home page's Link = %q, want %q", res.Header.Get("Link"), want)
	}
	if status, body := get(t, s.URL, "/wp-json/"); status != 200 || !strings.Contains(body, `"namespaces":["wp/v2"`) {
		t.Errorf("discovery: %d %.200s", status, body)
	}
}
