package wpapi_test

import (
	"net/http"
	"strconv"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestIfMatch: a writer's answers carry the post's version as ETag; an
// update with If-Match of that version goes through and gets the next
// one; an update with the old ETag after a colleague's save is refused
// with 412 and changes nothing; "*" and no If-Match stay unconditional.
func TestIfMatch(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		path := "/wp-json/wp/v2/posts/" + strconv.FormatInt(f.Articles["bridge"].ID, 10)
		ifMatch := func(tag string) http.Header { return http.Header{"If-Match": {tag}} }

		opened := a.do(t, "GET", path+"?context=edit", "editor", nil, nil)
		tag := opened.Header.Get("ETag")
		if opened.Status != 200 || tag == "" {
			t.Fatalf("GET as editor: %d, ETag %q", opened.Status, tag)
		}
		if anon := a.do(t, "GET", path, "", nil, nil); anon.Header.Get("ETag") != "" {
			t.Errorf("an anonymous reader gets the version tag %q", anon.Header.Get("ETag"))
		}
		first := a.do(t, "POST", path, "editor", map[string]any{"content": "<p>The editor's text.</p>"}, ifMatch(tag))
		next := first.Header.Get("ETag")
		if first.Status != 200 || next == "" || next == tag {
			t.Fatalf("update with the current ETag: %d, ETag %q after %q\n%s", first.Status, next, tag, first.Body)
		}
		stale := a.do(t, "PUT", path, "admin", map[string]any{"content": "<p>The admin's older text.</p>"}, ifMatch(tag))
		wantError(t, stale, http.StatusPreconditionFailed, "rest_precondition_failed")
		if got := rendered(decode(t, a.do(t, "GET", path+"?context=edit", "editor", nil, nil)), "content", "raw"); got != "<p>The editor's text.</p>" {
			t.Fatalf("after the refused update the content is %q", got)
		}
		weak := a.do(t, "PATCH", path, "admin", map[string]any{"title": "Weak"}, ifMatch("W/"+next))
		wantError(t, weak, http.StatusPreconditionFailed, "rest_precondition_failed")
		for _, h := range []http.Header{ifMatch(`"v0", ` + next), ifMatch("*"), nil} {
			if res := a.do(t, "POST", path, "admin", map[string]any{"title": "Bridge reopens"}, h); res.Status != 200 {
				t.Errorf("update with If-Match %q: %d\n%s", h.Get("If-Match"), res.Status, res.Body)
			}
		}
	})
}
