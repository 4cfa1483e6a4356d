package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"testing"
	"time"

	"communique"
	"communique/storetest"
	"communique/web"
)

// BenchmarkFeedCached serves a 50-item feed from the document cache, in
// process, and reports latency percentiles, beside a handler writing the
// same bytes (the p50 ratio to it is p50-x-static):
// go test ./web -run '^$' -bench FeedCached
func BenchmarkFeedCached(b *testing.B) {
	db := storetest.SQLite.Fresh(b, atFixedNow).Open(b)
	MustSet(b, db, "feed_items", "50")
	u := storetest.MustCreateUser(b, db, "ada", communique.RoleEditor)
	for i := 0; i < 60; i++ {
		a := &communique.Article{Title: "Story number " + strconv.Itoa(i), AuthorID: u.ID, Status: communique.StatusPublished,
			PublishedAt: fixedNow.Add(-time.Duration(i) * time.Hour), Source: "The **harbour** froze at midnight.\n\nA second paragraph, longer than the first one, as paragraphs go."}
		MustCreate(b, db, a, nil, nil)
	}
	srv, err := web.NewServer(context.Background(), web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	srv.Now = func() time.Time { return fixedNow }
	site := srv.Handler()
	// The reference, measured in the same run: a handler writing the same
	// feed bytes with the same content type and nothing else.
	fill := httptest.NewRecorder()
	site.ServeHTTP(fill, httptest.NewRequest(http.MethodGet, "http://news.example.com/feed/", nil))
	feedBytes, feedType := fill.Body.Bytes(), fill.Header().Get("Content-Type")
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", feedType)
		w.Header().Set("Content-Length", strconv.Itoa(len(feedBytes)))
		w.Write(feedBytes)
	})
	var staticP50 float64
	for _, tc := range []struct {
		name   string
		h      http.Handler
		header http.Header
		want   int
	}{
		{"static", static, nil, http.StatusOK},
		{"200", site, nil, http.StatusOK},
		{"304", site, nil, http.StatusNotModified}, // If-None-Match set below
	} {
		h := tc.h
		b.Run(tc.name, func(b *testing.B) {
			get := func(header http.Header) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, "http://news.example.com/feed/", nil)
				for k, v := range header {
					req.Header[k] = v
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			first := get(nil) // fills the cache
			if first.Code != http.StatusOK {
				b.Fatalf("status %d", first.Code)
			}
			header := tc.header
			if tc.want == http.StatusNotModified {
				header = http.Header{"If-None-Match": {first.Header().Get("ETag")}}
			}
			durations := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				rec := get(header)
				durations = append(durations, time.Since(t0))
				if rec.Code != tc.want {
					b.Fatalf("status %d, want %d", rec.Code, tc.want)
				}
			}
			b.StopTimer()
			sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
			pct := func(p float64) float64 {
				return float64(durations[min(len(durations)-1, int(float64(len(durations))*p))].Nanoseconds()) / 1e6
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(first.Body.Len()), "bytes")
			if tc.name == "static" {
				staticP50 = pct(0.50)
			} else if staticP50 > 0 {
				b.ReportMetric(pct(0.50)/staticP50, "p50-x-static")
			}
		})
	}
}
