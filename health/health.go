// Package health tells whether the store a node depends on answers, and
// keeps the node useful while it does not: requests that need the store
// get a quick 503 with Retry-After instead of hanging, pages the node can
// serve without it (cached pages, static files) still are, and the node
// notices by itself when the store is back.
package health

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// RetryAfter is the Retry-After of answers given while the store is
// unreachable, in seconds.
const RetryAfter = 5

// Monitor follows the store's reachability. Its zero value is not usable;
// make one with New.
type Monitor struct {
	ping func(ctx context.Context) error

	// Logger hears when the store goes away and comes back.
	Logger *slog.Logger
	// ProbeTimeout bounds one ping.
	ProbeTimeout time.Duration
	// ReadTimeout, when positive, is the deadline Gate gives GET and HEAD
	// requests, so a store that hangs rather than refuses costs a reader
	// seconds, not minutes. Writes get none: an upload may legitimately
	// take longer, and a refused connection fails them fast anyway.
	ReadTimeout time.Duration
	// OnUp, when set, runs after the store came back (the page cache
	// watcher looks at once, say).
	OnUp func()

	down    atomic.Bool
	mu      sync.Mutex
	probing chan struct{} // closed when the probe under way ends
	checked time.Time     // end of the last probe
	lastErr error
}

// New returns a monitor that probes with ping (the store's Ping).
func New(ping func(ctx context.Context) error) *Monitor {
	return &Monitor{ping: ping, Logger: slog.Default(), ProbeTimeout: 2 * time.Second}
}

// Down reports whether the last probe failed.
func (m *Monitor) Down() bool { return m != nil && m.down.Load() }

// fresh is how long a probe's answer is reused: a burst of failing
// requests makes one probe, not one each.
const fresh = 500 * time.Millisecond

// Check probes the store (or reuses an answer younger than half a second,
// or waits for the probe under way) and returns its error.
func (m *Monitor) Check(ctx context.Context) error {
	m.mu.Lock()
	if time.Since(m.checked) < fresh && m.probing == nil {
		err := m.lastErr
		m.mu.Unlock()
		return err
	}
	if ch := m.probing; ch != nil {
		m.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.lastErr
	}
	ch := make(chan struct{})
	m.probing = ch
	m.mu.Unlock()

	// The probe is not the caller's: a request that gives up must not
	// leave everyone else with a cancelled answer.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.ProbeTimeout)
	err := m.ping(pctx)
	cancel()
	m.set(err)

	m.mu.Lock()
	m.lastErr, m.checked, m.probing = err, time.Now(), nil
	m.mu.Unlock()
	close(ch)
	return err
}

// set records the outcome of a probe, saying so when it changes.
func (m *Monitor) set(err error) {
	if err != nil {
		if !m.down.Swap(true) {
			m.Logger.Warn("store unreachable: answering 503 to what needs it, serving cached pages", "err", err)
		}
		return
	}
	if m.down.Swap(false) {
		m.Logger.Info("store reachable again")
		if m.OnUp != nil {
			m.OnUp()
		}
	}
}

// Unavailable reports whether err, which a request met, comes from the
// store being out of reach, so the request deserves a 503 rather than a
// 500: the request ran out of its deadline, its connection broke or could
// not be made, or the store does not answer a ping now. Errors of a store
// that answers are the request's own.
func (m *Monitor) Unavailable(ctx context.Context, err error) bool {
	if m == nil || err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || ConnectionError(err) {
		// Said by the error itself: no need to wait for a probe, which
		// might even pass on another connection the server has not cut
		// yet. The probe still runs, to tell an outage from a blip.
		go m.Check(context.WithoutCancel(ctx))
		return true
	}
	return m.Check(ctx) != nil
}

// ConnectionError reports whether err says the connection to the store
// broke or could not be made, or the server is shutting down, starting up
// or full: network errors, a connection the driver gave up, and SQLSTATE
// classes 08 (connection exception) and 57P (operator intervention), and
// 53300 (too many connections). Drivers are recognised by behaviour (a
// SQLState method, as pgx's errors have), not imported.
func ConnectionError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		code := st.SQLState()
		return strings.HasPrefix(code, "08") || strings.HasPrefix(code, "57P") || code == "53300"
	}
	return false
}

// Run probes every interval while the store is down, and every five
// intervals while it is up, so an outage is seen even when no request
// fails, until ctx ends.
func (m *Monitor) Run(ctx context.Context, interval time.Duration) {
	for {
		m.Check(ctx)
		wait := interval
		if !m.Down() {
			wait *= 5
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// Gate answers 503 with Retry-After to requests that need the store while
// it is down, except those offline says this node can serve without it.
// While the store is up, GET and HEAD requests that need it get
// ReadTimeout (a cached page does not: its timer would cost more than
// serving it).
func (m *Monitor) Gate(next http.Handler, offline func(*http.Request) bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		servesOffline := offline != nil && offline(r)
		if m.Down() && !servesOffline {
			WriteUnavailable(w, r)
			return
		}
		if m.ReadTimeout <= 0 || servesOffline || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), m.ReadTimeout)
		defer cancel()
		r2 := r.WithContext(ctx)
		next.ServeHTTP(w, r2)
		// The mux below set the route on its copy; metrics above read it
		// from theirs.
		r.Pattern = r2.Pattern
	})
}

// WriteUnavailable answers 503 with Retry-After: a small page for people,
// a WordPress-style error object under /wp-json/ or for JSON clients.
func WriteUnavailable(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for _, k := range []string{"Content-Encoding", "Content-Length", "ETag", "Last-Modified", "Set-Cookie", "Location"} {
		h.Del(k)
	}
	h.Set("Retry-After", strconv.Itoa(RetryAfter))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if wantsJSON(r) {
		h.Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method != http.MethodHead {
			w.Write([]byte(`{"code":"service_unavailable","message":"The site cannot reach its database for a moment. Please try again in a few seconds.","data":{"status":503}}` + "\n"))
		}
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The page's own small style sheet, and nothing else.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method != http.MethodHead {
		w.Write([]byte(unavailablePage))
	}
}

func wantsJSON(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/wp-json/") || r.URL.Path == "/wp-json" || r.URL.Query().Has("rest_route") {
		return true
	}
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// unavailablePage needs nothing from the store, nor any asset.
const unavailablePage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Back in a moment</title>
<style>body{font:1.1rem/1.5 Georgia,serif;max-width:34rem;margin:15vh auto;padding:0 1rem;color:#222}h1{font-size:1.6rem}</style>
</head>
<body>
<h1>Back in a moment</h1>
<p>The site cannot reach its database right now, so this page cannot be shown. If you were sending something, it was not saved. Please try again in a few seconds.</p>
</body>
</html>
`
