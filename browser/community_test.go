package browser_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/admin"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/password"
	"communique/proxy"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// communitySite is the site and the newsroom behind a trusted proxy on
// loopback, so each reader's tab can come from an address of its own
// (X-Forwarded-For), as readers behind a real proxy do.
type communitySite struct {
	URL     string
	Article *communique.Article
	Path    string
	DB      *sqlstore.DB
}

func startCommunity(t *testing.T, place storetest.Place) (*communitySite, func(string) *communique.Comment) {
	t.Helper()
	ctx := context.Background()
	db := place.Open(t)
	hash, err := password.Hash(newsroomPassword)
	if err != nil {
		t.Fatal(err)
	}
	marta := &communique.User{Login: "marta", Email: "marta@newsroom.example", Role: communique.RoleEditor, PasswordHash: hash, DisplayName: "Marta"}
	if err := db.CreateUser(ctx, marta); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_previously_approved": "false",
		"comment_moderation": "false", "comment_report_threshold": "3"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	a := &communique.Article{Title: "Council votes on the bridge toll", Source: "The council votes tonight.", AuthorID: marta.ID,
		Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// As serve runs it: the site watches the store, so the newsroom's
	// changes reach its cache and its live threads.
	siteCtx, stop := context.WithCancel(ctx)
	site, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	go site.WatchStore(siteCtx, 200*time.Millisecond)
	key := func(name string) []byte {
		v, err := db.Secret(ctx, name, func() string { return fmt.Sprintf("%x", time.Now().UnixNano()) })
		if err != nil {
			t.Fatal(err)
		}
		return []byte(v)
	}
	talk := discussion.New(db, avatar.New(key("avatar")), formtoken.NewSigner(key("comment-token")))
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Discussion: talk, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", newsroom.Handler())
	mux.Handle("/", site.Handler())
	ts := serveSite(t, proxy.MustParse("loopback").Handler(mux), stop)
	find := func(text string) *communique.Comment {
		list, _, err := db.FindComments(ctx, communique.CommentFilter{Private: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list {
			if strings.Contains(c.Text, text) {
				return c
			}
		}
		t.Fatalf("no comment says %q", text)
		return nil
	}
	return &communitySite{URL: ts.URL, Article: a, Path: communique.ArticlePath(a, settings(t, db), nil), DB: db}, find
}

// readerTab is a new person in the browser, coming from address ip.
func readerTab(t *testing.T, browser context.Context, ip string) context.Context {
	t.Helper()
	tab := newTab(t, browser)
	if _, err := chromedp.Call(tab, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tab, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"X-Forwarded-For": ip}}); err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestCommunityDesk is the community desk's "done when" as far as it is
// built, in Chromium, on both stores: three readers report a comment and
// it leaves the page; the moderator finds it in the reported queue with
// the reasons, reads the commenter's history, writes a note and suspends
// them for a day; the commenter's next comment is refused with the
// reason, and what they typed stays in the form; a featured comment
// shows above the thread; reactions count once per reader; sorting by
// reactions reorders the thread; a second browser sees a new approved
// comment appear live, and go when the moderator trashes it by keyboard.
func TestCommunityDesk(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		browser := newBrowser(t)
		site, find := startCommunity(t, place)
		articleURL := site.URL + site.Path

		// A commenter writes something nasty; it is published at once.
		troll := readerTab(t, browser, "198.51.100.66")
		each(t, troll,
			chromedp.Navigate(articleURL),
			chromedp.SendKeys(chromedp.ID("comment"), "Anyone voting for the toll is an idiot."),
			chromedp.SendKeys(chromedp.ID("author"), "Rex Rude"),
			chromedp.SendKeys(chromedp.ID("email"), "rex@mail.example"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS(".comment-list")),
		)
		nasty := find("is an idiot")
		if nasty.Status != communique.CommentApproved {
			t.Fatalf("the comment is %s, want published", nasty.Status)
		}
		commentSel := fmt.Sprintf("#comment-%d", nasty.ID)

		// Three readers, from three addresses, report it.
		reasons := []string{"abuse", "abuse", "off_topic"}
		for i, reason := range reasons {
			reader := readerTab(t, browser, fmt.Sprintf("203.0.113.%d", i+1))
			each(t, reader,
				chromedp.Navigate(articleURL),
				chromedp.Click(chromedp.CSS(commentSel+" .comment-report-link")),
				chromedp.WaitVisible(chromedp.ID("reason-"+reason)),
				chromedp.Click(chromedp.ID("reason-"+reason)),
				chromedp.SendKeys(chromedp.ID("explanation"), fmt.Sprintf("Reader %d: insults other readers.", i+1)),
				chromedp.Click(chromedp.CSS(`form[action$="/report"] button[type="submit"]`)),
				chromedp.WaitVisible(chromedp.CSS("p.notice")),
			)
			notice := run(t, reader, chromedp.Text(chromedp.CSS("p.notice")))
			if held := strings.Contains(notice, "hidden until they decide"); !strings.HasPrefix(notice, "Thank you") || held != (i == 2) {
				t.Fatalf("report %d: %q", i+1, notice)
			}
		}
		stranger := readerTab(t, browser, "203.0.113.99")
		each(t, stranger, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.ID("commentform")))
		if n := eval[int](t, stranger, fmt.Sprintf(`document.querySelectorAll(%q).length`, commentSel)); n != 0 {
			t.Fatal("the comment is still on the page after three reports")
		}

		// The moderator sees it in the reported queue, with the reasons.
		mod := newTab(t, browser)
		signIn(t, mod, site.URL, "marta", "/admin/comments?status=reported", chromedp.CSS(".report-reasons"))
		item := run(t, mod, chromedp.Text(chromedp.ID(fmt.Sprintf("c%d", nasty.ID))))
		for _, want := range []string{"3 reports from 3 addresses", "Abusive or harassing (2), Off topic (1)", "Reader 2: insults other readers."} {
			if !strings.Contains(item, want) {
				t.Errorf("the reported queue's item lacks %q:\n%s", want, item)
			}
		}
		// The commenter's record: history, a note, a day's suspension.
		each(t, mod,
			chromedp.Click(chromedp.CSS(fmt.Sprintf("#c%d a[href^='/admin/commenters']", nasty.ID))),
			chromedp.WaitVisible(chromedp.CSS(".commenter-history")),
		)
		if history := run(t, mod, chromedp.Text(chromedp.CSS(".commenter-history"))); !strings.Contains(history, "is an idiot") || !strings.Contains(history, "pending") {
			t.Errorf("the history lacks the held comment: %q", history)
		}
		each(t, mod,
			chromedp.SendKeys(chromedp.ID("note"), "Third complaint this month."),
			chromedp.Click(chromedp.CSS(`form[action="/admin/commenters/note"] button`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if notes := run(t, mod, chromedp.Text(chromedp.CSS("ul.notes"))); !strings.Contains(notes, "Third complaint this month.") {
			t.Errorf("notes = %q", notes)
		}
		// The note's flash is still on this page: remove it, so that the
		// wait below is for the page the suspension answers with.
		eval[bool](t, mod, `document.querySelectorAll("p.flash").forEach(e => e.remove()); true`)
		each(t, mod,
			chromedp.Click(chromedp.CSS(`input[name="standing"][value="suspended"]`)),
			chromedp.SetValue(chromedp.ID("days"), "1"),
			chromedp.SendKeys(chromedp.ID("reason"), "Name-calling in the toll debate."),
			chromedp.Click(chromedp.CSS(`form[action="/admin/commenters/standing"] button`)),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		if standing := run(t, mod, chromedp.Text(chromedp.CSS("p.standing"))); !strings.Contains(standing, "suspended") {
			t.Fatalf("standing = %q", standing)
		}

		// The commenter's next comment is refused, with the reason, and
		// nothing they typed is lost.
		const again = "I stand by every word."
		each(t, troll,
			chromedp.Navigate(articleURL),
			chromedp.SendKeys(chromedp.ID("comment"), again),
			chromedp.SetValue(chromedp.ID("author"), "Rex Rude"),
			chromedp.SetValue(chromedp.ID("email"), "REX@mail.example"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.ID("comment-form-message")),
		)
		msg := run(t, troll, chromedp.Text(chromedp.ID("comment-form-message")))
		if !strings.Contains(msg, "You are suspended from commenting until") || !strings.Contains(msg, "Name-calling in the toll debate.") {
			t.Errorf("refusal = %q", msg)
		}
		if kept := eval[string](t, troll, `document.getElementById('comment').value`); kept != again {
			t.Errorf("the form kept %q, want %q", kept, again)
		}

		// Two earlier readers' comments: the moderator features the
		// second, which then shows above the thread.
		for _, c := range []*communique.Comment{
			{AuthorName: "Pia", AuthorEmail: "pia@mail.example", Text: "Ferry users pay twice already."},
			{AuthorName: "Tom", AuthorEmail: "tom@mail.example", Text: "The toll funds the repairs."},
		} {
			c.ArticleID, c.HTML, c.Status = site.Article.ID, "<p>"+c.Text+"</p>", communique.CommentApproved
			if err := site.DB.CreateComment(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		}
		pia, tom := find("pay twice"), find("funds the repairs")
		each(t, mod,
			chromedp.Navigate(site.URL+"/admin/comments?status=approved"),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[value="feature:%d"]`, tom.ID))),
			chromedp.WaitVisible(chromedp.CSS("p.flash")),
		)
		each(t, stranger, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(".featured-comments")))
		if got := run(t, stranger, chromedp.Text(chromedp.CSS(".featured-list"))); !strings.Contains(got, "The toll funds the repairs.") || strings.Contains(got, "pay twice") {
			t.Errorf("featured section = %q", got)
		}
		if above := eval[bool](t, stranger, `document.querySelector('.featured-comments').compareDocumentPosition(document.querySelector('.comment-list')) === Node.DOCUMENT_POSITION_FOLLOWING`); !above {
			t.Error("the featured comments are not above the thread")
		}

		// Reactions count once per reader: one reader presses twice,
		// another once.
		respect := fmt.Sprintf("#comment-%d .reaction-button", tom.ID)
		countSel := fmt.Sprintf("#comment-%d .reaction-count", tom.ID)
		for i, tab := range []context.Context{stranger, stranger, readerTab(t, browser, "203.0.113.77")} {
			each(t, tab, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(respect)), chromedp.Click(chromedp.CSS(respect)))
			// The press posts a form and the page comes back: the count is
			// read from the page that comes back, not the one that left.
			want := []string{"1", "1", "2"}[i]
			js := fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, countSel)
			got := ""
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				// Asked while the page changes, the old page's context may be
				// gone: that is a "not yet", not a failure.
				ask, cancel := context.WithTimeout(tab, 2*time.Second)
				v, err := chromedp.Run(ask, chromedp.Evaluate[string](js))
				cancel()
				if err == nil {
					if got = strings.TrimSpace(v); got == want {
						break
					}
				}
			}
			if got != want {
				t.Errorf("after press %d the count is %q, want %s", i+1, got, want)
			}
		}

		// Sorting by reactions is a link, and reorders the thread.
		first := func() string {
			return eval[string](t, stranger, `document.querySelector('.comment-list > li.comment').id`)
		}
		each(t, stranger, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(".comment-list")))
		if got := first(); got != fmt.Sprintf("comment-%d", pia.ID) {
			t.Fatalf("before sorting the first comment is %s, want Pia's (the oldest)", got)
		}
		each(t, stranger, chromedp.Click(chromedp.CSS(`.thread-sort a[href*="sort=reactions"]`)), chromedp.WaitVisible(chromedp.CSS(`.thread-sort a[aria-current][href*="sort=reactions"]`)))
		if got := first(); got != fmt.Sprintf("comment-%d", tom.ID) {
			t.Errorf("sorted by reactions, the first comment is %s, want Tom's", got)
		}

		// A second browser, open on the article, sees a new approved
		// comment appear within a second, without a reload; then, when
		// the moderator trashes it from the keyboard (j, t), sees it go.
		watcher := newBrowser(t)
		each(t, watcher, chromedp.Navigate(articleURL), chromedp.WaitReady(chromedp.ID("live-status")))
		waitFor(t, "the live script", 5*time.Second, func() bool { return eval[bool](t, watcher, `document.readyState === 'complete'`) })
		const live = "Live from the council chamber: the vote is tied."
		each(t, stranger, chromedp.Navigate(articleURL),
			chromedp.SendKeys(chromedp.ID("comment"), live),
			chromedp.SendKeys(chromedp.ID("author"), "Vera Live"),
			chromedp.SendKeys(chromedp.ID("email"), "vera@mail.example"),
			chromedp.Click(chromedp.ID("submit")),
			chromedp.WaitVisible(chromedp.CSS(".comment-list")))
		posted := time.Now()
		shows := `[...document.querySelectorAll('.comment-list .comment-content')].some(e => e.textContent.includes(` + jsString(live) + `))`
		for !eval[bool](t, watcher, shows) {
			if time.Since(posted) > time.Second {
				t.Fatal("the second browser did not show the new comment within a second")
			}
			time.Sleep(20 * time.Millisecond)
		}
		vera := find("the vote is tied")
		each(t, mod, chromedp.Navigate(site.URL+"/admin/comments?status=approved"), chromedp.WaitVisible(chromedp.CSS(".keyboard-help")))
		if id := eval[string](t, mod, `document.querySelector('.mod-item').id`); id != fmt.Sprintf("c%d", vera.ID) {
			t.Fatalf("the newest approved comment is %s, want Vera's", id)
		}
		each(t, mod, chromedp.KeyEvent("j"), chromedp.KeyEvent("t"), chromedp.WaitVisible(chromedp.CSS("p.flash")))
		if got, err := site.DB.FindCommentByID(context.Background(), vera.ID); err != nil || got.Status != communique.CommentTrash {
			t.Fatalf("after j, t the comment is %+v, %v; want trash", got, err)
		}
		waitFor(t, "the removal to reach the second browser", 2*time.Second, func() bool { return !eval[bool](t, watcher, shows) })
		// The live region is emptied, then given the words 100 ms later, so
		// that a screen reader announces a repeated message too.
		announced := `document.getElementById('live-status').textContent === "The comment by Vera Live was removed."`
		waitFor(t, "the removal to be announced", 2*time.Second, func() bool { return eval[bool](t, watcher, announced) })
	})
}

// each runs actions one by one, each with do's time limit, so a loaded
// machine slows the walk without failing it.
func each(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for _, step := range steps {
		do(t, ctx, step)
	}
}
