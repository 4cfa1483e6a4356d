package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

// TestCommenterRecord: a moderator reads a commenter's history, writes a
// note, suspends them for a day (a refused form keeps what was typed),
// and an administrator reads it all in the moderation log.
func TestCommenterRecord(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		art := n.Article(t, n.Users[communique.RoleEditor], "Bridge tolls", communique.StatusPublished)
		other := n.Article(t, n.Users[communique.RoleEditor], "Ferry fares", communique.StatusPublished)
		n.Comment(t, art, "Tolls are theft", communique.CommentApproved)
		n.Comment(t, other, "Fares are theft too", communique.CommentPending)
		ed := n.SignIn(t, communique.RoleEditor)
		record := "/admin/commenters?email=" + url.QueryEscape("Reader@Mail.example")
		page := ed.Get(t, record)
		for _, want := range []string{"Commenter reader@mail.example", "2 comments: 1 approved, 1 pending", "Tolls are theft", "on Ferry fares", "No standing set"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the record lacks %q\n%s", want, excerpt(page.Body))
			}
		}
		if res := n.SignIn(t, communique.RoleAuthor).Get(t, record); res.Status != http.StatusForbidden {
			t.Errorf("an author reads a commenter record: %d", res.Status)
		}
		if res := ed.Post(t, "/admin/commenters/note", url.Values{"email": {"reader@mail.example"}, "note": {"Second warning sent."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("note: %d", res.Status)
		}
		t.Run("ErrSuspensionWithoutReasonKeepsTheForm", func(t *testing.T) {
			res := ed.Post(t, "/admin/commenters/standing", url.Values{"email": {"reader@mail.example"}, "standing": {"suspended"}, "days": {"3"}, "reason": {" "}})
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Please give the reason") || !strings.Contains(res.Body, `value="3"`) {
				t.Errorf("refused suspension: %d\n%s", res.Status, excerpt(res.Body))
			}
		})
		res := ed.Post(t, "/admin/commenters/standing", url.Values{"email": {"reader@mail.example"}, "standing": {"suspended"}, "days": {"1"}, "reason": {"Name-calling."}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("suspend: %d\n%s", res.Status, excerpt(res.Body))
		}
		st, err := n.DB.FindCommenterStandings(ctx, []string{"reader@mail.example"})
		if left := time.Until(st[0].Until); err != nil || len(st) != 1 || st[0].Standing != communique.StandingSuspended || left < 23*time.Hour || left > 24*time.Hour {
			t.Fatalf("standing = %+v, %v", st, err)
		}
		page = ed.Get(t, record)
		for _, want := range []string{"Standing: <strong>suspended</strong>", "Name-calling.", "Second warning sent.", n.Users[communique.RoleEditor].Name() + " · suspended"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("the record lacks %q after the actions", want)
			}
		}
		if res := ed.Get(t, "/admin/moderation-log"); res.Status != http.StatusForbidden {
			t.Errorf("an editor reads the moderation log: %d", res.Status)
		}
		log := n.SignIn(t, communique.RoleAdministrator).Get(t, "/admin/moderation-log")
		if log.Status != http.StatusOK || !strings.Contains(log.Body, "suspended") || !strings.Contains(log.Body, "note") {
			t.Errorf("moderation log: %d\n%s", log.Status, excerpt(log.Body))
		}
	})
}
