package activitypub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"communique"
	"communique/activitypub/aptest"
	"communique/sqlstore"
	"communique/storetest"
)

// fixture reads testdata/fixtures/name, an activity in the shape a
// Mastodon, Misskey or Pleroma server sends, with the peer's, the
// author's and the article's addresses put in.
func fixture(t *testing.T, name string, vars map[string]string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for k, v := range vars {
		text = strings.ReplaceAll(text, "{{"+k+"}}", v)
	}
	var act map[string]any
	if err := json.Unmarshal([]byte(text), &act); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return act
}

// TestFixtures sends what other servers send, in their own shapes, and
// checks what each did to the site.
func TestFixtures(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		p := aptest.NewPeer(t)
		a := s.publish(t, "Harbour freezes")
		st := communique.ParseSettings(map[string]string{"site_url": s.srv.URL})
		vars := map[string]string{"PEER": p.Server.URL, "ACTOR": p.ActorID(), "AUTHOR": s.srv.URL + "/author/ada/",
			"ARTICLE": s.srv.URL + communique.ArticlePath(a, st, nil)}
		comment := func(objectID string) *communique.Comment {
			t.Helper()
			rc, err := db.FindRemoteComment(ctx, objectID)
			if err != nil {
				t.Fatalf("%s is no comment: %v", objectID, err)
			}
			c, err := db.FindCommentByID(ctx, rc.CommentID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		steps := []struct {
			file  string
			check func(t *testing.T)
		}{
			{"mastodon-follow.json", func(t *testing.T) {
				if list, _ := db.FindFollowers(ctx, "user:"+itoa(s.author.ID)); len(list) != 1 || list[0].SharedInbox != p.Server.URL+"/inbox" {
					t.Errorf("followers = %+v", list)
				}
			}},
			{"mastodon-create-note.json", func(t *testing.T) {
				c := comment(p.Server.URL + "/users/alice/statuses/111")
				if c.ArticleID != a.ID || !strings.Contains(c.HTML, "The ice reached the") || !strings.Contains(c.HTML, `href="`+p.Server.URL+`/tags/harbour"`) {
					t.Errorf("Mastodon reply = %+v", c)
				}
			}},
			{"mastodon-update-note.json", func(t *testing.T) {
				if c := comment(p.Server.URL + "/users/alice/statuses/111"); !strings.Contains(c.HTML, "by eleven") {
					t.Errorf("after Update: %s", c.HTML)
				}
			}},
			{"misskey-create-note.json", func(t *testing.T) {
				if c := comment(p.Server.URL + "/notes/9ms2x1"); !strings.Contains(c.HTML, "skating season!") {
					t.Errorf("Misskey reply: %s", c.HTML)
				}
			}},
			{"pleroma-create-note.json", func(t *testing.T) {
				if c := comment(p.Server.URL + "/objects/6a1f"); !strings.Contains(c.HTML, "is thick<br") {
					t.Errorf("Pleroma reply: %s", c.HTML)
				}
			}},
			{"mastodon-like.json", nil},
			{"misskey-like.json", nil},
			{"mastodon-announce.json", func(t *testing.T) {
				// Mastodon's and Misskey's likes come from the same actor: once.
				if n, _ := db.CountRemoteReactions(ctx, a.ID); n[communique.ReactionLike] != 1 || n[communique.ReactionAnnounce] != 1 {
					t.Errorf("reactions = %v", n)
				}
			}},
			{"mastodon-flag.json", nil}, // names the author and the article, no comment: nothing to report
			{"mastodon-delete.json", func(t *testing.T) {
				if c := comment(p.Server.URL + "/users/alice/statuses/111"); c.Status != communique.CommentTrash {
					t.Errorf("after Delete: %s", c.Status)
				}
			}},
			{"mastodon-undo-follow.json", func(t *testing.T) {
				if list, _ := db.FindFollowers(ctx, ""); len(list) != 0 {
					t.Errorf("followers after Undo = %+v", list)
				}
			}},
		}
		for _, step := range steps {
			t.Run(strings.TrimSuffix(step.file, ".json"), func(t *testing.T) {
				if res := p.Post(t, s.srv.URL+"/activitypub/inbox", fixture(t, step.file, vars), nil); res.StatusCode != http.StatusAccepted {
					t.Fatalf("answered %s", res.Status)
				}
				for {
					n, err := s.fed.ProcessInbox(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if n == 0 {
						break
					}
				}
				if step.check != nil {
					step.check(t)
				}
			})
		}
	})
}

// TestHostileActors: servers whose actor documents lie about the key are
// refused, whatever the signature says, and nothing is queued.
func TestHostileActors(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		s.publish(t, "Harbour freezes")
		tests := []struct {
			name   string
			mutate func(doc map[string]any) any
		}{
			{"KeyOwnedBySomeoneElse", func(doc map[string]any) any {
				doc["publicKey"].(map[string]string)["owner"] = "https://elsewhere.example/users/mallory"
				return doc
			}},
			{"OtherKeyID", func(doc map[string]any) any {
				doc["publicKey"].(map[string]string)["id"] = doc["id"].(string) + "#another-key"
				return doc
			}},
			{"DocumentFromAnotherHost", func(doc map[string]any) any {
				doc["id"] = "https://elsewhere.example/users/alice"
				return doc
			}},
			{"Oversized", func(doc map[string]any) any {
				doc["summary"] = strings.Repeat("ice ", 300_000)
				return doc
			}},
			{"NotAnObject", func(map[string]any) any { return "<html>hello</html>" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := aptest.NewPeer(t)
				p.ActorDocument = tt.mutate
				follow := map[string]any{"id": p.Server.URL + "/follows/1", "type": "Follow", "actor": p.ActorID(), "object": s.srv.URL + "/"}
				if res := p.Post(t, s.srv.URL+"/activitypub/inbox", follow, nil); res.StatusCode != http.StatusUnauthorized {
					t.Errorf("status = %d, want 401", res.StatusCode)
				}
			})
		}
		if n, err := s.fed.ProcessInbox(ctx); err != nil || n != 0 {
			t.Errorf("queued %d, %v", n, err)
		}
	})
}
