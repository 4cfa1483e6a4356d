package activitypub_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"communique"
	"communique/activitypub/aptest"
	"communique/discussion"
	"communique/sqlstore"
	"communique/storetest"
)

// TestLocalCommentsFederated: with federation_comments on, a form
// comment is sent once approved, as a signed Create(Note) replying to the
// article, by the site's actor, naming the commenter and never their
// email; its id answers content negotiation; a moderator's edit sends
// Update; a reply to a fediverse reply answers that Note and mentions its
// author; trashing sends Delete. Held comments, and everything while the
// setting is off, send nothing.
func TestLocalCommentsFederated(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		p := newPeer(t)
		s.publish(t, "First story")
		inbox := s.srv.URL + "/activitypub/inbox"
		admin := storetest.MustCreateUser(t, db, "root", communique.RoleAdministrator)
		send := func(act map[string]any) {
			t.Helper()
			if res := p.Post(t, inbox, act, nil); res.StatusCode != http.StatusAccepted {
				t.Fatalf("%s answered %s", act["type"], res.Status)
			}
			if _, err := s.fed.ProcessInbox(ctx); err != nil {
				t.Fatal(err)
			}
		}
		send(map[string]any{"id": p.Server.URL + "/follows/1", "type": "Follow", "actor": p.ActorID(), "object": s.srv.URL + "/author/ada/"})
		a := s.publish(t, "Harbour freezes")
		s.deliver(t)
		seen := len(p.Deliveries()) // the Accept and the Create(Article)
		next := func() []aptest.Delivery {
			t.Helper()
			s.deliver(t)
			got := p.Deliveries()[seen:]
			seen += len(got)
			return got
		}
		st := communique.ParseSettings(map[string]string{"site_url": s.srv.URL})
		pageURL := s.srv.URL + communique.ArticlePath(a, st, nil)
		for _, kv := range [][2]string{{"comment_flood_seconds", "0"}, {"comment_previously_approved", "true"}} {
			if err := db.SetSetting(ctx, kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		post := func(email, text string) *communique.Comment {
			t.Helper()
			vals, err := db.Settings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.talk.Post(ctx, communique.ParseSettings(vals),
				discussion.Submission{ArticleID: a.ID, Author: "Bea <Reader>", Email: email, Text: text, SkipToken: true})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}

		// Off: an approved comment stays home.
		quiet := post("quiet@example.org", "Nobody hears this one.")
		if err := s.talk.Approve(ctx, admin, quiet.ID); err != nil {
			t.Fatal(err)
		}
		if got := next(); len(got) != 0 {
			t.Fatalf("sent with the setting off: %+v", got)
		}
		if res, _ := get(t, s.srv.URL+"/activitypub/comments/"+itoa(quiet.ID), as2); res.StatusCode != 404 {
			t.Errorf("a comment's object with the setting off = %d", res.StatusCode)
		}

		if err := db.SetSetting(ctx, "federation_comments", "true"); err != nil {
			t.Fatal(err)
		}
		c := post("bea@example.org", "Ice on the quay this morning.")
		if c.Status != communique.CommentPending {
			t.Fatalf("comment is %s, want held", c.Status)
		}
		if got := next(); len(got) != 0 {
			t.Fatalf("a held comment was sent: %+v", got)
		}
		noteID := s.srv.URL + "/activitypub/comments/" + itoa(c.ID)
		if res, _ := get(t, noteID, as2); res.StatusCode != 404 {
			t.Errorf("a held comment's object = %d", res.StatusCode)
		}
		if err := s.talk.Approve(ctx, admin, c.ID); err != nil {
			t.Fatal(err)
		}
		got := next()
		if len(got) != 1 || got[0].Activity["type"] != "Create" || !got[0].Verified || got[0].Path != "/inbox" {
			t.Fatalf("after approval: %+v", got)
		}
		note := got[0].Activity["object"].(map[string]any)
		content, _ := note["content"].(string)
		if note["type"] != "Note" || note["id"] != noteID || note["inReplyTo"] != pageURL || note["attributedTo"] != s.srv.URL+"/" ||
			got[0].Activity["actor"] != s.srv.URL+"/" || note["url"] != pageURL+"#comment-"+itoa(c.ID) ||
			!strings.Contains(content, "Bea &lt;Reader&gt;") || !strings.Contains(content, "Ice on the quay") || strings.Contains(content, "bea@example.org") {
			t.Fatalf("note = %+v", note)
		}

		// Its id answers content negotiation: the Note to a server, its
		// place on the page to a browser.
		res, body := get(t, noteID, as2)
		if res.StatusCode != 200 || decode(t, body)["id"] != noteID || decode(t, body)["type"] != "Note" {
			t.Errorf("object = %d %s", res.StatusCode, body)
		}
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		if res, err := noFollow.Get(noteID); err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != pageURL+"#comment-"+itoa(c.ID) {
			t.Errorf("browser at the object's id: %v %v", res, err)
		} else {
			res.Body.Close()
		}

		// A moderator's edit is an Update.
		if _, err := s.talk.Amend(ctx, admin, c.ID, "Ice on the whole quay this morning."); err != nil {
			t.Fatal(err)
		}
		got = next()
		if len(got) != 1 || got[0].Activity["type"] != "Update" || !strings.Contains(got[0].Activity["object"].(map[string]any)["content"].(string), "whole quay") {
			t.Fatalf("after an edit: %+v", got)
		}

		// Alice answers the comment by its id; the newsroom's reply to her
		// answers her Note and mentions her.
		aliceNote := p.Server.URL + "/users/alice/statuses/7"
		send(map[string]any{"id": aliceNote + "/activity", "type": "Create", "actor": p.ActorID(), "object": map[string]any{
			"id": aliceNote, "type": "Note", "attributedTo": p.ActorID(), "inReplyTo": noteID, "content": "<p>Same here.</p>",
			"to": []string{"https://www.w3.org/ns/activitystreams#Public"}}})
		rc, err := db.FindRemoteComment(ctx, aliceNote)
		if err != nil {
			t.Fatal(err)
		}
		if remote, _ := db.FindCommentByID(ctx, rc.CommentID); remote.ParentID != c.ID {
			t.Fatalf("Alice's reply hangs under %d, want %d", remote.ParentID, c.ID)
		}
		reply, err := s.talk.Reply(ctx, communique.ParseSettings(nil), admin, rc.CommentID, "Thanks, Alice.", "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		got = next()
		if len(got) != 1 || got[0].Activity["type"] != "Create" {
			t.Fatalf("after the newsroom's reply (one delivery to the shared inbox): %+v", got)
		}
		note = got[0].Activity["object"].(map[string]any)
		tags, _ := note["tag"].([]any)
		cc, _ := note["cc"].([]any)
		if note["inReplyTo"] != aliceNote || len(tags) != 1 || tags[0].(map[string]any)["href"] != p.ActorID() ||
			len(cc) != 2 || cc[1] != p.ActorID() || !strings.Contains(note["content"].(string), "mention") {
			t.Errorf("reply to Alice = %+v", note)
		}
		if reply.Status != communique.CommentApproved {
			t.Errorf("the newsroom's reply is %s", reply.Status)
		}

		// Trash is a Delete; the object is gone.
		if err := s.talk.Trash(ctx, admin, c.ID); err != nil {
			t.Fatal(err)
		}
		got = next()
		if len(got) != 1 || got[0].Activity["type"] != "Delete" {
			t.Fatalf("after trash: %+v", got)
		}
		if tomb := got[0].Activity["object"].(map[string]any); tomb["type"] != "Tombstone" || tomb["id"] != noteID {
			t.Errorf("Delete's object = %+v", tomb)
		}
		if res, _ := get(t, noteID, as2); res.StatusCode != 404 {
			t.Errorf("a trashed comment's object = %d", res.StatusCode)
		}
	})
}
