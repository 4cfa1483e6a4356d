package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"communique"
)

var _ communique.NotificationStore = (*Outbox)(nil)

const outboxColumns = `id, kind, sender, recipient, subject, webhook_id, event, status, attempts,
	next_attempt_at, last_error, created_at, sent_at, claim_token`

func scanOutbox(sc interface{ Scan(...any) error }, extra ...any) (*communique.OutboxMessage, error) {
	m := &communique.OutboxMessage{}
	var webhook *int64
	if err := sc.Scan(append([]any{&m.ID, &m.Kind, &m.Sender, &m.Recipient, &m.Subject, &webhook, &m.Event, &m.Status, &m.Attempts,
		scanTime{&m.NextAttemptAt}, &m.LastError, scanTime{&m.CreatedAt}, scanTime{&m.SentAt}, &m.ClaimToken}, extra...)...); err != nil {
		return nil, fmt.Errorf("scan message: %w", err)
	}
	if webhook != nil {
		m.WebhookID = *webhook
	}
	return m, nil
}

func outboxNullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// EnqueueMessages writes messages to the outbox in one transaction.
func (db *Outbox) EnqueueMessages(ctx context.Context, msgs []*communique.OutboxMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.enqueueMessages(ctx, msgs); err != nil {
		return err
	}
	return tx.Commit()
}

// enqueueMessages writes messages to the outbox inside a transaction, so
// a change and the messages about it commit together.
func (tx *Tx) enqueueMessages(ctx context.Context, msgs []*communique.OutboxMessage) error {
	w := tx.w()
	for _, m := range msgs {
		if m.Kind != communique.MessageEmail && m.Kind != communique.MessageWebhook && m.Kind != communique.MessageActivityPub {
			return communique.Errorf(communique.EINVALID, "Unknown message kind %q.", m.Kind)
		}
		m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt = communique.MessagePending, 0, tx.now, tx.now
		if err := w.row(ctx, `INSERT INTO outbox (kind, sender, recipient, subject, body, webhook_id, event, status, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.Kind, m.Sender, m.Recipient, m.Subject, m.Body, outboxNullID(m.WebhookID), m.Event, string(m.Status), w.t(tx.now), w.t(tx.now)).Scan(&m.ID); err != nil {
			return tx.db.wrap(err, "Message")
		}
	}
	return nil
}

func newClaimToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ClaimMessages claims due messages with one UPDATE. On PostgreSQL the
// inner SELECT skips rows another node has locked, so two nodes never
// claim the same row and neither waits; on SQLite the single writer makes
// the statement atomic. A message whose lease ended (its worker died) is
// due again.
func (db *Outbox) ClaimMessages(ctx context.Context, limit int, lease time.Duration) ([]*communique.OutboxMessage, error) {
	if limit <= 0 {
		limit = 10
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	token := newClaimToken()
	rows, err := w.query(ctx, `UPDATE outbox SET status = 'sending', attempts = attempts + 1, claimed_until = ?, claim_token = ?
		WHERE id IN (SELECT id FROM outbox
			WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?)
			ORDER BY next_attempt_at, id LIMIT ?`+db.dialect.SkipLocked+`)
		RETURNING `+outboxColumns+`, body`,
		w.t(tx.now.Add(lease)), token, w.t(tx.now), w.t(tx.now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	defer rows.Close()
	var list []*communique.OutboxMessage
	for rows.Next() {
		var body string
		m, err := scanOutbox(rows, &body)
		if err != nil {
			return nil, err
		}
		m.Body = body
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim messages: %w", err)
	}
	rows.Close()
	return list, tx.Commit()
}

// finishMessage updates a claimed message and logs the attempt, if the
// claim still holds.
func (db *Outbox) finishMessage(ctx context.Context, id int64, claimToken string, ok bool, detail string, set string, args func(w q, now time.Time) []any) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	res, err := w.exec(ctx, `UPDATE outbox SET `+set+`, claimed_until = NULL, claim_token = ''
		WHERE id = ? AND status = 'sending' AND claim_token = ?`, append(args(w, tx.now), id, claimToken)...)
	if err != nil {
		return fmt.Errorf("finish message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ECONFLICT, "The message is no longer claimed by this worker.")
	}
	if _, err := w.exec(ctx, `INSERT INTO delivery_attempts (message_id, attempted_at, ok, detail) VALUES (?, ?, ?, ?)`,
		id, w.t(tx.now), ok, truncateText(detail, 2000)); err != nil {
		return fmt.Errorf("log attempt: %w", err)
	}
	return tx.Commit()
}

// CompleteMessage marks a claimed message sent.
func (db *Outbox) CompleteMessage(ctx context.Context, id int64, claimToken, detail string) error {
	return db.finishMessage(ctx, id, claimToken, true, detail, `status = 'sent', sent_at = ?, last_error = ''`,
		func(w q, now time.Time) []any { return []any{w.t(now)} })
}

// FailMessage logs a failed attempt and schedules the next, or gives up.
func (db *Outbox) FailMessage(ctx context.Context, id int64, claimToken, reason string, retryAt time.Time) error {
	reason = truncateText(reason, 2000)
	if retryAt.IsZero() {
		return db.finishMessage(ctx, id, claimToken, false, reason, `status = 'failed', last_error = ?`,
			func(q, time.Time) []any { return []any{reason} })
	}
	return db.finishMessage(ctx, id, claimToken, false, reason, `status = 'pending', last_error = ?, next_attempt_at = ?`,
		func(w q, _ time.Time) []any { return []any{reason, w.t(retryAt)} })
}

// PostponeMessage gives back a claimed message untried, due at until.
func (db *Outbox) PostponeMessage(ctx context.Context, id int64, claimToken string, until time.Time) error {
	w := db.wr()
	res, err := w.exec(ctx, `UPDATE outbox SET status = 'pending', attempts = attempts - 1, next_attempt_at = ?,
		claimed_until = NULL, claim_token = '' WHERE id = ? AND status = 'sending' AND claim_token = ?`, w.t(until), id, claimToken)
	if err != nil {
		return fmt.Errorf("postpone message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ECONFLICT, "The message is no longer claimed by this worker.")
	}
	return nil
}

// RetryMessage puts a failed message back in the queue, due now.
func (db *Outbox) RetryMessage(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	var status string
	if err := w.row(ctx, `SELECT status FROM outbox WHERE id = ?`, id).Scan(&status); err != nil {
		return db.wrap(err, "Message")
	}
	if status != string(communique.MessageFailed) {
		return communique.Errorf(communique.ECONFLICT, "Only a failed message can be sent again.")
	}
	if _, err := w.exec(ctx, `UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ?`, w.t(tx.now), id); err != nil {
		return fmt.Errorf("retry message: %w", err)
	}
	return tx.Commit()
}

// FindMessageByID returns a message with its body.
func (db *Outbox) FindMessageByID(ctx context.Context, id int64) (*communique.OutboxMessage, error) {
	var body string
	m, err := scanOutbox(db.r().row(ctx, `SELECT `+outboxColumns+`, body FROM outbox WHERE id = ?`, id), &body)
	if err != nil {
		return nil, db.wrap(err, "Message")
	}
	m.Body = body
	return m, nil
}

// FindMessages returns messages newest first, without bodies.
func (db *Outbox) FindMessages(ctx context.Context, f communique.OutboxFilter) ([]*communique.OutboxMessage, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.WebhookID != 0 {
		where, args = append(where, "webhook_id = ?"), append(args, f.WebhookID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	r := db.r()
	rows, err := r.query(ctx, `SELECT `+outboxColumns+`, COUNT(*) OVER () FROM outbox WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("find messages: %w", err)
	}
	defer rows.Close()
	var list []*communique.OutboxMessage
	total := 0
	for rows.Next() {
		m, err := scanOutbox(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		list = append(list, m)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	if len(list) == 0 && f.Offset > 0 {
		if err := r.row(ctx, `SELECT COUNT(*) FROM outbox WHERE `+strings.Join(where, " AND "), args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// CountMessages counts messages by status.
func (db *Outbox) CountMessages(ctx context.Context) (map[communique.MessageStatus]int, error) {
	rows, err := db.r().query(ctx, `SELECT status, COUNT(*) FROM outbox GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count messages: %w", err)
	}
	defer rows.Close()
	m := map[communique.MessageStatus]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		m[communique.MessageStatus(s)] = n
	}
	return m, rows.Err()
}

// FindDeliveryAttempts returns attempts at a message or a webhook's
// messages, newest first.
func (db *Outbox) FindDeliveryAttempts(ctx context.Context, messageID, webhookID int64, limit int) ([]*communique.DeliveryAttempt, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	q, args := `SELECT a.id, a.message_id, a.attempted_at, a.ok, a.detail FROM delivery_attempts a`, []any{}
	switch {
	case messageID != 0:
		q, args = q+` WHERE a.message_id = ?`, append(args, messageID)
	case webhookID != 0:
		q, args = q+` JOIN outbox o ON o.id = a.message_id WHERE o.webhook_id = ?`, append(args, webhookID)
	}
	rows, err := db.r().query(ctx, q+` ORDER BY a.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("find attempts: %w", err)
	}
	defer rows.Close()
	var list []*communique.DeliveryAttempt
	for rows.Next() {
		a := &communique.DeliveryAttempt{}
		if err := rows.Scan(&a.ID, &a.MessageID, scanTime{&a.AttemptedAt}, &a.OK, &a.Detail); err != nil {
			return nil, fmt.Errorf("scan attempt: %w", err)
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// CreateWebhook stores a webhook.
func (db *Outbox) CreateWebhook(ctx context.Context, h *communique.Webhook) error {
	if err := h.Validate(); err != nil {
		return err
	}
	if len(h.Secret) < 16 {
		return communique.Errorf(communique.EINVALID, "The webhook secret must be at least 16 characters.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	h.CreatedAt = tx.now
	if err := w.row(ctx, `INSERT INTO webhooks (url, secret, events, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		h.URL, h.Secret, strings.Join(h.Events, " "), w.t(tx.now)).Scan(&h.ID); err != nil {
		return db.wrap(err, "Webhook")
	}
	return tx.Commit()
}

func scanWebhook(sc interface{ Scan(...any) error }) (*communique.Webhook, error) {
	h := &communique.Webhook{}
	var events string
	if err := sc.Scan(&h.ID, &h.URL, &h.Secret, &events, scanTime{&h.CreatedAt}); err != nil {
		return nil, fmt.Errorf("scan webhook: %w", err)
	}
	h.Events = strings.Fields(events)
	return h, nil
}

// FindWebhooks returns every webhook, oldest first.
func (db *Outbox) FindWebhooks(ctx context.Context) ([]*communique.Webhook, error) {
	rows, err := db.r().query(ctx, `SELECT id, url, secret, events, created_at FROM webhooks ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	return scanAll(rows, func() (*communique.Webhook, error) { return scanWebhook(rows) })
}

// FindWebhookByID returns a webhook.
func (db *Outbox) FindWebhookByID(ctx context.Context, id int64) (*communique.Webhook, error) {
	h, err := scanWebhook(db.r().row(ctx, `SELECT id, url, secret, events, created_at FROM webhooks WHERE id = ?`, id))
	if err != nil {
		return nil, db.wrap(err, "Webhook")
	}
	return h, nil
}

// DeleteWebhook removes a webhook; its messages and log go with it.
func (db *Outbox) DeleteWebhook(ctx context.Context, id int64) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.w().exec(ctx, `DELETE FROM webhooks WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return communique.Errorf(communique.ENOTFOUND, "Webhook not found.")
	}
	return tx.Commit()
}

const subscriberColumns = `id, email, confirm_nonce, confirm_sent_at, manage_nonce, created_at`

func scanSubscriber(sc interface{ Scan(...any) error }) (*communique.Subscriber, error) {
	s := &communique.Subscriber{}
	if err := sc.Scan(&s.ID, &s.Email, &s.ConfirmNonce, scanTime{&s.ConfirmSentAt}, &s.ManageNonce, scanTime{&s.CreatedAt}); err != nil {
		return nil, fmt.Errorf("scan subscriber: %w", err)
	}
	return s, nil
}

const subscriptionColumns = `s.id, s.subscriber_id, r.email, s.topic, COALESCE(s.article_id, 0), COALESCE(a.title, ''),
	s.status, s.nonce, s.created_at, s.confirmed_at, r.manage_nonce`

const subscriptionFrom = ` FROM subscriptions s JOIN subscribers r ON r.id = s.subscriber_id LEFT JOIN articles a ON a.id = s.article_id`

func scanSubscription(sc interface{ Scan(...any) error }) (*communique.Subscription, error) {
	s := &communique.Subscription{}
	if err := sc.Scan(&s.ID, &s.SubscriberID, &s.Email, &s.Topic, &s.ArticleID, &s.ArticleTitle, &s.Status, &s.Nonce,
		scanTime{&s.CreatedAt}, scanTime{&s.ConfirmedAt}, &s.ManageNonce); err != nil {
		return nil, fmt.Errorf("scan subscription: %w", err)
	}
	return s, nil
}

func findSubscriptions(ctx context.Context, x q, f communique.SubscriptionFilter) ([]*communique.Subscription, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != 0 {
		where, args = append(where, "s.id = ?"), append(args, f.ID)
	}
	if f.SubscriberID != 0 {
		where, args = append(where, "s.subscriber_id = ?"), append(args, f.SubscriberID)
	}
	if f.Topic != "" {
		where, args = append(where, "s.topic = ?"), append(args, f.Topic)
	}
	if f.ArticleID != 0 {
		where, args = append(where, "s.article_id = ?"), append(args, f.ArticleID)
	}
	if f.Status != "" {
		where, args = append(where, "s.status = ?"), append(args, f.Status)
	}
	rows, err := x.query(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY s.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("find subscriptions: %w", err)
	}
	return scanAll(rows, func() (*communique.Subscription, error) { return scanSubscription(rows) })
}

// FindSubscriptions returns matching subscriptions with their email.
func (db *Outbox) FindSubscriptions(ctx context.Context, f communique.SubscriptionFilter) ([]*communique.Subscription, error) {
	return findSubscriptions(ctx, db.r(), f)
}

// FindSubscriberByID returns a subscriber.
func (db *Outbox) FindSubscriberByID(ctx context.Context, id int64) (*communique.Subscriber, error) {
	s, err := scanSubscriber(db.r().row(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = ?`, id))
	if err != nil {
		return nil, db.wrap(err, "Subscriber")
	}
	return s, nil
}

// RequestSubscriptions records pending subscriptions and decides whether
// a confirmation goes out.
func (db *Outbox) RequestSubscriptions(ctx context.Context, email string, reqs []communique.SubscriptionRequest, nonce string, resendAfter time.Time) (*communique.Subscriber, []*communique.Subscription, bool, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !communique.ValidEmail(email) {
		return nil, nil, false, communique.Errorf(communique.EINVALID, "A valid email address is required.")
	}
	if nonce == "" {
		return nil, nil, false, communique.Errorf(communique.EINVALID, "A confirmation nonce is required.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	defer tx.Rollback()
	w := tx.w()
	if _, err := w.exec(ctx, `INSERT INTO subscribers (email, manage_nonce, created_at) VALUES (?, ?, ?) ON CONFLICT (email) DO NOTHING`,
		email, newClaimToken(), w.t(tx.now)); err != nil {
		return nil, nil, false, fmt.Errorf("add subscriber: %w", err)
	}
	sub, err := scanSubscriber(w.row(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE email = ?`, email))
	if err != nil {
		return nil, nil, false, err
	}
	for _, r := range reqs {
		var n int
		switch r.Topic {
		case communique.TopicComments:
			if r.ArticleID == 0 {
				return nil, nil, false, communique.Errorf(communique.EINVALID, "Following comments needs an article.")
			}
			err = w.row(ctx, `SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ? AND topic = ? AND article_id = ?`, sub.ID, r.Topic, r.ArticleID).Scan(&n)
		case communique.TopicPosts:
			r.ArticleID = 0
			err = w.row(ctx, `SELECT COUNT(*) FROM subscriptions WHERE subscriber_id = ? AND topic = ?`, sub.ID, r.Topic).Scan(&n)
		default:
			return nil, nil, false, communique.Errorf(communique.EINVALID, "Unknown subscription topic %q.", r.Topic)
		}
		if err != nil {
			return nil, nil, false, fmt.Errorf("find subscription: %w", err)
		}
		if n > 0 {
			continue
		}
		if _, err := w.exec(ctx, `INSERT INTO subscriptions (subscriber_id, topic, article_id, status, created_at) VALUES (?, ?, ?, 'pending', ?)`,
			sub.ID, r.Topic, outboxNullID(r.ArticleID), w.t(tx.now)); err != nil {
			return nil, nil, false, db.wrap(err, "Subscription")
		}
	}
	pending, err := findSubscriptions(ctx, w, communique.SubscriptionFilter{SubscriberID: sub.ID, Status: communique.SubscriptionPending})
	if err != nil {
		return nil, nil, false, err
	}
	send := len(pending) > 0 && (sub.ConfirmNonce == "" || sub.ConfirmSentAt.Before(resendAfter))
	if send {
		sub.ConfirmNonce, sub.ConfirmSentAt = nonce, tx.now
		if _, err := w.exec(ctx, `UPDATE subscribers SET confirm_nonce = ?, confirm_sent_at = ? WHERE id = ?`, nonce, w.t(tx.now), sub.ID); err != nil {
			return nil, nil, false, fmt.Errorf("set confirmation: %w", err)
		}
	}
	return sub, pending, send, tx.Commit()
}

// ConfirmSubscriber activates pending subscriptions once per nonce.
func (db *Outbox) ConfirmSubscriber(ctx context.Context, subscriberID int64, nonce string, gen func() string) ([]*communique.Subscription, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	res, err := w.exec(ctx, `UPDATE subscribers SET confirm_nonce = '' WHERE id = ? AND confirm_nonce = ? AND confirm_nonce <> ''`, subscriberID, nonce)
	if err != nil {
		return nil, fmt.Errorf("confirm: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 || nonce == "" {
		return nil, communique.Errorf(communique.ENOTFOUND, "This confirmation link is not valid.")
	}
	pending, err := findSubscriptions(ctx, w, communique.SubscriptionFilter{SubscriberID: subscriberID, Status: communique.SubscriptionPending})
	if err != nil {
		return nil, err
	}
	for _, s := range pending {
		s.Status, s.Nonce, s.ConfirmedAt = communique.SubscriptionActive, gen(), tx.now
		if _, err := w.exec(ctx, `UPDATE subscriptions SET status = 'active', nonce = ?, confirmed_at = ? WHERE id = ?`, s.Nonce, w.t(tx.now), s.ID); err != nil {
			return nil, fmt.Errorf("confirm: %w", err)
		}
	}
	return pending, tx.Commit()
}

// Unsubscribe removes an active subscription once.
func (db *Outbox) Unsubscribe(ctx context.Context, subscriptionID int64, nonce string) (*communique.Subscription, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	notFound := communique.Errorf(communique.ENOTFOUND, "This unsubscribe link is not valid.")
	s, err := scanSubscription(w.row(ctx, `SELECT `+subscriptionColumns+subscriptionFrom+` WHERE s.id = ?`, subscriptionID))
	if err != nil {
		if communique.ErrorCode(db.wrap(err, "Subscription")) == communique.ENOTFOUND {
			return nil, notFound
		}
		return nil, err
	}
	if nonce == "" || s.Nonce != nonce || s.Status != communique.SubscriptionActive {
		return nil, notFound
	}
	if _, err := w.exec(ctx, `DELETE FROM subscriptions WHERE id = ?`, s.ID); err != nil {
		return nil, fmt.Errorf("unsubscribe: %w", err)
	}
	// An address with nothing left to follow is forgotten.
	if _, err := w.exec(ctx, `DELETE FROM subscribers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE subscriber_id = ?)`,
		s.SubscriberID, s.SubscriberID); err != nil {
		return nil, fmt.Errorf("unsubscribe: %w", err)
	}
	return s, tx.Commit()
}

// CreatePasswordReset stores a reset token's hash. Expired and used
// resets go when new ones come.
func (db *Outbox) CreatePasswordReset(ctx context.Context, r *communique.PasswordReset) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	w := tx.w()
	r.CreatedAt = tx.now
	if _, err := w.exec(ctx, `INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		r.TokenHash, r.UserID, w.t(tx.now), w.t(r.ExpiresAt)); err != nil {
		return db.wrap(err, "Password reset")
	}
	if _, err := w.exec(ctx, `DELETE FROM password_resets WHERE expires_at < ?`, w.t(tx.now.Add(-24*time.Hour))); err != nil {
		return err
	}
	return tx.Commit()
}

// CountPasswordResets counts a user's resets created since a time.
func (db *Outbox) CountPasswordResets(ctx context.Context, userID int64, since time.Time) (int, error) {
	var n int
	r := db.r()
	err := r.row(ctx, `SELECT COUNT(*) FROM password_resets WHERE user_id = ? AND created_at >= ?`, userID, r.t(since)).Scan(&n)
	return n, err
}

// FindPasswordReset returns an unused, unexpired reset.
func (db *Outbox) FindPasswordReset(ctx context.Context, tokenHash string) (*communique.PasswordReset, error) {
	r := db.r()
	p := &communique.PasswordReset{}
	err := r.row(ctx, `SELECT token_hash, user_id, created_at, expires_at FROM password_resets
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, tokenHash, r.t(db.Now())).
		Scan(&p.TokenHash, &p.UserID, scanTime{&p.CreatedAt}, scanTime{&p.ExpiresAt})
	if err != nil {
		return nil, db.wrap(err, "Password reset")
	}
	return p, nil
}

// ResetPassword uses a reset token once and sets the new password.
func (db *Outbox) ResetPassword(ctx context.Context, tokenHash, passwordHash string) (int64, error) {
	if passwordHash == "" {
		return 0, communique.Errorf(communique.EINVALID, "A password is required.")
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	w := tx.w()
	var userID int64
	err = w.row(ctx, `UPDATE password_resets SET used_at = ?
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
		w.t(tx.now), tokenHash, w.t(tx.now)).Scan(&userID)
	if err != nil {
		return 0, db.wrap(err, "Password reset")
	}
	for _, stmt := range []struct {
		query string
		args  []any
	}{
		{`UPDATE users SET password_hash = ? WHERE id = ?`, []any{passwordHash, userID}},
		// Whoever knew the old password, or holds another link, is out.
		{`DELETE FROM sessions WHERE user_id = ?`, []any{userID}},
		{`DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL`, []any{userID}},
	} {
		if _, err := w.exec(ctx, stmt.query, stmt.args...); err != nil {
			return 0, fmt.Errorf("reset password: %w", err)
		}
	}
	return userID, tx.Commit()
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// PublishDueIDs publishes every scheduled article whose time has come and
// returns their IDs, so that the article service announces each once: the
// one UPDATE that flips an article is the only one that returns it, even
// with several nodes.
func (db *Articles) PublishDueIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := db.retry(ctx, func() (err error) {
		ids, err = db.publishDueIDs(ctx)
		return err
	})
	return ids, err
}

func (db *Articles) publishDueIDs(ctx context.Context) ([]int64, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w := tx.w()
	if err := tx.lockTerms(ctx, `id IN (SELECT x.term_id FROM article_terms x JOIN articles a ON a.id = x.article_id
		WHERE a.status = 'scheduled' AND a.published_at <= ?)`, w.t(tx.now)); err != nil {
		return nil, fmt.Errorf("publish due: lock terms: %w", err)
	}
	rows, err := w.query(ctx, `UPDATE articles SET status = 'published', modified_at = ?, version = version + 1
		WHERE status = 'scheduled' AND published_at <= ? RETURNING id`, w.t(tx.now), w.t(tx.now))
	if err != nil {
		return nil, fmt.Errorf("publish due: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("publish due: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publish due: %w", err)
	}
	rows.Close()
	return ids, tx.Commit()
}
