package admin_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"communique"
	"communique/storetest"
)

// TestFediverseFollowers: the newsroom lists followers with their
// handles, removes one (its server is told with a Reject), blocks a whole
// domain (its followers go), refuses a bad value with what was typed,
// and is for those who manage settings only.
func TestFediverseFollowers(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNewsroom(t, place, options{Fediverse: true})
		n.Set(t, "federation_enabled", "true")
		for _, f := range []struct{ id, user string }{
			{"https://mastodon.example/users/alice", "alice"},
			{"https://spam.example/users/bot1", "bot1"},
			{"https://spam.example/users/bot2", "bot2"},
		} {
			if err := n.DB.SaveRemoteActor(ctx, &communique.RemoteActor{ID: f.id, KeyID: f.id + "#main-key", PublicKeyPEM: "-",
				Inbox: f.id + "/inbox", PreferredUsername: f.user, URL: strings.Replace(f.id, "/users/", "/@", 1)}); err != nil {
				t.Fatal(err)
			}
			if err := n.DB.SaveFollower(ctx, &communique.Follower{LocalActor: "site", ActorID: f.id, Inbox: f.id + "/inbox",
				FollowID: f.id + "/follows/1"}); err != nil {
				t.Fatal(err)
			}
		}
		admin := n.SignIn(t, communique.RoleAdministrator)
		page := admin.Get(t, "/admin/fediverse")
		if page.Status != 200 || !strings.Contains(page.Body, "@alice@mastodon.example") || !strings.Contains(page.Body, `href="https://mastodon.example/@alice"`) {
			t.Fatalf("fediverse page %d:\n%s", page.Status, excerpt(page.Body))
		}

		res := admin.Post(t, "/admin/fediverse/followers/remove", url.Values{"local": {"site"}, "actor": {"https://mastodon.example/users/alice"}})
		if res.Status != 303 {
			t.Fatalf("remove = %d: %s", res.Status, res.Message())
		}
		msgs, _, err := n.DB.FindMessages(ctx, communique.OutboxFilter{Kind: communique.MessageActivityPub})
		if err != nil || len(msgs) != 1 || msgs[0].Subject != "Reject" || msgs[0].Recipient != "https://mastodon.example/users/alice/inbox" {
			t.Fatalf("queued = %+v, %v", msgs, err)
		}

		if res := admin.Post(t, "/admin/fediverse/blocks", url.Values{"block": {"bad host!"}}); res.Status != 400 ||
			!strings.Contains(res.Body, `value="bad host!"`) || !strings.Contains(res.Message(), "domain") {
			t.Errorf("bad block = %d %q", res.Status, res.Message())
		}
		if res := admin.Post(t, "/admin/fediverse/blocks", url.Values{"block": {"Spam.example"}}); res.Status != 303 {
			t.Fatalf("block = %d: %s", res.Status, res.Message())
		}
		if list, _ := n.DB.FindFollowers(ctx, ""); len(list) != 0 {
			t.Errorf("followers left = %+v", list)
		}
		if blocked, _ := n.DB.IsRemoteBlocked(ctx, "https://spam.example/users/bot3", "spam.example"); !blocked {
			t.Error("spam.example is not blocked")
		}
		if page := admin.Get(t, "/admin/fediverse"); !strings.Contains(page.Body, "domain: spam.example") {
			t.Errorf("blocks not listed:\n%s", excerpt(page.Body))
		}

		// Only administrators (who manage settings) manage the fediverse.
		for _, role := range communique.Roles {
			if role == communique.RoleAdministrator {
				continue
			}
			a := n.SignIn(t, role)
			for _, req := range []struct {
				method, path string
				form         url.Values
			}{
				{"GET", "/admin/fediverse", nil},
				{"POST", "/admin/fediverse/followers/remove", url.Values{"local": {"site"}, "actor": {"https://spam.example/users/bot1"}}},
				{"POST", "/admin/fediverse/blocks", url.Values{"block": {"mastodon.example"}}},
				{"POST", "/admin/fediverse/blocks/1/delete", nil},
			} {
				var res response
				if req.method == "GET" {
					res = a.Get(t, req.path)
				} else {
					res = a.Post(t, req.path, req.form)
				}
				if res.Status != 403 {
					t.Errorf("%s: %s %s = %d, want 403", role, req.method, req.path, res.Status)
				}
			}
		}
		if list, _ := n.DB.FindRemoteBlocks(ctx); len(list) != 1 {
			t.Errorf("blocks after the refused requests = %+v", list)
		}
	})
}

// TestFediverseFollowRequests: follow requests held for approval are
// listed apart from followers, with Accept and Reject forms carrying the
// CSRF token; accepting one queues a signed Accept and makes it a
// follower, rejecting one forgets it and queues a Reject.
func TestFediverseFollowRequests(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		n := newNewsroom(t, place, options{Fediverse: true})
		n.Set(t, "federation_enabled", "true")
		n.Set(t, "federation_approve_follows", "true")
		for _, user := range []string{"carol", "dave"} {
			id := "https://mastodon.example/users/" + user
			if err := n.DB.SaveRemoteActor(ctx, &communique.RemoteActor{ID: id, KeyID: id + "#main-key", PublicKeyPEM: "-",
				Inbox: id + "/inbox", PreferredUsername: user, URL: "https://mastodon.example/@" + user}); err != nil {
				t.Fatal(err)
			}
			if err := n.DB.SaveFollower(ctx, &communique.Follower{LocalActor: "site", ActorID: id, Inbox: id + "/inbox",
				FollowID: id + "/follows/1", Status: communique.FollowerPending}); err != nil {
				t.Fatal(err)
			}
		}
		admin := n.SignIn(t, communique.RoleAdministrator)
		page := admin.Get(t, "/admin/fediverse")
		requests, followers, _ := strings.Cut(page.Body, "<h2>Followers</h2>")
		if page.Status != 200 || !strings.Contains(requests, "Follow requests") || !strings.Contains(requests, "@carol@mastodon.example") ||
			!strings.Contains(requests, `action="/admin/fediverse/followers/accept"`) || !strings.Contains(requests, `name="csrf_token"`) ||
			strings.Contains(followers, "@carol@mastodon.example") {
			t.Fatalf("fediverse page %d:\n%s", page.Status, excerpt(page.Body))
		}
		for _, step := range []struct{ path, actor, done, sent, status string }{
			{"/admin/fediverse/followers/accept", "https://mastodon.example/users/carol", "Follow request accepted", "Accept", communique.FollowerAccepted},
			{"/admin/fediverse/followers/reject", "https://mastodon.example/users/dave", "Follow request rejected", "Reject", ""},
		} {
			res := admin.Post(t, step.path, url.Values{"local": {"site"}, "actor": {step.actor}})
			if res.Status != 303 {
				t.Fatalf("%s = %d: %s", step.path, res.Status, res.Message())
			}
			if msg := admin.Get(t, res.Location).Message(); !strings.Contains(msg, step.done) {
				t.Errorf("after %s: %q", step.path, msg)
			}
			msgs, _, err := n.DB.FindMessages(ctx, communique.OutboxFilter{Kind: communique.MessageActivityPub})
			if err != nil || len(msgs) == 0 || msgs[0].Subject != step.sent || msgs[0].Recipient != step.actor+"/inbox" {
				t.Fatalf("queued after %s = %+v, %v", step.path, msgs, err)
			}
			status := ""
			list, _ := n.DB.FindFollowers(ctx, "site")
			for _, f := range list {
				if f.ActorID == step.actor {
					status = f.Status
				}
			}
			if status != step.status {
				t.Errorf("after %s: status %q, want %q", step.path, status, step.status)
			}
		}
		if res := admin.Post(t, "/admin/fediverse/followers/accept", url.Values{"local": {"site"}, "actor": {"https://nowhere.example/u"}}); res.Status != 404 {
			t.Errorf("accepting nobody = %d", res.Status)
		}
		editor := n.SignIn(t, communique.RoleEditor)
		if res := editor.Post(t, "/admin/fediverse/followers/accept", url.Values{"local": {"site"}, "actor": {"https://mastodon.example/users/carol"}}); res.Status != 403 {
			t.Errorf("an editor accepting = %d", res.Status)
		}
	})
}
