package admin_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
)

// editPath is the editor of an article.
func editPath(id int64) string { return "/admin/posts/" + strconv.FormatInt(id, 10) + "/edit" }

// savedID reads the article ID from the redirect after a save.
var savedPattern = regexp.MustCompile(`^/admin/posts/([0-9]+)/edit\?done=([a-z]+)$`)

func savedID(t *testing.T, res response, wantDone string) int64 {
	t.Helper()
	m := savedPattern.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("save: status %d, Location %q, message %q\n%s", res.Status, res.Location, res.Message(), excerpt(res.Body))
	}
	if m[2] != wantDone {
		t.Errorf("save said %q, want %q", m[2], wantDone)
	}
	v, _ := strconv.ParseInt(m[1], 10, 64)
	return v
}

// TestFailedSaveKeepsText: a save that fails answers 400 with the form as
// it was typed, and stores nothing.
func TestFailedSaveKeepsText(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleAuthor)
		typed := url.Values{"title": {"  "}, "body": {"Paragraph one <with> & ampersand.\n\nParagraph two."},
			"excerpt": {"My excerpt"}, "tags": {"harbour, night shift"}, "status": {"draft"}, "slug": {"my-slug"}}
		check := func(t *testing.T, res response) {
			t.Helper()
			if res.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", res.Status)
			}
			for _, want := range []string{
				"Paragraph one &lt;with&gt; &amp; ampersand.\n\nParagraph two.</textarea>",
				`value="harbour, night shift"`,
				">My excerpt</textarea>",
				`value="my-slug"`,
				`role="alert"`,
			} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("the form after a failed save lacks %q\n%s", want, excerpt(res.Body))
				}
			}
			if res.Message() == "" {
				t.Error("no message says what went wrong")
			}
		}
		t.Run("New", func(t *testing.T) {
			before, _, _ := n.DB.FindArticles(context.Background(), communique.ArticleFilter{Status: allStatuses})
			check(t, a.Post(t, "/admin/posts/new", typed))
			after, _, _ := n.DB.FindArticles(context.Background(), communique.ArticleFilter{Status: allStatuses})
			if len(after) != len(before) {
				t.Errorf("a failed save stored an article")
			}
		})
		t.Run("Existing", func(t *testing.T) {
			art := n.Article(t, n.Users[communique.RoleAuthor], "Kept title", communique.StatusDraft)
			before := n.Snapshot(t)
			check(t, a.Post(t, editPath(art.ID), typed))
			if after := n.Snapshot(t); after != before {
				t.Errorf("a failed save changed the store:\n%s", diffLines(before, after))
			}
		})
		t.Run("ScheduledInThePast", func(t *testing.T) {
			f := url.Values{"title": {"Too late"}, "body": {"Body kept."}, "status": {"scheduled"},
				"date": {n.Clock.Now().Add(-48 * time.Hour).Format("2006-01-02")}, "time": {"09:00"}}
			res := a.Post(t, "/admin/posts/new", f)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "A scheduled article needs a date and time in the future.") ||
				!strings.Contains(res.Body, "Body kept.</textarea>") || !strings.Contains(res.Body, `value="Too late"`) {
				t.Fatalf("scheduling in the past: status %d\n%s", res.Status, excerpt(res.Body))
			}
		})
		t.Run("BadDate", func(t *testing.T) {
			f := url.Values{"title": {"Bad date"}, "body": {"Body kept."}, "status": {"draft"}, "date": {"31/12/2026"}}
			res := a.Post(t, "/admin/posts/new", f)
			if res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "YYYY-MM-DD") || !strings.Contains(res.Body, "Body kept.</textarea>") {
				t.Fatalf("a bad date: status %d\n%s", res.Status, excerpt(res.Body))
			}
		})
	})
}

// TestWriting saves an article through the editor with categories and
// tags created inline, and checks every save leaves a revision, the diff
// shows what changed, and restoring brings the old text back.
func TestWriting(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleEditor)
		first := "line one\nline two\nline three"
		artID := savedID(t, a.Post(t, "/admin/posts/new", url.Values{"title": {"Harbour diary"}, "body": {first},
			"excerpt": {"A diary."}, "new_categories": {"Local, Night"}, "tags": {"harbour, tides"}, "status": {"published"},
			"sticky": {"1"}, "comments_open": {"1"}}), "published")
		art := n.FindArticle(t, artID)
		var cats, tags []string
		for _, c := range art.Categories {
			cats = append(cats, c.Name)
		}
		for _, c := range art.Tags {
			tags = append(tags, c.Name)
		}
		if art.Title != "Harbour diary" || art.Source != first || art.Excerpt != "A diary." || !art.Sticky || !art.CommentsOpen ||
			art.Status != communique.StatusPublished || strings.Join(cats, ",") != "Local,Night" || strings.Join(tags, ",") != "harbour,tides" ||
			art.AuthorID != n.Users[communique.RoleEditor].ID {
			t.Fatalf("saved article = %+v, categories %q, tags %q", art, cats, tags)
		}
		if revs := n.Revisions(t, artID); len(revs) != 1 {
			t.Fatalf("revisions after the first save = %d, want 1", len(revs))
		}
		page := a.Get(t, editPath(artID)+"?done=published")
		if page.Message() != "Published." || !strings.Contains(page.Body, `value="harbour, tides"`) || !strings.Contains(page.Body, ">1 revision<") {
			t.Errorf("editor after publishing: message %q\n%s", page.Message(), excerpt(page.Body))
		}

		second := "line one\nline 2\nline three\nline four"
		form := url.Values{"title": {"Harbour diary"}, "body": {second}, "excerpt": {"A diary."}, "tags": {"harbour, tides"},
			"status": {"published"}, "comments_open": {"1"}, "sticky": {"1"}}
		for _, c := range art.Categories {
			form.Add("categories", strconv.FormatInt(c.ID, 10))
		}
		savedID(t, a.Post(t, editPath(artID), form), "published")
		revs := n.Revisions(t, artID)
		if len(revs) != 2 || revs[0].Source != second || revs[1].Source != first {
			t.Fatalf("revisions after the second save = %+v", revs)
		}
		// Saving the same text again keeps no new revision.
		savedID(t, a.Post(t, editPath(artID), form), "published")
		if got := len(n.Revisions(t, artID)); got != 2 {
			t.Errorf("an unchanged save made a revision: %d", got)
		}
		if got := n.FindArticle(t, artID); len(got.Categories) != 2 || len(got.Tags) != 2 {
			t.Errorf("re-saving lost terms: %+v %+v", got.Categories, got.Tags)
		}

		list := a.Get(t, "/admin/posts/"+id(artID)+"/revisions")
		if list.Status != http.StatusOK || strings.Count(list.Body, `href="/admin/revisions/`) != 2 {
			t.Errorf("revisions page: status %d\n%s", list.Status, excerpt(list.Body))
		}
		diff := a.Get(t, "/admin/revisions/"+id(revs[1].ID))
		diff.Body = html.UnescapeString(diff.Body)
		for _, want := range []string{
			`<span class="dsame">  line one</span>`,
			`<span class="ddel">- line two</span>`,
			`<span class="dadd">+ line 2</span>`,
			`<span class="dsame">  line three</span>`,
			`<span class="dadd">+ line four</span>`,
		} {
			if !strings.Contains(diff.Body, want) {
				t.Errorf("the diff lacks %q\n%s", want, excerpt(diff.Body))
			}
		}
		if same := a.Get(t, "/admin/revisions/"+id(revs[0].ID)); !strings.Contains(same.Body, "This revision is the same as the current text.") {
			t.Error("comparing the current revision does not say it is the same")
		}

		res := a.Post(t, "/admin/revisions/"+id(revs[1].ID)+"/restore", nil)
		if res.Status != http.StatusSeeOther || res.Location != editPath(artID)+"?done=restored" {
			t.Fatalf("restore: %d to %q", res.Status, res.Location)
		}
		if got := n.FindArticle(t, artID); got.Source != first || got.Status != communique.StatusPublished {
			t.Errorf("after restore: source %q, status %s", got.Source, got.Status)
		}
		if revs := n.Revisions(t, artID); len(revs) != 3 || revs[0].Source != first {
			t.Errorf("the restore did not leave a revision: %d", len(revs))
		}
		if res := a.Get(t, editPath(artID)+"?done=restored"); res.Message() != "Revision restored." {
			t.Errorf("flash after restore: %q", res.Message())
		}
	})
}

// autosaveReply is the JSON an autosave answers.
type autosaveReply struct {
	ID          int64  `json:"id"`
	SavedAt     string `json:"saved_at"`
	EditURL     string `json:"edit_url"`
	AutosaveURL string `json:"autosave_url"`
	Error       string `json:"error"`
}

func decodeAutosave(t *testing.T, res response) autosaveReply {
	t.Helper()
	var r autosaveReply
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("autosave: status %d, type %q\n%s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	if err := json.Unmarshal([]byte(res.Body), &r); err != nil {
		t.Fatalf("autosave reply %q: %v", res.Body, err)
	}
	return r
}

// TestAutosave: the first autosave of a new article makes it a draft, so
// closing the tab loses nothing; later ones keep the text aside, and the
// editor offers to restore it.
func TestAutosave(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleContributor)
		connie := n.Users[communique.RoleContributor]
		first := decodeAutosave(t, a.Post(t, "/admin/posts/autosave", url.Values{"title": {"Unsaved thoughts"}, "body": {"Typed, never saved."}}))
		if first.ID == 0 || first.EditURL != editPath(first.ID) || first.AutosaveURL != "/admin/posts/"+id(first.ID)+"/autosave" || first.SavedAt == "" {
			t.Fatalf("first autosave = %+v", first)
		}
		art := n.FindArticle(t, first.ID)
		if art.Status != communique.StatusDraft || art.AuthorID != connie.ID || art.Title != "Unsaved thoughts" || art.Source != "Typed, never saved." {
			t.Fatalf("the autosaved draft = %+v", art)
		}
		if page := a.Get(t, first.EditURL); page.Status != http.StatusOK || !strings.Contains(page.Body, "Typed, never saved.</textarea>") ||
			strings.Contains(page.Body, "There is an autosave") {
			t.Fatalf("editor of the autosaved draft: %d\n%s", page.Status, excerpt(page.Body))
		}

		n.Clock.Advance(time.Second)
		second := decodeAutosave(t, a.Post(t, first.AutosaveURL, url.Values{"title": {"Unsaved thoughts"}, "body": {"Typed later, still unsaved."}}))
		if second.ID != first.ID || second.EditURL != "" {
			t.Errorf("second autosave = %+v, want the same article and no new one", second)
		}
		if got := n.FindArticle(t, first.ID); got.Source != "Typed, never saved." {
			t.Errorf("an autosave changed the article itself: %q", got.Source)
		}
		page := a.Get(t, first.EditURL)
		m := regexp.MustCompile(`There is an autosave of this article[^<]*</p>\s*<form method="post" action="/admin/revisions/([0-9]+)/restore"`).FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("the editor does not offer the newer autosave:\n%s", excerpt(page.Body))
		}
		// Another user does not see connie's autosave.
		if page := n.SignIn(t, communique.RoleEditor).Get(t, first.EditURL); strings.Contains(page.Body, "There is an autosave") {
			t.Error("the editor is offered another user's autosave")
		}
		res := a.Post(t, "/admin/revisions/"+m[1]+"/restore", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("restore the autosave: %d %q", res.Status, res.Message())
		}
		if got := n.FindArticle(t, first.ID); got.Source != "Typed later, still unsaved." || got.Status != communique.StatusDraft {
			t.Errorf("after restoring the autosave: %q, %s", got.Source, got.Status)
		}
		if page := a.Get(t, first.EditURL); strings.Contains(page.Body, "There is an autosave") {
			t.Error("the autosave is still offered after it was restored")
		}
		for _, r := range n.Revisions(t, first.ID) {
			if r.Autosave {
				t.Errorf("an autosave is left after the save: %+v", r)
			}
		}
	})
}

// TestScheduling schedules an article through the editor in the site's
// time zone; it stays hidden until its time and then two nodes racing to
// publish it publish it exactly once.
func TestScheduling(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		n.Set(t, "timezone", "America/New_York")
		loc, err := time.LoadLocation("America/New_York")
		if err != nil {
			t.Fatal(err)
		}
		a := n.SignIn(t, communique.RoleAuthor)
		when := n.Clock.Now().Add(90 * time.Minute).In(loc).Truncate(time.Minute)
		form := url.Values{"title": {"The tide table"}, "body": {"High water at noon."}, "status": {"scheduled"},
			"date": {when.Format("2006-01-02")}, "time": {when.Format("15:04")}, "comments_open": {"1"}}
		artID := savedID(t, a.Post(t, "/admin/posts/new", form), "scheduled")
		art := n.FindArticle(t, artID)
		if art.Status != communique.StatusScheduled || !art.PublishedAt.Equal(when) {
			t.Fatalf("scheduled article: %s at %v, want scheduled at %v", art.Status, art.PublishedAt, when.UTC())
		}
		editor := a.Get(t, editPath(artID))
		if !strings.Contains(editor.Body, `value="`+when.Format("2006-01-02")+`"`) || !strings.Contains(editor.Body, `value="`+when.Format("15:04")+`"`) ||
			!strings.Contains(editor.Body, "(America/New_York)") {
			t.Errorf("the editor does not show the time in the site's zone:\n%s", excerpt(editor.Body))
		}
		public := n.PublicPath(t, art)
		reader := n.Agent(t)
		if res := reader.Get(t, public); res.Status != http.StatusNotFound {
			t.Fatalf("the scheduled article is public before its time: %d", res.Status)
		}
		ctx := context.Background()
		if got, err := articles.New(n.DB).PublishDue(ctx); err != nil || got != 0 {
			t.Fatalf("PublishDue before the time: %d, %v", got, err)
		}

		// Two nodes, each with its own connections to the same data.
		node2 := place.Open(t)
		node2.Now = n.Clock.Now
		n.Clock.Advance(91 * time.Minute)
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for i := range 8 {
			db := n.DB
			if i%2 == 1 {
				db = node2
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := articles.New(db).PublishDue(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += got
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 1 {
			t.Fatalf("published %d times by two nodes, want exactly once", total)
		}
		art = n.FindArticle(t, artID)
		if art.Status != communique.StatusPublished || !art.PublishedAt.Equal(when) {
			t.Fatalf("after its time: %s at %v", art.Status, art.PublishedAt)
		}
		res := reader.Get(t, public)
		if res.Status != http.StatusOK || !strings.Contains(res.Body, "The tide table") {
			t.Fatalf("the published article: %d", res.Status)
		}
		if got, _ := articles.New(node2).PublishDue(ctx); got != 0 {
			t.Errorf("a later run published %d more", got)
		}
	})
}

// TestContributor: a contributor writes drafts and submits them for
// review, but no form, forged or not, publishes anything.
func TestContributor(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleContributor)
		connie := n.Users[communique.RoleContributor]
		page := a.Get(t, "/admin/posts/new")
		if !strings.Contains(page.Body, `<option value="pending"`) || strings.Contains(page.Body, `<option value="published"`) || strings.Contains(page.Body, `<option value="scheduled"`) {
			t.Errorf("the contributor's status choices are wrong:\n%s", excerpt(page.Body))
		}
		draftID := savedID(t, a.Post(t, "/admin/posts/new", articleForm("My draft", "draft")), "saved")
		pendingID := savedID(t, a.Post(t, "/admin/posts/new", articleForm("For review", "pending")), "submitted")
		if got := n.FindArticle(t, pendingID); got.Status != communique.StatusPending || got.AuthorID != connie.ID {
			t.Fatalf("submitted article: %s by %d", got.Status, got.AuthorID)
		}
		tomorrowDate, tomorrowTime := tomorrow(n)
		forged := []struct {
			name string
			path string
			form url.Values
		}{
			{"NewPublished", "/admin/posts/new", articleForm("Sneaked out", "published")},
			{"NewScheduled", "/admin/posts/new", url.Values{"title": {"Sneaked later"}, "status": {"scheduled"}, "date": {tomorrowDate}, "time": {tomorrowTime}}},
			{"DraftPublished", editPath(draftID), articleForm("My draft", "published")},
			{"PendingPublished", editPath(pendingID), articleForm("For review", "published")},
			{"BulkPublish", "/admin/posts/bulk", url.Values{"action": {"publish"}, "ids": {id(draftID), id(pendingID)}}},
			{"NewPage", "/admin/posts/new", url.Values{"title": {"A page"}, "type": {"page"}, "status": {"draft"}}},
		}
		for _, f := range forged {
			t.Run(f.name, func(t *testing.T) {
				before := n.Snapshot(t)
				if res := a.Post(t, f.path, f.form); res.Status != http.StatusForbidden {
					t.Fatalf("status %d, want 403", res.Status)
				}
				if after := n.Snapshot(t); after != before {
					t.Errorf("changed:\n%s", diffLines(before, after))
				}
			})
		}
		published, _, err := n.DB.FindArticles(context.Background(), communique.ArticleFilter{AuthorID: &connie.ID, Status: []communique.Status{communique.StatusPublished, communique.StatusScheduled}})
		if err != nil || len(published) != 0 {
			t.Fatalf("the contributor has %d live articles (%v)", len(published), err)
		}
		// Once an editor publishes it, the contributor can no longer edit it.
		edna := n.SignIn(t, communique.RoleEditor)
		savedID(t, edna.Post(t, editPath(pendingID), articleForm("For review", "published")), "published")
		if res := a.Get(t, editPath(pendingID)); res.Status != http.StatusForbidden {
			t.Errorf("the contributor can open their published article: %d", res.Status)
		}
		if res := a.Post(t, editPath(pendingID), articleForm("Changed after publication", "pending")); res.Status != http.StatusForbidden {
			t.Errorf("the contributor can change their published article: %d", res.Status)
		}
	})
}

// TestAuthor: an author publishes their own articles, not others'.
func TestAuthor(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		a := n.SignIn(t, communique.RoleAuthor)
		own := savedID(t, a.Post(t, "/admin/posts/new", articleForm("Mine", "published")), "published")
		if got := n.FindArticle(t, own); got.Status != communique.StatusPublished {
			t.Fatalf("own article: %s", got.Status)
		}
		theirs := n.Article(t, n.Users[communique.RoleEditor], "The editor's", communique.StatusPublished)
		before := n.Snapshot(t)
		for _, r := range []struct{ method, path string }{
			{"GET", editPath(theirs.ID)},
			{"POST", editPath(theirs.ID)},
			{"POST", "/admin/posts/" + id(theirs.ID) + "/autosave"},
			{"GET", "/admin/posts/" + id(theirs.ID) + "/revisions"},
			{"POST", "/admin/posts/bulk"},
		} {
			var res response
			if r.method == "GET" {
				res = a.Get(t, r.path)
			} else {
				res = a.Post(t, r.path, url.Values{"title": {"Taken over"}, "body": {"x"}, "status": {"draft"}, "action": {"trash"}, "ids": {id(theirs.ID)}})
			}
			if res.Status != http.StatusForbidden {
				t.Errorf("%s %s: status %d, want 403", r.method, r.path, res.Status)
			}
		}
		if after := n.Snapshot(t); after != before {
			t.Errorf("changed:\n%s", diffLines(before, after))
		}
		list := a.Get(t, "/admin/posts")
		if !strings.Contains(list.Body, `<a href="`+editPath(own)+`">Mine</a>`) || strings.Contains(list.Body, editPath(theirs.ID)) {
			t.Errorf("the list links the wrong articles to the editor:\n%s", excerpt(list.Body))
		}
	})
}

// TestPostsList filters the article list and applies bulk actions.
func TestPostsList(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		ctx := context.Background()
		edna, arthur := n.Users[communique.RoleEditor], n.Users[communique.RoleAuthor]
		local, err := n.DB.EnsureTerm(ctx, communique.TaxonomyCategory, "Local")
		if err != nil {
			t.Fatal(err)
		}
		harbour := n.Article(t, edna, "Harbour news", communique.StatusPublished)
		if _, err := articles.New(n.DB).Update(ctx, articles.System, harbour.ID, communique.ArticleUpdate{CategoryIDs: &[]int64{local.ID}}); err != nil {
			t.Fatal(err)
		}
		draft := n.Article(t, arthur, "Harbour draft", communique.StatusDraft)
		pending := n.Article(t, arthur, "Council pending", communique.StatusPending)
		a := n.SignIn(t, communique.RoleEditor)
		cases := []struct {
			name  string
			query string
			want  []string
			not   []string
		}{
			{"All", "", []string{"Harbour news", "Harbour draft", "Council pending"}, nil},
			{"Status", "?status=draft", []string{"Harbour draft"}, []string{"Harbour news", "Council pending"}},
			{"Author", "?author=" + id(arthur.ID), []string{"Harbour draft", "Council pending"}, []string{"Harbour news"}},
			{"Category", "?category=" + id(local.ID), []string{"Harbour news"}, []string{"Harbour draft", "Council pending"}},
			{"Search", "?s=HARBOUR", []string{"Harbour news", "Harbour draft"}, []string{"Council pending"}},
			{"Combined", "?s=harbour&author=" + id(arthur.ID), []string{"Harbour draft"}, []string{"Harbour news", "Council pending"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res := a.Get(t, "/admin/posts"+c.query)
				if res.Status != http.StatusOK {
					t.Fatalf("status %d", res.Status)
				}
				for _, w := range c.want {
					if !strings.Contains(res.Body, ">"+w+"</a>") {
						t.Errorf("lacks %q", w)
					}
				}
				for _, w := range c.not {
					if strings.Contains(res.Body, ">"+w+"</a>") {
						t.Errorf("shows %q", w)
					}
				}
			})
		}
		bulk := func(t *testing.T, action string, ids ...int64) {
			t.Helper()
			f := url.Values{"action": {action}}
			for _, v := range ids {
				f.Add("ids", id(v))
			}
			res := a.Post(t, "/admin/posts/bulk", f)
			if res.Status != http.StatusSeeOther || res.Location != "/admin/posts?done=bulk" {
				t.Fatalf("bulk %s: %d to %q (%q)", action, res.Status, res.Location, res.Message())
			}
		}
		bulk(t, "publish", draft.ID, pending.ID)
		for _, v := range []int64{draft.ID, pending.ID} {
			if got := n.FindArticle(t, v); got.Status != communique.StatusPublished {
				t.Errorf("after bulk publish %q is %s", got.Title, got.Status)
			}
		}
		bulk(t, "draft", draft.ID)
		bulk(t, "pending", pending.ID)
		if n.FindArticle(t, draft.ID).Status != communique.StatusDraft || n.FindArticle(t, pending.ID).Status != communique.StatusPending {
			t.Error("bulk draft or pending did not apply")
		}
		bulk(t, "trash", harbour.ID)
		if got := n.FindArticle(t, harbour.ID); got.Status != communique.StatusTrash {
			t.Errorf("after bulk trash: %s", got.Status)
		}
		if res := a.Get(t, "/admin/posts"); strings.Contains(res.Body, ">Harbour news</a>") {
			t.Error("the default list shows trashed articles")
		}
		if res := a.Get(t, "/admin/posts?status=trash"); !strings.Contains(res.Body, ">Harbour news</a>") {
			t.Error("the trash tab lacks the trashed article")
		}
		bulk(t, "restore", harbour.ID)
		if got := n.FindArticle(t, harbour.ID); got.Status != communique.StatusDraft {
			t.Errorf("after bulk restore: %s, want draft", got.Status)
		}
		bulk(t, "delete", harbour.ID)
		if _, err := n.DB.FindArticleByID(ctx, harbour.ID); communique.ErrorCode(err) != communique.ENOTFOUND {
			t.Errorf("after bulk delete: %v", err)
		}
		res := a.Post(t, "/admin/posts/bulk", url.Values{"action": {"explode"}, "ids": {id(draft.ID)}})
		if res.Status != http.StatusBadRequest {
			t.Errorf("an unknown bulk action: %d", res.Status)
		}
	})
}

// TestPageTitles: every page's <title> and <h1> name the page, never an
// article field that happens to be called Title.
func TestPageTitles(t *testing.T) {
	n := newNewsroom(t, storetest.SQLite.Fresh(t))
	a := n.SignIn(t, communique.RoleEditor)
	art := n.Article(t, n.Users[communique.RoleEditor], "Storm warning", communique.StatusDraft)
	body := "A second text."
	if _, err := articles.New(n.DB).Update(context.Background(), articles.System, art.ID, communique.ArticleUpdate{Source: &body}); err != nil {
		t.Fatal(err)
	}
	revs := n.Revisions(t, art.ID)
	cases := []struct {
		path, title, h1 string
		emptyTitleInput bool
	}{
		{"/admin/posts/new", "New article", "New article", true},
		{"/admin/posts/new?type=page", "New page", "New page", true},
		{editPath(art.ID), "Edit “Storm warning”", "Edit “Storm warning”", false},
		{"/admin/revisions/" + id(revs[len(revs)-1].ID), "Compare revision", "Compare revision", false},
		{"/admin/posts/" + id(art.ID) + "/revisions", "Revisions of “Storm warning”", "Revisions of “Storm warning”", false},
	}
	for _, c := range cases {
		res := a.Get(t, c.path)
		body := html.UnescapeString(res.Body)
		if !strings.Contains(body, "<title>"+c.title+" ‹ ") || !strings.Contains(body, "<h1>"+c.h1+"</h1>") {
			t.Errorf("%s: want title %q and heading %q\n%s", c.path, c.title, c.h1, body[:min(len(body), 400)])
		}
		if c.emptyTitleInput && !strings.Contains(res.Body, `<input id="title" name="title" value="" required`) {
			t.Errorf("%s: the article's title field is not empty", c.path)
		}
	}
}

// TestUnpublishedIsPrivate: contributors and authors see only their own
// unpublished work in the newsroom's list, its search, its author filter
// and the dashboard's counts; editors and administrators see everyone's.
// Published articles are public anyway and listed for all.
func TestUnpublishedIsPrivate(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		n := newNewsroom(t, place)
		hidden := []string{
			n.Article(t, n.Olive, "Olive embargo draft", communique.StatusDraft).Title,
			n.Article(t, n.Olive, "Olive pending pitch", communique.StatusPending).Title,
			n.Article(t, n.Olive, "Olive scheduled scoop", communique.StatusScheduled).Title,
		}
		public := n.Article(t, n.Olive, "Olive public story", communique.StatusPublished).Title
		own := map[communique.Role]string{}
		for _, role := range writers {
			own[role] = n.Article(t, n.Users[role], "Own draft of "+string(role), communique.StatusDraft).Title
		}
		olive := strconv.FormatInt(n.Olive.ID, 10)
		paths := []string{"/admin/posts", "/admin/posts?status=draft", "/admin/posts?status=pending", "/admin/posts?status=scheduled",
			"/admin/posts?s=olive", "/admin/posts?author=" + olive, "/admin/posts?s=draft"}
		for _, role := range writers {
			t.Run(string(role), func(t *testing.T) {
				a := n.SignIn(t, role)
				desk := role == communique.RoleAdministrator || role == communique.RoleEditor
				var seen strings.Builder
				for _, p := range paths {
					res := a.Get(t, p)
					if res.Status != http.StatusOK {
						t.Fatalf("GET %s: %d", p, res.Status)
					}
					seen.WriteString(res.Body)
				}
				body := seen.String()
				for _, title := range hidden {
					if strings.Contains(body, title) != desk {
						t.Errorf("%s sees %q: %v, want %v", role, title, !desk, desk)
					}
				}
				for other, title := range own {
					if want := other == role || desk; strings.Contains(body, title) != want {
						t.Errorf("%s sees %q: %v, want %v", role, title, !want, want)
					}
				}
				if !strings.Contains(a.Get(t, "/admin/posts?s=olive").Body, public) {
					t.Errorf("%s does not find the published %q", role, public)
				}
			})
		}
		t.Run("DashboardCounts", func(t *testing.T) {
			// Olive's pending pitch is the only one: a contributor's
			// dashboard counts none, an editor's one.
			pending := regexp.MustCompile(`(?s)/admin/posts\?status=pending[^>]*>[^0-9<]*([0-9]+)`)
			for role, want := range map[communique.Role]string{communique.RoleContributor: "0", communique.RoleEditor: "1"} {
				body := n.SignIn(t, role).Get(t, "/admin/").Body
				if m := pending.FindStringSubmatch(body); m == nil || m[1] != want {
					t.Errorf("%s's dashboard: pending count %v, want %s", role, m, want)
				}
			}
		})
	})
}
