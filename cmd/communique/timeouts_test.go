package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSlowClientsCut serves with short timeouts and checks that a client
// who trickles its headers (slowloris), trickles its body, or keeps an
// idle connection open is cut off, while normal requests are served.
func TestSlowClientsCut(t *testing.T) {
	timeouts := Timeouts{ReadHeader: 400 * time.Millisecond, Read: 1500 * time.Millisecond, Write: 3 * time.Second, Idle: 800 * time.Millisecond}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &syncBuffer{}
	p := &Program{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Getenv: func(string) string { return "" },
		Ready: func(addr string) { ready <- addr }, Timeouts: &timeouts}
	go func() { done <- p.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("serve: %v\n%s", err, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not listen")
	}
	defer func() {
		cancel()
		<-done
	}()

	// cutAfter sends what start writes, then keeps trickling a byte of
	// more every 100ms, and returns when the server closes the connection.
	cutAfter := func(t *testing.T, start, trickle string) time.Duration {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		begin := time.Now()
		if _, err := io.WriteString(conn, start); err != nil {
			t.Fatal(err)
		}
		closed := make(chan struct{})
		go func() {
			io.Copy(io.Discard, conn) // returns when the server closes
			close(closed)
		}()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-closed:
				return time.Since(begin)
			case <-tick.C:
				if trickle != "" {
					conn.Write([]byte{trickle[i%len(trickle)]})
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("the connection is still open after %v", time.Since(begin))
			}
		}
	}
	t.Run("SlowHeaders", func(t *testing.T) {
		d := cutAfter(t, "GET / HTTP/1.1\r\nHost: x\r\n", "X-Slow: a\r\n")
		if d > timeouts.ReadHeader+time.Second {
			t.Errorf("headers trickled for %v before the server cut (read-header timeout %v)", d, timeouts.ReadHeader)
		}
	})
	t.Run("SlowBody", func(t *testing.T) {
		d := cutAfter(t, "POST /comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ncomment=", "a")
		if d > timeouts.Read+2*time.Second {
			t.Errorf("a body trickled for %v before the server cut (read timeout %v)", d, timeouts.Read)
		}
	})
	t.Run("Idle", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprint(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %v", err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		begin := time.Now()
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := br.ReadByte(); err == nil {
			t.Fatal("the server sent something unasked")
		}
		if d := time.Since(begin); d > timeouts.Idle+time.Second {
			t.Errorf("an idle connection stayed open %v (idle timeout %v)", d, timeouts.Idle)
		}
	})
	t.Run("NormalRequest", func(t *testing.T) {
		res, err := http.Get("http://" + addr + "/healthz")
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %v", err)
		}
		res.Body.Close()
	})
	t.Run("HugeHeaders", func(t *testing.T) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/", nil)
		req.Header.Set("X-Big", strings.Repeat("a", 200<<10))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return // cut off: as good as a refusal
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("200 KiB of headers: %d, want 431", res.StatusCode)
		}
	})
}
