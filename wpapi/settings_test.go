package wpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestSettingsRefusals: a bad value or a change to a setting the site keeps
// fixed answers
// 400 rest_invalid_param naming each parameter with what it allows, and
// stores nothing; what GET shows can be sent back as is.
func TestSettingsRefusals(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		stored := func() string {
			m, err := db.Settings(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(m)
		}
		cases := []struct {
			name string
			body map[string]any
			want map[string]string // parameter → part of its message
		}{
			{"TooFewPosts", map[string]any{"posts_per_page": 0}, map[string]string{"posts_per_page": "posts_per_page: must be a whole number from 1 to 100"}},
			{"NotATimeZone", map[string]any{"timezone": "Mars/Olympus"}, map[string]string{"timezone": "timezone: must be an IANA time zone"}},
			{"LongTaglineByWordPressName", map[string]any{"description": strings.Repeat("x", 501)}, map[string]string{"description": "description: must be at most 500 characters"}},
			{"NotAURL", map[string]any{"url": "ftp://news.example"}, map[string]string{"url": "url: must be empty or an http:// or https:// URL"}},
			{"BadCommentStatus", map[string]any{"default_comment_status": "sometimes"}, map[string]string{"default_comment_status": "not one of open, closed"}},
			{"Pings", map[string]any{"default_ping_status": "open"}, map[string]string{"default_ping_status": "default_ping_status: not supported by this site; it stays \"closed\""}},
			{"FixedHere", map[string]any{"start_of_week": 3}, map[string]string{"start_of_week": "start_of_week: not supported by this site; it stays \"1\""}},
			{"FixedLogo", map[string]any{"site_logo": 12}, map[string]string{"site_logo": "site_logo: not supported"}},
			// One bad parameter spoils the lot: the good title is not saved.
			{"GoodWithBad", map[string]any{"title": "Half saved", "posts_per_page": "many"}, map[string]string{"posts_per_page": "posts_per_page"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before := stored()
				res := a.do(t, "POST", "/wp-json/wp/v2/settings", "admin", tc.body, nil)
				wantError(t, res, 400, "rest_invalid_param")
				var e struct {
					Message string `json:"message"`
					Data    struct {
						Params map[string]string `json:"params"`
					} `json:"data"`
				}
				if err := json.Unmarshal([]byte(res.Body), &e); err != nil {
					t.Fatal(err)
				}
				for name, want := range tc.want {
					if !strings.Contains(e.Data.Params[name], want) || !strings.Contains(e.Message, name) {
						t.Errorf("%s: message %q, params %q; want %q", name, e.Message, e.Data.Params, want)
					}
				}
				if after := stored(); after != before {
					t.Errorf("a refused update changed the settings:\n%s\n%s", before, after)
				}
			})
		}
		// A name WordPress does not know is ignored, as WordPress ignores
		// it: the known ones beside it are saved, the answer omits it.
		t.Run("UnknownIgnored", func(t *testing.T) {
			res := a.do(t, "POST", "/wp-json/wp/v2/settings", "admin", map[string]any{"title": "Quay News", "comment_order": "desc", "no_such": 1}, nil)
			if res.Status != 200 || strings.Contains(res.Body, "no_such") || strings.Contains(res.Body, "comment_order") {
				t.Fatalf("status %d\n%s", res.Status, res.Body)
			}
			if st := f.settings(t); st.Title != "Quay News" || st.CommentOrder != "asc" {
				t.Errorf("title %q, comment order %q", st.Title, st.CommentOrder)
			}
			for _, want := range []string{`"email":"admin@example.com"`, `"start_of_week":1`, `"site_logo":null`, `"show_on_front":"posts"`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("answer lacks %s:\n%s", want, res.Body)
				}
			}
		})
		t.Run("RoundTrip", func(t *testing.T) {
			got := a.do(t, "GET", "/wp-json/wp/v2/settings", "admin", nil, nil)
			var body map[string]any
			if err := json.Unmarshal([]byte(got.Body), &body); err != nil {
				t.Fatalf("%v\n%s", err, got.Body)
			}
			body["title"] = "The Quay"
			res := a.do(t, "POST", "/wp-json/wp/v2/settings", "admin", body, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"title":"The Quay"`) {
				t.Fatalf("status %d\n%s", res.Status, res.Body)
			}
			if st := f.settings(t); st.Title != "The Quay" {
				t.Errorf("title = %q", st.Title)
			}
		})
	})
}
