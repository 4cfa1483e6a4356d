package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	_ "modernc.org/sqlite"
)

// The write path's rows: comment POSTs beside the cost of one SQLite
// commit on the same disk (the floor a durable comment cannot go under),
// and a kill -9 in the middle of the POSTs.

var writeOnly = flag.Bool("write-only", false, "measure only the write path (comment POSTs beside a one-row commit reference, and a kill -9 among them), on the imported site")

// runWriteOnly measures the write path alone and writes its report.
func (b *benchRun) runWriteOnly() error {
	srv, err := startServer(b.bin, b.data, true)
	if err != nil {
		return err
	}
	if err := findHot(srv); err != nil {
		srv.stop()
		return err
	}
	acked, err := b.postUnderLoad(srv)
	srv.stop()
	if err != nil {
		return err
	}
	if err := b.checkDurable(acked); err != nil {
		return err
	}
	if err := b.writeRows(); err != nil {
		return err
	}
	b.rep.StoreSizeMB = dirSizeMB(b.data)
	return writeReport(b.rep, b.c.out)
}

// findHot reads the hot article's id from its comment form.
func findHot(srv *server) error {
	body, err := fetch(srv.base + hotPath)
	if err != nil {
		return err
	}
	m := regexp.MustCompile(`name="comment_post_ID" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil {
		return errors.New("the hot article has no comment form")
	}
	hotID, _ = strconv.Atoi(m[1])
	return nil
}

// writeRows adds the commit reference and the kill -9 row, and the
// write targets, to a report that already holds the paced POSTs.
func (b *benchRun) writeRows() error {
	c := b.c
	ref, err := b.commitReference()
	if err != nil {
		return err
	}
	b.rep.Results = append(b.rep.Results, ref)
	logResult(ref)
	killed, lost, err := b.killDuringPosts()
	if err != nil {
		return err
	}
	b.rep.Results = append(b.rep.Results, killed)
	logResult(killed)
	var post *Result
	for i := range b.rep.Results {
		if b.rep.Results[i].Name == fmt.Sprintf("comment POST at %d/s, readers at %d/s", c.postRate, c.readRate) {
			post = &b.rep.Results[i]
		}
	}
	if post == nil {
		return errors.New("no paced comment POST row")
	}
	add := func(goal, measured string, met bool) {
		b.rep.Targets = append(b.rep.Targets, Target{goal, measured, met})
	}
	add(fmt.Sprintf("comment POST at %d/s with readers: p99 < 25 ms, p50 < 5 ms", c.postRate),
		fmt.Sprintf("p50 %.2f ms, p99 %.2f ms (%.1f × and %.1f × a bare one-row commit's %.2f and %.2f ms)",
			post.P50ms, post.P99ms, post.P50ms/max(ref.P50ms, 0.001), post.P99ms/max(ref.P99ms, 0.001), ref.P50ms, ref.P99ms),
		post.P99ms < 25 && post.P50ms < 5 && post.Errors == 0)
	add("kill -9 among comment POSTs loses nothing acknowledged",
		fmt.Sprintf("%d acknowledged before the kill, %d lost", killed.Requests-killed.Errors, lost), lost == 0)
	return nil
}

func logResult(r Result) {
	log.Printf("%-40s %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", r.Name, r.RPS, r.P50ms, r.P99ms, r.Errors)
}

// commitReference commits one small row at the POST rate, for as long as
// a load, in a SQLite file beside the site's with the store's own
// durability settings (WAL, synchronous=FULL), while readers load the
// hot article as they do beside the POSTs.
func (b *benchRun) commitReference() (Result, error) {
	c := b.c
	v := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		v.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", filepath.Join(b.work, "reference.db")+"?"+v.Encode())
	if err != nil {
		return Result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body TEXT)`); err != nil {
		return Result{}, err
	}
	srv, err := startServer(b.bin, b.data, true)
	if err != nil {
		return Result{}, err
	}
	defer srv.stop()
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _, readErr = runWrkPaced(b.wrk, srv.base+hotPath, c, c.readRate, b.work) }()
	var lat []time.Duration
	tick := time.NewTicker(time.Second / time.Duration(c.postRate))
	defer tick.Stop()
	start := time.Now()
	for time.Since(start) < c.duration {
		<-tick.C
		t0 := time.Now()
		if _, err := db.Exec(`INSERT INTO t (body) VALUES (?)`, "Benchmark comment: the bridge reopening is good news."); err != nil {
			return Result{}, err
		}
		lat = append(lat, time.Since(t0))
	}
	wg.Wait()
	if readErr != nil {
		return Result{}, readErr
	}
	return Result{Name: fmt.Sprintf("reference: one-row SQLite commit at %d/s (WAL, synchronous=FULL), readers at %d/s", c.postRate, c.readRate),
		RPS: float64(len(lat)) / time.Since(start).Seconds(), Requests: len(lat),
		P50ms: percentile(lat, 0.50), P99ms: percentile(lat, 0.99)}, nil
}

// killDuringPosts posts comments at the POST rate and kill -9s the
// server halfway through the load, then reads every comment it
// acknowledged back from the store (which the command line opens and
// recovers). It returns the POSTs and how many acknowledged were lost.
func (b *benchRun) killDuringPosts() (Result, int, error) {
	c := b.c
	srv, err := startServer(b.bin, b.data, true)
	if err != nil {
		return Result{}, 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-time.After(c.duration / 2):
			srv.cmd.Process.Kill() // SIGKILL: no shutdown, no final checkpoint
		case <-ctx.Done():
		}
	}()
	posts, acked, err := postComments(srv.base, c.postRate, c.duration)
	srv.cmd.Process.Kill()
	srv.cmd.Wait()
	if err != nil {
		return Result{}, 0, err
	}
	posts.Name = fmt.Sprintf("comment POST at %d/s, kill -9 after %s", c.postRate, c.duration/2)
	// A loss fails the run: checkDurable says how many.
	if err := b.checkDurable(acked); err != nil {
		return Result{}, 0, fmt.Errorf("after kill -9: %w", err)
	}
	return posts, 0, nil
}
