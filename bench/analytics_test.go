package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"communique"
	"communique/analytics"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
)

// BenchmarkAnalytics measures what counting readers costs, in process:
//
//   - CachedArticle: requests per second and CPU time per request for a
//     cached article with counting off and on, five pairs of rounds back
//     to back in the same run (the medians of each mode are compared, and
//     the median of the pairs' ratios); every request of the "on"
//     runs is recorded and folded, inline, by the request that fills the
//     buffer (serve folds on another goroutine, so this is the worst case);
//
//   - Flush: the time to fold and write ten seconds of traffic at 1,000
//     page views per second (400 articles, 4,000 readers, referrers and
//     campaigns), on SQLite and, with COMMUNIQUE_TEST_POSTGRES, PostgreSQL.
//
//     go test ./bench -run '^$' -bench Analytics -benchtime 3s
func BenchmarkAnalytics(b *testing.B) {
	b.Run("CachedArticle", benchCachedArticle)
	for _, kind := range storetest.Kinds {
		if kind == storetest.PostgreSQL && os.Getenv("COMMUNIQUE_TEST_POSTGRES") == "" {
			continue
		}
		b.Run("Flush/"+string(kind), func(b *testing.B) { benchFlush(b, kind.Open(b)) })
	}
}

func benchCachedArticle(b *testing.B) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	art := storetest.MustCreateArticle(b, db, author, "A story of moderate length", "Some *text* for the story.\n\nAnd a second paragraph.")
	path := communique.ArticlePath(art, communique.ParseSettings(nil), nil)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	servers := map[string]http.Handler{}
	for _, mode := range []string{"off", "on"} {
		cfg := web.Config{Store: db, Logger: logger, PageCacheBytes: 8 << 20}
		if mode == "on" {
			cfg.Analytics = analytics.New(db, logger)
		}
		srv, err := web.NewServer(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		servers[mode] = srv.Handler()
	}
	// A thousand readers, each its own address and browser version.
	reqs := make([]*http.Request, 1000)
	for i := range reqs {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.RemoteAddr = fmt.Sprintf("198.51.%d.%d:40000", i/250, i%250)
		r.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 100+i%40, 100+i%40))
		r.Header.Set("Accept-Encoding", "gzip, br")
		if i%3 == 0 {
			r.Header.Set("Referer", "https://www.google.com/")
		}
		reqs[i] = r
	}
	last := map[string]float64{} // each round's rate at its final b.N
	cpu := map[string]float64{}  // and its CPU time per request, µs
	// Pairs of rounds, back to back, the first of each pair alternately
	// off and on, so that a neighbour's load that rises or falls over
	// the run weighs on both modes alike.
	var rounds []string
	for i := range 5 {
		off, on := fmt.Sprintf("off-%d", i+1), fmt.Sprintf("on-%d", i+1)
		if i%2 == 0 {
			rounds = append(rounds, off, on)
		} else {
			rounds = append(rounds, on, off)
		}
	}
	for _, round := range rounds {
		mode := "on"
		if round[1] == 'f' {
			mode = "off"
		}
		h := servers[mode]
		b.Run(round, func(b *testing.B) {
			var next atomic.Int64
			start, cpu0 := time.Now(), cpuTime()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r := reqs[next.Add(1)%int64(len(reqs))]
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
			rate := float64(b.N) / time.Since(start).Seconds()
			perReq := float64((cpuTime() - cpu0).Microseconds()) / float64(b.N)
			b.ReportMetric(rate, "req/s")
			b.ReportMetric(perReq, "cpu-µs/req")
			last[round], cpu[round] = rate, perReq
		})
	}
	// The median of each mode's rounds: one round that a neighbour's
	// burst slowed says little.
	rates, cpus := map[string][]float64{}, map[string][]float64{}
	for _, round := range rounds {
		mode := round[:strings.IndexByte(round, '-')]
		rates[mode] = append(rates[mode], last[round])
		cpus[mode] = append(cpus[mode], cpu[round])
	}
	// And the median of the pairs' ratios: the two rounds of a pair ran
	// under the same neighbours, so their ratio is steadier than the
	// ratio of the medians.
	var paired, pairedCPU []float64
	for i := range 5 {
		off, on := fmt.Sprintf("off-%d", i+1), fmt.Sprintf("on-%d", i+1)
		if last[off] > 0 && last[on] > 0 {
			paired = append(paired, last[on]/last[off])
			pairedCPU = append(pairedCPU, cpu[on]/cpu[off])
		}
	}
	if len(rates["off"]) > 0 && len(paired) > 0 {
		off, on, cOff, cOn := median(rates["off"]), median(rates["on"]), median(cpus["off"]), median(cpus["on"])
		fmt.Printf("cached article, in process, medians of 5 interleaved rounds: counting off %.0f req/s, on %.0f req/s: %.3f ×; CPU per request off %.1f µs, on %.1f µs: %+.1f%%\n",
			off, on, on/off, cOff, cOn, 100*(cOn/cOff-1))
		fmt.Printf("cached article, medians of the 5 pairs' ratios (on/off, rounds back to back): req/s %.3f ×, CPU per request %+.1f%%\n",
			median(paired), 100*(median(pairedCPU)-1))
	}
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
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

// benchFlush folds and writes ten seconds of traffic at 1,000 views/s.
func benchFlush(b *testing.B, db *sqlstore.DB) {
	const seconds, perSecond = 10, 1000
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	art := storetest.MustCreateArticle(b, db, author, "Story", "Text.")
	counter := analytics.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	start := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var at atomic.Int64
	counter.Now = func() time.Time { return start.Add(time.Duration(at.Load())) }
	rng := rand.New(rand.NewPCG(1, 2))
	var record, flush time.Duration
	type view struct {
		r  *http.Request
		at time.Duration
		id int64
	}
	for i := range b.N {
		b.StopTimer()
		views := make([]view, 0, seconds*perSecond)
		for v := range seconds * perSecond {
			reader := rng.IntN(4000)
			story := rng.IntN(400)
			r := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/2026/12/07/story-%d/", story), nil)
			r.RemoteAddr = fmt.Sprintf("198.51.%d.%d:40000", reader/250, reader%250)
			r.Header.Set("User-Agent", fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 100+reader%40, 100+reader%40))
			switch reader % 10 {
			case 0, 1, 2:
				r.Header.Set("Referer", fmt.Sprintf("https://site-%d.example/", reader%50))
			case 3:
				r.URL.RawQuery = fmt.Sprintf("utm_campaign=c%d&utm_source=newsletter", reader%5)
			}
			views = append(views, view{r, time.Duration(i*seconds)*time.Second + time.Duration(v)*time.Second/perSecond, art.ID + int64(story)})
		}
		b.StartTimer()
		t0 := time.Now()
		for _, v := range views {
			at.Store(int64(v.at))
			counter.Count(v.r, http.StatusOK, communique.PageArticle, v.id)
		}
		t1 := time.Now()
		if err := counter.Flush(context.Background()); err != nil {
			b.Fatal(err)
		}
		record, flush = record+t1.Sub(t0), flush+time.Since(t1)
	}
	per, hot := flush/time.Duration(b.N), record/time.Duration(b.N)
	b.ReportMetric(float64(per.Microseconds())/1000, "ms/flush")
	fmt.Printf("10 s at %d views/s on %s: recording %v, then fold and write %v (wall time): %.1f%% of the interval\n", perSecond, db.Dialect(),
		hot.Round(time.Millisecond), per.Round(time.Millisecond), 100*(per+hot).Seconds()/seconds)
}
