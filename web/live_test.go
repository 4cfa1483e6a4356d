package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/postgres"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// liveNode is one node of a site: its own store handle, web server and
// watcher, as cmd/communique serves it.
type liveNode struct {
	URL  string
	talk *discussion.Service
}

func newLiveNode(t *testing.T, place storetest.Place, db *sqlstore.DB) *liveNode {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
	srv, err := web.NewServer(ctx, web.Config{Store: db, Discussion: talk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if place.Kind == storetest.PostgreSQL {
		// Polls seldom: NOTIFY must carry the change.
		go srv.WatchStore(ctx, 10*time.Second)
		go postgres.Listen(ctx, place.DSN, postgres.CacheChannel, func(string) { srv.StoreChanged() })
	} else {
		go srv.WatchStore(ctx, 100*time.Millisecond)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { cancel(); ts.Close() })
	return &liveNode{URL: ts.URL, talk: talk}
}

// sseEvent is one event read from a stream.
type sseEvent struct {
	Name string
	Data struct {
		ID     int64  `json:"id"`
		Parent int64  `json:"parent"`
		HTML   string `json:"html"`
	}
}

// openStream follows a live thread and delivers its events.
func openStream(t *testing.T, url string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	events := make(chan sseEvent, 64)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data)
			case line == "" && ev.Name != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	return events, res
}

// next waits up to a second for the next event.
func next(t *testing.T, events <-chan sseEvent, what string) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatalf("%s: the stream ended", what)
		}
		return ev
	case <-time.After(time.Second):
		t.Fatalf("%s: no event within a second", what)
	}
	return sseEvent{}
}

func quiet(t *testing.T, events <-chan sseEvent, what string) {
	t.Helper()
	select {
	case ev := <-events:
		t.Errorf("%s: got %s %d", what, ev.Name, ev.Data.ID)
	case <-time.After(700 * time.Millisecond):
	}
}

// TestLiveThreadTwoNodes: a reader following an article on node B sees,
// within a second, what node A's readers and moderators do: a new
// approved comment, a reply under its parent, a held comment only once
// approved, an edit, a removal; and, on connecting, what changed since
// its page was made. Bad requests get a 4xx.
func TestLiveThreadTwoNodes(t *testing.T) {
	storetest.ForEachPlace(t, func(t *testing.T, place storetest.Place) {
		dbA, dbB := place.Open(t), place.Open(t)
		ctx := context.Background()
		ed := storetest.MustCreateUser(t, dbA, "ed", communique.RoleEditor)
		art := storetest.MustCreateArticle(t, dbA, ed, "Storm live", "Body.")
		draft := &communique.Article{Title: "Draft", Source: "x", AuthorID: ed.ID, Status: communique.StatusDraft, CommentsOpen: true}
		MustCreate(t, dbA, draft, nil, nil)
		a, b := newLiveNode(t, place, dbA), newLiveNode(t, place, dbB)
		st := communique.ParseSettings(map[string]string{"comment_moderation": "true"})
		post := func(text string, parent int64, by *communique.User) *communique.Comment {
			t.Helper()
			sub := discussion.Submission{ArticleID: art.ID, ParentID: parent, Author: "Rae Reader", Email: "rae@example.com",
				Text: text, SkipToken: true, IP: "192.0.2.7", By: by}
			c, err := a.talk.Post(ctx, st, sub)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		before := post("Posted before the page was made.", 0, ed)

		for _, tt := range []struct {
			name, query string
			want        int
		}{{"ErrNotANumber", "post=abc", 400}, {"ErrMissing", "", 400}, {"ErrNoArticle", "post=999999", 404},
			{"ErrDraft", "post=" + strconv.FormatInt(draft.ID, 10), 404}} {
			res, err := http.Get(b.URL + "/comments/stream?" + tt.query)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.want {
				t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.want)
			}
		}

		stream := b.URL + "/comments/stream?post=" + strconv.FormatInt(art.ID, 10)
		events, res := openStream(t, stream+"&since=0")
		if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("headers: %q %q", ct, res.Header.Get("Cache-Control"))
		}
		if ev := next(t, events, "catch-up"); ev.Name != "comment" || ev.Data.ID != before.ID || !strings.Contains(ev.Data.HTML, "Posted before the page was made.") {
			t.Fatalf("catch-up: %+v", ev)
		}
		// A page made now gets no catch-up.
		fresh, _ := openStream(t, stream+"&since="+strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))

		root := post("Newsroom: the bridge is shut.", 0, ed)
		for _, ch := range []<-chan sseEvent{events, fresh} {
			ev := next(t, ch, "new comment")
			if ev.Name != "comment" || ev.Data.ID != root.ID || ev.Data.Parent != 0 ||
				!strings.Contains(ev.Data.HTML, `id="comment-`+strconv.FormatInt(root.ID, 10)+`"`) || !strings.Contains(ev.Data.HTML, "staff-badge") {
				t.Fatalf("new comment: %+v", ev)
			}
			if strings.Contains(ev.Data.HTML, "rae@example.com") || strings.Contains(ev.Data.HTML, "192.0.2.7") {
				t.Error("a commenter's email or address went out on the stream")
			}
		}
		held := post("A reader's held comment.", root.ID, nil)
		if held.Status != communique.CommentPending {
			t.Fatalf("reader's comment is %s, want held", held.Status)
		}
		quiet(t, events, "held comment")
		if err := a.talk.Approve(ctx, communique.System(), held.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, events, "approval"); ev.Name != "comment" || ev.Data.ID != held.ID || ev.Data.Parent != root.ID {
			t.Fatalf("approval: %+v", ev)
		}
		if _, err := a.talk.Amend(ctx, communique.System(), held.ID, "Amended by the desk."); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, events, "edit"); ev.Data.ID != held.ID || !strings.Contains(ev.Data.HTML, "Amended by the desk.") {
			t.Fatalf("edit: %+v", ev)
		}
		if err := a.talk.Trash(ctx, communique.System(), held.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, events, "removal"); ev.Name != "remove" || ev.Data.ID != held.ID {
			t.Fatalf("removal: %+v", ev)
		}
	})
}

// TestLiveStreamOutlivesTimeouts: a stream served by a server with short
// read and write timeouts, as serve's are (60 s), still delivers after
// both; without clearing its write deadline it would end.
func TestLiveStreamOutlivesTimeouts(t *testing.T) {
	db := storetest.SQLite.Open(t)
	ctx, cancel := context.WithCancel(context.Background())
	ed := storetest.MustCreateUser(t, db, "ed", communique.RoleEditor)
	art := storetest.MustCreateArticle(t, db, ed, "Slow night", "Body.")
	talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
	srv, err := web.NewServer(ctx, web.Config{Store: db, Discussion: talk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ReadTimeout, ts.Config.WriteTimeout = 300*time.Millisecond, 300*time.Millisecond
	ts.Start()
	t.Cleanup(func() { cancel(); ts.Close() })
	events, _ := openStream(t, ts.URL+"/comments/stream?post="+strconv.FormatInt(art.ID, 10)+"&since=0")
	time.Sleep(time.Second)
	c, err := talk.Post(context.Background(), communique.ParseSettings(nil), discussion.Submission{ArticleID: art.ID, Text: "Still here.", SkipToken: true, By: ed})
	if err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events, "after the timeouts"); ev.Data.ID != c.ID {
		t.Errorf("got %+v", ev)
	}
}
