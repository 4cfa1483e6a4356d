package browser_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// discussionSite is one article open to comments on a served site, and a
// moderator's tool on the same store.
type discussionSite struct {
	URL  string
	Path string
	db   *sqlstore.DB
	mod  *discussion.Service
}

func newDiscussionSite(t *testing.T, db *sqlstore.DB) *discussionSite {
	t.Helper()
	ctx := context.Background()
	editor := storetest.MustCreateUser(t, db, "marta", communique.RoleEditor)
	a := &communique.Article{Title: sampleArticles[0].title, Source: sampleArticles[0].body, AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(db).Create(ctx, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	// A reader types faster than the 3-second minimum in a test, and the
	// reply follows the comment from the same address within seconds.
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	values, err := db.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	siteCtx, stopSite := context.WithCancel(ctx)
	srv, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := serveSite(t, srv.Handler(), stopSite)
	return &discussionSite{URL: ts.URL, Path: communique.ArticlePath(a, communique.ParseSettings(values), nil), db: db,
		mod: discussion.New(db, avatar.New([]byte("moderator")), formtoken.NewSigner([]byte("moderator")))}
}

// formState is the reply form as the page has it now.
type formState struct {
	Parent    string `json:"parent"`
	Title     string `json:"title"`
	CancelOn  bool   `json:"cancelOn"`
	UnderID   string `json:"underID"`   // the comment the form sits in, "" at home
	AfterHome bool   `json:"afterHome"` // right after #respond-home
	Author    string `json:"author"`
	Email     string `json:"email"`
	URL       string `json:"url"`
	Comment   string `json:"comment"`
}

const formStateJS = `(() => {
  const respond = document.getElementById('respond');
  const li = respond.parentElement.closest('li.comment');
  const v = id => document.getElementById(id).value;
  return {
    parent: v('comment_parent'),
    title: document.getElementById('reply-title').firstChild.nodeValue.trim(),
    cancelOn: !document.getElementById('cancel-comment-reply-link').hidden,
    underID: li ? li.id : '',
    afterHome: document.getElementById('respond-home').nextElementSibling === respond,
    author: v('author'), email: v('email'), url: v('url'), comment: v('comment'),
  };
})()`

// TestCommentWalk is the "done when", as a reader does it in
// Chromium: leave a comment, see it held, have it approved, reply to it
// through the JavaScript reply link, cancel a reply, and get every typed
// word back when the server refuses the form.
func TestCommentWalk(t *testing.T) {
	storetest.ForEachStore(t, func(t *testing.T, db *sqlstore.DB) {
		site := newDiscussionSite(t, db)
		ctx := newBrowser(t)
		walk(t, ctx, site)
	})
}

func walk(t *testing.T, ctx context.Context, site *discussionSite) {
	article := site.URL + site.Path
	submit := func(t *testing.T) int64 {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		res, err := chromedp.RunResponse(c, chromedp.Click(chromedp.CSS("#submit")))
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		return res.Status
	}
	state := func(t *testing.T) formState {
		t.Helper()
		return eval[formState](t, ctx, formStateJS)
	}
	anchor := regexp.MustCompile(`#comment-(\d+)$`)

	// 1. Open the article and leave a comment, typed key by key.
	do(t, ctx, chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("#commentform")))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS("#reply-title"))); !strings.HasPrefix(got, "Leave a Reply") {
		t.Fatalf("form heading = %q", got)
	}
	// Clicks are computed from the button's box: a smooth scroll still
	// running would move it (the browser is started asking for less motion).
	if b := eval[string](t, ctx, `getComputedStyle(document.documentElement).scrollBehavior`); b != "auto" {
		t.Fatalf("scroll-behavior = %q, want auto under prefers-reduced-motion", b)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#comment"), "Finally! The detour added forty minutes to my day."),
		chromedp.SendKeys(chromedp.CSS("#author"), "Ann Reader"),
		chromedp.SendKeys(chromedp.CSS("#email"), "ann.reader@example.com"),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://ann.example/"),
	)
	if status := submit(t); status != http.StatusOK {
		t.Fatalf("after posting the page answered %d", status)
	}
	loc := run(t, ctx, chromedp.Location())
	m := anchor.FindStringSubmatch(loc)
	if m == nil || !strings.Contains(loc, site.Path) {
		t.Fatalf("after posting the browser is at %s, want the article at #comment-ID", loc)
	}
	annID, _ := strconv.ParseInt(m[1], 10, 64)
	annSel := "#comment-" + m[1]

	// 2. It shows at once, marked as awaiting moderation, with no Reply link.
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(annSel+" .comment-awaiting-moderation")))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(annSel+" .comment-awaiting-moderation"))); got != "Your comment is awaiting moderation." {
		t.Errorf("moderation note = %q", got)
	}
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(annSel+" .comment-content"))); !strings.Contains(got, "Finally! The detour added forty minutes to my day.") {
		t.Errorf("held comment text = %q", got)
	}
	if n := len(run(t, ctx, chromedp.Nodes(chromedp.CSSAll(annSel+" .comment-reply-link"), chromedp.AtLeast(0)))); n != 0 {
		t.Error("a held comment has a Reply link")
	}

	// 3. A moderator approves it; after a reload it is public and answerable.
	if err := site.mod.Moderate(context.Background(), communique.System(), annID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS(annSel+" .comment-reply-link")))
	if n := len(run(t, ctx, chromedp.Nodes(chromedp.CSSAll(annSel+" .comment-awaiting-moderation"), chromedp.AtLeast(0)))); n != 0 {
		t.Error("the approved comment is still marked as awaiting moderation")
	}
	if rel := eval[string](t, ctx, `document.querySelector('`+annSel+` .comment-author a').rel`); !strings.Contains(rel, "nofollow ugc") {
		t.Errorf("author link rel = %q", rel)
	}
	if ok := eval[bool](t, ctx, `(() => { const i = document.querySelector('`+annSel+` img.avatar'); return i.complete && i.naturalWidth > 0 && /^\/avatar\/[0-9a-f]{32}\.svg$/.test(new URL(i.src).pathname); })()`); !ok {
		t.Error("the avatar is not a loaded local SVG")
	}

	// 4. Reply: the form moves under the comment, no page load.
	home := state(t)
	if home.UnderID != "" || !home.AfterHome || home.Parent != "0" || home.CancelOn {
		t.Fatalf("form before replying = %+v", home)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(annSel+" .comment-reply-link")))
	s := state(t)
	if s.UnderID != "comment-"+m[1] || s.Parent != m[1] || s.Title != "Reply to Ann Reader" || !s.CancelOn {
		t.Fatalf("form after clicking Reply = %+v", s)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != article {
		t.Errorf("clicking Reply loaded %s; the script should have moved the form", loc)
	}
	if focused := eval[string](t, ctx, `document.activeElement.id`); focused != "comment" {
		t.Errorf("focus after Reply is on #%s, want #comment", focused)
	}
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#comment"), "Mine too, Ann."),
		chromedp.SendKeys(chromedp.CSS("#author"), "Bob Neighbour"),
		chromedp.SendKeys(chromedp.CSS("#email"), "bob@example.org"),
	)
	if status := submit(t); status != http.StatusOK {
		t.Fatalf("after replying the page answered %d", status)
	}
	m2 := anchor.FindStringSubmatch(run(t, ctx, chromedp.Location()))
	if m2 == nil {
		t.Fatal("after replying the browser is not at the reply")
	}
	replyID, _ := strconv.ParseInt(m2[1], 10, 64)
	if c, err := site.db.FindCommentByID(context.Background(), replyID); err != nil || c.ParentID != annID {
		t.Fatalf("stored reply = %+v (%v), want parent %d", c, err, annID)
	}

	// 5. The thread: the reply nested in ol.children under Ann's comment.
	nestedSel := annSel + " > ol.children > li#comment-" + m2[1]
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS(nestedSel)))
	if got := run(t, ctx, chromedp.Text(chromedp.CSS(nestedSel+" .comment-content"))); !strings.Contains(got, "Mine too, Ann.") {
		t.Errorf("nested reply text = %q", got)
	}
	if err := site.mod.Moderate(context.Background(), communique.System(), replyID, communique.CommentApproved); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS(nestedSel)))
	if cls := eval[string](t, ctx, `document.querySelector('`+nestedSel+`').className`); !strings.Contains(cls, "depth-2") {
		t.Errorf("approved reply class = %q, want depth-2", cls)
	}

	// The live thread catches up with what changed in the last minute,
	// this reply included: it is no edit, and its author keeps the Edit
	// link the stream, written for everyone, does not carry.
	for range 20 {
		status := eval[string](t, ctx, `document.getElementById('live-status').textContent`)
		edit := eval[bool](t, ctx, `!!document.querySelector('`+nestedSel+` .comment-edit-link')`)
		if status != "" || !edit {
			t.Fatalf("after the live thread caught up: announced %q, Edit link present %v", status, edit)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// 6. Reply, then Cancel reply: the form goes home, parent 0.
	do(t, ctx, chromedp.Click(chromedp.CSS(annSel+" > article .comment-reply-link")))
	if s := state(t); s.Parent != m[1] {
		t.Fatalf("form after Reply = %+v", s)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#cancel-comment-reply-link")))
	s = state(t)
	if s.UnderID != "" || !s.AfterHome || s.Parent != "0" || s.Title != "Leave a Reply" || s.CancelOn {
		t.Errorf("form after Cancel reply = %+v", s)
	}
	if loc := run(t, ctx, chromedp.Location()); loc != article {
		t.Errorf("Cancel reply loaded %s", loc)
	}

	// 7. The server checks what the browser would: an empty form, with the
	// browser's own checks removed, comes back with a message per field.
	noChecks := `(() => { document.getElementById('commentform').noValidate = true;
	  document.querySelectorAll('#commentform [required]').forEach(e => e.removeAttribute('required')); return true; })()`
	eval[bool](t, ctx, noChecks)
	if status := submit(t); status != http.StatusBadRequest {
		t.Errorf("empty form answered %d, want 400", status)
	}
	waitSummaryFocus(t, ctx)
	for _, field := range []string{"author", "email", "comment"} {
		got := run(t, ctx, chromedp.Text(chromedp.CSS("#"+field+"-error")))
		if got == "" {
			t.Errorf("no message beside %s", field)
		}
		if inv := eval[string](t, ctx, `document.getElementById('`+field+`').getAttribute('aria-invalid') || ''`); inv != "true" {
			t.Errorf("%s is not marked aria-invalid", field)
		}
	}
	before := countComments(t, site)

	// A name and a comment with a bad email: the error is on the email and
	// every word typed is still there.
	eval[bool](t, ctx, noChecks)
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#author"), "Cleo Typist"),
		chromedp.SendKeys(chromedp.CSS("#email"), "cleo-at-example"),
		chromedp.SendKeys(chromedp.CSS("#url"), "https://cleo.example/"),
		chromedp.SendKeys(chromedp.CSS("#comment"), "Long thoughts I would hate to lose, typed with care."),
	)
	if status := submit(t); status != http.StatusBadRequest {
		t.Errorf("bad email answered %d, want 400", status)
	}
	waitSummaryFocus(t, ctx)
	if got := run(t, ctx, chromedp.Text(chromedp.CSS("#email-error"))); got != "Please enter a valid email address, such as name@example.com." {
		t.Errorf("email message = %q", got)
	}
	s = state(t)
	if s.Author != "Cleo Typist" || s.Email != "cleo-at-example" || s.URL != "https://cleo.example/" || s.Comment != "Long thoughts I would hate to lose, typed with care." {
		t.Errorf("form after the refusal = %+v, want every word typed", s)
	}
	if n := countComments(t, site); n != before {
		t.Errorf("%d comments after refusals, want %d", n, before)
	}

	// Fixing the email is all it takes.
	do(t, ctx, chromedp.Clear(chromedp.CSS("#email")), chromedp.SendKeys(chromedp.CSS("#email"), "cleo@example.com"))
	if status := submit(t); status != http.StatusOK {
		t.Errorf("corrected form answered %d", status)
	}
	if !anchor.MatchString(run(t, ctx, chromedp.Location())) {
		t.Error("the corrected comment did not land on its anchor")
	}
}

func countComments(t *testing.T, site *discussionSite) int {
	t.Helper()
	_, n, err := site.db.FindComments(context.Background(), communique.CommentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
