package admin_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// TestDashboard checks, on one newsroom per store (each costs seconds on
// a busy machine), that the dashboard counts articles and pages apart
// and shows what needs attention to those whose work it is; that times
// are shown in the site's time zone; and that moderation shows which
// comment a reply answers and narrows to one article.
func TestDashboard(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		n.Set(t, "timezone", "Asia/Kathmandu") // UTC+5:45: no date shown in UTC can pass for it
		edna := n.Users[communique.RoleEditor]
		ferry := n.Article(t, edna, "Ferry timetable", communique.StatusPublished)
		n.Article(t, edna, "Harbour walls", communique.StatusPublished)
		n.Article(t, edna, "Fish market", communique.StatusPublished)
		n.Article(t, edna, "Half-written tide tables", communique.StatusDraft)
		storm := n.Article(t, edna, "Storm season outlook", communique.StatusScheduled)
		for _, p := range []struct {
			title string
			st    communique.Status
		}{{"About us", communique.StatusPublished}, {"Contact", communique.StatusPublished}, {"Jobs", communique.StatusDraft}} {
			pg := &communique.Article{Type: communique.TypePage, Title: p.title, Source: "x", AuthorID: edna.ID, Status: p.st}
			if err := articles.New(n.DB).Create(context.Background(), articles.System, pg, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		first := n.Comment(t, ferry, "The early ferry has left late every morning this week, and nobody at the pier says why", communique.CommentApproved)
		reply := replyTo(t, n, first, "Held reply about the ferry")
		n.Comment(t, ferry, "Another held remark", communique.CommentPending)
		a := n.SignIn(t, communique.RoleEditor)
		kathmandu, _ := time.LoadLocation("Asia/Kathmandu")
		inZone := func(at time.Time) string { return at.In(kathmandu).Format("2006-01-02 15:04") + " &#43;0545" }

		t.Run("Counts", func(t *testing.T) {
			page := a.Get(t, "/admin/")
			for _, want := range []string{
				// Articles and pages apart: 3 + 2 published, not "5 published".
				`<a href="/admin/posts?status=published">3 published</a>`,
				`<a href="/admin/posts?type=page&amp;status=published">2 published</a>`,
				`<a href="/admin/posts?status=draft">1 draft</a>`,
				`<a href="/admin/posts?type=page&amp;status=draft">1 draft</a>`,
				// Needs attention.
				"2 comments await moderation", "Held reply about the ferry", "Another held remark", "(a reply)",
				`<a href="/admin/comments?status=pending&amp;post=` + strconv.FormatInt(ferry.ID, 10) + `">Ferry timetable</a>`,
				"1 article is scheduled", "Storm season outlook", "publishes " + inZone(storm.PublishedAt),
				"Recent comments", "The early ferry has left late",
				"Half-written tide tables",
			} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("dashboard lacks %q\n%s", want, excerpt(page.Body))
				}
			}
			if strings.Contains(page.Body, " UTC") {
				t.Errorf("dashboard shows a date in UTC, not the site's zone")
			}
		})

		t.Run("DatesInSiteZone", func(t *testing.T) {
			edit := "/admin/posts/" + strconv.FormatInt(ferry.ID, 10)
			when := ferry.PublishedAt.In(kathmandu)
			for path, want := range map[string][]string{
				"/admin/posts":      {inZone(ferry.PublishedAt)},
				edit + "/edit":      {`value="` + when.Format("2006-01-02") + `"`, `value="` + when.Format("15:04") + `"`, "Asia/Kathmandu", ">1 revision<"},
				edit + "/revisions": {" &#43;0545"},
				"/admin/comments":   {" &#43;0545"},
			} {
				page := a.Get(t, path)
				for _, w := range want {
					if !strings.Contains(page.Body, w) {
						t.Errorf("%s lacks %q\n%s", path, w, excerpt(page.Body))
					}
				}
				if strings.Contains(page.Body, " UTC<") {
					t.Errorf("%s shows a time in UTC", path)
				}
			}
		})

		t.Run("ModerationContext", func(t *testing.T) {
			bridge := n.Article(t, edna, "Bridge repairs", communique.StatusPublished)
			other := n.Comment(t, bridge, "Held remark on the bridge", communique.CommentPending)
			all := a.Get(t, "/admin/comments")
			for _, want := range []string{"In reply to Reader:", "The early ferry has left late every morning this week", "Held remark on the bridge"} {
				if !strings.Contains(all.Body, want) {
					t.Errorf("moderation list lacks %q\n%s", want, excerpt(all.Body))
				}
			}
			if n := strings.Count(all.Body, "In reply to"); n != 1 {
				t.Errorf("%d comments shown as replies, want 1", n)
			}
			page := a.Get(t, "/admin/comments?status=pending&post="+strconv.FormatInt(ferry.ID, 10))
			if !strings.Contains(page.Body, "Held reply") || strings.Contains(page.Body, "Held remark on the bridge") ||
				!strings.Contains(page.Body, "Only the comments on") {
				t.Errorf("the list narrowed to the ferry article:\n%s", excerpt(page.Body))
			}
			res := a.Post(t, "/admin/comments/bulk", url.Values{"status": {"pending"}, "post": {strconv.FormatInt(ferry.ID, 10)},
				"row": {"approve:" + strconv.FormatInt(reply.ID, 10)}})
			if loc, _ := url.Parse(res.Location); loc == nil || loc.Query().Get("post") != strconv.FormatInt(ferry.ID, 10) {
				t.Errorf("after moderating, back to %q, want the narrowed list", res.Location)
			}
			if c := n.FindComment(t, reply.ID); c.Status != communique.CommentApproved {
				t.Errorf("reply is %s, want approved", c.Status)
			}
			if c := n.FindComment(t, other.ID); c.Status != communique.CommentPending {
				t.Errorf("the other article's comment is %s, want pending", c.Status)
			}
			if page := a.Get(t, "/admin/comments?post=999999"); page.Status != 404 {
				t.Errorf("an unknown article: %d, want 404", page.Status)
			}
		})

		t.Run("Author", func(t *testing.T) {
			// An author writes but does not moderate: no comments, no pages.
			author := n.SignIn(t, communique.RoleAuthor).Get(t, "/admin/")
			for _, absent := range []string{"Another held remark", "await moderation", "Recent comments", "type=page"} {
				if strings.Contains(author.Body, absent) {
					t.Errorf("an author's dashboard shows %q", absent)
				}
			}
			// The scheduled story is an editor's: an embargo is the desk's,
			// not every writer's (one rule, ArticleFilter.VisibleTo).
			if strings.Contains(author.Body, "Storm season outlook") {
				t.Errorf("an author's dashboard shows an editor's scheduled article")
			}
		})
	})
}

// replyTo stores a held reply to parent.
func replyTo(tb testing.TB, n *newsroom, parent *communique.Comment, text string) *communique.Comment {
	tb.Helper()
	c := &communique.Comment{ArticleID: parent.ArticleID, ParentID: parent.ID, AuthorName: "Replier", AuthorEmail: "replier@mail.example",
		AuthorIP: "203.0.113.10", Text: text, HTML: "<p>" + text + "</p>", Status: communique.CommentPending}
	if err := n.DB.CreateComment(context.Background(), c); err != nil {
		tb.Fatalf("create reply: %v", err)
	}
	return c
}
