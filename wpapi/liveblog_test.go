package wpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestLiveBlogREST: an author starts a live blog on their published post,
// posts entries (Markdown in, sanitised HTML out) and marks key events;
// anyone reads it, newest first, without the Markdown; another author and
// strangers may change nothing; bad input is refused and stores nothing;
// an entry of another post is not reachable through this one; ending it
// refuses new entries. On both stores.
func TestLiveBlogREST(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		bridge, ferry := f.Articles["bridge"], f.Articles["ferry"] // by author, by author2
		path := "/wp-json/communique/v1/live/" + strconv.FormatInt(bridge.ID, 10)
		type entry struct {
			ID       int64 `json:"id"`
			KeyEvent bool  `json:"key_event"`
			Content  struct {
				Rendered string `json:"rendered"`
				Raw      string `json:"raw"`
			} `json:"content"`
		}
		read := func(login string) (out struct {
			Live    bool    `json:"live"`
			Ended   *string `json:"ended_gmt"`
			Entries []entry `json:"entries"`
		}) {
			t.Helper()
			res := a.do(t, "GET", path, login, nil, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("GET as %q: %d %s", login, res.Status, res.Body)
			}
			if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		wantError(t, a.do(t, "GET", path, "", nil, nil), http.StatusNotFound, "rest_no_live_blog")
		wantError(t, a.do(t, "POST", path, "author2", map[string]any{"live": true}, nil), http.StatusForbidden, "rest_cannot_edit")
		wantError(t, a.do(t, "POST", path, "", map[string]any{"live": true}, nil), http.StatusUnauthorized, "rest_cannot_edit")
		wantError(t, a.do(t, "POST", path, "author", map[string]any{}, nil), http.StatusBadRequest, "rest_invalid_param")
		if res := a.do(t, "POST", path, "author", map[string]any{"live": true}, nil); res.Status != http.StatusOK {
			t.Fatalf("start: %d %s", res.Status, res.Body)
		}
		var ids []int64
		for i, text := range []string{"Winds reach **90 km/h**.", "The ferry is cancelled. <script>alert(1)</script>"} {
			res := a.do(t, "POST", path+"/entries", "author", map[string]any{"content": text, "key_event": i == 1}, nil)
			var e entry
			if res.Status != http.StatusCreated || json.Unmarshal([]byte(res.Body), &e) != nil || e.Content.Raw != text {
				t.Fatalf("entry %d: %d %s", i, res.Status, res.Body)
			}
			ids = append(ids, e.ID)
		}
		wantError(t, a.do(t, "POST", path+"/entries", "author", map[string]any{"content": "   "}, nil), http.StatusBadRequest, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path+"/entries", "author", map[string]any{"key_event": true}, nil), http.StatusBadRequest, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path+"/entries", "author2", map[string]any{"content": "Not mine."}, nil), http.StatusForbidden, "rest_cannot_create")
		got := read("")
		if !got.Live || len(got.Entries) != 2 || got.Entries[0].ID != ids[1] || !got.Entries[0].KeyEvent || got.Entries[0].Content.Raw != "" ||
			!strings.Contains(got.Entries[1].Content.Rendered, "<strong>90 km/h</strong>") || strings.Contains(got.Entries[0].Content.Rendered, "<script") {
			t.Fatalf("anyone reads %+v", got)
		}
		if got := read("author"); got.Entries[0].Content.Raw == "" {
			t.Error("the post's author does not get the Markdown back")
		}
		entry0 := path + "/entries/" + strconv.FormatInt(ids[0], 10)
		if res := a.do(t, "PUT", entry0, "editor", map[string]any{"content": "Winds reach 110 km/h."}, nil); res.Status != http.StatusOK {
			t.Fatalf("editor edits: %d %s", res.Status, res.Body)
		}
		other := "/wp-json/communique/v1/live/" + strconv.FormatInt(ferry.ID, 10) + "/entries/" + strconv.FormatInt(ids[0], 10)
		wantError(t, a.do(t, "DELETE", other, "author2", nil, nil), http.StatusNotFound, "rest_live_entry_invalid_id")
		wantError(t, a.do(t, "DELETE", entry0, "author2", nil, nil), http.StatusForbidden, "rest_cannot_edit")
		if res := a.do(t, "DELETE", path+"/entries/"+strconv.FormatInt(ids[1], 10), "author", nil, nil); res.Status != http.StatusOK || !strings.Contains(res.Body, `"deleted":true`) {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		if got := read(""); len(got.Entries) != 1 || got.Entries[0].Content.Rendered != "<p>Winds reach 110 km/h.</p>\n" && !strings.Contains(got.Entries[0].Content.Rendered, "110 km/h") {
			t.Fatalf("after edit and delete: %+v", got)
		}
		if res := a.do(t, "POST", path, "author", map[string]any{"live": false}, nil); res.Status != http.StatusOK {
			t.Fatalf("end: %d %s", res.Status, res.Body)
		}
		wantError(t, a.do(t, "POST", path+"/entries", "author", map[string]any{"content": "After the end."}, nil), http.StatusBadRequest, "rest_invalid_param")
		if got := read(""); got.Live || got.Ended == nil || len(got.Entries) != 1 {
			t.Errorf("ended: %+v", got)
		}
	})
}
