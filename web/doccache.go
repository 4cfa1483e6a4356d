package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"
)

// Feeds, sitemaps and robots.txt are read by machines that poll: the same
// URL again and again. They are rendered once and kept for a short while
// (docCacheTTL), so polling costs a map lookup. The TTL bounds how stale
// a document gets in any case; besides, whatever drops cached pages
// (this node's writes, the store watcher hearing of other nodes' through
// LISTEN/NOTIFY) drops the documents too, so with several nodes behind
// one database a change shows on all of them within a second.
//
// Each document carries an ETag (a hash of its bytes) and, when it has
// dated entries, a Last-Modified (the newest entry), so a poller that has
// it already gets 304 Not Modified and no body.

const (
	docCacheTTL  = 5 * time.Second
	docCacheSize = 1024 // documents; oldest-expiring dropped first when full
)

// doc is a rendered machine-readable document.
type doc struct {
	body        []byte
	contentType string
	etag        string
	modified    time.Time // zero when unknown
	expires     time.Time
}

// docCache holds rendered documents by scheme, host and path.
type docCache struct {
	mu   sync.Mutex
	docs map[string]*doc
	ttl  time.Duration
	now  func() time.Time
}

func newDocCache(ttl time.Duration) *docCache {
	return &docCache{docs: map[string]*doc{}, ttl: ttl, now: time.Now}
}

func (c *docCache) get(key string) *doc {
	c.mu.Lock()
	defer c.mu.Unlock()
	d := c.docs[key]
	if d == nil || !c.now().Before(d.expires) {
		return nil
	}
	return d
}

func (c *docCache) put(key string, d *doc) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	d.expires = now.Add(c.ttl)
	if len(c.docs) >= docCacheSize {
		// Drop what has expired; if that frees nothing, drop the entry
		// closest to expiring. Keys are only ever valid URLs, so this is
		// rare, and it bounds memory whatever crawlers ask for.
		var oldest string
		for k, v := range c.docs {
			if !now.Before(v.expires) {
				delete(c.docs, k)
			} else if oldest == "" || v.expires.Before(c.docs[oldest].expires) {
				oldest = k
			}
		}
		if len(c.docs) >= docCacheSize && oldest != "" {
			delete(c.docs, oldest)
		}
	}
	c.docs[key] = d
}

// clear drops every document.
func (c *docCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.docs)
}

// docKey names a request's document: the same path on another host (when
// site_url is unset) has other absolute URLs in it.
func docKey(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}

// newDoc wraps rendered bytes with their validators.
func newDoc(body []byte, contentType string, modified time.Time) *doc {
	sum := sha256.Sum256(body)
	return &doc{body: body, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: modified.UTC().Truncate(time.Second)}
}

// serveDoc answers from the cache, or builds the document, caches and
// serves it. build, given the request to build for, returns nil (and has
// answered) when there is nothing to serve, such as a 404. Conditional
// requests get 304 through http.ServeContent, which checks If-None-Match
// before If-Modified-Since; a HEAD gets the GET's headers and length.
//
// Only a GET whose document was built whole is kept: a HEAD never fills
// the cache, and neither does a build that a failed lookup, a departed
// client or a deadline left incomplete.
func (s *Server) serveDoc(w http.ResponseWriter, r *http.Request, build func(r *http.Request) *doc) {
	key := docKey(r)
	d := s.docs.get(key)
	if d == nil {
		ctx, _ := withPageTags(r.Context())
		if d = build(r.WithContext(ctx)); d == nil {
			return
		}
		if r.Method == http.MethodGet && !isIncomplete(ctx) {
			s.docs.put(key, d)
		}
	}
	h := w.Header()
	h.Set("Content-Type", d.contentType)
	h.Set("ETag", d.etag)
	h.Set("Cache-Control", "public, max-age=60")
	http.ServeContent(w, r, "", d.modified, bytes.NewReader(d.body))
}
