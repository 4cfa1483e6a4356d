package web

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"communique"
)

// Sitemaps (sitemaps.org 0.9): an index at /sitemap.xml naming one file
// per 50,000 articles (/sitemap-posts-N.xml, in id order so an article
// never moves between files), the pages, the categories and the tags, and
// a Google News sitemap of the last two days. robots.txt points at them.

const (
	sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
	newsNS    = "http://www.google.com/schemas/sitemap-news/0.9"
	xmlType   = "application/xml; charset=utf-8"
	// newsWindow is how far back a Google News sitemap looks.
	newsWindow = 48 * time.Hour
)

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapRef `xml:"sitemap"`
}

type sitemapRef struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName   xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XMLNSNews string       `xml:"xmlns:news,attr,omitempty"`
	URLs      []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string     `xml:"loc"`
	LastMod string     `xml:"lastmod,omitempty"`
	News    *newsEntry `xml:"news:news,omitempty"`
}

type newsEntry struct {
	Publication     newsPublication `xml:"news:publication"`
	PublicationDate string          `xml:"news:publication_date"`
	Title           string          `xml:"news:title"`
}

type newsPublication struct {
	Name     string `xml:"news:name"`
	Language string `xml:"news:language"`
}

// w3cDate is the W3C Datetime form sitemaps use.
func w3cDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func renderXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// sitemapSize is the URLs per posts file.
func (s *Server) sitemapSize() int {
	if s.SitemapURLs <= 0 || s.SitemapURLs > communique.MaxSitemapURLs {
		return communique.MaxSitemapURLs
	}
	return s.SitemapURLs
}

// sitemapDoc serves an XML document built by build, through the cache.
func (s *Server) sitemapDoc(w http.ResponseWriter, r *http.Request, build func(st *site) (any, time.Time, error)) {
	s.serveDoc(w, r, func(r *http.Request) *doc {
		st, err := s.loadSite(r)
		if err != nil {
			s.renderError(w, r, err)
			return nil
		}
		v, modified, err := build(st)
		if err == nil && v == nil {
			s.notFound(w, r)
			return nil
		}
		var b []byte
		if err == nil {
			b, err = renderXML(v)
		}
		if err != nil {
			s.renderError(w, r, err)
			return nil
		}
		return newDoc(b, xmlType, modified)
	})
}

func (s *Server) handleSitemapIndex(w http.ResponseWriter, r *http.Request) {
	s.sitemapDoc(w, r, func(st *site) (any, time.Time, error) {
		ctx := r.Context()
		idx := sitemapIndex{}
		var newest time.Time
		add := func(path string, mod time.Time) {
			idx.Sitemaps = append(idx.Sitemaps, sitemapRef{Loc: st.base + path, LastMod: w3cDate(mod)})
			if mod.After(newest) {
				newest = mod
			}
		}
		chunks, err := s.store.ArticleRefChunks(ctx, communique.TypePost, s.sitemapSize())
		if err != nil {
			return nil, time.Time{}, err
		}
		for i, c := range chunks {
			add("/sitemap-posts-"+strconv.Itoa(i+1)+".xml", c.Modified)
		}
		pages, err := s.store.ArticleRefChunks(ctx, communique.TypePage, communique.MaxSitemapURLs)
		if err != nil {
			return nil, time.Time{}, err
		}
		if len(pages) > 0 {
			add("/sitemap-pages.xml", pages[0].Modified)
		}
		for _, tax := range []string{communique.TaxonomyCategory, communique.TaxonomyTag} {
			if terms, err := s.sitemapTerms(r, tax); err != nil {
				return nil, time.Time{}, err
			} else if len(terms) > 0 {
				add("/sitemap-"+map[string]string{communique.TaxonomyCategory: "categories", communique.TaxonomyTag: "tags"}[tax]+".xml", time.Time{})
			}
		}
		if len(chunks) > 0 {
			add("/news-sitemap.xml", time.Time{})
		}
		return idx, newest, nil
	})
}

// handleSitemapPosts serves /sitemap-posts-N.xml; handleSite sends it
// here because the mux cannot match part of a segment.
func (s *Server) handleSitemapPosts(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/sitemap-posts-"), ".xml")
	n, err := strconv.Atoi(name)
	if err != nil || n < 1 || n > 100000 || strconv.Itoa(n) != name || !strings.HasSuffix(r.URL.Path, ".xml") {
		s.notFound(w, r)
		return
	}
	s.sitemapDoc(w, r, func(st *site) (any, time.Time, error) {
		size := s.sitemapSize()
		refs, err := s.store.FindArticleRefs(r.Context(), communique.ArticleRefFilter{Type: communique.TypePost, Offset: (n - 1) * size, Limit: size})
		if err != nil || (len(refs) == 0 && n > 1) {
			return nil, time.Time{}, err
		}
		set := urlset{URLs: []sitemapURL{}}
		var newest time.Time
		for _, a := range refs {
			path := st.settings.Permalink.Path(a.ID, a.Slug, a.PublishedAt.In(st.settings.Location))
			set.URLs = append(set.URLs, sitemapURL{Loc: st.base + path, LastMod: w3cDate(a.ModifiedAt)})
			if a.ModifiedAt.After(newest) {
				newest = a.ModifiedAt
			}
		}
		return set, newest, nil
	})
}

func (s *Server) handleSitemapPages(w http.ResponseWriter, r *http.Request) {
	s.sitemapDoc(w, r, func(st *site) (any, time.Time, error) {
		refs, err := s.store.FindArticleRefs(r.Context(), communique.ArticleRefFilter{Type: communique.TypePage})
		if err != nil {
			return nil, time.Time{}, err
		}
		byID := make(map[int64]*communique.ArticleRef, len(refs))
		for _, a := range refs {
			byID[a.ID] = a
		}
		set := urlset{URLs: []sitemapURL{}}
		var newest time.Time
		for _, a := range refs {
			// A page under an unpublished parent has no public URL.
			path, ok := pagePath(a, byID)
			if !ok {
				continue
			}
			set.URLs = append(set.URLs, sitemapURL{Loc: st.base + path, LastMod: w3cDate(a.ModifiedAt)})
			if a.ModifiedAt.After(newest) {
				newest = a.ModifiedAt
			}
		}
		return set, newest, nil
	})
}

// pagePath is a page's URL from its ancestors' slugs.
func pagePath(a *communique.ArticleRef, byID map[int64]*communique.ArticleRef) (string, bool) {
	segs := []string{a.Slug}
	for parent, depth := a.ParentID, 0; parent != 0; depth++ {
		p, ok := byID[parent]
		if !ok || depth > 10 {
			return "", false
		}
		segs = append([]string{p.Slug}, segs...)
		parent = p.ParentID
	}
	return "/" + strings.Join(segs, "/") + "/", true
}

// sitemapTerms returns the terms of a taxonomy that have published
// articles: an empty archive is not worth a crawler's visit.
func (s *Server) sitemapTerms(r *http.Request, taxonomy string) ([]*communique.Term, error) {
	terms, err := s.store.FindTerms(r.Context(), communique.TermFilter{Taxonomy: &taxonomy, Limit: communique.MaxSitemapURLs})
	if err != nil {
		return nil, err
	}
	out := terms[:0]
	for _, t := range terms {
		if t.Count > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

func (s *Server) handleSitemapTerms(taxonomy string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.sitemapDoc(w, r, func(st *site) (any, time.Time, error) {
			terms, err := s.sitemapTerms(r, taxonomy)
			if err != nil {
				return nil, time.Time{}, err
			}
			set := urlset{URLs: []sitemapURL{}}
			for _, t := range terms {
				set.URLs = append(set.URLs, sitemapURL{Loc: st.base + s.termURL(st, t)})
			}
			return set, time.Time{}, nil
		})
	}
}

// handleNewsSitemap lists the articles of the last two days for Google
// News, which wants at most 1,000.
func (s *Server) handleNewsSitemap(w http.ResponseWriter, r *http.Request) {
	s.sitemapDoc(w, r, func(st *site) (any, time.Time, error) {
		since := s.Now().Add(-newsWindow)
		refs, err := s.store.FindArticleRefs(r.Context(), communique.ArticleRefFilter{
			Type: communique.TypePost, PublishedFrom: &since, Newest: true, Limit: communique.MaxNewsSitemapURLs})
		if err != nil {
			return nil, time.Time{}, err
		}
		set := urlset{XMLNSNews: newsNS, URLs: []sitemapURL{}}
		var newest time.Time
		lang := newsLanguage(st.settings.Language)
		for _, a := range refs {
			path := st.settings.Permalink.Path(a.ID, a.Slug, a.PublishedAt.In(st.settings.Location))
			set.URLs = append(set.URLs, sitemapURL{Loc: st.base + path, News: &newsEntry{
				Publication:     newsPublication{Name: st.settings.Title, Language: lang},
				PublicationDate: w3cDate(a.PublishedAt),
				Title:           a.Title,
			}})
			if a.ModifiedAt.After(newest) {
				newest = a.ModifiedAt
			}
		}
		return set, newest, nil
	})
}

// newsLanguage is the ISO 639 code Google News wants: the language
// without its region, except Chinese, which keeps zh-cn or zh-tw.
func newsLanguage(bcp47 string) string {
	l := strings.ToLower(strings.TrimSpace(bcp47))
	switch {
	case l == "":
		return "en"
	case strings.HasPrefix(l, "zh-tw"), strings.HasPrefix(l, "zh-hant"):
		return "zh-tw"
	case strings.HasPrefix(l, "zh"):
		return "zh-cn"
	}
	return strings.SplitN(l, "-", 2)[0]
}

// handleRobots tells crawlers where the sitemaps are and to leave the
// search results and the newsroom alone.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) {
	s.serveDoc(w, r, func(r *http.Request) *doc {
		st, err := s.loadSite(r)
		if err != nil {
			s.renderError(w, r, err)
			return nil
		}
		var b bytes.Buffer
		b.WriteString("User-agent: *\n")
		for _, p := range []string{"/search", "/?s=", "/admin/", "/setup"} {
			fmt.Fprintf(&b, "Disallow: %s\n", p)
		}
		fmt.Fprintf(&b, "\nSitemap: %s/sitemap.xml\nSitemap: %s/news-sitemap.xml\n", st.base, st.base)
		return newDoc(b.Bytes(), "text/plain; charset=utf-8", time.Time{})
	})
}
