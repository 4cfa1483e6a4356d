// Package admin is the newsroom at /admin: sign-in, writing, revisions,
// moderation, users and settings. Pages are server-rendered and work
// without JavaScript; small scripts add autosave and conveniences.
package admin

import (
	"communique/i18n"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/accounts"
	"communique/analytics"
	"communique/discussion"
	"communique/health"
	"communique/internal/httpkit"
	"communique/internal/recovery"
	"communique/markup"
	"communique/media"
	"communique/newsroom"
	"communique/notify"
	"communique/privacy"
	"communique/proxy"
)

//go:embed templates static
var embedded embed.FS

// Store is what the newsroom needs from a store.
type Store interface {
	communique.ArticleFinder
	communique.UserService
	communique.TermService
	communique.SettingService
	communique.CommentStore
	communique.SessionService
	communique.SigninThrottleService
	communique.RevisionService
	communique.MediaService
	communique.AppPasswordService
	Secret(ctx context.Context, name string, gen func() string) (string, error)
	// CountArticles counts articles by type (post, page) and status.
	CountArticles(ctx context.Context) (map[string]map[communique.Status]int, error)
	// FindArticleNotes reads articles' corrections and updates.
	FindArticleNotes(ctx context.Context, articleIDs []int64) ([]*communique.ArticleNote, error)
	FindEditorialNotes(ctx context.Context, articleID int64) ([]*communique.EditorialNote, error)
	FindPreviewLinks(ctx context.Context, articleID int64) ([]*communique.PreviewLink, error)
}

// Server serves the admin.
type Server struct {
	store      Store
	messages   *i18n.Catalog // the newsroom's words, by language
	discussion *discussion.Service
	logger     *slog.Logger
	views      *httpkit.Views
	assets     *httpkit.Assets
	secret     []byte
	secure     bool

	storage     media.Storage // nil: uploads are refused
	mediaLimits media.Limits

	// notify queues emails and webhook calls; nil: none are sent.
	notify *notify.Service
	// articles is the only way the newsroom changes an article.
	articles *newsroom.Service
	// accounts is the only way it creates, changes or deletes an account.
	accounts *accounts.Service

	// privacy exports and erases personal data; nil: no privacy page.
	privacy *privacy.Service

	// fediverse manages followers and blocks; nil: no fediverse page.
	fediverse Fediverse

	// reports answers the analytics pages; nil: they answer 404.
	reports *analytics.Reports

	// Health follows the store's reachability, so that requests failing
	// because it is gone get 503 with Retry-After rather than 500; nil:
	// every internal error is a 500.
	Health *health.Monitor

	// Now is the clock; tests replace it.
	Now func() time.Time
}

// Config is what the admin is built from.
type Config struct {
	Store Store
	// Messages are the newsroom's words in every language; nil: the
	// embedded catalogue.
	Messages   *i18n.Catalog
	Discussion *discussion.Service
	Logger     *slog.Logger
	// SecureCookies marks cookies Secure even when this node is reached
	// over plain HTTP behind a TLS proxy.
	SecureCookies bool
	// Notify, when set, hears about saved articles, shows the outbox and
	// webhooks, and emails lost-password links.
	Notify *notify.Service
	// MediaStorage keeps uploaded images; without it uploads are refused.
	MediaStorage media.Storage
	// MediaLimits bound uploads; zero fields take media's defaults.
	MediaLimits media.Limits
	// Privacy, when set, gives administrators the privacy requests page.
	Privacy *privacy.Service
	// Analytics reads readers' figures; nil: built on Store when it keeps
	// them.
	Analytics *analytics.Reports
	// Articles changes articles; nil: a service over Store telling Notify.
	Articles *newsroom.Service
	// Accounts changes people's accounts; nil: a service over Store
	// telling Notify.
	Accounts *accounts.Service
	// Fediverse, when set, lists followers and blocks at /admin/fediverse.
	Fediverse Fediverse
}

// Session lifetimes: idle sessions end after two weeks.
const (
	sessionCookie = "communique_session"
	sessionIdle   = 14 * 24 * time.Hour
	touchEvery    = 5 * time.Minute
	maxFormBytes  = 8 << 20
)

var views = []string{"login", "dashboard", "posts", "editor", "revisions", "diff", "comments", "comment_edit", "reported", "commenter", "moderation_log",
	"users", "user_edit", "settings", "profile", "error", "preview", "media", "media_edit",
	"notifications", "webhooks", "webhook", "lost_password", "reset_password", "privacy", "email_confirm", "signins", "analytics", "review", "front", "fediverse", "live", "menus"}

// New parses the admin templates and loads its secret.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	key, err := cfg.Store.Secret(ctx, "admin", randomToken)
	if err != nil {
		return nil, err
	}
	if cfg.MediaLimits.MaxBytes <= 0 {
		cfg.MediaLimits.MaxBytes = media.DefaultMaxBytes
	}
	if cfg.MediaLimits.MaxPixels <= 0 {
		cfg.MediaLimits.MaxPixels = media.DefaultMaxPixels
	}
	s := &Server{store: cfg.Store, discussion: cfg.Discussion, logger: cfg.Logger, secret: []byte(key),
		storage: cfg.MediaStorage, mediaLimits: cfg.MediaLimits,
		secure: cfg.SecureCookies, notify: cfg.Notify, Now: time.Now}
	s.reports = cfg.Analytics
	if rs, ok := cfg.Store.(analytics.ReportStore); ok && s.reports == nil {
		s.reports = analytics.NewReports(rs)
		s.reports.Now = func() time.Time { return s.Now() }
	}
	s.fediverse = cfg.Fediverse
	if s.privacy, s.articles = cfg.Privacy, articleService(cfg); s.articles == nil {
		return nil, errors.New("admin: an article service is required (Config.Articles)")
	}
	if s.accounts = cfg.Accounts; s.accounts == nil {
		var heard accounts.Notifier
		if cfg.Notify != nil {
			heard = cfg.Notify
		}
		s.accounts = accounts.New(cfg.Store, heard)
	}
	if s.assets, err = httpkit.LoadAssets(embedded, "static", "/admin/static/"); err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		// HTML inside a sentence of the catalogue (th).
		"strong": func(s string) template.HTML {
			return template.HTML("<strong>" + template.HTMLEscapeString(s) + "</strong>")
		},
		"link": func(url, label string) template.HTML {
			return template.HTML(`<a href="` + template.HTMLEscapeString(url) + `">` + template.HTMLEscapeString(label) + `</a>`)
		},
		"code": func(s string) template.HTML {
			return template.HTML("<code>" + template.HTMLEscapeString(s) + "</code>")
		},
		// words only a screen reader says, inside a sentence.
		"hidden": func(s string) template.HTML {
			return template.HTML(`<span class="visually-hidden">` + template.HTMLEscapeString(s) + `</span>`)
		},
		"previewLink": func(url string) template.HTML {
			return template.HTML(`<a href="` + template.HTMLEscapeString(url) + `" id="new-preview-url">` + template.HTMLEscapeString(url) + `</a>`)
		},
		"cond": func(c bool, a, b string) string {
			if c {
				return a
			}
			return b
		},
		"trusted":   func(s string) template.HTML { return template.HTML(s) }, // HTML sanitized before storage
		"asset":     s.assets.URL,
		"dir":       communique.TextDirection,
		"date":      showDate,
		"plural":    plural,
		"excerpt":   func(html string) string { return markup.Excerpt(html, 16) },
		"list":      func(v ...string) []string { return v },
		"duration":  durationText,
		"hasPrefix": strings.HasPrefix,
		"inc":       func(i int) int { return i + 1 },
		"int":       func(n int64) int { return int(n) }, // a count for tn
		"menuRows":  menuRowsOf,
		"zoneFields": func(p frontDeskPage, z *communique.FrontZone) zoneFieldsData {
			return zoneFieldsData{Zone: z, Sections: p.Sections, Max: p.MaxSize, Fill: z == nil || z.Fill}
		},
		"contains": func(list []int64, id int64) bool {
			for _, x := range list {
				if x == id {
					return true
				}
			}
			return false
		},
	}
	s.messages = cfg.Messages
	if s.messages == nil {
		s.messages = i18n.Builtin()
	}
	maps.Copy(funcs, s.messages.For(i18n.Default).Funcs())
	funcs["why"] = whyHeld(s.messages.For(i18n.Default))
	if s.views, err = httpkit.ParseViews(embedded, funcs, nil, views); err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	s.views.Localize(func(lang string) template.FuncMap {
		l := s.messages.For(lang)
		f := l.Funcs()
		f["why"] = whyHeld(l)
		return f
	})
	return s, nil
}

// request is a signed-in request: the user, the session and the token
// forms must carry.
type request struct {
	User     *communique.User
	Session  *communique.Session
	CSRF     string
	Settings *communique.Settings
}

type handler func(w http.ResponseWriter, r *http.Request, rq *request)

// Handler returns the admin routes, all under /admin/.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/login", s.handleLogin)
	mux.HandleFunc("POST /admin/login", s.handleLoginPost)
	mux.Handle("GET /admin/static/{name}", s.assets)
	mux.HandleFunc("GET /admin/lost-password", s.handleLostPassword)
	mux.HandleFunc("POST /admin/lost-password", s.handleLostPasswordPost)
	mux.HandleFunc("GET /admin/reset-password", s.handleResetPassword)
	mux.HandleFunc("POST /admin/reset-password", s.handleResetPasswordPost)
	auth := func(pattern string, h handler) { mux.Handle(pattern, s.authenticated(h)) }
	auth("POST /admin/logout", s.handleLogout)
	auth("GET /admin/{$}", s.handleDashboard)
	auth("GET /admin/posts", s.handlePosts)
	auth("POST /admin/posts/bulk", s.handlePostsBulk)
	auth("GET /admin/posts/new", s.handlePostNew)
	auth("POST /admin/posts/new", s.handlePostSave)
	auth("GET /admin/posts/{id}/edit", s.handlePostEdit)
	auth("POST /admin/posts/{id}/edit", s.handlePostSave)
	auth("POST /admin/posts/autosave", s.handleAutosave)
	auth("POST /admin/posts/{id}/autosave", s.handleAutosave)
	auth("POST /admin/posts/{id}/lock", s.handleLock)
	auth("POST /admin/posts/{id}/takeover", s.handleTakeOver)
	auth("POST /admin/posts/{id}/notes", s.handleNoteAdd)
	auth("GET /admin/posts/{id}/live", s.handleLiveDesk)
	auth("POST /admin/posts/{id}/live", s.handleLiveState)
	auth("POST /admin/posts/{id}/live/entries", s.handleLiveEntryAdd)
	auth("POST /admin/posts/{id}/live/entries/{entry}", s.handleLiveEntryEdit)
	auth("POST /admin/posts/{id}/live/entries/{entry}/delete", s.handleLiveEntryDelete)
	auth("GET /admin/review", s.handleReview)
	auth("POST /admin/posts/{id}/editorial-notes", s.handleEditorialNote)
	auth("POST /admin/posts/{id}/return", s.handleReturn)
	auth("POST /admin/posts/{id}/previews", s.handlePreviewCreate)
	auth("POST /admin/posts/{id}/previews/{link}/revoke", s.handlePreviewRevoke)
	auth("POST /admin/preview", s.handlePreview)
	auth("GET /admin/posts/{id}/revisions", s.handleRevisions)
	auth("GET /admin/revisions/{id}", s.handleRevisionDiff)
	auth("POST /admin/revisions/{id}/restore", s.handleRevisionRestore)
	auth("GET /admin/comments", s.handleComments)
	auth("POST /admin/comments/bulk", s.handleCommentsBulk)
	auth("GET /admin/comments/counts", s.handleCommentCounts)
	auth("GET /admin/comments/{id}/edit", s.handleCommentEdit)
	auth("POST /admin/comments/{id}/edit", s.handleCommentEditPost)
	auth("POST /admin/comments/{id}/reply", s.handleCommentReply)
	auth("POST /admin/comments/{id}/decide", s.handleCommentDecide)
	auth("GET /admin/commenters", s.handleCommenter)
	auth("POST /admin/commenters/note", s.handleCommenterNote)
	auth("POST /admin/commenters/standing", s.handleCommenterStanding)
	auth("POST /admin/commenters/remove", s.handleCommenterRemove)
	auth("GET /admin/moderation-log", s.handleModerationLog)
	auth("GET /admin/users", s.handleUsers)
	auth("GET /admin/users/new", s.handleUserNew)
	auth("POST /admin/users/new", s.handleUserSave)
	auth("GET /admin/users/{id}", s.handleUserEdit)
	auth("POST /admin/users/{id}", s.handleUserSave)
	auth("POST /admin/users/{id}/delete", s.handleUserDelete)
	auth("GET /admin/settings", s.handleSettings)
	auth("POST /admin/settings", s.handleSettingsPost)
	auth("GET /admin/profile", s.handleProfile)
	auth("POST /admin/profile", s.handleProfilePost)
	auth("GET /admin/profile/email", s.handleEmailConfirm)
	auth("POST /admin/profile/email", s.handleEmailConfirmPost)
	auth("POST /admin/sessions/revoke", s.handleSessionsRevoke)
	auth("POST /admin/profile/app-passwords", s.handleAppPasswordCreate)
	auth("POST /admin/profile/app-passwords/{id}/revoke", s.handleAppPasswordRevoke)
	auth("GET /admin/notifications", s.handleOutbox)
	auth("POST /admin/notifications/{id}/retry", s.handleOutboxRetry)
	auth("GET /admin/webhooks", s.handleWebhooks)
	auth("POST /admin/webhooks", s.handleWebhookCreate)
	auth("GET /admin/webhooks/{id}", s.handleWebhook)
	auth("POST /admin/webhooks/{id}/delete", s.handleWebhookDelete)
	auth("GET /admin/media", s.handleMedia)
	auth("POST /admin/media", s.handleMediaUpload)
	auth("POST /admin/media.json", s.handleMediaUploadJSON)
	auth("GET /admin/media/{id}", s.handleMediaEdit)
	auth("POST /admin/media/{id}", s.handleMediaEditPost)
	auth("POST /admin/media/{id}/delete", s.handleMediaDelete)
	auth("GET /admin/analytics", s.handleAnalytics)
	auth("GET /admin/analytics/export", s.handleAnalyticsExport)
	auth("GET /admin/analytics/articles/{id}", s.handleArticleAnalytics)
	auth("GET /admin/privacy", s.handlePrivacy)
	auth("POST /admin/privacy/export", s.handlePrivacyExport)
	auth("POST /admin/privacy/erase", s.handlePrivacyErase)
	auth("GET /admin/front", s.handleFront)
	auth("POST /admin/front/breaking", s.handleFrontBreaking)
	auth("POST /admin/front/zones", s.handleFrontZoneAdd)
	auth("POST /admin/front/zones/{id}", s.handleFrontZoneSave)
	auth("POST /admin/front/zones/{id}/move", s.handleFrontZoneMove)
	auth("POST /admin/front/zones/{id}/delete", s.handleFrontZoneDelete)
	auth("POST /admin/front/zones/{id}/pick", s.handleFrontPick)
	auth("POST /admin/front/zones/{id}/picks/{article}/move", s.handleFrontPickMove)
	auth("POST /admin/front/zones/{id}/picks/{article}/remove", s.handleFrontPickRemove)
	auth("GET /admin/menus", s.handleMenus)
	auth("POST /admin/menus", s.handleMenuCreate)
	auth("POST /admin/menus/{slug}/location", s.handleMenuLocation)
	auth("POST /admin/menus/{slug}/items", s.handleMenuItemAdd)
	auth("POST /admin/menus/{slug}/items/{id}/move", s.handleMenuItemMove)
	auth("POST /admin/menus/{slug}/items/{id}/remove", s.handleMenuItemRemove)
	auth("GET /admin/fediverse", s.handleFediverse)
	auth("POST /admin/fediverse/followers/remove", s.handleFollowerRemove)
	auth("POST /admin/fediverse/followers/accept", s.handleFollowerAccept)
	auth("POST /admin/fediverse/followers/reject", s.handleFollowerReject)
	auth("POST /admin/fediverse/blocks", s.handleBlock)
	auth("POST /admin/fediverse/blocks/{id}/delete", s.handleUnblock)
	auth("GET /admin/signins", s.handleSignins)
	auth("POST /admin/signins/clear", s.handleSigninsClear)
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, communique.Errorf(communique.ENOTFOUND, "There is no such page in the newsroom."))
	})
	return s.recoverer(httpkit.NewsroomHeaders.Handler(mux))
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return recovery.Handler(next, s.logger, "admin", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, nil, errors.New("panic"))
	})
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrfFor is the token of a session: an HMAC of its ID, so it is fixed
// for the session, unguessable from outside and the same on every node.
func (s *Server) csrfFor(sessionID string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("csrf:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// clientIP is the address the request came from, through the proxies
// trusted for it (proxy.Trusted.Handler).
func clientIP(r *http.Request) string { return proxy.ClientIP(r) }

// authenticated loads the session, refuses what needs a sign-in, checks
// the CSRF token of every state-changing request, then runs h.
func (s *Server) authenticated(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var sess *communique.Session
		var user *communique.User
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && len(c.Value) <= 128 {
			found, err := s.store.FindSession(ctx, hashToken(c.Value))
			if err == nil {
				var u *communique.User
				if u, err = s.store.FindUserByID(ctx, found.UserID); err == nil && communique.Can(u, communique.ActionReadAdmin, nil) {
					sess, user = found, u
				}
			}
			// A store that cannot be read is not a signed-out editor: no
			// trip to the sign-in page, which could not work either.
			if err != nil && communique.ErrorCode(err) == communique.EINTERNAL {
				s.fail(w, r, nil, err)
				return
			}
		}
		if sess == nil {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			// EFORBIDDEN: a 403, as a 401 would need a WWW-Authenticate
			// challenge that a cookie sign-in cannot offer.
			s.fail(w, r, nil, communique.Errorf(communique.EFORBIDDEN, "Your session has ended, so nothing was changed. Please sign in again."))
			return
		}
		rq := &request{User: user, Session: sess, CSRF: s.csrfFor(sess.ID)}
		if r.Method == http.MethodPost {
			isMultipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
			limit := int64(maxFormBytes)
			if isMultipart {
				limit = max(limit, s.mediaLimits.MaxBytes+1<<20) // room for an image upload
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			var err error
			if isMultipart {
				err = r.ParseMultipartForm(maxFormBytes)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "The form could not be read (is it too large?)."))
				return
			}
			if !hmac.Equal([]byte(r.PostFormValue("csrf_token")), []byte(rq.CSRF)) {
				s.fail(w, r, rq, communique.Errorf(communique.EFORBIDDEN, "This form expired or did not come from the newsroom, so nothing was changed. Go back, reload the page and try again."))
				return
			}
		}
		if s.Now().Sub(sess.LastSeenAt) > touchEvery {
			if err := s.store.TouchSession(ctx, sess.ID, s.Now().Add(sessionIdle)); err != nil {
				s.logger.Warn("touch session", "err", err)
			}
		}
		values, err := s.store.Settings(ctx)
		if err != nil {
			s.fail(w, r, rq, err)
			return
		}
		rq.Settings = communique.ParseSettings(values)
		h(w, r, rq)
	})
}

// base is what the admin layout shows on every page.
type base struct {
	Title     string
	SiteTitle string
	User      *communique.User
	CSRF      string
	Section   string
	Flash     string
	Can       map[string]bool
	Pending   int
	// Zone is the site's time zone, which every date is shown in.
	Zone *time.Location
	// Lang is the newsroom's language for this person: their own, or
	// the site's.
	Lang string

	// Whole says the page's content is translated too, not only the
	// frame, so the document takes the language.
	Whole bool
}

// language is the language the newsroom speaks on this page.
func (b base) language() string { return b.Lang }

// words are the newsroom's messages for this person: in their own
// language, or the site's.
func (s *Server) words(rq *request) *i18n.Localizer {
	lang := ""
	if rq != nil && rq.Settings != nil {
		lang = rq.Settings.Language
	}
	if rq != nil && rq.User != nil && rq.User.Language != "" {
		lang = rq.User.Language
	}
	return s.messages.For(lang)
}

// showDate shows a time in the site's zone, naming the zone.
func showDate(zone *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if zone == nil {
		zone = time.UTC
	}
	return t.In(zone).Format("2006-01-02 15:04 MST")
}

// plural is "1 revision", "2 revisions": the count with the word that
// agrees with it.
// Templates hold counts as int or int64 (sizes).
func plural(count any, one, many string) string {
	var n int64
	switch c := count.(type) {
	case int:
		n = int64(c)
	case int64:
		n = c
	}
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

func (s *Server) base(r *http.Request, rq *request, title, section string) base {
	// Every newsroom page is translated throughout (the catalogue's
	// TestTemplatesHaveNoLooseText covers admin/templates), so the
	// document takes the language.
	b := base{Title: title, Section: section, SiteTitle: "Communiqué", Lang: "en", Whole: true}
	if rq != nil {
		b.User, b.CSRF = rq.User, rq.CSRF
		if rq.Settings != nil {
			b.SiteTitle, b.Zone, b.Lang = rq.Settings.Title, rq.Settings.Location, rq.Settings.Language
		}
		if rq.User != nil && rq.User.Language != "" {
			b.Lang = rq.User.Language
		}
		b.Can = map[string]bool{}
		for _, a := range []communique.Action{communique.ActionCreatePage, communique.ActionModerateComment,
			communique.ActionManageUsers, communique.ActionManageSettings, communique.ActionCreateArticle, communique.ActionUploadMedia, communique.ActionArrangeFront} {
			b.Can[string(a)] = communique.Can(rq.User, a, nil)
		}
		b.Can["analytics"] = s.reports != nil && canSeeAnalytics(rq.User)
		b.Can["review"] = reviewer(rq.User)
		b.Can["fediverse"] = s.fediverse != nil && b.Can[string(communique.ActionManageSettings)]
		if b.Can[string(communique.ActionModerateComment)] {
			if counts, err := s.store.CountComments(r.Context()); err == nil {
				b.Pending = counts[communique.CommentPending]
			}
		}
	}
	if rq == nil {
		// Signed out (sign-in, lost password, errors): the site's
		// language, as the public pages speak it.
		if values, err := s.store.Settings(r.Context()); err == nil {
			b.Lang = communique.ParseSettings(values).Language
		}
	}
	b.Flash = flashes[r.URL.Query().Get("done")]
	return b
}

var flashes = map[string]string{
	"livestarted": "The live blog is running: post entries below.", "liveended": "The live blog has ended; its entries stay on the page.",
	"entryposted": "Entry posted: open pages show it now.", "entryedited": "Entry changed.", "entrydeleted": "Entry removed.",
	"returned": "Returned to the writer with your note.", "previewrevoked": "The preview link no longer works.",
	"takenover": "You are editing this article now; the other editor's open page says so.", "correction": "Correction published.", "update": "Update published.",
	"saved": "Saved.", "published": "Published.", "scheduled": "Scheduled.", "submitted": "Submitted for review.",
	"restored": "Revision restored.", "moderated": "Comments updated.", "replied": "Reply published.", "decided": "Decision recorded.", "noted": "Note added.", "standing": "Standing saved.", "removed": "Their comments are in the trash.",
	"created": "User created.", "deleted": "Deleted.", "uploaded": "Image uploaded.", "signedout": "Other sessions signed out.", "bulk": "Articles updated.",
	"retried": "The message is queued again.", "revoked": "Application password revoked.", "reset": "Your password was changed. Sign in with the new one.",
	"emailsent":    "Saved. Open the link we sent to the new address to confirm it; until then your address stays as it was.",
	"emailchanged": "Your email address was changed.",
	"cleared":      "The sign-in throttle is cleared.",
	"blocked":      "Blocked. Their follows ended; their deliveries are refused.",
	"accepted":     "Follow request accepted; their server is told.",
	"rejected":     "Follow request rejected; their server is told.",
}

// render answers with a page; one that fails to render is logged and
// answered with a plain 500.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	lang := i18n.Default
	if b, ok := data.(interface{ language() string }); ok {
		lang = s.messages.Match(b.language())
	}
	if err := s.views.RenderIn(lang, w, r, status, name, data); err != nil {
		s.logger.Error("render", "in", "admin", "view", name, "err", err)
		http.Error(w, httpkit.InternalMessage, http.StatusInternalServerError)
	}
}

type errorPage struct {
	base
	Status  int
	Message string
	Login   string
}

// errs turns the newsroom's errors into answers. Health is read at each
// error: it is set after New.
func (s *Server) errs() httpkit.Errors {
	return httpkit.Errors{Logger: s.logger, Health: s.Health, Door: "admin"}
}

// errorTitle names an error page in the newsroom's language, as its
// heading does.
func errorTitle(words *i18n.Localizer, status int) string {
	switch status {
	case http.StatusForbidden:
		return words.T("adm_err.403")
	case http.StatusNotFound:
		return words.T("adm_err.404")
	case http.StatusInternalServerError:
		return words.T("adm_err.500")
	}
	return words.T("adm_err.other")
}

// fail shows an error page; internal errors are logged, never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	status, msg, answered := s.errs().Explain(w, r, err)
	if answered {
		return
	}
	data := errorPage{base: s.base(r, rq, errorTitle(s.words(rq), status), ""), Status: status, Message: msg}
	if rq == nil {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			if ref, err := url.Parse(r.Referer()); err == nil && strings.HasPrefix(ref.Path, "/admin/") {
				next = ref.RequestURI()
			} else {
				next = "/admin/"
			}
		}
		data.Login = "/admin/login?next=" + url.QueryEscape(next)
	}
	s.render(w, r, status, "error", data)
}

// jsonError answers a script's request (autosave) with err as
// {"error": message}; an internal error is logged, its text never sent,
// and a store outage gets the 503 every door gives it.
func (s *Server) jsonError(w http.ResponseWriter, r *http.Request, err error) {
	status, message, answered := s.errs().Explain(w, r, err)
	if answered {
		return
	}
	httpkit.WriteJSON(w, status, map[string]string{"error": message})
}

// forbid answers 403 for an action the role may not take.
func (s *Server) forbid(w http.ResponseWriter, r *http.Request, rq *request) {
	s.fail(w, r, rq, communique.Errorf(communique.EFORBIDDEN, "Your role (%s) does not allow this, so nothing was changed.", rq.User.Role))
}

// localNext keeps a post-login redirect inside the admin.
func localNext(next string) string {
	if strings.HasPrefix(next, "/admin/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") && !strings.HasPrefix(next, "/admin/login") {
		return next
	}
	return "/admin/"
}
