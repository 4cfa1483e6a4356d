package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestUsers: an administrator creates users, changes roles, resets
// passwords and deletes users, giving their articles to someone else.
func TestUsers(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		root := n.SignIn(t, communique.RoleAdministrator)
		findLogin := func(t *testing.T, login string) *communique.User {
			t.Helper()
			list, err := n.DB.FindUsers(ctx, communique.UserFilter{Login: &login})
			if err != nil || len(list) != 1 {
				t.Fatalf("find %s: %v, %v", login, list, err)
			}
			return list[0]
		}

		t.Run("Create", func(t *testing.T) {
			res := root.Post(t, "/admin/users/new", url.Values{"login": {"nadia"}, "display_name": {"Nadia N."},
				"email": {"nadia@newsroom.example"}, "role": {"editor"}, "password": {"nadia's long password"}})
			if res.Status != http.StatusSeeOther || res.Location != "/admin/users?done=saved" {
				t.Fatalf("create: %d to %q (%q)", res.Status, res.Location, res.Message())
			}
			u := findLogin(t, "nadia")
			if u.Role != communique.RoleEditor || u.DisplayName != "Nadia N." || u.Email != "nadia@newsroom.example" || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
				t.Errorf("created user = %+v", u)
			}
			if res := n.Agent(t).Login(t, "nadia", "nadia's long password", ""); res.Status != http.StatusSeeOther {
				t.Errorf("the new user cannot sign in: %d %q", res.Status, res.Message())
			}
			if list := root.Get(t, "/admin/users"); !strings.Contains(list.Body, "nadia@newsroom.example") {
				t.Error("the users page lacks the new user")
			}
		})
		t.Run("CreateRefused", func(t *testing.T) {
			for name, f := range map[string]url.Values{
				"LoginTaken":    {"login": {"EDNA"}, "email": {"e2@newsroom.example"}, "role": {"author"}, "password": {"long enough pw"}},
				"ShortPassword": {"login": {"shorty"}, "email": {"s@newsroom.example"}, "role": {"author"}, "password": {"short"}},
				"BadEmail":      {"login": {"bademail"}, "email": {"not an email"}, "role": {"author"}, "password": {"long enough pw"}},
				"BadRole":       {"login": {"king"}, "email": {"k@newsroom.example"}, "role": {"king"}, "password": {"long enough pw"}},
			} {
				t.Run(name, func(t *testing.T) {
					before := n.Snapshot(t)
					res := root.Post(t, "/admin/users/new", f)
					if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, `class="field-error"`) && res.Message() == "" {
						t.Errorf("status %d, message %q", res.Status, res.Message())
					}
					if !strings.Contains(res.Body, `value="`+f.Get("login")+`"`) {
						t.Error("the form does not keep what was typed")
					}
					if after := n.Snapshot(t); after != before {
						t.Errorf("changed:\n%s", diffLines(before, after))
					}
				})
			}
		})
		t.Run("ChangeRole", func(t *testing.T) {
			sam := n.Users[communique.RoleSubscriber]
			res := root.Post(t, "/admin/users/"+id(sam.ID), url.Values{"display_name": {"Sam"}, "email": {sam.Email}, "role": {"author"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("change role: %d (%q)", res.Status, res.Message())
			}
			if got := findLogin(t, "sam"); got.Role != communique.RoleAuthor || got.PasswordHash != sam.PasswordHash {
				t.Errorf("after the role change: %s, password kept %v", got.Role, got.PasswordHash == sam.PasswordHash)
			}
		})
		t.Run("ResetPassword", func(t *testing.T) {
			arthur := n.Users[communique.RoleAuthor]
			res := root.Post(t, "/admin/users/"+id(arthur.ID), url.Values{"display_name": {arthur.DisplayName}, "email": {arthur.Email},
				"role": {"author"}, "password": {"a fresh password for arthur"}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("reset: %d (%q)", res.Status, res.Message())
			}
			if res := n.Agent(t).Login(t, "arthur", testPassword, ""); res.Status != http.StatusUnauthorized {
				t.Errorf("the old password still works: %d", res.Status)
			}
			if res := n.Agent(t).Login(t, "arthur", "a fresh password for arthur", ""); res.Status != http.StatusSeeOther {
				t.Errorf("the new password does not work: %d %q", res.Status, res.Message())
			}
		})
		t.Run("LastAdministrator", func(t *testing.T) {
			rootUser := n.Users[communique.RoleAdministrator]
			before := n.Snapshot(t)
			res := root.Post(t, "/admin/users/"+id(rootUser.ID), url.Values{"display_name": {"Root"}, "email": {rootUser.Email}, "role": {"editor"}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Message(), "last administrator") {
				t.Errorf("demoting the last administrator: %d %q", res.Status, res.Message())
			}
			res = root.Post(t, "/admin/users/"+id(rootUser.ID)+"/delete", url.Values{"reassign": {id(n.Olive.ID)}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Message(), "cannot delete yourself") {
				t.Errorf("deleting oneself: %d %q", res.Status, res.Message())
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("changed:\n%s", diffLines(before, after))
			}
		})
		t.Run("DeleteReassigns", func(t *testing.T) {
			connie := n.Users[communique.RoleContributor]
			edna := n.Users[communique.RoleEditor]
			a1 := n.Article(t, connie, "Connie's draft", communique.StatusDraft)
			a2 := n.Article(t, connie, "Connie's pending", communique.StatusPending)
			page := root.Get(t, "/admin/users/"+id(connie.ID))
			if !strings.Contains(page.Body, `<select id="reassign" name="reassign">`) || strings.Contains(page.Body, `<option value="`+id(connie.ID)+`">connie`) {
				t.Errorf("the delete form does not offer the other users only:\n%s", excerpt(page.Body))
			}
			before := n.Snapshot(t)
			res := root.Post(t, "/admin/users/"+id(connie.ID)+"/delete", url.Values{"reassign": {"999999"}})
			if res.Status != http.StatusBadRequest || n.Snapshot(t) != before {
				t.Errorf("reassigning to nobody: %d", res.Status)
			}
			res = root.Post(t, "/admin/users/"+id(connie.ID)+"/delete", url.Values{"reassign": {id(edna.ID)}})
			if res.Status != http.StatusSeeOther || res.Location != "/admin/users?done=deleted" {
				t.Fatalf("delete: %d to %q (%q)", res.Status, res.Location, res.Message())
			}
			if _, err := n.DB.FindUserByID(ctx, connie.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("the user is still there: %v", err)
			}
			for _, a := range []*communique.Article{a1, a2} {
				if got := n.FindArticle(t, a.ID); got.AuthorID != edna.ID || got.Status != a.Status {
					t.Errorf("%q: author %d, status %s; want edna's, unchanged", got.Title, got.AuthorID, got.Status)
				}
			}
		})
	})
}

// TestSettings: a bad value shows its error and saves nothing; good values
// save, and the site follows them.
func TestSettings(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		root := n.SignIn(t, communique.RoleAdministrator)
		page := root.Get(t, "/admin/settings")
		for _, want := range []string{"<legend>Site</legend>", "<legend>Discussion</legend>", `name="posts_per_page"`, `name="comment_moderation"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the settings page lacks %q", want)
			}
		}
		t.Run("BadValue", func(t *testing.T) {
			before := n.Snapshot(t)
			res := root.Post(t, "/admin/settings", n.settingsForm(t, map[string]string{"title": "A new title", "posts_per_page": "0", "timezone": "Mars/Olympus"}))
			if res.Status != http.StatusBadRequest || res.Message() != "Nothing was saved: please correct the highlighted settings." {
				t.Fatalf("bad settings: %d %q", res.Status, res.Message())
			}
			if strings.Count(res.Body, `class="field-error"`) != 2 || !strings.Contains(res.Body, `value="A new title"`) || !strings.Contains(res.Body, `value="Mars/Olympus"`) {
				t.Errorf("the form does not show both errors and keep the values:\n%s", excerpt(res.Body))
			}
			if after := n.Snapshot(t); after != before {
				t.Errorf("bad settings changed the store:\n%s", diffLines(before, after))
			}
		})
		t.Run("GoodValues", func(t *testing.T) {
			res := root.Post(t, "/admin/settings", n.settingsForm(t, map[string]string{"title": "The Harbour Times", "posts_per_page": "5",
				"timezone": "Europe/Paris", "comment_moderation": "true", "comments_open_default": "false"}))
			if res.Status != http.StatusSeeOther || res.Location != "/admin/settings?done=saved" {
				t.Fatalf("good settings: %d to %q (%q)", res.Status, res.Location, res.Message())
			}
			values, err := n.DB.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range map[string]string{"title": "The Harbour Times", "posts_per_page": "5", "timezone": "Europe/Paris", "comment_moderation": "true", "comments_open_default": "false"} {
				if values[k] != want {
					t.Errorf("%s = %q, want %q", k, values[k], want)
				}
			}
			if front := n.Agent(t).Get(t, "/"); !strings.Contains(front.Body, "The Harbour Times") {
				t.Error("the site does not show the new title")
			}
			if page := root.Get(t, "/admin/posts/new"); !strings.Contains(page.Body, `name="discussion_mode" value="read-only" checked`) {
				t.Error("a new article still defaults to open comments")
			}
		})
	})
}
