package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/discussion"
	"communique/live"
)

// Live threads: an open article page (with JavaScript) follows
// /comments/stream?post=ID, a stream of server-sent events carrying each
// approved comment as the page would show it, and each removal. The
// page itself stays one cached page for everyone. A node reads the store
// once per change of an article that has readers (the change reaches it
// through invalidate: its own writes at once, other nodes' through the
// cache tags and PostgreSQL's NOTIFY), then fans the difference out from
// memory; a reader holds no store connection.

// liveHeartbeat keeps idle streams open through proxies.
const liveHeartbeat = 25 * time.Second

// liveThreads follows the articles whose pages are open somewhere: their
// comments, or (a second follower on the same hub, liveblog.go) their live
// blog's entries.
type liveThreads struct {
	s   *Server
	hub *live.Hub
	// topic names an article's stream on the hub; item is the event
	// carrying a new or changed item; read renders the article's items
	// as its page shows them (ENOTFOUND when the article is not public).
	topic func(id int64) string
	item  string
	read  func(ctx context.Context, id int64) (map[int64]*liveComment, error)

	mu      sync.Mutex
	threads map[int64]*liveThread
	pending map[int64]bool
	wake    chan struct{}
}

// liveThread is what this node last sent about one article's comments.
type liveThread struct {
	mu      sync.Mutex
	ready   bool
	missing bool // the article is not public
	sent    map[int64]*liveComment
}

// liveComment is one comment as the stream sends it.
type liveComment struct {
	ID     int64  `json:"id"`
	Parent int64  `json:"parent"`
	HTML   string `json:"html"`
	Stamp  int64  `json:"stamp"` // ms: created, edited or first seen here
}

func newLiveThreads(s *Server, hub *live.Hub) *liveThreads {
	l := &liveThreads{s: s, hub: hub, threads: map[int64]*liveThread{},
		pending: map[int64]bool{}, wake: make(chan struct{}, 1), topic: liveTopic, item: "comment"}
	l.read = l.readComments
	return l
}

func liveTopic(id int64) string { return "article:" + strconv.FormatInt(id, 10) }

// changed notes the articles among tags that have readers; run reads
// them. "content" may have closed or unpublished any article.
func (l *liveThreads) changed(tags []string) {
	l.mu.Lock()
	for _, t := range tags {
		if t == "content" {
			for id := range l.threads {
				l.pending[id] = true
			}
			continue
		}
		if id, err := strconv.ParseInt(strings.TrimPrefix(t, "article:"), 10, 64); err == nil && strings.HasPrefix(t, "article:") {
			if _, ok := l.threads[id]; ok {
				l.pending[id] = true
			}
		}
	}
	n := len(l.pending)
	l.mu.Unlock()
	if n > 0 {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// run refreshes the changed articles until ctx ends; bursts of changes
// fold into one read per article.
func (l *liveThreads) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.wake:
		}
		l.mu.Lock()
		ids := l.pending
		l.pending = map[int64]bool{}
		l.mu.Unlock()
		for id := range ids {
			l.refresh(ctx, id)
		}
	}
}

// thread returns the article's thread, read on first use.
func (l *liveThreads) thread(ctx context.Context, id int64) *liveThread {
	l.mu.Lock()
	th := l.threads[id]
	if th == nil {
		th = &liveThread{sent: map[int64]*liveComment{}}
		l.threads[id] = th
	}
	l.mu.Unlock()
	th.mu.Lock()
	ready := th.ready
	th.mu.Unlock()
	if !ready {
		l.refresh(ctx, id)
	}
	return th
}

// forget drops an article nobody reads any more.
func (l *liveThreads) forget(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.hub.Readers(l.topic(id)) == 0 {
		delete(l.threads, id)
	}
}

// refresh reads an article's comments and publishes what changed since
// the last read.
func (l *liveThreads) refresh(ctx context.Context, id int64) {
	l.mu.Lock()
	th := l.threads[id]
	l.mu.Unlock()
	if th == nil {
		return
	}
	th.mu.Lock()
	defer th.mu.Unlock()
	now := l.s.Now()
	current, err := l.read(ctx, id)
	switch {
	case communique.ErrorCode(err) == communique.ENOTFOUND:
		th.missing, current = true, nil
	case err != nil:
		l.s.logger.Warn("live thread: read failed; readers keep what they have", "article", id, "err", err)
		return
	default:
		th.missing = false
	}
	for cid, c := range current {
		old := th.sent[cid]
		if old != nil && old.HTML == c.HTML {
			c.Stamp = old.Stamp
			continue
		}
		if th.ready {
			c.Stamp = max(c.Stamp, now.UnixMilli())
			l.publish(id, l.item, c)
		}
	}
	if th.ready {
		for cid := range th.sent {
			if current[cid] == nil {
				l.publish(id, "remove", &liveComment{ID: cid})
			}
		}
	}
	th.sent, th.ready = current, true
}

func (l *liveThreads) publish(id int64, name string, c *liveComment) {
	data, err := json.Marshal(c)
	if err == nil {
		l.hub.Publish(l.topic(id), live.Event{Name: name, Data: data})
	}
}

// readComments renders the article's comments as its page shows them to
// everyone. ENOTFOUND when the article is not public.
func (l *liveThreads) readComments(ctx context.Context, id int64) (map[int64]*liveComment, error) {
	s := l.s
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	st, err := s.loadSite(req)
	if err != nil {
		return nil, err
	}
	a, err := s.store.FindArticleByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.IsPublic(s.Now()) || a.Protected() {
		// The stream is everyone's: a protected article's comments wait
		// for its password on the page, and follow on a reload.
		return nil, communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	comments, ad, err := s.discussion.LiveComments(ctx, st.settings, id)
	if err != nil {
		return nil, err
	}
	if ad.Hidden {
		return map[int64]*liveComment{}, nil
	}
	articleURL := s.articleURL(ctx, st, a)
	open := discussion.CommentsOpen(a, st.settings, s.Now())
	out := make(map[int64]*liveComment, len(comments))
	var buf bytes.Buffer
	for _, c := range comments {
		v := newCommentView(c, st, a.ID, "", ad.QA)
		v.CanReply = open && c.Depth < st.settings.ThreadCommentsDepth
		v.ReplyURL = articleURL + "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"
		buf.Reset()
		if err := s.views.ExecuteIn(s.messages.Match(st.settings.Language), &buf, "article", "comment", v); err != nil {
			return nil, err
		}
		stamp := c.CreatedAt
		if c.EditedAt.After(stamp) {
			stamp = c.EditedAt
		}
		parent := c.ParentID
		if c.Depth <= 1 {
			parent = 0
		}
		out[c.ID] = &liveComment{ID: c.ID, Parent: parent, HTML: strings.TrimSpace(buf.String()), Stamp: stamp.UnixMilli()}
	}
	return out, nil
}

// handleCommentStream serves one reader's live thread: first what
// changed since the page was made (since, in ms), then every change.
func (s *Server) handleCommentStream(w http.ResponseWriter, r *http.Request) {
	s.serveStream(w, r, s.live)
}

// serveStream serves one reader of a follower's article: first what
// changed since the page was made (since, in ms), then every change.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request, l *liveThreads) {
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("post"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "post must be an article number", http.StatusBadRequest)
		return
	}
	since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
	// Subscribed before the snapshot is read: nothing falls in between.
	sub := l.hub.Subscribe(l.topic(id))
	defer func() { sub.Close(); l.forget(id) }()
	th := l.thread(r.Context(), id)
	th.mu.Lock()
	if th.missing || !th.ready {
		th.mu.Unlock()
		s.notFound(w, r)
		return
	}
	var catchUp []*liveComment
	for _, c := range th.sent {
		if c.Stamp > since {
			catchUp = append(catchUp, c)
		}
	}
	th.mu.Unlock()
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives the server's write timeout
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write([]byte("retry: 3000\n\n"))
	slices.SortFunc(catchUp, func(a, b *liveComment) int { return cmp.Compare(a.ID, b.ID) })
	for _, c := range catchUp {
		data, _ := json.Marshal(c)
		if live.Write(w, live.Event{Name: l.item, Data: data}) != nil {
			return
		}
	}
	s.streamEvents(r.Context(), w, rc, sub)
}

// streamEvents writes the subscription's events until the reader leaves,
// the hub drops it, or the server shuts down.
func (s *Server) streamEvents(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, sub *live.Subscription) {
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		if rc.Flush() != nil {
			return
		}
		select {
		case ev := <-sub.C:
			if live.Write(w, ev) != nil {
				return
			}
		case <-beat.C:
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		case <-sub.Done():
			return
		case <-ctx.Done():
			return
		case <-s.life.Done():
			return
		}
	}
}
