package main

// The read path's rows (issue 18): an article page served from the page
// cache, and rendered afresh with 50 and with 2,000 comments, beside a
// Go static server of the same bytes measured in the same run; and, on
// request, CPU and allocation profiles of the uncached article and of the
// comment POST. The site is built in this process on SQLite and served on
// loopback, so the store's own counter says how many statements a page
// view costs.

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"communique"
	"communique/newsroom"
	"communique/sqlite"
	"communique/sqlstore"
	"communique/web"
)

var (
	readOnly   = flag.Bool("read", false, "measure only the read path's rows (a site built in process, no import), then stop")
	profileDir = flag.String("profile", "", "save CPU and allocation profiles of the uncached article and the comment POST in this folder")
)

// readSite is the in-process site of the read rows.
type readSite struct {
	db        *sqlstore.DB
	dir       string
	hot, big  *communique.Article
	hotPath   string
	bigPath   string
	bigPages  int
	cached    *web.Server
	uncached  *web.Server
	listeners []net.Listener
}

// runRead measures the read rows and, with -profile, writes the profiles.
func runRead(c config) error {
	wrk, err := ensureWrk()
	if err != nil {
		return err
	}
	rs, err := buildReadSite()
	if err != nil {
		return err
	}
	defer rs.close()
	rows, targets, err := rs.load(wrk, c)
	if err != nil {
		return err
	}
	cpu, perView, err := rs.cpuPerView()
	if err != nil {
		return err
	}
	// The 2,000-comment pages against the 50-comment one by CPU per view:
	// wrk's rates on a shared machine swing more than the target's 2 ×.
	for i, name := range []string{"page 1", "last page"} {
		r := float64(perView[i+1]) / float64(perView[0])
		targets = append(targets, Target{fmt.Sprintf("2,000 comments, %s: ≤ 2 × the 50-comment page's CPU per view", name),
			fmt.Sprintf("%.2f × (%v against %v)", r, perView[i+1].Round(time.Microsecond), perView[0].Round(time.Microsecond)), r <= 2})
	}
	md := readMarkdown(rows, targets, c) + cpu
	if *profileDir != "" {
		prof, err := rs.profile(*profileDir)
		if err != nil {
			return err
		}
		md += prof
	}
	fmt.Print(md)
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	name := filepath.Join(c.out, time.Now().UTC().Format("2006-01-02T150405Z")+"-read.md")
	log.Printf("read rows written to %s", name)
	return os.WriteFile(name, []byte(md), 0o644)
}

// buildReadSite makes 400 articles on a fresh SQLite store: the hot one
// with 50 comments and a big one with 2,000, every fourth a reply, as the
// harness's generated export has them.
func buildReadSite() (*readSite, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "communique-read-")
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	rs := &readSite{db: db, dir: dir}
	for k, v := range map[string]string{"comment_min_seconds": "0", "comment_flood_seconds": "0", "comment_previously_approved": "false", "comment_max_links": "100"} {
		if err := db.SetSetting(ctx, k, v); err != nil {
			return nil, err
		}
	}
	author := &communique.User{Login: "editor", Email: "editor@example.org", Role: communique.RoleEditor, DisplayName: "The Editor"}
	if err := db.CreateUser(ctx, author); err != nil {
		return nil, err
	}
	cat := &communique.Term{Taxonomy: communique.TaxonomyCategory, Name: "World", Slug: "world"}
	if err := db.CreateTerm(ctx, cat); err != nil {
		return nil, err
	}
	log.Printf("read rows: building a site of 400 articles, 2,050 comments")
	svc := newsroom.New(db)
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var body strings.Builder
	for p := 0; p < 6; p++ {
		fmt.Fprintf(&body, "%s and so the story goes.\n\n", strings.Repeat(words[p%len(words)]+" ", 40))
	}
	for i := 0; i < 400; i++ {
		a := &communique.Article{Title: fmt.Sprintf("Story %d about the %s", i, words[i%len(words)]), Source: body.String(), AuthorID: author.ID,
			Status: communique.StatusPublished, CommentsOpen: true, PublishedAt: start.Add(time.Duration(i) * time.Hour)}
		if err := svc.Create(ctx, newsroom.System, a, []int64{cat.ID}, nil); err != nil {
			return nil, err
		}
		switch i {
		case 200:
			rs.hot = a
		case 300:
			rs.big = a
		}
	}
	for _, x := range []struct {
		a *communique.Article
		n int
	}{{rs.hot, 50}, {rs.big, 2000}} {
		if err := addComments(ctx, db, x.a, x.n); err != nil {
			return nil, err
		}
	}
	st := communique.ParseSettings(nil)
	rs.hotPath, rs.bigPath = communique.ArticlePath(rs.hot, st, nil), communique.ArticlePath(rs.big, st, nil)
	roots := 2000 - 2000/4
	rs.bigPages = (roots + st.CommentsPerPage - 1) / st.CommentsPerPage
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if rs.cached, err = web.NewServer(ctx, web.Config{Store: db, Logger: quiet, PageCacheBytes: 16 << 20}); err != nil {
		return nil, err
	}
	if rs.uncached, err = web.NewServer(ctx, web.Config{Store: db, Logger: quiet}); err != nil {
		return nil, err
	}
	return rs, nil
}

// addComments adds n approved comments, every fourth a reply to the one
// before it.
func addComments(ctx context.Context, db *sqlstore.DB, a *communique.Article, n int) error {
	var last int64
	for i := 0; i < n; i++ {
		c := &communique.Comment{ArticleID: a.ID, AuthorName: fmt.Sprint("Reader ", i), AuthorEmail: fmt.Sprintf("r%d@example.org", i),
			Text: "The bridge reopening is good news for the harbour.", HTML: "<p>The bridge reopening is good news for the <em>harbour</em>.</p>",
			Status: communique.CommentApproved, CreatedAt: a.PublishedAt.Add(time.Duration(i) * time.Minute)}
		if i%4 == 3 {
			c.ParentID = last
		}
		if err := db.CreateComment(ctx, c); err != nil {
			return err
		}
		last = c.ID
	}
	return nil
}

func (rs *readSite) close() {
	for _, l := range rs.listeners {
		l.Close()
	}
	rs.db.Close()
	os.RemoveAll(rs.dir)
}

// serve puts h on a loopback port.
func (rs *readSite) serve(h http.Handler) (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	rs.listeners = append(rs.listeners, l)
	go http.Serve(l, h)
	return "http://" + l.Addr().String(), nil
}

// load drives each page with wrk and checks the targets.
func (rs *readSite) load(wrk string, c config) ([]Result, []Target, error) {
	cachedBase, err := rs.serve(rs.cached.Handler())
	if err != nil {
		return nil, nil, err
	}
	uncachedBase, err := rs.serve(rs.uncached.Handler())
	if err != nil {
		return nil, nil, err
	}
	hotBody, err := fetch(cachedBase + rs.hotPath)
	if err != nil {
		return nil, nil, err
	}
	if n := strings.Count(hotBody, `class="comment `); n != 50 {
		return nil, nil, fmt.Errorf("the hot article shows %d comments, want 50", n)
	}
	staticL, err := serveStatic([]byte(hotBody))
	if err != nil {
		return nil, nil, err
	}
	rs.listeners = append(rs.listeners, staticL)
	static := "http://" + staticL.Addr().String() + "/"
	lastPage := rs.bigPath + "comment-page-" + strconv.Itoa(rs.bigPages) + "/"
	// Each statement one page view costs, counted by the store itself.
	queries := map[string]int64{}
	for _, p := range []string{rs.hotPath, rs.bigPath, lastPage} {
		fetch(uncachedBase + p) // warm: the site snapshot, prepared statements
		before := rs.db.QueryCount()
		if _, err := fetch(uncachedBase + p); err != nil {
			return nil, nil, err
		}
		queries[p] = rs.db.QueryCount() - before
	}
	loads := []struct{ name, url string }{
		{"static reference (same article bytes)", static},
		{"article with 50 comments, cached", cachedBase + rs.hotPath},
		{"article with 50 comments, cache off", uncachedBase + rs.hotPath},
		{"article with 2,000 comments, page 1, cache off", uncachedBase + rs.bigPath},
		{fmt.Sprintf("article with 2,000 comments, last page (%d), cache off", rs.bigPages), uncachedBase + lastPage},
		{"static reference, again", static},
	}
	var rows []Result
	for _, l := range loads {
		fetch(l.url)
		res, err := runWrk(wrk, l.url, c)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", l.name, err)
		}
		res.Name = l.name
		rows = append(rows, res)
		log.Printf("%-52s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", res.Name, res.RPS, res.P50ms, res.P99ms, res.Errors)
	}
	saving, savingTarget, err := rs.editorsSaving(wrk, c, cachedBase)
	if err != nil {
		return nil, nil, err
	}
	ref := max(rows[0].RPS, rows[len(rows)-1].RPS)
	for i := range rows {
		rows[i].RatioStatic = rows[i].RPS / ref
	}
	cached, hot, big1, bigLast := rows[1], rows[2], rows[3], rows[4]
	errs := 0
	for _, r := range append(rows, saving...) {
		errs += r.Errors
	}
	targets := []Target{
		{"cached article with 50 comments ≥ 0.9 × static", fmt.Sprintf("%.2f ×", cached.RatioStatic), cached.RatioStatic >= 0.9},
		{"uncached article with 50 comments ≥ 0.25 × static", fmt.Sprintf("%.3f × (%.0f req/s)", hot.RatioStatic, hot.RPS), hot.RatioStatic >= 0.25},
		{"uncached article: ≤ 4 SQL round trips per page view", fmt.Sprintf("%d", queries[rs.hotPath]), queries[rs.hotPath] <= 4},
		{"2,000 comments, page 1 and last page: as many statements as 50", fmt.Sprintf("%d and %d (req/s %.2f × and %.2f × the 50-comment page's)",
			queries[rs.bigPath], queries[lastPage], big1.RPS/hot.RPS, bigLast.RPS/hot.RPS), queries[rs.bigPath] == queries[rs.hotPath] && queries[lastPage] == queries[rs.hotPath]},
		savingTarget,
		{"no errors", strconv.Itoa(errs), errs == 0},
	}
	return append(rows, saving...), targets, nil
}

func readMarkdown(rows []Result, targets []Target, c config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nRead path, %s, %s: 400 articles, %s per load, %d connections, in-process SQLite site on loopback.\n\n",
		time.Now().UTC().Format("2006-01-02"), machine(), c.duration, c.connections)
	b.WriteString("| load | req/s | p50 ms | p99 ms | errors | × static |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %d | %.3f |\n", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors, r.RatioStatic)
	}
	b.WriteString("\n| target | measured | met |\n|---|---|---|\n")
	for _, t := range targets {
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.Goal, t.Measured, met)
	}
	return b.String()
}

// cpuPerView renders each uncached page in process and reads the
// process's CPU time per view (getrusage), five interleaved rounds, the
// median kept: on a machine shared with other work the CPU a view costs
// is steadier than requests per second.
func (rs *readSite) cpuPerView() (string, []time.Duration, error) {
	h := rs.uncached.Handler()
	lastPage := rs.bigPath + "comment-page-" + strconv.Itoa(rs.bigPages) + "/"
	pages := []struct{ name, path string }{
		{"article with 50 comments", rs.hotPath},
		{"article with 2,000 comments, page 1", rs.bigPath},
		{fmt.Sprintf("article with 2,000 comments, last page (%d)", rs.bigPages), lastPage},
	}
	const n, rounds = 200, 5
	per := make([][]time.Duration, len(pages))
	for r := 0; r < rounds; r++ {
		for i, p := range pages {
			start := processCPU()
			for j := 0; j < n; j++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p.path, nil))
				if rec.Code != http.StatusOK {
					return "", nil, fmt.Errorf("%s: status %d", p.name, rec.Code)
				}
			}
			per[i] = append(per[i], (processCPU()-start)/n)
		}
	}
	var b strings.Builder
	b.WriteString("\nCPU per uncached view, in process (median of 5 interleaved rounds of 200):\n\n| page | CPU per view | × the 50-comment page |\n|---|---:|---:|\n")
	ref := medianDuration(per[0])
	var medians []time.Duration
	for i, p := range pages {
		m := medianDuration(per[i])
		medians = append(medians, m)
		fmt.Fprintf(&b, "| %s | %v | %.2f |\n", p.name, m.Round(time.Microsecond), float64(m)/float64(ref))
		log.Printf("CPU per view: %-48s %v", p.name, m.Round(time.Microsecond))
	}
	return b.String(), medians, nil
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func medianDuration(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// profile renders the uncached hot article and posts comments through the
// handler, in process, with the CPU profiler on, and saves an allocation
// profile of each; it returns the top costs of each profile.
func (rs *readSite) profile(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	h := rs.uncached.Handler()
	article := func(n int) error {
		for i := 0; i < n; i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, rs.hotPath, nil))
			if rec.Code != http.StatusOK {
				return fmt.Errorf("article: status %d", rec.Code)
			}
		}
		return nil
	}
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, rs.bigPath, nil))
	m := tokenPattern.FindStringSubmatch(page.Body.String())
	if m == nil {
		return "", errors.New("profile: no comment form token")
	}
	post := func(n int) error {
		for i := 0; i < n; i++ {
			form := url.Values{"comment_post_ID": {strconv.FormatInt(rs.big.ID, 10)}, "comment_token": {m[1]}, "author": {"Profiled Reader"},
				"email": {fmt.Sprintf("p%d@example.org", i)}, "comment": {fmt.Sprintf("Profiled comment %d on the bridge.", i)}}
			req := httptest.NewRequest(http.MethodPost, "/comments", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusSeeOther {
				return fmt.Errorf("comment POST: status %d", rec.Code)
			}
		}
		return nil
	}
	var out strings.Builder
	for _, p := range []struct {
		name string
		n    int
		run  func(int) error
	}{{"article-uncached", 2000, article}, {"comment-post", 500, post}} {
		if err := p.run(20); err != nil { // warm
			return "", err
		}
		base, err := writeAllocs(filepath.Join(dir, p.name+".allocs-base.pprof"))
		if err != nil {
			return "", err
		}
		cpuFile := filepath.Join(dir, p.name+".cpu.pprof")
		f, err := os.Create(cpuFile)
		if err != nil {
			return "", err
		}
		start := time.Now()
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return "", err
		}
		runErr := p.run(p.n)
		pprof.StopCPUProfile()
		f.Close()
		if runErr != nil {
			return "", runErr
		}
		per := time.Since(start) / time.Duration(p.n)
		allocs, err := writeAllocs(filepath.Join(dir, p.name+".allocs.pprof"))
		if err != nil {
			return "", err
		}
		log.Printf("profiled %s: %d requests, %v each (wall), profiles in %s", p.name, p.n, per, dir)
		fmt.Fprintf(&out, "\nProfile of %s: %d requests in process, %v each (wall). CPU (`go tool pprof -top %s`):\n\n```\n%s```\n",
			p.name, p.n, per.Round(time.Microsecond), cpuFile, pprofTop("-top", cpuFile))
		fmt.Fprintf(&out, "\nAllocations during the run (`go tool pprof -sample_index=alloc_space -diff_base %s -top %s`):\n\n```\n%s```\n",
			base, allocs, pprofTop("-sample_index=alloc_space", "-diff_base", base, "-top", allocs))
	}
	return out.String(), nil
}

// writeAllocs writes the allocation profile so far; two of them, before
// and after a run, give the run's own allocations as their difference.
func writeAllocs(path string) (string, error) {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return path, pprof.Lookup("allocs").WriteTo(f, 0)
}

// pprofTop returns the first lines of go tool pprof's table.
func pprofTop(args ...string) string {
	exe, _ := os.Executable()
	cmd := exec.Command("go", append([]string{"tool", "pprof", "-nodecount=15"}, append(args[:len(args)-1], exe, args[len(args)-1])...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, io.Discard
	if err := cmd.Run(); err != nil {
		return "(go tool pprof failed: " + err.Error() + ")\n"
	}
	lines := strings.Split(out.String(), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "flat") {
			return strings.Join(lines[max(0, i-1):], "\n")
		}
	}
	return out.String()
}
