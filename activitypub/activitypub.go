// Package activitypub joins the site to the fediverse: discovery
// (WebFinger, NodeInfo, host-meta), actor documents for the site and its
// authors, articles as ActivityStreams objects, a signed inbox whose
// activities are queued and processed by a worker, and deliveries of
// Create, Update and Delete to followers through the outbox.
//
// Federation is off until the federation_enabled setting turns it on;
// until then every route here answers 404 and pages are only HTML.
package activitypub

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/outbound"
)

// Store is what federation needs from a store.
type Store interface {
	communique.FederationStore
	communique.FederationBlocks
	communique.FederationPrivacy
	FindUsers(ctx context.Context, f communique.UserFilter) ([]*communique.User, error)
	FindUserByID(ctx context.Context, id int64) (*communique.User, error)
	FindArticles(ctx context.Context, f communique.ArticleFilter) ([]*communique.Article, int, error)
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
	communique.RemoteCommentStore
	FindMediaByID(ctx context.Context, id int64) (*communique.Media, error)
	FindCommentByID(ctx context.Context, id int64) (*communique.Comment, error)
	Settings(ctx context.Context) (map[string]string, error)
	Secret(ctx context.Context, name string, gen func() string) (string, error)
	EnqueueMessages(ctx context.Context, msgs []*communique.OutboxMessage) error
}

// Service is the site's side of the fediverse.
type Service struct {
	Store  Store
	Logger *slog.Logger
	// HTTP fetches remote actors and keys and delivers activities; it is
	// an outbound client, so private addresses are refused unless the
	// operator allowed them.
	HTTP *http.Client
	// SiteURL is the base of the site's ids when the site_url setting is
	// empty. Ids never come from a request's Host header.
	SiteURL string
	// ClockSkew is how far a signed request's Date may be from now.
	ClockSkew time.Duration
	// KeyTTL is how long a remote actor's key is trusted before it is
	// fetched again.
	KeyTTL time.Duration
	// Discussion turns replies into comments; nil: replies are ignored.
	Discussion Discussion
	// Wake, when set, makes the outbox worker look at once.
	Wake func()
	// Limits, when set, counts deliveries per remote host against
	// federation_host_rate (New sets it when the store keeps counts).
	Limits communique.RateLimitService
	// Now is the clock; tests replace it.
	Now func() time.Time

	keys      sync.Map // local actor name -> *rsa.PrivateKey
	inboxWake sync.Map // "wake" -> chan struct{}, made on first use
}

// SiteActor names the site's own actor, and is its WebFinger user name.
const SiteActor = "news"

// Content types of ActivityStreams.
const (
	ContentType = "application/activity+json"
	ldType      = `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`
	public      = "https://www.w3.org/ns/activitystreams#Public"
)

// New returns a service with production defaults: public addresses only,
// a 12-hour clock-skew window (as Mastodon allows), keys trusted for a day.
func New(store Store, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.Default()
	}
	s := &Service{Store: store, Logger: logger,
		HTTP:      outbound.NewClient(outbound.Policy{MaxRedirects: 3, Timeout: 10 * time.Second}),
		ClockSkew: 12 * time.Hour, KeyTTL: 24 * time.Hour, Now: time.Now}
	if limits, ok := store.(communique.RateLimitService); ok {
		s.Limits = limits
	}
	return s
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// site is what every answer needs: the settings and the base URL.
type site struct {
	st   *communique.Settings
	base string // scheme://host, no trailing slash
	host string
}

func (s *Service) site(ctx context.Context) (*site, error) {
	values, err := s.Store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	x := &site{st: communique.ParseSettings(values)}
	x.base = strings.TrimRight(x.st.SiteURL, "/")
	if x.base == "" {
		x.base = strings.TrimRight(s.SiteURL, "/")
	}
	if x.base == "" {
		x.base = "http://localhost:8080"
	}
	if u, err := url.Parse(x.base); err == nil {
		x.host = u.Host
	}
	return x, nil
}

// enabled loads the site and reports whether federation is on.
func (s *Service) enabled(ctx context.Context) (*site, bool) {
	x, err := s.site(ctx)
	if err != nil {
		s.Logger.Error("activitypub: settings", "err", err)
		return nil, false
	}
	return x, x.st.FederationEnabled
}

// Enabled reports whether federation is on.
func (s *Service) Enabled(ctx context.Context) bool {
	_, on := s.enabled(ctx)
	return on
}

// local is one of the site's actors: the site itself, or an author.
type local struct {
	user *communique.User // nil for the site
}

// name is the actor's key in the store: "site" or "user:ID".
func (l local) name() string {
	if l.user == nil {
		return "site"
	}
	return "user:" + strconv.FormatInt(l.user.ID, 10)
}

func (l local) id(x *site) string {
	if l.user == nil {
		return x.base + "/"
	}
	return x.base + "/author/" + l.user.Slug + "/"
}

func (l local) username() string {
	if l.user == nil {
		return SiteActor
	}
	return l.user.Slug
}

func (l local) keyID(x *site) string { return l.id(x) + "#main-key" }

// collection is the address of one of the actor's collections.
func (l local) collection(x *site, what string) string {
	return x.base + "/activitypub/actors/" + l.username() + "/" + what
}

// usesSite and usesAuthors read the federation_actors setting.
func usesSite(st *communique.Settings) bool    { return st.FederationActors != "authors" }
func usesAuthors(st *communique.Settings) bool { return st.FederationActors != "site" }

// findLocal finds the actor named username: the site's, or an author who
// has published (an author page exists), as the setting allows.
func (s *Service) findLocal(ctx context.Context, x *site, username string) (local, bool) {
	if username == SiteActor && usesSite(x.st) {
		return local{}, true
	}
	if !usesAuthors(x.st) || username == "" {
		return local{}, false
	}
	users, err := s.Store.FindUsers(ctx, communique.UserFilter{Slug: &username})
	if err != nil || len(users) == 0 {
		return local{}, false
	}
	if !s.hasPublished(ctx, users[0].ID) {
		return local{}, false
	}
	return local{user: users[0]}, true
}

func (s *Service) hasPublished(ctx context.Context, userID int64) bool {
	post := communique.TypePost
	list, _, err := s.Store.FindArticles(ctx, communique.ArticleFilter{AuthorID: &userID, Type: &post,
		Status: []communique.Status{communique.StatusPublished}, Limit: 1, SkipTotal: true})
	return err == nil && len(list) > 0
}

// localByName finds the actor of a stored name ("site", "user:ID").
func (s *Service) localByName(ctx context.Context, name string) (local, error) {
	if name == "site" {
		return local{}, nil
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(name, "user:"), 10, 64)
	if err != nil || !strings.HasPrefix(name, "user:") {
		return local{}, communique.Errorf(communique.EINVALID, "Unknown local actor %q.", name)
	}
	u, err := s.Store.FindUserByID(ctx, id)
	if err != nil {
		return local{}, err
	}
	return local{user: u}, nil
}

// localByID finds the local actor whose id is u, as a Follow names it.
func (s *Service) localByID(ctx context.Context, x *site, u string) (local, bool) {
	if u == x.base+"/" || u == x.base {
		return s.findLocal(ctx, x, SiteActor)
	}
	rest, ok := strings.CutPrefix(u, x.base+"/author/")
	if !ok {
		return local{}, false
	}
	return s.findLocal(ctx, x, strings.TrimSuffix(rest, "/"))
}

// Wants reports whether a request asks for ActivityStreams rather than a
// page: its Accept names activity+json, or ld+json with the
// ActivityStreams profile.
func Wants(r *http.Request) bool {
	for _, accept := range r.Header.Values("Accept") {
		for _, part := range strings.Split(accept, ",") {
			mt := strings.ToLower(strings.TrimSpace(part))
			if strings.HasPrefix(mt, ContentType) ||
				strings.HasPrefix(mt, "application/ld+json") && strings.Contains(mt, "activitystreams") {
				return true
			}
		}
	}
	return false
}
