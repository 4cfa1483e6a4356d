package browser_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"communique"
	"communique/activitypub"
	"communique/activitypub/aptest"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	articles "communique/newsroom"
	"communique/outbound"
	"communique/storetest"
	"communique/web"
)

// TestFediverseReplyInThread is a reader's view of one conversation: a
// form comment and a reply from the fediverse in the same thread, each
// with its origin, and the reply form still posting without JavaScript.
func TestFediverseReplyInThread(t *testing.T) {
	ctx := newBrowser(t)
	bg := context.Background()
	db := storetest.SQLite.Open(t)
	editor := storetest.MustCreateUser(t, db, "marta", communique.RoleEditor)
	a := &communique.Article{Title: sampleArticles[0].title, Source: sampleArticles[0].body, AuthorID: editor.ID,
		Status: communique.StatusPublished, PublishedAt: time.Now().Add(-time.Hour), CommentsOpen: true}
	if err := articles.New(db).Create(bg, articles.System, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
	fed := activitypub.New(db, logger)
	fed.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: true}) // the peer is on loopback
	fed.Discussion = talk
	siteCtx, stopSite := context.WithCancel(bg)
	srv, err := web.NewServer(siteCtx, web.Config{Store: db, Logger: logger, Discussion: talk, Federation: fed})
	if err != nil {
		t.Fatal(err)
	}
	ts := serveSite(t, srv.Handler(), stopSite)
	for k, v := range map[string]string{"site_url": ts.URL, "federation_enabled": "true", "comment_min_seconds": "0",
		"comment_flood_seconds": "0", "comment_require_name_email": "true"} {
		if err := db.SetSetting(bg, k, v); err != nil {
			t.Fatal(err)
		}
	}
	values, _ := db.Settings(bg)
	path := communique.ArticlePath(a, communique.ParseSettings(values), nil)

	// A reply from Mastodon, approved by a moderator.
	peer := aptest.NewPeer(t)
	note := map[string]any{"id": peer.Server.URL + "/statuses/9", "type": "Note", "attributedTo": peer.ActorID(),
		"inReplyTo": ts.URL + path, "content": "<p>Watched the first bus cross from the quay.</p>"}
	if res := peer.Post(t, ts.URL+"/activitypub/inbox", map[string]any{"id": peer.Server.URL + "/statuses/9/activity",
		"type": "Create", "actor": peer.ActorID(), "object": note}, nil); res.StatusCode != http.StatusAccepted {
		t.Fatalf("Create answered %s", res.Status)
	}
	if _, err := fed.ProcessInbox(bg); err != nil {
		t.Fatal(err)
	}
	rc, err := db.FindRemoteComment(bg, peer.Server.URL+"/statuses/9")
	if err != nil {
		t.Fatal(err)
	}
	if err := talk.Approve(bg, editor, rc.CommentID); err != nil {
		t.Fatal(err)
	}

	// A reader without JavaScript leaves a comment with the form.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(ts.URL+path),
		chromedp.SendKeys(chromedp.CSS("#comment"), "It was about time."),
		chromedp.SendKeys(chromedp.CSS("#author"), "Grace"),
		chromedp.SendKeys(chromedp.CSS("#email"), "grace@example.org"),
		chromedp.Click(chromedp.CSS(`#commentform [type="submit"]`)),
		chromedp.WaitReady(chromedp.CSS(".comment-list")))
	thread := run(t, ctx, chromedp.Nodes(chromedp.CSSAll(".comment-list .comment")))
	if len(thread) != 2 {
		t.Fatalf("%d comments in the thread, want the form's and the fediverse's", len(thread))
	}
	text := run(t, ctx, chromedp.Text(chromedp.CSS(".comment-list")))
	host := strings.TrimPrefix(peer.Server.URL, "http://")
	for _, want := range []string{"It was about time.", "Grace", "Watched the first bus cross from the quay.", "Alice", "@alice@" + host, "via the fediverse"} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) { // badges are set in capitals by the stylesheet
			t.Errorf("thread lacks %q:\n%s", want, text)
		}
	}
	// The fediverse author's name links to their profile; their avatar
	// was fetched once and is served by the site itself, so the page
	// still loads nothing from elsewhere.
	link := run(t, ctx, chromedp.AttributeValue(chromedp.CSS(`.comment-author a[href^="`+peer.Server.URL+`"]`), "href"))
	if link.Value != peer.Server.URL+"/@alice" {
		t.Errorf("profile link = %q", link.Value)
	}
	for _, img := range run(t, ctx, chromedp.Nodes(chromedp.CSSAll(".comment-list img"))) {
		if src := img.AttributeValue("src"); !strings.HasPrefix(src, "/") {
			t.Errorf("an avatar loads from %s", src)
		}
	}
	type avatarSeen struct {
		Src   string `json:"src"`
		Width int    `json:"width"`
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	// The picture as the browser loads it from the page's address.
	remote := run(t, ctx, chromedp.Evaluate[avatarSeen](`new Promise((done) => {
		const src = document.querySelector('#comment-`+strconv.FormatInt(rc.CommentID, 10)+` img.avatar').getAttribute('src');
		const img = new Image();
		img.onload = () => done({src, width: img.naturalWidth});
		img.onerror = () => done({src, width: -1});
		img.src = src;
	})`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(remote.Src, "/fediverse/avatars/") || remote.Width != 96 {
		t.Errorf("the fediverse reply's avatar is %q, %d px wide: want the site's 96 px copy", remote.Src, remote.Width)
	}
	if n := peer.IconFetches.Load(); n != 1 {
		t.Errorf("the peer's icon was fetched %d times, want once", n)
	}
}
