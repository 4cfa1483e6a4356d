package recovery_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"communique/internal/recovery"
)

func TestHandler(t *testing.T) {
	var log bytes.Buffer
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := recovery.Handler(boom, slog.New(slog.NewTextHandler(&log, nil)), "site", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sorry", http.StatusInternalServerError)
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "sorry") {
		t.Errorf("after a panic: %d %q, want the fail page", rec.Code, rec.Body.String())
	}
	if l := log.String(); !strings.Contains(l, "boom") || !strings.Contains(l, "in=site") || !strings.Contains(l, "path=/x") {
		t.Errorf("log %q: want the panic, where and the path", l)
	}

	abort := recovery.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }),
		slog.New(slog.NewTextHandler(&log, nil)), "site", func(http.ResponseWriter, *http.Request) { t.Error("ErrAbortHandler must not be answered") })
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler passed on", v)
		}
	}()
	abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}
