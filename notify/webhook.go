package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"communique"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
// under the webhook's secret, so a receiver can tell the call is ours.
const SignatureHeader = "X-Communique-Signature"

// Sign returns the signature header's value for body.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether signature is body's, in constant time; for
// receivers written in Go.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// NewWebhookSecret returns a fresh secret for a webhook.
func NewWebhookSecret() string { return randomHex(24) }

// Event is the JSON body of a webhook call. ID lets a receiver drop a
// call it already handled (a retry after a lost answer).
type Event struct {
	ID        string    `json:"id"`
	Event     string    `json:"event"`
	CreatedAt time.Time `json:"created_at"`
	Site      string    `json:"site"`
	Data      any       `json:"data"`
}

// PostData is an article in an event.
type PostData struct {
	ID          int64     `json:"id"`
	Type        string    `json:"type"`
	Title       string    `json:"title"`
	Slug        string    `json:"slug"`
	URL         string    `json:"url"`
	Status      string    `json:"status"`
	Summary     string    `json:"summary"` // plain text: escape it before showing it as HTML
	AuthorID    int64     `json:"author_id"`
	PublishedAt time.Time `json:"published_at"`
	ModifiedAt  time.Time `json:"modified_at"`
}

// CommentData is a comment in an event: public fields only, never the
// commenter's email or IP address.
type CommentData struct {
	ID         int64     `json:"id"`
	PostID     int64     `json:"post"`
	PostTitle  string    `json:"post_title"`
	ParentID   int64     `json:"parent"`
	AuthorName string    `json:"author_name"`
	AuthorURL  string    `json:"author_url"`
	Content    string    `json:"content"` // the comment's sanitised HTML, as the site shows it
	Status     string    `json:"status"`
	Date       time.Time `json:"date"`
	URL        string    `json:"url"`
}

func (s *Service) articleEvent(ctx context.Context, event string, a *communique.Article) error {
	x, err := s.site(ctx)
	if err != nil {
		return err
	}
	return s.webhooks(ctx, x, event, PostData{ID: a.ID, Type: a.Type, Title: a.Title, Slug: a.Slug, URL: s.articleURL(ctx, x, a),
		Status: string(a.Status), Summary: a.Summary, AuthorID: a.AuthorID, PublishedAt: a.PublishedAt, ModifiedAt: a.ModifiedAt})
}

func (s *Service) commentEvent(ctx context.Context, x *site, a *communique.Article, event string, c *communique.Comment) (builder, error) {
	hooks, err := s.Store.FindWebhooks(ctx)
	if err != nil || !wanted(hooks, event) {
		return nil, err
	}
	articleURL := s.articleURL(ctx, x, a)
	return func(c *communique.Comment) ([]*communique.OutboxMessage, error) {
		return s.webhookMessages(x, hooks, event, CommentData{ID: c.ID, PostID: a.ID, PostTitle: a.Title, ParentID: c.ParentID,
			AuthorName: c.AuthorName, AuthorURL: c.AuthorURL, Content: c.HTML, Status: string(c.Status), Date: c.CreatedAt,
			URL: articleURL + "#comment-" + itoa(c.ID)})
	}, nil
}

// wanted reports whether a webhook listens to event.
func wanted(hooks []*communique.Webhook, event string) bool {
	for _, h := range hooks {
		if h.Wants(event) {
			return true
		}
	}
	return false
}

// webhooks queues one call per webhook listening to event.
func (s *Service) webhooks(ctx context.Context, x *site, event string, data any) error {
	hooks, err := s.Store.FindWebhooks(ctx)
	if err != nil {
		return err
	}
	msgs, err := s.webhookMessages(x, hooks, event, data)
	if err != nil || len(msgs) == 0 {
		return err
	}
	return s.enqueue(ctx, msgs)
}

// webhookMessages builds one call per webhook listening to event.
func (s *Service) webhookMessages(x *site, hooks []*communique.Webhook, event string, data any) ([]*communique.OutboxMessage, error) {
	var msgs []*communique.OutboxMessage
	for _, h := range hooks {
		if !h.Wants(event) {
			continue
		}
		body, err := json.Marshal(Event{ID: randomHex(16), Event: event, CreatedAt: s.now().UTC(), Site: strings.TrimRight(x.base, "/"), Data: data})
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, &communique.OutboxMessage{Kind: communique.MessageWebhook, Recipient: h.URL, WebhookID: h.ID,
			Event: event, Subject: event, Body: string(body)})
	}
	return msgs, nil
}
