package web

import (
	"context"
	"html"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"communique"
	"communique/feed"
	"communique/markup"
)

// Feeds live where WordPress puts them, so readers moving over keep their
// subscriptions: /feed/ (RSS 2.0), /feed/atom/, /feed/json/ (JSON Feed),
// the same under /category/…/, /tag/…/, /author/…/ and an article's URL
// (its comments), and /comments/feed/ for all recent comments.

// feedFormats maps the segment after feed/ to a format; rss2 is
// WordPress's name for its RSS feed.
var feedFormats = map[string]string{"rss2": feed.RSS, "atom": feed.Atom, "json": feed.JSON}

// splitFeed recognises a trailing feed/ or feed/{rss2,atom,json}/ and
// returns the format and the path segments before it.
func splitFeed(segs []string) (format string, rest []string, ok bool) {
	n := len(segs)
	switch {
	case n >= 1 && segs[n-1] == "feed":
		return feed.RSS, segs[:n-1], true
	case n >= 2 && segs[n-2] == "feed":
		if f, known := feedFormats[segs[n-1]]; known {
			return f, segs[:n-2], true
		}
	}
	return "", nil, false
}

// feedPath returns the URL path of a page's feed in a format.
func feedPath(pagePath, format string) string {
	switch format {
	case feed.Atom:
		return pagePath + "feed/atom/"
	case feed.JSON:
		return pagePath + "feed/json/"
	}
	return pagePath + "feed/"
}

// handleFeed serves the feed named by segs (the path before feed/).
func (s *Server) handleFeed(w http.ResponseWriter, r *http.Request, st *site, format string, segs []string) {
	s.serveDoc(w, r, func(r *http.Request) *doc {
		f, ok := s.buildFeed(w, r, st, format, segs)
		if !ok {
			return nil
		}
		f.FeedURL = st.base + r.URL.Path
		b, err := feed.Render(f, format)
		if err != nil {
			s.renderError(w, r, err)
			return nil
		}
		return newDoc(b, feed.ContentType(format), f.LastModified())
	})
}

// buildFeed makes the feed for segs, or answers (404, 301) and returns
// false.
func (s *Server) buildFeed(w http.ResponseWriter, r *http.Request, st *site, format string, segs []string) (*feed.Feed, bool) {
	ctx := r.Context()
	f := s.newFeed(st)
	post := communique.TypePost
	filter := communique.ArticleFilter{Type: &post, Status: published, Limit: st.settings.FeedItems}
	redirectTo := func(pagePath string) (*feed.Feed, bool) {
		http.Redirect(w, r, feedPath(pagePath, format), http.StatusMovedPermanently)
		return nil, false
	}
	// A feed whose items could not be read is an error (503 while the
	// store is away), never an empty feed that readers would take for
	// news and caches would keep.
	filled := func(err error) (*feed.Feed, bool) {
		if err != nil {
			s.renderError(w, r, err)
			return nil, false
		}
		return f, true
	}
	switch {
	case len(segs) == 0:
		return filled(s.addArticles(ctx, st, f, filter))
	case len(segs) == 1 && segs[0] == "comments":
		f.Title = st.words.T("feed.comments_for", st.settings.Title)
		return filled(s.addComments(r, st, f, nil))
	case segs[0] == "category" && len(segs) >= 2:
		for _, c := range st.cats {
			if c.Slug != segs[len(segs)-1] {
				continue
			}
			u := s.termURL(st, c)
			if "/"+strings.Join(segs, "/")+"/" != u {
				return redirectTo(u)
			}
			s.termFeed(st, f, c, u)
			filter.TermID = &c.ID
			return filled(s.addArticles(ctx, st, f, filter))
		}
	case segs[0] == "tag" && len(segs) == 2:
		tax := communique.TaxonomyTag
		terms, err := s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax, Slug: &segs[1]})
		if err != nil {
			return filled(err)
		}
		if len(terms) == 1 {
			s.termFeed(st, f, terms[0], s.termURL(st, terms[0]))
			filter.TermID = &terms[0].ID
			return filled(s.addArticles(ctx, st, f, filter))
		}
	case segs[0] == "author" && len(segs) == 2:
		users, err := s.store.FindUsers(ctx, communique.UserFilter{Slug: &segs[1]})
		if err != nil {
			return filled(err)
		}
		if len(users) == 1 {
			u := users[0]
			f.Title = st.settings.Title + " » " + u.Name()
			f.Link = st.base + "/author/" + u.Slug + "/"
			filter.AuthorID = &u.ID
			return filled(s.addArticles(ctx, st, f, filter))
		}
	default:
		var a *communique.Article
		if m, ok := st.settings.Permalink.Match(segs); ok {
			a = s.findPost(ctx, m)
		}
		if a == nil {
			a = s.findPage(ctx, segs)
		}
		if a == nil || !a.IsPublic(s.Now()) {
			break
		}
		u := s.articleURL(ctx, st, a)
		if "/"+strings.Join(segs, "/")+"/" != u {
			return redirectTo(u)
		}
		f.Title = st.words.T("feed.comments_on", shownAs(st, a).Title)
		f.Link = st.base + u
		f.Updated = a.ModifiedAt
		if a.Protected() {
			return filled(nil) // its comments wait for the password, as its page's
		}
		return filled(s.addComments(r, st, f, a))
	}
	s.notFound(w, r)
	return nil, false
}

// newFeed is a feed of the whole site, to be narrowed.
func (s *Server) newFeed(st *site) *feed.Feed {
	return &feed.Feed{
		Title:       st.settings.Title,
		Link:        st.base + "/",
		Description: st.settings.Tagline,
		Language:    st.settings.Language,
		Generator:   "Communiqué " + communique.Version,
		Author:      feed.Person{Name: st.settings.Title, URL: st.base + "/"},
	}
}

func (s *Server) termFeed(st *site, f *feed.Feed, t *communique.Term, path string) {
	f.Title = st.settings.Title + " » " + t.Name
	f.Link = st.base + path
	if t.Description != "" {
		f.Description = t.Description
	}
}

// addArticles fills f with the newest published articles of filter.
func (s *Server) addArticles(ctx context.Context, st *site, f *feed.Feed, filter communique.ArticleFilter) error {
	list, _, err := s.store.FindArticles(ctx, filter)
	if err != nil {
		return err
	}
	full := st.settings.FeedFullText
	guids, err := s.articleGUIDs(ctx, list)
	if err != nil {
		return err
	}
	now := s.Now()
	var ids []int64
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	notes := s.notesOf(ctx, st, ids)
	for _, a := range list {
		if !a.IsPublic(now) {
			continue
		}
		it := s.articleItem(ctx, st, a, full, guids)
		if !a.Protected() {
			notesInFeed(it, notes[a.ID])
		}
		f.Items = append(f.Items, it)
	}
	return nil
}

// guidStore is a store that keeps the GUIDs of imported articles (the
// WordPress import does).
type guidStore interface {
	ArticleGUIDs(ctx context.Context, ids []int64) (map[int64]string, error)
}

// mediaStore is a store with the media library, for featured images.
type mediaStore interface {
	FindMediaByID(ctx context.Context, id int64) (*communique.Media, error)
}

// articleGUIDs returns the GUIDs imported articles kept, by id. Without
// them a feed would give its items new identities, and readers would
// show them again as new: a failure is the feed's failure.
func (s *Server) articleGUIDs(ctx context.Context, list []*communique.Article) (map[int64]string, error) {
	gs, ok := s.store.(guidStore)
	if !ok || len(list) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	return gs.ArticleGUIDs(ctx, ids)
}

// articleGUID is an article's permanent identifier in feeds: the GUID an
// imported article kept, else WordPress's permalink-independent form, so
// a move, a new slug or another permalink structure never makes readers
// see an article again as new.
func articleGUID(st *site, a *communique.Article, guids map[int64]string) string {
	if g := guids[a.ID]; g != "" {
		return g
	}
	return st.base + "/?p=" + strconv.FormatInt(a.ID, 10)
}

// featuredImage returns an article's featured image, or nil.
func (s *Server) featuredImage(ctx context.Context, a *communique.Article) *communique.Media {
	ms, ok := s.store.(mediaStore)
	if !ok || a.FeaturedMediaID == 0 {
		return nil
	}
	m, err := ms.FindMediaByID(ctx, a.FeaturedMediaID)
	if err != nil {
		if communique.ErrorCode(err) != communique.ENOTFOUND {
			s.logger.Error("featured image", "id", a.FeaturedMediaID, "err", err)
			incomplete(ctx)
		}
		return nil
	}
	return m
}

func (s *Server) articleItem(ctx context.Context, st *site, a *communique.Article, full bool, guids map[int64]string) *feed.Item {
	link := st.base + s.articleURL(ctx, st, a)
	shown := shownAs(st, a) // a protected article's feed entry holds no more than its page before the password
	it := &feed.Item{
		ID:           articleGUID(st, a, guids),
		Title:        shown.Title,
		Link:         link,
		Summary:      shown.Summary,
		Published:    a.PublishedAt,
		Updated:      a.ModifiedAt,
		CommentsURL:  link + "#comments",
		CommentsFeed: link + "feed/",
		CommentCount: a.CommentCount,
	}
	if m := s.featuredImage(ctx, a); m != nil {
		it.Enclosure = &feed.Enclosure{URL: st.base + m.URL(), Type: m.MimeType, Length: m.Size}
	}
	if full && a.Protected() {
		it.ContentHTML = "<p>" + html.EscapeString(shown.Summary) + "</p>"
	} else if full {
		it.ContentHTML = absoluteURLs(a.HTML, st.base)
	}
	if a.Author != nil {
		it.Author = feed.Person{Name: a.Author.Name(), URL: st.base + "/author/" + a.Author.Slug + "/"}
	}
	for _, c := range a.Categories {
		it.Categories = append(it.Categories, c.Name)
	}
	for _, t := range a.Tags {
		it.Categories = append(it.Categories, t.Name)
	}
	return it
}

// addComments fills f with the newest approved comments of a (of every
// public article when a is nil). Only public fields are read: the store
// never hands out email addresses for this, and the feed shows names.
func (s *Server) addComments(r *http.Request, st *site, f *feed.Feed, a *communique.Article) error {
	ctx := r.Context()
	n := st.settings.FeedItems
	filter := communique.CommentFilter{Status: []communique.CommentStatus{communique.CommentApproved}, Newest: true, Limit: n,
		PublishedOnly: true} // a thread closed from view leaves the feeds too
	if a != nil {
		filter.ArticleID = &a.ID
	} else {
		filter.Limit = n * 3 // some may be under articles no longer public
	}
	list, _, err := s.store.FindComments(ctx, filter)
	if err != nil {
		return err
	}
	articles := map[int64]*communique.Article{}
	guids := map[int64]string{}
	if a != nil {
		articles[a.ID] = a
		more, err := s.articleGUIDs(ctx, []*communique.Article{a})
		if err != nil {
			return err
		}
		maps.Copy(guids, more)
	}
	now := s.Now()
	for _, c := range list {
		if len(f.Items) == n {
			break
		}
		on, ok := articles[c.ArticleID]
		if !ok {
			on, err = s.store.FindArticleByID(ctx, c.ArticleID)
			switch {
			case communique.ErrorCode(err) == communique.ENOTFOUND:
				on = nil
			case err != nil:
				return err
			case !on.IsPublic(now) || on.Protected():
				on = nil
			default:
				more, err := s.articleGUIDs(ctx, []*communique.Article{on})
				if err != nil {
					return err
				}
				maps.Copy(guids, more)
			}
			articles[c.ArticleID] = on
		}
		if on == nil {
			continue
		}
		name := c.AuthorName
		if name == "" {
			name = st.words.T("comment.anonymous")
		}
		title := st.words.T("feed.comment_by", name)
		if a == nil {
			title = st.words.T("feed.comment_on_by", on.Title, name)
		}
		articleURL := s.articleURL(ctx, st, on)
		if page := s.commentPage(r, st, c); page > 1 {
			articleURL += "comment-page-" + strconv.Itoa(page) + "/"
		}
		f.Items = append(f.Items, &feed.Item{
			ID:          articleGUID(st, on, guids) + "#comment-" + strconv.FormatInt(c.ID, 10),
			Title:       title,
			Link:        st.base + articleURL + "#comment-" + strconv.FormatInt(c.ID, 10),
			Summary:     shorten(markup.PlainText(c.HTML), 300),
			ContentHTML: absoluteURLs(c.HTML, st.base),
			Author:      feed.Person{Name: name},
			Published:   c.CreatedAt,
			Updated:     c.EditedAt,
		})
	}
	return nil
}

// absoluteURLs makes the site-relative links and images of stored HTML
// absolute, since feed readers show it away from the site. The HTML was
// sanitized when stored, so attribute values are always double-quoted.
func absoluteURLs(html, base string) string {
	if !strings.Contains(html, `="/`) {
		return html
	}
	r := strings.NewReplacer(`href="/`, `href="`+base+`/`, `src="/`, `src="`+base+`/`)
	out := r.Replace(html)
	// Protocol-relative URLs (//host/…) were not site-relative.
	return strings.NewReplacer(`href="`+base+`//`, `href="//`, `src="`+base+`//`, `src="//`).Replace(out)
}

// shorten cuts plain text to at most n characters at a word boundary.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)[:n]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}

// documents serves the feeds and the numbered post sitemaps, whose URLs
// end paths the mux cannot match, before next (the site) sees them. They
// have their own cache and validators (doccache.go), so they stay out of
// the page cache.
func (s *Server) documents(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Every page names the Webmention endpoint (W3C Webmention
		// discovery); relative, it is resolved against the page.
		w.Header().Add("Link", "<"+webmentionPath+`>; rel="webmention"`)
		p := r.URL.Path
		if strings.HasPrefix(p, "/sitemap-posts-") {
			noteNotPage(w)
			s.handleSitemapPosts(w, r)
			return
		}
		if strings.HasSuffix(p, "/feed/") || strings.Contains(p, "/feed/") && strings.HasSuffix(p, "/") {
			segs := strings.Split(strings.Trim(p, "/"), "/")
			if format, rest, ok := splitFeed(segs); ok && utf8.ValidString(p) && len(p) <= 2048 && !strings.Contains(p, "//") && safeSegments(rest) {
				st, err := s.loadSite(r)
				if err != nil {
					s.renderError(w, r, err)
					return
				}
				noteFeed(w)
				s.handleFeed(w, r, st, format, rest)
				return
			}
		}
		next(w, r)
	}
}

// safeSegments rejects the path segments handleSite would: dot segments
// and overlong ones.
func safeSegments(segs []string) bool {
	for _, seg := range segs {
		if seg == "" || seg == "." || seg == ".." || len(seg) > 200 {
			return false
		}
	}
	return true
}
