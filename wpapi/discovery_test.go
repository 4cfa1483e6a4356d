package wpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"communique/sqlstore"
	"communique/storetest"
	"communique/wpapi"
)

// TestDiscoveryAndGlobals: the discovery routes, _fields with nested
// paths, _envelope, ?rest_route=, OPTIONS, and Allow for the caller, as
// WordPress answers them.
func TestDiscoveryAndGlobals(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		a := serve(t, f, wpapi.Config{})
		bridge := itoa(f.Articles["bridge"].ID)
		ferry := itoa(f.Articles["ferry"].ID)
		cases := []struct {
			name, method, path, login string
			status                    int
			contains, absent          []string
			allow                     string // "-": no Allow
		}{
			{"Types", "GET", "/wp-json/wp/v2/types", "", 200, []string{`"post":{`, `"page":{`, `"attachment":{`, `"rest_base":"posts"`, `"wp:items":[{"href":"https://news.example.com/wp-json/wp/v2/pages"}]`}, []string{`"capabilities"`}, "GET"},
			{"TypeEdit", "GET", "/wp-json/wp/v2/types/post?context=edit", "author", 200, []string{`"capabilities":{`, `"taxonomies":["category","post_tag"]`, `"viewable":true`}, nil, "GET"},
			{"TypeEditAnonymous", "GET", "/wp-json/wp/v2/types/post?context=edit", "", 401, []string{`"rest_forbidden_context"`}, nil, "GET"},
			{"TypeUnknown", "GET", "/wp-json/wp/v2/types/wp_block", "", 404, []string{`"rest_type_invalid"`}, nil, "GET"},
			{"Taxonomies", "GET", "/wp-json/wp/v2/taxonomies", "", 200, []string{`"category":{`, `"post_tag":{`, `"hierarchical":true`}, nil, "GET"},
			{"Taxonomy", "GET", "/wp-json/wp/v2/taxonomies/post_tag", "", 200, []string{`"rest_base":"tags"`, `"types":["post"]`}, nil, "GET"},
			{"StatusesAnonymous", "GET", "/wp-json/wp/v2/statuses", "", 200, []string{`"publish":{`}, []string{`"draft"`}, "GET"},
			{"StatusesWriter", "GET", "/wp-json/wp/v2/statuses", "contrib", 200, []string{`"publish":{`, `"draft":{`, `"date_floating":true`}, nil, "GET"},
			{"StatusHidden", "GET", "/wp-json/wp/v2/statuses/draft", "", 401, []string{`"rest_cannot_read_status"`}, nil, "GET"},
			{"FieldsNested", "GET", "/wp-json/wp/v2/posts/" + bridge + "?_fields=id,title.rendered,guid", "", 200,
				[]string{`{"guid":{"rendered":`, `"id":` + bridge, `"title":{"rendered":"Harbour bridge reopens"}`}, []string{`"content"`, `"_links"`}, "GET"},
			{"FieldsList", "GET", "/wp-json/wp/v2/posts?_fields=id&per_page=1", "", 200, []string{`[{"id":`}, []string{`"title"`}, "GET"},
			{"Envelope", "GET", "/wp-json/wp/v2/posts/999999?_envelope", "", 200, []string{`"status":404`, `"body":{"code":"rest_post_invalid_id"`, `"headers":{`}, []string{`"Allow"`}, "GET"},
			{"EnvelopeList", "GET", "/wp-json/wp/v2/posts?_envelope&per_page=1", "", 200, []string{`"status":200`, `"X-WP-Total":"5"`, `"Allow":"GET"`}, nil, "GET"},
			{"Sticky", "GET", "/wp-json/wp/v2/posts?sticky=true&_fields=slug", "", 200, []string{`[{"slug":"budget-vote-delayed"}]`}, nil, "GET"},
			{"Include", "GET", "/wp-json/wp/v2/posts?_fields=slug&include=" + bridge + "," + ferry, "", 200, []string{`[{"slug":"ferry-timetable-changes"},{"slug":"harbour-bridge-reopens"}]`}, nil, "GET"},
			{"ExcludeAndTaxOR", "GET", "/wp-json/wp/v2/posts?_fields=slug&tax_relation=OR&categories=" + itoa(f.Terms["football"].ID) + "&tags=" + itoa(f.Terms["ferries"].ID) + "&exclude=" + ferry, "", 200, []string{`[{"slug":"cup-final-tonight"}]`}, nil, "GET"},
			// WordPress's object form of the taxonomy parameters.
			{"CategoryWithChildren", "GET", "/wp-json/wp/v2/posts?_fields=slug&categories[terms]=" + itoa(f.Terms["sport"].ID) + "&categories[include_children]=true", "", 200, []string{`[{"slug":"cup-final-tonight"}]`}, nil, "GET"},
			{"CategoryWithoutChildren", "GET", "/wp-json/wp/v2/posts?_fields=slug&categories[terms]=" + itoa(f.Terms["sport"].ID), "", 200, []string{`[]`}, nil, "GET"},
			{"AllTags", "GET", "/wp-json/wp/v2/posts?_fields=slug&tags[terms][]=" + itoa(f.Terms["ferries"].ID) + "&tags[terms][]=" + itoa(f.Terms["harbour"].ID) + "&tags[operator]=AND", "", 200, []string{`[{"slug":"ferry-timetable-changes"}]`}, nil, "GET"},
			{"AnyTag", "GET", "/wp-json/wp/v2/posts?_fields=slug&tags[terms][]=" + itoa(f.Terms["ferries"].ID) + "&tags[terms][]=" + itoa(f.Terms["harbour"].ID), "", 200, []string{`[{"slug":"ferry-timetable-changes"},{"slug":"harbour-bridge-reopens"}]`}, nil, "GET"},
			{"ExcludeCategoryWithChildren", "GET", "/wp-json/wp/v2/posts?_fields=slug&categories_exclude[terms]=" + itoa(f.Terms["sport"].ID) + "&categories_exclude[include_children]=1&categories_exclude[terms]=" + itoa(f.Terms["news"].ID), "", 200, []string{`[{"slug":"lighthouse-restored"}]`}, nil, "GET"},
			{"TaxOperatorInvalid", "GET", "/wp-json/wp/v2/posts?tags[terms]=1&tags[operator]=XOR", "", 400, []string{`"rest_invalid_param"`}, nil, "GET"},
			{"TaxExcludeOperator", "GET", "/wp-json/wp/v2/posts?tags_exclude[terms]=1&tags_exclude[operator]=AND", "", 400, []string{`"rest_invalid_param"`}, nil, "GET"},
			{"PagesByParent", "GET", "/wp-json/wp/v2/pages?_fields=slug&parent=" + itoa(f.Articles["about"].ID), "", 200, []string{`[{"slug":"team"}]`}, nil, "GET"},
			{"PagesTopLevel", "GET", "/wp-json/wp/v2/pages?_fields=slug&parent=0", "", 200, []string{`[{"slug":"about-us"}]`}, nil, "GET"},
			{"ModifiedAfter", "GET", "/wp-json/wp/v2/posts?_fields=slug&modified_after=2030-01-01T00:00:00", "", 200, []string{`[]`}, nil, "GET"},
			{"UnknownParameterIgnored", "GET", "/wp-json/wp/v2/posts?no_such_parameter=1&per_page=1", "", 200, nil, nil, "GET"},
			{"AllowAnonymousCollection", "GET", "/wp-json/wp/v2/posts?per_page=1", "", 200, nil, nil, "GET"},
			{"AllowEditorCollection", "GET", "/wp-json/wp/v2/posts?per_page=1", "editor", 200, nil, nil, "GET, POST"},
			{"AllowOwnPost", "GET", "/wp-json/wp/v2/posts/" + bridge, "author", 200, nil, nil, "GET, POST, PUT, PATCH, DELETE"},
			{"AllowOthersPost", "GET", "/wp-json/wp/v2/posts/" + ferry, "author", 200, nil, nil, "GET"},
			{"AllowComments", "GET", "/wp-json/wp/v2/comments", "", 200, nil, nil, "GET, POST"},
			{"AllowSettingsAdmin", "GET", "/wp-json/wp/v2/settings", "admin", 200, nil, nil, "GET, POST, PUT, PATCH"},
			{"OptionsCollection", "OPTIONS", "/wp-json/wp/v2/posts", "", 200, []string{`"namespace":"wp/v2"`, `"methods":["GET","POST"]`, `"sticky"`}, nil, "GET"},
			{"OptionsSchema", "OPTIONS", "/wp-json/wp/v2/posts", "", 200, []string{`"$schema":"http://json-schema.org/draft-04/schema#"`, `"title":"post"`,
				`"raw":{"description":"Title for the post, as it exists in the database.","type":"string","context":["edit"]}`,
				`"modified":{"description":"The date the post was last modified, in the site's timezone.","type":"string","format":"date-time","context":["view","edit"],"readonly":true}`,
				// read (and checked) by the write handlers, so arguments
				`"template":{"description":"The theme file to use to display the post.","type":"string","required":false}`,
				`"password":{"description":"A password to protect access to the content and excerpt.","type":"string","required":false}`},
				// described as fields the answers carry, never as arguments taken
				[]string{`"guid":{"description":"The globally unique identifier for the post.","type":"object","properties":{"raw":{"description":"GUID for the post, as it exists in the database.","type":"string","required"`,
					`"modified":{"description":"The date the post was last modified, in the site's timezone.","type":"string","format":"date-time","required"`}, "GET"},
			{"OptionsTermSchema", "OPTIONS", "/wp-json/wp/v2/tags", "", 200, []string{`"title":"tag"`, `"name":{"description":"HTML title for the term.","type":"string","required":true}`, `"enum":["post_tag"]`}, nil, "GET"},
			{"IndexHasNoSchema", "GET", "/wp-json/wp/v2", "", 200, []string{`"default":"view"`, `"maximum":100`}, []string{`"$schema"`}, "GET"},
			{"OptionsItemAdmin", "OPTIONS", "/wp-json/wp/v2/categories/" + itoa(f.Terms["news"].ID), "admin", 200, []string{`"endpoints":[`}, nil, "GET, POST, PUT, PATCH, DELETE"},
			{"OptionsOwnPost", "OPTIONS", "/wp-json/wp/v2/posts/" + bridge, "author", 200, []string{`"endpoints":[`}, nil, "GET, POST, PUT, PATCH, DELETE"},
			{"SettingsAnonymous", "GET", "/wp-json/wp/v2/settings", "", 401, []string{`"rest_forbidden"`}, nil, "-"},
			{"RefusedWriteStillAllows", "POST", "/wp-json/wp/v2/posts", "", 401, []string{`"rest_cannot_create"`}, nil, "GET"},
			{"OptionsNoRoute", "OPTIONS", "/wp-json/wp/v2/nothing", "", 404, []string{`"rest_no_route"`}, nil, "-"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, tc.method, tc.path, tc.login, nil, nil)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tc.status, res.Body)
				}
				for _, want := range tc.contains {
					if !strings.Contains(res.Body, want) {
						t.Errorf("body lacks %s:\n%s", want, res.Body)
					}
				}
				for _, not := range tc.absent {
					if strings.Contains(res.Body, not) {
						t.Errorf("body has %s:\n%s", not, res.Body)
					}
				}
				want := tc.allow
				if want == "-" {
					want = ""
				}
				if got := res.Header.Get("Allow"); got != want {
					t.Errorf("Allow = %q, want %q", got, want)
				}
				if link := res.Header.Get("Link"); !strings.Contains(link, `rel="https://api.w.org/"`) && !strings.Contains(link, `rel="next"`) {
					t.Errorf("Link = %q", link)
				}
			})
		}
		t.Run("TermUpdate", func(t *testing.T) {
			football := "/wp-json/wp/v2/categories/" + itoa(f.Terms["football"].ID)
			wantError(t, a.do(t, "POST", football, "author", map[string]any{"name": "Soccer"}, nil), 403, "rest_cannot_update")
			wantError(t, a.do(t, "PUT", football, "", map[string]any{"name": "Soccer"}, nil), 401, "rest_cannot_update")
			wantError(t, a.do(t, "PATCH", football, "editor", map[string]any{"slug": "news"}, nil), 400, "duplicate_term_slug")
			wantError(t, a.do(t, "PATCH", "/wp-json/wp/v2/tags/999999", "editor", map[string]any{"name": "X"}, nil), 404, "rest_term_invalid")
			res := a.do(t, "PATCH", football, "editor", map[string]any{"name": "Soccer", "description": "The beautiful game", "parent": 0}, nil)
			for _, want := range []string{`"name":"Soccer"`, `"slug":"football"`, `"description":"The beautiful game"`, `"parent":0`} {
				if res.Status != 200 || !strings.Contains(res.Body, want) {
					t.Errorf("%d, body lacks %s:\n%s", res.Status, want, res.Body)
				}
			}
			res = a.do(t, "POST", "/wp-json/wp/v2/tags/"+itoa(f.Terms["harbour"].ID), "editor", map[string]any{"description": "Boats", "parent": 5}, nil)
			if res.Status != 200 || !strings.Contains(res.Body, `"description":"Boats"`) || !strings.Contains(res.Body, `"name":"Harbour"`) {
				t.Errorf("tag: %d %s", res.Status, res.Body)
			}
		})
		t.Run("RESTRoute", func(t *testing.T) {
			site := httptest.NewServer(a.Server.WithRESTRoute(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write([]byte("the site"))
			})))
			defer site.Close()
			for path, want := range map[string]string{
				"/?rest_route=/wp/v2/posts/" + bridge + "&_fields=slug": `{"slug":"harbour-bridge-reopens"}`,
				"/?rest_route=/":                  `"namespaces":["wp/v2"`,
				"/?p=1":                           "the site",
				"/about/?rest_route=/wp/v2/posts": "the site",
			} {
				resp, err := http.Get(site.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body := readAll(t, resp)
				if !strings.Contains(body, want) {
					t.Errorf("%s: %d %s, want %s", path, resp.StatusCode, body, want)
				}
			}
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
