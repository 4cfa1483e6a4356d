package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"communique"
	"communique/activitypub"
	"communique/storetest"
)

// TestPrivacyActor answers a fediverse commenter's requests by their
// actor: the export holds their profile copy, follow, reply and
// reaction; the erasure removes them, a reply to their comment moving up.
func TestPrivacyActor(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		ctx := context.Background()
		flags, db := place.Flags(), place.Open(t)
		author := storetest.MustCreateUser(t, db, "reporter", communique.RoleAuthor)
		a := storetest.MustCreateArticle(t, db, author, "Harbour bridge reopens", "Body.")
		const actor = "https://social.example/users/alice"
		remote := &communique.Comment{ArticleID: a.ID, AuthorName: "Alice", AuthorURL: "https://social.example/@alice",
			Type: communique.CommentTypeActivityPub, Text: "From the ferry.", HTML: "<p>From the ferry.</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, remote); err != nil {
			t.Fatal(err)
		}
		answer := &communique.Comment{ArticleID: a.ID, ParentID: remote.ID, AuthorName: "Ben", AuthorEmail: "ben@mail.example",
			Text: "Me too.", HTML: "<p>Me too.</p>", Status: communique.CommentApproved}
		if err := db.CreateComment(ctx, answer); err != nil {
			t.Fatal(err)
		}
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(db.SaveRemoteComment(ctx, &communique.RemoteComment{CommentID: remote.ID, ObjectID: "https://social.example/notes/1", ActorID: actor, Handle: "@alice@social.example"}))
		must(db.SaveRemoteActor(ctx, &communique.RemoteActor{ID: actor, KeyID: actor + "#main-key", PublicKeyPEM: "-", Inbox: actor + "/inbox", Name: "Alice"}))
		must(db.SaveFollower(ctx, &communique.Follower{LocalActor: "site", ActorID: actor, Inbox: actor + "/inbox"}))
		must(db.SaveRemoteReaction(ctx, a.ID, actor, communique.ReactionLike, actor+"#likes/1"))

		out := mustRun(t, nil, "", args([]string{"privacy", "export", "--actor", actor}, flags)...)
		var x activitypub.ActorExport
		if err := json.Unmarshal([]byte(out), &x); err != nil {
			t.Fatalf("export is not JSON: %v\n%s", err, out)
		}
		if x.Profile == nil || x.Profile.Name != "Alice" || len(x.Follows) != 1 || len(x.Comments) != 1 ||
			x.Comments[0].HTML != "<p>From the ferry.</p>" || len(x.Reactions) != 1 {
			t.Errorf("export = %s", out)
		}

		out = mustRun(t, nil, "", args([]string{"privacy", "erase", "--actor", actor}, flags)...)
		if !strings.Contains(out, "deleted 1 comments, 1 follows and 1 reactions") {
			t.Errorf("erase printed %q", out)
		}
		if _, err := db.FindCommentByID(ctx, remote.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
			t.Errorf("the reply is still there: %v", err)
		}
		if c, err := db.FindCommentByID(ctx, answer.ID); err != nil || c.ParentID != 0 {
			t.Errorf("the answer to it: %+v, %v", c, err)
		}
		if d, err := db.FindActorData(ctx, actor); err != nil || d.Actor != nil || len(d.Follows)+len(d.Comments)+len(d.Reactions) != 0 {
			t.Errorf("left after erasure: %+v, %v", d, err)
		}

		for _, bad := range [][]string{{"--actor", "alice@social.example"}, {"--actor", actor, "--email", "a@b.example"}} {
			r := run(t, nil, "", args(append([]string{"privacy", "erase"}, bad...), flags)...)
			var u usageError
			if r.err == nil || !asUsage(r.err, &u) {
				t.Errorf("privacy erase %q: %v", bad, r.err)
			}
		}
	})
}
