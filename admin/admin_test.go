package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

var (
	everyone    = communique.Roles
	writers     = []communique.Role{communique.RoleAdministrator, communique.RoleEditor, communique.RoleAuthor, communique.RoleContributor}
	publishers  = []communique.Role{communique.RoleAdministrator, communique.RoleEditor, communique.RoleAuthor}
	editors     = []communique.Role{communique.RoleAdministrator, communique.RoleEditor}
	onlyAdmins  = []communique.Role{communique.RoleAdministrator}
	targetCount int
)

// target builds, fresh for each request, what the request acts on, and
// returns its path and form (nil for a GET).
type target func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values)

// routeCase is one admin route of the role matrix.
type routeCase struct {
	name    string
	method  string
	allowed []communique.Role
	target  target
	// okStatus is the status when allowed: 200 for GET, 303 for POST
	// unless set.
	okStatus int
	// changes says an allowed request must change the store.
	changes bool
}

func unique(prefix string) string {
	targetCount++
	return prefix + " " + strconv.Itoa(targetCount)
}

func path(p string) target {
	return func(*testing.T, *newsroom, *communique.User) (string, url.Values) { return p, nil }
}

func id(v int64) string { return strconv.FormatInt(v, 10) }

// aZone is a new front page zone, second of two so it can move up.
func aZone(format string, form url.Values) target {
	return func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		for i := 0; i < 2; i++ {
			z := &communique.FrontZone{Kind: communique.ZoneTop, Size: 3}
			if err := n.DB.CreateFrontZone(context.Background(), z); err != nil {
				t.Fatal(err)
			}
			if i == 1 {
				return fmt.Sprintf(format, z.ID), form
			}
		}
		return "", nil
	}
}

// aMenu is a new menu of two items, at its suffix ("second" names its
// second item); with no suffix, the editor's page showing it.
func aMenu(suffix string, form url.Values) target {
	return func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		// A number as name, so its slug is one, which the matrix reads as
		// the route's {slug}.
		m := &communique.Menu{Name: strings.TrimSpace(unique("")), Items: []*communique.MenuItem{{ID: 1, Label: "One", URL: "/one/"}, {ID: 2, Label: "Two", URL: "/two/"}}}
		if err := n.DB.SaveMenu(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if suffix == "" {
			return "/admin/menus?menu=" + m.Slug, form
		}
		return "/admin/menus/" + m.Slug + strings.Replace(suffix, "second", strconv.FormatInt(m.Items[1].ID, 10), 1), form
	}
}

// aPick is a zone with two picked stories, at the first one's suffix.
func aPick(suffix string, form url.Values) target {
	return func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		a := n.Article(t, n.Olive, unique("Picked"), communique.StatusPublished)
		b := n.Article(t, n.Olive, unique("Picked"), communique.StatusPublished)
		z := &communique.FrontZone{Kind: communique.ZoneTop, Size: 3, ArticleIDs: []int64{a.ID, b.ID}}
		if err := n.DB.CreateFrontZone(context.Background(), z); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("/admin/front/zones/%d/picks/%d", z.ID, a.ID) + suffix, form
	}
}

// liveEntry is a live blog of olive's with one entry: the path is the
// article's with suffix, or with entryFormat holding the entry's ID.
func liveEntry(entryFormat, suffix string, form url.Values) target {
	return func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		ctx := context.Background()
		a := n.Article(t, n.Olive, unique("Olive's live blog"), communique.StatusPublished)
		svc := articles.New(n.DB)
		if _, err := svc.StartLiveBlog(ctx, articles.As(n.Olive), a.ID); err != nil {
			t.Fatal(err)
		}
		e := &communique.LiveEntry{ArticleID: a.ID, Source: "Traffic is stopped on the bridge."}
		if err := svc.AddLiveEntry(ctx, articles.As(n.Olive), e); err != nil {
			t.Fatal(err)
		}
		if entryFormat != "" {
			return fmt.Sprintf("/admin/posts/%d", a.ID) + fmt.Sprintf(entryFormat, e.ID), form
		}
		return fmt.Sprintf("/admin/posts/%d", a.ID) + suffix, form
	}
}

// ownArticle is an article by the signed-in user; othersArticle one by olive.
func ownArticle(st communique.Status, format string, form func(*communique.Article) url.Values) target {
	return func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		a := n.Article(t, u, unique("Own "+string(st)), st)
		return withID(format, a.ID), callForm(form, a)
	}
}

// withID puts the ID into a path format that wants one.
func withID(format string, v int64) string {
	if strings.Contains(format, "%d") {
		return fmt.Sprintf(format, v)
	}
	return format
}

func othersArticle(st communique.Status, format string, form func(*communique.Article) url.Values) target {
	return func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		a := n.Article(t, n.Olive, unique("Olive's "+string(st)), st)
		return withID(format, a.ID), callForm(form, a)
	}
}

func callForm(form func(*communique.Article) url.Values, a *communique.Article) url.Values {
	if form == nil {
		return nil
	}
	return form(a)
}

// othersRevision is the first revision of an article of olive's that has
// been saved twice since, so restoring it changes the text.
func othersRevision(format string) target {
	return func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		a := n.Article(t, n.Olive, unique("Revised"), communique.StatusDraft)
		body := "A second text."
		if _, err := articles.New(n.DB).Update(context.Background(), articles.As(n.Olive), a.ID, communique.ArticleUpdate{Source: &body}); err != nil {
			t.Fatal(err)
		}
		revs := n.Revisions(t, a.ID)
		return fmt.Sprintf(format, revs[len(revs)-1].ID), url.Values{}
	}
}

// aComment is a pending reader's comment on a published article of olive's.
func aComment(format string, form url.Values) target {
	return func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		a := n.Article(t, n.Olive, unique("Commented"), communique.StatusPublished)
		c := n.Comment(t, a, unique("A reader's remark"), communique.CommentPending)
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		for k, v := range f {
			for i := range v {
				v[i] = strings.ReplaceAll(v[i], "{id}", id(c.ID))
			}
			f[k] = v
		}
		return strings.ReplaceAll(format, "{id}", id(c.ID)), f
	}
}

// aUser is a fresh author who has an article.
func aUser(format string, form func(n *newsroom, u *communique.User) url.Values) target {
	return func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		login := strings.ReplaceAll(unique("temp"), " ", "")
		u := &communique.User{Login: login, Email: login + "@newsroom.example", Role: communique.RoleAuthor}
		if err := n.DB.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		n.Article(t, u, unique("By "+login), communique.StatusPublished)
		var f url.Values
		if form != nil {
			f = form(n, u)
		}
		return fmt.Sprintf(format, u.ID), f
	}
}

func articleForm(title, status string) url.Values {
	return url.Values{"title": {title}, "body": {"Some *Markdown* text."}, "status": {status}, "format": {"markdown"}, "tags": {"harbour"}}
}

func withStatus(status string) func(*communique.Article) url.Values {
	return func(a *communique.Article) url.Values { return articleForm(a.Title+" (saved)", status) }
}

func tomorrow(n *newsroom) (string, string) {
	return n.Clock.Now().UTC().Add(48 * time.Hour).Format("2006-01-02"), "10:00"
}

// routes is every admin route with the roles WordPress lets through.
var routes = []routeCase{
	// Pages.
	{name: "Dashboard", method: "GET", allowed: everyone, target: path("/admin/")},
	{name: "Profile", method: "GET", allowed: everyone, target: path("/admin/profile")},
	{name: "Posts", method: "GET", allowed: writers, target: path("/admin/posts")},
	{name: "PostsFiltered", method: "GET", allowed: writers, target: path("/admin/posts?status=draft&s=own")},
	{name: "Pages", method: "GET", allowed: editors, target: path("/admin/posts?type=page")},
	{name: "NewPost", method: "GET", allowed: writers, target: path("/admin/posts/new")},
	{name: "NewPage", method: "GET", allowed: editors, target: path("/admin/posts/new?type=page")},
	{name: "EditOwnDraft", method: "GET", allowed: writers, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/edit", nil)},
	{name: "EditOwnPending", method: "GET", allowed: writers, target: ownArticle(communique.StatusPending, "/admin/posts/%d/edit", nil)},
	{name: "EditOwnPublished", method: "GET", allowed: publishers, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/edit", nil)},
	{name: "EditOwnScheduled", method: "GET", allowed: publishers, target: ownArticle(communique.StatusScheduled, "/admin/posts/%d/edit", nil)},
	{name: "EditOthersDraft", method: "GET", allowed: editors, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/edit", nil)},
	{name: "EditOthersPublished", method: "GET", allowed: editors, target: othersArticle(communique.StatusPublished, "/admin/posts/%d/edit", nil)},
	{name: "RevisionsOwnDraft", method: "GET", allowed: writers, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/revisions", nil)},
	{name: "RevisionsOthers", method: "GET", allowed: editors, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/revisions", nil)},
	{name: "DiffOthers", method: "GET", allowed: editors, target: othersRevision("/admin/revisions/%d")},
	{name: "Comments", method: "GET", allowed: editors, target: path("/admin/comments")},
	{name: "CommentsSpam", method: "GET", allowed: editors, target: path("/admin/comments?status=spam")},
	{name: "CommentCounts", method: "GET", allowed: editors, target: path("/admin/comments/counts")},
	{name: "CommentEdit", method: "GET", allowed: editors, target: aComment("/admin/comments/{id}/edit", nil)},
	{name: "Users", method: "GET", allowed: onlyAdmins, target: path("/admin/users")},
	{name: "NewUser", method: "GET", allowed: onlyAdmins, target: path("/admin/users/new")},
	{name: "EditUser", method: "GET", allowed: onlyAdmins, target: aUser("/admin/users/%d", nil)},
	{name: "Settings", method: "GET", allowed: onlyAdmins, target: path("/admin/settings")},
	{name: "Privacy", method: "GET", allowed: onlyAdmins, target: path("/admin/privacy")},
	{name: "Signins", method: "GET", allowed: onlyAdmins, target: path("/admin/signins")},
	{name: "Analytics", method: "GET", allowed: writers, target: path("/admin/analytics?range=7d")},
	{name: "AnalyticsExport", method: "GET", allowed: writers, target: path("/admin/analytics/export?range=30d")},
	{name: "AnalyticsOwnArticle", method: "GET", allowed: writers, target: ownArticle(communique.StatusPublished, "/admin/analytics/articles/%d", nil)},
	{name: "AnalyticsOthersArticle", method: "GET", allowed: editors, target: othersArticle(communique.StatusPublished, "/admin/analytics/articles/%d", nil)},

	// Actions.
	{name: "CreateDraft", method: "POST", allowed: writers, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/posts/new", articleForm(unique("New draft"), "draft")
	}},
	{name: "CreatePending", method: "POST", allowed: writers, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/posts/new", articleForm(unique("For review"), "pending")
	}},
	{name: "CreatePublished", method: "POST", allowed: publishers, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/posts/new", articleForm(unique("Straight out"), "published")
	}},
	{name: "CreateScheduled", method: "POST", allowed: publishers, changes: true, target: func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		f := articleForm(unique("Later"), "scheduled")
		d, c := tomorrow(n)
		f.Set("date", d)
		f.Set("time", c)
		return "/admin/posts/new", f
	}},
	{name: "CreatePage", method: "POST", allowed: editors, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		f := articleForm(unique("A page"), "published")
		f.Set("type", "page")
		return "/admin/posts/new", f
	}},
	{name: "SaveOwnDraft", method: "POST", allowed: writers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/edit", withStatus("draft"))},
	{name: "SubmitOwnDraft", method: "POST", allowed: writers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/edit", withStatus("pending"))},
	{name: "PublishOwnDraft", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/edit", withStatus("published"))},
	{name: "PublishOwnPending", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPending, "/admin/posts/%d/edit", withStatus("published"))},
	{name: "SaveOwnPublished", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/edit", withStatus("published"))},
	{name: "UnpublishOwnPublished", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/edit", withStatus("draft"))},
	{name: "SaveOthersDraft", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/edit", withStatus("draft"))},
	{name: "SaveOthersPublished", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusPublished, "/admin/posts/%d/edit", withStatus("published"))},
	{name: "BulkPublishOwnDraft", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"publish"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkTrashOwnDraft", method: "POST", allowed: writers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"trash"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkTrashOwnPublished", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPublished, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"trash"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkTrashOthers", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusPublished, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"trash"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkRestoreOwnTrash", method: "POST", allowed: writers, changes: true, target: ownArticle(communique.StatusTrash, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"restore"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkRestoreOthers", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusTrash, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"restore"}, "ids": {id(a.ID)}}
	})},
	{name: "BulkDeleteOthers", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusDraft, "/admin/posts/bulk", func(a *communique.Article) url.Values {
		return url.Values{"action": {"delete"}, "ids": {id(a.ID)}}
	})},
	{name: "AutosaveNew", method: "POST", allowed: writers, okStatus: http.StatusOK, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/posts/autosave", url.Values{"title": {unique("Autosaved")}, "body": {"typing"}}
	}},
	{name: "AutosaveOwnDraft", method: "POST", allowed: writers, okStatus: http.StatusOK, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/autosave", func(a *communique.Article) url.Values {
		return url.Values{"title": {a.Title}, "body": {"typing more"}}
	})},
	{name: "AutosaveOthers", method: "POST", allowed: editors, okStatus: http.StatusOK, changes: true, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/autosave", func(a *communique.Article) url.Values {
		return url.Values{"title": {a.Title}, "body": {"typing over olive's shoulder"}}
	})},
	{name: "LockOwnDraft", method: "POST", allowed: writers, okStatus: http.StatusOK, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/lock", nil)},
	{name: "LockOthers", method: "POST", allowed: editors, okStatus: http.StatusOK, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/lock", nil)},
	{name: "TakeOverOthers", method: "POST", allowed: editors, target: othersArticle(communique.StatusDraft, "/admin/posts/%d/takeover", nil)},
	{name: "CorrectOwnPublished", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/notes", func(*communique.Article) url.Values {
		return url.Values{"kind": {"correction"}, "text": {"The vote was 7 to 2."}}
	})},
	{name: "UpdateOthersPublished", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusPublished, "/admin/posts/%d/notes", func(*communique.Article) url.Values {
		return url.Values{"kind": {"update"}, "text": {"The council met again."}}
	})},
	{name: "LiveDeskOwnPublished", method: "GET", allowed: publishers, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/live", nil)},
	{name: "LiveDeskOthers", method: "GET", allowed: editors, target: othersArticle(communique.StatusPublished, "/admin/posts/%d/live", nil)},
	{name: "LiveStartOwnPublished", method: "POST", allowed: publishers, changes: true, target: ownArticle(communique.StatusPublished, "/admin/posts/%d/live", func(*communique.Article) url.Values {
		return url.Values{"action": {"start"}}
	})},
	{name: "LiveEndOthers", method: "POST", allowed: editors, changes: true, target: liveEntry("", "/live", url.Values{"action": {"end"}})},
	{name: "LiveEntryOthers", method: "POST", allowed: editors, changes: true, target: liveEntry("", "/live/entries", url.Values{"source": {"The bridge is closed."}, "key_event": {"1"}})},
	{name: "LiveEntryEditOthers", method: "POST", allowed: editors, changes: true, target: liveEntry("/live/entries/%d", "", url.Values{"source": {"The bridge is open again."}})},
	{name: "LiveEntryDeleteOthers", method: "POST", allowed: editors, changes: true, target: liveEntry("/live/entries/%d/delete", "", url.Values{})},
	{name: "ReviewQueue", method: "GET", allowed: editors, target: path("/admin/review")},
	{name: "DeskNoteOwnDraft", method: "POST", allowed: writers, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/editorial-notes", func(*communique.Article) url.Values {
		return url.Values{"text": {"Checked the quotes."}}
	})},
	{name: "DeskNoteOthers", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusPending, "/admin/posts/%d/editorial-notes", func(*communique.Article) url.Values {
		return url.Values{"text": {"Needs a photo."}}
	})},
	{name: "ReturnOthersPending", method: "POST", allowed: editors, changes: true, target: othersArticle(communique.StatusPending, "/admin/posts/%d/return", func(*communique.Article) url.Values {
		return url.Values{"text": {"Add the council's answer."}}
	})},
	{name: "PreviewLinkOwnDraft", method: "POST", allowed: writers, okStatus: http.StatusOK, changes: true, target: ownArticle(communique.StatusDraft, "/admin/posts/%d/previews", func(*communique.Article) url.Values {
		return url.Values{"ttl": {"3d"}}
	})},
	{name: "PreviewRevokeOthers", method: "POST", allowed: editors, changes: true, target: func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		a := n.Article(t, n.Olive, unique("Olive's preview"), communique.StatusDraft)
		if _, _, err := articles.New(n.DB).CreatePreviewLink(context.Background(), articles.As(n.Olive), a.ID, time.Hour); err != nil {
			t.Fatal(err)
		}
		links, err := n.DB.FindPreviewLinks(context.Background(), a.ID)
		if err != nil || len(links) != 1 {
			t.Fatal(links, err)
		}
		return fmt.Sprintf("/admin/posts/%d/previews/%d/revoke", a.ID, links[0].ID), url.Values{}
	}},
	{name: "Preview", method: "POST", allowed: writers, okStatus: http.StatusOK, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/preview", url.Values{"title": {"Preview"}, "body": {"*Seen* before saving"}}
	}},
	{name: "RestoreOthersRevision", method: "POST", allowed: editors, changes: true, target: othersRevision("/admin/revisions/%d/restore")},
	{name: "BulkApprove", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/bulk", url.Values{"action": {"approve"}, "ids": {"{id}"}})},
	{name: "RowSpam", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/bulk", url.Values{"row": {"spam:{id}"}})},
	{name: "BulkDeleteComment", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/bulk", url.Values{"action": {"delete"}, "ids": {"{id}"}})},
	{name: "EditComment", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/{id}/edit", url.Values{"comment": {"Edited by the desk."}})},
	{name: "ReplyToComment", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/{id}/reply", url.Values{"comment": {"Thank you, we fixed it."}})},
	{name: "DecideReported", method: "POST", allowed: editors, changes: true, target: aComment("/admin/comments/{id}/decide", url.Values{"decision": {"trash"}, "reason": {"Abusive."}})},
	{name: "Commenter", method: "GET", allowed: editors, target: path("/admin/commenters?email=reader@mail.example")},
	{name: "CommenterNote", method: "POST", allowed: editors, changes: true, target: aComment("/admin/commenters/note", url.Values{"email": {"reader@mail.example"}, "note": {"Warned."}})},
	{name: "CommenterSuspend", method: "POST", allowed: editors, changes: true, target: aComment("/admin/commenters/standing", url.Values{"email": {"reader@mail.example"}, "standing": {"suspended"}, "days": {"2"}, "reason": {"Insults."}})},
	{name: "CommenterRemoveAll", method: "POST", allowed: editors, changes: true, target: aComment("/admin/commenters/remove", url.Values{"email": {"reader@mail.example"}})},
	{name: "ModerationLog", method: "GET", allowed: onlyAdmins, target: path("/admin/moderation-log")},
	{name: "CreateUser", method: "POST", allowed: onlyAdmins, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		login := strings.ReplaceAll(unique("new"), " ", "")
		return "/admin/users/new", url.Values{"login": {login}, "email": {login + "@newsroom.example"}, "role": {"author"}, "password": {"a long enough password"}}
	}},
	{name: "ChangeRole", method: "POST", allowed: onlyAdmins, changes: true, target: aUser("/admin/users/%d", func(n *newsroom, u *communique.User) url.Values {
		return url.Values{"display_name": {u.DisplayName}, "email": {u.Email}, "role": {"editor"}}
	})},
	{name: "ResetPassword", method: "POST", allowed: onlyAdmins, changes: true, target: aUser("/admin/users/%d", func(n *newsroom, u *communique.User) url.Values {
		return url.Values{"display_name": {u.DisplayName}, "email": {u.Email}, "role": {string(u.Role)}, "password": {"a brand new password"}}
	})},
	{name: "DeleteUser", method: "POST", allowed: onlyAdmins, changes: true, target: aUser("/admin/users/%d/delete", func(n *newsroom, u *communique.User) url.Values {
		return url.Values{"reassign": {id(n.Olive.ID)}}
	})},
	{name: "SaveSettings", method: "POST", allowed: onlyAdmins, changes: true, target: func(t *testing.T, n *newsroom, _ *communique.User) (string, url.Values) {
		return "/admin/settings", n.settingsForm(t, map[string]string{"tagline": unique("Tagline")})
	}},
	{name: "SaveProfile", method: "POST", allowed: everyone, changes: true, target: func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		return "/admin/profile", url.Values{"display_name": {unique("Name")}, "email": {u.Email}}
	}},
	{name: "EmailConfirmPage", method: "GET", allowed: everyone, target: path("/admin/profile/email?token=forged&email=new%40example.com")},
	// A forged link is refused to everyone allowed to try one: 400.
	{name: "EmailConfirm", method: "POST", allowed: everyone, okStatus: http.StatusBadRequest, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/profile/email", url.Values{"token": {"forged"}, "email": {"new@example.com"}}
	}},
	{name: "SignOutElsewhere", method: "POST", allowed: everyone, target: path("/admin/sessions/revoke")},
	{name: "CreateAppPassword", method: "POST", allowed: everyone, okStatus: http.StatusOK, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/profile/app-passwords", url.Values{"app_password_name": {unique("Program")}}
	}},
	{name: "RevokeOwnAppPassword", method: "POST", allowed: everyone, changes: true, target: func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		p := &communique.AppPassword{UserID: u.ID, Name: unique("Old program"), Hash: "$argon2id$unused"}
		if err := n.DB.CreateAppPassword(context.Background(), p); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("/admin/profile/app-passwords/%d/revoke", p.ID), nil
	}},
	{name: "PrivacyExport", method: "POST", allowed: onlyAdmins, okStatus: http.StatusOK, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/privacy/export", url.Values{"email": {"reader@mail.example"}}
	}},
	{name: "SigninsClear", method: "POST", allowed: onlyAdmins, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/signins/clear", url.Values{"account": {"user:1"}, "ip": {"192.0.2.9"}}
	}},
	{name: "FrontPageDesk", method: "GET", allowed: editors, target: path("/admin/front")},
	{name: "BreakingOn", method: "POST", allowed: editors, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/front/breaking", url.Values{"action": {"on"}, "text": {unique("Breaking")}}
	}},
	{name: "FrontZoneAdd", method: "POST", allowed: editors, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/front/zones", url.Values{"kind": {"top"}, "size": {"3"}, "title": {unique("Zone")}}
	}},
	{name: "FrontZoneSave", method: "POST", allowed: editors, changes: true, target: aZone("/admin/front/zones/%d", url.Values{"size": {"5"}, "title": {"Retitled"}})},
	{name: "FrontZoneMove", method: "POST", allowed: editors, changes: true, target: aZone("/admin/front/zones/%d/move", url.Values{"move": {"up"}})},
	{name: "FrontZoneDelete", method: "POST", allowed: editors, changes: true, target: aZone("/admin/front/zones/%d/delete", nil)},
	{name: "FrontPick", method: "POST", allowed: editors, changes: true, target: func(t *testing.T, n *newsroom, u *communique.User) (string, url.Values) {
		p, _ := aZone("/admin/front/zones/%d/pick", nil)(t, n, u)
		return p, url.Values{"article": {id(n.Article(t, n.Olive, unique("Pick me"), communique.StatusPublished).ID)}}
	}},
	{name: "FrontPickMove", method: "POST", allowed: editors, changes: true, target: aPick("/move", url.Values{"move": {"down"}})},
	{name: "FrontPickRemove", method: "POST", allowed: editors, changes: true, target: aPick("/remove", nil)},
	{name: "MenuEditor", method: "GET", allowed: editors, target: aMenu("", nil)},
	{name: "MenuCreate", method: "POST", allowed: editors, changes: true, target: func(*testing.T, *newsroom, *communique.User) (string, url.Values) {
		return "/admin/menus", url.Values{"name": {unique("Menu")}}
	}},
	{name: "MenuLocation", method: "POST", allowed: editors, changes: true, target: aMenu("/location", url.Values{"location": {"primary"}})},
	{name: "MenuItemAdd", method: "POST", allowed: editors, changes: true, target: aMenu("/items", url.Values{"kind": {"custom"}, "label": {"Tips"}, "url": {"/tips/"}})},
	{name: "MenuItemMove", method: "POST", allowed: editors, changes: true, target: aMenu("/items/second/move", url.Values{"move": {"up"}})},
	{name: "MenuItemRemove", method: "POST", allowed: editors, changes: true, target: aMenu("/items/second/remove", nil)},
	{name: "PrivacyErase", method: "POST", allowed: onlyAdmins, okStatus: http.StatusOK, changes: true, target: aComment("/admin/privacy/erase", url.Values{"email": {"reader@mail.example"}, "mode": {"delete"}})},
}

// TestRoleMatrix signs in as each role and tries every admin route: an
// allowed one answers 200 or 303 (and an action changes the store), a
// forbidden one answers 403 with the "not allowed" page and changes
// nothing. GET requests never change anything.
func TestRoleMatrix(t *testing.T) {
	seen := map[string]bool{}
	defer func() {
		if !t.Failed() {
			checkCoverage(t, seen)
		}
	}()
	storetest.ForEachKind(t, func(t *testing.T, kind storetest.Kind) {
		for _, role := range communique.Roles {
			t.Run(string(role), func(t *testing.T) {
				n := newNewsroom(t, kind.Fresh(t))
				a := n.SignIn(t, role)
				u := n.Users[role]
				for _, rc := range routes {
					t.Run(rc.name, func(t *testing.T) {
						p, form := rc.target(t, n, u)
						seen[patternOf(rc.method, p)] = true
						before := n.Snapshot(t)
						var res response
						if rc.method == http.MethodGet {
							res = a.Get(t, p)
						} else {
							res = a.Post(t, p, form)
						}
						after := n.Snapshot(t)
						allowed := slices.Contains(rc.allowed, role)
						want := http.StatusForbidden
						if allowed {
							want = rc.okStatus
							if want == 0 {
								want = map[string]int{"GET": http.StatusOK, "POST": http.StatusSeeOther}[rc.method]
							}
						}
						if res.Status != want {
							t.Fatalf("%s %s as %s: status %d, want %d (message %q)\n%s", rc.method, p, role, res.Status, want, res.Message(), excerpt(res.Body))
						}
						switch {
						case !allowed:
							if !strings.Contains(res.Body, "<h1>Not allowed</h1>") || !strings.Contains(res.Message(), "Your role ("+string(role)+") does not allow this") {
								t.Errorf("the 403 page does not say why: %q", res.Message())
							}
							if after != before {
								t.Errorf("a forbidden %s %s changed the store:\n%s", rc.method, p, diffLines(before, after))
							}
						case rc.method == http.MethodGet || !rc.changes:
							if after != before {
								t.Errorf("%s %s changed the store:\n%s", rc.method, p, diffLines(before, after))
							}
						case rc.changes && after == before:
							t.Errorf("an allowed %s %s changed nothing (Location %q)", rc.method, p, res.Location)
						}
						if res.Status == http.StatusSeeOther && !strings.HasPrefix(res.Location, "/admin/") {
							t.Errorf("redirected to %q, want a newsroom page", res.Location)
						}
					})
				}
			})
		}
	})
}

// routePatterns reads the method and path patterns the admin registers
// from its source files, so a new route without a row fails the matrix.
func routePatterns(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range patternRE.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
	}
	return out
}

var (
	patternRE  = regexp.MustCompile(`(?:auth|mux\.HandleFunc|mux\.Handle)\("((?:GET|POST|PUT|PATCH|DELETE) /admin/[^"]*)"`)
	wildcardRE = regexp.MustCompile(`\{[^}]*\}`)
	numberRE   = regexp.MustCompile(`/[0-9]+(/|$)`)
)

// patternOf turns a request into the pattern it exercises:
// "POST /admin/posts/12/edit?x" becomes "POST /admin/posts/{}/edit".
func patternOf(method, p string) string {
	p, _, _ = strings.Cut(p, "?")
	for numberRE.MatchString(p) {
		p = numberRE.ReplaceAllString(p, "/{}$1")
	}
	return method + " " + p
}

// checkCoverage fails for each registered route no row exercised.
// Routes outside the role matrix are exempt: the sign-in form and its
// post, static files and signing out, each tested on its own.
func checkCoverage(t *testing.T, seen map[string]bool) {
	t.Helper()
	exempt := map[string]bool{"GET /admin/login": true, "POST /admin/login": true, "GET /admin/static/{}": true, "POST /admin/logout": true}
	patterns := routePatterns(t)
	if len(patterns) < 20 {
		t.Fatalf("found only %d routes in the admin's source: %q", len(patterns), patterns)
	}
	for _, p := range patterns {
		norm := wildcardRE.ReplaceAllString(strings.ReplaceAll(p, "{$}", ""), "{}")
		// The media library's routes, built beside this matrix, check
		// their roles in media_test.go (TestMediaLibrary).
		if strings.HasPrefix(norm, "GET /admin/media") || strings.HasPrefix(norm, "POST /admin/media") {
			continue
		}
		// Notifications and webhooks need the notification service, so
		// TestNotificationRoles (notify_test.go) checks them; the
		// lost-password pages are for people without a session.
		if notifyRoute(norm) {
			continue
		}
		// The fediverse's page needs the federation service, so
		// TestFediverseFollowers (fediverse_test.go) checks its roles.
		if strings.HasPrefix(norm, "GET /admin/fediverse") || strings.HasPrefix(norm, "POST /admin/fediverse") {
			continue
		}
		if !exempt[norm] && !seen[norm] {
			t.Errorf("route %q has no row in the role matrix", p)
		}
	}
}

// diffLines shows the lines of a snapshot that differ.
func diffLines(before, after string) string {
	was := map[string]bool{}
	for _, l := range strings.Split(before, "\n") {
		was[l] = true
	}
	is := map[string]bool{}
	var b strings.Builder
	for _, l := range strings.Split(after, "\n") {
		is[l] = true
		if !was[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	for _, l := range strings.Split(before, "\n") {
		if !is[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	return b.String()
}
