package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"communique/storetest"
)

// While every search slot is taken, a search waits a moment and then
// gets a "busy" page with Retry-After and its query still in the form;
// once a slot frees, searching works again.
func TestSearchBusy(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite.Open(t)
	srv, err := NewServer(ctx, Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv.searchWait = 50 * time.Millisecond
	for range cap(srv.searchSlots) {
		srv.searchSlots <- struct{}{}
	}
	h := srv.Handler()
	get := func() *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/search?q=harbour+bridge", nil))
		return rec
	}
	busy := get()
	if busy.Code != http.StatusServiceUnavailable || busy.Header().Get("Retry-After") == "" {
		t.Fatalf("with every slot taken: status %d, Retry-After %q; want 503 with Retry-After", busy.Code, busy.Header().Get("Retry-After"))
	}
	if body := busy.Body.String(); !strings.Contains(body, "Search is busy") || !strings.Contains(body, `value="harbour bridge"`) {
		t.Errorf("the busy page must say so and keep the query in the form:\n%s", body)
	}
	<-srv.searchSlots
	if ok := get(); ok.Code != http.StatusOK {
		t.Errorf("with a slot free: status %d, want 200", ok.Code)
	}
}
