package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/health"
	"communique/metrics"
	"communique/proxy"
	"communique/sqlstore"
	"communique/web"
)

// What serve adds for operators: the proxies whose X-Forwarded-For is
// believed, the store's health (503 with Retry-After while it is gone),
// and Prometheus metrics.

// storeReadTimeout is the deadline of GET and HEAD requests: a store that
// hangs instead of refusing costs a reader three seconds, then a 503.
const storeReadTimeout = 3 * time.Second

// opsFlags are serve's operator flags.
type opsFlags struct {
	trustedProxies, metricsAddr, metricsAllow string
}

func (p *Program) opsFlags(fs *flag.FlagSet) *opsFlags {
	f := &opsFlags{}
	fs.StringVar(&f.trustedProxies, "trusted-proxies", p.env("COMMUNIQUE_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For is believed: CIDR or address list, or loopback, private")
	fs.StringVar(&f.metricsAddr, "metrics-addr", p.env("COMMUNIQUE_METRICS_ADDR", ""), "also serve /metrics on this address (say 127.0.0.1:9090), to whoever reaches it")
	fs.StringVar(&f.metricsAllow, "metrics-allow", p.env("COMMUNIQUE_METRICS_ALLOW", "loopback"), "clients (CIDR list) allowed /metrics on the main address; empty: none")
	return f
}

// ops is the operators' side of a serving node.
type ops struct {
	trusted     *proxy.Trusted
	allow       *proxy.Trusted // who may read /metrics on the main address
	metricsAddr string
	health      *health.Monitor
	registry    *metrics.Registry
	http        *metrics.HTTP
	logger      *slog.Logger
}

func newOps(f *opsFlags, db *sqlstore.DB, logger *slog.Logger) (*ops, error) {
	trusted, err := proxy.Parse(f.trustedProxies)
	if err != nil {
		return nil, usagef("--trusted-proxies: %v", err)
	}
	allow, err := proxy.Parse(f.metricsAllow)
	if err != nil {
		return nil, usagef("--metrics-allow: %v", err)
	}
	mon := health.New(db.Ping)
	mon.Logger = logger
	mon.ReadTimeout = storeReadTimeout
	reg := metrics.NewRegistry()
	return &ops{trusted: trusted, allow: allow, metricsAddr: f.metricsAddr, health: mon, registry: reg, http: metrics.NewHTTP(reg), logger: logger}, nil
}

// handler finishes the node's wiring around routes: /metrics, the metric
// families, the store monitor (whose recovery makes the page cache look
// at the store at once), the metrics listener of --metrics-addr, and the
// middleware every request goes through, outermost first: the trusted
// proxies, metrics, then the gate that answers 503 while the store is
// down (except what the node serves without it).
func (o *ops) handler(ctx context.Context, routes *http.ServeMux, db *sqlstore.DB, srv *web.Server) (http.Handler, error) {
	routes.HandleFunc("GET /metrics", o.handleMetrics)
	o.registerStore(db, srv)
	o.health.OnUp = srv.StoreChanged
	go o.health.Run(ctx, time.Second)
	if o.metricsAddr != "" {
		if err := o.serveMetrics(ctx); err != nil {
			return nil, err
		}
	}
	offline := func(r *http.Request) bool {
		return srv.ServesOffline(r) || strings.HasPrefix(r.URL.Path, "/admin/static/") || r.URL.Path == "/metrics"
	}
	return o.trusted.Handler(o.http.Instrument(o.health.Gate(routes, offline))), nil
}

// handleMetrics answers scrapes on the main address from allowed clients
// only; others get a plain 404, as if there were nothing there. A request
// that came through a proxy we do not trust is refused too: behind it,
// anyone may be asking.
func (o *ops) handleMetrics(w http.ResponseWriter, r *http.Request) {
	if (proxy.Forwarded(r) && !o.trusted.Contains(proxy.Peer(r))) || !o.allow.Contains(proxy.ClientAddr(r)) {
		http.NotFound(w, r)
		return
	}
	o.registry.ServeHTTP(w, r)
}

// serveMetrics listens on --metrics-addr for scrapes, until ctx ends.
func (o *ops) serveMetrics(ctx context.Context) error {
	ln, err := net.Listen("tcp", o.metricsAddr)
	if err != nil {
		return fmt.Errorf("metrics listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", o.registry)
	s := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(o.logger.Handler(), slog.LevelWarn)}
	go func() {
		if err := s.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			o.logger.Error("metrics listener", "err", err)
		}
	}()
	context.AfterFunc(ctx, func() { s.Close() })
	o.logger.Info("metrics are served", "url", "http://"+ln.Addr().String()+"/metrics")
	return nil
}

// registerStore adds the node's gauges: page cache, store reachability,
// connection pools, and comments and outbox messages by status.
func (o *ops) registerStore(db *sqlstore.DB, srv *web.Server) {
	r := o.registry
	r.GaugeFunc("communique_build_info", "The running version and store, always 1.", []string{"version", "store"}, func(_ context.Context, emit metrics.Emit) {
		emit(1, communique.Version, db.Dialect())
	})
	r.GaugeFunc("communique_store_up", "Whether the store answered the last probe (1) or not (0).", nil, func(_ context.Context, emit metrics.Emit) {
		emit(boolFloat(!o.health.Down()))
	})
	cache := func(pick func(web.CacheStats) float64) func(context.Context, metrics.Emit) {
		return func(_ context.Context, emit metrics.Emit) {
			if st := srv.CacheStats(); st.Enabled {
				emit(pick(st))
			}
		}
	}
	r.CounterFunc("communique_page_cache_hits_total", "Public pages served from the page cache.", nil, cache(func(s web.CacheStats) float64 { return float64(s.Hits) }))
	r.CounterFunc("communique_page_cache_misses_total", "Cacheable public pages rendered because the cache lacked them.", nil, cache(func(s web.CacheStats) float64 { return float64(s.Misses) }))
	r.GaugeFunc("communique_page_cache_pages", "Pages in the page cache.", nil, cache(func(s web.CacheStats) float64 { return float64(s.Pages) }))
	r.GaugeFunc("communique_page_cache_bytes", "Bytes the page cache holds, compressed variants included.", nil, cache(func(s web.CacheStats) float64 { return float64(s.Bytes) }))

	pools := func(pick func(sqlstore.Pool) float64) func(context.Context, metrics.Emit) {
		return func(_ context.Context, emit metrics.Emit) {
			for _, p := range db.Pools() {
				emit(pick(p), p.Name)
			}
		}
	}
	pool := []string{"pool"}
	r.GaugeFunc("communique_db_connections_max_open", "Most connections the pool may open (0: no limit).", pool, pools(func(p sqlstore.Pool) float64 { return float64(p.Stats.MaxOpenConnections) }))
	r.GaugeFunc("communique_db_connections_open", "Connections open, in use or idle.", pool, pools(func(p sqlstore.Pool) float64 { return float64(p.Stats.OpenConnections) }))
	r.GaugeFunc("communique_db_connections_in_use", "Connections running a statement or transaction.", pool, pools(func(p sqlstore.Pool) float64 { return float64(p.Stats.InUse) }))
	r.GaugeFunc("communique_db_connections_idle", "Idle connections.", pool, pools(func(p sqlstore.Pool) float64 { return float64(p.Stats.Idle) }))
	r.CounterFunc("communique_db_wait_count_total", "Times a request waited for a free connection.", pool, pools(func(p sqlstore.Pool) float64 { return float64(p.Stats.WaitCount) }))
	r.CounterFunc("communique_db_wait_seconds_total", "Time spent waiting for a free connection.", pool, pools(func(p sqlstore.Pool) float64 { return p.Stats.WaitDuration.Seconds() }))

	// Every status is shown, 0 when none: a series that vanishes is harder
	// to graph and alert on than one at zero.
	comments := &storeCounts{known: []string{string(communique.CommentPending), string(communique.CommentApproved),
		string(communique.CommentSpam), string(communique.CommentTrash)}, fetch: func(ctx context.Context) (map[string]int, error) {
		m, err := db.CountComments(ctx)
		out := map[string]int{}
		for k, v := range m {
			out[string(k)] = v
		}
		return out, err
	}}
	outbox := &storeCounts{known: []string{string(communique.MessagePending), string(communique.MessageSending),
		string(communique.MessageSent), string(communique.MessageFailed)}, fetch: func(ctx context.Context) (map[string]int, error) {
		m, err := db.CountMessages(ctx)
		out := map[string]int{}
		for k, v := range m {
			out[string(k)] = v
		}
		return out, err
	}}
	r.GaugeFunc("communique_comments", "Comments by status, read from the store (at most every 10 s).", []string{"status"}, o.counts(comments))
	r.GaugeFunc("communique_outbox_messages", "Outgoing emails and webhook calls by status: pending and failed are the backlog.", []string{"status"}, o.counts(outbox))
	r.GaugeFunc("go_goroutines", "Goroutines that currently exist.", nil, func(_ context.Context, emit metrics.Emit) {
		emit(float64(runtime.NumGoroutine()))
	})
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// storeCounts are counts read from the store, kept a little while so that
// frequent scrapes (several Prometheus servers, say) cost one query.
type storeCounts struct {
	known []string // statuses shown even when no row has them
	fetch func(ctx context.Context) (map[string]int, error)
	mu    sync.Mutex
	at    time.Time
	last  map[string]int
}

const storeCountsTTL = 10 * time.Second

// counts emits the counts, or nothing when the store cannot tell: a
// missing sample is not mistaken for zero.
func (o *ops) counts(c *storeCounts) func(context.Context, metrics.Emit) {
	return func(ctx context.Context, emit metrics.Emit) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.last == nil || time.Since(c.at) > storeCountsTTL {
			if o.health.Down() {
				return
			}
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			m, err := c.fetch(ctx)
			cancel()
			if err != nil {
				return
			}
			for _, k := range c.known {
				m[k] += 0
			}
			c.last, c.at = m, time.Now()
		}
		keys := make([]string, 0, len(c.last))
		for k := range c.last {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			emit(float64(c.last[k]), k)
		}
	}
}
