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
	at        time.Time
	host      string
	path      string
	query     string
	ip        string
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
	aggMu   sync.Mutex
	batch   *communique.AnalyticsBatch
	agent   *classifier
	day     string               // the day of salt
	salt    []byte               // that day's salt
	hashes  map[[3]string]string // during a drain: (site, address, browser) -> hash
	sent    map[sentKey]bool     // visitors already in a batch today
	mac     hash.Hash            // keyed with today's salt
	values  map[communique.AnalyticsDim]bool
	distinc map[dimScope]int

	flushMu sync.Mutex // one flush at a time
}

// sentKey is a visitor on a path on a day.
type sentKey struct{ day, path, hash string }

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
	c.sent = map[sentKey]bool{}
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
	x := hit{at: c.Now(), host: r.Host, path: r.URL.Path, query: r.URL.RawQuery, ip: proxy.ClientIP(r),
		ua: first(h["User-Agent"]), referrer: first(h["Referer"]), kind: kind, articleID: articleID, reached: reached,
		private: first(h["Sec-Gpc"]) == "1" || first(h["Dnt"]) == "1"}
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

// drain folds the waiting hits into the batch and forgets them.
func (c *Counter) drain(ctx context.Context) {
	c.aggMu.Lock()
	defer c.aggMu.Unlock()
	c.mu.Lock()
	hits := c.hits
	c.hits, c.spare = c.spare[:0], nil
	c.mu.Unlock()
	if len(hits) == 0 {
		return
	}
	// One hash per reader of the drain: the memory of (address, browser)
	// lives exactly as long as the hits.
	c.hashes = make(map[[3]string]string, len(hits)/4)
	for i := range hits {
		c.fold(ctx, &hits[i])
	}
	c.hashes = nil
	clear(hits) // addresses and user agents go with the drain
	c.mu.Lock()
	c.spare = hits[:0]
	c.mu.Unlock()
}

// fold adds one hit to the batch. Caller holds aggMu.
func (c *Counter) fold(ctx context.Context, x *hit) {
	cl := c.agent.classify(x.ua)
	if x.kind != communique.PageFeed && !cl.reader {
		return // bots, crawlers, feed readers and scripts are not readers
	}
	at := x.at.UTC()
	day := at.Format(time.DateOnly)
	c.turnDay(ctx, day)
	if x.reached {
		c.dim(day, x.articleID, communique.DimReached, "")
		c.dim(day, 0, communique.DimReached, "")
		return
	}
	key := communique.AnalyticsHit{Day: day, Hour: at.Hour(), Path: x.path, Kind: x.kind, ArticleID: x.articleID}
	switch x.kind {
	case communique.PageNotFound:
		key.Path = communique.NotFoundPath
	case communique.PageSearch:
		key.Path = "/search" // the words searched for are the reader's own
	}
	c.batch.Views[key]++
	if !content(x.kind) {
		return
	}
	c.batch.Minutes[at.Truncate(time.Minute)]++
	c.sources(day, key, x)
	if x.private && c.respectGPC.Load() {
		return
	}
	if hash := c.visitorHash(x); hash != "" {
		c.visitor(key, hash, cl)
	}
}

func content(k communique.PageKind) bool {
	return k == communique.PageArticle || k == communique.PageArchive || k == communique.PageSearch
}

// sources counts where a visit came from, when this view began one: it
// came from another site, or from none.
func (c *Counter) sources(day string, key communique.AnalyticsHit, x *hit) {
	host := referrerHost(x.referrer)
	if host != "" && host != invalid && (host == strings.TrimPrefix(hostOnly(x.host), "www.")) {
		return // a step inside the site
	}
	c.batch.Entries[key]++
	values := []struct{ dim, value string }{
		{communique.DimSource, group(host)},
		{communique.DimEntry, key.Path},
	}
	if host != "" {
		values = append(values, struct{ dim, value string }{communique.DimReferrer, host})
	}
	if x.query != "" && strings.Contains(x.query, "utm_") {
		q, _ := url.ParseQuery(x.query)
		for dim, name := range map[string]string{communique.DimCampaign: "utm_campaign", communique.DimUTMSrc: "utm_source", communique.DimMedium: "utm_medium"} {
			if v := campaignValue(q.Get(name)); v != "" {
				values = append(values, struct{ dim, value string }{dim, v})
			}
		}
	}
	for _, v := range values {
		c.dim(day, 0, v.dim, v.value)
		if key.ArticleID != 0 {
			c.dim(day, key.ArticleID, v.dim, v.value)
		}
	}
}

// dim counts a value, or "(other)" once the dimension has too many.
func (c *Counter) dim(day string, articleID int64, dim, value string) {
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
	c.batch.Dims[k]++
}

// visitor adds a first sighting of hash on key's path (and so maybe on
// the site) to the batch, unless this node sent it already today.
func (c *Counter) visitor(key communique.AnalyticsHit, hash string, cl client) {
	id := sentKey{key.Day, key.Path, hash}
	if c.sent[id] {
		return
	}
	c.sent[id] = true
	c.batch.Visitors = append(c.batch.Visitors, communique.AnalyticsVisitor{AnalyticsHit: key, Hash: hash, Device: cl.device, Browser: cl.browser})
}

// turnDay starts a new day: its salt (shared by every node through the
// store), and a fresh memory of what this node sent, which is the old
// day's business.
func (c *Counter) turnDay(ctx context.Context, day string) {
	if c.day == day {
		return
	}
	c.day, c.salt = day, nil
	clear(c.sent)
	c.mac = nil
	clear(c.values)
	clear(c.distinc)
	salt, err := c.store.DailySalt(ctx, day, randomSalt)
	if err != nil {
		c.logger.Warn("analytics salt", "err", err)
		c.day = "" // try again with the next hit
		return
	}
	c.salt = []byte(salt)
	c.mac = hmac.New(sha256.New, c.salt)
}

// visitorHash is the keyed hash of the visitor under the day's salt; ""
// when the salt could not be had (the view still counts).
func (c *Counter) visitorHash(x *hit) string {
	if c.mac == nil {
		return ""
	}
	who := [3]string{x.host, x.ip, x.ua}
	if h, ok := c.hashes[who]; ok {
		return h
	}
	var buf [sha256.Size]byte
	c.mac.Reset()
	c.mac.Write([]byte(hostOnly(x.host))) // the site, whichever node or port answered
	c.mac.Write([]byte{0})
	c.mac.Write([]byte(x.ip))
	c.mac.Write([]byte{0})
	c.mac.Write([]byte(x.ua))
	h := hex.EncodeToString(c.mac.Sum(buf[:0])[:16])
	if c.hashes != nil {
		c.hashes[who] = h
	}
	return h
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
