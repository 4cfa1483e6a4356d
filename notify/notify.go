// Package notify decides who hears what and writes it to the outbox:
// moderators about held comments, authors about comments on their
// articles, readers about what they subscribed to (double opt-in, with
// one-click unsubscribe), webhooks about events, and users about their
// lost passwords. Nothing here talks to a mail server or a webhook while
// a page waits: the Worker delivers the outbox afterwards.
package notify

import (
	"communique/i18n"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/mail"
)

// Store is what notifications need from a store.
type Store interface {
	communique.NotificationStore
	FindUserByID(ctx context.Context, id int64) (*communique.User, error)
	FindUsers(ctx context.Context, f communique.UserFilter) ([]*communique.User, error)
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
	CountComments(ctx context.Context) (map[communique.CommentStatus]int, error)
	Settings(ctx context.Context) (map[string]string, error)
	Secret(ctx context.Context, name string, gen func() string) (string, error)
}

// Service writes notifications to the outbox.
type Service struct {
	Store  Store
	Logger *slog.Logger
	// SiteURL is the base of links in messages when the site_url setting
	// is empty. Links never come from a request's Host header, which a
	// stranger chooses.
	SiteURL string
	// Wake, when set, is called after messages are queued so a worker on
	// this node sends them at once instead of at its next poll.
	Wake func()
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Messages are the words of the emails in every language; nil: the
	// embedded catalogue.
	Messages *i18n.Catalog

	key []byte
}

// Timing of the subscription and reset flows.
const (
	confirmValid   = 7 * 24 * time.Hour // a confirmation link works this long
	confirmResend  = time.Hour          // at most one confirmation per address per hour
	resetValid     = time.Hour          // a reset link works this long
	resetsPerHour  = 3                  // reset emails per account and hour
	maxRecipients  = 5000               // subscribers told about one event
	enqueueInBatch = 200
)

// New loads the key that signs the links in messages.
func New(ctx context.Context, store Store, logger *slog.Logger) (*Service, error) {
	if logger == nil {
		logger = slog.Default()
	}
	key, err := store.Secret(ctx, "notify", func() string { return randomHex(32) })
	if err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return &Service{Store: store, Logger: logger, Now: time.Now, key: []byte(key)}, nil
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// site is what every message needs: settings, texts, sender and links.
type site struct {
	st    *communique.Settings
	t     *i18n.Localizer // the words of the messages, in the site's language
	from  mail.Address
	base  string // scheme://host, no trailing slash
	title string
}

func (s *Service) site(ctx context.Context) (*site, error) {
	values, err := s.Store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	st := communique.ParseSettings(values)
	x := &site{st: st, t: s.messages().For(st.Language), title: oneLine(st.Title)}
	// ParseSettings kept only an address mail.ParseAddress accepts.
	from, err := mail.ParseAddress(st.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("mail_from: %w", err)
	}
	x.from = *from
	x.base = strings.TrimRight(st.SiteURL, "/")
	if x.base == "" {
		x.base = strings.TrimRight(s.SiteURL, "/")
	}
	if x.base == "" {
		x.base = "http://localhost:8080"
	}
	return x, nil
}

// domain names message IDs: the site's host, else the sender's domain.
func (x *site) domain() string {
	if u, err := url.Parse(x.base); err == nil && u.Hostname() != "" && !strings.Contains(u.Hostname(), ":") {
		return u.Hostname()
	}
	return mail.Domain(x.from.Address)
}

func (x *site) url(path string, q url.Values) string {
	u := x.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// articleURL is the public address of an article.
func (s *Service) articleURL(ctx context.Context, x *site, a *communique.Article) string {
	var parents []string
	for parent, depth := a.ParentID, 0; parent != 0 && depth < 10; depth++ {
		p, err := s.Store.FindArticleByID(ctx, parent)
		if err != nil {
			break
		}
		parents = append([]string{p.Slug}, parents...)
		parent = p.ParentID
	}
	return x.base + communique.ArticlePath(a, x.st, parents)
}

// thread is where a message sits in a conversation.
type thread struct {
	id         string // prefix of the Message-ID, such as "comment-12"
	references []string
}

// email builds one message for the outbox.
func (s *Service) email(x *site, to mail.Address, subject string, c *content, th thread, extra []mail.Field) (*communique.OutboxMessage, error) {
	c.Lang, c.Site, c.SiteURL = x.t.Lang(), x.title, x.base+"/"
	text, html, err := c.render()
	if err != nil {
		return nil, err
	}
	to.Name = oneLine(to.Name)
	subject = oneLine(subject)
	m := &mail.Message{
		From: x.from, To: []mail.Address{to}, Subject: subject, Date: s.now(), Language: x.t.Lang(),
		Text: text, HTML: html, References: th.references,
		Header: append([]mail.Field{{Name: "Auto-Submitted", Value: "auto-generated"}}, extra...),
	}
	if th.id != "" {
		m.MessageID = "<" + th.id + "." + randomHex(8) + "@" + x.domain() + ">"
	}
	if n := len(th.references); n > 0 {
		m.InReplyTo = th.references[n-1]
	}
	raw, err := m.Bytes()
	if err != nil {
		return nil, err
	}
	return &communique.OutboxMessage{Kind: communique.MessageEmail, Sender: x.from.Address, Recipient: to.Address,
		Subject: subject, Body: string(raw)}, nil
}

// enqueue writes messages to the outbox in batches and wakes the worker.
func (s *Service) enqueue(ctx context.Context, msgs []*communique.OutboxMessage) error {
	for len(msgs) > 0 {
		n := min(len(msgs), enqueueInBatch)
		if err := s.Store.EnqueueMessages(ctx, msgs[:n]); err != nil {
			return err
		}
		msgs = msgs[n:]
	}
	if s.Wake != nil {
		s.Wake()
	}
	return nil
}

// fail logs a notification that could not be queued. The action that
// caused it (a comment, a publication) stands: a notification is never
// worth undoing it.
func (s *Service) fail(what string, err error, args ...any) {
	if err != nil {
		s.Logger.Error("notify: "+what, append(args, "err", err)...)
	}
}

func articleRef(x *site, id int64) string {
	return "<article-" + strconv.FormatInt(id, 10) + "@" + x.domain() + ">"
}

func (s *Service) messages() *i18n.Catalog {
	if s.Messages == nil {
		return i18n.Builtin()
	}
	return s.Messages
}
