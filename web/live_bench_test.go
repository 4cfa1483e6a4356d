package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/formtoken"
	"communique/storetest"
	"communique/web"
)

// BenchmarkLiveStreams opens 1,000 live threads on one article over
// loopback and reports what they cost the process in memory (heap and
// goroutine stacks in use, after a collection), beside the reference
// measured in the same run: 1,000 idle keep-alive connections that each
// fetched /healthz. It then posts one comment and reports how long until
// every stream has it. The target is under 50 MB for the 1,000 streams:
//
//	go test ./web -run '^$' -bench LiveStreams -benchtime 1x
func BenchmarkLiveStreams(b *testing.B) {
	const streams = 1000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := storetest.SQLite.Open(b)
	ed := storetest.MustCreateUser(b, db, "ed", communique.RoleEditor)
	art := storetest.MustCreateArticle(b, db, ed, "Storm live", "Body.")
	talk := discussion.New(db, avatar.New([]byte("k")), formtoken.NewSigner([]byte("k")))
	srv, err := web.NewServer(ctx, web.Config{Store: db, Discussion: talk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	addr := strings.TrimPrefix(ts.URL, "http://")
	stream := fmt.Sprintf("/comments/stream?post=%d", art.ID)
	for range b.N {
		base := inUse()
		idle := dialMany(b, addr, "/healthz", "ok", streams)
		idleCost := inUse() - base
		closeAll(idle)
		time.Sleep(200 * time.Millisecond) // the server's side of them ends
		base = inUse()
		conns := dialMany(b, addr, stream, "retry: 3000", streams)
		streamCost := inUse() - base
		start := time.Now()
		sub := discussion.Submission{ArticleID: art.ID, Text: "Breaking: the bridge is shut.", SkipToken: true, By: ed}
		if _, err := talk.Post(ctx, communique.ParseSettings(nil), sub); err != nil {
			b.Fatal(err)
		}
		for _, c := range conns {
			readUntil(b, c, "event: comment")
		}
		fanOut := time.Since(start)
		closeAll(conns)
		b.Logf("%d streams: %.1f MB in use (%.1f KB each); reference %d idle connections: %.1f MB (%.1f KB each); ratio %.2f; one comment reached every stream in %v (target under 50 MB)",
			streams, mb(streamCost), kb(streamCost)/streams, streams, mb(idleCost), kb(idleCost)/streams, float64(streamCost)/float64(max(idleCost, 1)), fanOut.Round(time.Millisecond))
		b.ReportMetric(mb(streamCost), "MB/1000-streams")
		b.ReportMetric(float64(streamCost)/float64(max(idleCost, 1)), "ratio-to-idle")
		b.ReportMetric(float64(fanOut.Milliseconds()), "ms-fan-out")
		if mb(streamCost) >= 50 {
			b.Errorf("1,000 streams hold %.1f MB, target under 50", mb(streamCost))
		}
	}
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }
func kb(n int64) float64 { return float64(n) / (1 << 10) }

// dialMany opens n connections, each asking for path and reading until
// want: raw connections, so the client side costs little beside the
// server's.
func dialMany(b *testing.B, addr, path, want string, n int) []net.Conn {
	b.Helper()
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, addr)
		readUntil(b, c, want)
		conns = append(conns, c)
	}
	return conns
}

func readUntil(b *testing.B, c net.Conn, want string) {
	b.Helper()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []byte
	buf := make([]byte, 512)
	for !bytes.Contains(got, []byte(want)) {
		n, err := c.Read(buf)
		if err != nil {
			b.Fatalf("reading for %q: %v (got %q)", want, err, got)
		}
		got = append(got, buf[:n]...)
	}
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		c.Close()
	}
}
