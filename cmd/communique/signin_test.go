package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
)

// signinClient is a browser at one address (behind the trusted proxy)
// holding the sign-in form's token.
type signinClient struct {
	base, addr, token string
	c                 *http.Client
}

func newSigninClient(t *testing.T, base, addr string) *signinClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	sc := &signinClient{base: base, addr: addr, c: &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	req, _ := http.NewRequest("GET", base+"/admin/login", nil)
	req.Header.Set("X-Forwarded-For", addr)
	res, err := sc.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf_token in the sign-in form (status %d)", res.StatusCode)
	}
	sc.token = string(m[1])
	return sc
}

// try posts the sign-in form and returns the status.
func (sc *signinClient) try(login, pw string) (int, error) {
	form := url.Values{"login": {login}, "password": {pw}, "csrf_token": {sc.token}}
	req, _ := http.NewRequest("POST", sc.base+"/admin/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", sc.addr)
	res, err := sc.c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestSigninAttack runs 1,000 wrong passwords against one account, from
// one address and then from twenty (through --trusted-proxies and
// X-Forwarded-For), while its owner signs in from another address and
// an integration calls the REST API with the account's application
// password: both succeed on their first try, and the attack's checked
// passwords stay within the rates communique.SigninPolicy documents.
func TestSigninAttack(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, nil, "correct horse battery\n", "user", "create", "--data", dir, "--login", "chief", "--email", "chief@example.com",
		"--role", "administrator", "--display-name", "Chief", "--password-stdin")
	appPassword := strings.TrimSpace(mustRun(t, nil, "", "user", "app-password", "--data", dir, "--login", "chief", "--name", "wire feed"))
	s := startServe(t, nil, "--data", dir, "--trusted-proxies", "loopback")
	policy := communique.DefaultSigninPolicy
	attempts := 1000
	if raceEnabled {
		attempts = 200
	}

	for _, tc := range []struct {
		name      string
		addresses int
		// allowed is how many wrong passwords the policy lets be checked
		// in d: per address the free ones and one per doubling delay
		// passed; for the account across failing addresses the same.
		allowed func(d time.Duration) int
	}{
		{"OneAddress", 1, func(d time.Duration) int { return policy.FreePerPair + doublings(policy.FirstDelay, d) }},
		{"ManyAddresses", 20, func(d time.Duration) int { return 20 + policy.FreePerAccount + doublings(policy.FirstDelay, d) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			attackers := make([]*signinClient, tc.addresses)
			for i := range attackers {
				attackers[i] = newSigninClient(t, s.URL, fmt.Sprintf("198.51.%d.%d", 100+len(tc.name), i+1))
			}
			var mu sync.Mutex
			statuses := map[int]int{}
			var wg sync.WaitGroup
			start := time.Now()
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < attempts; i += 4 {
						login := []string{"chief", "CHIEF", "chief@example.com"}[i%3] // one account, however named
						status, err := attackers[i%len(attackers)].try(login, fmt.Sprintf("guess %d", i))
						mu.Lock()
						statuses[status]++
						mu.Unlock()
						if err != nil {
							t.Error(err)
							return
						}
					}
				}()
				// The owner and the integration, while the attack runs.
				if w == 3 {
					time.Sleep(200 * time.Millisecond)
					owner := newSigninClient(t, s.URL, "203.0.113.77")
					if status, err := owner.try("chief", "correct horse battery"); err != nil || status != http.StatusSeeOther {
						t.Errorf("the owner's first sign-in from another address during the attack = %d %v", status, err)
					}
					// A wire feed files a draft.
					req, _ := http.NewRequest("POST", s.URL+"/wp-json/wp/v2/posts", strings.NewReader(`{"title":"From the wire","content":"Words.","status":"draft"}`))
					req.Header.Set("Content-Type", "application/json")
					req.SetBasicAuth("chief", appPassword)
					req.Header.Set("X-Forwarded-For", "203.0.113.88")
					res, err := http.DefaultClient.Do(req)
					if err != nil || res.StatusCode != http.StatusCreated {
						t.Errorf("the integration's first call during the attack = %v %v\n%s", res, err, s.stderr.String())
					} else {
						res.Body.Close()
					}
				}
			}
			wg.Wait()
			took := time.Since(start)
			checked := statuses[http.StatusUnauthorized]
			t.Logf("%d wrong passwords from %d addresses in %v: %v (status: count); %d checked, the policy allows %d",
				attempts, tc.addresses, took.Round(time.Millisecond), statuses, checked, tc.allowed(took))
			// Four attackers at once: as many tries may be in flight
			// when a wait ends.
			if checked > tc.allowed(took)+3 {
				t.Errorf("%d wrong passwords were checked in %v; the documented rate allows %d", checked, took, tc.allowed(took))
			}
			if statuses[http.StatusTooManyRequests]+checked != attempts {
				t.Errorf("answers other than 401 and 429: %v", statuses)
			}
		})
	}
}

// doublings is how many waits that double from first fit in d.
func doublings(first, d time.Duration) int {
	n := 0
	for total := first; total <= d; total += first << n {
		n++
	}
	return n
}
