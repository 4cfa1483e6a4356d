package communique

import (
	"context"
	"net/url"
	"strings"
	"time"
)

// Kinds of outgoing messages.
const (
	MessageEmail   = "email"
	MessageWebhook = "webhook"
)

// MessageStatus is where an outgoing message is in its delivery.
type MessageStatus string

// Message statuses. A message is claimed by one worker ("sending") for a
// lease; a worker that dies leaves it to be claimed again when the lease
// ends.
const (
	MessagePending MessageStatus = "pending"
	MessageSending MessageStatus = "sending"
	MessageSent    MessageStatus = "sent"
	MessageFailed  MessageStatus = "failed"
)

// Webhook events.
const (
	EventPostPublished   = "post.published"
	EventPostUpdated     = "post.updated"
	EventCommentCreated  = "comment.created"
	EventCommentApproved = "comment.approved"
)

// WebhookEvents lists every event a webhook may listen to.
var WebhookEvents = []string{EventPostPublished, EventPostUpdated, EventCommentCreated, EventCommentApproved}

// OutboxMessage is an email or a webhook call, written to the store before
// anything is sent so that it survives a crash or a server that is down.
type OutboxMessage struct {
	ID   int64
	Kind string // MessageEmail or MessageWebhook
	// Sender is an email's envelope sender; Recipient its address, or the
	// URL a webhook call goes to.
	Sender    string
	Recipient string
	// Subject is the email's subject or the webhook's event, for the log.
	Subject string
	// Body is the whole RFC 5322 message, or the webhook's JSON.
	Body      string
	WebhookID int64
	Event     string

	Status        MessageStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	// ClaimToken proves that the worker completing a message is the one
	// that claimed it.
	ClaimToken string
}

// OutboxFilter selects messages, newest first. Empty fields are "any".
type OutboxFilter struct {
	Status    MessageStatus
	Kind      string
	WebhookID int64
	Offset    int
	Limit     int
}

// DeliveryAttempt is one try at sending a message: the delivery log.
type DeliveryAttempt struct {
	ID          int64
	MessageID   int64
	AttemptedAt time.Time
	OK          bool
	// Detail is the server's answer, or the reason the try failed.
	Detail string
}

// Webhook is an address told about events, with the secret that signs
// each call.
type Webhook struct {
	ID        int64
	URL       string
	Secret    string
	Events    []string
	CreatedAt time.Time
}

// Wants reports whether the webhook listens to event.
func (h *Webhook) Wants(event string) bool {
	for _, e := range h.Events {
		if e == event {
			return true
		}
	}
	return false
}

// Subscription topics.
const (
	TopicComments = "comments" // follow-up comments on one article
	TopicPosts    = "posts"    // every new article
)

// Subscription statuses: pending until the address confirms.
const (
	SubscriptionPending = "pending"
	SubscriptionActive  = "active"
)

// Subscriber is an email address that asked for notifications. Its
// nonces make the links in emails single-use: a confirmation link works
// while ConfirmNonce is unchanged.
type Subscriber struct {
	ID            int64
	Email         string
	ConfirmNonce  string
	ConfirmSentAt time.Time
	ManageNonce   string
	CreatedAt     time.Time
}

// Subscription is one topic a subscriber follows.
type Subscription struct {
	ID           int64
	SubscriberID int64
	Email        string
	Topic        string
	ArticleID    int64 // TopicComments only
	ArticleTitle string
	Status       string
	// Nonce is in the subscription's unsubscribe links; it changes when
	// the subscription is confirmed, and the row goes when it is used.
	Nonce       string
	CreatedAt   time.Time
	ConfirmedAt time.Time
	// ManageNonce is the subscriber's, for the manage link in messages.
	ManageNonce string
}

// SubscriptionRequest is a topic asked for.
type SubscriptionRequest struct {
	Topic     string
	ArticleID int64
}

// SubscriptionFilter selects subscriptions. Zero fields are "any".
type SubscriptionFilter struct {
	ID           int64
	SubscriberID int64
	Topic        string
	ArticleID    int64
	Status       string
}

// PasswordReset is a pending lost-password token, stored hashed.
type PasswordReset struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NotificationStore keeps the outbox, subscriptions, webhooks and
// password resets.
type NotificationStore interface {
	// EnqueueMessages writes messages to the outbox, all or none, due now.
	EnqueueMessages(ctx context.Context, msgs []*OutboxMessage) error
	// ClaimMessages claims up to limit due messages for lease: each is
	// claimed by exactly one caller, however many nodes ask at once.
	ClaimMessages(ctx context.Context, limit int, lease time.Duration) ([]*OutboxMessage, error)
	// CompleteMessage marks a claimed message sent and logs the attempt.
	// ECONFLICT when the claim was lost (the lease ended).
	CompleteMessage(ctx context.Context, id int64, claimToken, detail string) error
	// FailMessage logs a failed attempt; the message is tried again at
	// retryAt, or marked failed for good when retryAt is zero. ECONFLICT
	// when the claim was lost.
	FailMessage(ctx context.Context, id int64, claimToken, reason string, retryAt time.Time) error
	// PostponeMessage puts a claimed message back, due at until, as if it
	// had not been tried (a rate limit held it, nothing was sent): no
	// attempt is counted or logged. ECONFLICT when the claim was lost.
	PostponeMessage(ctx context.Context, id int64, claimToken string, until time.Time) error
	// RetryMessage puts a failed message back in the queue. ENOTFOUND,
	// ECONFLICT when it has not failed.
	RetryMessage(ctx context.Context, id int64) error
	// FindMessageByID returns a message with its body. ENOTFOUND.
	FindMessageByID(ctx context.Context, id int64) (*OutboxMessage, error)
	// FindMessages returns matching messages without bodies, newest
	// first, and their total.
	FindMessages(ctx context.Context, f OutboxFilter) ([]*OutboxMessage, int, error)
	// CountMessages counts messages by status.
	CountMessages(ctx context.Context) (map[MessageStatus]int, error)
	// FindDeliveryAttempts returns the attempts at a message (messageID)
	// or at a webhook's messages (webhookID), newest first.
	FindDeliveryAttempts(ctx context.Context, messageID, webhookID int64, limit int) ([]*DeliveryAttempt, error)

	// CreateWebhook stores a webhook. EINVALID on a bad URL or event.
	CreateWebhook(ctx context.Context, h *Webhook) error
	// FindWebhooks returns every webhook, oldest first.
	FindWebhooks(ctx context.Context) ([]*Webhook, error)
	// FindWebhookByID returns a webhook. ENOTFOUND.
	FindWebhookByID(ctx context.Context, id int64) (*Webhook, error)
	// DeleteWebhook removes a webhook and its delivery log. ENOTFOUND.
	DeleteWebhook(ctx context.Context, id int64) error

	// RequestSubscriptions records pending subscriptions for email (active
	// ones stay as they are). When a pending one is left and no
	// confirmation went out after resendAfter, the subscriber's
	// confirmation nonce becomes nonce and send is true: the caller then
	// sends a confirmation. Otherwise the outstanding link confirms them.
	RequestSubscriptions(ctx context.Context, email string, reqs []SubscriptionRequest, nonce string, resendAfter time.Time) (sub *Subscriber, pending []*Subscription, send bool, err error)
	// ConfirmSubscriber activates the subscriber's pending subscriptions
	// when nonce is its confirmation nonce, then clears it so the link
	// works once. Each activated subscription gets an unsubscribe nonce
	// from gen. ENOTFOUND when the nonce does not match.
	ConfirmSubscriber(ctx context.Context, subscriberID int64, nonce string, gen func() string) ([]*Subscription, error)
	// Unsubscribe removes an active subscription when nonce is its nonce,
	// and the subscriber with its last one. ENOTFOUND otherwise.
	Unsubscribe(ctx context.Context, subscriptionID int64, nonce string) (*Subscription, error)
	// FindSubscriberByID returns a subscriber. ENOTFOUND.
	FindSubscriberByID(ctx context.Context, id int64) (*Subscriber, error)
	// FindSubscriptions returns matching subscriptions with their email,
	// oldest first.
	FindSubscriptions(ctx context.Context, f SubscriptionFilter) ([]*Subscription, error)

	// CreatePasswordReset stores a reset token's hash for a user.
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error
	// CountPasswordResets counts a user's resets created since a time.
	CountPasswordResets(ctx context.Context, userID int64, since time.Time) (int, error)
	// FindPasswordReset returns an unused, unexpired reset. ENOTFOUND.
	FindPasswordReset(ctx context.Context, tokenHash string) (*PasswordReset, error)
	// ResetPassword uses a reset once: it sets the user's password hash,
	// ends the user's sessions and other resets, and returns the user.
	// ENOTFOUND when the token is unknown, used or expired.
	ResetPassword(ctx context.Context, tokenHash, passwordHash string) (int64, error)
}

// Validate checks a webhook's address and events.
func (h *Webhook) Validate() error {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		len(h.URL) > 2000 || strings.ContainsAny(h.URL, " \t\r\n\"'<>\\") {
		return Errorf(EINVALID, "The webhook address must be an http:// or https:// URL.")
	}
	if len(h.Events) == 0 {
		return Errorf(EINVALID, "Choose at least one event (%s).", strings.Join(WebhookEvents, ", "))
	}
	for _, e := range h.Events {
		known := false
		for _, k := range WebhookEvents {
			known = known || e == k
		}
		if !known {
			return Errorf(EINVALID, "Unknown event %q (one of %s).", e, strings.Join(WebhookEvents, ", "))
		}
	}
	return nil
}
