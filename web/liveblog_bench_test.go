package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"communique"
	articles "communique/newsroom"
	"communique/storetest"
	"communique/web"
)

// BenchmarkLiveBlog renders a live blog of 500 entries (a tenth of them
// key events) with the page cache off and on, and in the same run the
// same article without entries, as the reference, interleaved: live_ns/op
// and plain_ns/op are each one's time per page, x_plain their ratio.
//
//	go test ./web -run '^$' -bench BenchmarkLiveBlog -benchtime 200x
func BenchmarkLiveBlog(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	ed := storetest.MustCreateUser(b, db, "desk", communique.RoleEditor)
	svc, by := articles.New(db), articles.As(ed)
	plain := storetest.MustCreateArticle(b, db, ed, "Storm: the day in review", "Follow the storm as it happens.")
	live := storetest.MustCreateArticle(b, db, ed, "Storm: live", "Follow the storm as it happens.")
	if _, err := svc.StartLiveBlog(ctx, by, live.ID); err != nil {
		b.Fatal(err)
	}
	for i := range 500 {
		e := &communique.LiveEntry{ArticleID: live.ID, KeyEvent: i%10 == 0,
			Source: fmt.Sprintf("Update %d: winds of **%d km/h** at the pier; the [coastguard](https://example.org/cg) reports all boats in harbour.", i, 60+i%50)}
		if err := svc.AddLiveEntry(ctx, by, e); err != nil {
			b.Fatal(err)
		}
	}
	st := communique.ParseSettings(nil)
	paths := map[string]string{"plain": communique.ArticlePath(plain, st, nil), "live": communique.ArticlePath(live, st, nil)}
	for _, cache := range []int{0, 32 << 20} {
		b.Run(fmt.Sprintf("cache=%v", cache > 0), func(b *testing.B) {
			srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PageCacheBytes: cache})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			size := map[string]int{}
			once := func(name string) time.Duration {
				req := httptest.NewRequest(http.MethodGet, paths[name], nil)
				req.Header.Set("Accept-Encoding", "gzip, br") // as browsers ask
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				d := time.Since(start)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", name, rec.Code)
				}
				size[name] = rec.Body.Len()
				return d
			}
			for range 3 { // warm both (and fill the cache when on)
				once("plain")
				once("live")
			}
			// Interleaved, so a busy machine slows both alike.
			var ref, got time.Duration
			b.ResetTimer()
			for range b.N {
				ref += once("plain")
				got += once("live")
			}
			b.StopTimer()
			b.ReportMetric(float64(got.Nanoseconds())/float64(b.N), "live_ns/op")
			b.ReportMetric(float64(got)/float64(ref), "x_plain")
			b.ReportMetric(float64(ref.Nanoseconds())/float64(b.N), "plain_ns/op")
			b.ReportMetric(float64(size["live"])/1024, "live_KB_sent")
		})
	}
}
