package main

import (
	"communique/i18n"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"communique"
	"communique/admin"
	"communique/analytics"
	"communique/media"
	"communique/metrics"
	"communique/outbound"
	"communique/postgres"
	"communique/privacy"
	"communique/sqlstore"
	"communique/upload"
	"communique/web"
	"communique/webmention"
	"communique/wpapi"
)

// serveOptions are serve's flags.
type serveOptions struct {
	store                   *storeFlags
	ops                     *opsFlags
	addr, theme, smtpURL    string
	demo, pageCache, secure bool
	// outboundPrivate lets webhooks and Webmention reach loopback and
	// private networks (package outbound's policy refuses them).
	outboundPrivate bool
	cacheMB, memMB  int
	replicaDSNs     stringList
}

func (p *Program) serve(ctx context.Context, args []string) error {
	opt, err := p.serveFlags(args)
	if err != nil {
		return err
	}
	if opt.memMB > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(opt.memMB) << 20)
	}
	logger := p.logger()
	db, replicas, err := openServeStore(ctx, opt.store, opt.replicaDSNs, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := newOps(opt.ops, db, logger)
	if err != nil {
		return err
	}
	services, err := newApp(ctx, db, logger)
	if err != nil {
		return err
	}
	worker, err := p.mailWorker(db, opt.smtpURL, logger)
	if err != nil {
		return err
	}
	worker.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: opt.outboundPrivate})
	if opt.outboundPrivate {
		logger.Warn("--outbound-private: webhooks and Webmention may reach loopback and private networks")
	}
	services.notifier.Wake = worker.Wake
	// The fediverse: fetches and deliveries under the same outbound
	// policy as webhooks; deliveries go through the outbox worker.
	services.fed.HTTP = outbound.NewClient(outbound.Policy{AllowPrivate: opt.outboundPrivate, MaxRedirects: 3, Timeout: 10 * time.Second})
	services.fed.Wake = worker.Wake
	worker.ActivityPub = services.fed
	if opt.demo {
		if err := addDemoContent(ctx, services, opt, logger); err != nil {
			return err
		}
	}
	// Readers are counted until the listener has shut down, then the
	// counter writes what it holds: a clean shutdown loses no count.
	services.counter = analytics.New(db, logger)
	countCtx, stopCounting := context.WithCancel(context.WithoutCancel(ctx))
	counted := make(chan struct{})
	defer func() { stopCounting(); <-counted }()
	go func() { defer close(counted); services.counter.Run(countCtx) }()
	srv, handler, err := p.site(ctx, opt, services, o, replicas)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opt.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	logger.Info("communique is serving", "url", url, "store", db.Dialect(), "version", communique.Version)
	if n, err := db.CountUsers(ctx, communique.RoleAdministrator); err == nil && n == 0 {
		fmt.Fprintf(p.Stderr, "\nNo administrator yet. Open %s/setup to create one, or run:\n  %s user create%s --login admin --email you@example.com --role administrator --password-stdin\n\n",
			url, p.self(), storeArgs(opt.store))
	}
	emailLinks(ctx, db, services.notifier, url, logger)
	services.fed.SiteURL = url
	go worker.Run(ctx)
	go services.fed.RunInbox(ctx)
	go p.publishScheduled(ctx, services.articles, logger)
	go sendWebmentions(ctx, srv, time.Minute, logger)
	go forgetIPs(ctx, db, services.privacy, privacy.RetentionInterval, logger)
	go refreshStatistics(ctx, db, 6*time.Hour, logger)
	return p.listen(ctx, ln, handler, logger)
}

// serveFlags parses serve's command line.
func (p *Program) serveFlags(args []string) (*serveOptions, error) {
	fs, opt := p.serveFlagSet()
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return opt, nil
}

// serveFlagSet is serve's flags, which the overview lists too.
func (p *Program) serveFlagSet() (*flag.FlagSet, *serveOptions) {
	fs, sf := p.newFlagSet("serve")
	opt := &serveOptions{store: sf}
	fs.StringVar(&opt.addr, "addr", p.env("COMMUNIQUE_ADDR", "127.0.0.1:8080"), "address to listen on")
	fs.StringVar(&opt.theme, "theme", p.env("COMMUNIQUE_THEME", ""), "folder whose templates/ and static/ files override the default theme")
	fs.BoolVar(&opt.demo, "demo", false, "add sample articles to an empty store")
	fs.BoolVar(&opt.pageCache, "page-cache", p.env("COMMUNIQUE_PAGE_CACHE", "true") != "false", "cache whole public pages (shared by readers, dropped on every change)")
	fs.IntVar(&opt.cacheMB, "cache-size", 16, "page cache budget in MiB (gzip and Brotli variants included)")
	fs.IntVar(&opt.memMB, "memory-limit", 72, "soft limit of the Go heap in MiB, so the collector works harder before memory grows (0: none; GOMEMLIMIT wins)")
	fs.BoolVar(&opt.secure, "secure-cookies", p.env("COMMUNIQUE_SECURE_COOKIES", "") == "true", "mark cookies Secure (behind a TLS proxy)")
	fs.BoolVar(&opt.outboundPrivate, "outbound-private", p.env("COMMUNIQUE_OUTBOUND_PRIVATE", "") == "true",
		"let webhooks and Webmention reach loopback and private addresses (refused by default)")
	fs.StringVar(&opt.smtpURL, "smtp", p.env("COMMUNIQUE_SMTP", ""), "SMTP server for email: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; empty: emails go to the log")
	if v := p.env("COMMUNIQUE_DB_REPLICAS", ""); v != "" {
		opt.replicaDSNs = strings.Split(v, ",")
	}
	fs.Var(&opt.replicaDSNs, "db-replica", "PostgreSQL streaming replica URL for anonymous reads: postgres://… (repeatable)")
	opt.ops = p.opsFlags(fs)
	return fs, opt
}

// addDemoContent fills an empty store with samples. Sample content is
// not news: it is written without announcements.
func addDemoContent(ctx context.Context, services *app, opt *serveOptions, logger *slog.Logger) error {
	st, err := siteFor(opt.store)
	if err != nil {
		return err
	}
	images, err := st.MediaStorage(services.db)
	if err != nil {
		return err
	}
	library := &upload.Library{Storage: images, Store: services.db, Logger: logger}
	n, err := addDemo(ctx, services.db, services.quietArticles(), services.talk, library)
	if err != nil {
		return fmt.Errorf("demo content: %w", err)
	}
	if n > 0 {
		logger.Info("added demo content", "articles", n)
	}
	return nil
}

// decodeBudget is the memory all image decodes in progress may hold
// together: two and a half times the heap's soft limit, as a decode is
// brief and the collector returns it at once. The default limit of
// 72 MiB gives 180 MiB: room for one image at the 40-megapixel cap in
// any 8-bit format, or a 28-megapixel photo that must be turned upright.
// 256 MiB without a limit.
func decodeBudget(memMB int) int64 {
	if os.Getenv("GOMEMLIMIT") != "" || memMB <= 0 {
		return 256 << 20
	}
	return max(int64(memMB)*5/2, 64) << 20
}

// site builds the three doors on the services (public site, newsroom,
// REST API) and the middleware around them.
func (p *Program) site(ctx context.Context, opt *serveOptions, services *app, o *ops, replicas *postgres.Replicas) (*web.Server, http.Handler, error) {
	db, logger := services.db, services.logger
	st, err := siteFor(opt.store)
	if err != nil {
		return nil, nil, err
	}
	images, err := st.MediaStorage(db)
	if err != nil {
		return nil, nil, err
	}
	// One catalogue, the theme's locales/ over the embedded ones, for the
	// site, the newsroom and the emails.
	messages, err := i18n.Load(opt.theme)
	if err != nil {
		return nil, nil, err
	}
	if services.notifier != nil {
		services.notifier.Messages = messages
	}
	cfg := web.Config{Store: db, Logger: logger, ThemeDir: opt.theme, MediaStorage: images, Notify: services.notifier,
		Discussion: services.talk, Health: o.health, Federation: services.fed, Messages: messages}
	if services.counter != nil {
		cfg.Analytics = services.counter
	}
	if opt.pageCache && opt.cacheMB > 0 {
		cfg.PageCacheBytes = opt.cacheMB << 20
	}
	srv, err := web.NewServer(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	services.attach(srv)
	srv.Webmention = webmention.NewClient(opt.outboundPrivate)
	// Changes from other processes reach this node's cache within a second
	// by polling, and within milliseconds through PostgreSQL's NOTIFY.
	go srv.WatchStore(ctx, 500*time.Millisecond)
	go st.Watch(ctx, func() {
		// Replicas serve the pages rendered anew only once they have
		// the change that dropped them.
		replicas.Barrier(ctx)
		srv.StoreChanged()
	})
	// One budget for every upload of the process, through either door.
	limits := media.Limits{Budget: media.NewBudget(decodeBudget(opt.memMB), 0, 0)}
	newsroom, err := admin.New(ctx, admin.Config{Store: db, Discussion: services.talk, Logger: logger, SecureCookies: opt.secure,
		MediaStorage: images, Notify: services.notifier, Privacy: services.privacy, Articles: services.articles, Accounts: services.accounts,
		MediaLimits: limits, Fediverse: services.fed, Messages: messages})
	if err != nil {
		return nil, nil, err
	}
	srv.Sessions = newsroom // staff read private articles on the site
	apiCfg := wpapi.Config{Store: db, Discussion: services.talk, Logger: logger, MediaStorage: images, Sessions: newsroom,
		Notify: services.notifier, Articles: services.articles, Accounts: services.accounts, MediaLimits: limits}
	if st.Shared() {
		// Several nodes may share this database: share the API's quotas.
		apiCfg.SharedLimits = db
	}
	api, err := wpapi.New(ctx, apiCfg)
	if err != nil {
		return nil, nil, err
	}
	newsroom.Health, api.Health = o.health, o.health
	routes := http.NewServeMux()
	routes.Handle("/admin/", newsroom.Handler())
	routes.Handle("/wp-json/", api.Handler())
	routes.Handle("/", api.WithRESTRoute(wpapi.Discoverable(srv.Handler())))
	handler, err := o.handler(ctx, routes, db, srv)
	if err != nil {
		return nil, nil, err
	}
	if replicas != nil {
		handler = web.ReplicaReads(handler)
		replicaMetrics(o, replicas)
	}
	return srv, handler, nil
}

// listen serves handler on ln until ctx ends, then shuts down gracefully.
func (p *Program) listen(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger) error {
	timeouts := DefaultTimeouts
	if p.Timeouts != nil {
		timeouts = *p.Timeouts
	}
	httpServer := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: timeouts.ReadHeader,
		ReadTimeout:       timeouts.Read,
		WriteTimeout:      timeouts.Write,
		IdleTimeout:       timeouts.Idle,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- httpServer.Serve(ln) }()
	if p.Ready != nil {
		p.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openServeStore opens the store, with read replicas when given: they
// need PostgreSQL.
func openServeStore(ctx context.Context, sf *storeFlags, replicaDSNs []string, logger *slog.Logger) (*sqlstore.DB, *postgres.Replicas, error) {
	if len(replicaDSNs) == 0 {
		db, err := openStore(ctx, sf)
		return db, nil, err
	}
	if !strings.HasPrefix(sf.db, "postgres://") && !strings.HasPrefix(sf.db, "postgresql://") {
		return nil, nil, usagef("--db-replica needs --db postgres://…")
	}
	for _, dsn := range replicaDSNs {
		if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
			return nil, nil, usagef("--db-replica must be a postgres:// URL (got %q)", redact(dsn))
		}
	}
	db, replicas, err := postgres.OpenWithReplicas(ctx, sf.db, replicaDSNs)
	if err != nil {
		return nil, nil, err
	}
	replicas.SetLogger(logger)
	for _, r := range replicas.Stats() {
		logger.Info("read replica", "replica", r.Name, "in_rotation", r.Healthy)
	}
	return db, replicas, nil
}

// replicaMetrics shows each read replica's state and the reads it served.
func replicaMetrics(o *ops, replicas *postgres.Replicas) {
	stats := func(pick func(postgres.ReplicaStats) float64) func(context.Context, metrics.Emit) {
		return func(_ context.Context, emit metrics.Emit) {
			for _, r := range replicas.Stats() {
				emit(pick(r), r.Name)
			}
		}
	}
	label := []string{"replica"}
	o.registry.GaugeFunc("communique_db_replica_up", "Whether the read replica is in rotation (1) or not (0).", label,
		stats(func(r postgres.ReplicaStats) float64 { return boolFloat(r.Healthy) }))
	o.registry.CounterFunc("communique_db_replica_reads_total", "Anonymous reads the replica served.", label,
		stats(func(r postgres.ReplicaStats) float64 { return float64(r.Served) }))
}

// publishScheduled has the article service publish due scheduled
// articles every second, so an embargo lifts at its time on every node
// (within a second), not at the next slow tick; with nothing due, a tick
// is one indexed UPDATE that matches no row. The store's single UPDATE
// makes it exactly once across nodes, and only the node that flipped an
// article announces it.
func (p *Program) publishScheduled(ctx context.Context, articles scheduler, logger *slog.Logger) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	failing := false // an outage of the store is logged once, not every tick
	for {
		n, err := articles.PublishDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				logger.Error("publish scheduled", "err", err)
			}
			failing = true
		case err == nil:
			failing = false
		}
		if n > 0 {
			logger.Info("published scheduled articles", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// refreshStatistics keeps the query planner's statistics current: once at
// start (in the background, so a busy writer elsewhere cannot delay the
// first page) and then every interval.
func refreshStatistics(ctx context.Context, db *sqlstore.DB, interval time.Duration, logger *slog.Logger) {
	for {
		if err := db.RefreshStatistics(ctx); err != nil && ctx.Err() == nil {
			logger.Warn("query planner statistics", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

// logger writes text to a terminal and JSON otherwise, for log shippers.
func (p *Program) logger() *slog.Logger {
	if f, ok := p.Stderr.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return slog.New(slog.NewTextHandler(p.Stderr, nil))
		}
	}
	return slog.New(slog.NewJSONHandler(p.Stderr, nil))
}
