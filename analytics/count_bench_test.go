package analytics_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"communique"
	"communique/analytics"
	"communique/storetest"
)

// BenchmarkCount is what counting costs one request, recording and
// folding together (the request that fills the buffer folds it): the
// traffic of the cached-article benchmark in ./bench, a thousand readers,
// a third of them from a search engine.
//
//	go test ./analytics -run '^$' -bench Count -benchmem
func BenchmarkCount(b *testing.B) {
	db := storetest.SQLite.Open(b)
	counter := analytics.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		r := httptest.NewRequest(http.MethodGet, "/2026/12/07/a-story-of-moderate-length/", nil)
		r.RemoteAddr = fmt.Sprintf("198.51.%d.%d:40000", i/250, i%250)
		r.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 100+i%40, 100+i%40))
		if i%3 == 0 {
			r.Header.Set("Referer", "https://www.google.com/")
		}
		reqs[i] = r
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := reqs[next.Add(1)%int64(len(reqs))]
			if counter.Wants(r) {
				counter.Count(r, http.StatusOK, communique.PageArticle, 1)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	if err := counter.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// cpuTime is the CPU time the process has used, user and system: less
// swayed than wall time by what else the machine runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
