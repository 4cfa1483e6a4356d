// Package wpapi serves the WordPress REST API (v2) at /wp-json/, so that
// WordPress clients (apps, scripts, the npm "wpapi" package) work with
// Communiqué unchanged: the same routes, field names, pagination headers,
// filters, errors and application passwords. It sits beside the public
// site and the newsroom, shares their domain rules (communique.Can for
// every capability, discussion for every comment) and adds none of its
// own.
package wpapi

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"time"

	"communique"
	"communique/accounts"
	"communique/analytics"
	"communique/discussion"
	"communique/health"
	"communique/internal/httpkit"
	"communique/internal/recovery"
	"communique/media"
	"communique/newsroom"
	"communique/proxy"
	"communique/upload"
)

// Store is what the API needs from a store.
type Store interface {
	communique.ArticleFinder
	communique.UserService
	communique.TermService
	communique.SettingService
	communique.CommentStore
	communique.MediaService
	communique.SearchService
	communique.SessionService
	communique.SigninThrottleService
	communique.AppPasswordService
	communique.RevisionService
	communique.MenuService
	Secret(ctx context.Context, name string, gen func() string) (string, error)
}

// Sessions finds the newsroom session behind a request's cookie, for
// WordPress's cookie authentication (which also wants X-WP-Nonce).
type Sessions interface {
	// SessionUser returns the signed-in user and the session's ID; false
	// without a live session.
	SessionUser(r *http.Request) (*communique.User, string, bool)
}

// ArticleNotifier hears about articles saved through the API, as it
// hears about those saved in the newsroom (webhooks, subscribers).
type ArticleNotifier interface {
	// ArticleSaved follows a save; before is nil for a new article.
	ArticleSaved(ctx context.Context, before, after *communique.Article)
}

// Rate is a token bucket: Burst requests at once, refilled at PerSecond.
type Rate struct {
	Burst     int
	PerSecond float64
}

// Default rates. Readers' scripts poll; programs with an application
// password publish and moderate; comments from nobody in particular are
// rarer still (discussion's flood control also applies).
var (
	DefaultAnonymousRate = Rate{Burst: 120, PerSecond: 2}
	DefaultAccountRate   = Rate{Burst: 600, PerSecond: 10}
	DefaultCommentRate   = Rate{Burst: 5, PerSecond: 1.0 / 20}
	// signinRate bounds the password checks (argon2) one IP may cause;
	// the store's throttle then stops repeated failures for 15 minutes.
	signinRate = Rate{Burst: 10, PerSecond: 1.0 / 5}
)

// maxChecks is how many argon2 checks may run at once.
const maxChecks = 4

// Config is what the API is built from.
type Config struct {
	Store Store
	// Discussion applies the comment rules; its avatar generator makes
	// the users' avatars too.
	Discussion *discussion.Service
	Logger     *slog.Logger
	// MediaStorage keeps uploaded images; without it uploads fail.
	MediaStorage media.Storage
	MediaLimits  media.Limits
	// Sessions, when set, turns on cookie authentication.
	Sessions Sessions
	// Notify, when set, hears about saved articles (through the article
	// service built when Articles is nil).
	Notify ArticleNotifier
	// Articles changes articles; nil: a service over Store telling Notify.
	Articles *newsroom.Service
	// Accounts changes people's accounts; nil: a service over Store
	// telling Notify when it hears of changed addresses.
	Accounts *accounts.Service
	// Rates per IP for anonymous requests, per account for authenticated
	// ones, and per IP for anonymous comments; zero takes the default, a
	// negative Burst turns the limit off.
	AnonymousRate Rate
	AccountRate   Rate
	CommentRate   Rate
	// SharedLimits, when set, also counts every limit in the store, so a
	// cluster of nodes shares one quota instead of each letting the full
	// rate through. Set it with several nodes; one node needs no writes
	// per request to know its own counts.
	SharedLimits communique.RateLimitService
	// Analytics reads readers' figures; nil: built on Store when it keeps
	// them.
	Analytics *analytics.Reports
}

// Server serves the REST API.
type Server struct {
	store    Store
	talk     *discussion.Service
	logger   *slog.Logger
	library  *upload.Library
	sessions Sessions
	articles *newsroom.Service
	accounts *accounts.Service
	secret   []byte // nonces for cookie authentication

	anonymous, account, comments, signins *limiter
	verified                              *credentialCache
	// checking bounds the argon2 checks running at once (64 MiB each).
	checking chan struct{}

	routes *http.ServeMux // the API's routes, after authentication

	reports *analytics.Reports // readers' figures; nil: no analytics route

	// Health follows the store's reachability, so that requests failing
	// because it is gone get 503 with Retry-After rather than 500; nil:
	// every internal error is a 500.
	Health *health.Monitor

	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New builds the API and loads its secret.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Store == nil || cfg.Discussion == nil {
		return nil, errors.New("wpapi: a store and a discussion service are required")
	}
	articles := articleService(cfg)
	if articles == nil {
		return nil, errors.New("wpapi: an article service is required (Config.Articles)")
	}
	key, err := cfg.Store.Secret(ctx, "wpapi", randomToken)
	if err != nil {
		return nil, err
	}
	s := &Server{store: cfg.Store, talk: cfg.Discussion, logger: cfg.Logger, sessions: cfg.Sessions, articles: articles,
		secret:   []byte(key),
		library:  &upload.Library{Storage: cfg.MediaStorage, Store: cfg.Store, Limits: cfg.MediaLimits, Logger: cfg.Logger},
		verified: newCredentialCache(), Now: time.Now}
	if s.accounts = cfg.Accounts; s.accounts == nil {
		heard, _ := cfg.Notify.(accounts.Notifier)
		s.accounts = accounts.New(cfg.Store, heard)
	}
	now := func() time.Time { return s.Now() }
	s.anonymous = newLimiter(rateOr(cfg.AnonymousRate, DefaultAnonymousRate), now)
	s.account = newLimiter(rateOr(cfg.AccountRate, DefaultAccountRate), now)
	s.comments = newLimiter(rateOr(cfg.CommentRate, DefaultCommentRate), now)
	s.signins = newLimiter(signinRate, now)
	for name, l := range map[string]*limiter{"api-anon": s.anonymous, "api-account": s.account, "api-comment": s.comments, "api-signin": s.signins} {
		l.shared, l.name = cfg.SharedLimits, name
	}
	s.reports = cfg.Analytics
	if rs, ok := cfg.Store.(analytics.ReportStore); ok && s.reports == nil {
		s.reports = analytics.NewReports(rs)
		s.reports.Now = now
	}
	s.checking = make(chan struct{}, maxChecks)
	s.routes = http.NewServeMux()
	s.register()
	return s, nil
}

func rateOr(r, def Rate) Rate {
	if r.Burst == 0 {
		return def
	}
	return r
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler returns the API, to mount at /wp-json/.
func (s *Server) Handler() http.Handler {
	return s.recoverer(httpkit.APIHeaders.Handler(http.HandlerFunc(s.serve)))
}

// caller is who is asking, and what every handler needs of the site.
type caller struct {
	User     *communique.User // nil for anonymous callers
	Settings *communique.Settings
	Base     string // scheme://host of the site, for absolute links
	IP       string
	// App is the application password the caller signed in with; nil
	// for a newsroom session or an anonymous caller.
	App *communique.AppPassword
}

type callerKey struct{}

func withCaller(ctx context.Context, c *caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// serve authenticates, applies the rate limits, then routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Cross-origin programs may read the API; browsers never send cookies
	// with "*", and cookie authentication needs a nonce besides.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
	h.Set("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")
	if r.Method == http.MethodOptions {
		h.Set("Access-Control-Allow-Methods", "OPTIONS, GET, POST, PUT, PATCH, DELETE")
	}
	// WordPress lets clients that can only POST say what they mean.
	if r.Method == http.MethodPost {
		m := r.Header.Get("X-HTTP-Method-Override")
		if v := r.URL.Query().Get("_method"); v != "" {
			m = v
		}
		switch m = strings.ToUpper(m); m {
		case http.MethodPut, http.MethodPatch, http.MethodDelete:
			r.Method = m
		}
	}
	if p := r.URL.Path; len(p) > len("/wp-json/") && strings.HasSuffix(p, "/") {
		r.URL.Path = strings.TrimRight(p, "/")
	}
	ctx := r.Context()
	c := &caller{IP: clientIP(r)}
	user, err := s.authenticate(w, r, c)
	if err == errBadCredentials && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		// A wrong or stale password on a read is served as anonymous, as
		// WordPress serves it: the failure still counts towards the
		// throttle, and what needs a user is refused as for anyone.
		user, err = nil, nil
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.User = user
	if user != nil {
		h.Set("Cache-Control", "no-store")
		if ok, wait := s.account.allow("user:" + itoa(user.ID)); !ok {
			s.tooMany(w, r, wait)
			return
		}
	} else if ok, wait := s.anonymous.allow("ip:" + c.IP); !ok {
		s.tooMany(w, r, wait)
		return
	}
	values, err := s.store.Settings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c.Settings = communique.ParseSettings(values)
	c.Base = c.Settings.SiteURL
	if c.Base == "" {
		c.Base = requestBase(r)
	}
	r = r.WithContext(withCaller(ctx, c))
	w = &allowWriter{ResponseWriter: w, index: c.api("/"), allow: func() string { return s.allowed(r, c) }}
	if r.Method == http.MethodOptions {
		s.handleOptions(w, r, c)
		return
	}
	if shaped(r) {
		serveShaped(w, r, s.routes)
		return
	}
	s.routes.ServeHTTP(w, r)
}

func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", itoa(seconds(wait)))
	s.fail(w, r, &apiError{Status: http.StatusTooManyRequests, Code: "rest_too_many_requests",
		Message: "Too many requests. Please slow down and try again in a moment."})
}

// seconds rounds a wait up to whole seconds, at least one.
func seconds(d time.Duration) int64 {
	return max(1, int64(math.Ceil(d.Seconds())))
}

// requestBase is scheme://host as the caller reached the site.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// clientIP is the caller's address, through the proxies the operator
// trusts (serve puts them in the request's context), as the site sees it.
func clientIP(r *http.Request) string { return proxy.ClientIP(r) }

// Discoverable adds the header WordPress clients look for on the site's
// pages to find the API (rel="https://api.w.org/"), as WordPress sends it.
func Discoverable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			w.Header().Add("Link", "<"+requestBase(r)+"/wp-json/>; rel=\"https://api.w.org/\"")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return recovery.Handler(next, s.logger, "wpapi", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, communique.Errorf(communique.EINTERNAL, "panic"))
	})
}

// nonce is the X-WP-Nonce of a newsroom session: fixed for the session,
// unguessable from outside, the same on every node.
func (s *Server) nonce(sessionID string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("wp_rest:" + sessionID))
	return hex.EncodeToString(m.Sum(nil))[:20]
}
