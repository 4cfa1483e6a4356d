// Package web serves Communiqué's public site: server-rendered HTML from
// html/template, complete without JavaScript, with no third-party requests.
package web

import (
	"communique/i18n"
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/health"
	"communique/internal/httpkit"
	"communique/internal/recovery"
	"communique/live"
	"communique/media"
	"communique/newsroom"
	"communique/notify"
	"communique/proxy"
	"communique/webmention"
)

// Store is what the public site needs from a store.
type Store interface {
	communique.ArticleFinder
	communique.UserService
	communique.TermService
	communique.SettingService
	communique.MenuService
	communique.CommentStore
	communique.MediaService
	communique.SearchService
	communique.SitemapService
	communique.WebmentionService
	Ping(ctx context.Context) error
	SchemaVersion(ctx context.Context) (int, error)
	Secret(ctx context.Context, name string, gen func() string) (string, error)
	CreateFirstAdministrator(ctx context.Context, u *communique.User) error
}

// Server is the public site.
type Server struct {
	store       Store
	logger      *slog.Logger
	views       *httpkit.Views
	fragments   *fragmentCache // comments rendered once (fragment.go)
	assets      *httpkit.Assets
	errs        httpkit.Errors // errors to statuses, pages and the log
	secret      []byte         // signs CSRF tokens; shared by every node through the store
	discussion  *discussion.Service
	articles    *newsroom.Service    // nil when the store keeps no articles' desk
	notify      *notify.Service      // nil: no subscriptions, /subscriptions/ answers 404
	media       media.Storage        // library images; nil: /media/ answers 404
	cache       *pageCache           // nil when the page cache is off
	snapshot    atomic.Pointer[site] // settings, categories, menu; with the cache
	watch       watchState           // what the cache watcher saw of the store
	watching    atomic.Bool          // WatchStore is running
	snapshotGen atomic.Uint64        // bumped by every invalidation
	pokes       chan struct{}        // StoreChanged wakes the watcher
	searchSlots chan struct{}        // searches under way (searchLimited)
	searchWait  time.Duration        // how long a search waits for a slot
	health      *health.Monitor      // tells a store outage (503) from a bug (500)
	counter     Counter              // counts readers (analytics); nil: nobody is counted
	fed         Federation           // the fediverse; nil: pages only
	live        *liveThreads         // open pages' live threads (live.go)
	liveBlog    *liveThreads         // open live blogs' entries (liveblog.go)
	life        context.Context      // ends with the server: streams close
	messages    *i18n.Catalog        // the words of the pages, by language

	// Now is the clock; tests replace it.
	Now func() time.Time

	// SitemapURLs is the number of articles per sitemap file; 0 means the
	// sitemaps.org maximum of 50,000.
	SitemapURLs int
	docs        *docCache // feeds, sitemaps and robots.txt (doccache.go)

	// Webmention verifies the mentions received and sends the site's;
	// NewServer's refuses private addresses. Tests give one that allows
	// loopback.
	Webmention *webmention.Client
	verifiers  chan struct{} // bounds the verifications running at once
	verifying  atomic.Int64  // verifications running or waiting

	// Sessions tells signed-in staff, who may read private articles on
	// the site; nil: nobody is (the newsroom is wired in cmd/).
	Sessions SessionReader
}

// Config is what a Server is built from.
type Config struct {
	Store  Store
	Logger *slog.Logger
	// ThemeDir, when set, holds templates/ and static/ files that replace
	// the embedded ones of the same name.
	ThemeDir string
	// Notify, when set, hears about comments and serves subscriptions.
	Notify *notify.Service
	// MediaStorage holds the library's images, served under /media/.
	MediaStorage media.Storage
	// PageCacheBytes, when positive, turns on the whole-page cache with
	// that budget. Run WatchStore beside a cached server so changes made
	// elsewhere (the CLI, other nodes) reach it.
	PageCacheBytes int
	// Health follows the store's reachability, so requests that fail
	// because it is gone get 503 with Retry-After rather than 500; nil:
	// the server probes the store itself when a request fails.
	Health *health.Monitor
	// Discussion is the comment service every door shares; nil: the
	// server builds its own on Store, with Notify as its notifier.
	Discussion *discussion.Service
	// Analytics, when set, counts every public page answered, from the
	// cache or rendered (analytics.Counter).
	Analytics Counter
	// Federation, when set, answers the fediverse: discovery, the inbox,
	// and ActivityStreams on the site's, authors' and articles' URLs.
	Federation Federation
	// Messages are the words of the pages in every language; nil: the
	// embedded catalogue with ThemeDir's locales/ over it.
	Messages *i18n.Catalog
}

// NewServer parses the templates (failing if a view is missing) and loads
// the site secret.
func NewServer(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Messages == nil {
		m, err := i18n.Load(cfg.ThemeDir)
		if err != nil {
			return nil, err
		}
		cfg.Messages = m
	}
	views, assets, err := loadViews(cfg.ThemeDir, cfg.Messages)
	if err != nil {
		return nil, err
	}
	// Three secrets, so that knowing one (say, the avatar key, which shapes
	// public URLs) says nothing about the others.
	var keys [3]string
	for i, name := range []string{"site", "avatar", "comment-token"} {
		if keys[i], err = cfg.Store.Secret(ctx, name, randomToken); err != nil {
			return nil, err
		}
	}
	s := &Server{store: cfg.Store, logger: cfg.Logger, views: views, fragments: newFragmentCache(fragmentBudget), assets: assets, secret: []byte(keys[0]), Now: time.Now}
	s.messages = cfg.Messages
	s.media = cfg.MediaStorage
	s.pokes = make(chan struct{}, 1)
	s.searchSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	s.searchWait = 3 * time.Second
	s.health = cfg.Health
	s.articles = newsroom.ServiceOr(nil, cfg.Store, nil) // reads preview links
	if cfg.Analytics != nil {
		s.counter = cfg.Analytics
	}
	if s.health == nil {
		s.health = health.New(cfg.Store.Ping)
		s.health.Logger = cfg.Logger
	}
	s.errs = httpkit.Errors{Logger: cfg.Logger, Health: s.health, Door: "site"}
	if cfg.PageCacheBytes > 0 {
		s.cache = newPageCache(cfg.PageCacheBytes)
	}
	if err := s.seedTags(ctx); err != nil {
		return nil, err
	}
	s.notify = cfg.Notify
	s.fed = cfg.Federation
	s.discussion = cfg.Discussion
	if s.discussion == nil {
		tokens := formtoken.NewSigner([]byte(keys[2]))
		tokens.Now = func() time.Time { return s.Now() }
		s.discussion = discussion.New(cfg.Store, avatar.New([]byte(keys[1])), tokens)
		s.discussion.Now = func() time.Time { return s.Now() }
		s.discussion.Logger = cfg.Logger
		if cfg.Notify != nil {
			s.discussion.Notify, s.discussion.Subscribe = cfg.Notify, cfg.Notify
		}
	}
	// The rules drop this node's cached pages at once after a comment
	// changes, whichever door changed it; other nodes learn of it through
	// the store's cache tags.
	if s.discussion.Invalidate == nil {
		s.discussion.Invalidate = s.invalidate
	}
	hub := live.NewHub()
	s.life, s.live, s.liveBlog = ctx, newLiveThreads(s, hub), newLiveBlogs(s, hub)
	go s.live.run(ctx)
	go s.liveBlog.run(ctx)
	s.docs = newDocCache(docCacheTTL)
	s.Webmention = webmention.NewClient(false)
	s.verifiers = make(chan struct{}, webmentionVerifiers)
	return s, nil
}

// Handler returns the site's routes wrapped in the common middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("GET /static/{name}", s.assets)
	mux.HandleFunc("GET /setup", s.handleSetup)
	mux.HandleFunc("POST /setup", s.handleSetupPost)
	mux.HandleFunc("POST /comments", s.handleCommentPost)
	mux.HandleFunc("POST /wp-comments-post.php", s.handleCommentPost)
	mux.HandleFunc("GET /comments/stream", s.handleCommentStream)
	mux.HandleFunc("GET /live/stream", s.handleLiveStream)
	mux.HandleFunc("GET /comments/{id}/edit", s.handleCommentEdit)
	mux.HandleFunc("POST /comments/{id}/edit", s.handleCommentEditPost)
	mux.HandleFunc("POST /comments/{id}/delete", s.handleCommentDelete)
	mux.HandleFunc("GET /comments/{id}/report", s.handleCommentReport)
	mux.HandleFunc("POST /comments/{id}/report", s.handleCommentReportPost)
	mux.HandleFunc("POST /comments/{id}/react", s.handleCommentReact)
	mux.HandleFunc("POST /postpass", s.handlePostPass) // a protected article's password (protected.go)
	mux.HandleFunc("GET /avatar/{file}", s.handleAvatar)
	mux.HandleFunc("GET /subscriptions/confirm", s.handleConfirm)
	mux.HandleFunc("POST /subscriptions/confirm", s.handleConfirmPost)
	mux.HandleFunc("GET /subscriptions/unsubscribe", s.handleUnsubscribe)
	mux.HandleFunc("POST /subscriptions/unsubscribe", s.handleUnsubscribePost)
	mux.HandleFunc("GET /subscriptions/manage", s.handleManage)
	mux.HandleFunc("POST /subscriptions/manage", s.handleManagePost)
	mux.HandleFunc("GET /media/{key}", s.handleMedia)
	mux.HandleFunc("GET /media/{key}/{width}", s.handleMedia)
	mux.HandleFunc("GET /search", s.counted(s.handleSearch))
	mux.HandleFunc("GET /search/{$}", s.counted(s.handleSearch))
	mux.HandleFunc("POST "+beaconPath, s.handleReached)
	mux.HandleFunc("GET /robots.txt", s.handleRobots)
	mux.HandleFunc("GET /theme.css", s.handleThemeCSS)
	mux.HandleFunc("GET /share/{service}", s.handleShare)
	mux.HandleFunc("GET /sitemap.xml", s.handleSitemapIndex)
	mux.HandleFunc("GET /sitemap-pages.xml", s.handleSitemapPages)
	mux.HandleFunc("GET /sitemap-categories.xml", s.handleSitemapTerms(communique.TaxonomyCategory))
	mux.HandleFunc("GET /sitemap-tags.xml", s.handleSitemapTerms(communique.TaxonomyTag))
	mux.HandleFunc("GET /news-sitemap.xml", s.handleNewsSitemap)
	mux.HandleFunc("POST /webmention", s.handleWebmention)
	mux.HandleFunc("GET /webmention/{id}", s.handleWebmentionStatus)
	mux.HandleFunc("GET /preview/{token}", s.handlePreviewLink) // never cached nor counted
	// Feeds and /sitemap-posts-N.xml end paths the mux cannot match.
	if s.fed != nil {
		s.fed.Register(mux)
	}
	mux.HandleFunc("GET /", s.counted(s.documents(s.negotiate(s.cached(s.handleSite)))))
	return s.recoverer(httpkit.SiteHeaders.Handler(mux))
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// handleReadyz says whether this node can serve: the store answers and
// its schema is migrated.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if v, err := s.store.SchemaVersion(ctx); err != nil || v < 1 {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("store not ready\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// ServesOffline reports whether the request can be answered without the
// store, so that while the store is down it still gets an answer: static
// files, the health checks (/readyz says "not ready" itself) and pages in
// the page cache.
func (s *Server) ServesOffline(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz" {
		return true
	}
	return s.cachedPage(r) != nil
}

// CacheStats are the page cache's counters, for metrics.
type CacheStats struct {
	Hits, Misses int64
	Pages, Bytes int
	Enabled      bool
}

// CacheStats returns the page cache's counters.
func (s *Server) CacheStats() CacheStats {
	if s.cache == nil {
		return CacheStats{}
	}
	pages, size := s.cache.stats()
	return CacheStats{Hits: s.cache.Hits.Load(), Misses: s.cache.Misses.Load(), Pages: pages, Bytes: size, Enabled: true}
}

// clientIP is the address the request came from, through the proxies
// trusted for it (proxy.Trusted.Handler).
func clientIP(r *http.Request) string { return proxy.ClientIP(r) }

// recoverer turns a panic into a logged 500 page instead of a dropped
// connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return recovery.Handler(next, s.logger, "site", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, communique.Errorf(communique.EINTERNAL, "internal"))
	})
}
