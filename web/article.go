package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
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

func (s *Server) articleExtras(ctx context.Context, st *site, v *articleView, canonical string) articleExtras {
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
	if len(a.Categories) > 0 {
		c := a.Categories[0]
		if full, ok := st.cats[c.ID]; ok {
			c = full
		}
		x.Section = &link{c.Name, s.termURL(st, c)}
		x.MoreSection = s.storyList(ctx, st, communique.ArticleFilter{CategoryIDs: []int64{c.ID}, ExcludeIDs: []int64{a.ID}, Limit: 4})
	}
	if len(a.Tags) > 0 {
		var tags []int64
		for _, t := range a.Tags {
			tags = append(tags, t.ID)
		}
		exclude := []int64{a.ID}
		for _, m := range x.MoreSection {
			exclude = append(exclude, m.ID)
		}
		x.Related = s.storyList(ctx, st, communique.ArticleFilter{TagIDs: tags, ExcludeIDs: exclude, Limit: 4})
	}
	return x
}

// storyList returns published posts matching f as cards; a failed
// lookup leaves the list out of this answer and out of the cache.
func (s *Server) storyList(ctx context.Context, st *site, f communique.ArticleFilter) []*articleView {
	post := communique.TypePost
	f.Type, f.Status, f.SkipTotal, f.Bare = &post, published, true, true
	list, _, err := s.store.FindArticles(ctx, f)
	if err != nil {
		incomplete(ctx)
		return nil
	}
	var out []*articleView
	for _, a := range list {
		if a.IsPublic(s.Now()) {
			out = append(out, s.view(ctx, st, a))
		}
	}
	return out
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

// neighbours are the previous and next posts of the site.
func (s *Server) neighbours(ctx context.Context, st *site, a *communique.Article) (prev, next *link) {
	post := communique.TypePost
	before := a.PublishedAt
	after := a.PublishedAt.Add(time.Microsecond)
	older, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, PublishedTo: &before, Limit: 1, SkipTotal: true, Bare: true})
	if err == nil && len(older) == 1 {
		prev = &link{older[0].Title, s.articleURL(ctx, st, older[0])}
	}
	newer, _, err2 := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, PublishedFrom: &after, Oldest: true, Limit: 1, SkipTotal: true, Bare: true})
	if err2 == nil && len(newer) == 1 && newer[0].IsPublic(s.Now()) {
		next = &link{newer[0].Title, s.articleURL(ctx, st, newer[0])}
	}
	if err != nil || err2 != nil {
		incomplete(ctx) // the page reads without its neighbours, once
	}
	return prev, next
}
