package activitypub_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"communique"
	"communique/activitypub/aptest"
	"communique/outbound"
	"communique/sqlstore"
	"communique/storetest"
)

// TestRemoteAvatars: a fediverse author's icon is fetched once when
// their reply arrives, checked, made a 96×96 PNG and served by the site
// itself, and the article's page points at the site's copy, never at the
// other server; another reply does not fetch it again. Icons that are
// not images, too large, or on a private address (the production
// client) give no avatar, and the reply still arrives with the site's
// own.
func TestRemoteAvatars(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		s := newSite(t, db)
		a := s.publish(t, "Harbour freezes")
		st := communique.ParseSettings(map[string]string{"site_url": s.srv.URL})
		pageURL := s.srv.URL + communique.ArticlePath(a, st, nil)
		admin := storetest.MustCreateUser(t, db, "root", communique.RoleAdministrator)
		n := 0
		reply := func(t *testing.T, p *aptest.Peer) *communique.Comment {
			t.Helper()
			n++
			id := p.Server.URL + "/statuses/" + itoa(int64(n))
			act := map[string]any{"id": id + "/activity", "type": "Create", "actor": p.ActorID(), "object": map[string]any{
				"id": id, "type": "Note", "attributedTo": p.ActorID(), "inReplyTo": pageURL, "content": "<p>Reply " + itoa(int64(n)) + "</p>"}}
			if res := p.Post(t, s.srv.URL+"/activitypub/inbox", act, nil); res.StatusCode != http.StatusAccepted {
				t.Fatalf("Create answered %s", res.Status)
			}
			if _, err := s.fed.ProcessInbox(ctx); err != nil {
				t.Fatal(err)
			}
			rc, err := db.FindRemoteComment(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.talk.Approve(ctx, admin, rc.CommentID); err != nil {
				t.Fatal(err)
			}
			c, _ := db.FindCommentByID(ctx, rc.CommentID)
			return c
		}
		avatarOf := func(t *testing.T, p *aptest.Peer, c *communique.Comment) string {
			t.Helper()
			_, body := get(t, pageURL, "text/html")
			if strings.Contains(body, `src="`+p.Server.URL) {
				t.Errorf("the page loads something from the other server")
			}
			i := strings.Index(body, `id="comment-`+itoa(c.ID)+`"`)
			if i < 0 {
				t.Fatalf("comment %d is not on the page", c.ID)
			}
			return regexp.MustCompile(`<img class="avatar" src="([^"]+)"`).FindStringSubmatch(body[i:])[1]
		}

		good := newPeer(t)
		first := reply(t, good)
		src := avatarOf(t, good, first)
		if !strings.HasPrefix(src, "/fediverse/avatars/") {
			t.Fatalf("avatar = %s, want the site's copy", src)
		}
		res, body := get(t, s.srv.URL+src, "")
		img, err := png.Decode(bytes.NewReader([]byte(body)))
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 96 {
			t.Fatalf("served avatar: %d %s %v", res.StatusCode, res.Header.Get("Content-Type"), err)
		}
		reply(t, good)
		if n := good.IconFetches.Load(); n != 1 {
			t.Errorf("icon fetched %d times, want once", n)
		}
		if res, _ := get(t, s.srv.URL+"/fediverse/avatars/0123456789abcdef", ""); res.StatusCode != 404 {
			t.Errorf("unknown avatar = %d", res.StatusCode)
		}

		for _, bad := range []struct {
			name string
			icon []byte
		}{
			{"NotAnImage", []byte("<html><script>alert(1)</script></html>")},
			{"TooLarge", aptest.PNG(5000, 5000)},
			{"OverOneMiB", append(aptest.PNG(10, 10), make([]byte, 1<<20)...)},
		} {
			t.Run(bad.name, func(t *testing.T) {
				p := newPeer(t)
				p.SetIcon(bad.icon)
				c := reply(t, p)
				if src := avatarOf(t, p, c); !strings.HasPrefix(src, "/avatar/") {
					t.Errorf("avatar = %s, want the site's own", src)
				}
				if p.IconFetches.Load() != 1 {
					t.Errorf("icon fetched %d times", p.IconFetches.Load())
				}
			})
		}

		// A new icon on a private address is refused by the production
		// client; the picture kept stays.
		t.Run("PrivateAddressRefused", func(t *testing.T) {
			p := newPeer(t)
			reply(t, p) // its key is fetched by the test's client, which allows loopback
			s.fed.HTTP = outbound.NewClient(outbound.Policy{})
			defer func() { s.fed.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true}) }()
			// The actor names a new icon: due to be fetched again.
			ra, err := db.FindRemoteActor(ctx, p.ActorID())
			if err != nil {
				t.Fatal(err)
			}
			ra.IconURL += "?v=2"
			if err := db.SaveRemoteActor(ctx, ra); err != nil {
				t.Fatal(err)
			}
			fetches := p.IconFetches.Load()
			c := reply(t, p)
			if p.IconFetches.Load() != fetches {
				t.Error("the production client reached a loopback address")
			}
			if src := avatarOf(t, p, c); !strings.HasPrefix(src, "/fediverse/avatars/") {
				t.Errorf("avatar = %s", src)
			}
		})
	})
}
