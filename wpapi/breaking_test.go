package wpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestBreakingNews: editors switch the banner on and off through
// communique/v1/breaking; anyone reads it; authors and strangers may not
// change it; bad values are refused and change nothing.
func TestBreakingNews(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		const path = "/wp-json/communique/v1/breaking"
		read := func(login string) (out struct {
			Text, URL string
			Until     *string
			Active    bool
		}) {
			t.Helper()
			res := a.do(t, "GET", path, login, nil, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("GET: status %d: %s", res.Status, res.Body)
			}
			if err := json.Unmarshal([]byte(res.Body), &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if b := read(""); b.Active || b.Text != "" || b.Until != nil {
			t.Fatalf("a new site has a banner: %+v", b)
		}
		until := f.clock.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
		res := a.do(t, "POST", path, "editor", map[string]any{"text": "Polls have closed", "url": "/live/", "until": until}, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("editor switching it on: status %d: %s", res.Status, res.Body)
		}
		if b := read(""); !b.Active || b.Text != "Polls have closed" || b.URL != "/live/" || b.Until == nil || *b.Until != until {
			t.Fatalf("after switching on, anyone reads %+v", b)
		}
		f.clock.Add(3 * time.Hour)
		if b := read(""); b.Active || b.Text != "Polls have closed" {
			t.Errorf("past its end the banner reads %+v, want inactive", b)
		}

		wantError(t, a.do(t, "POST", path, "author", map[string]any{"text": "Mine"}, nil), http.StatusForbidden, "rest_forbidden")
		wantError(t, a.do(t, "POST", path, "", map[string]any{"text": "Anyone"}, nil), http.StatusUnauthorized, "rest_forbidden")
		wantError(t, a.do(t, "POST", path, "editor", map[string]any{"text": "x", "until": "tomorrow"}, nil), http.StatusBadRequest, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path, "editor", map[string]any{"text": "x", "url": "javascript:alert(1)"}, nil), http.StatusBadRequest, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path, "editor", map[string]any{"text": "x", "until": f.clock.Now().Add(-time.Hour).Format(time.RFC3339)}, nil), http.StatusBadRequest, "rest_invalid_param")
		if b := read(""); b.Text != "Polls have closed" {
			t.Errorf("refused changes changed the banner: %+v", b)
		}

		if res := a.do(t, "POST", path, "editor", map[string]any{"text": ""}, nil); res.Status != http.StatusOK {
			t.Fatalf("switching off: status %d: %s", res.Status, res.Body)
		}
		if b := read(""); b.Active || b.Text != "" || b.URL != "" || b.Until != nil {
			t.Errorf("after switching off: %+v", b)
		}
	})
}

// TestPostAuthors: authors lists everyone credited, users and guests, in
// order beside author; a client sets it by user id or a guest's name.
func TestPostAuthors(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		author2 := f.Users["author2"]
		res := a.do(t, "POST", "/wp-json/wp/v2/posts", "editor", map[string]any{"title": "Shared", "content": "<p>Two hands.</p>", "status": "publish",
			"authors": []any{author2.ID, map[string]any{"name": "Jo Freelance"}}}, nil)
		if res.Status != http.StatusCreated {
			t.Fatalf("create with authors: status %d: %s", res.Status, res.Body)
		}
		var post struct {
			ID      int64 `json:"id"`
			Author  int64 `json:"author"`
			Authors []struct {
				ID         int64
				Type, Name string
				Slug       string
			} `json:"authors"`
		}
		if err := json.Unmarshal([]byte(res.Body), &post); err != nil {
			t.Fatal(err)
		}
		if len(post.Authors) != 2 || post.Authors[0].ID != author2.ID || post.Authors[0].Type != "user" || post.Authors[0].Name != "Otto Other" ||
			post.Authors[1].Type != "guest" || post.Authors[1].Name != "Jo Freelance" || post.Authors[1].Slug != "jo-freelance" ||
			post.Author != f.Users["editor"].ID {
			t.Fatalf("authors = %+v (author %d)", post.Authors, post.Author)
		}
		path := "/wp-json/wp/v2/posts/" + strconv.FormatInt(post.ID, 10)
		wantError(t, a.do(t, "POST", path, "editor", map[string]any{"authors": []any{"nobody"}}, nil), http.StatusBadRequest, "rest_invalid_param")
		wantError(t, a.do(t, "POST", path, "editor", map[string]any{"authors": []any{987654}}, nil), http.StatusBadRequest, "rest_invalid_param")
		res = a.do(t, "GET", path, "", nil, nil)
		if !strings.Contains(res.Body, `"authors":[{"id":`+strconv.FormatInt(author2.ID, 10)+`,"type":"user","name":"Otto Other"`) {
			t.Errorf("a refused change or a reader's view lost the authors: %s", res.Body)
		}
	})
}
