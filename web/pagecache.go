package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"

	"communique/discussion"
)

// pageCache keeps rendered public pages, shared by every reader, with
// gzip and Brotli variants made once. Pages carry tags ("content",
// "comments", "article:ID"); a change to the store bumps tags and the
// pages carrying them are dropped. Nothing personal is ever stored: a
// response to a request with a reader's own cookies is rendered fresh and
// kept out of the cache.
type pageCache struct {
	mu       sync.Mutex
	entries  map[string]*cacheEntry
	byTag    map[string]map[*cacheEntry]struct{}
	lru      *list.List // front: most recently used
	size     int
	maxBytes int

	// gen changes with every invalidation; a page whose rendering began
	// before one is not stored, as it may show the old state.
	gen atomic.Uint64

	Hits, Misses atomic.Int64

	// flight holds the renders under way, so that a burst of readers
	// missing the same page waits for one render instead of making many.
	flightMu sync.Mutex
	flight   map[string]*flight
}

// flight is one render under way, shared by the readers who missed the
// same page while it ran.
type flight struct {
	gen   uint64        // the cache generation when the render began
	done  chan struct{} // closed when it ends
	entry *cacheEntry   // the page, when it may be shared; set before done closes
}

// join returns the render of key under way that the caller may share, or
// starts one that the caller leads (lead: it renders, then calls land).
// A render that began before an invalidation is not shared with readers
// who came after it, as it may show the old state; they start their own.
// On a page that a stream of comments changes many times a second, each
// reader still waits for at most one render instead of making one each.
func (c *pageCache) join(key string) (f *flight, lead bool) {
	gen := c.gen.Load()
	c.flightMu.Lock()
	defer c.flightMu.Unlock()
	if f, ok := c.flight[key]; ok && f.gen == gen {
		return f, false
	}
	f = &flight{gen: gen, done: make(chan struct{})}
	c.flight[key] = f
	return f, true
}

// land ends the render f, handing its page (nil: none to share) to the
// readers waiting for it.
func (c *pageCache) land(key string, f *flight, e *cacheEntry) {
	c.flightMu.Lock()
	if c.flight[key] == f {
		delete(c.flight, key)
	}
	c.flightMu.Unlock()
	f.entry = e
	close(f.done)
}

type cacheEntry struct {
	key         string
	tags        []string
	contentType string
	body        []byte
	etag        string
	// shared entries are in the cache for every reader: compressed well,
	// in gzip and Brotli. A personal page is compressed quickly, in gzip.
	// Each variant is made once, when a reader first asks for it: a hot
	// page that a stream of comments re-renders many times a second is
	// not compressed for encodings nobody asked for before it changed.
	shared         bool
	until          time.Time // stale from then on; zero: until a change drops it
	gzOnce, brOnce sync.Once
	gz, br         []byte
	// The header values every answer from this entry carries, made once:
	// a cache hit should cost little more than the write.
	typeValue, etagValue []string
	elem                 *list.Element
}

// fresh reports whether the entry may still be served at now.
func (e *cacheEntry) fresh(now time.Time) bool { return e.until.IsZero() || now.Before(e.until) }

// bytes is the entry's share of the cache budget, counted when it is
// stored: the body, and half as much again for the compressed variants
// it may gain (HTML compresses to a fifth or less in each).
func (e *cacheEntry) bytes() int { return len(e.body) + len(e.body)/2 + len(e.key) + 256 }

func (e *cacheEntry) gzipped() []byte {
	e.gzOnce.Do(func() {
		if e.shared {
			e.gz = gzipBytes(e.body)
		} else {
			e.gz = gzipFast(e.body)
		}
	})
	return e.gz
}

func (e *cacheEntry) brotlied() []byte {
	e.brOnce.Do(func() { e.br = brotliBytes(e.body) })
	return e.br
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{entries: map[string]*cacheEntry{}, byTag: map[string]map[*cacheEntry]struct{}{}, lru: list.New(), maxBytes: maxBytes,
		flight: map[string]*flight{}}
}

func (c *pageCache) get(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e != nil {
		c.lru.MoveToFront(e.elem)
	}
	return e
}

// peek returns the entry for key without marking it used.
func (c *pageCache) peek(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[key]
}

// stats returns the number of pages and the bytes they take.
func (c *pageCache) stats() (pages, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.size
}

func (c *pageCache) put(e *cacheEntry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen || e.bytes() > c.maxBytes/4 {
		return
	}
	if old := c.entries[e.key]; old != nil {
		c.remove(old)
	}
	e.elem = c.lru.PushFront(e)
	c.entries[e.key] = e
	for _, t := range e.tags {
		if c.byTag[t] == nil {
			c.byTag[t] = map[*cacheEntry]struct{}{}
		}
		c.byTag[t][e] = struct{}{}
	}
	c.size += e.bytes()
	for c.size > c.maxBytes && c.lru.Len() > 0 {
		c.remove(c.lru.Back().Value.(*cacheEntry))
	}
}

func (c *pageCache) remove(e *cacheEntry) {
	delete(c.entries, e.key)
	for _, t := range e.tags {
		delete(c.byTag[t], e)
		if len(c.byTag[t]) == 0 {
			delete(c.byTag, t)
		}
	}
	c.lru.Remove(e.elem)
	c.size -= e.bytes()
}

// invalidate drops the pages carrying any of tags; "content" drops all.
func (c *pageCache) invalidate(tags ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for _, t := range tags {
		if t == "content" {
			c.entries = map[string]*cacheEntry{}
			c.byTag = map[string]map[*cacheEntry]struct{}{}
			c.lru.Init()
			c.size = 0
			return
		}
		for e := range c.byTag[t] {
			c.remove(e)
		}
	}
}

// Len returns the number of cached pages.
func (c *pageCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

type tagsKey struct{}

// pageTags is what the handlers tell the cache about the answer they are
// making: the tags of what it shows, and whether any part of it is
// missing because a lookup failed.
type pageTags struct {
	mu         sync.Mutex
	tags       []string
	incomplete bool
	until      time.Time // when the page goes stale by itself; zero: never
}

// expirePage records that the answer made under ctx is out of date at t
// (a banner that ends then), so no cache serves it after.
func expirePage(ctx context.Context, t time.Time) {
	if pt, ok := ctx.Value(tagsKey{}).(*pageTags); ok {
		pt.mu.Lock()
		if pt.until.IsZero() || t.Before(pt.until) {
			pt.until = t
		}
		pt.mu.Unlock()
	}
}

// withPageTags gives ctx a fresh record for the answer made under it.
func withPageTags(ctx context.Context, tags ...string) (context.Context, *pageTags) {
	pt := &pageTags{tags: tags}
	return context.WithValue(ctx, tagsKey{}, pt), pt
}

func (pt *pageTags) isIncomplete() bool {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	return pt.incomplete
}

// tagPage records that the page shows something with tag, so that a
// change to it drops the page.
func tagPage(r *http.Request, tag string) {
	if pt, ok := r.Context().Value(tagsKey{}).(*pageTags); ok {
		pt.mu.Lock()
		pt.tags = append(pt.tags, tag)
		pt.mu.Unlock()
	}
}

// incomplete records that the answer made under ctx lacks something it
// should show (a lookup failed, the reader left, time ran out): it may be
// served to the one who asked, but no cache may keep it.
func incomplete(ctx context.Context) {
	if pt, ok := ctx.Value(tagsKey{}).(*pageTags); ok {
		pt.mu.Lock()
		pt.incomplete = true
		pt.mu.Unlock()
	}
}

// isIncomplete reports whether something marked the answer made under
// ctx incomplete, or ctx itself ended (a client gone, a deadline passed).
func isIncomplete(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	pt, ok := ctx.Value(tagsKey{}).(*pageTags)
	return ok && pt.isIncomplete()
}

// freshCookie marks a browser that has just commented: it skips the cache
// so it sees its own held comment and its edit link at once.
const freshCookie = "communique_fresh"

// sessionCookie is the newsroom's; editors see their changes at once.
const sessionCookie = "communique_session"

// personalCookies make a response personal: it is never stored.
var personalCookies = []string{ownerCookie, freshCookie, authorCookie, authorEmailCookie, authorURLCookie, sessionCookie, csrfCookie, postpassCookie}

func hasCookie(r *http.Request, names ...string) bool {
	if len(r.Header["Cookie"]) == 0 {
		return false // most readers: no need to parse
	}
	for _, n := range names {
		if _, err := r.Cookie(n); err == nil {
			return true
		}
	}
	return false
}

// recorder captures a response so it can be stored and compressed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}
func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// cacheable reports whether the request's answer may come from the cache
// (lookup) and be one that every reader shares (shareable). Only a GET
// stores what it renders (see cached).
func (s *Server) cacheable(r *http.Request) (lookup, shareable bool) {
	cacheable := s.cache != nil && (r.URL.RawQuery == "" || sortOnly(r)) && (r.Method == http.MethodGet || r.Method == http.MethodHead)
	// A reader who gave a protected article's password must not get the
	// shared locked page (the cookie's path limits this to that article).
	return cacheable && !hasCookie(r, freshCookie, sessionCookie, postpassCookie), cacheable && !hasCookie(r, personalCookies...)
}

// cachedPage returns the cached answer to r, without counting a hit.
func (s *Server) cachedPage(r *http.Request) *cacheEntry {
	if lookup, _ := s.cacheable(r); lookup {
		if e := s.cache.peek(cacheKey(r)); e != nil && e.fresh(s.Now()) {
			return e
		}
	}
	return nil
}

// cached serves public pages from the cache, and renders, compresses and
// stores them on a miss. Without a cache it still adds ETags, 304s and
// compression.
//
// What it stores is only ever the complete answer to a GET: status 200,
// no redirect, no cookie, rendered to the end while the reader waited and
// every lookup it needed succeeded (see incomplete). A HEAD is answered
// from the cache or rendered as a GET would be, so its headers and
// Content-Length are the GET's, but it never fills the cache: a monitor
// or a link unfurler asking first must not decide what readers get.
func (s *Server) cached(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lookup, shareable := s.cacheable(r)
		storable := shareable && r.Method == http.MethodGet
		key := cacheKey(r)
		s.syncWithStore(r.Context())
		var gen uint64 // the cache generation when this render began
		led := false
		var shared *cacheEntry // what the render hands to readers waiting for it
		if lookup {
			if e := s.cache.get(key); e != nil && e.fresh(s.Now()) {
				s.serveHit(w, r, e)
				return
			}
			if storable {
				f, lead := s.cache.join(key)
				if !lead {
					if s.awaitFlight(w, r, f) {
						return
					}
					// That render had nothing to share (an error, a
					// redirect, a missing part): this reader renders its
					// own answer.
				} else {
					gen, led = f.gen, true
					defer func() { s.cache.land(key, f, shared) }()
				}
			}
			s.cache.Misses.Add(1)
		}
		if !led && s.cache != nil {
			gen = s.cache.gen.Load()
		}
		rec, pt := renderAsGet(next, w, r)
		notePage(w, pt.tags)
		if rec.status != http.StatusOK || w.Header().Get("Location") != "" {
			rec.passOn(w, r)
			return
		}
		e := newEntry(key, pt.tags, w.Header().Get("Content-Type"), bytes.Clone(rec.body.Bytes()))
		e.until = pt.until
		if shareable && w.Header().Get("Set-Cookie") == "" {
			e.shared = true
			if storable && !isIncomplete(r.Context()) && !pt.isIncomplete() {
				s.cache.put(e, gen)
				shared = e
			}
			w.Header().Set("X-Cache", "MISS")
			writeEntry(w, r, e, publicValue)
			return
		}
		writeEntry(w, r, e, privateValue)
	}
}

// serveHit answers from a cached entry.
func (s *Server) serveHit(w http.ResponseWriter, r *http.Request, e *cacheEntry) {
	notePage(w, e.tags)
	s.cache.Hits.Add(1)
	w.Header()["X-Cache"] = hitValue
	writeEntry(w, r, e, publicValue)
}

// awaitFlight waits for the render f under way and answers with its page;
// it reports false when there is none to share (or the reader left).
func (s *Server) awaitFlight(w http.ResponseWriter, r *http.Request, f *flight) bool {
	select {
	case <-f.done:
	case <-r.Context().Done():
		return true // nobody to answer
	}
	if f.entry == nil {
		return false
	}
	s.serveHit(w, r, f.entry)
	return true
}

// renderAsGet runs next into a recorder, for a HEAD as for a GET, so that
// the answer to a HEAD has the body's true length and validators. The
// recorder shares w's header map.
func renderAsGet(next http.HandlerFunc, w http.ResponseWriter, r *http.Request) (*recorder, *pageTags) {
	ctx, pt := withPageTags(r.Context(), "content")
	r2 := r.WithContext(ctx)
	if r2.Method == http.MethodHead {
		r2.Method = http.MethodGet
	}
	rec := &recorder{header: w.Header()}
	next(rec, r2)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec, pt
}

// passOn sends a recorded answer that is not a page (an error, a
// redirect) as it was made, with its length, and no body to a HEAD.
func (rec *recorder) passOn(w http.ResponseWriter, r *http.Request) {
	body := rec.body.Bytes()
	if rec.status != http.StatusNotModified && rec.status != http.StatusNoContent {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	w.WriteHeader(rec.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func newEntry(key string, tags []string, contentType string, body []byte) *cacheEntry {
	etag := etagOf(body)
	return &cacheEntry{key: key, tags: tags, contentType: contentType, body: body, etag: etag,
		typeValue: []string{contentType}, etagValue: []string{etag}}
}

// Shared header values, set by canonical key without allocating. Nothing
// downstream edits a value in place (Set and Add replace or copy).
var (
	hitValue     = []string{"HIT"}
	publicValue  = []string{"public, max-age=0, must-revalidate"}
	privateValue = []string{"private, no-cache"}
	varyValue    = []string{"Accept-Encoding", "Cookie", "Accept"} // Accept: the same URLs answer ActivityStreams
	brValue      = []string{"br"}
	gzipValue    = []string{"gzip"}
)

// writeEntry answers with the best encoding the client accepts, or 304.
func writeEntry(w http.ResponseWriter, r *http.Request, e *cacheEntry, cacheControl []string) {
	h := w.Header()
	h["Content-Type"] = e.typeValue
	h["Cache-Control"] = cacheControl
	h["Vary"] = varyValue
	h["Etag"] = e.etagValue
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.body
	accept := r.Header.Get("Accept-Encoding")
	switch {
	case accept == "":
	case e.shared && acceptsEncoding(accept, "br"):
		body = e.brotlied()
		h["Content-Encoding"] = brValue
	case acceptsEncoding(accept, "gzip"):
		body = e.gzipped()
		h["Content-Encoding"] = gzipValue
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsEncoding reports whether Accept-Encoding allows enc (q > 0).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), enc) {
			params = strings.ReplaceAll(params, " ", "")
			if q, ok := strings.CutPrefix(params, "q="); ok {
				f, err := strconv.ParseFloat(q, 64)
				return err == nil && f > 0
			}
			return true
		}
	}
	return false
}

// gzipBytes and brotliBytes compress hard: a cached page is compressed
// once and sent many times.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func gzipFast(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func brotliBytes(b []byte) []byte {
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, 5)
	bw.Write(b)
	bw.Close()
	return buf.Bytes()
}

// tagOverlap is how far back each poll of the cache tags looks.
const tagOverlap = 10 * time.Second

// pollTimeout bounds one poll of the cache tags.
const pollTimeout = 5 * time.Second

// seedTags records the tags bumped lately before anything is cached, so
// the watcher's first poll does not take old changes for new ones.
func (s *Server) seedTags(ctx context.Context) error {
	src, ok := s.store.(cacheTagSource)
	if !ok {
		return nil
	}
	stamp := s.changeStamp()
	tags, err := src.CacheTagsSince(ctx, time.Now().Add(-tagOverlap))
	s.watch.seen = tags
	s.watch.stamp.Store(stamp)
	return err
}

// cacheTagSource is the store's record of bumped cache tags.
type cacheTagSource interface {
	CacheTagsSince(ctx context.Context, since time.Time) (map[string]int64, error)
}

// WatchStore drops cached pages when the store says what they show has
// changed, whoever changed it: this node, another node or the CLI. It
// polls every interval until ctx ends; tags are read with an overlap so a
// transaction that commits late is still seen. While the store cannot be
// reached, cached pages keep being served.
func (s *Server) WatchStore(ctx context.Context, interval time.Duration) {
	s.watching.Store(true)
	defer s.watching.Store(false)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		s.pollTags(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.pokes:
		}
	}
}

// StoreChanged tells the server the store changed (a PostgreSQL
// notification, say): the watcher looks at once instead of at its next
// tick. It never blocks; bursts fold into one look.
func (s *Server) StoreChanged() {
	select {
	case s.pokes <- struct{}{}:
	default:
	}
}

// watchState is what the watcher knows of the store's cache tags.
type watchState struct {
	mu      sync.Mutex
	seen    map[string]int64
	failing bool
	stamp   atomic.Value // string: the store's change stamp at the last poll
}

// pollTags reads the recently bumped tags and drops the pages that carry
// changed ones.
func (s *Server) pollTags(ctx context.Context) {
	src, ok := s.store.(cacheTagSource)
	if !ok {
		return
	}
	w := &s.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	stamp := s.changeStamp()
	// A store that hangs rather than refuses must not hold the watcher
	// (and its lock) for minutes: a poll that takes this long failed.
	pctx, cancel := context.WithTimeout(ctx, pollTimeout)
	tags, err := src.CacheTagsSince(pctx, time.Now().Add(-tagOverlap))
	cancel()
	switch {
	case err != nil && ctx.Err() != nil:
		return
	case err != nil:
		if !w.failing {
			s.logger.Warn("cache watch: store unreachable; serving cached pages", "err", err)
		}
		w.failing = true
		return
	case w.failing:
		// Changes made while we could not look may be older than the
		// overlap: start afresh.
		s.invalidate("content")
		w.failing = false
	}
	var changed []string
	for tag, v := range tags {
		if w.seen[tag] != v {
			changed = append(changed, tag)
		}
	}
	if len(changed) > 0 {
		s.invalidate(changed...)
	}
	w.seen = tags
	w.stamp.Store(stamp)
}

// changeStamper is a store that can tell cheaply whether anything was
// written since a stamp was taken (SQLite: the write-ahead log's size and
// time), so a cached page is never served after a change another process
// made, not even for the half second until the next poll.
type changeStamper interface {
	ChangeStamp() string
}

func (s *Server) changeStamp() string {
	if cs, ok := s.store.(changeStamper); ok {
		return cs.ChangeStamp()
	}
	return ""
}

// snapshotSafe reports whether the settings snapshot may be reused: only
// when changes made elsewhere reach this server, through the watcher or
// the store's change stamp.
func (s *Server) snapshotSafe() bool {
	return s.watching.Load() || s.changeStamp() != ""
}

// syncWithStore polls at once when the store changed since the last poll.
func (s *Server) syncWithStore(ctx context.Context) {
	cur := s.changeStamp()
	if cur == "" {
		return
	}
	if last, _ := s.watch.stamp.Load().(string); last != cur {
		s.pollTags(ctx)
	}
}

// invalidate drops cached pages and, for "content", the site snapshot.
// Feeds and sitemaps go too: their short lifetime bounds how stale they
// get without a watcher, and with one (several nodes, LISTEN/NOTIFY) a
// change reaches them as fast as it reaches pages.
func (s *Server) invalidate(tags ...string) {
	if s.cache != nil {
		s.cache.invalidate(tags...)
	}
	if s.docs != nil {
		s.docs.clear()
	}
	s.snapshotGen.Add(1)
	for _, t := range tags {
		if t == "content" {
			s.snapshot.Store(nil)
		}
	}
	if s.liveBlog != nil {
		s.liveBlog.changed(tags)
	}
	if s.live != nil {
		s.live.changed(tags)
	}
}

// sortOnly reports whether the query is only a thread order readers may
// choose (?sort=reactions): such a page is the same for everyone, so it
// is cached under its own key.
func sortOnly(r *http.Request) bool {
	v, ok := strings.CutPrefix(r.URL.RawQuery, "sort=")
	return ok && discussion.ValidSort(v)
}

// cacheKey is the page's key in the cache: host, path and a valid order.
func cacheKey(r *http.Request) string {
	if r.URL.RawQuery != "" && sortOnly(r) {
		return r.Host + r.URL.Path + "?" + r.URL.RawQuery
	}
	return r.Host + r.URL.Path
}
