package web

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"communique"
)

// Counter counts readers (analytics.Counter): Wants decides before the
// answer, cheaply, whether a request may count; Count records the answer.
type Counter interface {
	Wants(r *http.Request) bool
	Count(r *http.Request, status int, kind communique.PageKind, articleID int64)
	Reached(r *http.Request, articleID int64)
	Beacon() bool
}

// countingWriter notes what the counter needs of an answer: its status,
// the page's cache tags (which name the article) and whether it is a feed.
type countingWriter struct {
	http.ResponseWriter
	status int
	tags   []string
	feed   bool
	skip   bool // not a page for readers (a sitemap)
}

func (cw *countingWriter) WriteHeader(status int) {
	if cw.status == 0 {
		cw.status = status
	}
	cw.ResponseWriter.WriteHeader(status)
}

func (cw *countingWriter) Write(b []byte) (int, error) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	return cw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (cw *countingWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }

// counted counts the public answers of next once each, whether they came
// from the page cache or were rendered: the one place readers are
// counted, on every node.
func (s *Server) counted(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.counter == nil || !s.counter.Wants(r) {
			next(w, r)
			return
		}
		cw := &countingWriter{ResponseWriter: w}
		next(cw, r)
		if !cw.skip {
			id := articleOf(cw.tags)
			s.counter.Count(r, cw.status, pageKind(r, cw, id), id)
		}
	}
}

// notePage tells the counting writer, if w is one, the tags of the page
// being answered.
func notePage(w http.ResponseWriter, tags []string) {
	if cw, ok := w.(*countingWriter); ok {
		cw.tags = tags
	}
}

// noteFeed tells the counting writer that the answer is a feed.
func noteFeed(w http.ResponseWriter) {
	if cw, ok := w.(*countingWriter); ok {
		cw.feed = true
	}
}

// noteNotPage tells the counting writer that the answer is no page for
// readers, such as a sitemap.
func noteNotPage(w http.ResponseWriter) {
	if cw, ok := w.(*countingWriter); ok {
		cw.skip = true
	}
}

// pageKind is what the answer showed; id is the article its tags name.
func pageKind(r *http.Request, cw *countingWriter, id int64) communique.PageKind {
	p := r.URL.Path
	switch {
	case cw.feed:
		return communique.PageFeed
	case p == "/search" || p == "/search/" || p == "/" && strings.Contains(r.URL.RawQuery, "s="):
		return communique.PageSearch
	case id != 0:
		return communique.PageArticle
	}
	return communique.PageArchive
}

// articleOf is the article a page shows, from its "article:ID" tag.
func articleOf(tags []string) int64 {
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, "article:"); ok {
			n, _ := strconv.ParseInt(id, 10, 64)
			return n
		}
	}
	return 0
}

// beaconPath receives the comments beacon (static/reached.js).
const beaconPath = "/analytics/reached"

// handleReached counts a reader who reached an article's comments. The
// body is the article's id; it must be published, and the beacon must
// come from the site's own pages.
func (s *Server) handleReached(w http.ResponseWriter, r *http.Request) {
	if s.counter == nil || !s.counter.Beacon() {
		http.NotFound(w, r)
		return
	}
	if o := r.Header.Get("Origin"); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			http.Error(w, "The beacon is for this site's own pages.", http.StatusForbidden)
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 32))
	id, perr := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
	if err != nil || perr != nil || id <= 0 {
		http.Error(w, "The beacon carries an article's id.", http.StatusBadRequest)
		return
	}
	a, err := s.store.FindArticleByID(r.Context(), id)
	if communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && a.Status != communique.StatusPublished {
		http.Error(w, "No such article.", http.StatusNotFound)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	get := r.Clone(r.Context())
	get.Method = http.MethodGet // the rules of a page view: staff, prefetch
	if s.counter.Wants(get) {
		s.counter.Reached(r, id)
	}
	w.WriteHeader(http.StatusNoContent)
}
