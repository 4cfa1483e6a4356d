package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestFollowsHeldForApproval: with federation_approve_follows on, a
// Follow is kept pending (no Accept, no articles, not counted) and the
// actor says it approves its followers; the newsroom's Accept sends a
// signed Accept and starts deliveries; Reject forgets the request and
// sends a signed Reject. A follower accepted already stays accepted when
// its Follow comes again.
func TestFollowsHeldForApproval(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		if err := db.SetSetting(ctx, "federation_approve_follows", "true"); err != nil {
			t.Fatal(err)
		}
		admin := storetest.MustCreateUser(t, db, "root", communique.RoleAdministrator)
		s.publish(t, "First story")
		inbox := s.srv.URL + "/activitypub/inbox"
		authorID := s.srv.URL + "/author/ada/"
		local := "user:" + itoa(s.author.ID)
		if _, body := get(t, authorID, as2); !strings.Contains(body, `"manuallyApprovesFollowers":true`) {
			t.Errorf("actor does not say it approves followers: %s", body)
		}

		for _, round := range []struct {
			answer func(context.Context, *communique.User, string, string) error
			want   string
			left   int
		}{
			{s.fed.RejectFollower, "Reject", 0},
			{s.fed.AcceptFollower, "Accept", 1},
		} {
			p := newPeer(t)
			follow := map[string]any{"@context": "https://www.w3.org/ns/activitystreams", "id": p.Server.URL + "/follows/1",
				"type": "Follow", "actor": p.ActorID(), "object": authorID}
			if res := p.Post(t, inbox, follow, nil); res.StatusCode != http.StatusAccepted {
				t.Fatalf("follow answered %s", res.Status)
			}
			if _, err := s.fed.ProcessInbox(ctx); err != nil {
				t.Fatal(err)
			}
			list, err := db.FindFollowers(ctx, local)
			if err != nil || len(list) != 1 || list[0].Status != communique.FollowerPending {
				t.Fatalf("followers = %+v, %v", list, err)
			}
			s.deliver(t)
			if got := p.Deliveries(); len(got) != 0 {
				t.Fatalf("a held follow was answered: %+v", got)
			}
			if _, body := get(t, s.srv.URL+"/activitypub/actors/ada/followers", ""); !strings.Contains(body, `"totalItems":0`) {
				t.Errorf("a pending follower is counted: %s", body)
			}
			if err := round.answer(ctx, s.author, local, p.ActorID()); communique.ErrorCode(err) != communique.EFORBIDDEN {
				t.Errorf("an author answered a follow request: %v", err)
			}
			if err := round.answer(ctx, admin, local, p.ActorID()); err != nil {
				t.Fatal(err)
			}
			s.deliver(t)
			got := p.Deliveries()
			if len(got) != 1 || got[0].Activity["type"] != round.want || !got[0].Verified {
				t.Fatalf("after %s: deliveries = %+v", round.want, got)
			}
			if obj, _ := got[0].Activity["object"].(map[string]any); obj["id"] != follow["id"] || obj["actor"] != p.ActorID() {
				t.Errorf("%s names %+v", round.want, obj)
			}
			if list, _ := db.FindFollowers(ctx, local); len(list) != round.left {
				t.Fatalf("after %s: followers = %+v", round.want, list)
			}
			if round.want != "Accept" {
				continue
			}
			// Now a follower: articles reach it, and a Follow sent again
			// keeps it accepted and is answered at once.
			s.publish(t, "Harbour freezes")
			if res := p.Post(t, inbox, follow, nil); res.StatusCode != http.StatusAccepted {
				t.Fatalf("follow again answered %s", res.Status)
			}
			if _, err := s.fed.ProcessInbox(ctx); err != nil {
				t.Fatal(err)
			}
			s.deliver(t)
			var kinds []string
			for _, d := range p.Deliveries()[1:] {
				kinds = append(kinds, d.Activity["type"].(string))
			}
			if strings.Join(kinds, " ") != "Create Accept" {
				t.Errorf("after acceptance: %v", kinds)
			}
			if list, _ := db.FindFollowers(ctx, local); list[0].Status != communique.FollowerAccepted {
				t.Errorf("follow again made it %s", list[0].Status)
			}
		}
	})
}
