package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"communique"
)

// Old links of a site imported from WordPress keep working: its query
// links (/?p=12, /?page_id=3, /?cat=4, /?tag_ID=5, /?tag=news,
// /?author=2, /?attachment_id=5, /?m=200901, /?feed=rss2) and the
// permalinks the import recorded (posts, pages, categories, tags,
// authors, attachments) answer 301 to where the item lives now. The
// target is worked out on each request, so it follows later slug changes.
//
// An id never lands on the wrong item: an id up to the largest one the
// old sites used (communique.RedirectService.OldLinkCeiling) is theirs,
// and one their exports did not hold answers 404; an id above it is
// Communiqué's own (its feeds' and REST API's /?p=ID), which the import
// keeps apart by giving new articles ids above the old sites' ones.

// redirects returns the store's record of old links, or nil for a store
// that keeps none (old links then get the 404 page).
func (s *Server) redirects() communique.RedirectService {
	rs, _ := s.store.(communique.RedirectService)
	return rs
}

// wpQueryKeys are the query parameters of WordPress links by id.
var wpQueryKeys = []string{"p", "page_id", "attachment_id", "cat", "tag_ID", "tag", "author", "m", "feed"}

// redirectQuery answers a WordPress link by query on the front page. It
// reports whether it answered; false leaves the request to the front page.
func (s *Server) redirectQuery(w http.ResponseWriter, r *http.Request, st *site) bool {
	if r.URL.Path != "/" || r.URL.RawQuery == "" {
		return false
	}
	q := r.URL.Query()
	key := ""
	for _, k := range wpQueryKeys {
		if q.Has(k) {
			key = k
			break
		}
	}
	if key == "" {
		return false
	}
	ctx := r.Context()
	v := strings.TrimSpace(q.Get(key))
	id, _ := strconv.ParseInt(v, 10, 64)
	target := ""
	switch key {
	case "p":
		// WordPress answers ?p= for an attachment too: one id series.
		target = s.importedTarget(ctx, st, communique.KindArticle, id)
		if target == "" {
			target = s.importedTarget(ctx, st, communique.KindAttachment, id)
		}
	case "page_id":
		target = s.importedTarget(ctx, st, communique.KindArticle, id)
	case "attachment_id":
		target = s.importedTarget(ctx, st, communique.KindAttachment, id)
	case "cat", "tag_ID":
		target = s.importedTarget(ctx, st, communique.KindTerm, id)
	case "author":
		target = s.importedTarget(ctx, st, communique.KindUser, id)
	case "tag":
		target = s.pathTarget(ctx, st, "/tag/"+v+"/")
		if target == "" {
			tax := communique.TaxonomyTag
			if ts, err := s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax, Slug: &v, Limit: 1}); err == nil && len(ts) == 1 {
				target = s.termURL(st, ts[0])
			}
		}
	case "m":
		target = monthArchive(v)
	case "feed":
		target = "/feed/"
		if strings.HasPrefix(v, "comments-") {
			target = "/comments/feed/"
		}
	}
	if target == "" {
		s.notFound(w, r)
		return true
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return true
}

// monthArchive turns WordPress's ?m=2009, ?m=200901 or ?m=20090102 into
// the date archive's path.
func monthArchive(v string) string {
	if _, err := strconv.Atoi(v); err != nil || v[0] == '-' || v[0] == '+' {
		return ""
	}
	switch len(v) {
	case 4:
		return "/" + v + "/"
	case 6:
		return "/" + v[:4] + "/" + v[4:6] + "/"
	case 8:
		return "/" + v[:4] + "/" + v[4:6] + "/" + v[6:8] + "/"
	}
	return ""
}

// importedTarget is the current URL of the item that had id on an old
// site, or, for an id above every old site's, of Communiqué's own item
// with that id (its feeds and exports link by ?p=ID). "" when there is
// none: an old site's id its export did not hold never falls through to
// a local item that happens to have the same number.
func (s *Server) importedTarget(ctx context.Context, st *site, kind string, id int64) string {
	if id <= 0 {
		return ""
	}
	if rs := s.redirects(); rs != nil {
		if local, err := rs.FindImportedID(ctx, "", kind, id); err == nil {
			return s.targetURL(ctx, st, kind, local)
		}
		// Only articles take ids above the old sites' (the import makes
		// them so); a category's or an author's id is Communiqué's own
		// only on a site that imported nothing.
		of := kind
		if kind != communique.KindArticle {
			of = ""
		}
		ceiling, err := rs.OldLinkCeiling(ctx, of)
		if err != nil || (of == "" && ceiling > 0) || id <= ceiling {
			return ""
		}
	}
	if kind == communique.KindArticle || kind == communique.KindTerm || kind == communique.KindUser {
		return s.targetURL(ctx, st, kind, id)
	}
	return ""
}

// pathTarget is the current URL of the item whose old link was path.
func (s *Server) pathTarget(ctx context.Context, st *site, path string) string {
	rs := s.redirects()
	if rs == nil {
		return ""
	}
	rd, err := rs.FindRedirect(ctx, path)
	if err != nil {
		return ""
	}
	return s.targetURL(ctx, st, rd.Kind, rd.TargetID)
}

// targetURL is where an item lives now, "" when readers cannot see it.
func (s *Server) targetURL(ctx context.Context, st *site, kind string, id int64) string {
	switch kind {
	case communique.KindArticle:
		a, err := s.store.FindArticleByID(ctx, id)
		if err != nil || !a.IsPublic(s.Now()) {
			return ""
		}
		return s.articleURL(ctx, st, a)
	case communique.KindTerm:
		if c, ok := st.cats[id]; ok {
			return s.termURL(st, c)
		}
		ts, err := s.store.FindTerms(ctx, communique.TermFilter{ID: &id, Limit: 1})
		if err != nil || len(ts) == 0 {
			return ""
		}
		return s.termURL(st, ts[0])
	case communique.KindUser:
		u, err := s.store.FindUserByID(ctx, id)
		if err != nil {
			return ""
		}
		return "/author/" + u.Slug + "/"
	case communique.KindMedia:
		if ms, ok := s.store.(mediaStore); ok {
			if m, err := ms.FindMediaByID(ctx, id); err == nil {
				return m.URL()
			}
		}
	case communique.KindAttachment:
		rs := s.redirects()
		if rs == nil {
			return ""
		}
		at, err := rs.FindAttachmentByID(ctx, id)
		if err != nil {
			return ""
		}
		if at.ArticleID != 0 {
			if u := s.targetURL(ctx, st, communique.KindArticle, at.ArticleID); u != "" {
				return u
			}
		}
		if strings.HasPrefix(at.URL, "https://") || strings.HasPrefix(at.URL, "http://") {
			return at.URL
		}
	}
	return ""
}

// oldFeeds are WordPress's other feed addresses; the site's feed is /feed/.
var oldFeeds = map[string]string{
	"/feed/rss/": "/feed/", "/feed/rdf/": "/feed/", "/rss/": "/feed/", "/rss2/": "/feed/", "/atom/": "/feed/atom/",
	"/wp-rss.php": "/feed/", "/wp-rss2.php": "/feed/", "/wp-rdf.php": "/feed/", "/wp-atom.php": "/feed/atom/",
	"/wp-commentsrss2.php": "/comments/feed/", "/comments/feed/rss2/": "/comments/feed/",
}

// redirectImported answers 301 for a path an import recorded (or a
// WordPress feed address) instead of a 404. It reports whether it did.
// A suffix the old site added to a permalink (feed/, page/2/,
// comment-page-2/) is carried over to the new address.
func (s *Server) redirectImported(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := r.URL.Path
	if to, ok := oldFeeds[p]; ok {
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return true
	}
	if s.redirects() == nil || len(p) > 2048 {
		return false
	}
	st, err := s.loadSite(r)
	if err != nil {
		return false
	}
	ctx := r.Context()
	if target := s.fileTarget(ctx, st, p); target != "" {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return true
	}
	base, suffix := p, ""
	for i := 0; i < 3; i++ {
		if target := s.pathTarget(ctx, st, base); target != "" {
			if strings.HasSuffix(target, "/") {
				target += suffix
			}
			if target == p {
				return false
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return true
		}
		// Try again without the last segment, if it is one WordPress adds.
		segs := strings.Split(strings.Trim(base, "/"), "/")
		n := len(segs)
		switch {
		case n >= 2 && segs[n-2] == "page" && isDigits(segs[n-1]):
			suffix = "page/" + segs[n-1] + "/" + suffix
			segs = segs[:n-2]
		case n >= 2 && segs[n-2] == "feed":
			suffix = "feed/" + segs[n-1] + "/" + suffix
			segs = segs[:n-2]
		case n >= 1 && (segs[n-1] == "feed" || strings.HasPrefix(segs[n-1], "comment-page-")):
			suffix = segs[n-1] + "/" + suffix
			segs = segs[:n-1]
		default:
			return false
		}
		if len(segs) == 0 {
			return false
		}
		base = "/" + strings.Join(segs, "/") + "/"
	}
	return false
}

// sizedFile is an old file path with WordPress's size suffix.
var sizedFile = regexp.MustCompile(`^(/.*)-([0-9]+)x[0-9]+(\.(?i:jpe?g|png|gif|webp))$`)

// fileTarget is where an old file address leads (/wp-content/uploads/…,
// any size of it): the imported file, or the narrowest rendition at
// least as wide as the size asked for. "" when the path names none.
func (s *Server) fileTarget(ctx context.Context, st *site, p string) string {
	if !sizedFile.MatchString(p) {
		return ""
	}
	g := sizedFile.FindStringSubmatch(p)
	rs := s.redirects()
	rd, err := rs.FindRedirect(ctx, g[1]+g[3])
	if err != nil || rd.Kind != communique.KindMedia {
		return ""
	}
	ms, ok := s.store.(mediaStore)
	if !ok {
		return ""
	}
	m, err := ms.FindMediaByID(ctx, rd.TargetID)
	if err != nil {
		return ""
	}
	w, _ := strconv.Atoi(g[2])
	for _, v := range m.Variants {
		if v.Width >= w {
			return m.VariantURL(v.Width)
		}
	}
	return m.URL()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
