// Command bench measures Communiqué under load on this machine and
// prints the figures the speed issue asks for, beside a static file
// server serving the same article bytes in the same run.
//
//	go run ./bench [--articles 10000] [--comments 200000] [--large] [--duration 10s] [--read] [--profile DIR]
//
// It builds the binary, writes a WordPress export of a generated site,
// imports it, starts `communique serve` on loopback and drives it with wrk
// (installed with apt-get when missing and running as root). Every load
// is bounded in time; all traffic stays on 127.0.0.1. Results go to
// bench/results/ as JSON and Markdown.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type config struct {
	articles, comments int
	duration           time.Duration
	connections        int
	postRate           int
	readRate           int
	out                string
	keep               bool
}

// Result is one measured load.
type Result struct {
	Name        string  `json:"name"`
	URL         string  `json:"url"`
	RPS         float64 `json:"requests_per_second"`
	P50ms       float64 `json:"p50_ms"`
	P99ms       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	Requests    int     `json:"requests"`
	RatioStatic float64 `json:"ratio_to_static,omitempty"`
}

// Report is everything one run measured.
type Report struct {
	Date         string   `json:"date"`
	Machine      string   `json:"machine"`
	Articles     int      `json:"articles"`
	Comments     int      `json:"comments"`
	Duration     string   `json:"duration_per_load"`
	Connections  int      `json:"connections"`
	ImportSecs   float64  `json:"import_seconds"`
	ImportRate   float64  `json:"import_comments_per_second"`
	StartupMs    float64  `json:"startup_to_first_page_ms"`
	PeakMemoryMB float64  `json:"server_peak_memory_mb"`
	StoreSizeMB  float64  `json:"store_size_mb"`
	Results      []Result `json:"results"`
	Targets      []Target `json:"targets"`
}

// Target is one goal of the speed issue with what this run measured.
type Target struct {
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

func main() {
	var c config
	large := flag.Bool("large", false, "1,000,000 articles and 10,000,000 comments (hours of work, gigabytes of disk)")
	flag.IntVar(&c.articles, "articles", 10000, "articles to generate")
	flag.IntVar(&c.comments, "comments", 200000, "comments to generate")
	flag.DurationVar(&c.duration, "duration", 10*time.Second, "length of each load")
	flag.IntVar(&c.connections, "connections", 32, "wrk connections")
	flag.IntVar(&c.postRate, "post-rate", 100, "comment POSTs per second during the write load")
	flag.IntVar(&c.readRate, "read-rate", 2000, "article reads per second beside the paced comment POSTs (the target's load; a second run saturates)")
	flag.StringVar(&c.out, "out", "bench/results", "folder for the JSON and Markdown results")
	flag.BoolVar(&c.keep, "keep", false, "keep the generated site in the work folder")
	flag.Parse()
	if *large {
		c.articles, c.comments = 1_000_000, 10_000_000
	}
	if *readOnly {
		if err := runRead(c); err != nil {
			log.Fatal("bench: ", err)
		}
		return
	}
	if c.articles < 600 {
		log.Fatal("bench: --articles must be at least 600 (the deep archive page is page 500)")
	}
	if err := run(c); err != nil {
		log.Fatal("bench: ", err)
	}
}

func run(c config) error {
	wrk, err := ensureWrk()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "communique-bench-")
	if err != nil {
		return err
	}
	if !c.keep {
		defer os.RemoveAll(work)
	} else {
		log.Printf("work folder kept: %s", work)
	}
	b := &benchRun{c: c, wrk: wrk, work: work, bin: filepath.Join(work, "communique"), data: filepath.Join(work, "data"),
		rep: &Report{Date: time.Now().UTC().Format(time.RFC3339), Machine: machine(), Articles: c.articles, Comments: c.comments,
			Duration: c.duration.String(), Connections: c.connections}}
	if err := b.build(); err != nil {
		return err
	}
	if err := b.importSite(); err != nil {
		return err
	}
	if *writeOnly {
		return b.runWriteOnly()
	}
	acked, err := b.loadCached()
	if err != nil {
		return err
	}
	if err := b.checkDurable(acked); err != nil {
		return err
	}
	if err := b.writeRows(); err != nil {
		return err
	}
	if err := b.loadUncached(); err != nil {
		return err
	}
	b.rep.StoreSizeMB = dirSizeMB(b.data)
	finish(b.rep, c)
	if err := writeReport(b.rep, c.out); err != nil {
		return err
	}
	return runRead(c) // the read path's rows (read.go)
}

// benchRun is one run of the benchmark: the binary it built, the site's
// data folder and the report it fills in.
type benchRun struct {
	c    config
	wrk  string // the wrk binary
	work string // the temporary folder everything lives in
	bin  string // the communique binary
	data string // the site's data folder
	rep  *Report
}

func (b *benchRun) build() error {
	log.Printf("building %s", b.bin)
	build := exec.Command("go", "build", "-o", b.bin, "./cmd/communique")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}

// cli runs a command of the binary on the site's data folder.
func (b *benchRun) cli(args ...string) (string, error) {
	cmd := exec.Command(b.bin, append(args, "--data", b.data)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// importSite writes a WordPress export of the configured size, times its
// import and opens the comment form to the load.
func (b *benchRun) importSite() error {
	c := b.c
	xmlPath := filepath.Join(b.work, "site.xml")
	log.Printf("writing a WordPress export of %d articles and %d comments", c.articles, c.comments)
	if err := writeWXR(xmlPath, c.articles, c.comments); err != nil {
		return err
	}
	log.Printf("importing")
	start := time.Now()
	if _, err := b.cli("import", "wordpress", xmlPath); err != nil {
		return err
	}
	b.rep.ImportSecs = time.Since(start).Seconds()
	b.rep.ImportRate = float64(c.comments) / b.rep.ImportSecs
	log.Printf("imported in %.1f s (%.0f comments/s)", b.rep.ImportSecs, b.rep.ImportRate)
	for k, v := range map[string]string{"comment_flood_seconds": "0", "comment_min_seconds": "0", "comment_previously_approved": "false", "comment_max_links": "100"} {
		if _, err := b.cli("settings", "set", k, v); err != nil {
			return err
		}
	}
	return nil
}

// loadCached serves the site with its page cache, loads its pages, then
// posts comments while readers load the hot article. It returns the
// texts of the comments the server acknowledged.
func (b *benchRun) loadCached() ([]string, error) {
	srv, err := startServer(b.bin, b.data, true)
	if err != nil {
		return nil, err
	}
	b.rep.StartupMs = srv.startup.Seconds() * 1000
	hot := srv.base + hotPath
	body, err := fetch(hot)
	if err != nil {
		return nil, err
	}
	if m := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindStringSubmatch(body); m != nil {
		hotID, _ = strconv.Atoi(m[1])
	} else {
		srv.stop()
		return nil, errors.New("the hot article has no comment form")
	}
	if n := strings.Count(body, `class="comment `); n != 50 {
		srv.stop()
		return nil, fmt.Errorf("the hot article shows %d comments, want 50", n)
	}
	if err := b.loadPages(srv, body); err != nil {
		srv.stop()
		return nil, err
	}
	acked, err := b.postUnderLoad(srv)
	if err != nil {
		srv.stop()
		return nil, err
	}
	b.rep.PeakMemoryMB = srv.peakMemoryMB()
	srv.stop()
	return acked, nil
}

// loadPages loads each kind of page in turn, beside a static server of
// the hot article's bytes as the reference to beat.
func (b *benchRun) loadPages(srv *server, hotBody string) error {
	static, err := serveStatic([]byte(hotBody))
	if err != nil {
		return err
	}
	defer static.Close()
	loads := []struct{ name, url string }{
		{"static reference (same article bytes)", "http://" + static.Addr().String() + "/"},
		{"article with 50 comments, cached", srv.base + hotPath},
		// The reference again: the first load of a run can be slow to
		// warm up, and the higher of the two is the one to beat.
		{"static reference, again", "http://" + static.Addr().String() + "/"},
		{"front page", srv.base + "/"},
		{"archive page 1", srv.base + "/category/world/"},
		{"archive page 500", srv.base + "/page/500/"},
		{"front page 2", srv.base + "/page/2/"},
		{"RSS feed", srv.base + "/feed/"},
		{"search", srv.base + "/?s=harbour+bridge"},
	}
	for _, l := range loads {
		fetch(l.url) // warm
		res, err := runWrk(b.wrk, l.url, b.c)
		if err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
		res.Name = l.name
		b.rep.Results = append(b.rep.Results, res)
		log.Printf("%-40s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", res.Name, res.RPS, res.P50ms, res.P99ms, res.Errors)
	}
	return nil
}

// postUnderLoad posts comments at a steady rate while readers load the
// hot article: first at a steady rate (the target's load: the machine
// has room to spare, as a server should), then with wrk reading flat out,
// which shows how writes fare when the readers take every cycle there is.
func (b *benchRun) postUnderLoad(srv *server) ([]string, error) {
	c, hot := b.c, srv.base+hotPath
	var acked []string
	for _, paced := range []bool{true, false} {
		readers := "readers flat out"
		if paced {
			readers = fmt.Sprintf("readers at %d/s", c.readRate)
		}
		log.Printf("comment POSTs at %d/s with %s", c.postRate, readers)
		var read Result
		var readErr error
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			if paced {
				read, readErr = runWrkPaced(b.wrk, hot, c, c.readRate, b.work)
			} else {
				read, readErr = runWrk(b.wrk, hot, c)
			}
		}()
		posts, ok, err := postComments(srv.base, c.postRate, c.duration)
		wg.Wait()
		if err != nil {
			return nil, err
		}
		if readErr != nil {
			return nil, readErr
		}
		acked = append(acked, ok...)
		posts.Name, read.Name = fmt.Sprintf("comment POST at %d/s, %s", c.postRate, readers), "article reads beside them, "+readers
		b.rep.Results = append(b.rep.Results, posts, read)
		log.Printf("%-40s %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", posts.Name, posts.RPS, posts.P50ms, posts.P99ms, posts.Errors)
		log.Printf("%-40s %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", read.Name, read.RPS, read.P50ms, read.P99ms, read.Errors)
	}
	return acked, nil
}

// checkDurable reads every acknowledged comment back from the store.
func (b *benchRun) checkDurable(acked []string) error {
	out, err := b.cli("comment", "list", "--post", strconv.Itoa(hotID), "--json")
	if err != nil {
		return err
	}
	var listed []struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		return fmt.Errorf("comment list: %w", err)
	}
	found := map[string]bool{}
	for _, l := range listed {
		found[l.Text] = true
	}
	lost := 0
	for _, text := range acked {
		if !found[text] {
			lost++
		}
	}
	if lost > 0 {
		return fmt.Errorf("%d of %d acknowledged comments are missing from the store", lost, len(acked))
	}
	log.Printf("all %d acknowledged comments read back from the store", len(acked))
	return nil
}

// loadUncached loads the same article with the page cache off.
func (b *benchRun) loadUncached() error {
	srv, err := startServer(b.bin, b.data, false)
	if err != nil {
		return err
	}
	fetch(srv.base + hotPath)
	res, err := runWrk(b.wrk, srv.base+hotPath, b.c)
	srv.stop()
	if err != nil {
		return err
	}
	res.Name = "article with 50+ comments, cache off"
	b.rep.Results = append(b.rep.Results, res)
	log.Printf("%-40s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", res.Name, res.RPS, res.P50ms, res.P99ms, res.Errors)
	return nil
}

// finish computes the ratios and checks the targets.
func finish(rep *Report, c config) {
	byName := map[string]*Result{}
	for i := range rep.Results {
		byName[rep.Results[i].Name] = &rep.Results[i]
	}
	ref := max(rep.Results[0].RPS, byName["static reference, again"].RPS)
	for i := range rep.Results {
		if ref > 0 {
			rep.Results[i].RatioStatic = rep.Results[i].RPS / ref
		}
	}
	cached, uncached := byName["article with 50 comments, cached"], byName["article with 50+ comments, cache off"]
	deep, shallow := byName["archive page 500"], byName["front page"]
	post := byName[fmt.Sprintf("comment POST at %d/s, readers at %d/s", c.postRate, c.readRate)]
	add := func(goal, measured string, met bool) {
		rep.Targets = append(rep.Targets, Target{goal, measured, met})
	}
	add("cached article ≥ 0.9 × static", fmt.Sprintf("%.2f ×", cached.RatioStatic), cached.RatioStatic >= 0.9)
	add("uncached article ≥ 0.25 × static", fmt.Sprintf("%.2f ×", uncached.RatioStatic), uncached.RatioStatic >= 0.25)
	add(fmt.Sprintf("comment POST p99 < 25 ms at %d/s with readers (%d/s), no errors", c.postRate, c.readRate), fmt.Sprintf("p99 %.1f ms, %d errors, %.0f/s", post.P99ms, post.Errors, post.RPS), post.P99ms < 25 && post.Errors == 0)
	add("page 500 p99 ≤ 2 × page 1 p99", fmt.Sprintf("%.2f ms vs %.2f ms", deep.P99ms, shallow.P99ms), deep.P99ms <= 2*shallow.P99ms)
	add("server memory < 80 MB under load", fmt.Sprintf("%.1f MB", rep.PeakMemoryMB), rep.PeakMemoryMB < 80)
	add("start-up to first page < 300 ms", fmt.Sprintf("%.0f ms (%d articles)", rep.StartupMs, rep.Articles), rep.StartupMs < 300)
	add("import 1,000,000 comments < 2 min", fmt.Sprintf("%.0f comments/s (%s for 1M)", rep.ImportRate, (time.Duration(1e6/rep.ImportRate)*time.Second).Round(time.Second)), rep.ImportRate*120 >= 1e6)
}

func writeReport(rep *Report, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("2006-01-02T150405Z")
	js, _ := json.MarshalIndent(rep, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, stamp+".json"), js, 0o644); err != nil {
		return err
	}
	md := markdown(rep)
	if err := os.WriteFile(filepath.Join(dir, stamp+".md"), []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print(md)
	log.Printf("results written to %s/%s.{json,md}", dir, stamp)
	return nil
}

func markdown(rep *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Benchmark of %s, %s: %d articles, %d comments, %s per load, %d connections.\n\n",
		rep.Date[:10], rep.Machine, rep.Articles, rep.Comments, rep.Duration, rep.Connections)
	b.WriteString("| load | req/s | p50 ms | p99 ms | errors | × static |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range rep.Results {
		fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %d | %.2f |\n", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors, r.RatioStatic)
	}
	fmt.Fprintf(&b, "\nImport: %.1f s (%.0f comments/s). Start-up to first page: %.0f ms. Server peak memory: %.1f MB. Store size: %.1f MB.\n\n",
		rep.ImportSecs, rep.ImportRate, rep.StartupMs, rep.PeakMemoryMB, rep.StoreSizeMB)
	b.WriteString("| target | measured | met |\n|---|---|---|\n")
	for _, t := range rep.Targets {
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.Goal, t.Measured, met)
	}
	return b.String()
}

// ensureWrk finds wrk, installing Debian's package when it can.
func ensureWrk() (string, error) {
	if p, err := exec.LookPath("wrk"); err == nil {
		return p, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("wrk is not installed: run 'sudo apt-get install wrk'")
	}
	log.Printf("installing wrk with apt-get")
	cmd := exec.Command("sh", "-c", "apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk)")
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("installing wrk: %w", err)
	}
	return exec.LookPath("wrk")
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)|Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk drives url for the configured time and parses wrk's report.
func runWrk(wrk, u string, c config) (Result, error) {
	return runWrkArgs(wrk, u, c, u)
}

func runWrkArgs(wrk, u string, c config, args ...string) (Result, error) {
	threads := min(runtime.NumCPU(), c.connections)
	cmd := exec.Command(wrk, append([]string{"-t", strconv.Itoa(threads), "-c", strconv.Itoa(c.connections), "-d", strconv.Itoa(int(c.duration.Seconds())) + "s", "--latency", "--timeout", "5s"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Result{}, fmt.Errorf("wrk: %v: %s", err, out)
	}
	s := string(out)
	r := Result{URL: u}
	if m := wrkRPS.FindStringSubmatch(s); m != nil {
		r.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := wrkTotal.FindStringSubmatch(s); m != nil {
		r.Requests, _ = strconv.Atoi(m[1])
	}
	for _, m := range wrkLatency.FindAllStringSubmatch(s, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			r.P50ms = v
		} else {
			r.P99ms = v
		}
	}
	for _, m := range wrkErrors.FindAllStringSubmatch(s, -1) {
		for _, g := range m[1:] {
			n, _ := strconv.Atoi(g)
			r.Errors += n
		}
	}
	return r, nil
}

// pacedScript makes each wrk connection wait between requests so that
// together they keep to a rate (wrk's delay hook, in milliseconds).
const pacedScript = `local gap
function init(args) gap = tonumber(args[1]) end
function delay() return gap end
`

// runWrkPaced reads u at about rate requests per second.
func runWrkPaced(wrk, u string, c config, rate int, work string) (Result, error) {
	script := filepath.Join(work, "paced.lua")
	if err := os.WriteFile(script, []byte(pacedScript), 0o644); err != nil {
		return Result{}, err
	}
	gap := max(1, c.connections*1000/max(rate, 1))
	return runWrkArgs(wrk, u, c, "-s", script, u, "--", strconv.Itoa(gap))
}

// server is a running `communique serve`.
type server struct {
	cmd     *exec.Cmd
	base    string
	startup time.Duration
}

func startServer(bin, data string, cache bool) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", data, "--page-cache="+strconv.FormatBool(cache))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	deadline := start.Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(s.base + "/"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				s.startup = time.Since(start)
				return s, nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	s.stop()
	return nil, errors.New("the server did not answer within 60 s")
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

// peakMemoryMB reads the server's peak resident memory (VmHWM).
func (s *server) peakMemoryMB() float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func fetch(u string) (string, error) {
	res, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return "", fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return string(b), err
}

// serveStatic is the reference: a minimal Go server writing fixed bytes.
func serveStatic(body []byte) (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	length := strconv.Itoa(len(body))
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Length", length)
		w.Write(body)
	}))
	return l, nil
}

var tokenPattern = regexp.MustCompile(`name="comment_token" value="([^"]+)"`)

// postComments posts comments to the hot article at a steady rate for d,
// each from its own cookie-less client, and returns their latencies and
// the texts the server acknowledged (303).
func postComments(base string, rate int, d time.Duration) (Result, []string, error) {
	page, err := fetch(base + hotPath)
	if err != nil {
		return Result{}, nil, err
	}
	m := tokenPattern.FindStringSubmatch(page)
	if m == nil {
		return Result{}, nil, errors.New("no comment form token on the hot article")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	var mu sync.Mutex
	var lat []time.Duration
	var acked []string
	errs := 0
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			r := Result{Name: "comment POST", URL: base + "/comments", Requests: len(lat), Errors: errs}
			r.RPS = float64(len(lat)) / time.Since(start).Seconds()
			r.P50ms, r.P99ms = percentile(lat, 0.50), percentile(lat, 0.99)
			return r, acked, nil
		case <-tick.C:
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			text := fmt.Sprintf("Benchmark comment %d at %d: the bridge reopening is good news.", i, start.UnixNano())
			form := url.Values{"comment_post_ID": {strconv.Itoa(hotID)}, "comment_token": {m[1]}, "author": {"Load Tester"},
				"email": {fmt.Sprintf("load%d@example.org", i)}, "comment": {text}}
			t0 := time.Now()
			res, err := client.PostForm(base+"/comments", form)
			el := time.Since(t0)
			mu.Lock()
			defer mu.Unlock()
			lat = append(lat, el)
			if err != nil {
				errs++
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				errs++
				return
			}
			acked = append(acked, text)
		}(i)
	}
}

func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[min(len(s)-1, int(float64(len(s))*p))].Microseconds()) / 1000
}

func dirSizeMB(dir string) float64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := regexp.MustCompile(`model name\s*:\s*(.+)`).FindSubmatch(b); m != nil {
			cpu = string(m[1])
		}
	}
	return fmt.Sprintf("%d cores (%s), %s/%s, %s", runtime.NumCPU(), cpu, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
