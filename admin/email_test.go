package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

var emailLink = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/admin/profile/email\?[^\s"<>]+`)

// TestEmailChange: a writer's new address takes the current password, is
// refused when another account has it (any case) or when its domain is an
// IP literal, and changes only once the link sent to it is confirmed by
// the same writer; the old address is told. The link works once.
func TestEmailChange(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNotifyNewsroom(t, place)
		arthur := n.Users[communique.RoleAuthor]
		a := n.SignIn(t, communique.RoleAuthor)
		profile := func(email, pw string) response {
			return a.Post(t, "/admin/profile", url.Values{"display_name": {"Arthur"}, "email": {email}, "current_password": {pw}})
		}
		refusals := []struct {
			name, email, pw, want string
		}{
			{"AdministratorsAddress", strings.ToUpper(n.Users[communique.RoleAdministrator].Email), testPassword, "Another account uses the email address"},
			{"NoPassword", "arthur.new@newsroom.example", "", "Type your current password to change your email address."},
			{"WrongPassword", "arthur.new@newsroom.example", "wrong horse", "Type your current password to change your email address."},
			{"IPLiteral", "arthur@[127.0.0.1]", testPassword, "addresses at an IP address are not accepted"},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				res := profile(tt.email, tt.pw)
				if res.Status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(res.Body), tt.want) ||
					!strings.Contains(res.Body, `value="`+html.EscapeString(tt.email)+`"`) {
					t.Fatalf("status %d, want 400 with %q and the address typed:\n%s", res.Status, tt.want, excerpt(res.Body))
				}
			})
		}
		n.deliver(t)
		if msgs := n.smtp.Messages(); len(msgs) != 0 {
			t.Fatalf("%d emails sent for refused changes", len(msgs))
		}
		const newAddress = "Arthur.New@newsroom.example"
		if res := profile(newAddress, testPassword); res.Status != http.StatusSeeOther || res.Location != "/admin/profile?done=emailsent" {
			t.Fatalf("change: %d %s", res.Status, res.Location)
		}
		if u := n.FindUser(t, arthur.ID); u.Email != arthur.Email {
			t.Fatalf("the address changed before confirmation: %q", u.Email)
		}
		n.deliver(t)
		msgs := n.smtp.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != newAddress {
			t.Fatalf("messages %v, want one to the new address", msgs)
		}
		link := html.UnescapeString(emailLink.FindString(msgs[0].Read(t).Text))
		if link == "" {
			t.Fatalf("no confirmation link:\n%s", msgs[0].Read(t).Text)
		}
		path := strings.TrimPrefix(link, n.URL)
		t.Run("ErrSomeoneElse", func(t *testing.T) {
			other := n.SignIn(t, communique.RoleContributor)
			if res := other.Get(t, path); res.Status != http.StatusOK {
				t.Fatalf("confirm page: %d", res.Status)
			}
			u, _ := url.Parse(path)
			res := other.Post(t, "/admin/profile/email", url.Values{"token": {u.Query().Get("token")}, "email": {u.Query().Get("email")}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Nothing was changed.") {
				t.Fatalf("another user's confirmation: %d", res.Status)
			}
		})
		page := a.Get(t, path)
		if page.Status != http.StatusOK || !strings.Contains(page.Body, html.EscapeString(newAddress)) {
			t.Fatalf("confirm page: %d\n%s", page.Status, excerpt(page.Body))
		}
		u, _ := url.Parse(path)
		confirm := url.Values{"token": {u.Query().Get("token")}, "email": {u.Query().Get("email")}}
		if res := a.Post(t, "/admin/profile/email", confirm); res.Status != http.StatusSeeOther || res.Location != "/admin/profile?done=emailchanged" {
			t.Fatalf("confirm: %d %s\n%s", res.Status, res.Location, excerpt(res.Body))
		}
		if got := n.FindUser(t, arthur.ID); got.Email != newAddress {
			t.Fatalf("address after confirmation: %q", got.Email)
		}
		n.deliver(t)
		msgs = n.smtp.Messages()
		if len(msgs) != 2 || msgs[1].To[0] != arthur.Email || !strings.Contains(msgs[1].Read(t).Text, newAddress) {
			t.Fatalf("no notice to the old address: %v", msgs)
		}
		if res := a.Post(t, "/admin/profile/email", confirm); res.Status != http.StatusBadRequest {
			t.Errorf("a used link: %d, want 400", res.Status)
		}
	})
}

// TestNewUserEmailTaken: the newsroom's new-user form refuses an address
// another account has, in any case, and keeps what was typed.
func TestNewUserEmailTaken(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		root := n.SignIn(t, communique.RoleAdministrator)
		taken := strings.ToUpper(n.Users[communique.RoleEditor].Email)
		res := root.Post(t, "/admin/users/new", url.Values{"login": {"newbie"}, "display_name": {"New Bie"}, "email": {taken},
			"role": {"author"}, "password": {testPassword}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Another account uses the email address") ||
			!strings.Contains(res.Body, `value="newbie"`) || !strings.Contains(res.Body, `value="`+taken+`"`) {
			t.Fatalf("status %d:\n%s", res.Status, excerpt(res.Body))
		}
		login := "newbie"
		if users, _ := n.DB.FindUsers(context.Background(), communique.UserFilter{Login: &login}); len(users) != 0 {
			t.Error("the user was created")
		}
		// An administrator changes their own address on the profile page,
		// with a confirmation, not here.
		me := n.Users[communique.RoleAdministrator]
		res = root.Post(t, "/admin/users/"+id(me.ID), url.Values{"display_name": {"Root"}, "email": {"root.elsewhere@newsroom.example"}, "role": {"administrator"}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "your profile") {
			t.Errorf("own address through the users page: %d", res.Status)
		}
	})
}

// FindUser reads a user from the store.
func (n *newsroom) FindUser(tb testing.TB, id int64) *communique.User {
	tb.Helper()
	u, err := n.DB.FindUserByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
