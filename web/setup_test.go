package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// TestFrontPageLeadsToSetup checks an empty site's front page links to
// /setup while no administrator exists, through the page cache, and
// stops the moment one does.
func TestFrontPageLeadsToSetup(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.DiscardHandler), PageCacheBytes: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		front := func() string {
			t.Helper()
			res := do(t, ts.Client(), http.MethodGet, ts.URL+"/", nil, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("GET / = %d", res.Status)
			}
			return res.Body
		}
		const link = `<a href="/setup">Set up your site</a>`
		for range 2 { // the second would come from the cache
			if body := front(); !strings.Contains(body, link) {
				t.Fatalf("empty front page without an administrator lacks %s", link)
			}
		}
		// An editor is not an administrator: the link stays.
		if err := db.CreateUser(ctx, &communique.User{Login: "ed", Email: "ed@example.com", Role: communique.RoleEditor}); err != nil {
			t.Fatal(err)
		}
		if body := front(); !strings.Contains(body, link) {
			t.Errorf("the link went with only an editor")
		}
		if err := db.CreateUser(ctx, &communique.User{Login: "chief", Email: "chief@example.com", Role: communique.RoleAdministrator}); err != nil {
			t.Fatal(err)
		}
		if body := front(); strings.Contains(body, "/setup") {
			t.Errorf("front page still links to /setup once an administrator exists")
		}
	}, atFixedNow)
}
