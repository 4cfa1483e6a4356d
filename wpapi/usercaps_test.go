package wpapi_test

import (
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestUserCapabilities: in edit context a user carries, under
// WordPress's names, what the capability table lets them do, and nothing
// it does not.
func TestUserCapabilities(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		cases := []struct {
			login    string
			has, not []string
		}{
			{"admin", []string{"administrator", "manage_options", "list_users", "edit_others_posts", "upload_files"}, nil},
			{"editor", []string{"editor", "edit_others_posts", "moderate_comments", "edit_pages"}, []string{"manage_options", "list_users"}},
			{"author", []string{"author", "publish_posts", "upload_files", "edit_published_posts"}, []string{"edit_others_posts", "edit_pages", "moderate_comments"}},
			{"contrib", []string{"contributor", "edit_posts", "read"}, []string{"publish_posts", "upload_files", "edit_published_posts"}},
			{"reader", []string{"subscriber", "read"}, []string{"edit_posts"}},
		}
		for _, tc := range cases {
			t.Run(tc.login, func(t *testing.T) {
				res := a.do(t, "GET", "/wp-json/wp/v2/users/me?context=edit", tc.login, nil, nil)
				m := decode(t, res)
				caps, _ := m["capabilities"].(map[string]any)
				extra, _ := m["extra_capabilities"].(map[string]any)
				for _, c := range tc.has {
					if caps[c] != true {
						t.Errorf("capabilities lack %s: %v", c, caps)
					}
				}
				for _, c := range tc.not {
					if _, ok := caps[c]; ok {
						t.Errorf("capabilities give %s: %v", c, caps)
					}
				}
				if len(extra) != 1 || extra[tc.has[0]] != true || m["locale"] != "en" {
					t.Errorf("extra_capabilities %v, locale %v", extra, m["locale"])
				}
			})
		}
		res := a.do(t, "GET", "/wp-json/wp/v2/users/"+itoa(f.Users["admin"].ID)+"?context=edit", "author", nil, nil)
		if m := decode(t, res); m["capabilities"] != nil {
			t.Errorf("an author sees the administrator's capabilities: %s", res.Body)
		}
	})
}
