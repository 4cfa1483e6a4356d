package admin_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/privacy"
	"communique/storetest"
)

// TestPrivacyPage: administrators export and erase a person's data from
// the newsroom; nobody else sees the page.
func TestPrivacyPage(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.Article(t, n.Users[communique.RoleAuthor], "Harbour bridge reopens", communique.StatusPublished)
		mine := n.Comment(t, a, "I was there.", communique.CommentApproved) // by reader@mail.example
		root := n.SignIn(t, communique.RoleAdministrator)

		t.Run("OnlyAdministrators", func(t *testing.T) {
			editor := n.SignIn(t, communique.RoleEditor)
			if res := editor.Get(t, "/admin/privacy"); res.Status != http.StatusForbidden {
				t.Errorf("editor GET /admin/privacy = %d, want 403", res.Status)
			}
			if res := editor.Post(t, "/admin/privacy/export", url.Values{"email": {"reader@mail.example"}}); res.Status != http.StatusForbidden || strings.Contains(res.Body, "203.0.113.9") {
				t.Errorf("editor export = %d", res.Status)
			}
			if res := editor.Get(t, "/admin/"); strings.Contains(res.Body, `href="/admin/privacy"`) {
				t.Error("the editor's menu links to the privacy page")
			}
			if res := root.Get(t, "/admin/"); !strings.Contains(res.Body, `href="/admin/privacy"`) {
				t.Error("the administrator's menu lacks the privacy page")
			}
		})
		t.Run("Export", func(t *testing.T) {
			res := root.Post(t, "/admin/privacy/export", url.Values{"email": {"Reader@Mail.example"}})
			if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("export = %d %q %q", res.Status, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
			}
			var x privacy.Export
			if err := json.Unmarshal([]byte(res.Body), &x); err != nil {
				t.Fatal(err)
			}
			if len(x.Comments) != 1 || x.Comments[0].IP != "203.0.113.9" || x.Comments[0].Text != "I was there." {
				t.Errorf("export = %s", res.Body)
			}
		})
		t.Run("ErrBadEmail", func(t *testing.T) {
			res := root.Post(t, "/admin/privacy/erase", url.Values{"email": {"<script>"}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "valid email address") || strings.Contains(res.Body, "<script>") {
				t.Errorf("erase with a bad address = %d %q", res.Status, res.Message())
			}
		})
		t.Run("Anonymise", func(t *testing.T) {
			res := root.Post(t, "/admin/privacy/erase", url.Values{"email": {"reader@mail.example"}, "mode": {"anonymise"}})
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "Anonymised 1 comments") {
				t.Fatalf("anonymise = %d %s", res.Status, excerpt(res.Body))
			}
			if c := n.FindComment(t, mine.ID); c.AuthorName != "Anonymous" || c.AuthorEmail != "" || c.AuthorIP != "" {
				t.Errorf("comment = %+v", c)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			other := n.Comment(t, a, "Me too.", communique.CommentApproved)
			res := root.Post(t, "/admin/privacy/erase", url.Values{"email": {"reader@mail.example"}, "mode": {"delete"}})
			if res.Status != http.StatusOK || !strings.Contains(res.Body, "Deleted 1 comments") {
				t.Fatalf("delete = %d %s", res.Status, excerpt(res.Body))
			}
			if _, err := n.DB.FindCommentByID(t.Context(), other.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("the comment is still there: %v", err)
			}
		})
	})
}

// TestSessionRotation: signing in never keeps a session ID chosen before
// (session fixation), and changing one's own role starts a new session.
func TestSessionRotation(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		t.Run("SignIn", func(t *testing.T) {
			a := n.Agent(t)
			planted := &http.Cookie{Name: "communique_session", Value: strings.Repeat("a", 64), Path: "/"}
			u, _ := url.Parse(n.URL)
			a.client.Jar.SetCookies(u, []*http.Cookie{planted})
			res := a.Login(t, "edna", testPassword, "")
			c := sessionCookie(res)
			if res.Status != http.StatusSeeOther || c == nil || c.Value == planted.Value {
				t.Fatalf("sign in with a planted cookie: %d, cookie %v", res.Status, c)
			}
			// The planted value opens nothing.
			b := n.Agent(t)
			b.client.Jar.SetCookies(u, []*http.Cookie{planted})
			if res := b.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
				t.Errorf("the planted session ID is signed in: %d", res.Status)
			}
			// Each sign-in has its own ID.
			other := n.Agent(t)
			if c2 := sessionCookie(other.Login(t, "edna", testPassword, "")); c2 == nil || c2.Value == c.Value {
				t.Errorf("two sign-ins share a session ID")
			}
		})
		t.Run("OwnRoleChange", func(t *testing.T) {
			root := n.SignIn(t, communique.RoleAdministrator)
			other := n.SignIn(t, communique.RoleAdministrator) // the same person on a phone
			second := &communique.User{Login: "root2", Email: "root2@newsroom.example", Role: communique.RoleAdministrator, DisplayName: "Root Two"}
			hash, _ := passwordHash()
			second.PasswordHash = hash
			if err := n.DB.CreateUser(t.Context(), second); err != nil {
				t.Fatal(err)
			}
			me := n.Users[communique.RoleAdministrator]
			u, _ := url.Parse(n.URL)
			var before string
			for _, c := range root.client.Jar.Cookies(u) {
				if c.Name == "communique_session" {
					before = c.Value
				}
			}
			res := root.Post(t, "/admin/users/"+id(me.ID), url.Values{"display_name": {me.DisplayName}, "email": {me.Email}, "role": {"editor"}})
			c := sessionCookie(res)
			if res.Status != http.StatusSeeOther || c == nil || c.Value == before {
				t.Fatalf("own role change: %d, new cookie %v", res.Status, c)
			}
			if res := root.Get(t, "/admin/"); res.Status != http.StatusOK {
				t.Errorf("signed out by the own role change: %d", res.Status)
			}
			if res := other.Get(t, "/admin/"); res.Status != http.StatusSeeOther {
				t.Errorf("the other browser's session survived the role change: %d", res.Status)
			}
			if n.Sessions(t, me) != 1 {
				t.Errorf("sessions = %d, want the new one", n.Sessions(t, me))
			}
		})
	})
}
