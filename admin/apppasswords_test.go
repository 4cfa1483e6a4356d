package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"communique"
	"communique/password"
	"communique/storetest"
)

var appPasswordShown = regexp.MustCompile(`<code class="app-password">([A-Za-z0-9]{4}(?: [A-Za-z0-9]{4}){5})</code>`)

// TestAppPasswordsProfile: the profile page makes application passwords,
// shows each once, lists them and revokes them one by one.
func TestAppPasswordsProfile(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		author := n.Users[communique.RoleAuthor]
		a := n.SignIn(t, communique.RoleAuthor)
		if res := a.Get(t, "/admin/profile"); !strings.Contains(res.Body, "You have no application passwords.") {
			t.Fatalf("profile without application passwords:\n%s", excerpt(res.Body))
		}
		res := a.Post(t, "/admin/profile/app-passwords", url.Values{"app_password_name": {"Phone app"}})
		m := appPasswordShown.FindStringSubmatch(res.Body)
		if res.Status != http.StatusOK || m == nil {
			t.Fatalf("create: status %d, password shown %v\n%s", res.Status, m != nil, excerpt(res.Body))
		}
		apps, err := n.DB.FindAppPasswords(ctx, author.ID)
		if err != nil || len(apps) != 1 || apps[0].Name != "Phone app" {
			t.Fatalf("stored: %+v %v", apps, err)
		}
		if password.Check(apps[0].Hash, password.NormalizeApplication(m[1])) != nil || strings.Contains(apps[0].Hash, m[1]) {
			t.Fatalf("the stored hash does not check the password shown, or holds it")
		}
		again := a.Get(t, "/admin/profile")
		if strings.Contains(again.Body, m[1]) || !strings.Contains(again.Body, "Phone app") {
			t.Errorf("the password must show once, and its name stay listed")
		}

		res = a.Post(t, "/admin/profile/app-passwords", url.Values{"app_password_name": {"  "}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Give the application password a name") || appPasswordShown.MatchString(res.Body) {
			t.Errorf("create without a name: status %d", res.Status)
		}
		// Another user cannot revoke it by its number.
		other := n.SignIn(t, communique.RoleEditor)
		path := "/admin/profile/app-passwords/" + strconv.FormatInt(apps[0].ID, 10) + "/revoke"
		if res := other.Post(t, path, nil); res.Status != http.StatusNotFound {
			t.Errorf("revoke another user's password: status %d, want 404", res.Status)
		}
		res = a.Post(t, path, nil)
		if res.Status != http.StatusSeeOther || res.Location != "/admin/profile?done=revoked#app-passwords" {
			t.Fatalf("revoke: %d to %q", res.Status, res.Location)
		}
		if apps, _ := n.DB.FindAppPasswords(ctx, author.ID); len(apps) != 0 {
			t.Errorf("still stored after revoking: %+v", apps)
		}
		if res := a.Get(t, "/admin/profile?done=revoked"); res.Message() != "Application password revoked." {
			t.Errorf("message = %q", res.Message())
		}
	})
}

// TestSessionUser: the REST API's cookie authentication finds the user of
// a live session, and nobody without one.
func TestSessionUser(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleEditor)
		u, _ := url.Parse(n.URL)
		req := httptest.NewRequest("GET", "/wp-json/wp/v2/users/me", nil)
		for _, c := range a.client.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		got, id, ok := n.Admin.SessionUser(req)
		if !ok || got.ID != n.Users[communique.RoleEditor].ID || id == "" {
			t.Fatalf("SessionUser = %v %q %v", got, id, ok)
		}
		if _, _, ok := n.Admin.SessionUser(httptest.NewRequest("GET", "/", nil)); ok {
			t.Fatal("a request without a cookie has a session user")
		}
		bad := httptest.NewRequest("GET", "/", nil)
		bad.AddCookie(&http.Cookie{Name: "communique_session", Value: "forged"})
		if _, _, ok := n.Admin.SessionUser(bad); ok {
			t.Fatal("a forged cookie has a session user")
		}
	})
}
