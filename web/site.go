package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/i18n"
)

// site is what every public page needs, loaded once per request.
type site struct {
	settings *communique.Settings
	cats     map[int64]*communique.Term // every category, for paths and menus
	nav      []navItem                  // the primary menu, without "current"
	base     string                     // scheme://host for canonical URLs
	around   *aroundCache               // posts' lists of other posts (article.go)
	words    *i18n.Localizer            // the site language's messages and date names
}

// loadSite returns the settings, categories and menu. When changes made
// elsewhere reach this server (the watcher runs, or the store stamps its
// writes) they come from a snapshot that lives until the store says
// content changed; otherwise from the store on every request.
func (s *Server) loadSite(r *http.Request) (*site, error) {
	safe := s.snapshotSafe()
	snap := s.snapshot.Load()
	if snap == nil || !safe {
		gen := s.snapshotGen.Load()
		var err error
		ctx, pt := withPageTags(r.Context())
		if snap, err = s.loadSnapshot(ctx); err != nil {
			return nil, err
		}
		// A snapshot that lacks a part is used for this answer only, and
		// makes the answer one that no cache keeps.
		if isIncomplete(ctx) || pt.isIncomplete() {
			incomplete(r.Context())
		} else if safe && s.snapshotGen.Load() == gen {
			s.snapshot.Store(snap)
		}
	}
	st := *snap
	st.base = st.settings.SiteURL
	if st.base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		st.base = scheme + "://" + r.Host
	}
	return &st, nil
}

func (s *Server) loadSnapshot(ctx context.Context) (*site, error) {
	values, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	st := &site{settings: communique.ParseSettings(values), cats: map[int64]*communique.Term{}, around: &aroundCache{}}
	st.words = s.messages.For(st.settings.Language)
	tax := communique.TaxonomyCategory
	cats, err := s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax})
	if err != nil {
		return nil, err
	}
	for _, c := range cats {
		st.cats[c.ID] = c
	}
	if st.nav, err = s.nav(ctx, st); err != nil {
		return nil, err
	}
	return st, nil
}

// pageData is the part of every page's data that the layout uses.
type pageData struct {
	Site        *communique.Settings
	Title       string // the document title, without the site name
	Description string
	Canonical   string
	NoIndex     bool
	Nav         []navItem
	Path        string
	Head        headData // feeds, sharing tags, structured data (seo.go)
	// SearchPage leaves out the header's search box: the page has its own.
	SearchPage bool
	// Breaking is the breaking-news banner while it is on; nil otherwise.
	Breaking *communique.BreakingNews
	// ThemeCSS is the site's own stylesheet (accent, type); "" for none.
	ThemeCSS string
}

type navItem struct {
	Label    string
	URL      string
	Current  bool
	Children []navItem
}

func (s *Server) fillPage(r *http.Request, p *pageData, title string) {
	st, err := s.loadSite(r)
	if err != nil {
		p.Site = communique.ParseSettings(nil)
		p.Title = title
		return
	}
	s.fillPageFrom(r, st, p, title, "")
}

func (s *Server) fillPageFrom(r *http.Request, st *site, p *pageData, title, canonicalPath string) {
	p.Site = st.settings
	p.Title = title
	p.Path = r.URL.Path
	if canonicalPath != "" {
		p.Canonical = st.base + canonicalPath
	}
	p.Nav = markCurrent(st.nav, r.URL.Path)
	p.ThemeCSS = themeURL(st.settings)
	if b := st.settings.Breaking(); b.ShownAt(s.Now()) {
		p.Breaking = &b
		if !b.Until.IsZero() {
			expirePage(r.Context(), b.Until) // no cache shows it after
		}
	}
	s.fillHead(st, p)
}

// markCurrent copies the menu, marking the item for the current page.
func markCurrent(items []navItem, current string) []navItem {
	out := make([]navItem, len(items))
	for i, it := range items {
		it.Current = it.URL == current
		it.Children = markCurrent(it.Children, current)
		out[i] = it
	}
	return out
}

// nav builds the primary menu: the stored one when an editor or an import
// placed one, else the top categories that have articles and the top pages.
func (s *Server) nav(ctx context.Context, st *site) ([]navItem, error) {
	menus, err := s.store.FindMenus(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range menus {
		if m.Location == communique.MenuPrimary {
			return s.menuItems(ctx, st, m.Items, 0), nil
		}
	}
	var items []navItem
	var top []*communique.Term
	for _, c := range st.cats {
		if c.ParentID == 0 && c.Count > 0 {
			top = append(top, c)
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].Count != top[j].Count {
			return top[i].Count > top[j].Count
		}
		return top[i].Name < top[j].Name
	})
	for i, c := range top {
		if i == 6 {
			break
		}
		u := s.termURL(st, c)
		items = append(items, navItem{Label: c.Name, URL: u})
	}
	page := communique.TypePage
	pages, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &page, Status: []communique.Status{communique.StatusPublished}, Oldest: true, Limit: 50})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(pages, func(i, j int) bool { return pages[i].MenuOrder < pages[j].MenuOrder })
	n := 0
	for _, p := range pages {
		if p.ParentID != 0 || n == 5 {
			continue
		}
		n++
		u := "/" + p.Slug + "/"
		items = append(items, navItem{Label: p.Title, URL: u})
	}
	return items, nil
}

func (s *Server) menuItems(ctx context.Context, st *site, items []*communique.MenuItem, parent int64) []navItem {
	var out []navItem
	for _, it := range items {
		if it.ParentID != parent {
			continue
		}
		u := it.URL
		switch it.ObjectType {
		case "term":
			if c, ok := st.cats[it.ObjectID]; ok {
				u = s.termURL(st, c)
			} else if ts, err := s.store.FindTerms(ctx, communique.TermFilter{ID: &it.ObjectID, Limit: 1}); err == nil && len(ts) == 1 {
				u = s.termURL(st, ts[0]) // a tag: the categories are at hand, tags are not
			} else if err != nil {
				incomplete(ctx)
			}
		case "article":
			a, err := s.store.FindArticleByID(ctx, it.ObjectID)
			switch {
			case err == nil:
				u = s.articleURL(ctx, st, a)
			case communique.ErrorCode(err) != communique.ENOTFOUND:
				incomplete(ctx) // the item is missing for now, not gone
			}
		}
		if u == "" {
			continue
		}
		out = append(out, navItem{Label: it.Label, URL: u, Children: s.menuItems(ctx, st, items, it.ID)})
	}
	return out
}

// articleURL is the public path of an article or page.
func (s *Server) articleURL(ctx context.Context, st *site, a *communique.Article) string {
	var parents []string
	for parent, depth := a.ParentID, 0; parent != 0 && depth < 10; depth++ {
		p, err := s.store.FindArticleByID(ctx, parent)
		if err != nil {
			if communique.ErrorCode(err) != communique.ENOTFOUND {
				incomplete(ctx) // this path may be wrong: keep it out of caches
			}
			break
		}
		parents = append([]string{p.Slug}, parents...)
		parent = p.ParentID
	}
	return communique.ArticlePath(a, st.settings, parents)
}

func (s *Server) termURL(st *site, t *communique.Term) string {
	if t.Taxonomy == communique.TaxonomyTag {
		return "/tag/" + t.Slug + "/"
	}
	return "/category/" + strings.Join(communique.TermPath(t, st.cats), "/") + "/"
}

// articleView is an article as templates show it.
type articleView struct {
	*communique.Article
	URL        string
	Date       string
	DateISO    string
	Modified   string
	AuthorName string // every name credited, "A, B and C"
	AuthorURL  string // the first one's page
	Bylines    []link // each person credited, in order, with their page
	Categories []link
	Tags       []link
	Image      *imageView    // the featured image; nil for none (media.go)
	Notes      []noteView    // corrections and updates, oldest first (desk.go)
	Live       *liveBlogView // the live blog; nil when the article is none (liveblog.go)
	// Locked is a password-protected article whose password the reader
	// has not given: its body, excerpt and comments are not shown
	// (protected.go).
	Locked bool
}

type link struct{ Label, URL string }

func (s *Server) view(ctx context.Context, st *site, a *communique.Article) *articleView {
	loc := st.settings.Location
	v := &articleView{
		Article:  a,
		URL:      s.articleURL(ctx, st, a),
		Date:     communique.FormatDateIn(a.PublishedAt.In(loc), st.settings.DateFormat, st.words),
		DateISO:  a.PublishedAt.In(loc).Format(time.RFC3339),
		Modified: a.ModifiedAt.In(loc).Format(time.RFC3339),
	}
	if a.Author != nil {
		v.AuthorName = a.Author.Name()
		v.AuthorURL = "/author/" + a.Author.Slug + "/"
		v.Bylines = []link{{v.AuthorName, v.AuthorURL}}
	}
	if len(a.Bylines) > 0 {
		v.Bylines = v.Bylines[:0]
		names := make([]string, len(a.Bylines))
		for i, b := range a.Bylines {
			v.Bylines = append(v.Bylines, link{b.Name, "/author/" + b.Slug + "/"})
			names[i] = b.Name
		}
		v.AuthorName, v.AuthorURL = st.words.List(names), v.Bylines[0].URL
	}
	for _, c := range a.Categories {
		if full, ok := st.cats[c.ID]; ok {
			c = full
		}
		v.Categories = append(v.Categories, link{c.Name, s.termURL(st, c)})
	}
	for _, t := range a.Tags {
		v.Tags = append(v.Tags, link{t.Name, s.termURL(st, t)})
	}
	v.Article = shownAs(st, a)
	v.Locked = a.Protected()
	return v
}

// shownAs is the article as pages and feeds show it: a private one titled
// "Private: …" (only staff see it), a protected one titled "Protected: …"
// with its body, excerpt and summary replaced by WordPress's sentence,
// so no list, feed or head of a page can show them. The article page
// puts the body back for a reader who gave the password (unlock).
func shownAs(st *site, a *communique.Article) *communique.Article {
	switch {
	case a.Status == communique.StatusPrivate:
		c := *a
		c.Title = st.words.T("article.private_title", a.Title)
		return &c
	case a.Protected():
		c := *a
		c.Title = st.words.T("article.protected_title", a.Title)
		c.HTML, c.Source, c.Excerpt = "", "", ""
		c.Summary = st.words.T("article.protected_excerpt")
		return &c
	}
	return a
}

// unlock shows a protected article's body to a reader who gave its
// password: the title keeps its "Protected: " as in WordPress.
func unlock(v *articleView, a *communique.Article) {
	c := *a
	c.Title = v.Article.Title
	v.Article, v.Locked = &c, false
}

// listPage is the front page and every archive.
type listPage struct {
	pageData
	Heading     string
	Kicker      string // "Category", "Tag", "Author", "Archives"
	Intro       string
	Photo       *imageView // an author's photo, on their page
	Articles    []*articleView
	Page, Pages int
	PrevURL     string
	NextURL     string
	// SetupURL leads an empty site's owner to create the first
	// administrator, while none exists.
	SetupURL string
	// Fediverse is the author's fediverse handle and follower count,
	// when the site shows them (federation_follower_counts).
	Fediverse *fediverseCount
}

// fediverseCount is an author's fediverse handle and followers.
type fediverseCount struct {
	Handle    string
	Followers int
}

type articlePage struct {
	pageData
	Article    *articleView
	Extras     articleExtras // deck, update, reading time, share, more (article.go)
	Prev, Next *link
	// PageLinks lead to the pages of an article split by page breaks
	// (paging.go); nil for an article of one page.
	PageLinks  []pageLink
	Discussion *discussionView
	Mentions   []mentionView // approved webmentions (webmention.go)
	// PasswordWrong says the password given was not the article's.
	PasswordWrong bool
}

// articleOptions change how an article page is shown: a comment page, or
// the reply form coming back with errors.
type articleOptions struct {
	commentPage int
	form        *commentForm
	status      int
	noRedirect  bool // a POST answer shows the page at the POST's URL
	// passwordWrong shows a protected article's form again with the
	// message that the password was not right.
	passwordWrong bool
}

var published = []communique.Status{communique.StatusPublished}

// handleSite routes every public URL that is not a fixed route: the
// front page, archives, articles under the permalink structure, pages and
// the 301s for old URLs.
func (s *Server) handleSite(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if !communique.ValidText(p) || len(p) > 2048 || strings.Contains(p, "//") {
		s.notFound(w, r)
		return
	}
	if p != "/" && !strings.HasSuffix(p, "/") {
		if strings.Contains(lastSegment(p), ".") {
			s.notFound(w, r) // a missing file, not a page
			return
		}
		target := p + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	segs := []string{}
	if p != "/" {
		segs = strings.Split(strings.Trim(p, "/"), "/")
	}
	for _, seg := range segs {
		if seg == "." || seg == ".." || len(seg) > 200 {
			s.notFound(w, r)
			return
		}
	}
	// A trailing page/N/ selects a page of any listing.
	page := 1
	if n := len(segs); n >= 2 && segs[n-2] == "page" {
		page, err = strconv.Atoi(segs[n-1])
		if err != nil || page < 1 || page > 1_000_000 || segs[n-1] != strconv.Itoa(page) {
			s.notFound(w, r)
			return
		}
		if page == 1 {
			http.Redirect(w, r, "/"+strings.Join(segs[:n-2], "/")+strings.Repeat("/", min(1, n-2)), http.StatusMovedPermanently)
			return
		}
		segs = segs[:n-2]
	}
	if len(segs) == 0 && s.redirectQuery(w, r, st) {
		return // a WordPress link by id (redirect.go)
	}
	switch {
	case len(segs) == 0:
		if q, ok := r.URL.Query()["s"]; ok && page == 1 {
			s.search(w, r, st, q[0]) // WordPress's search URL
			return
		}
		if page == 1 && s.editedFront(w, r, st) {
			return // the zones an editor arranged (front.go)
		}
		s.list(w, r, st, page, "/", communique.ArticleFilter{StickyFirst: true}, listPage{Heading: st.words.T("list.latest")})
		return
	case segs[0] == "category" && len(segs) >= 2:
		s.categoryArchive(w, r, st, segs[1:], page)
		return
	case segs[0] == "tag" && len(segs) == 2:
		s.termArchive(w, r, st, communique.TaxonomyTag, segs[1], page)
		return
	case segs[0] == "author" && len(segs) == 2:
		s.authorArchive(w, r, st, segs[1], page)
		return
	case segs[0] == "corrections" && len(segs) == 1 && page == 1:
		s.corrections(w, r, st)
		return
	}
	if from, to, heading, ok := dateArchive(segs, st.settings.Location, st.words); ok {
		s.list(w, r, st, page, p, communique.ArticleFilter{PublishedFrom: &from, PublishedTo: &to},
			listPage{Kicker: "Archives", Heading: heading})
		return
	}
	if page > 1 {
		s.notFound(w, r)
		return
	}
	s.serveArticlePath(w, r, st, segs)
}

// serveArticlePath serves the article or page at the path segments, with a
// trailing comment-page-N/ selecting a page of its comments, or sends an
// old address on to where the article lives now.
func (s *Server) serveArticlePath(w http.ResponseWriter, r *http.Request, st *site, segs []string) {
	// A trailing comment-page-N/ selects a page of an article's comments.
	opts := articleOptions{commentPage: 1}
	if n := len(segs); n >= 2 && strings.HasPrefix(segs[n-1], "comment-page-") {
		cp, err := strconv.Atoi(strings.TrimPrefix(segs[n-1], "comment-page-"))
		if err != nil || cp < 1 || cp > 1_000_000 {
			s.notFound(w, r)
			return
		}
		opts.commentPage = cp
		segs = segs[:n-1]
	}
	if m, ok := st.settings.Permalink.Match(segs); ok {
		if a := s.findPostFor(r, m); a != nil {
			s.article(w, r, st, a, opts)
			return
		}
	}
	if a := s.findPageFor(r, segs); a != nil {
		s.article(w, r, st, a, opts)
		return
	}
	s.redirectOld(w, r, st, segs)
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// findPost finds a public post by its permalink.
func (s *Server) findPost(ctx context.Context, m communique.PermalinkMatch) *communique.Article {
	return s.findPostAs(ctx, m, published, func(a *communique.Article) bool { return a.IsPublic(s.Now()) })
}

// findPostFor finds the post at a permalink that the request may read: a
// private one too for staff who may.
func (s *Server) findPostFor(r *http.Request, m communique.PermalinkMatch) *communique.Article {
	return s.findPostAs(r.Context(), m, visibleStatuses(r), func(a *communique.Article) bool { return s.mayRead(r, a) })
}

func (s *Server) findPostAs(ctx context.Context, m communique.PermalinkMatch, statuses []communique.Status, may func(*communique.Article) bool) *communique.Article {
	post := communique.TypePost
	f := communique.ArticleFilter{Type: &post, Status: statuses, Limit: 1, SkipTotal: true}
	if m.ID != 0 {
		f.ID = &m.ID
	} else {
		f.Slug = &m.Slug
	}
	list, _, err := s.store.FindArticles(ctx, f)
	if err != nil || len(list) == 0 || !may(list[0]) {
		return nil
	}
	return list[0]
}

// findPage finds a published page by its path of slugs.
func (s *Server) findPage(ctx context.Context, segs []string) *communique.Article {
	return s.findPageAs(ctx, segs, published, func(*communique.Article) bool { return true })
}

// findPageFor finds the page at a path that the request may read: a
// private one too for staff who may.
func (s *Server) findPageFor(r *http.Request, segs []string) *communique.Article {
	return s.findPageAs(r.Context(), segs, visibleStatuses(r), func(a *communique.Article) bool { return s.mayRead(r, a) })
}

func (s *Server) findPageAs(ctx context.Context, segs []string, statuses []communique.Status, may func(*communique.Article) bool) *communique.Article {
	page := communique.TypePage
	slug := segs[len(segs)-1]
	list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Type: &page, Slug: &slug, Status: statuses, Limit: 1, SkipTotal: true})
	if err != nil || len(list) == 0 || !may(list[0]) {
		return nil
	}
	return list[0]
}

// redirectOld answers 301 for URLs an article had before: an old slug,
// another date, or another permalink structure.
func (s *Server) redirectOld(w http.ResponseWriter, r *http.Request, st *site, segs []string) {
	ctx := r.Context()
	slug := segs[len(segs)-1]
	var a *communique.Article
	list, _, err := s.store.FindArticles(ctx, communique.ArticleFilter{Slug: &slug, Status: published, Limit: 1, SkipTotal: true})
	if err != nil {
		// The lookups before this one swallow errors into "not found";
		// here, the last of them, a store that fails is no 404.
		s.renderError(w, r, err)
		return
	}
	if len(list) == 1 {
		a = list[0]
	} else if old, err := s.store.FindArticleBySlugHistory(ctx, slug); err == nil && old.Status == communique.StatusPublished {
		a = old
	}
	if a == nil || !a.IsPublic(s.Now()) {
		s.notFound(w, r)
		return
	}
	target := s.articleURL(ctx, st, a)
	if target == r.URL.Path {
		s.article(w, r, st, a, articleOptions{commentPage: 1}) // a page at a path with a wrong parent, now right
		return
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
}

// dateArchive parses /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/ into a time range
// in the site's time zone.
func dateArchive(segs []string, loc *time.Location, words *i18n.Localizer) (from, to time.Time, heading string, ok bool) {
	if len(segs) < 1 || len(segs) > 3 {
		return
	}
	nums := make([]int, 3)
	widths := []int{4, 2, 2}
	for i, seg := range segs {
		if len(seg) != widths[i] {
			return
		}
		n, err := strconv.Atoi(seg)
		if err != nil || n < 1 {
			return
		}
		nums[i] = n
	}
	y, m, d := nums[0], nums[1], nums[2]
	switch len(segs) {
	case 1:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		to = from.AddDate(1, 0, 0)
		heading = strconv.Itoa(y)
	case 2:
		if m > 12 {
			return
		}
		from = time.Date(y, time.Month(m), 1, 0, 0, 0, 0, loc)
		to = from.AddDate(0, 1, 0)
		heading = communique.FormatDateIn(from, words.T("date.format.month_year"), words)
	case 3:
		from = time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
		if m > 12 || from.Day() != d {
			return // February 30th and friends
		}
		to = from.AddDate(0, 0, 1)
		heading = communique.FormatDateIn(from, words.T("date.format.day"), words)
	}
	return from, to, heading, true
}

func (s *Server) categoryArchive(w http.ResponseWriter, r *http.Request, st *site, path []string, page int) {
	slug := path[len(path)-1]
	for _, c := range st.cats {
		if c.Slug != slug {
			continue
		}
		canonical := s.termURL(st, c)
		if "/category/"+strings.Join(path, "/")+"/" != canonical {
			http.Redirect(w, r, canonical, http.StatusMovedPermanently)
			return
		}
		s.list(w, r, st, page, canonical, communique.ArticleFilter{TermID: &c.ID},
			listPage{Kicker: "Category", Heading: c.Name, Intro: c.Description})
		return
	}
	s.notFound(w, r)
}

func (s *Server) termArchive(w http.ResponseWriter, r *http.Request, st *site, taxonomy, slug string, page int) {
	terms, err := s.store.FindTerms(r.Context(), communique.TermFilter{Taxonomy: &taxonomy, Slug: &slug})
	if err != nil {
		s.renderError(w, r, err)
		return
	} else if len(terms) == 0 {
		s.notFound(w, r)
		return
	}
	t := terms[0]
	s.list(w, r, st, page, s.termURL(st, t), communique.ArticleFilter{TermID: &t.ID},
		listPage{Kicker: "Tag", Heading: t.Name, Intro: t.Description})
}

func (s *Server) authorArchive(w http.ResponseWriter, r *http.Request, st *site, slug string, page int) {
	users, err := s.store.FindUsers(r.Context(), communique.UserFilter{Slug: &slug})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	var f communique.ArticleFilter
	data := listPage{Kicker: "Author"}
	if len(users) > 0 {
		u := users[0]
		f.BylineUserID = &u.ID
		data.Heading, data.Intro = u.Name(), u.Bio
		data.Photo = s.photo(r.Context(), u.PhotoID)
		data.Fediverse = s.followerCount(r, slug)
	} else if g, ok := s.guestAuthor(r, slug); ok {
		f.BylineGuestID = &g.ID
		data.Heading, data.Intro = g.Name, g.Bio
	} else {
		s.notFound(w, r)
		return
	}
	// Only someone credited on a published article has a public archive:
	// a 404 for everyone else, so /author/{login}/ reveals no staff account.
	post := communique.TypePost
	probe := f
	probe.Type, probe.Status, probe.Limit, probe.SkipTotal = &post, published, 1, true
	if list, _, err := s.store.FindArticles(r.Context(), probe); err != nil {
		s.renderError(w, r, err)
		return
	} else if len(list) == 0 {
		s.notFound(w, r)
		return
	}
	s.list(w, r, st, page, "/author/"+slug+"/", f, data)
}

// followerCounter tells an author's fediverse followers
// (activitypub.Service).
type followerCounter interface {
	FollowerCount(ctx context.Context, username string) (n int, handle string, ok bool)
}

// followerCount is what an author's page shows of their fediverse
// followers, when the site wants it; the page is dropped from the cache
// when a follow changes (tag "followers").
func (s *Server) followerCount(r *http.Request, slug string) *fediverseCount {
	fc, ok := s.fed.(followerCounter)
	if !ok {
		return nil
	}
	tagPage(r, "followers")
	n, handle, ok := fc.FollowerCount(r.Context(), slug)
	if !ok {
		return nil
	}
	return &fediverseCount{Handle: handle, Followers: n}
}

// guestAuthor finds a guest contributor by slug, when the store keeps them.
func (s *Server) guestAuthor(r *http.Request, slug string) (*communique.GuestAuthor, bool) {
	gs, ok := s.store.(interface {
		FindGuestAuthorBySlug(ctx context.Context, slug string) (*communique.GuestAuthor, error)
	})
	if !ok {
		return nil, false
	}
	g, err := gs.FindGuestAuthorBySlug(r.Context(), slug)
	if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
		incomplete(r.Context())
	}
	return g, err == nil
}

// list renders a page of published articles matching f.
func (s *Server) list(w http.ResponseWriter, r *http.Request, st *site, page int, base string, f communique.ArticleFilter, data listPage) {
	tagPage(r, "comments") // listings show comment counts
	post := communique.TypePost
	f.Type, f.Status = &post, published
	per := st.settings.PostsPerPage
	f.Limit, f.Offset = per, (page-1)*per
	list, total, err := s.store.FindArticles(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	data.Page = page
	data.Pages = (total + per - 1) / per
	if page > 1 && page > data.Pages {
		s.notFound(w, r)
		return
	}
	for _, a := range list {
		data.Articles = append(data.Articles, s.view(r.Context(), st, a))
	}
	s.attachImages(r.Context(), data.Articles)
	if base == "/" && total == 0 {
		s.offerSetup(r, &data)
	}
	if page > 1 {
		data.PrevURL = base
		if page > 2 {
			data.PrevURL = base + "page/" + strconv.Itoa(page-1) + "/"
		}
	}
	if page < data.Pages {
		data.NextURL = base + "page/" + strconv.Itoa(page+1) + "/"
	}
	canonical := base
	if page > 1 {
		canonical = base + "page/" + strconv.Itoa(page) + "/"
	}
	title := data.Heading
	if base == "/" {
		title = ""
		data.Description = st.settings.Tagline
	} else {
		data.Description = fmt.Sprintf("%s: %s — %s", data.Kicker, data.Heading, st.settings.Title)
	}
	if page > 1 {
		title = strings.TrimSpace(fmt.Sprintf("%s Page %d", title+" –", page))
		title = strings.TrimPrefix(title, "– ")
	}
	s.archiveHead(st, &data, base)
	s.fillPageFrom(r, st, &data.pageData, title, canonical)
	s.render(w, r, http.StatusOK, "list", data)
}

// article renders one article or page with its discussion.
func (s *Server) article(w http.ResponseWriter, r *http.Request, st *site, a *communique.Article, opts articleOptions) {
	ctx := r.Context()
	v := s.view(ctx, st, a)
	s.attachImages(ctx, []*articleView{v})
	want := v.URL
	if opts.commentPage > 1 {
		want += "comment-page-" + strconv.Itoa(opts.commentPage) + "/"
	}
	if want != r.URL.Path && !opts.noRedirect {
		if isIncomplete(ctx) {
			// The path was worked out without all it needed: a permanent
			// redirect to it could be wrong for good.
			s.renderError(w, r, communique.Errorf(communique.EINTERNAL, "article path incomplete"))
			return
		}
		http.Redirect(w, r, want, http.StatusMovedPermanently)
		return
	}
	tagPage(r, "article:"+strconv.FormatInt(a.ID, 10))
	if v.Locked && s.unlocked(r, a) {
		unlock(v, a) // the reader's own page: their cookie keeps it out of the shared cache
	}
	data := articlePage{Article: v, PasswordWrong: opts.passwordWrong}
	if v.Locked {
		// Title, byline and the password form; nothing of the body, its
		// notes, live entries, comments or mentions (protected.go).
		if opts.commentPage > 1 {
			s.notFound(w, r)
			return
		}
		s.lockedArticle(w, r, st, v, data, want, opts)
		return
	}
	v.Notes = s.notesOf(ctx, st, []int64{a.ID})[a.ID]
	v.Live = s.liveBlogOf(ctx, st, a)
	if opts.form == nil {
		opts.form, opts.status = s.refusedFormFor(w, r, a)
	}
	part, links, ok := splitPages(r, v, want)
	if !ok {
		s.notFound(w, r)
		return
	}
	data.PageLinks = links
	d, err := s.discussionFor(r, st, a, v.URL, opts.commentPage, opts.form)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if opts.commentPage > d.Pages {
		s.notFound(w, r)
		return
	}
	if s.counter != nil && st.settings.AnalyticsEnabled && st.settings.AnalyticsBeacon {
		d.Beacon = a.ID
	}
	data.Discussion = d
	if f := opts.form; f != nil && (f.Message != "" || len(f.Errors) > 0) {
		d.First = true
	}
	data.Mentions = s.mentionsFor(ctx, st, a)
	data.Description = v.Summary
	ar := s.aroundOf(ctx, st, a)
	data.Prev, data.Next = ar.prev, ar.next
	data.Extras = s.articleExtras(st, v, want, ar)
	s.articleHead(ctx, st, &data.pageData, v)
	s.fillPageFrom(r, st, &data.pageData, v.Title, want+part)
	if a.Status == communique.StatusPrivate {
		data.NoIndex = true
	}
	if d.First {
		data.Title = "Error: " + v.Title // what a screen reader hears first
	}
	s.renderArticle(w, r, a.Type, data, opts)
}

// renderArticle writes an article's or a page's template, with the status
// the caller asked for (a refused comment's 400 is never indexed).
func (s *Server) renderArticle(w http.ResponseWriter, r *http.Request, typ string, data articlePage, opts articleOptions) {
	view := "article"
	if typ == communique.TypePage {
		view = "page"
	}
	status := http.StatusOK
	if opts.status != 0 {
		status = opts.status
		data.NoIndex = true
	}
	s.render(w, r, status, view, data)
}

type notFoundPage struct {
	pageData
	Recent []*articleView
}

// notFound renders the 404 page with the latest articles to go on from.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if s.redirectImported(w, r) {
		return // an old link of an imported site (redirect.go)
	}
	data := notFoundPage{}
	st, err := s.loadSite(r)
	if err != nil {
		data.Site = communique.ParseSettings(nil)
		data.Title = "Page not found"
		s.render(w, r, http.StatusNotFound, "notfound", data)
		return
	}
	post := communique.TypePost
	if list, _, err := s.store.FindArticles(r.Context(), communique.ArticleFilter{Type: &post, Status: published, Limit: 5, SkipTotal: true}); err == nil {
		for _, a := range list {
			data.Recent = append(data.Recent, s.view(r.Context(), st, a))
		}
	}
	s.fillPageFrom(r, st, &data.pageData, st.words.T("notfound.title"), "")
	data.NoIndex = true
	s.render(w, r, http.StatusNotFound, "notfound", data)
}
