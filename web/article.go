package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"communique"
	"communique/markup"
)

// What a news article page shows around the body: the deck, when it was
// updated, how long it reads, plain share links, more from its section,
// related stories and its neighbours in the section. Each list is one
// indexed query; the page cache keeps the result until content changes.

// articleExtras is the part of the article page beyond the body.
type articleExtras struct {
	Standfirst  string // the editor's excerpt, as a deck under the headline
	Updated     string // "Updated …" when changed well after publication
	UpdatedISO  string
	ReadingTime int // minutes
	Share       []link
	Section     *link // the section whose stories "More from" lists
	MoreSection []*articleView
	Related     []*articleView
}

// updatedAfter is how long after publication a change counts as an update
// readers should see (a typo fixed at once is not news).
const updatedAfter = 10 * time.Minute

// wordsPerMinute is a reader's pace for the reading time.
const wordsPerMinute = 230

func (s *Server) articleExtras(st *site, v *articleView, canonical string, ar *around) articleExtras {
	a := v.Article
	x := articleExtras{Standfirst: strings.TrimSpace(a.Excerpt)}
	loc := st.settings.Location
	if a.ModifiedAt.Sub(a.PublishedAt) > updatedAfter && a.PublishedAt.Before(s.Now()) {
		m := a.ModifiedAt.In(loc)
		x.Updated = communique.FormatDateIn(m, st.settings.DateFormat+" "+st.settings.TimeFormat, st.words)
		x.UpdatedISO = m.Format(time.RFC3339)
	}
	words := len(strings.Fields(markup.PlainText(a.HTML)))
	x.ReadingTime = max(1, (words+wordsPerMinute/2)/wordsPerMinute)
	x.Share = shareLinks(canonical)
	if a.Type != communique.TypePost {
		return x
	}
	x.Section, x.MoreSection, x.Related = ar.section, ar.more, ar.related
	return x
}

// around is what a post's page lists of other posts: more from its
// section, related stories, and its neighbours. It depends only on
// articles, terms and settings, whose every change drops the site
// snapshot ("content"), so it is kept in the snapshot: a page view
// reads it from memory until content changes, instead of four queries.
type around struct {
	section       *link
	more, related []*articleView
	prev, next    *link
}

// aroundCache is one snapshot's lists, by article and host. It stops
// growing at aroundMax entries (a crawler walking every article between
// two changes), after which pages query as before.
type aroundCache struct {
	m sync.Map // aroundKey -> *around
	n atomic.Int32
}

type aroundKey struct {
	id   int64
	base string
}

const aroundMax = 5000

// aroundOf returns the post's lists, from the snapshot when it has them.
// Lists made while a query failed, or that passed over a post not yet
// public (it becomes public with no write to tell us), are not kept.
func (s *Server) aroundOf(ctx context.Context, st *site, a *communique.Article) *around {
	if a.Type != communique.TypePost {
		return &around{}
	}
	k := aroundKey{a.ID, st.base}
	if st.around != nil {
		if v, ok := st.around.m.Load(k); ok {
			return v.(*around)
		}
	}
	ar, keep := &around{}, true
	if len(a.Categories) > 0 {
		c := a.Categories[0]
		if full, ok := st.cats[c.ID]; ok {
			c = full
		}
		ar.section = &link{c.Name, s.termURL(st, c)}
		var ok bool
		ar.more, ok = s.storyList(ctx, st, communique.ArticleFilter{CategoryIDs: []int64{c.ID}, ExcludeIDs: []int64{a.ID}, Limit: 4})
		keep = keep && ok
	}
	if len(a.Tags) > 0 {
		var tags []int64
		for _, t := range a.Tags {
			tags = append(tags, t.ID)
		}
		exclude := []int64{a.ID}
		for _, m := range ar.more {
			exclude = append(exclude, m.ID)
		}
		var ok bool
		ar.related, ok = s.storyList(ctx, st, communique.ArticleFilter{TagIDs: tags, ExcludeIDs: exclude, Limit: 4})
		keep = keep && ok
	}
	var ok bool
	ar.prev, ar.next, ok = s.neighbours(ctx, st, a)
	keep = keep && ok
	if keep && st.around != nil && st.around.n.Load() < aroundMax {
		if _, loaded := st.around.m.LoadOrStore(k, ar); !loaded {
			st.around.n.Add(1)
		}
	}
	return ar
}

// storyList returns published posts matching f as cards; a failed
// lookup leaves the list out of this answer and out of the cache. ok is
// false when the list may change with no write: a lookup failed, or a
// post was passed over as not yet public.
func (s *Server) storyList(ctx context.Context, st *site, f communique.ArticleFilter) (out []*articleView, ok bool) {
	post := communique.TypePost
	f.Type, f.Status, f.SkipTotal, f.Bare = &post, published, true, true
	list, _, err := s.store.FindArticles(ctx, f)
	if err != nil {
		incomplete(ctx)
		return nil, false
	}
	ok = true
	for _, a := range list {
		if a.IsPublic(s.Now()) {
			out = append(out, s.view(ctx, st, a))
		} else {
			ok = false
		}
	}
	return out, ok
}

// shareServices are where share links lead, each given the page's
// address. Links go through /share/ on the site, so a page names no other
// site and nothing is asked of one until a reader follows a link.
var shareServices = []struct{ id, label, prefix string }{
	{"email", "Email", "mailto:?body="},
	{"bluesky", "Bluesky", "https://bsky.app/intent/compose?text="},
	{"mastodon", "Mastodon", "https://mastodonshare.com/?url="},
	{"linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url="},
	{"facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u="},
	{"x", "X", "https://x.com/intent/post?url="},
}

// shareLinks are the article's share links, on the site's own /share/.
func shareLinks(path string) []link {
	out := make([]link, len(shareServices))
	for i, sv := range shareServices {
		out[i] = link{sv.label, "/share/" + sv.id + "?p=" + url.QueryEscape(path)}
	}
	return out
}

// handleShare sends a reader who chose to share a page on to the service,
// with the page's address on this site; an unknown service or a path that
// is not the site's own is a 404, so this is no open redirect.
func (s *Server) handleShare(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Query().Get("p")
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") || !communique.ValidText(p) || len(p) > 2048 {
		s.notFound(w, r)
		return
	}
	for _, sv := range shareServices {
		if sv.id == r.PathValue("service") {
			w.Header().Set("Cache-Control", "public, max-age=86400")
			w.Header().Set("Referrer-Policy", "no-referrer")
			http.Redirect(w, r, sv.prefix+url.QueryEscape(st.base+p), http.StatusFound)
			return
		}
	}
	s.notFound(w, r)
}

// neighbours are the previous and next posts of the site; ok as for
// storyList.
func (s *Server) neighbours(ctx context.Context, st *site, a *communique.Article) (prev, next *link, ok bool) {
	post := communique.TypePost
	before := a.PublishedAt
	after := a.PublishedAt.Add(time.Microsecond)
	older, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, PublishedTo: &before, Limit: 1, SkipTotal: true, Bare: true})
	if err == nil && len(older) == 1 {
		prev = &link{older[0].Title, s.articleURL(ctx, st, older[0])}
	}
	newer, _, err2 := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, PublishedFrom: &after, Oldest: true, Limit: 1, SkipTotal: true, Bare: true})
	ok = err == nil && err2 == nil
	if err2 == nil && len(newer) == 1 {
		if newer[0].IsPublic(s.Now()) {
			next = &link{newer[0].Title, s.articleURL(ctx, st, newer[0])}
		} else {
			ok = false
		}
	}
	if !ok {
		incomplete(ctx) // the page reads without its neighbours, once
	}
	return prev, next, ok
}
