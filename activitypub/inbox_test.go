package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
)

// TestFollowPublishUndo walks the scenario real integration suites use,
// with the pure-Go peer: alice follows the author by a signed Follow and
// gets a signed Accept; an article published, edited and trashed reaches
// her shared inbox as signed Create, Update and Delete; she unfollows.
func TestFollowPublishUndo(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		p := newPeer(t)
		s.publish(t, "First story") // the author has a public page, so an actor
		inbox := s.srv.URL + "/activitypub/inbox"
		authorID := s.srv.URL + "/author/ada/"
		follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": p.Server.URL + "/follows/1",
			"type": "Follow", "actor": p.ActorID(), "object": authorID}

		if res := p.Post(t, inbox, follow, nil); res.StatusCode != http.StatusAccepted {
			t.Fatalf("follow answered %s", res.Status)
		}
		if list, _ := db.FindFollowers(ctx, ""); len(list) != 0 {
			t.Fatalf("followed before the worker ran: %+v", list)
		}
		if n, err := s.fed.ProcessInbox(ctx); err != nil || n != 1 {
			t.Fatalf("processed %d, %v", n, err)
		}
		list, err := db.FindFollowers(ctx, "user:"+itoa(s.author.ID))
		if err != nil || len(list) != 1 || list[0].ActorID != p.ActorID() || list[0].SharedInbox != p.Server.URL+"/inbox" {
			t.Fatalf("followers = %+v, %v", list, err)
		}
		s.deliver(t)
		got := p.Deliveries()
		if len(got) != 1 || got[0].Path != "/users/alice/inbox" || got[0].Activity["type"] != "Accept" {
			t.Fatalf("deliveries = %+v", got)
		}
		if !got[0].Verified {
			t.Fatalf("Accept's signature did not verify: %s", got[0].Err)
		}
		if obj, _ := got[0].Activity["object"].(map[string]any); obj["id"] != follow["id"] || got[0].Activity["actor"] != authorID {
			t.Errorf("Accept = %+v", got[0].Activity)
		}
		if _, body := get(t, s.srv.URL+"/activitypub/actors/ada/followers", ""); !strings.Contains(body, `"totalItems":1`) {
			t.Errorf("followers collection: %s", body)
		}

		// Publishing, editing and trashing reach her shared inbox.
		a := s.publish(t, "Harbour freezes")
		title := "Harbour freezes solid"
		if _, err := s.articles.Update(ctx, newsroom.System, a.ID, communique.ArticleUpdate{Title: &title}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.articles.Trash(ctx, newsroom.System, a.ID); err != nil {
			t.Fatal(err)
		}
		s.deliver(t)
		got = p.Deliveries()[1:]
		var kinds []string
		for _, d := range got {
			kinds = append(kinds, d.Activity["type"].(string))
			if !d.Verified || d.Path != "/inbox" || d.Activity["actor"] != authorID {
				t.Errorf("%s to %s verified=%v (%s) actor=%v", d.Activity["type"], d.Path, d.Verified, d.Err, d.Activity["actor"])
			}
		}
		if strings.Join(kinds, " ") != "Create Update Delete" {
			t.Fatalf("activities = %v", kinds)
		}
		created := got[0].Activity["object"].(map[string]any)
		if created["type"] != "Article" || created["name"] != "Harbour freezes" || !strings.Contains(created["content"].(string), "froze overnight") {
			t.Errorf("Create's object = %+v", created)
		}
		if got[1].Activity["object"].(map[string]any)["name"] != title {
			t.Errorf("Update's object = %+v", got[1].Activity["object"])
		}
		if tomb := got[2].Activity["object"].(map[string]any); tomb["type"] != "Tombstone" || tomb["id"] != created["id"] {
			t.Errorf("Delete's object = %+v", tomb)
		}
		msgs, _, err := db.FindMessages(ctx, communique.OutboxFilter{Kind: communique.MessageActivityPub})
		if err != nil || len(msgs) != 4 {
			t.Fatalf("delivery log = %d messages, %v", len(msgs), err)
		}
		for _, m := range msgs {
			if m.Status != communique.MessageSent {
				t.Errorf("message %d (%s) is %s: %s", m.ID, m.Subject, m.Status, m.LastError)
			}
		}

		// Unfollowing forgets her.
		undo := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": p.Server.URL + "/follows/1/undo",
			"type": "Undo", "actor": p.ActorID(), "object": follow}
		if res := p.Post(t, inbox, undo, nil); res.StatusCode != http.StatusAccepted {
			t.Fatalf("undo answered %s", res.Status)
		}
		if _, err := s.fed.ProcessInbox(ctx); err != nil {
			t.Fatal(err)
		}
		if list, _ := db.FindFollowers(ctx, ""); len(list) != 0 {
			t.Errorf("still followed by %+v", list)
		}
	})
}

// TestInboxRefuses sends what a forger or a broken server would; each is
// refused with a 4xx and nothing is queued.
func TestInboxRefuses(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		p := newPeer(t)
		s.publish(t, "First story")
		inbox := s.srv.URL + "/activitypub/inbox"
		note := func(id, actor string) map[string]any {
			return map[string]any{"id": id + "/activity", "type": "Create", "actor": actor,
				"object": map[string]any{"id": id, "type": "Note", "attributedTo": actor, "content": "<p>Hello</p>"}}
		}
		good := note(p.Server.URL+"/notes/1", p.ActorID())
		tests := []struct {
			name   string
			act    map[string]any
			tamper func(*http.Request, *[]byte)
			status int
		}{
			{"BodyChangedAfterSigning", good, func(_ *http.Request, b *[]byte) {
				*b = []byte(strings.Replace(string(*b), "Hello", "Buy pills", 1))
			}, 401},
			{"DigestRecomputedButNotSigned", good, func(r *http.Request, b *[]byte) {
				*b = []byte(strings.Replace(string(*b), "Hello", "Buy pills", 1))
				r.Header.Set("Digest", digest(*b))
			}, 401},
			{"NoDigest", good, func(r *http.Request, _ *[]byte) { r.Header.Del("Digest") }, 401},
			{"OldDate", good, func(r *http.Request, _ *[]byte) {
				r.Header.Set("Date", time.Now().Add(-48*time.Hour).UTC().Format(http.TimeFormat))
			}, 401},
			{"NoSignature", good, func(r *http.Request, _ *[]byte) { r.Header.Del("Signature") }, 401},
			{"ActorOnAnotherHost", note(p.Server.URL+"/notes/2", "https://elsewhere.example/users/mallory"), nil, 403},
			{"ObjectOnAnotherHost", note("https://elsewhere.example/notes/3", p.ActorID()), nil, 403},
			{"NotJSON", good, func(_ *http.Request, b *[]byte) { *b = []byte("<html>") }, 400},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if res := p.Post(t, inbox, tt.act, tt.tamper); res.StatusCode != tt.status {
					t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
				}
			})
		}
		if items, err := db.ClaimInbox(ctx, 100, time.Minute); err != nil || len(items) != 0 {
			t.Errorf("queued %d refused activities, %v", len(items), err)
		}
		// The same activity, untouched, is accepted: the refusals above
		// were for what was changed.
		if res := p.Post(t, inbox, good, nil); res.StatusCode != http.StatusAccepted {
			t.Errorf("good activity = %d", res.StatusCode)
		}
		// Once its server is blocked, the same is refused.
		host := strings.TrimPrefix(p.Server.URL, "http://")
		if _, err := db.BlockRemote(ctx, &communique.RemoteBlock{Kind: communique.BlockDomain, Value: host}); err != nil {
			t.Fatal(err)
		}
		if res := p.Post(t, inbox, good, nil); res.StatusCode != http.StatusForbidden {
			t.Errorf("blocked server's activity = %d", res.StatusCode)
		}
	})
}
