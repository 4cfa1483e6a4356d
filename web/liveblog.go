package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/live"
	"communique/markup"
)

// Live blogs (issue 22): an article the desk marked live shows its
// entries newest first, each with its own anchor, under a summary of the
// key events; open pages follow /live/stream?post=ID, which pushes each
// new or edited entry and each removal through the same hub as live
// comment threads. Without JavaScript a reload shows them: the page is
// dropped from every node's cache when an entry changes.

// liveBlogStore is a store that keeps live blogs.
type liveBlogStore interface {
	FindLiveBlog(ctx context.Context, articleID int64) (*communique.LiveBlog, error)
	FindLiveEntries(ctx context.Context, articleID int64, limit int) ([]*communique.LiveEntry, error)
}

// liveLDUpdates bounds the entries listed in JSON-LD's liveBlogUpdate.
const liveLDUpdates = 50

// liveBlogView is a live blog as its page shows it.
type liveBlogView struct {
	Live             bool
	Started, Ended   string
	StartISO, EndISO string
	Stream           string
	Entries          []*liveEntryView
	KeyEvents        []*liveEntryView
}

// liveEntryView is one entry as the page and the stream show it.
type liveEntryView struct {
	ID       int64
	Anchor   string
	HTML     string
	Text     string // plain text, for JSON-LD
	Summary  string // the first words, for the key events list
	Time     string
	DateISO  string
	Modified string
	KeyEvent bool
	Author   string
}

// liveEntryView makes an entry's view; withText adds its plain text
// (JSON-LD, the key events list), which costs a parse of its HTML. An
// entry of a later day than the blog's start shows its date too.
func (s *Server) liveEntryView(st *site, l *communique.LiveBlog, e *communique.LiveEntry, withText bool) *liveEntryView {
	t := e.CreatedAt.In(st.settings.Location)
	shown := communique.FormatDate(t, st.settings.TimeFormat)
	if t.Format(time.DateOnly) != l.StartedAt.In(st.settings.Location).Format(time.DateOnly) {
		shown = communique.FormatDate(t, st.settings.DateFormat) + " " + shown
	}
	v := &liveEntryView{ID: e.ID, Anchor: "entry-" + strconv.FormatInt(e.ID, 10), HTML: e.HTML,
		KeyEvent: e.KeyEvent, Author: e.UserName,
		Time:    shown,
		DateISO: t.Format(time.RFC3339), Modified: e.UpdatedAt.UTC().Format(time.RFC3339)}
	if withText || e.KeyEvent {
		v.Text = markup.PlainText(e.HTML)
		v.Summary = shorten(v.Text, 120)
	}
	return v
}

// liveBlogOf returns the article's live blog with its entries, or nil
// when it is none. A failed read leaves the page without it, uncached.
func (s *Server) liveBlogOf(ctx context.Context, st *site, a *communique.Article) *liveBlogView {
	ls, ok := s.store.(liveBlogStore)
	if !ok || a.Type != communique.TypePost {
		return nil
	}
	l, err := ls.FindLiveBlog(ctx, a.ID)
	if communique.ErrorCode(err) == communique.ENOTFOUND {
		return nil
	}
	var entries []*communique.LiveEntry
	if err == nil {
		entries, err = ls.FindLiveEntries(ctx, a.ID, 0)
	}
	if err != nil {
		s.logger.Error("live blog", "article", a.ID, "err", err)
		incomplete(ctx)
		return nil
	}
	start := l.StartedAt.In(st.settings.Location)
	v := &liveBlogView{Live: l.Live(), StartISO: start.Format(time.RFC3339),
		Started: communique.FormatDate(start, st.settings.DateFormat) + " " + communique.FormatDate(start, st.settings.TimeFormat),
		Stream:  "/live/stream?post=" + strconv.FormatInt(a.ID, 10)}
	if !l.Live() {
		end := l.EndedAt.In(st.settings.Location)
		v.EndISO = end.Format(time.RFC3339)
		v.Ended = communique.FormatDate(end, st.settings.DateFormat) + " " + communique.FormatDate(end, st.settings.TimeFormat)
	}
	for i, e := range entries {
		ev := s.liveEntryView(st, l, e, i < liveLDUpdates)
		v.Entries = append(v.Entries, ev)
		if e.KeyEvent {
			v.KeyEvents = append(v.KeyEvents, ev)
		}
	}
	return v
}

// liveBlogLD makes the article's JSON-LD a LiveBlogPosting with its
// latest entries as liveBlogUpdate.
func liveBlogLD(ld map[string]any, v *liveBlogView, url string) {
	if v == nil {
		return
	}
	ld["@type"] = "LiveBlogPosting"
	ld["coverageStartTime"] = v.StartISO
	if v.EndISO != "" {
		ld["coverageEndTime"] = v.EndISO
	}
	for _, e := range v.Entries { // the blog changes with its entries
		if m, ok := ld["dateModified"].(string); ok && e.Modified > m {
			ld["dateModified"] = e.Modified
		}
	}
	var updates []map[string]any
	for i, e := range v.Entries {
		if i == liveLDUpdates {
			break
		}
		updates = append(updates, map[string]any{"@type": "BlogPosting", "headline": shorten(e.Text, 110),
			"articleBody": e.Text, "datePublished": e.DateISO, "dateModified": e.Modified, "url": url + "#" + e.Anchor})
	}
	if updates != nil {
		ld["liveBlogUpdate"] = updates
	}
}

func newLiveBlogs(s *Server, hub *live.Hub) *liveThreads {
	l := newLiveThreads(s, hub)
	l.topic = func(id int64) string { return "liveblog:" + strconv.FormatInt(id, 10) }
	l.item = "entry"
	l.read = l.readEntries
	return l
}

// readEntries renders a live blog's entries as its page shows them.
// ENOTFOUND when the article is not public or not a live blog.
func (l *liveThreads) readEntries(ctx context.Context, id int64) (map[int64]*liveComment, error) {
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
	ls, ok := s.store.(liveBlogStore)
	if !ok || !a.IsPublic(s.Now()) || a.Protected() { // the stream is everyone's: not a protected article's
		return nil, communique.Errorf(communique.ENOTFOUND, "Article not found.")
	}
	blog, err := ls.FindLiveBlog(ctx, id)
	if err != nil {
		return nil, err
	}
	entries, err := ls.FindLiveEntries(ctx, id, 0)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*liveComment, len(entries))
	var buf bytes.Buffer
	for _, e := range entries {
		buf.Reset()
		if err := s.views.ExecuteIn(s.messages.Match(st.settings.Language), &buf, "article", "live-entry", s.liveEntryView(st, blog, e, false)); err != nil {
			return nil, err
		}
		out[e.ID] = &liveComment{ID: e.ID, HTML: strings.TrimSpace(buf.String()), Stamp: e.UpdatedAt.UnixMilli()}
	}
	return out, nil
}

// handleLiveStream serves one reader of a live blog.
func (s *Server) handleLiveStream(w http.ResponseWriter, r *http.Request) {
	s.serveStream(w, r, s.liveBlog)
}
