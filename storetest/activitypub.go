package storetest

import (
	"context"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
)

// testFederation: followers are kept once per local and remote actor; the
// inbox queue is claimed once, retried when due, and done items leave it;
// a domain block ends its follows.
func testFederation(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	set := fixedClock(db, time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	alice := &communique.Follower{LocalActor: "site", ActorID: "https://social.example/users/alice", Inbox: "https://social.example/users/alice/inbox",
		SharedInbox: "https://social.example/inbox", FollowID: "https://social.example/follows/1"}
	if err := db.SaveFollower(ctx, alice); err != nil {
		t.Fatal(err)
	}
	again := *alice
	again.ID, again.FollowID = 0, "https://social.example/follows/2"
	if err := db.SaveFollower(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if list, err := db.FindFollowers(ctx, "site"); err != nil || len(list) != 1 || list[0].FollowID != again.FollowID || again.ID != alice.ID {
		t.Fatalf("after a second Follow: %+v, %v", list, err)
	}
	wantCode(t, db.SaveFollower(ctx, &communique.Follower{LocalActor: "site", ActorID: "x"}), communique.EINVALID)
	if n, _ := db.CountFollowers(ctx, "site"); n != 1 {
		t.Errorf("count = %d", n)
	}

	t.Run("InboxQueue", func(t *testing.T) {
		item := &communique.InboxItem{Body: `{"type":"Follow"}`, Signer: alice.ActorID}
		if err := db.EnqueueInbox(ctx, item); err != nil {
			t.Fatal(err)
		}
		first, err := db.ClaimInbox(ctx, 10, time.Minute)
		if err != nil || len(first) != 1 || first[0].Attempts != 1 || first[0].Body != item.Body {
			t.Fatalf("claim = %+v, %v", first, err)
		}
		if again, _ := db.ClaimInbox(ctx, 10, time.Minute); len(again) != 0 {
			t.Fatalf("claimed twice: %+v", again)
		}
		retry := time.Date(2026, 12, 7, 12, 5, 0, 0, time.UTC)
		if err := db.FinishInbox(ctx, first[0].ID, first[0].ClaimToken, "key server down", retry); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.FinishInbox(ctx, first[0].ID, first[0].ClaimToken, "", time.Time{}), communique.ECONFLICT)
		if early, _ := db.ClaimInbox(ctx, 10, time.Minute); len(early) != 0 {
			t.Fatalf("claimed before it was due: %+v", early)
		}
		set(retry)
		second, err := db.ClaimInbox(ctx, 10, time.Minute)
		if err != nil || len(second) != 1 || second[0].Attempts != 2 {
			t.Fatalf("due again = %+v, %v", second, err)
		}
		if err := db.FinishInbox(ctx, second[0].ID, second[0].ClaimToken, "", time.Time{}); err != nil {
			t.Fatal(err)
		}
		set(retry.Add(time.Hour))
		if left, _ := db.ClaimInbox(ctx, 10, time.Minute); len(left) != 0 {
			t.Errorf("a done item came back: %+v", left)
		}
	})

	t.Run("RemoteComment", func(t *testing.T) {
		a := MustCreateArticle(t, db, MustCreateUser(t, db, "apwriter", communique.RoleAuthor), "Harbour", "Ice.")
		local, remote := MustCreateComment(t, db, a), MustCreateComment(t, db, a)
		rc := &communique.RemoteComment{CommentID: remote.ID, ObjectID: "https://social.example/notes/9", ActorID: alice.ActorID, Handle: "@alice@social.example"}
		if err := db.SaveRemoteComment(ctx, rc); err != nil {
			t.Fatal(err)
		}
		byObject, err := db.FindRemoteComment(ctx, rc.ObjectID)
		if err != nil || *byObject != *rc {
			t.Fatalf("by object = %+v, %v", byObject, err)
		}
		byComment, err := db.FindRemoteCommentOf(ctx, remote.ID)
		if err != nil || *byComment != *rc {
			t.Fatalf("by comment = %+v, %v", byComment, err)
		}
		_, err = db.FindRemoteCommentOf(ctx, local.ID)
		wantCode(t, err, communique.ENOTFOUND)
	})

	t.Run("DomainBlock", func(t *testing.T) {
		n, err := db.BlockRemote(ctx, &communique.RemoteBlock{Kind: communique.BlockDomain, Value: "social.example"})
		if err != nil || n != 1 {
			t.Fatalf("block removed %d, %v", n, err)
		}
		if blocked, _ := db.IsRemoteBlocked(ctx, "https://social.example/users/bob", "social.example"); !blocked {
			t.Error("not blocked")
		}
		if blocked, _ := db.IsRemoteBlocked(ctx, "https://other.example/users/bob", "other.example"); blocked {
			t.Error("another domain is blocked")
		}
		list, _ := db.FindRemoteBlocks(ctx)
		if len(list) != 1 {
			t.Fatalf("blocks = %+v", list)
		}
		if err := db.UnblockRemote(ctx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.UnblockRemote(ctx, list[0].ID), communique.ENOTFOUND)
	})
}
