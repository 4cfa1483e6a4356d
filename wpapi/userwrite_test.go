package wpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestUserWrites: users created, changed and deleted through the API as
// WordPress's clients do it, within the capability table, on both stores;
// and the list's who, roles, exclude and offset.
func TestUserWrites(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		author := "/wp-json/wp/v2/users/" + itoa(f.Users["author"].ID)
		newUser := map[string]any{"username": "reporter", "email": "reporter@example.com", "password": "a long enough secret",
			"name": "Rita Reporter", "roles": []string{"author"}, "description": "Covers the port.", "first_name": "Rita"}

		refusals := []struct {
			name, method, path, login string
			body                      map[string]any
			status                    int
			code                      string
		}{
			{"CreateAnonymous", "POST", "/wp-json/wp/v2/users", "", newUser, 401, "rest_cannot_create_user"},
			{"CreateEditor", "POST", "/wp-json/wp/v2/users", "editor", newUser, 403, "rest_cannot_create_user"},
			{"CreateMissing", "POST", "/wp-json/wp/v2/users", "admin", map[string]any{"username": "x"}, 400, "rest_missing_callback_param"},
			{"CreateWeak", "POST", "/wp-json/wp/v2/users", "admin", map[string]any{"username": "weak", "email": "weak@example.com", "password": "short"}, 400, "rest_invalid_param"},
			{"CreateTakenLogin", "POST", "/wp-json/wp/v2/users", "admin", map[string]any{"username": "editor", "email": "new@example.com", "password": "a long enough secret"}, 400, "existing_user_login"},
			{"CreateBadRole", "POST", "/wp-json/wp/v2/users", "admin", map[string]any{"username": "boss", "email": "boss@example.com", "password": "a long enough secret", "roles": []string{"owner"}}, 400, "rest_invalid_param"},
			{"UpdateOther", "POST", author, "author2", map[string]any{"name": "Mallory"}, 403, "rest_cannot_edit"},
			{"UpdateAnonymous", "POST", author, "", map[string]any{"name": "Mallory"}, 401, "rest_not_logged_in"},
			{"OwnRole", "POST", "/wp-json/wp/v2/users/me", "author", map[string]any{"roles": []string{"administrator"}}, 403, "rest_cannot_edit_roles"},
			{"OwnEmail", "PATCH", "/wp-json/wp/v2/users/me", "author", map[string]any{"email": "elsewhere@example.com"}, 400, "rest_invalid_param"},
			{"Username", "PUT", author, "admin", map[string]any{"username": "renamed"}, 400, "rest_invalid_param"},
			{"UpdateMissing", "POST", "/wp-json/wp/v2/users/999999", "admin", map[string]any{"name": "Nobody"}, 404, "rest_user_invalid_id"},
			{"DeleteEditor", "DELETE", author + "?force=true&reassign=" + itoa(f.Users["editor"].ID), "editor", nil, 403, "rest_user_cannot_delete"},
			{"DeleteNoForce", "DELETE", author + "?reassign=" + itoa(f.Users["editor"].ID), "admin", nil, 501, "rest_trash_not_supported"},
			{"DeleteNoReassign", "DELETE", author + "?force=true", "admin", nil, 400, "rest_missing_callback_param"},
			{"DeleteSelf", "DELETE", "/wp-json/wp/v2/users/me?force=true&reassign=" + itoa(f.Users["editor"].ID), "admin", nil, 400, "rest_invalid_param"},
			{"ListWhoAnonymous", "GET", "/wp-json/wp/v2/users?who=authors", "", nil, 401, "rest_forbidden_who"},
			{"ListRolesEditor", "GET", "/wp-json/wp/v2/users?roles=author", "editor", nil, 403, "rest_user_cannot_view"},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				var body any
				if tc.body != nil {
					body = tc.body
				}
				wantError(t, a.do(t, tc.method, tc.path, tc.login, body, nil), tc.status, tc.code)
			})
		}
		if u, err := db.FindUserByID(ctx, f.Users["author"].ID); err != nil || u.DisplayName != "Aria Author" || u.Role != communique.RoleAuthor {
			t.Fatalf("after the refusals the author is %+v, %v; want unchanged", u, err)
		}

		t.Run("Create", func(t *testing.T) {
			res := a.do(t, "POST", "/wp-json/wp/v2/users", "admin", newUser, nil)
			for _, want := range []string{`"username":"reporter"`, `"name":"Rita Reporter"`, `"roles":["author"]`, `"email":"reporter@example.com"`, `"description":"Covers the port."`} {
				if res.Status != 201 || !strings.Contains(res.Body, want) {
					t.Fatalf("%d, lacks %s: %s", res.Status, want, res.Body)
				}
			}
			users, err := db.FindUsers(ctx, communique.UserFilter{Login: ptr("reporter")})
			if err != nil || len(users) != 1 || users[0].PasswordHash == "" || strings.Contains(users[0].PasswordHash, "long enough") {
				t.Fatalf("stored: %+v, %v; want one user with a hashed password", users, err)
			}
		})
		t.Run("UpdateOwn", func(t *testing.T) {
			res := a.do(t, "PATCH", "/wp-json/wp/v2/users/me", "contrib", map[string]any{"name": "Cora C.", "description": "Freelance."}, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"name":"Cora C."`) || !strings.Contains(res.Body, `"description":"Freelance."`) {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
		})
		t.Run("AdminChangesRoleAndSignsOut", func(t *testing.T) {
			id := f.Users["author2"].ID
			if err := db.CreateSession(ctx, &communique.Session{ID: "hash-otto", UserID: id, ExpiresAt: f.clock.Now().Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			res := a.do(t, "POST", "/wp-json/wp/v2/users/"+itoa(id), "admin", map[string]any{"roles": []string{"editor"}}, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"roles":["editor"]`) {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			if sessions, _ := db.FindUserSessions(ctx, id); len(sessions) != 0 {
				t.Errorf("after a role change %d sessions remain; want every one signed out", len(sessions))
			}
		})
		t.Run("Lists", func(t *testing.T) {
			res := a.do(t, "GET", "/wp-json/wp/v2/users?who=authors&per_page=100&context=edit", "admin", nil, nil)
			if res.Status != 200 || strings.Contains(res.Body, `"username":"reader"`) || !strings.Contains(res.Body, `"username":"contrib"`) {
				t.Errorf("who=authors: %d %s", res.Status, res.Body)
			}
			res = a.do(t, "GET", "/wp-json/wp/v2/users?roles=subscriber&context=edit", "admin", nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"username":"reader"`) || strings.Contains(res.Body, `"username":"admin"`) {
				t.Errorf("roles=subscriber: %d %s", res.Status, res.Body)
			}
			res = a.do(t, "GET", "/wp-json/wp/v2/users?orderby=id&exclude="+itoa(f.Users["admin"].ID)+"&context=edit&per_page=100", "admin", nil, nil)
			if res.Status != 200 || strings.Contains(res.Body, `"username":"admin"`) || !strings.Contains(res.Body, `"username":"editor"`) {
				t.Errorf("exclude: %d %s", res.Status, res.Body)
			}
			all := a.do(t, "GET", "/wp-json/wp/v2/users?orderby=id&context=edit&per_page=100", "admin", nil, nil)
			skipped := a.do(t, "GET", "/wp-json/wp/v2/users?orderby=id&context=edit&per_page=100&offset=1", "admin", nil, nil)
			if strings.Count(all.Body, `"username"`) != strings.Count(skipped.Body, `"username"`)+1 || strings.Contains(skipped.Body, `"username":"admin"`) {
				t.Errorf("offset=1 does not skip the first user:\n%s\n%s", all.Body, skipped.Body)
			}
		})
		t.Run("Delete", func(t *testing.T) {
			res := a.do(t, "DELETE", author+"?force=true&reassign="+itoa(f.Users["editor"].ID), "admin", nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"deleted":true`) || !strings.Contains(res.Body, `"username":"author"`) {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			if _, err := db.FindUserByID(ctx, f.Users["author"].ID); communique.ErrorCode(err) != communique.ENOTFOUND {
				t.Errorf("the deleted user is still found: %v", err)
			}
			bridge, err := db.FindArticleByID(ctx, f.Articles["bridge"].ID)
			if err != nil || bridge.AuthorID != f.Users["editor"].ID {
				t.Errorf("the deleted author's article belongs to %d (%v); want the editor", bridge.AuthorID, err)
			}
		})
	})
}

func ptr[T any](v T) *T { return &v }

// TestAppPasswordRoutes: a user lists, makes, reads, introspects and
// revokes application passwords through the API, an administrator does
// it for anyone, nobody else can, and a revoked password stops working.
func TestAppPasswordRoutes(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		own := "/wp-json/wp/v2/users/me/application-passwords"
		authors := "/wp-json/wp/v2/users/" + itoa(f.Users["author"].ID) + "/application-passwords"
		for _, tc := range []struct {
			name, method, path, login string
			status                    int
			code                      string
		}{
			{"ListAnonymous", "GET", authors, "", 401, "rest_cannot_list_application_passwords"},
			{"ListOther", "GET", authors, "author2", 403, "rest_cannot_list_application_passwords"},
			{"CreateOther", "POST", authors, "editor", 403, "rest_cannot_create_application_passwords"},
			{"CreateNoName", "POST", own, "author", 400, "rest_missing_callback_param"},
			{"Missing", "GET", own + "/00000000-0000-4000-8000-00000000ffff", "author", 404, "rest_application_password_not_found"},
			{"NotAUUID", "DELETE", own + "/nonsense", "author", 404, "rest_application_password_not_found"},
			{"UnknownUser", "GET", "/wp-json/wp/v2/users/999999/application-passwords", "admin", 404, "rest_user_invalid_id"},
			{"IntrospectOther", "GET", authors + "/introspect", "admin", 403, "rest_cannot_introspect_app_password_for_non_authenticated_user"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var body any
				if tc.method == "POST" {
					body = map[string]any{}
				}
				wantError(t, a.do(t, tc.method, tc.path, tc.login, body, nil), tc.status, tc.code)
			})
		}

		res := a.do(t, "POST", own, "author", map[string]any{"name": "Newsroom phone"}, nil)
		if res.Status != 201 || !strings.Contains(res.Body, `"name":"Newsroom phone"`) {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		created := decode(t, res)
		made := struct{ UUID, Password string }{fmt.Sprint(created["uuid"]), fmt.Sprint(created["password"])}
		if len(strings.ReplaceAll(made.Password, " ", "")) != 24 || !strings.HasPrefix(made.UUID, "00000000-") {
			t.Fatalf("create answered password %q, uuid %q", made.Password, made.UUID)
		}
		// The new password signs in, and introspection names it.
		f.Passwords["author"] = made.Password
		res = a.do(t, "GET", own+"/introspect", "author", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"uuid":"`+made.UUID+`"`) || !strings.Contains(res.Body, `"last_used":"`) {
			t.Fatalf("introspect with the new password: %d %s", res.Status, res.Body)
		}
		res = a.do(t, "GET", authors, "admin", nil, nil)
		if res.Status != 200 || strings.Count(res.Body, `"uuid"`) != 2 || strings.Contains(res.Body, `"password"`) {
			t.Fatalf("an administrator's list: %d %s; want both passwords, neither shown", res.Status, res.Body)
		}
		res = a.do(t, "GET", authors+"/"+made.UUID, "admin", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"name":"Newsroom phone"`) {
			t.Fatalf("one password: %d %s", res.Status, res.Body)
		}
		res = a.do(t, "DELETE", own+"/"+made.UUID, "author", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"deleted":true`) {
			t.Fatalf("revoke: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "GET", "/wp-json/wp/v2/users/me", "author", nil, nil), 401, "rest_not_logged_in")
		res = a.do(t, "DELETE", authors, "admin", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"count":1`) {
			t.Fatalf("revoke all: %d %s", res.Status, res.Body)
		}
		if list, _ := db.FindAppPasswords(context.Background(), f.Users["author"].ID); len(list) != 0 {
			t.Errorf("%d application passwords remain after revoking all", len(list))
		}
	})
}

// TestCommentAndTermFilters: comments by parent and type, and the search
// route's type=term, on both stores.
func TestCommentAndTermFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		for _, tc := range []struct {
			name, path        string
			contains, absents []string
		}{
			{"Parent", "/wp-json/wp/v2/comments?parent=" + itoa(f.Comments["walker"].ID), []string{`"author_name":"Rita"`}, []string{`"author_name":"Walker"`}},
			{"ParentZero", "/wp-json/wp/v2/comments?parent=0&post=" + itoa(f.Articles["bridge"].ID), []string{`"author_name":"Walker"`}, []string{`"author_name":"Rita"`}},
			{"TypeComment", "/wp-json/wp/v2/comments?type=comment", []string{`"author_name":"Rita"`}, nil},
			{"TypePingback", "/wp-json/wp/v2/comments?type=pingback", []string{`[]`}, []string{`"author_name"`}},
			{"TermSearch", "/wp-json/wp/v2/search?search=foot&type=term", []string{`"title":"Football"`, `"type":"term"`, `"subtype":"category"`, `/category/sport/football/`}, []string{`"Harbour"`}},
			{"TermSearchTags", "/wp-json/wp/v2/search?search=r&type=term&subtype=post_tag", []string{`"title":"Harbour"`, `"title":"Ferries"`, `/tag/harbour/`}, []string{`"subtype":"category"`}},
			{"TermSearchExclude", "/wp-json/wp/v2/search?search=r&type=term&subtype=post_tag&exclude=" + itoa(f.Terms["ferries"].ID), []string{`"title":"Harbour"`}, []string{`"title":"Ferries"`}},
			{"SearchInclude", "/wp-json/wp/v2/search?search=harbour&include=" + itoa(f.Articles["lighthouse"].ID), []string{`"title":"Lighthouse restored"`}, []string{`"title":"Harbour bridge reopens"`}},
			{"SearchExclude", "/wp-json/wp/v2/search?search=harbour&exclude=" + itoa(f.Articles["lighthouse"].ID), []string{`"title":"Harbour bridge reopens"`}, []string{`"title":"Lighthouse restored"`}},
			{"ListInclude", "/wp-json/wp/v2/search?include=" + itoa(f.Articles["cup"].ID), []string{`"title":"Cup final tonight"`}, []string{`"title":"Harbour bridge reopens"`}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, "GET", tc.path, "", nil, nil)
				if res.Status != 200 {
					t.Fatalf("%d %s", res.Status, res.Body)
				}
				for _, want := range tc.contains {
					if !strings.Contains(res.Body, want) {
						t.Errorf("lacks %s: %s", want, res.Body)
					}
				}
				for _, absent := range tc.absents {
					if strings.Contains(res.Body, absent) {
						t.Errorf("holds %s: %s", absent, res.Body)
					}
				}
			})
		}
	})
}

// TestRevisionRoutes: an article's revisions and autosaves, read by those
// who may edit it, on both stores.
func TestRevisionRoutes(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		bridge := f.Articles["bridge"]
		base := "/wp-json/wp/v2/posts/" + itoa(bridge.ID)
		res := a.do(t, "POST", base, "author", map[string]any{"content": "<p>The <strong>bridge</strong> is open again, with a toll.</p>"}, nil)
		if res.Status != 200 {
			t.Fatalf("edit: %d %s", res.Status, res.Body)
		}
		if err := db.Autosave(context.Background(), &communique.Revision{ArticleID: bridge.ID, UserID: f.Users["author"].ID,
			Title: bridge.Title, Source: "Unsaved words.", Autosave: true}); err != nil {
			t.Fatal(err)
		}
		wantError(t, a.do(t, "GET", base+"/revisions", "", nil, nil), 401, "rest_cannot_read")
		wantError(t, a.do(t, "GET", base+"/revisions", "author2", nil, nil), 403, "rest_cannot_read")
		wantError(t, a.do(t, "GET", base+"/revisions/999999", "author", nil, nil), 404, "rest_post_invalid_id")

		res = a.do(t, "GET", base+"/revisions?context=edit", "author", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"parent":`+itoa(bridge.ID)) ||
			!strings.Contains(res.Body, `with a toll.`) || strings.Contains(res.Body, "Unsaved words") {
			t.Fatalf("revisions: %d %s", res.Status, res.Body)
		}
		var first []map[string]any
		if err := json.Unmarshal([]byte(res.Body), &first); err != nil || len(first) == 0 {
			t.Fatalf("revisions do not decode: %v", err)
		}
		one := a.do(t, "GET", base+"/revisions/"+fmt.Sprint(first[0]["id"]), "editor", nil, nil)
		var rev struct {
			Content struct {
				Raw      *string
				Rendered string
			}
		}
		if err := json.Unmarshal([]byte(one.Body), &rev); one.Status != 200 || err != nil ||
			rev.Content.Rendered != "<p>The <strong>bridge</strong> is open again, with a toll.</p>" || rev.Content.Raw != nil {
			t.Errorf("one revision, rendered, without raw in view context: %d %s", one.Status, one.Body)
		}
		res = a.do(t, "GET", base+"/autosaves", "author", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, "Unsaved words") || !strings.Contains(res.Body, `-autosave-v1"`) {
			t.Errorf("autosaves: %d %s", res.Status, res.Body)
		}

		// POST .../autosaves keeps the caller's text beside the article,
		// which stays as readers see it.
		wantError(t, a.do(t, "POST", base+"/autosaves", "author2", map[string]any{"content": "Mine"}, nil), 403, "rest_cannot_edit")
		wantError(t, a.do(t, "POST", "/wp-json/wp/v2/posts/999999/autosaves", "author", map[string]any{"content": "x"}, nil), 404, "rest_post_invalid_id")
		res = a.do(t, "POST", base+"/autosaves", "editor", map[string]any{"content": map[string]any{"raw": "Second thoughts."}}, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"raw":"Second thoughts."`) || !strings.Contains(res.Body, `"raw":"`+bridge.Title+`"`) ||
			res.Header.Get("Allow") != "GET, POST" {
			t.Fatalf("autosave: %d %s (Allow %q)", res.Status, res.Body, res.Header.Get("Allow"))
		}
		res = a.do(t, "GET", base+"/autosaves?context=edit", "editor", nil, nil)
		if !strings.Contains(res.Body, "Second thoughts.") || !strings.Contains(res.Body, "Unsaved words") {
			t.Errorf("autosaves after the editor's: %s", res.Body)
		}
		if now, err := db.FindArticleByID(context.Background(), bridge.ID); err != nil || strings.Contains(now.Source, "Second thoughts") {
			t.Errorf("the article changed with the autosave: %v", err)
		}
	})
}
