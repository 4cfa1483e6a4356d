package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/newsroom"
	"communique/notify"
	"communique/sqlstore"
	"communique/storetest"
	"communique/web"
	"communique/wordpress"
)

// BenchmarkCommentWrites posts comments at a steady 100/s through the
// whole site (form, rules, store, notifications to the article's author)
// on loopback while readers load the article at a steady rate, with the
// comments committed in groups (the Writer, messages in the comment's
// transaction) and, as the reference in the same run, one by one as
// before (a commit for the comment, another for its outbox message).
// Rounds alternate; latencies are pooled per way. On SQLite always and
// on PostgreSQL with COMMUNIQUE_TEST_POSTGRES.
//
//	go test ./bench -run '^$' -bench CommentWrites -benchtime 1x
//
// COMMUNIQUE_BENCH_SECONDS (default 5) is each round's length,
// COMMUNIQUE_BENCH_READ_RATE (default 1000) the readers' rate.
func BenchmarkCommentWrites(b *testing.B) {
	for _, kind := range storetest.Kinds {
		if kind == storetest.PostgreSQL && os.Getenv("COMMUNIQUE_TEST_POSTGRES") == "" {
			continue
		}
		b.Run(string(kind), func(b *testing.B) { benchCommentWrites(b, kind.Open(b)) })
	}
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func benchCommentWrites(b *testing.B, db *sqlstore.DB) {
	ctx := context.Background()
	round := time.Duration(envInt("COMMUNIQUE_BENCH_SECONDS", 5)) * time.Second
	readRate, postRate := envInt("COMMUNIQUE_BENCH_READ_RATE", 1000), 100
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_previously_approved": "false", "comment_max_links": "100"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			b.Fatal(err)
		}
	}
	author := storetest.MustCreateUser(b, db, "bench", communique.RoleAuthor)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	notifier, err := notify.New(ctx, db, logger)
	if err != nil {
		b.Fatal(err)
	}
	groups := &timedGroups{DB: db}
	type way struct {
		name       string
		base, path string
		token      string
		articleID  int64
		lat        []time.Duration
		acked      int
	}
	var ways []*way
	for _, name := range []string{"one by one (reference)", "in groups"} {
		a := storetest.MustCreateArticle(b, db, author, "Hot story "+name, "Body of a story many people comment on.")
		talk := discussion.New(db, avatar.New([]byte("bench avatar key")), formtoken.NewSigner([]byte("bench token key")))
		talk.Notify, talk.Logger = notifier, logger
		if name == "one by one (reference)" {
			talk.Writer = nil
		} else {
			talk.Writer = &discussion.Writer{Store: groups}
		}
		srv, err := web.NewServer(ctx, web.Config{Store: db, Logger: logger, PageCacheBytes: 8 << 20, Notify: notifier, Discussion: talk})
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		b.Cleanup(ts.Close)
		w := &way{name: name, base: ts.URL, path: communique.ArticlePath(a, communique.ParseSettings(nil), nil), articleID: a.ID}
		page, err := fetch(w.base + w.path)
		if err != nil {
			b.Fatal(err)
		}
		m := regexp.MustCompile(`name="comment_token" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			b.Fatal("no form token")
		}
		w.token = m[1]
		ways = append(ways, w)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for r := 0; r < 3; r++ {
			for _, w := range ways {
				var mu sync.Mutex
				var wg sync.WaitGroup
				stop := time.Now().Add(round)
				pace(&wg, readRate, stop, func() {
					if res, err := client.Get(w.base + w.path); err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				})
				pace(&wg, postRate, stop, func() {
					mu.Lock()
					n++
					text := fmt.Sprintf("Benchmark comment %d: the bridge reopening is good news.", n)
					mu.Unlock()
					form := url.Values{"comment_post_ID": {strconv.FormatInt(w.articleID, 10)}, "comment_token": {w.token},
						"author": {"Load Tester"}, "email": {"load" + strconv.Itoa(n) + "@example.org"}, "comment": {text}}
					t0 := time.Now()
					res, err := client.Post(w.base+"/comments", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
					el := time.Since(t0)
					ok := err == nil && res.StatusCode == http.StatusSeeOther
					if err == nil {
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
					mu.Lock()
					w.lat = append(w.lat, el)
					if ok {
						w.acked++
					}
					mu.Unlock()
				})
				wg.Wait()
			}
		}
	}
	b.StopTimer()
	for _, w := range ways {
		a, err := db.FindArticleByID(ctx, w.articleID)
		if err != nil {
			b.Fatal(err)
		}
		// A POST the client gave up on may still stand; an acknowledged
		// one must.
		if a.CommentCount < w.acked {
			b.Errorf("%s: %d comments acknowledged, only %d on the article", w.name, w.acked, a.CommentCount)
		}
	}
	ref, grp := ways[0], ways[1]
	rp50, rp99, gp50, gp99 := percentile(ref.lat, .5), percentile(ref.lat, .99), percentile(grp.lat, .5), percentile(grp.lat, .99)
	b.ReportMetric(gp50, "p50-ms")
	b.ReportMetric(gp99, "p99-ms")
	b.ReportMetric(rp50, "ref-p50-ms")
	b.ReportMetric(rp99, "ref-p99-ms")
	fmt.Printf("%s, %d POSTs/s beside %d reads/s, 3 rounds of %s each way:\n", db.Dialect(), postRate, readRate, round)
	for _, w := range ways {
		fmt.Printf("  %-24s %5d POSTs  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  %d not acknowledged\n", w.name, len(w.lat),
			percentile(w.lat, .5), percentile(w.lat, .95), percentile(w.lat, .99), len(w.lat)-w.acked)
	}
	fmt.Printf("  %d groups of %.1f comments on average, largest %d; a group's commit p50 %.2f ms, p99 %.2f ms\n",
		len(groups.took), float64(groups.comments)/float64(max(len(groups.took), 1)), groups.largest, percentile(groups.took, .5), percentile(groups.took, .99))
	fmt.Printf("  in groups / one by one: p50 %.2f ×, p99 %.2f ×\n", gp50/max(rp50, 0.001), gp99/max(rp99, 0.001))
}

// pace calls fn rate times a second, each call on its own goroutine so a
// slow answer delays no later request, until stop.
func pace(wg *sync.WaitGroup, rate int, stop time.Time, fn func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for now := range tick.C {
			if now.After(stop) {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); fn() }()
		}
	}()
}

// timedGroups is the store, timing each group's transaction.
type timedGroups struct {
	*sqlstore.DB
	mu                sync.Mutex
	took              []time.Duration
	comments, largest int
}

func (g *timedGroups) CreateComments(ctx context.Context, ws []communique.CommentWrite) error {
	t0 := time.Now()
	err := g.DB.CreateComments(ctx, ws)
	g.mu.Lock()
	g.took = append(g.took, time.Since(t0))
	g.comments += len(ws)
	g.largest = max(g.largest, len(ws))
	g.mu.Unlock()
	return err
}

// BenchmarkImport imports the harness's generated export in process on
// SQLite, twice: articles alone, then the same articles with their
// comments, so each kind's cost is its own (the comments' is the
// difference). It prints articles and comments per second, what that
// rate would take for 1,000,000 articles and 10,000,000 comments (an
// extrapolation, labelled so), and the peak heap, sampled throughout.
//
//	COMMUNIQUE_BENCH_ARTICLES=100000 COMMUNIQUE_BENCH_COMMENTS=1000000 go test ./bench -run '^$' -bench Import -benchtime 1x -timeout 60m
func BenchmarkImport(b *testing.B) {
	articles := envInt("COMMUNIQUE_BENCH_ARTICLES", 5000)
	comments := envInt("COMMUNIQUE_BENCH_COMMENTS", 10*articles)
	dir := b.TempDir()
	type run struct {
		name     string
		comments int
		took     time.Duration
		cpu      time.Duration
		peak     uint64
	}
	runs := []*run{{name: "articles alone"}, {name: "articles and comments", comments: comments}}
	for i := 0; i < b.N; i++ {
		for _, r := range runs {
			path := filepath.Join(dir, fmt.Sprintf("site-%d.xml", r.comments))
			if err := writeWXR(path, articles, max(r.comments, 50)); err != nil {
				b.Fatal(err)
			}
			r.took, r.cpu, r.peak = importFile(b, path)
			os.Remove(path)
		}
	}
	a, c := runs[0], runs[1]
	perArticle := a.took.Seconds() / float64(articles)
	perComment := max(c.took.Seconds()-a.took.Seconds(), 0) / float64(comments)
	b.ReportMetric(1/perArticle, "articles/s")
	b.ReportMetric(1/max(perComment, 1e-9), "comments/s")
	b.ReportMetric(float64(max(a.peak, c.peak))/(1<<20), "peak-heap-MiB")
	fmt.Printf("import of %d articles: %s (%.3f ms per article, %.0f/s); with %d comments: %s (%.1f µs per comment, %.0f/s)\n",
		articles, a.took.Round(time.Millisecond), perArticle*1000, 1/perArticle, comments, c.took.Round(time.Millisecond), perComment*1e6, 1/max(perComment, 1e-9))
	cpuArticle := a.cpu.Seconds() / float64(articles)
	cpuComment := max(c.cpu.Seconds()-a.cpu.Seconds(), 0) / float64(comments)
	fmt.Printf("CPU time (the process's, less noisy on a shared machine): %.3f ms per article, %.1f µs per comment; extrapolated (not measured): 1,000,000 articles %s, 10,000,000 comments %s of CPU\n",
		cpuArticle*1000, cpuComment*1e6, (time.Duration(cpuArticle*1e6) * time.Second).Round(time.Second), (time.Duration(cpuComment*1e7) * time.Second).Round(time.Second))
	b.ReportMetric(cpuArticle*1000, "cpu-ms/article")
	fmt.Printf("peak heap %.1f MiB alone, %.1f MiB with comments; extrapolated at these rates (not measured): 1,000,000 articles %s, 10,000,000 comments %s\n",
		float64(a.peak)/(1<<20), float64(c.peak)/(1<<20), (time.Duration(perArticle*1e6) * time.Second).Round(time.Second), (time.Duration(perComment*1e7) * time.Second).Round(time.Second))
}

// importFile imports an export into a new SQLite store, as `import
// wordpress` does, and returns the time it took, the process's CPU time
// meanwhile and the peak heap.
func importFile(b *testing.B, path string) (time.Duration, time.Duration, uint64) {
	ctx := context.Background()
	db := storetest.SQLite.Open(b)
	defer db.Close()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	avatars := avatar.New([]byte("bench avatar key"))
	talk := discussion.New(db, avatars, formtoken.NewSigner([]byte("bench token key")))
	im := &wordpress.Importer{Store: db, Articles: newsroom.New(db), Comments: talk, Avatar: avatars.Hash}
	start, cpu0 := time.Now(), cpuTime()
	if _, err := im.Import(ctx, f); err != nil {
		b.Fatal(err)
	}
	took, cpu := time.Since(start), cpuTime()-cpu0
	close(stop)
	<-sampled
	return took, cpu, peak.Load()
}
