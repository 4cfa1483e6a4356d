package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

// sessionCookie returns the session cookie a response sets, or nil.
func sessionCookie(res response) *http.Cookie {
	for _, c := range res.Cookies {
		if c.Name == "communique_session" {
			return c
		}
	}
	return nil
}

// TestSessionCookie checks the flags of the cookies the sign-in sets:
// HttpOnly and SameSite=Lax always, Secure over TLS or when configured.
func TestSessionCookie(t *testing.T) {
	check := func(t *testing.T, res response, wantSecure bool) {
		t.Helper()
		if res.Status != http.StatusSeeOther {
			t.Fatalf("sign in: status %d (%q)", res.Status, res.Message())
		}
		c := sessionCookie(res)
		if c == nil {
			t.Fatalf("no session cookie set; cookies %v", res.Cookies)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != wantSecure || c.Path != "/" || len(c.Value) < 32 {
			t.Errorf("session cookie %q: HttpOnly %v, SameSite %v, Secure %v (want %v), Path %q, value of %d characters",
				res.Header.Get("Set-Cookie"), c.HttpOnly, c.SameSite, c.Secure, wantSecure, c.Path, len(c.Value))
		}
	}
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		t.Run("PlainHTTP", func(t *testing.T) {
			n := newNewsroom(t, place)
			a := n.Agent(t)
			page := a.Get(t, "/admin/login")
			for _, c := range page.Cookies {
				if c.Name == "communique_login" && (!c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure) {
					t.Errorf("sign-in form cookie: %v", c)
				}
			}
			check(t, a.Login(t, "edna", testPassword, ""), false)
		})
	})
	t.Run("TLS", func(t *testing.T) {
		n := newNewsroom(t, storetest.SQLite.Fresh(t), options{TLS: true})
		a := n.Agent(t)
		res := a.Login(t, "edna", testPassword, "")
		check(t, res, true)
		if hsts := res.Header.Get("Strict-Transport-Security"); hsts == "" {
			t.Error("no Strict-Transport-Security over TLS")
		}
		// The secure cookie works: the session is signed in over TLS.
		if res := a.Get(t, "/admin/"); res.Status != http.StatusOK {
			t.Errorf("dashboard over TLS: status %d", res.Status)
		}
	})
	t.Run("SecureCookiesBehindProxy", func(t *testing.T) {
		n := newNewsroom(t, storetest.SQLite.Fresh(t), options{SecureCookies: true})
		a := n.Agent(t)
		// A cookie jar keeps Secure cookies from plain HTTP, as a browser
		// would; behind a TLS proxy the browser sees HTTPS. Send the form
		// cookie by hand, as the proxy would pass it on.
		page := a.Get(t, "/admin/login")
		var formCookie *http.Cookie
		for _, c := range page.Cookies {
			if c.Name == "communique_login" {
				formCookie = c
			}
		}
		if formCookie == nil || !formCookie.Secure {
			t.Fatalf("sign-in form cookie = %v, want Secure", formCookie)
		}
		token := csrfPattern.FindStringSubmatch(page.Body)[1]
		form := url.Values{"login": {"edna"}, "password": {testPassword}, "csrf_token": {token}, "next": {"/admin/"}}
		res := a.Do(t, http.MethodPost, "/admin/login", strings.NewReader(form.Encode()), http.Header{
			"Content-Type": {"application/x-www-form-urlencoded"}, "Cookie": {formCookie.Name + "=" + formCookie.Value}})
		check(t, res, true)
	})
}

// TestCSRF posts state-changing forms without the session's token, with a
// forged one and with another session's: 403 and no change, every time.
func TestCSRF(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		edna := n.SignIn(t, communique.RoleEditor)
		root := n.SignIn(t, communique.RoleAdministrator)
		draft := n.Article(t, n.Users[communique.RoleEditor], "Untouched", communique.StatusDraft)
		forms := []struct {
			name string
			path string
			form url.Values
		}{
			{"NewArticle", "/admin/posts/new", articleForm("Forged article", "published")},
			{"EditArticle", "/admin/posts/" + id(draft.ID) + "/edit", articleForm("Forged title", "published")},
			{"Autosave", "/admin/posts/autosave", url.Values{"title": {"Forged"}, "body": {"x"}}},
			{"Settings", "/admin/settings", n.settingsForm(t, map[string]string{"title": "Forged site"})},
			{"Profile", "/admin/profile", url.Values{"display_name": {"Forged"}, "email": {"forged@evil.example"}}},
			{"SignOut", "/admin/logout", url.Values{}},
		}
		tokens := []struct {
			name  string
			token []string // nil: no csrf_token field at all
		}{
			{"Missing", nil},
			{"Empty", []string{""}},
			{"Forged", []string{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
			{"OtherSession", []string{root.CSRF}},
			{"Twice", []string{"forged", edna.CSRF}},
		}
		for _, f := range forms {
			for _, tk := range tokens {
				t.Run(f.name+"/"+tk.name, func(t *testing.T) {
					form := url.Values{}
					for k, v := range f.form {
						form[k] = v
					}
					if tk.token != nil {
						form["csrf_token"] = tk.token
					}
					before := n.Snapshot(t)
					res := edna.PostRaw(t, f.path, form)
					if res.Status != http.StatusForbidden {
						t.Fatalf("status %d, want 403", res.Status)
					}
					if !strings.Contains(res.Message(), "did not come from the newsroom, so nothing was changed") {
						t.Errorf("message %q does not explain the refusal", res.Message())
					}
					if after := n.Snapshot(t); after != before {
						t.Errorf("a forged post changed the store:\n%s", diffLines(before, after))
					}
				})
			}
		}
		// Still signed in: the forged sign-out did nothing.
		if res := edna.Get(t, "/admin/"); res.Status != http.StatusOK {
			t.Errorf("after the forged sign-out the dashboard answers %d", res.Status)
		}
		t.Run("SignInForm", func(t *testing.T) {
			a := n.Agent(t)
			a.Get(t, "/admin/login")
			res := a.PostRaw(t, "/admin/login", url.Values{"login": {"edna"}, "password": {testPassword}, "csrf_token": {"forged"}})
			if res.Status != http.StatusForbidden || sessionCookie(res) != nil {
				t.Fatalf("sign-in with a forged token: status %d, session cookie %v", res.Status, sessionCookie(res))
			}
			if !strings.Contains(res.Message(), "sign-in form expired") {
				t.Errorf("message %q", res.Message())
			}
		})
	})
}

// TestSignInRequired: without a session, or with an expired one, a page
// redirects to the sign-in form and comes back to the same place after;
// a post is refused with a link to sign in, and changes nothing.
func TestSignInRequired(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		const want = "/admin/posts?status=draft&author=2"
		t.Run("NoSession", func(t *testing.T) {
			a := n.Agent(t)
			res := a.Get(t, want)
			if res.Status != http.StatusSeeOther || res.Location != "/admin/login?next="+url.QueryEscape(want) {
				t.Fatalf("GET without a session: %d to %q", res.Status, res.Location)
			}
			back := a.Login(t, "edna", testPassword, want)
			if back.Status != http.StatusSeeOther || back.Location != want {
				t.Fatalf("after signing in: %d to %q, want back to %q", back.Status, back.Location, want)
			}
			if res := a.Get(t, back.Location); res.Status != http.StatusOK {
				t.Fatalf("the page after sign-in answers %d", res.Status)
			}
		})
		t.Run("NoSessionPost", func(t *testing.T) {
			a := n.Agent(t)
			before := n.Snapshot(t)
			res := a.Do(t, http.MethodPost, "/admin/posts/new", strings.NewReader(articleForm("Lost", "draft").Encode()), http.Header{
				"Content-Type": {"application/x-www-form-urlencoded"}, "Referer": {n.URL + "/admin/posts/new"}})
			if res.Status != http.StatusForbidden {
				t.Fatalf("POST without a session: status %d, want 403", res.Status)
			}
			if !strings.Contains(res.Message(), "Your session has ended, so nothing was changed") ||
				!strings.Contains(res.Body, `href="/admin/login?next=%2Fadmin%2Fposts%2Fnew"`) {
				t.Errorf("the 403 page lacks the explanation or a sign-in link back to the form:\n%s", excerpt(res.Body))
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("changed:\n%s", diffLines(before, after))
			}
		})
		t.Run("Expired", func(t *testing.T) {
			a := n.SignIn(t, communique.RoleAuthor)
			draft := n.Article(t, n.Users[communique.RoleAuthor], "Waiting", communique.StatusDraft)
			edit := "/admin/posts/" + id(draft.ID) + "/edit"
			if res := a.Get(t, edit); res.Status != http.StatusOK {
				t.Fatalf("editor before expiry: %d", res.Status)
			}
			// Fifteen idle days: past the two-week session.
			n.Clock.Advance(15 * 24 * time.Hour)
			before := n.Snapshot(t)
			res := a.Post(t, edit, articleForm("Saved too late", "draft"))
			if res.Status != http.StatusForbidden || !strings.Contains(res.Body, `href="/admin/login?next=`) {
				t.Fatalf("POST with an expired session: status %d\n%s", res.Status, excerpt(res.Body))
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("changed:\n%s", diffLines(before, after))
			}
			res = a.Get(t, edit)
			if res.Status != http.StatusSeeOther || res.Location != "/admin/login?next="+url.QueryEscape(edit) {
				t.Fatalf("GET with an expired session: %d to %q", res.Status, res.Location)
			}
			back := a.Login(t, "arthur", testPassword, edit)
			if back.Status != http.StatusSeeOther || back.Location != edit {
				t.Fatalf("after signing in again: %d to %q, want %q", back.Status, back.Location, edit)
			}
		})
		t.Run("NextStaysInTheNewsroom", func(t *testing.T) {
			for _, next := range []string{"https://evil.example/", "//evil.example/admin/", "/admin/login", "/\\evil.example"} {
				a := n.Agent(t)
				res := a.Login(t, "edna", testPassword, next)
				if res.Status != http.StatusSeeOther || res.Location != "/admin/" {
					t.Errorf("next=%q: %d to %q, want the dashboard", next, res.Status, res.Location)
				}
			}
		})
	})
}

// TestThrottle: wrong passwords earn growing delays per account and
// address, never a lockout. The account is the same whether its login
// (in any case) or its email was typed; another account from the same
// address is not slowed; once the delay has passed the right password
// works; twenty failures from one address slow every sign-in from it.
// A wrong login and a wrong password read the same.
func TestThrottle(t *testing.T) {
	const wrongMsg = "Unknown login or wrong password."
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		n.Clock.Stop()
		attempt := func(t *testing.T, login, pw string) response {
			t.Helper()
			return n.Agent(t).Login(t, login, pw, "")
		}
		wantWait := func(t *testing.T, res response, what string) {
			t.Helper()
			if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Message(), "Please wait") ||
				res.Header.Get("Retry-After") == "" || sessionCookie(res) != nil {
				t.Fatalf("%s: status %d, message %q, Retry-After %q, cookie %v; want 429 with a wait",
					what, res.Status, res.Message(), res.Header.Get("Retry-After"), sessionCookie(res))
			}
		}
		t.Run("SameMessage", func(t *testing.T) {
			badPW := attempt(t, "arthur", "not the password")
			badLogin := attempt(t, "nobody-here", "not the password")
			if badPW.Status != http.StatusUnauthorized || badLogin.Status != http.StatusUnauthorized {
				t.Fatalf("statuses %d and %d, want 401", badPW.Status, badLogin.Status)
			}
			if badPW.Message() != wrongMsg || badLogin.Message() != wrongMsg {
				t.Errorf("messages %q and %q, want both %q", badPW.Message(), badLogin.Message(), wrongMsg)
			}
			if !strings.Contains(badPW.Body, `value="arthur"`) {
				t.Error("the form does not keep the login typed")
			}
		})
		t.Run("PerAccountDelays", func(t *testing.T) {
			connie := n.Users[communique.RoleContributor]
			for i := range 5 {
				login := []string{"connie", "CONNIE", connie.Email}[i%3] // one account, however named
				if res := attempt(t, login, "wrong "+id(int64(i))); res.Status != http.StatusUnauthorized {
					t.Fatalf("attempt %d: status %d, want 401", i+1, res.Status)
				}
			}
			for _, login := range []string{"connie", "CONNIE", connie.Email} {
				wantWait(t, attempt(t, login, testPassword), "the right password as "+login+" at once")
			}
			if got := n.Sessions(t, connie); got != 0 {
				t.Fatalf("a throttled sign-in got %d sessions", got)
			}
			if res := attempt(t, "edna", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("edna is slowed by connie's failures: %d %q", res.Status, res.Message())
			}
			// The first delay is a second; it doubles with each failure.
			n.Clock.Advance(2 * time.Second)
			if res := attempt(t, "connie", "wrong again"); res.Status != http.StatusUnauthorized {
				t.Fatalf("after the first delay: %d %q", res.Status, res.Message())
			}
			n.Clock.Advance(time.Second)
			wantWait(t, attempt(t, "connie", testPassword), "a second after the sixth failure")
			n.Clock.Advance(2 * time.Second)
			if res := attempt(t, "connie", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("the right password after the delay: %d %q", res.Status, res.Message())
			}
		})
		t.Run("SuccessForgives", func(t *testing.T) {
			n.Clock.Advance(25 * time.Hour) // past the window: a clean slate
			for range 4 {
				attempt(t, "arthur", "wrong")
			}
			if res := attempt(t, "arthur", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("fifth attempt, right password: %d", res.Status)
			}
			for range 4 {
				attempt(t, "arthur", "wrong")
			}
			if res := attempt(t, "arthur", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("the failures before the success still count: %d %q", res.Status, res.Message())
			}
		})
		t.Run("PerAddress", func(t *testing.T) {
			n.Clock.Advance(25 * time.Hour) // past the window: a clean slate
			for i := range 19 {
				if res := attempt(t, "guess"+id(int64(i)), "wrong"); res.Status != http.StatusUnauthorized {
					t.Fatalf("failure %d: status %d", i+1, res.Status)
				}
			}
			if res := attempt(t, "root", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("after 19 failures from the address: %d %q, want a sign-in", res.Status, res.Message())
			}
			attempt(t, "guess19", "wrong")
			wantWait(t, attempt(t, "sam", testPassword), "after 20 failures from the address")
			n.Clock.Advance(2 * time.Second)
			if res := attempt(t, "sam", testPassword); res.Status != http.StatusSeeOther {
				t.Fatalf("after the address's delay: %d %q", res.Status, res.Message())
			}
		})
	})
}

// TestSignOut ends the session in the store, not only the cookie.
func TestSignOut(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleEditor)
		edna := n.Users[communique.RoleEditor]
		if got := n.Sessions(t, edna); got != 1 {
			t.Fatalf("sessions after sign-in = %d", got)
		}
		res := a.Post(t, "/admin/logout", nil)
		if res.Status != http.StatusSeeOther || res.Location != "/admin/login" {
			t.Fatalf("sign out: %d to %q", res.Status, res.Location)
		}
		if c := sessionCookie(res); c == nil || c.MaxAge >= 0 {
			t.Errorf("the session cookie is not cleared: %v", c)
		}
		if got := n.Sessions(t, edna); got != 0 {
			t.Errorf("sessions after sign-out = %d, want 0", got)
		}
		if res := a.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
			t.Errorf("dashboard after sign-out: %d, want a redirect to sign in", res.Status)
		}
	})
}

// TestSessionsList: the profile lists every session, and "sign out
// everywhere else" ends all but the current one.
func TestSessionsList(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		edna := n.Users[communique.RoleEditor]
		laptop := n.Agent(t)
		laptop.UA = "Laptop browser"
		laptop.SignInAs(t, edna)
		phone := n.Agent(t)
		phone.UA = "Phone browser"
		phone.SignInAs(t, edna)
		profile := laptop.Get(t, "/admin/profile")
		for _, want := range []string{"Laptop browser", "Phone browser", "127.0.0.1"} {
			if !strings.Contains(profile.Body, want) {
				t.Errorf("the sessions list lacks %q", want)
			}
		}
		if got := strings.Count(profile.Body, "(this session)"); got != 1 {
			t.Errorf("%d sessions marked current, want 1", got)
		}
		if got := strings.Count(profile.Body, "<tr><td>"); got != 2 {
			t.Errorf("%d sessions listed, want 2", got)
		}
		res := laptop.Post(t, "/admin/sessions/revoke", nil)
		if res.Status != http.StatusSeeOther || res.Location != "/admin/profile?done=signedout" {
			t.Fatalf("sign out everywhere else: %d to %q", res.Status, res.Location)
		}
		if res := phone.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
			t.Errorf("the phone is still signed in: %d", res.Status)
		}
		profile = laptop.Get(t, "/admin/profile?done=signedout")
		if profile.Status != http.StatusOK || strings.Contains(profile.Body, "Phone browser") || profile.Message() != "Other sessions signed out." {
			t.Errorf("after signing out elsewhere: status %d, message %q, phone listed %v", profile.Status, profile.Message(), strings.Contains(profile.Body, "Phone browser"))
		}
		if got := n.Sessions(t, edna); got != 1 {
			t.Errorf("sessions = %d, want 1", got)
		}
	})
}

// TestRoleChangeEndsSessions: when an administrator changes a user's role
// or password, the user's sessions end, so new rights start afresh.
func TestRoleChangeEndsSessions(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		root := n.SignIn(t, communique.RoleAdministrator)
		arthur := n.Users[communique.RoleAuthor]
		author := n.SignIn(t, communique.RoleAuthor)
		editor := n.SignIn(t, communique.RoleEditor)
		res := root.Post(t, "/admin/users/"+id(arthur.ID), url.Values{"display_name": {arthur.DisplayName}, "email": {arthur.Email}, "role": {"contributor"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("change role: %d %q", res.Status, res.Message())
		}
		if res := author.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
			t.Errorf("the demoted author is still signed in: %d", res.Status)
		}
		if got := n.Sessions(t, arthur); got != 0 {
			t.Errorf("the demoted author has %d sessions", got)
		}
		if res := editor.Get(t, "/admin/"); res.Status != http.StatusOK {
			t.Errorf("another user was signed out: %d", res.Status)
		}
		if res := root.Get(t, "/admin/"); res.Status != http.StatusOK {
			t.Errorf("the administrator was signed out: %d", res.Status)
		}
		// Signed in again, arthur has the contributor's rights.
		author.SignInAs(t, arthur)
		if res := author.Post(t, "/admin/posts/new", articleForm("Now a contributor", "published")); res.Status != http.StatusForbidden {
			t.Errorf("the demoted author can still publish: %d", res.Status)
		}
	})
}

// TestSigninFailuresPage: an administrator sees recent failures by
// account (named by its login, whichever name was typed) and address,
// with the wait each earned, and clears one, after which its owner
// signs in at once; other roles may not see the page.
func TestSigninFailuresPage(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		n.Clock.Stop()
		connie := n.Users[communique.RoleContributor]
		for i := range 5 {
			n.Agent(t).Login(t, []string{"connie", connie.Email}[i%2], "wrong", "")
		}
		n.Agent(t).Login(t, "nobody-here", "wrong", "")
		if res := n.Agent(t).Login(t, "connie", testPassword, ""); res.Status != http.StatusTooManyRequests {
			t.Fatalf("connie after five failures: %d", res.Status)
		}
		admin := n.SignIn(t, communique.RoleAdministrator)
		page := admin.Get(t, "/admin/signins")
		if page.Status != http.StatusOK {
			t.Fatalf("GET /admin/signins = %d", page.Status)
		}
		for _, want := range []string{"<td>connie</td>", "<td>5</td>", "no such account:</span> nobody-here", `value="user:` + id(connie.ID) + `"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		if strings.Contains(page.Body, connie.Email) {
			t.Error("connie's failures are listed under her email too: one account, one row")
		}
		res := admin.Post(t, "/admin/signins/clear", url.Values{"account": {"user:" + id(connie.ID)}, "ip": {"127.0.0.1"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("clear: %d %q", res.Status, res.Message())
		}
		if res := n.Agent(t).Login(t, "connie", testPassword, ""); res.Status != http.StatusSeeOther {
			t.Fatalf("connie after the clear: %d %q", res.Status, res.Message())
		}
		if res := admin.PostRaw(t, "/admin/signins/clear", url.Values{"account": {"user:" + id(connie.ID)}}); res.Status != http.StatusForbidden {
			t.Errorf("a clear without the CSRF token: %d", res.Status)
		}
		if res := n.SignIn(t, communique.RoleEditor).Get(t, "/admin/signins"); res.Status != http.StatusForbidden {
			t.Errorf("an editor GET /admin/signins = %d, want 403", res.Status)
		}
	})
}
