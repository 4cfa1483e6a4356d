package wpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestGolden compares whole answers with testdata/*.json: WordPress's
// field names and shapes, the same on both stores.
func TestGolden(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		cases := []struct{ name, login, path string }{
			{"index", "", "/wp-json/"},
			{"namespace", "", "/wp-json/wp/v2"},
			{"posts", "", "/wp-json/wp/v2/posts?per_page=3"},
			{"post_embed", "", "/wp-json/wp/v2/posts/1?_embed"},
			{"post_edit", "editor", "/wp-json/wp/v2/posts/1?context=edit"},
			{"pages", "", "/wp-json/wp/v2/pages"},
			{"comments", "", "/wp-json/wp/v2/comments"},
			{"comments_edit", "editor", "/wp-json/wp/v2/comments?context=edit&status=all&post=1"},
			{"users", "", "/wp-json/wp/v2/users"},
			{"user_me_edit", "author", "/wp-json/wp/v2/users/me?context=edit"},
			{"categories", "", "/wp-json/wp/v2/categories"},
			{"tags", "", "/wp-json/wp/v2/tags?_embed"},
			{"media", "", "/wp-json/wp/v2/media/1"},
			{"search", "", "/wp-json/wp/v2/search?search=harbour&_embed"},
			{"settings", "admin", "/wp-json/wp/v2/settings"},
			{"error_invalid_param", "", "/wp-json/wp/v2/posts?per_page=101&order=up"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, http.MethodGet, tc.path, tc.login, nil, nil)
				if res.Status != http.StatusOK && !strings.HasPrefix(tc.name, "error_") {
					t.Fatalf("status %d\n%s", res.Status, res.Body)
				}
				if ct := res.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
					t.Errorf("Content-Type = %q", ct)
				}
				golden(t, tc.name, res.Body)
			})
		}
	})
}

// ids reads the "id" of each item of a list answer.
func ids(t *testing.T, res response) []int64 {
	t.Helper()
	var items []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(res.Body), &items); err != nil {
		t.Fatalf("not a list: %v\n%s", err, res.Body)
	}
	out := []int64{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFilters covers every filter of the lists, alone and together, with
// the totals and pagination headers they give.
func TestFilters(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		id := func(keys ...string) []int64 {
			out := []int64{}
			for _, k := range keys {
				out = append(out, f.Articles[k].ID)
			}
			return out
		}
		term := func(k string) string { return strconv.FormatInt(f.Terms[k].ID, 10) }
		user := func(k string) string { return strconv.FormatInt(f.Users[k].ID, 10) }
		cases := []struct {
			name      string
			login     string
			path      string
			want      []int64
			wantTotal int
			wantPages int
		}{
			{"Default", "", "posts", id("lighthouse", "budget", "cup", "ferry", "bridge"), 5, 1},
			{"SearchTitle", "", "posts?search=bridge", id("bridge"), 1, 1},
			{"SearchTitleAndBody", "", "posts?search=HARBOUR", id("lighthouse", "bridge"), 2, 1},
			{"SearchEveryWord", "", "posts?search=harbour+lamp", id("lighthouse"), 1, 1},
			{"SearchNothing", "", "posts?search=cricket", id(), 0, 0},
			{"Category", "", "posts?categories=" + term("news"), id("budget", "ferry", "bridge"), 3, 1},
			{"CategoriesAnyOf", "", "posts?categories=" + term("news") + "," + term("football"), id("budget", "cup", "ferry", "bridge"), 4, 1},
			{"CategoriesBrackets", "", "posts?categories%5B%5D=" + term("football") + "&categories%5B%5D=" + term("sport"), id("cup"), 1, 1},
			{"CategoryWithoutChildren", "", "posts?categories=" + term("sport"), id(), 0, 0},
			{"Tag", "", "posts?tags=" + term("harbour"), id("ferry", "bridge"), 2, 1},
			{"TagAndCategory", "", "posts?tags=" + term("harbour") + "&categories=" + term("news") + "&search=ferry", id("ferry"), 1, 1},
			{"Author", "", "posts?author=" + user("author"), id("lighthouse", "cup", "bridge"), 3, 1},
			{"Authors", "", "posts?author=" + user("author2") + "," + user("editor"), id("budget", "ferry"), 2, 1},
			{"AfterIsExclusive", "", "posts?after=2026-05-21T11:30:00", id("lighthouse", "budget", "cup"), 3, 1},
			{"BeforeUTC", "", "posts?before=2026-05-22T00:00:00Z", id("ferry", "bridge"), 2, 1},
			{"Between", "", "posts?after=2026-05-20T12:00:00%2B02:00&before=2026-05-23", id("cup", "ferry"), 2, 1},
			{"OrderByTitle", "", "posts?orderby=title&order=asc", id("budget", "cup", "ferry", "bridge", "lighthouse"), 5, 1},
			{"OrderByID", "", "posts?orderby=id&order=asc", id("bridge", "ferry", "cup", "budget", "lighthouse"), 5, 1},
			{"OrderBySlug", "", "posts?orderby=slug", id("lighthouse", "bridge", "ferry", "cup", "budget"), 5, 1},
			{"OrderByModifiedAsc", "", "posts?orderby=modified&order=asc", id("bridge", "ferry", "cup", "budget", "lighthouse"), 5, 1},
			{"PerPage", "", "posts?per_page=2", id("lighthouse", "budget"), 5, 3},
			{"LastPage", "", "posts?per_page=2&page=3", id("bridge"), 5, 3},
			{"Offset", "", "posts?per_page=2&offset=1", id("budget", "cup"), 5, 2},
			{"Slug", "", "posts?slug=cup-final-tonight", id("cup"), 1, 1},
			{"OwnDrafts", "author", "posts?status=draft", id("draft"), 1, 1},
			{"AllDrafts", "editor", "posts?status=draft", id("contribdraft", "draft"), 2, 1},
			{"ContributorsWork", "contrib", "posts?status=draft,pending", id("contribdraft", "pitch"), 2, 1},
			{"Future", "editor", "posts?status=future", id("regatta"), 1, 1},
			{"FutureOfOthers", "author", "posts?status=future", id(), 0, 0},
			{"Trash", "editor", "posts?status=trash", id("rumour"), 1, 1},
			{"AnyForAnAuthor", "author", "posts?status=any", id("draft", "lighthouse", "budget", "cup", "ferry", "bridge"), 6, 1},
			{"Private", "editor", "posts?status=private", id(), 0, 0},
			{"Pages", "", "pages", id("team", "about"), 2, 1},
			{"PagesByTitle", "", "pages?orderby=title&order=asc", id("about", "team"), 2, 1},
			{"Comments", "", "comments?post=1&order=asc", []int64{f.Comments["walker"].ID, f.Comments["rita"].ID}, 2, 1},
			{"CommentsHeld", "editor", "comments?status=hold", []int64{f.Comments["quinn"].ID}, 1, 1},
			{"CommentsByEmail", "editor", "comments?author_email=walker@example.net&status=all", []int64{f.Comments["ferry"].ID, f.Comments["walker"].ID}, 2, 1},
			{"CommentsPaged", "", "comments?per_page=1&page=2", []int64{f.Comments["rita"].ID}, 3, 3},
			{"CategoriesOfPost", "", "categories?post=" + strconv.FormatInt(f.Articles["cup"].ID, 10), []int64{f.Terms["football"].ID}, 1, 1},
			{"CategoriesSearch", "", "categories?search=foot", []int64{f.Terms["football"].ID}, 1, 1},
			{"CategoriesHideEmpty", "", "categories?hide_empty=true&orderby=id", []int64{f.Terms["news"].ID, f.Terms["football"].ID}, 2, 1},
			{"CategoriesParent", "", "categories?parent=" + term("sport"), []int64{f.Terms["football"].ID}, 1, 1},
			{"TagsPaged", "", "tags?per_page=1&order=desc", []int64{f.Terms["harbour"].ID}, 2, 2},
			{"MediaByAuthor", "", "media?author=" + user("author"), []int64{f.Image.ID}, 1, 1},
			{"MediaOfNobody", "", "media?author=" + user("editor"), []int64{}, 0, 0},
			{"MediaByMimeType", "", "media?mime_type=image/png", []int64{f.Image.ID}, 1, 1},
			{"MediaOfOtherMimeType", "", "media?mime_type=image/gif", []int64{}, 0, 0},
			{"MediaExcluded", "", "media?exclude=" + itoa(f.Image.ID), []int64{}, 0, 0},
			{"MediaAuthorExcluded", "", "media?author_exclude=" + user("author"), []int64{}, 0, 0},
			{"MediaOtherAuthorExcluded", "", "media?author_exclude=" + user("editor"), []int64{f.Image.ID}, 1, 1},
			{"MediaUnattached", "", "media?parent=0", []int64{f.Image.ID}, 1, 1},
			{"MediaOfAPost", "", "media?parent=" + itoa(f.Articles["bridge"].ID), []int64{}, 0, 0},
			{"MediaNotUnattached", "", "media?parent_exclude=0", []int64{}, 0, 0},
			{"SearchEndpoint", "", "search?search=harbour", id("bridge", "lighthouse"), 2, 1},
			{"SearchPages", "", "search?search=sea&subtype=page", id("about"), 1, 1},
			{"SearchEverything", "", "search?per_page=3", id("lighthouse", "budget", "cup"), 7, 3},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, http.MethodGet, "/wp-json/wp/v2/"+tc.path, tc.login, nil, nil)
				if res.Status != http.StatusOK {
					t.Fatalf("status %d\n%s", res.Status, res.Body)
				}
				if got := ids(t, res); !sameIDs(got, tc.want) {
					t.Errorf("ids = %v, want %v", got, tc.want)
				}
				if got := res.Header.Get("X-WP-Total"); got != strconv.Itoa(tc.wantTotal) {
					t.Errorf("X-WP-Total = %s, want %d", got, tc.wantTotal)
				}
				if got := res.Header.Get("X-WP-TotalPages"); got != strconv.Itoa(tc.wantPages) {
					t.Errorf("X-WP-TotalPages = %s, want %d", got, tc.wantPages)
				}
			})
		}
		t.Run("LinkHeader", func(t *testing.T) {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/posts?per_page=2&page=2&search=e", "", nil, nil)
			link := res.Header.Get("Link")
			prev := "<https://news.example.com/wp-json/wp/v2/posts?page=1&per_page=2&search=e>; rel=\"prev\""
			next := "<https://news.example.com/wp-json/wp/v2/posts?page=3&per_page=2&search=e>; rel=\"next\""
			if link != prev+", "+next {
				t.Fatalf("Link = %q, want %q", link, prev+", "+next)
			}
		})
	})
}

// TestEmbed checks that _embed brings the author, terms, replies and
// featured image, and only the relations asked for.
func TestEmbed(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		var posts []struct {
			ID       int64                      `json:"id"`
			Embedded map[string]json.RawMessage `json:"_embedded"`
		}
		res := a.do(t, http.MethodGet, "/wp-json/wp/v2/posts?_embed", "", nil, nil)
		if err := json.Unmarshal([]byte(res.Body), &posts); err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			for _, rel := range []string{"author", "wp:term"} {
				if p.Embedded[rel] == nil {
					t.Errorf("post %d: no _embedded[%q]", p.ID, rel)
				}
			}
			if p.ID == f.Articles["lighthouse"].ID && !strings.Contains(string(p.Embedded["wp:featuredmedia"]), `"alt_text":"The lighthouse at dusk"`) {
				t.Errorf("featured image not embedded: %s", p.Embedded["wp:featuredmedia"])
			}
			if p.ID == f.Articles["bridge"].ID && !strings.Contains(string(p.Embedded["replies"]), "Lovely news") {
				t.Errorf("replies not embedded: %s", p.Embedded["replies"])
			}
		}
		res = a.do(t, http.MethodGet, "/wp-json/wp/v2/posts/1?_embed=author", "", nil, nil)
		var one struct {
			Embedded map[string]json.RawMessage `json:"_embedded"`
		}
		json.Unmarshal([]byte(res.Body), &one)
		if len(one.Embedded) != 1 || !strings.Contains(string(one.Embedded["author"]), "Aria Author") {
			t.Fatalf("_embed=author embedded %v", one.Embedded)
		}
		// Held replies stay out of an anonymous embed, as from /comments.
		res = a.do(t, http.MethodGet, "/wp-json/wp/v2/posts/1?_embed=replies", "", nil, nil)
		if strings.Contains(res.Body, "toll") {
			t.Fatalf("held comment embedded for an anonymous caller: %s", res.Body)
		}
		if res := a.do(t, http.MethodGet, "/wp-json/wp/v2/posts/1", "", nil, nil); strings.Contains(res.Body, "_embedded") {
			t.Fatalf("embedded without _embed: %s", res.Body)
		}
	})
}

// TestErrors checks the status, code and shape of errors, and the exact
// JSON of a few.
func TestErrors(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		draft := strconv.FormatInt(f.Articles["draft"].ID, 10)
		cases := []struct {
			name, method, path, login string
			body                      any
			status                    int
			code                      string
		}{
			{"PostNotFound", "GET", "posts/999", "", nil, 404, "rest_post_invalid_id"},
			{"PageThroughPosts", "GET", "posts/" + strconv.FormatInt(f.Articles["about"].ID, 10), "", nil, 404, "rest_post_invalid_id"},
			{"PostThroughPages", "GET", "pages/1", "", nil, 404, "rest_post_invalid_id"},
			{"PostBadID", "GET", "posts/abc", "", nil, 404, "rest_post_invalid_id"},
			{"PerPageTooLarge", "GET", "posts?per_page=101", "", nil, 400, "rest_invalid_param"},
			{"PerPageZero", "GET", "posts?per_page=0", "", nil, 400, "rest_invalid_param"},
			{"PageBeyond", "GET", "posts?page=9", "", nil, 400, "rest_post_invalid_page_number"},
			{"OrderByUnknown", "GET", "posts?orderby=author", "", nil, 400, "rest_invalid_param"},
			{"BadDate", "GET", "posts?after=yesterday", "", nil, 400, "rest_invalid_param"},
			{"BadContext", "GET", "posts?context=admin", "", nil, 400, "rest_invalid_param"},
			{"BadInclude", "GET", "posts?include=one", "", nil, 400, "rest_invalid_param"},
			{"DraftsAnonymously", "GET", "posts?status=draft", "", nil, 401, "rest_forbidden_status"},
			{"DraftsAsSubscriber", "GET", "posts?status=draft", "reader", nil, 403, "rest_forbidden_status"},
			{"EditContextAnonymously", "GET", "posts?context=edit", "", nil, 401, "rest_forbidden_context"},
			{"EditContextOfOthers", "GET", "posts/1?context=edit", "author2", nil, 403, "rest_forbidden_context"},
			{"DraftAnonymously", "GET", "posts/" + draft, "", nil, 401, "rest_forbidden"},
			{"DraftOfOthers", "GET", "posts/" + draft, "author2", nil, 403, "rest_forbidden"},
			{"NoRoute", "GET", "nope", "", nil, 404, "rest_no_route"},
			{"NoMethod", "DELETE", "users", "", nil, 404, "rest_no_route"},
			{"HeldComment", "GET", "comments/" + strconv.FormatInt(f.Comments["quinn"].ID, 10), "", nil, 401, "rest_cannot_read"},
			{"CommentNotFound", "GET", "comments/999", "", nil, 404, "rest_comment_invalid_id"},
			{"CommentsHeldAnonymously", "GET", "comments?status=hold", "", nil, 401, "rest_forbidden_param"},
			{"CommentsByEmailAnonymously", "GET", "comments?author_email=walker@example.net", "", nil, 401, "rest_forbidden_param"},
			{"CommentsByEmailAsAuthor", "GET", "comments?author_email=walker@example.net", "author", nil, 403, "rest_forbidden_param"},
			{"CommentsOfDraft", "GET", "comments?post=" + draft, "", nil, 401, "rest_cannot_read_post"},
			{"TermNotFound", "GET", "categories/999", "", nil, 404, "rest_term_invalid"},
			{"TagThroughCategories", "GET", "categories/" + strconv.FormatInt(f.Terms["harbour"].ID, 10), "", nil, 404, "rest_term_invalid"},
			{"UserNotFound", "GET", "users/999", "", nil, 404, "rest_user_invalid_id"},
			{"MeAnonymously", "GET", "users/me", "", nil, 401, "rest_not_logged_in"},
			{"SettingsAnonymously", "GET", "settings", "", nil, 401, "rest_forbidden"},
			{"SettingsAsEditor", "GET", "settings", "editor", nil, 403, "rest_forbidden"},
			{"MediaNotFound", "GET", "media/99", "", nil, 404, "rest_post_invalid_id"},
			{"BadJSON", "POST", "posts", "editor", "{nope", 400, "rest_invalid_json"},
			{"BadType", "POST", "posts", "editor", map[string]any{"title": 5, "sticky": "maybe"}, 400, "rest_invalid_param"},
			{"SearchUnknownType", "GET", "search?type=attachment", "", nil, 400, "rest_invalid_param"},
			{"SearchTooLong", "GET", "search?search=" + strings.Repeat("a", 600), "", nil, 400, "rest_invalid_param"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				var header http.Header
				if s, ok := tc.body.(string); ok {
					header = http.Header{"Content-Type": {"application/json"}}
					tc.body = s
				}
				res := a.do(t, tc.method, "/wp-json/wp/v2/"+tc.path, tc.login, tc.body, header)
				wantError(t, res, tc.status, tc.code)
			})
		}
		t.Run("ExactShape", func(t *testing.T) {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/posts/999", "", nil, nil)
			if want := `{"code":"rest_post_invalid_id","message":"Invalid post ID.","data":{"status":404}}`; res.Body != want {
				t.Fatalf("body = %s, want %s", res.Body, want)
			}
			res = a.do(t, http.MethodGet, "/wp-json/wp/v2/posts?per_page=101", "", nil, nil)
			want := `{"code":"rest_invalid_param","message":"Invalid parameter(s): per_page","data":{"status":400,"params":{"per_page":"per_page must be between 1 (inclusive) and 100 (inclusive)"}}}`
			if res.Body != want {
				t.Fatalf("body = %s, want %s", res.Body, want)
			}
		})
	})
}

// TestPrivacy: a commenter's email, IP and browser reach moderators in
// edit context, and nobody else.
func TestPrivacy(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		private := []string{"@example", "192.0.2.10", "Fixture/1.0", "author_email", "author_ip"}
		paths := []string{"comments", "comments?post=1", "comments/1", "comments/1?_embed", "posts/1?_embed",
			"posts?_embed", "search?search=bridge&_embed", "users", "users/3", "media?_embed"}
		for _, login := range []string{"", "reader", "author", "contrib"} {
			for _, p := range paths {
				res := a.do(t, http.MethodGet, "/wp-json/wp/v2/"+p, login, nil, nil)
				if res.Status != http.StatusOK {
					t.Fatalf("%q GET %s: %d\n%s", login, p, res.Status, res.Body)
				}
				for _, s := range private {
					if strings.Contains(res.Body, s) {
						t.Errorf("%q GET %s shows %q:\n%s", login, p, s, res.Body)
					}
				}
			}
		}
		for login, status := range map[string]int{"": 401, "author": 403} {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/comments?context=edit", login, nil, nil)
			wantError(t, res, status, "rest_forbidden_context")
			res = a.do(t, http.MethodGet, "/wp-json/wp/v2/comments/1?context=edit", login, nil, nil)
			wantError(t, res, status, "rest_forbidden_context")
		}
		for _, login := range []string{"editor", "admin"} {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/comments/1?context=edit", login, nil, nil)
			if !strings.Contains(res.Body, `"author_email":"walker@example.net"`) || !strings.Contains(res.Body, `"author_ip":"192.0.2.10"`) {
				t.Errorf("%s in edit context does not see the email and IP: %s", login, res.Body)
			}
			// Without edit context, not even moderators get them.
			if res := a.do(t, http.MethodGet, "/wp-json/wp/v2/comments/1", login, nil, nil); strings.Contains(res.Body, "@example") {
				t.Errorf("%s in view context sees the email: %s", login, res.Body)
			}
		}
		// The avatars are the site's own, never Gravatar's.
		if res := a.do(t, http.MethodGet, "/wp-json/wp/v2/comments", "", nil, nil); strings.Contains(res.Body, "gravatar") || !strings.Contains(res.Body, "https://news.example.com/avatar/") {
			t.Errorf("avatars: %s", res.Body)
		}
	})
}

// TestUsersNotEnumerable: anonymous callers learn of authors with
// published work only, by name and slug, and every other user looks like
// no user at all.
func TestUsersNotEnumerable(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		res := a.do(t, http.MethodGet, "/wp-json/wp/v2/users?per_page=100", "", nil, nil)
		want := []int64{f.Users["author"].ID, f.Users["editor"].ID, f.Users["author2"].ID}
		if got := ids(t, res); !sameIDs(got, want) {
			t.Fatalf("anonymous users list = %v, want the published authors %v", got, want)
		}
		for _, s := range []string{"username", "email", "roles", "registered_date", "@example.com", "capabilities"} {
			if strings.Contains(res.Body, s) {
				t.Errorf("users list shows %q: %s", s, res.Body)
			}
		}
		// A user without published work answers exactly as no user.
		missing := a.do(t, http.MethodGet, "/wp-json/wp/v2/users/999", "", nil, nil)
		for _, login := range []string{"admin", "contrib", "reader"} {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/users/"+strconv.FormatInt(f.Users[login].ID, 10), "", nil, nil)
			if res.Status != missing.Status || res.Body != missing.Body {
				t.Errorf("user %s: %d %s, want the same as a missing user: %d %s", login, res.Status, res.Body, missing.Status, missing.Body)
			}
		}
		// Search looks at names and slugs only: not logins, not emails.
		for _, q := range []string{"example.com", "Cora", "reader", "admin"} {
			res := a.do(t, http.MethodGet, "/wp-json/wp/v2/users?search="+url.QueryEscape(q), "", nil, nil)
			if got := ids(t, res); len(got) != 0 {
				t.Errorf("search %q found %v", q, got)
			}
		}
		wantError(t, a.do(t, http.MethodGet, "/wp-json/wp/v2/users?context=edit", "", nil, nil), 401, "rest_forbidden_context")
		wantError(t, a.do(t, http.MethodGet, "/wp-json/wp/v2/users?context=edit", "editor", nil, nil), 403, "rest_forbidden_context")
		// Signed-in users other than administrators see no more.
		res = a.do(t, http.MethodGet, "/wp-json/wp/v2/users", "editor", nil, nil)
		if got := ids(t, res); !sameIDs(got, want) || strings.Contains(res.Body, "@example.com") {
			t.Errorf("editor's users list = %v %s", got, res.Body)
		}
		// Administrators see everyone, with their accounts in edit context.
		res = a.do(t, http.MethodGet, "/wp-json/wp/v2/users?context=edit&per_page=100", "admin", nil, nil)
		if got := ids(t, res); len(got) != len(fixtureUsers) || !strings.Contains(res.Body, `"email":"reader@example.com"`) {
			t.Errorf("administrator's users list = %v %s", got, res.Body)
		}
		// Everyone sees their own account.
		res = a.do(t, http.MethodGet, "/wp-json/wp/v2/users/"+strconv.FormatInt(f.Users["reader"].ID, 10)+"?context=edit", "reader", nil, nil)
		if res.Status != 200 || !strings.Contains(res.Body, `"username":"reader"`) {
			t.Errorf("own account: %d %s", res.Status, res.Body)
		}
	})
}
