package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/sqlstore"
	"communique/storetest"
)

// TestArticleDiscussionPage: the editor's message shows above the form;
// a Q&A page shows only answered questions, the answer marked; a closed
// (hidden) thread shows no comment and refuses a post, storing nothing.
func TestArticleDiscussionPage(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		ds := newDiscussionSite(t, db)
		ctx := context.Background()
		set := func(d communique.ArticleDiscussion) {
			t.Helper()
			d.ArticleID = ds.article.ID
			if err := ds.mod.SetArticleDiscussion(ctx, communique.System(), &d); err != nil {
				t.Fatal(err)
			}
		}
		set(communique.ArticleDiscussion{QA: true, Message: "Ask our transport desk <anything>."})
		asker := ds.newReader(t)
		page := asker.get(t, ds.path).Body
		for _, want := range []string{`<p class="discussion-notice" role="note">Ask our transport desk &lt;anything&gt;.</p>`, "Ask a Question", "Questions and answers"} {
			if !strings.Contains(page, want) {
				t.Errorf("Q&A page lacks %q\n%s", want, excerptAround(page, "comments-title"))
			}
		}
		q1, _ := posted(t, asker.write(t, ds.path, person("Quinn Asker", "quinn@example.com", "", "When does the bridge reopen?"), nil))
		q2, _ := posted(t, ds.newReader(t).write(t, ds.path, person("Una Unanswered", "una@example.com", "", "Is the ferry free?"), nil))
		if c := ds.comment(t, q1); c.Status != communique.CommentPending {
			t.Fatalf("question is %s, want held", c.Status)
		}
		ds.moderate(t, q2, communique.CommentApproved)
		ada, err := db.FindUserByID(ctx, ds.article.AuthorID)
		if err != nil {
			t.Fatal(err)
		}
		st := communique.ParseSettings(map[string]string{})
		answer, err := ds.mod.Reply(ctx, st, ada, q1, "At six tomorrow morning.", "192.0.2.9", "Browser")
		if err != nil {
			t.Fatal(err)
		}
		page = ds.newReader(t).get(t, ds.path).Body
		if !strings.Contains(page, "When does the bridge reopen?") || strings.Contains(page, "Is the ferry free?") {
			t.Errorf("Q&A shows the wrong questions\n%s", excerptAround(page, "comment-list"))
		}
		if !strings.Contains(page, `id="comment-`+strconv.FormatInt(answer.ID, 10)+`" class="comment depth-2 comment-answer"`) ||
			!strings.Contains(page, `<span class="badge answer-badge">Answer</span>`) {
			t.Errorf("the answer is not marked\n%s", excerptAround(page, "At six"))
		}

		if feed := ds.newReader(t).get(t, "/comments/feed/").Body; !strings.Contains(feed, "At six tomorrow morning.") {
			t.Errorf("the comments feed lacks an open thread's answer:\n%s", feed)
		}
		set(communique.ArticleDiscussion{Hidden: true})
		page = ds.newReader(t).get(t, ds.path).Body
		if strings.Contains(page, "When does the bridge reopen?") || !strings.Contains(page, "Comments are closed.") || strings.Contains(page, `id="commentform"`) {
			t.Errorf("a closed thread still shows\n%s", excerptAround(page, "comments"))
		}
		// Closed from view means from the feeds too, the site's and the
		// article's, once the change reaches the feeds' cache (at once on
		// SQLite; through the store's notification on PostgreSQL).
		for _, path := range []string{"/comments/feed/", ds.path + "feed/"} {
			var feed string
			for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				feed = ds.newReader(t).get(t, path).Body
				if !strings.Contains(feed, "At six tomorrow morning.") && !strings.Contains(feed, "Is the ferry free?") || time.Now().After(deadline) {
					break
				}
			}
			if strings.Contains(feed, "At six tomorrow morning.") || strings.Contains(feed, "Is the ferry free?") {
				t.Errorf("%s still carries a closed thread's comments:\n%s", path, feed)
			}
		}
		n := ds.total(t)
		form := person("Late Reader", "late@example.com", "", "Too late?")
		form.Set("comment_post_ID", strconv.FormatInt(ds.article.ID, 10))
		res := asker.post(t, "/comments", form)
		if res.Status == http.StatusSeeOther {
			if loc, _ := url.Parse(res.Header.Get("Location")); loc == nil || loc.Query().Get("comment_refused") == "" {
				t.Errorf("a post on a closed thread was taken: %s", res.Header.Get("Location"))
			}
		} else if res.Status < 400 || res.Status >= 500 {
			t.Errorf("a post on a closed thread: status %d", res.Status)
		}
		if ds.total(t) != n {
			t.Error("a post on a closed thread was stored")
		}
	})
}
