package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/storetest"
)

// TestModerationQueue: each held comment is labelled with why the rules
// held it; the queue lists newest or oldest first, and a verdict keeps
// the order; the counts answer as JSON for moderators only.
func TestModerationQueue(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		ed := n.SignIn(t, communique.RoleEditor)
		art := n.Article(t, n.Users[communique.RoleEditor], "Queue story", communique.StatusPublished)
		talk := discussion.New(n.DB, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
		talk.Now = n.Clock.Now
		st := communique.ParseSettings(map[string]string{"moderation_keys": "casino", "comment_flood_seconds": "0"})
		post := func(name, text string) *communique.Comment {
			t.Helper()
			n.Clock.Advance(time.Minute)
			c, err := talk.Post(ctx, st, discussion.Submission{ArticleID: art.ID, Author: name, Email: strings.ToLower(name) + "@example.org",
				Text: text, SkipToken: true, IP: "198.51.100.4"})
			if err != nil || c.Status != communique.CommentPending {
				t.Fatalf("post: %+v, %v", c, err)
			}
			return c
		}
		first := post("Olga", "The casino plan again?")
		second := post("Petr", "A first word from me.")
		page := ed.Get(t, "/admin/comments?status=pending")
		for _, want := range []string{`<ul class="why-held" aria-label="Why it is here"><li>word list</li></ul>`, `<li>first comment</li>`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("queue lacks %s\n%s", want, excerpt(page.Body))
			}
		}
		pos := func(body string, c *communique.Comment) int {
			return strings.Index(body, `id="c`+strconv.FormatInt(c.ID, 10)+`"`)
		}
		if p1, p2 := pos(page.Body, first), pos(page.Body, second); p1 < 0 || p2 < 0 || p2 > p1 {
			t.Errorf("newest first: positions %d, %d", p1, p2)
		}
		oldest := ed.Get(t, "/admin/comments?status=pending&order=oldest")
		if p1, p2 := pos(oldest.Body, first), pos(oldest.Body, second); p1 < 0 || p2 < 0 || p1 > p2 {
			t.Errorf("oldest first: positions %d, %d", p1, p2)
		}
		res := ed.Post(t, "/admin/comments/bulk", map[string][]string{"row": {"approve:" + strconv.FormatInt(first.ID, 10)}, "status": {"pending"}, "order": {"oldest"}})
		if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "order=oldest") {
			t.Errorf("after a verdict: %d %s", res.Status, res.Location)
		}
		counts := ed.Get(t, "/admin/comments/counts")
		var got map[string]int
		if err := json.Unmarshal([]byte(counts.Body), &got); err != nil || got["pending"] != 1 || got["approved"] != 1 {
			t.Errorf("counts: %s, %v", counts.Body, err)
		}
		if res := n.SignIn(t, communique.RoleSubscriber).Get(t, "/admin/comments/counts"); res.Status != http.StatusForbidden {
			t.Errorf("a subscriber reading counts: %d", res.Status)
		}
	})
}
