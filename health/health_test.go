package health_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"communique/health"
)

// fakeStore is a store whose reachability the test switches.
type fakeStore struct {
	down  atomic.Bool
	pings atomic.Int32
}

func (f *fakeStore) Ping(ctx context.Context) error {
	f.pings.Add(1)
	if f.down.Load() {
		return errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")
	}
	return nil
}

func newMonitor(f *fakeStore) *health.Monitor {
	m := health.New(f.Ping)
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	return m
}

func TestCheckSharesOneProbe(t *testing.T) {
	f := &fakeStore{}
	m := newMonitor(f)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); m.Check(context.Background()) }()
	}
	wg.Wait()
	if n := f.pings.Load(); n != 1 {
		t.Errorf("20 checks at once made %d pings, want 1", n)
	}
}

func TestUnavailable(t *testing.T) {
	f := &fakeStore{}
	m := newMonitor(f)
	ctx := context.Background()
	if m.Unavailable(ctx, errors.New("no such row")) {
		t.Error("an error of a store that answers counted as unavailability")
	}
	if m.Unavailable(ctx, nil) || m.Unavailable(ctx, context.Canceled) {
		t.Error("nil or a cancelled request counted as unavailability")
	}
	if !m.Unavailable(ctx, context.DeadlineExceeded) {
		t.Error("a request out of time is not unavailability")
	}
	f.down.Store(true)
	time.Sleep(600 * time.Millisecond) // past the reuse of the last answer
	if !m.Unavailable(ctx, errors.New("unexpected EOF")) || !m.Down() {
		t.Error("a failure while the store is down is not unavailability")
	}
	var nilMonitor *health.Monitor
	if nilMonitor.Unavailable(ctx, errors.New("x")) || nilMonitor.Down() {
		t.Error("a nil monitor says the store is down")
	}
}

// pgError is shaped like pgx's *pgconn.PgError.
type pgError struct{ code string }

func (e *pgError) Error() string    { return "ERROR (SQLSTATE " + e.code + ")" }
func (e *pgError) SQLState() string { return e.code }

func TestConnectionError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"AdminShutdown", fmt.Errorf("find article: %w", &pgError{"57P01"}), true},
		{"CannotConnectNow", &pgError{"57P03"}, true},
		{"ConnectionFailure", &pgError{"08006"}, true},
		{"TooManyConnections", &pgError{"53300"}, true},
		{"UniqueViolation", &pgError{"23505"}, false},
		{"Refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{"UnexpectedEOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"BadConn", driver.ErrBadConn, true},
		{"NotFound", errors.New("no rows in result set"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := health.ConnectionError(tc.err); got != tc.want {
				t.Errorf("ConnectionError(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
	// A connection error is unavailability even while a probe passes (the
	// server cuts connections one by one as it shuts down).
	m := newMonitor(&fakeStore{})
	if !m.Unavailable(context.Background(), &pgError{"57P01"}) {
		t.Error("a cut connection is not unavailability")
	}
}

func TestGate(t *testing.T) {
	f := &fakeStore{}
	m := newMonitor(f)
	m.ReadTimeout = time.Second
	var sawDeadline atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /page/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, ok := r.Context().Deadline()
		sawDeadline.Store(ok)
		w.Write([]byte("page"))
	})
	mux.HandleFunc("POST /comments", func(w http.ResponseWriter, r *http.Request) {
		_, ok := r.Context().Deadline()
		sawDeadline.Store(ok)
		w.Write([]byte("posted"))
	})
	mux.HandleFunc("GET /static/{name}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("css")) })
	offline := func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/static/") }
	h := m.Gate(mux, offline)

	serve := func(method, path string, header http.Header) (*httptest.ResponseRecorder, *http.Request) {
		r := httptest.NewRequest(method, path, nil)
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w, r
	}

	t.Run("UpReadsGetADeadline", func(t *testing.T) {
		w, r := serve("GET", "/page/1", nil)
		if w.Code != 200 || !sawDeadline.Load() {
			t.Errorf("status %d, deadline %v", w.Code, sawDeadline.Load())
		}
		if r.Pattern != "GET /page/{id}" {
			t.Errorf("route %q did not reach the caller", r.Pattern)
		}
	})
	t.Run("UpWritesGetNone", func(t *testing.T) {
		w, _ := serve("POST", "/comments", nil)
		if w.Code != 200 || sawDeadline.Load() {
			t.Errorf("status %d, deadline %v", w.Code, sawDeadline.Load())
		}
	})

	f.down.Store(true)
	time.Sleep(600 * time.Millisecond)
	m.Check(context.Background())
	for _, tc := range []struct {
		name, method, path string
		header             http.Header
		wantStatus         int
		wantType, wantBody string
	}{
		{"DownPage", "GET", "/page/1", nil, 503, "text/html", "Back in a moment"},
		{"DownPost", "POST", "/comments", nil, 503, "text/html", "was not saved"},
		{"DownStatic", "GET", "/static/site.css", nil, 200, "", "css"},
		{"DownAPI", "GET", "/wp-json/wp/v2/posts", nil, 503, "application/json", `"status":503`},
		{"DownJSONClient", "GET", "/page/1", http.Header{"Accept": {"application/json"}}, 503, "application/json", `"code":"service_unavailable"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := serve(tc.method, tc.path, tc.header)
			if w.Code != tc.wantStatus || !strings.Contains(w.Body.String(), tc.wantBody) || !strings.HasPrefix(w.Header().Get("Content-Type"), tc.wantType) {
				t.Errorf("%s %s = %d %q %q", tc.method, tc.path, w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			if tc.wantStatus == 503 && (w.Header().Get("Retry-After") != "5" || w.Header().Get("Cache-Control") != "no-store") {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
}

func TestRunRecovers(t *testing.T) {
	f := &fakeStore{}
	f.down.Store(true)
	m := newMonitor(f)
	var ups atomic.Int32
	m.OnUp = func() { ups.Add(1) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx, 50*time.Millisecond)
	waitFor(t, "down", func() bool { return m.Down() })
	f.down.Store(false)
	waitFor(t, "up", func() bool { return !m.Down() })
	if ups.Load() != 1 {
		t.Errorf("OnUp ran %d times, want 1", ups.Load())
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not %s after 5s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
