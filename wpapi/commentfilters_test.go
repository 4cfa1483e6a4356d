package wpapi_test

import (
	"encoding/json"
	"slices"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestCommentFilters: comments' include, exclude, parent_exclude, offset,
// author and author_exclude are honoured as WordPress honours them, the
// author ones for moderators only.
func TestCommentFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		id := func(k string) int64 { return f.Comments[k].ID }
		ids := func(keys ...string) []int64 {
			out := []int64{}
			for _, k := range keys {
				out = append(out, id(k))
			}
			return out
		}
		q := func(k string) string { return itoa(id(k)) }
		cases := []struct {
			name, query, login string
			status             int
			want               []int64
		}{
			{"Include", "include=" + q("rita") + "," + q("ferry"), "", 200, ids("ferry", "rita")},
			{"Exclude", "exclude=" + q("rita") + "," + q("ferry"), "", 200, ids("walker")},
			{"ParentExcludeTopLevel", "parent_exclude=0", "", 200, ids("rita")},
			{"Offset", "offset=1", "", 200, ids("rita", "walker")},
			{"AuthorGuests", "author=0&order=asc", "admin", 200, ids("walker", "rita", "ferry")},
			{"AuthorExcludeGuests", "author_exclude=0", "admin", 200, []int64{}},
			{"AuthorAnonymous", "author=0", "", 401, nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, "GET", "/wp-json/wp/v2/comments?_fields=id&"+tc.query, tc.login, nil, nil)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.Status, tc.status, res.Body)
				}
				if tc.status != 200 {
					wantError(t, res, tc.status, "rest_forbidden_param")
					return
				}
				var got []struct{ ID int64 }
				if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
					t.Fatal(err)
				}
				gotIDs := []int64{}
				for _, g := range got {
					gotIDs = append(gotIDs, g.ID)
				}
				if !slices.Equal(gotIDs, tc.want) {
					t.Errorf("ids %v, want %v", gotIDs, tc.want)
				}
			})
		}
	})
}
