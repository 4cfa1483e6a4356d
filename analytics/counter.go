// Package analytics counts readers on the server, without cookies and
// without keeping addresses: the public site hands each answered request
// to a Counter, which keeps it in memory for a second at most, folds it
// into per-hour counters, and flushes those to the store by upsert so
// that every node's counts add up. Visitors are told apart per day by a
// keyed hash of (day's salt, site, address, user agent); the salt lives
// in the store for one day, so no visitor is followed into the next.
package analytics

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"communique"
	"communique/proxy"
)

// Store is what counting needs of the store.
type Store interface {
	communique.AnalyticsStore
	Settings(ctx context.Context) (map[string]string, error)
}

// StaffCookie is the newsroom's session cookie: a browser carrying it is
// staff, whose reading of their own site is not counted.
const StaffCookie = "communique_session"

// DefaultFlushEvery is how often a node writes its counters.
const DefaultFlushEvery = 10 * time.Second

// hit is one request as it arrives: only references to the request's own
// strings, so recording it costs an append. It lives until the next drain
// (a second at most) and is never written anywhere.
type hit struct {
	at        int64 // Unix nanoseconds
	host      string
	path      string
	query     string
	addr      netip.Addr // the reader's address, when there is one
	ip        string     // else what RemoteAddr holds
	ua        string
	referrer  string
	kind      communique.PageKind
	articleID int64
	private   bool // Global Privacy Control or Do Not Track
	reached   bool // the comments beacon, not a page view
}

// Counter counts one node's readers.
type Counter struct {
	store  Store
	logger *slog.Logger

	// Now is the clock; tests replace it.
	Now func() time.Time
	// FlushEvery is how often Run writes the counters.
	FlushEvery time.Duration

	enabled    atomic.Bool
	respectGPC atomic.Bool
	beacon     atomic.Bool
	hourlyDays atomic.Int64
	dailyDays  atomic.Int64

	mu    sync.Mutex
	hits  []hit
	spare []hit // the last drained buffer, emptied, for the next swap

	// What drain makes of the hits, until flush takes it.
	aggMu     sync.Mutex
	batch     *communique.AnalyticsBatch // spilled counts and first sightings
	shapes    map[shapeKey]*shape        // counts not yet spilled into batch
	minutes   map[int64]int64            // content views per Unix minute, not yet spilled
	agent     *classifier
	day       string // the day of salt
	dayStart  int64  // its first and first-after-last Unix nanosecond
	dayEnd    int64
	salt      []byte               // that day's salt
	readers   map[who]reader       // readers of the last second or so
	readSince int64                // when the oldest of them was seen
	sent      map[sentKey]struct{} // visitors already in a batch today
	mac       hash.Hash            // keyed with today's salt
	values    map[communique.AnalyticsDim]bool
	distinc   map[dimScope]int

	flushMu sync.Mutex // one flush at a time
}

// who is a reader as a drain tells them apart: (site, address, browser).
type who struct {
	host string
	addr netip.Addr
	ip   string
	ua   string
}

// reader is what drains learn of one who: its class and, once needed,
// its hash. It is forgotten within a second or two (forgetReaders).
type reader struct {
	cl     client
	hash   [16]byte
	hashed bool   // hash was tried (ok says whether it was had)
	ok     bool   //
	sent   string // the path this reader was last seen sent on
}

// sentKey is a visitor on a path (on the day of salt: the memory is
// cleared when the day turns).
type sentKey struct {
	path string
	hash [16]byte
}

// shapeKey is what decides how a view is counted, apart from who sent it
// and when in the hour: the site, the counted path, the kind, the
// article, where it came from and its campaign. Views of one shape are
// counted by one increment; its counters and dimensions are worked out
// once, when the shape is first seen since the last spill.
type shapeKey struct {
	host, path, query, referrer string
	kind                        communique.PageKind
	articleID                   int64
	hour                        int
	reached                     bool
}

// shape is the counting of a shapeKey: n views of it since the last
// spill, and what each adds.
type shape struct {
	n     int64
	key   communique.AnalyticsHit
	view  bool // a page view (not the comments beacon)
	entry bool // each began a visit
	dims  []communique.AnalyticsDim
}

// maxShapes bounds the shapes kept between spills; past it they are
// spilled into the batch early (forged referrers and campaigns make new
// shapes, not more memory).
const maxShapes = 1 << 14

// dimScope is one dimension of one article on one day, for the cap on
// distinct values.
type dimScope struct {
	day       string
	articleID int64
	dim       string
}

// maxDistinct bounds the distinct values one node adds to a dimension of
// one article on one day; the rest are counted as "(other)", so forged
// referrers and campaigns cannot grow storage without bound.
const maxDistinct = 200

// maxBuffered is how many raw hits may wait for a drain; past it the
// request that records one drains them itself.
const maxBuffered = 8192

// readerMemory is how long, and maxReaders how many, readers (their
// addresses and browsers, with their hashes) are remembered across
// drains: about a second, like the hits themselves (Run drains every
// second, so none is kept two), and never past a flush.
const (
	readerMemory = int64(time.Second)
	maxReaders   = 8192
)

// New makes a counter on store, on by default until the settings say.
func New(store Store, logger *slog.Logger) *Counter {
	if logger == nil {
		logger = slog.Default()
	}
	c := &Counter{store: store, logger: logger, Now: time.Now, FlushEvery: DefaultFlushEvery, agent: newClassifier()}
	c.enabled.Store(true)
	c.respectGPC.Store(true)
	c.beacon.Store(true)
	c.hourlyDays.Store(30)
	c.dailyDays.Store(730)
	c.batch = newBatch()
	c.shapes = map[shapeKey]*shape{}
	c.minutes = map[int64]int64{}
	c.readers = map[who]reader{}
	c.sent = map[sentKey]struct{}{}
	c.values = map[communique.AnalyticsDim]bool{}
	c.distinc = map[dimScope]int{}
	return c
}

func newBatch() *communique.AnalyticsBatch {
	return &communique.AnalyticsBatch{Views: map[communique.AnalyticsHit]int64{}, Entries: map[communique.AnalyticsHit]int64{},
		Dims: map[communique.AnalyticsDim]int64{}, Minutes: map[time.Time]int64{}}
}

// Wants reports, cheaply and before the answer is made, whether r may be
// counted: a GET, not a prefetch, not from the newsroom's staff.
func (c *Counter) Wants(r *http.Request) bool {
	if c == nil || !c.enabled.Load() || r.Method != http.MethodGet {
		return false
	}
	h := r.Header
	if len(h["Sec-Purpose"]) > 0 || len(h["Purpose"]) > 0 || len(h["X-Moz"]) > 0 {
		return false // prefetch or prerender: nobody has read it yet
	}
	if len(h["Cookie"]) > 0 {
		if _, err := r.Cookie(StaffCookie); err == nil {
			return false
		}
	}
	return true
}

// Beacon reports whether pages should carry the comments beacon.
func (c *Counter) Beacon() bool { return c != nil && c.enabled.Load() && c.beacon.Load() }

// Count records a request that Wants accepted, once answered with status:
// a page of kind (an article's with its id), a feed, or a 404.
func (c *Counter) Count(r *http.Request, status int, kind communique.PageKind, articleID int64) {
	switch {
	case status == http.StatusNotFound:
		kind, articleID = communique.PageNotFound, 0
	case status != http.StatusOK && status != http.StatusNotModified:
		return // redirects and errors are nobody's reading
	}
	c.record(r, kind, articleID, false)
}

// Reached records that a reader of article id reached its comments.
func (c *Counter) Reached(r *http.Request, articleID int64) {
	c.record(r, communique.PageArticle, articleID, true)
}

func (c *Counter) record(r *http.Request, kind communique.PageKind, articleID int64, reached bool) {
	h := r.Header
	x := hit{at: c.Now().UnixNano(), host: r.Host, path: r.URL.Path, query: r.URL.RawQuery, addr: proxy.ClientAddr(r),
		ua: first(h["User-Agent"]), referrer: first(h["Referer"]), kind: kind, articleID: articleID, reached: reached,
		private: first(h["Sec-Gpc"]) == "1" || first(h["Dnt"]) == "1"}
	if !x.addr.IsValid() {
		x.ip = proxy.ClientIP(r) // its fallback, as text
	}
	c.mu.Lock()
	c.hits = append(c.hits, x)
	full := len(c.hits) >= maxBuffered
	c.mu.Unlock()
	if full {
		c.drain(r.Context())
	}
}

// first is a header's first value; the map is read by canonical key,
// without the canonicalising Get does on every call.
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// drain folds the waiting hits into the counters and forgets them.
func (c *Counter) drain(ctx context.Context) {
	c.aggMu.Lock()
	defer c.aggMu.Unlock()
	c.mu.Lock()
	hits := c.hits
	if len(hits) == 0 {
		c.mu.Unlock()
		c.forgetReaders(c.Now().UnixNano())
		return
	}
	c.hits, c.spare = c.spare[:0], nil
	c.mu.Unlock()
	for i := range hits {
		c.fold(ctx, &hits[i])
	}
	clear(hits) // addresses and user agents go with the drain
	c.mu.Lock()
	c.spare = hits[:0]
	c.mu.Unlock()
}

// forgetReaders forgets the readers once the oldest was seen a second
// before now (or after now: the clock was set back), or when there are
// too many. Caller holds aggMu.
func (c *Counter) forgetReaders(now int64) {
	if len(c.readers) == 0 {
		c.readSince = now
		return
	}
	if age := now - c.readSince; age >= readerMemory || age < 0 || len(c.readers) >= maxReaders {
		clear(c.readers)
		c.readSince = now
	}
}

// fold adds one hit to the counters. Caller holds aggMu.
func (c *Counter) fold(ctx context.Context, x *hit) {
	c.forgetReaders(x.at)
	id := who{x.host, x.addr, x.ip, x.ua}
	rd, known := c.readers[id]
	if !known {
		rd.cl = c.agent.classify(x.ua)
	}
	if x.kind != communique.PageFeed && !rd.cl.reader {
		if !known {
			c.readers[id] = rd
		}
		return // bots, crawlers, feed readers and scripts are not readers
	}
	var day string
	var hour int
	if x.at >= c.dayStart && x.at < c.dayEnd {
		day, hour = c.day, int((x.at-c.dayStart)/int64(time.Hour))
	} else {
		at := time.Unix(0, x.at).UTC()
		day, hour = at.Format(time.DateOnly), at.Hour()
		c.turnDay(ctx, at, day)
		known, rd.hashed, rd.ok = false, false, false // the day's readers are forgotten with it
	}
	sk := shapeKey{articleID: x.articleID, kind: x.kind, hour: hour, reached: x.reached}
	if !x.reached {
		sk.path = x.path
		switch x.kind {
		case communique.PageNotFound:
			sk.path = communique.NotFoundPath
		case communique.PageSearch:
			sk.path = "/search" // the words searched for are the reader's own
		}
		if content(x.kind) {
			sk.host, sk.referrer = x.host, x.referrer
			if strings.Contains(x.query, "utm_") {
				sk.query = x.query
			}
		}
	}
	sh := c.shapes[sk]
	if sh == nil {
		sh = c.newShape(day, sk)
	}
	sh.n++
	if !sh.view || !content(x.kind) {
		if !known {
			c.readers[id] = rd
		}
		return
	}
	c.minutes[x.at/int64(time.Minute)]++
	if x.private && c.respectGPC.Load() {
		if !known {
			c.readers[id] = rd
		}
		return
	}
	if !rd.hashed {
		rd.hash, rd.ok = c.visitorHash(x)
		rd.hashed = true
		known = false
	}
	if rd.ok && rd.sent != sh.key.Path {
		c.visitor(sh.key, rd.hash, rd.cl)
		rd.sent, known = sh.key.Path, false
	}
	if !known {
		c.readers[id] = rd
	}
}

// newShape works out what views of sk add, and keeps it until the next
// spill.
func (c *Counter) newShape(day string, sk shapeKey) *shape {
	if len(c.shapes) >= maxShapes {
		c.spill()
	}
	sh := &shape{}
	c.shapes[sk] = sh
	if sk.reached {
		sh.dims = []communique.AnalyticsDim{c.dim(day, sk.articleID, communique.DimReached, ""), c.dim(day, 0, communique.DimReached, "")}
		return sh
	}
	sh.view = true
	sh.key = communique.AnalyticsHit{Day: day, Hour: sk.hour, Path: sk.path, Kind: sk.kind, ArticleID: sk.articleID}
	if content(sk.kind) {
		sh.entry, sh.dims = c.sources(day, sh.key, sk)
	}
	return sh
}

// spill adds the shapes' counts to the batch and forgets the shapes.
// Caller holds aggMu.
func (c *Counter) spill() {
	b := c.batch
	for _, sh := range c.shapes {
		if sh.n == 0 {
			continue
		}
		if sh.view {
			b.Views[sh.key] += sh.n
			if sh.entry {
				b.Entries[sh.key] += sh.n
			}
		}
		for _, d := range sh.dims {
			b.Dims[d] += sh.n
		}
	}
	clear(c.shapes)
	for m, n := range c.minutes {
		b.Minutes[time.Unix(m*60, 0).UTC()] += n
	}
	clear(c.minutes)
}

func content(k communique.PageKind) bool {
	return k == communique.PageArticle || k == communique.PageArchive || k == communique.PageSearch
}

// sources works out where a visit came from, when a view began one: it
// came from another site, or from none. It returns whether the view is an
// entry and the dimension values each such view adds.
func (c *Counter) sources(day string, key communique.AnalyticsHit, sk shapeKey) (bool, []communique.AnalyticsDim) {
	host := referrerHost(sk.referrer)
	if host != "" && host != invalid && (host == strings.TrimPrefix(hostOnly(sk.host), "www.")) {
		return false, nil // a step inside the site
	}
	values := []struct{ dim, value string }{
		{communique.DimSource, group(host)},
		{communique.DimEntry, key.Path},
	}
	if host != "" {
		values = append(values, struct{ dim, value string }{communique.DimReferrer, host})
	}
	if sk.query != "" {
		q, _ := url.ParseQuery(sk.query)
		for dim, name := range map[string]string{communique.DimCampaign: "utm_campaign", communique.DimUTMSrc: "utm_source", communique.DimMedium: "utm_medium"} {
			if v := campaignValue(q.Get(name)); v != "" {
				values = append(values, struct{ dim, value string }{dim, v})
			}
		}
	}
	dims := make([]communique.AnalyticsDim, 0, 2*len(values))
	for _, v := range values {
		dims = append(dims, c.dim(day, 0, v.dim, v.value))
		if key.ArticleID != 0 {
			dims = append(dims, c.dim(day, key.ArticleID, v.dim, v.value))
		}
	}
	return true, dims
}

// dim is the counter of a value, or of "(other)" once the dimension has
// too many.
func (c *Counter) dim(day string, articleID int64, dim, value string) communique.AnalyticsDim {
	k := communique.AnalyticsDim{Day: day, ArticleID: articleID, Dim: dim, Value: value}
	if !c.values[k] {
		sc := dimScope{day, articleID, dim}
		if c.distinc[sc] >= maxDistinct {
			k.Value = "(other)"
		} else {
			c.values[k] = true
			c.distinc[sc]++
		}
	}
	return k
}

// visitor adds a first sighting of hash on key's path (and so maybe on
// the site) to the batch, unless this node sent it already today.
func (c *Counter) visitor(key communique.AnalyticsHit, hash [16]byte, cl client) {
	id := sentKey{key.Path, hash}
	if _, ok := c.sent[id]; ok {
		return
	}
	c.sent[id] = struct{}{}
	c.batch.Visitors = append(c.batch.Visitors, communique.AnalyticsVisitor{AnalyticsHit: key, Hash: hex.EncodeToString(hash[:]), Device: cl.device, Browser: cl.browser})
}

// turnDay starts a new day: its salt (shared by every node through the
// store), and a fresh memory of what this node sent, which is the old
// day's business. The old day's shapes are spilled first: their values
// were capped by the old day's memory.
func (c *Counter) turnDay(ctx context.Context, at time.Time, day string) {
	if c.day == day {
		return
	}
	c.spill()
	c.day, c.salt, c.dayStart, c.dayEnd = day, nil, 0, 0
	clear(c.sent)
	c.mac = nil
	clear(c.values)
	clear(c.distinc)
	clear(c.readers)
	salt, err := c.store.DailySalt(ctx, day, randomSalt)
	if err != nil {
		c.logger.Warn("analytics salt", "err", err)
		c.day = "" // try again with the next hit
		return
	}
	c.salt = []byte(salt)
	c.mac = hmac.New(sha256.New, c.salt)
	start := at.Truncate(24 * time.Hour)
	c.dayStart, c.dayEnd = start.UnixNano(), start.Add(24*time.Hour).UnixNano()
}

// visitorHash is the keyed hash of the visitor under the day's salt; not
// ok when the salt could not be had (the view still counts).
func (c *Counter) visitorHash(x *hit) (h [16]byte, ok bool) {
	if c.mac == nil {
		return h, false
	}
	var buf [sha256.Size]byte
	ip := []byte(x.ip)
	if x.addr.IsValid() {
		ip = x.addr.AppendTo(buf[:0]) // as ClientIP writes it
	}
	c.mac.Reset()
	c.mac.Write([]byte(hostOnly(x.host))) // the site, whichever node or port answered
	c.mac.Write([]byte{0})
	c.mac.Write(ip)
	c.mac.Write([]byte{0})
	c.mac.Write([]byte(x.ua))
	copy(h[:], c.mac.Sum(buf[:0]))
	return h, true
}

func randomSalt() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hostOnly(hostport string) string {
	h := strings.ToLower(hostport)
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
		h = h[:i]
	}
	return h
}
