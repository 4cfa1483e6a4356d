package web

import (
	"context"
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
		x.Updated = communique.FormatDate(m, st.settings.DateFormat+" "+st.settings.TimeFormat)
		x.UpdatedISO = m.Format(time.RFC3339)
	}
	words := len(strings.Fields(markup.PlainText(a.HTML)))
	x.ReadingTime = max(1, (words+wordsPerMinute/2)/wordsPerMinute)
	x.Share = shareLinks(canonical, a.Title)
	if a.Type != communique.TypePost {
		return x
	}
	if len(a.Categories) > 0 {
		c := a.Categories[0]
		if full, ok := st.cats[c.ID]; ok {
			c = full
		}
		x.Section = &link{c.Name, s.termURL(st, c)}
		x.MoreSection = s.storyList(ctx, st, communique.ArticleFilter{TermID: &c.ID, ExcludeIDs: []int64{a.ID}, Limit: 4})
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
	f.Type, f.Status, f.SkipTotal = &post, published, true
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

// shareLinks are plain links to share the article: no script, no
// request to anyone until the reader follows one.
func shareLinks(pageURL, title string) []link {
	u, t := url.QueryEscape(pageURL), url.QueryEscape(title)
	return []link{
		{"Email", "mailto:?subject=" + url.PathEscape(title) + "&body=" + url.PathEscape(pageURL)},
		{"Bluesky", "https://bsky.app/intent/compose?text=" + t + "%20" + u},
		{"Mastodon", "https://mastodonshare.com/?text=" + t + "&url=" + u},
		{"LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=" + u},
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + u},
		{"X", "https://x.com/intent/post?text=" + t + "&url=" + u},
	}
}

// neighbours are the previous and next posts, in the article's section
// when it has one, else among all posts.
func (s *Server) neighbours(ctx context.Context, st *site, a *communique.Article) (prev, next *link) {
	post := communique.TypePost
	var section *int64
	if len(a.Categories) > 0 {
		section = &a.Categories[0].ID
	}
	before := a.PublishedAt
	after := a.PublishedAt.Add(time.Microsecond)
	older, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, TermID: section, PublishedTo: &before, Limit: 1, SkipTotal: true})
	if err == nil && len(older) == 1 {
		prev = &link{older[0].Title, s.articleURL(ctx, st, older[0])}
	}
	newer, _, err2 := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &post, Status: published, TermID: section, PublishedFrom: &after, Oldest: true, Limit: 1, SkipTotal: true})
	if err2 == nil && len(newer) == 1 && newer[0].IsPublic(s.Now()) {
		next = &link{newer[0].Title, s.articleURL(ctx, st, newer[0])}
	}
	if err != nil || err2 != nil {
		incomplete(ctx) // the page reads without its neighbours, once
	}
	return prev, next
}
