package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"communique/sqlstore"
	"communique/storetest"
)

// TestFollowerCountOnAuthorPage: with federation_follower_counts on, an
// author's page shows their handle and follower count, and a new
// follower shows at once although the page was cached; with it off the
// page says nothing of it.
func TestFollowerCountOnAuthorPage(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		watch, stop := context.WithCancel(ctx)
		defer stop()
		go s.web.WatchStore(watch, 20*time.Millisecond) // as serve does: other writers' changes drop pages
		s.publish(t, "First story")
		page := s.srv.URL + "/author/ada/"
		host := strings.TrimPrefix(s.srv.URL, "http://")
		if _, body := get(t, page, "text/html"); strings.Contains(body, "fediverse-followers") {
			t.Fatalf("counts shown while the setting is off")
		}
		if err := db.SetSetting(ctx, "federation_follower_counts", "true"); err != nil {
			t.Fatal(err)
		}
		want := "On the fediverse: <strong>@ada@" + host + "</strong> · 0 followers"
		eventually(t, "the count appears", func() bool { _, body := get(t, page, "text/html"); return strings.Contains(body, want) })
		get(t, page, "text/html") // cached now

		p := newPeer(t)
		follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": p.Server.URL + "/follows/1",
			"type": "Follow", "actor": p.ActorID(), "object": page}
		if res := p.Post(t, s.srv.URL+"/activitypub/inbox", follow, nil); res.StatusCode != http.StatusAccepted {
			t.Fatalf("follow answered %s", res.Status)
		}
		if _, err := s.fed.ProcessInbox(ctx); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		eventually(t, "the new follower is counted", func() bool {
			_, body := get(t, page, "text/html")
			return strings.Contains(body, "· 1 follower</p>")
		})
		t.Logf("counted after %v", time.Since(start))
		if _, body := get(t, s.srv.URL+"/", "text/html"); strings.Contains(body, "fediverse-followers") {
			t.Error("the front page shows a follower count")
		}
	})
}
