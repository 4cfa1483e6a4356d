package wpapi_test

import (
	"context"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestBatch: batch/v1 serves each request through the same handlers as
// the same caller, answers 207 with each one's status, body and headers,
// refuses routes that take no batches, and with require-all-validate
// makes none when one is refused.
func TestBatch(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		ctx := context.Background()
		tags := func() int {
			tx := communique.TaxonomyTag
			list, err := db.FindTerms(ctx, communique.TermFilter{Taxonomy: &tx})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		before := tags()
		req := func(method, path string, body any) map[string]any {
			return map[string]any{"method": method, "path": path, "body": body}
		}
		cases := []struct {
			name, login string
			body        any
			status      int
			contains    []string
			newTags     int
		}{
			{"Mixed", "admin", map[string]any{"requests": []any{req("POST", "/wp/v2/tags", map[string]any{"name": "Tides"}),
				req("DELETE", "/wp/v2/posts/999999", nil), req("POST", "/wp/v2/categories", map[string]any{"name": "Weather"})}}, 207,
				[]string{`"status":201`, `"name":"Tides"`, `"Location":"https://news.example.com/wp-json/wp/v2/tags/`, `"Allow":"GET, POST"`,
					`"status":404`, `"rest_post_invalid_id"`, `"name":"Weather"`}, 1},
			{"AsTheCaller", "author", map[string]any{"requests": []any{req("POST", "/wp/v2/tags", map[string]any{"name": "Nope"})}}, 207,
				[]string{`"status":403`, `"rest_cannot_create"`}, 0},
			{"NotBatchable", "admin", map[string]any{"requests": []any{req("POST", "/wp/v2/users", map[string]any{"username": "x"}),
				req("POST", "/wp/v2/tags", map[string]any{"name": "Ebb"})}}, 207,
				[]string{`"rest_batch_not_allowed"`, `"name":"Ebb"`}, 1},
			{"RequireAll", "admin", map[string]any{"validation": "require-all-validate", "requests": []any{
				req("POST", "/wp/v2/tags", map[string]any{"name": "Flood"}), req("POST", "/wp/v2/nothing", nil)}}, 207,
				[]string{`"failed":"validation"`, `"rest_no_route"`, `"responses":[null,`}, 0},
			{"NoRequests", "admin", map[string]any{}, 400, []string{`"rest_missing_callback_param"`}, 0},
			{"TooMany", "admin", map[string]any{"requests": make([]any, 26)}, 400, []string{`"rest_invalid_param"`}, 0},
			{"BadValidation", "admin", map[string]any{"validation": "some", "requests": []any{}}, 400, []string{`"rest_invalid_param"`}, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				n := tags()
				res := a.do(t, "POST", "/wp-json/batch/v1", tc.login, tc.body, nil)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tc.status, res.Body)
				}
				for _, want := range tc.contains {
					if !strings.Contains(res.Body, want) {
						t.Errorf("answer lacks %s\n%s", want, res.Body)
					}
				}
				if got := tags() - n; got != tc.newTags {
					t.Errorf("%d new tags, want %d", got, tc.newTags)
				}
			})
		}
		if tags() != before+2 {
			t.Errorf("%d tags after the batches, want %d", tags(), before+2)
		}
		res := a.do(t, "GET", "/wp-json/", "", nil, nil)
		if !strings.Contains(res.Body, `"/batch/v1":{`) || !strings.Contains(res.Body, `"allow_batch":{"v1":true}`) {
			t.Errorf("the index lacks batch/v1 or allow_batch")
		}
	})
}
