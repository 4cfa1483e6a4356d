package admin_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/storetest"
)

var baseVersionRE = regexp.MustCompile(`name="base_version" value="([0-9]+)"`)

// baseVersion reads the version an editor page's form builds on.
func baseVersion(t *testing.T, page response) string {
	t.Helper()
	m := baseVersionRE.FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("the editor has no base version (status %d):\n%s", page.Status, excerpt(page.Body))
	}
	return m[1]
}

// TestEditLockAndStaleSave: the second editor to open an article sees who
// has it and since when, and may take over; a save based on the version
// they opened, after the first editor saved, is refused with both versions
// side by side and the writer's text kept; saving that merge goes through,
// and nothing either wrote is lost (both are revisions).
func TestEditLockAndStaleSave(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		edna, root := n.SignIn(t, communique.RoleEditor), n.SignIn(t, communique.RoleAdministrator)
		art := n.Article(t, n.Users[communique.RoleAuthor], "Harbour vote", communique.StatusPublished)

		first := edna.Get(t, editPath(art.ID))
		if first.Status != http.StatusOK || strings.Contains(first.Body, `id="lock-notice"`) || !strings.Contains(first.Body, ">Update</button>") {
			t.Fatalf("first editor's page: %d\n%s", first.Status, excerpt(first.Body))
		}
		n.Clock.Advance(time.Minute)
		second := root.Get(t, editPath(art.ID))
		if !strings.Contains(second.Body, `<strong>Edna</strong> is editing this article, since`) ||
			!strings.Contains(second.Body, `action="/admin/posts/`+id(art.ID)+`/takeover"`) {
			t.Fatalf("the second editor is not told of the lock:\n%s", excerpt(second.Body))
		}
		ednaBase, rootBase := baseVersion(t, first), baseVersion(t, second)

		// Edna saves first, from the version she opened.
		saved := articleForm("Harbour vote passes", "published")
		saved.Set("body", "Council voted 7 to 2.\nThe port opens in May.")
		saved.Set("base_version", ednaBase)
		if res := edna.Post(t, editPath(art.ID), saved); res.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d %q", res.Status, res.Message())
		}
		// Root's save builds on the version before Edna's: refused, shown beside hers.
		stale := articleForm("Harbour vote: what next", "published")
		stale.Set("body", "Council voted.\nRoot's paragraph on the budget.")
		stale.Set("base_version", rootBase)
		before := n.Snapshot(t)
		res := root.Post(t, editPath(art.ID), stale)
		if res.Status != http.StatusConflict {
			t.Fatalf("stale save: status %d, want 409\n%s", res.Status, excerpt(res.Body))
		}
		if after := n.Snapshot(t); after != before {
			t.Fatalf("a refused save changed the store:\n%s", diffLines(before, after))
		}
		body := html.UnescapeString(res.Body)
		for _, want := range []string{"Edna saved this article at", `id="theirs-body" tabindex="0">Council voted 7 to 2.` + "\nThe port opens in May.</pre>",
			`id="yours-body" tabindex="0">Council voted.` + "\nRoot's paragraph on the budget.</pre>", "- Council voted 7 to 2.", "+ Root's paragraph on the budget.",
			"Root's paragraph on the budget.</textarea>", `value="Harbour vote: what next"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the merge screen lacks %q", want)
			}
		}
		merged := baseVersion(t, res)
		if merged == rootBase {
			t.Fatalf("the merge screen still builds on the old version %s", merged)
		}
		// The merge: root keeps Edna's vote count and adds the budget.
		stale.Set("body", "Council voted 7 to 2.\nThe port opens in May.\nRoot's paragraph on the budget.")
		stale.Set("base_version", merged)
		if res := root.Post(t, editPath(art.ID), stale); res.Status != http.StatusSeeOther {
			t.Fatalf("merged save: %d %q", res.Status, res.Message())
		}
		got := n.FindArticle(t, art.ID)
		if !strings.Contains(got.Source, "7 to 2") || !strings.Contains(got.Source, "budget") {
			t.Errorf("after the merge: %q", got.Source)
		}
		var texts []string
		for _, r := range n.Revisions(t, art.ID) {
			texts = append(texts, r.Source)
		}
		if !strings.Contains(strings.Join(texts, "|"), "Council voted 7 to 2.\nThe port opens in May.|") {
			t.Errorf("Edna's save is not among the revisions: %q", texts)
		}

		// Take over: Edna's lock becomes root's; Edna's editor learns it.
		if res := root.Post(t, "/admin/posts/"+id(art.ID)+"/takeover", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("take over: %d %q", res.Status, res.Message())
		}
		var lock map[string]any
		res = edna.Post(t, "/admin/posts/"+id(art.ID)+"/lock", url.Values{})
		if err := json.Unmarshal([]byte(res.Body), &lock); err != nil || lock["lock_mine"] != false || lock["lock_holder"] != "Root" {
			t.Fatalf("Edna's renewal after the take-over: %d %s", res.Status, res.Body)
		}
		// A lock left alone expires: Edna opens the article freely later.
		n.Clock.Advance(communique.EditLockTTL + time.Second)
		if page := edna.Get(t, editPath(art.ID)); strings.Contains(page.Body, `id="lock-notice"`) {
			t.Errorf("an expired lock is still shown")
		}
		// Bad base versions are a clear 4xx or ignored, never a 500.
		bad := articleForm("Harbour", "published")
		bad.Set("base_version", "not a number")
		if res := edna.Post(t, editPath(art.ID), bad); res.Status >= 500 {
			t.Errorf("a malformed base version: %d", res.Status)
		}
	})
}

// TestAutosaveLeavesPublishedAlone: autosaving a published article keeps
// the reader's version as it is until "Update", per user.
func TestAutosaveLeavesPublishedAlone(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		edna := n.SignIn(t, communique.RoleEditor)
		art := n.Article(t, n.Users[communique.RoleEditor], "Live story", communique.StatusPublished)
		res := edna.Post(t, "/admin/posts/"+id(art.ID)+"/autosave", url.Values{"title": {"Live story"}, "body": {"Half-written correction"}})
		if res.Status != http.StatusOK {
			t.Fatalf("autosave: %d %s", res.Status, res.Body)
		}
		if got := n.FindArticle(t, art.ID); got.Source != art.Source || got.Version != art.Version || got.Status != communique.StatusPublished {
			t.Fatalf("an autosave changed the published article: %q v%d", got.Source, got.Version)
		}
		if page := edna.Get(t, editPath(art.ID)); !strings.Contains(page.Body, "There is an autosave") {
			t.Errorf("the editor does not offer the autosave")
		}
	})
}

// TestCorrections: the editor of a published article adds a correction
// and an update, dated, listed in the editor and the revision history; a
// refused note comes back with its text and reason; drafts offer none.
func TestCorrections(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		edna := n.SignIn(t, communique.RoleEditor)
		art := n.Article(t, n.Users[communique.RoleAuthor], "Harbour vote", communique.StatusPublished)
		notes := "/admin/posts/" + id(art.ID) + "/notes"
		res := edna.Post(t, notes, url.Values{"kind": {"correction"}, "text": {"The vote was 7 to 2, not 6 to 3."}})
		if res.Status != http.StatusSeeOther || res.Location != editPath(art.ID)+"?done=correction#notes" {
			t.Fatalf("add a correction: %d %q %q", res.Status, res.Location, res.Message())
		}
		n.Clock.Advance(time.Minute)
		if res := edna.Post(t, notes, url.Values{"kind": {"update"}, "text": {"The port opens in May."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("add an update: %d %q", res.Status, res.Message())
		}
		page := edna.Get(t, editPath(art.ID))
		body := html.UnescapeString(page.Body)
		if !strings.Contains(body, "<strong>Correction</strong>") || !strings.Contains(body, ": The vote was 7 to 2, not 6 to 3.</p>") ||
			!strings.Contains(body, "<strong>Update</strong>") || !strings.Contains(body, ">Add a correction</button>") {
			t.Errorf("the editor does not list the notes:\n%s", excerpt(page.Body))
		}
		if revs := html.UnescapeString(edna.Get(t, "/admin/posts/"+id(art.ID)+"/revisions").Body); !strings.Contains(revs, "<td>correction</td><td>The vote was 7 to 2, not 6 to 3.</td>") {
			t.Errorf("the revision history lacks the correction")
		}
		before := n.Snapshot(t)
		res = edna.Post(t, notes, url.Values{"kind": {"update"}, "text": {strings.Repeat("long ", 500)}})
		if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "A note is at most 2000 characters.") || !strings.Contains(res.Body, "long long long") {
			t.Errorf("a too long note: %d\n%s", res.Status, excerpt(res.Body))
		}
		if res := edna.Post(t, notes, url.Values{"kind": {"retraction"}, "text": {"x"}}); res.Status != http.StatusBadRequest {
			t.Errorf("an unknown kind: %d", res.Status)
		}
		if after := n.Snapshot(t); after != before {
			t.Errorf("refused notes changed the store:\n%s", diffLines(before, after))
		}
		draft := n.Article(t, n.Users[communique.RoleEditor], "Not yet", communique.StatusDraft)
		if page := edna.Get(t, editPath(draft.ID)); strings.Contains(page.Body, "Add a correction") {
			t.Error("a draft offers corrections")
		}
		if res := edna.Post(t, "/admin/posts/"+id(draft.ID)+"/notes", url.Values{"kind": {"correction"}, "text": {"x"}}); res.Status != http.StatusBadRequest {
			t.Errorf("a correction on a draft: %d", res.Status)
		}
	})
}

// TestReviewAndHandover: a contributor submits; the editor finds it in the
// review queue, leaves an internal note and returns it with a note the
// contributor then reads in the editor; the contributor makes a preview
// link, shown once, and revokes it.
func TestReviewAndHandover(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		connie, edna := n.SignIn(t, communique.RoleContributor), n.SignIn(t, communique.RoleEditor)
		artID := savedID(t, connie.Post(t, "/admin/posts/new", articleForm("Marina plans", "pending")), "submitted")
		queue := edna.Get(t, "/admin/review")
		if queue.Status != http.StatusOK || !strings.Contains(queue.Body, `<a href="/admin/posts/`+id(artID)+`/edit">Marina plans</a>`) {
			t.Fatalf("the review queue: %d\n%s", queue.Status, excerpt(queue.Body))
		}
		if res := connie.Get(t, "/admin/review"); res.Status != http.StatusForbidden {
			t.Errorf("a contributor sees the review queue: %d", res.Status)
		}
		if res := edna.Post(t, "/admin/posts/"+id(artID)+"/editorial-notes", url.Values{"text": {"Legal has read it."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("internal note: %d %q", res.Status, res.Message())
		}
		if res := edna.Post(t, "/admin/posts/"+id(artID)+"/return", url.Values{"text": {""}}); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Say what the writer should change.") {
			t.Errorf("a return without a note: %d", res.Status)
		}
		if res := edna.Post(t, "/admin/posts/"+id(artID)+"/return", url.Values{"text": {"Ask the harbour master."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("return: %d %q", res.Status, res.Message())
		}
		if got := n.FindArticle(t, artID); got.Status != communique.StatusDraft {
			t.Fatalf("after the return: %s", got.Status)
		}
		page := html.UnescapeString(connie.Get(t, editPath(artID)).Body)
		if !strings.Contains(page, "<strong>Edna</strong>") || !strings.Contains(page, ": Returned: Ask the harbour master.</p>") || !strings.Contains(page, ": Legal has read it.</p>") {
			t.Errorf("the writer does not see the desk's notes:\n%s", excerpt(page))
		}
		res := connie.Post(t, "/admin/posts/"+id(artID)+"/previews", url.Values{"ttl": {"7d"}})
		m := regexp.MustCompile(`id="new-preview-url">(http://[^<]+/preview/[A-Za-z0-9_-]{32})<`).FindStringSubmatch(res.Body)
		if res.Status != http.StatusOK || m == nil {
			t.Fatalf("make a preview link: %d\n%s", res.Status, excerpt(res.Body))
		}
		if again := connie.Get(t, editPath(artID)); strings.Contains(again.Body, m[1]) || !strings.Contains(again.Body, "/revoke") {
			t.Errorf("the link is shown again, or cannot be revoked")
		}
		if res := connie.Post(t, "/admin/posts/"+id(artID)+"/previews", url.Values{"ttl": {"forever"}}); res.Status != http.StatusBadRequest {
			t.Errorf("a link for ever: %d", res.Status)
		}
	})
}
