package wpapi_test

import (
	"strconv"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestPrivateAndProtectedPosts: status=private is written and read by
// those allowed, as in WordPress 6.1, and nobody else sees it; a post's
// password protects its content and excerpt (content.protected, empty
// rendered) unless ?password= is right, and its comments. On both stores.
func TestPrivateAndProtectedPosts(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		field := func(res response, path ...string) any {
			t.Helper()
			var v any = res.JSON(t)
			for _, p := range path {
				m, ok := v.(map[string]any)
				if !ok {
					return nil
				}
				v = m[p]
			}
			return v
		}

		// A contributor may not make a post private; an author may.
		if res := a.do(t, "POST", "/wp-json/wp/v2/posts", "contrib", map[string]any{"title": "Mine", "status": "private"}, nil); res.Status != 403 {
			t.Errorf("contributor private = %d %s", res.Status, res.Body)
		}
		res := a.do(t, "POST", "/wp-json/wp/v2/posts", "author", map[string]any{"title": "Board minutes", "content": "PRIVATEBODY", "status": "private"}, nil)
		if res.Status != 201 || field(res, "status") != "private" || field(res, "title", "rendered") != "Private: Board minutes" {
			t.Fatalf("author private = %d %s", res.Status, res.Body)
		}
		priv := strconv.FormatInt(int64(field(res, "id").(float64)), 10)
		for _, who := range []string{"", "author2", "contrib", "reader"} {
			if res := a.do(t, "GET", "/wp-json/wp/v2/posts/"+priv, who, nil, nil); res.Status < 400 || strings.Contains(res.Body, "PRIVATEBODY") {
				t.Errorf("private post for %q = %d", who, res.Status)
			}
			if res := a.do(t, "GET", "/wp-json/wp/v2/posts?per_page=100", who, nil, nil); strings.Contains(res.Body, "PRIVATEBODY") {
				t.Errorf("the list for %q shows the private post", who)
			}
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts?status=private", "", nil, nil); res.Status != 401 {
			t.Errorf("status=private anonymously = %d", res.Status)
		}
		for _, who := range []string{"author", "editor"} {
			res := a.do(t, "GET", "/wp-json/wp/v2/posts?status=private", who, nil, nil)
			if res.Status != 200 || !strings.Contains(res.Body, "PRIVATEBODY") {
				t.Errorf("status=private for %s = %d %s", who, res.Status, res.Body)
			}
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts?status=private", "author2", nil, nil); res.Status != 200 || strings.Contains(res.Body, "PRIVATEBODY") {
			t.Errorf("status=private for another author = %d", res.Status)
		}

		// A password: stored, shown in edit context to editors only.
		res = a.do(t, "POST", "/wp-json/wp/v2/posts", "editor", map[string]any{"title": "Budget", "content": "SECRETBODY",
			"excerpt": "SECRETEXCERPT", "status": "publish", "password": "open sesame"}, nil)
		if res.Status != 201 || field(res, "password") != "open sesame" || field(res, "content", "protected") != true {
			t.Fatalf("protected create = %d %s", res.Status, res.Body)
		}
		prot := strconv.FormatInt(int64(field(res, "id").(float64)), 10)
		anon := a.do(t, "GET", "/wp-json/wp/v2/posts/"+prot, "", nil, nil)
		if anon.Status != 200 || field(anon, "content", "protected") != true || field(anon, "content", "rendered") != "" ||
			field(anon, "excerpt", "protected") != true || field(anon, "excerpt", "rendered") != "" || field(anon, "title", "rendered") != "Budget" {
			t.Errorf("protected for a reader = %d %s", anon.Status, anon.Body)
		}
		for _, sec := range []string{"SECRETBODY", "SECRETEXCERPT", "open sesame", `"password"`} {
			if strings.Contains(anon.Body, sec) {
				t.Errorf("a reader sees %s", sec)
			}
			if res := a.do(t, "GET", "/wp-json/wp/v2/posts", "", nil, nil); strings.Contains(res.Body, sec) {
				t.Errorf("the list shows %s", sec)
			}
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts?search=SECRETBODY", "", nil, nil); res.Status != 200 || res.Body != "[]" {
			t.Errorf("a reader's search for the protected words = %d %s", res.Status, res.Body)
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts/"+prot+"?password=open+sesame", "", nil, nil); res.Status != 200 || !strings.Contains(field(res, "content", "rendered").(string), "SECRETBODY") {
			t.Errorf("with the password = %d %s", res.Status, res.Body)
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts/"+prot+"?password=nope", "", nil, nil); res.Status != 403 || !strings.Contains(res.Body, "rest_post_incorrect_password") {
			t.Errorf("a wrong password = %d %s", res.Status, res.Body)
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts/"+prot+"?context=edit", "editor", nil, nil); !strings.Contains(res.Body, "SECRETBODY") {
			t.Errorf("the editor reads = %d", res.Status)
		}
		// Comments wait for the password.
		if res := a.do(t, "POST", "/wp-json/wp/v2/comments", "", map[string]any{"post": prot, "content": "Let me in", "author_name": "Bob", "author_email": "bob@example.com"}, nil); res.Status < 400 {
			t.Errorf("an anonymous comment on the protected post = %d", res.Status)
		}
		// Its comments are listed to whoever gives the password, as in
		// WordPress, and to nobody else.
		if res := a.do(t, "POST", "/wp-json/wp/v2/comments", "editor", map[string]any{"post": prot, "content": "BEHINDTHEDOOR", "status": "approved"}, nil); res.Status != 201 {
			t.Fatalf("the editor's comment on the protected post = %d %s", res.Status, res.Body)
		}
		for _, q := range []string{"?post=" + prot, "?post=" + prot + "&password=nope"} {
			if res := a.do(t, "GET", "/wp-json/wp/v2/comments"+q, "", nil, nil); res.Status != 401 || !strings.Contains(res.Body, "rest_cannot_read_post") || strings.Contains(res.Body, "BEHINDTHEDOOR") {
				t.Errorf("comments%s for a reader = %d %s", q, res.Status, res.Body)
			}
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/comments?post="+prot+"&password=open+sesame", "", nil, nil); res.Status != 200 || !strings.Contains(res.Body, "BEHINDTHEDOOR") {
			t.Errorf("comments with the password = %d %s", res.Status, res.Body)
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/comments", "", nil, nil); res.Status != 200 || strings.Contains(res.Body, "BEHINDTHEDOOR") {
			t.Errorf("all comments for a reader = %d, showing the protected post's", res.Status)
		}
		// Removing the password opens it.
		if res := a.do(t, "POST", "/wp-json/wp/v2/posts/"+prot, "editor", map[string]any{"password": ""}, nil); res.Status != 200 {
			t.Fatalf("remove password = %d %s", res.Status, res.Body)
		}
		if res := a.do(t, "GET", "/wp-json/wp/v2/posts/"+prot, "", nil, nil); field(res, "content", "protected") != false || !strings.Contains(res.Body, "SECRETBODY") {
			t.Errorf("after removing the password = %s", res.Body)
		}
	})
}
