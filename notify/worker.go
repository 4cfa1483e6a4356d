package notify

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"communique"
	"communique/mail"
	"communique/outbound"
)

// Mailer sends one message; *mail.SMTP is one, LogMailer another.
type Mailer interface {
	Send(ctx context.Context, from string, to []string, msg []byte) error
}

// WorkerStore is what the worker needs from a store.
type WorkerStore interface {
	ClaimMessages(ctx context.Context, limit int, lease time.Duration) ([]*communique.OutboxMessage, error)
	CompleteMessage(ctx context.Context, id int64, claimToken, detail string) error
	FailMessage(ctx context.Context, id int64, claimToken, reason string, retryAt time.Time) error
	PostponeMessage(ctx context.Context, id int64, claimToken string, until time.Time) error
	FindWebhookByID(ctx context.Context, id int64) (*communique.Webhook, error)
}

// ActivityDeliverer sends one queued ActivityPub delivery, signed
// (activitypub.Service is one); it returns what the delivery log keeps.
type ActivityDeliverer interface {
	DeliverActivity(ctx context.Context, m *communique.OutboxMessage) (string, error)
}

// Postponed is what a sender returns when a rate limit holds a message
// back, nothing sent: the worker gives it back untried, due at Until, and
// goes on with the others, so one busy server holds up nobody else.
type Postponed struct {
	Until time.Time
	Why   string
}

func (p *Postponed) Error() string { return "postponed: " + p.Why }

// Worker delivers the outbox: it claims due messages (each is claimed by
// one worker however many nodes run one), sends them, and records the
// outcome. A failure is tried again after an exponential back-off, and
// after MaxAttempts the message is marked failed with its reason, which
// the newsroom shows.
type Worker struct {
	Store  WorkerStore
	Mailer Mailer
	HTTP   *http.Client
	Logger *slog.Logger
	// ActivityPub sends fediverse deliveries; nil: they fail and wait.
	ActivityPub ActivityDeliverer

	// Batch is how many messages one claim takes; Lease how long a claim
	// lasts before another worker may take the message again.
	Batch int
	Lease time.Duration
	// Poll is the wait between two looks at an empty outbox.
	Poll time.Duration
	// Gather is how long a woken worker waits for more messages before it
	// claims: a stream of comments then costs one claim per batch rather
	// than one per message, each a write on the store's writer.
	Gather time.Duration
	// MaxAttempts tries per message; the back-off between two tries
	// doubles from Backoff up to MaxBackoff.
	MaxAttempts int
	Backoff     time.Duration
	MaxBackoff  time.Duration
	// Now is the clock; tests replace it.
	Now func() time.Time

	wake chan struct{}
	once sync.Once
	// soonest is when the first message postponed since Run last waited
	// is due, so Run looks again then rather than after Poll.
	soonest time.Time
}

// NewWorker returns a worker with production timings: eight tries over
// about two hours (1, 2, 4, … 32, 60 minutes apart).
func NewWorker(store WorkerStore, mailer Mailer, logger *slog.Logger) *Worker {
	if logger == nil {
		logger = slog.Default()
	}
	return &Worker{
		Store: store, Mailer: mailer, Logger: logger,
		// A webhook answers where it was asked; a redirect is a failure
		// to report, not a hop to follow with a signed body. Public
		// addresses only: the operator allows private ones by replacing
		// HTTP (serve's --outbound-private).
		HTTP:  outbound.NewClient(outbound.Policy{}),
		Batch: 10, Lease: 5 * time.Minute, Poll: 5 * time.Second, Gather: 100 * time.Millisecond,
		MaxAttempts: 8, Backoff: time.Minute, MaxBackoff: time.Hour,
		Now: time.Now,
	}
}

func (w *Worker) init() {
	w.once.Do(func() { w.wake = make(chan struct{}, 1) })
}

// Wake makes a running worker look at the outbox now.
func (w *Worker) Wake() {
	w.init()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.init()
	for {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("outbox: claim", "err", err)
		}
		if n > 0 && err == nil {
			continue // there may be more (postponed messages are not due)
		}
		wait := w.Poll
		if !w.soonest.IsZero() {
			wait = min(wait, max(w.soonest.Sub(w.Now()), 0))
			w.soonest = time.Time{}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.wake:
			t.Stop()
			if w.Gather > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(w.Gather):
				}
			}
		case <-t.C:
		}
	}
}

// RunOnce claims one batch and delivers it; it returns how many messages
// it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	msgs, err := w.Store.ClaimMessages(ctx, w.Batch, w.Lease)
	if err != nil {
		return 0, err
	}
	// PostgreSQL's UPDATE … RETURNING keeps no order: deliveries to one
	// inbox go in the order they were queued (a Create before its Delete).
	slices.SortFunc(msgs, func(a, b *communique.OutboxMessage) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
	})
	for _, m := range msgs {
		if until, held := w.deliver(ctx, m); held && (w.soonest.IsZero() || until.Before(w.soonest)) {
			w.soonest = until
		}
	}
	return len(msgs), nil
}

// backoff returns the wait before the next try after attempts tries.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.Backoff
	for i := 1; i < attempts && d < w.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.MaxBackoff)
}

// deliver sends m and records the outcome; held tells that a rate limit
// postponed it to until.
func (w *Worker) deliver(ctx context.Context, m *communique.OutboxMessage) (until time.Time, held bool) {
	// A send gets its own deadline, well inside the lease, so a message is
	// never sent by two workers because the first was slow.
	sendCtx, cancel := context.WithTimeout(ctx, w.Lease/2)
	var detail string
	var err error
	switch m.Kind {
	case communique.MessageEmail:
		detail, err = w.sendEmail(sendCtx, m)
	case communique.MessageWebhook:
		detail, err = w.callWebhook(sendCtx, m)
	case communique.MessageActivityPub:
		if w.ActivityPub == nil {
			err = errors.New("federation is not running on this node")
			break
		}
		detail, err = w.ActivityPub.DeliverActivity(sendCtx, m)
	default:
		err = fmt.Errorf("unknown message kind %q", m.Kind)
	}
	cancel()
	// The outcome is recorded even when shutdown began during the send: a
	// message the server accepted must not be sent again after the lease.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if err == nil {
		if err := w.Store.CompleteMessage(rctx, m.ID, m.ClaimToken, detail); err != nil {
			w.Logger.Error("outbox: mark sent", "message", m.ID, "err", err)
		}
		return
	}
	if ctx.Err() != nil {
		return // cut off by shutdown: the lease brings the message back
	}
	var later *Postponed
	if errors.As(err, &later) {
		if err := w.Store.PostponeMessage(rctx, m.ID, m.ClaimToken, later.Until); err != nil {
			w.Logger.Error("outbox: postpone", "message", m.ID, "err", err)
		}
		return later.Until, true
	}
	reason := oneLine(err.Error())
	retryAt := time.Time{}
	if m.Attempts < w.MaxAttempts {
		retryAt = w.Now().Add(w.backoff(m.Attempts))
	} else if m.Kind == communique.MessageActivityPub && m.Attempts < fediverseAttempts {
		// A fediverse server may be down for days; its followers still
		// get the article when it is back.
		retryAt = w.Now().Add(fediverseBackoff)
	}
	level := slog.LevelWarn
	if retryAt.IsZero() {
		level = slog.LevelError
	}
	w.Logger.Log(ctx, level, "outbox: delivery failed", "message", m.ID, "kind", m.Kind, "to", m.Recipient,
		"attempt", m.Attempts, "final", retryAt.IsZero(), "err", reason)
	if err := w.Store.FailMessage(rctx, m.ID, m.ClaimToken, reason, retryAt); err != nil {
		w.Logger.Error("outbox: record failure", "message", m.ID, "err", err)
	}
	return
}

func (w *Worker) sendEmail(ctx context.Context, m *communique.OutboxMessage) (string, error) {
	if w.Mailer == nil {
		return "", errors.New("no mailer configured")
	}
	if err := w.Mailer.Send(ctx, m.Sender, []string{m.Recipient}, []byte(m.Body)); err != nil {
		return "", err
	}
	if _, ok := w.Mailer.(*LogMailer); ok {
		return "written to the log (no SMTP server configured)", nil
	}
	return "accepted by the SMTP server", nil
}

// Fediverse deliveries go on past MaxAttempts, every fediverseBackoff,
// for about three days in all.
const (
	fediverseAttempts = 24
	fediverseBackoff  = 4 * time.Hour
)

// excerptChars is how much of a webhook's answer the delivery log keeps.
const excerptChars = 100

func (w *Worker) callWebhook(ctx context.Context, m *communique.OutboxMessage) (string, error) {
	h, err := w.Store.FindWebhookByID(ctx, m.WebhookID)
	if err != nil {
		return "", fmt.Errorf("webhook %d: %w", m.WebhookID, err)
	}
	body := []byte(m.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Communique-Webhook/"+communique.Version)
	req.Header.Set("X-Communique-Event", m.Event)
	req.Header.Set("X-Communique-Delivery", itoa(m.ID))
	req.Header.Set(SignatureHeader, Sign(h.Secret, body))
	resp, err := w.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	// Only the status line and a short, escaped excerpt are kept: the
	// newsroom shows the log, and an answer is no business of the site's.
	detail := outbound.Excerpt(resp, excerptChars)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", errors.New("HTTP " + detail)
	}
	return "HTTP " + detail, nil
}

// LogMailer writes messages to the log instead of sending them: with no
// SMTP server configured, a newcomer still sees every message (and its
// links) in the terminal.
type LogMailer struct {
	Logger *slog.Logger
}

// Send logs the message's recipients, subject and text.
func (l *LogMailer) Send(ctx context.Context, from string, to []string, msg []byte) error {
	r, err := mail.Read(msg)
	if err != nil {
		return err
	}
	l.Logger.Info("email (no SMTP server configured; start with --smtp smtp://user:pass@host:587 to send)",
		"from", from, "to", strings.Join(to, ", "), "subject", r.Subject, "message_id", r.Header.Get("Message-ID"),
		"text", r.Text)
	return nil
}
