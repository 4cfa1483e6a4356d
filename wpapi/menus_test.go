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

// TestMenus: the site's menus under WordPress's menus, menu-items and
// menu-locations routes, shown only to those who may arrange them, and a
// menu made over REST.
func TestMenus(t *testing.T) {
	t.Parallel()
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		main := &communique.Menu{Name: "Main", Location: communique.MenuPrimary, Items: []*communique.MenuItem{
			{ID: 1, Label: "Bridge", ObjectType: "article", ObjectID: f.Articles["bridge"].ID},
			{ID: 2, Label: "News & more", ObjectType: "term", ObjectID: f.Terms["news"].ID},
			{ID: 3, ParentID: 2, Label: "Elsewhere", URL: "https://example.org/"},
		}}
		if err := db.SaveMenu(context.Background(), main); err != nil {
			t.Fatal(err)
		}
		a := serve(t, f, wpapi.Config{})
		id, bridgeItem, linkItem := itoa(main.ID), itoa(main.Items[0].ID), itoa(main.Items[2].ID)
		ids := func(items ...int) string {
			var out []string
			for _, i := range items {
				out = append(out, `{"id":`+itoa(main.Items[i].ID)+`}`)
			}
			return "[" + strings.Join(out, ",") + "]"
		}
		cases := []struct {
			name, method, path, login string
			body                      any
			status                    int
			contains                  []string
		}{
			{"AnonymousRefused", "GET", "/wp-json/wp/v2/menus", "", nil, 401, []string{`"rest_cannot_view"`}},
			{"AuthorRefused", "GET", "/wp-json/wp/v2/menu-items", "author", nil, 403, []string{`"rest_cannot_view"`}},
			{"List", "GET", "/wp-json/wp/v2/menus", "editor", nil, 200, []string{`"id":` + id, `"slug":"main"`, `"locations":["primary"]`, `"auto_add":false`,
				`"wp:post_type":[{"href":"https://news.example.com/wp-json/wp/v2/menu-items?menus=` + id + `"}]`}},
			{"One", "GET", "/wp-json/wp/v2/menus/" + id, "admin", nil, 200, []string{`"name":"Main"`}},
			{"Missing", "GET", "/wp-json/wp/v2/menus/999999", "admin", nil, 404, []string{`"rest_term_invalid"`}},
			{"ByItem", "GET", "/wp-json/wp/v2/menus?post=" + linkItem, "admin", nil, 200, []string{`"slug":"main"`}},
			{"ByOtherItem", "GET", "/wp-json/wp/v2/menus?post=999999", "admin", nil, 200, []string{`[]`}},
			{"Items", "GET", "/wp-json/wp/v2/menu-items?menus=" + id, "admin", nil, 200, []string{
				`"type":"post_type","type_label":"Post","object":"post","object_id":` + itoa(f.Articles["bridge"].ID),
				`"title":{"rendered":"News \u0026amp; more"}`, `"type":"taxonomy","type_label":"Category","object":"category"`,
				`"url":"https://example.org/"`, `"parent":` + itoa(main.Items[1].ID), `"menu_order":3`}},
			{"ItemEdit", "GET", "/wp-json/wp/v2/menu-items/" + bridgeItem + "?context=edit", "admin", nil, 200, []string{`"raw":"Bridge"`, `"menus":` + id,
				`"wp:menu-item-object":[{"href":"https://news.example.com/wp-json/wp/v2/posts/` + itoa(f.Articles["bridge"].ID) + `","embeddable":true}]`}},
			{"ItemMissing", "GET", "/wp-json/wp/v2/menu-items/999999", "admin", nil, 404, []string{`"rest_post_invalid_id"`}},
			{"Locations", "GET", "/wp-json/wp/v2/menu-locations", "admin", nil, 200, []string{`"primary":{"name":"primary"`, `"menu":` + id}},
			{"Location", "GET", "/wp-json/wp/v2/menu-locations/primary", "admin", nil, 200, []string{`"menu":` + id}},
			{"LocationMissing", "GET", "/wp-json/wp/v2/menu-locations/footer", "admin", nil, 404, []string{`"rest_menu_location_invalid"`}},
			{"CreateRefused", "POST", "/wp-json/wp/v2/menus", "author", map[string]any{"name": "Mine"}, 403, []string{`"rest_cannot_create"`}},
			{"CreateNoName", "POST", "/wp-json/wp/v2/menus", "admin", map[string]any{"slug": "x"}, 400, []string{`"rest_missing_callback_param"`}},
			{"CreateBadLocation", "POST", "/wp-json/wp/v2/menus", "admin", map[string]any{"name": "Foot", "locations": []string{"footer"}}, 400, []string{`"rest_invalid_param"`}},
			{"CreateTaken", "POST", "/wp-json/wp/v2/menus", "admin", map[string]any{"name": "main"}, 400, []string{`"menu_exists"`}},
			{"Create", "POST", "/wp-json/wp/v2/menus", "admin", map[string]any{"name": "Footer links"}, 201, []string{`"slug":"footer-links"`, `"locations":[]`}},
			{"CreateKeptTheOther", "GET", "/wp-json/wp/v2/menu-items?menus=" + id, "admin", nil, 200, []string{`"url":"https://example.org/"`}},
			// WordPress's list parameters, on items and menus.
			{"ItemsExclude", "GET", "/wp-json/wp/v2/menu-items?_fields=id&exclude=" + bridgeItem, "admin", nil, 200, []string{ids(1, 2)}},
			{"ItemsDesc", "GET", "/wp-json/wp/v2/menu-items?_fields=id&order=desc", "admin", nil, 200, []string{ids(2, 1, 0)}},
			{"ItemsByMenuOrder", "GET", "/wp-json/wp/v2/menu-items?_fields=id&menu_order=2", "admin", nil, 200, []string{ids(1)}},
			{"ItemsOffset", "GET", "/wp-json/wp/v2/menu-items?_fields=id&offset=2", "admin", nil, 200, []string{ids(2)}},
			{"ItemsObjectForm", "GET", "/wp-json/wp/v2/menu-items?_fields=id&menus[terms]=" + id, "admin", nil, 200, []string{ids(0, 1, 2)}},
			{"ItemsInAllOfTwoMenus", "GET", "/wp-json/wp/v2/menu-items?menus[terms][]=" + id + "&menus[terms][]=999&menus[operator]=AND", "admin", nil, 200, []string{`[]`}},
			{"ItemsMenusExclude", "GET", "/wp-json/wp/v2/menu-items?menus_exclude=" + id, "admin", nil, 200, []string{`[]`}},
			{"ItemsDrafts", "GET", "/wp-json/wp/v2/menu-items?status=draft", "admin", nil, 200, []string{`[]`}},
			{"ItemsBadOrder", "GET", "/wp-json/wp/v2/menu-items?orderby=random", "admin", nil, 400, []string{`"rest_invalid_param"`}},
			{"MenusByName", "GET", "/wp-json/wp/v2/menus?_fields=slug", "admin", nil, 200, []string{`[{"slug":"footer-links"},{"slug":"main"}]`}},
			{"MenusHideEmpty", "GET", "/wp-json/wp/v2/menus?_fields=slug&hide_empty=true", "admin", nil, 200, []string{`[{"slug":"main"}]`}},
			{"MenusByIDDesc", "GET", "/wp-json/wp/v2/menus?_fields=slug&orderby=id&order=desc", "admin", nil, 200, []string{`[{"slug":"footer-links"},{"slug":"main"}]`}},
			{"MenusExclude", "GET", "/wp-json/wp/v2/menus?_fields=slug&exclude=" + id, "admin", nil, 200, []string{`[{"slug":"footer-links"}]`}},
			{"Options", "OPTIONS", "/wp-json/wp/v2/menu-items", "admin", nil, 200, []string{`"title":"nav_menu_item"`, `"type_label":{`}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res := a.do(t, tc.method, tc.path, tc.login, tc.body, nil)
				if res.Status != tc.status {
					t.Fatalf("status %d, want %d\n%s", res.Status, tc.status, res.Body)
				}
				for _, want := range tc.contains {
					if !strings.Contains(res.Body, want) {
						t.Errorf("answer lacks %s\n%s", want, res.Body)
					}
				}
			})
		}
		menus, err := db.FindMenus(context.Background())
		if err != nil || len(menus) != 2 || len(menus[1].Items) != 3 {
			t.Fatalf("after the calls: %d menus, err %v; want Footer links and Main with its 3 items", len(menus), err)
		}
	})
}
