package activitypub_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"

	"communique"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

// TestRepliesBecomeComments: a reply from the fediverse joins the
// article's thread beside a form comment, through the discussion rules
// (held, then approved), at the right depth, with its author's name,
// handle and profile; its edit and deletion follow; likes and boosts are
// counted; blocking its server takes it away.
func TestRepliesBecomeComments(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		p := newPeer(t)
		a := s.publish(t, "Harbour freezes")
		st := communique.ParseSettings(map[string]string{"site_url": s.srv.URL})
		pageURL := s.srv.URL + communique.ArticlePath(a, st, nil)
		inbox := s.srv.URL + "/activitypub/inbox"
		admin := storetest.MustCreateUser(t, db, "root", communique.RoleAdministrator)
		if err := db.SetSetting(ctx, "comment_flood_seconds", "0"); err != nil {
			t.Fatal(err)
		}
		local, err := s.talk.Post(ctx, communique.ParseSettings(nil), discussion.Submission{ArticleID: a.ID, Author: "Grace",
			Email: "grace@example.org", Text: "I saw it from the pier.", SkipToken: true, Trusted: true})
		if err != nil || local.Status != communique.CommentApproved {
			t.Fatalf("form comment: %+v, %v", local, err)
		}
		send := func(act map[string]any) {
			t.Helper()
			if res := p.Post(t, inbox, act, nil); res.StatusCode != http.StatusAccepted {
				t.Fatalf("%s answered %s", act["type"], res.Status)
			}
			if _, err := s.fed.ProcessInbox(ctx); err != nil {
				t.Fatal(err)
			}
		}
		noteID := p.Server.URL + "/users/alice/statuses/1"
		reply := map[string]any{"id": noteID, "type": "Note", "attributedTo": p.ActorID(), "inReplyTo": pageURL + "#comment-" + itoa(local.ID),
			"content": `<p><span class="h-card"><a href="` + s.srv.URL + `/author/ada/" class="u-url mention">@<span>ada</span></a></span> Colder than in 1963!</p><p>Stay safe<script>alert(1)</script></p>`,
			"to":      []string{"https://www.w3.org/ns/activitystreams#Public"}}
		send(map[string]any{"id": noteID + "/activity", "type": "Create", "actor": p.ActorID(), "object": reply})

		list, _, err := db.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID})
		if err != nil {
			t.Fatal(err)
		}
		var c *communique.Comment
		for _, x := range list {
			if x.Type == communique.CommentTypeActivityPub {
				c = x
			}
		}
		if c == nil || c.Status != communique.CommentPending || c.ParentID != local.ID || c.AuthorName != "Alice" ||
			c.AuthorURL != p.Server.URL+"/@alice" || c.AuthorEmail != "" {
			t.Fatalf("remote reply = %+v", c)
		}
		if strings.Contains(c.HTML, "<script") || !strings.Contains(c.HTML, "Colder than in 1963!") {
			t.Errorf("reply HTML = %s", c.HTML)
		}
		if _, body := get(t, pageURL, "text/html"); strings.Contains(body, "Colder than") {
			t.Error("a held reply is on the page")
		}
		if err := s.talk.Approve(ctx, admin, c.ID); err != nil {
			t.Fatal(err)
		}
		_, body := get(t, pageURL, "text/html")
		for _, want := range []string{"I saw it from the pier.", "Colder than in 1963!", "@alice@" + strings.TrimPrefix(p.Server.URL, "http://"),
			"via the fediverse", `href="` + p.Server.URL + `/@alice"`} {
			if !strings.Contains(html.UnescapeString(body), want) {
				t.Errorf("article page lacks %q", want)
			}
		}

		// The same Create delivered again makes no second comment.
		send(map[string]any{"id": noteID + "/activity", "type": "Create", "actor": p.ActorID(), "object": reply})
		if n, _, _ := db.FindComments(ctx, communique.CommentFilter{ArticleID: &a.ID}); len(n) != 2 {
			t.Errorf("comments after a second delivery = %d", len(n))
		}

		// Her server reports the form comment: it lands in the reported
		// queue with the server's words, counted as one reader.
		send(map[string]any{"id": p.Server.URL + "/flags/1", "type": "Flag", "actor": p.ActorID(),
			"content": "<p>Off topic, and rude.</p>", "object": []string{s.srv.URL + "/users/nobody", pageURL + "#comment-" + itoa(local.ID)}})
		reports, err := db.FindCommentReports(ctx, local.ID)
		if err != nil || len(reports) != 1 || !strings.Contains(reports[0].Explanation, "Off topic, and rude.") ||
			!strings.Contains(reports[0].Explanation, strings.TrimPrefix(p.Server.URL, "http://")) {
			t.Fatalf("reports = %+v, %v", reports, err)
		}

		// Edited on her server: the text changes and is judged again.
		edited := map[string]any{"id": noteID, "type": "Note", "attributedTo": p.ActorID(), "content": "<p>Colder than in 1947, actually.</p>"}
		send(map[string]any{"id": noteID + "#updates/1", "type": "Update", "actor": p.ActorID(), "object": edited})
		if got, _ := db.FindCommentByID(ctx, c.ID); !strings.Contains(got.HTML, "1947") {
			t.Errorf("after Update: %s", got.HTML)
		}

		// Likes and boosts of the article are counted once per actor; an
		// Undo takes one back.
		like := map[string]any{"id": p.Server.URL + "/likes/1", "type": "Like", "actor": p.ActorID(), "object": pageURL}
		send(like)
		send(map[string]any{"id": p.Server.URL + "/boosts/1", "type": "Announce", "actor": p.ActorID(), "object": pageURL})
		send(like)
		if n, _ := db.CountRemoteReactions(ctx, a.ID); n[communique.ReactionLike] != 1 || n[communique.ReactionAnnounce] != 1 {
			t.Errorf("reactions = %v", n)
		}
		send(map[string]any{"id": p.Server.URL + "/likes/1/undo", "type": "Undo", "actor": p.ActorID(), "object": like})
		if n, _ := db.CountRemoteReactions(ctx, a.ID); n[communique.ReactionLike] != 0 || n[communique.ReactionAnnounce] != 1 {
			t.Errorf("reactions after Undo = %v", n)
		}

		// Deleted on her server: gone from the thread.
		send(map[string]any{"id": noteID + "#delete", "type": "Delete", "actor": p.ActorID(),
			"object": map[string]any{"id": noteID, "type": "Tombstone"}})
		if got, _ := db.FindCommentByID(ctx, c.ID); got.Status != communique.CommentTrash {
			t.Errorf("after Delete: %s", got.Status)
		}

		// A second reply, approved, goes when her server is blocked.
		second := map[string]any{"id": noteID + "2", "type": "Note", "attributedTo": p.ActorID(), "inReplyTo": pageURL, "content": "<p>Another thought.</p>"}
		send(map[string]any{"id": noteID + "2/activity", "type": "Create", "actor": p.ActorID(), "object": second})
		rc, err := db.FindRemoteComment(ctx, noteID+"2")
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindCommentByID(ctx, rc.CommentID); got.ParentID != 0 {
			t.Errorf("reply to the article has parent %d", got.ParentID)
		}
		if err := s.talk.Approve(ctx, admin, rc.CommentID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.fed.Block(ctx, admin, strings.TrimPrefix(p.Server.URL, "http://")); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindCommentByID(ctx, rc.CommentID); got.Status != communique.CommentTrash {
			t.Errorf("blocked server's reply is %s", got.Status)
		}
		if art, _ := db.FindArticleByID(ctx, a.ID); art.CommentCount != 1 {
			t.Errorf("comment count after the block = %d, want 1 (the form comment)", art.CommentCount)
		}
	})
}
