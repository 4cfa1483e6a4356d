package wpdiff_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"communique/internal/wptest"
)

// wordpress is a running WordPress seeded with testdata/seed.json.
type wordpress struct {
	URL       string
	IDs       map[string]int64
	Passwords map[string]string
}

// startWordPress installs WordPress into a fresh database, seeds it and
// serves it on 127.0.0.1 until the test ends.
func startWordPress(t *testing.T, image []byte) *wordpress {
	t.Helper()
	site := wptest.NewSite(t)
	router, err := os.ReadFile("testdata/router.php")
	mustDo(t, err)
	mustDo(t, os.WriteFile(filepath.Join(site.Root, "router.php"), router, 0o644))
	imagePath := filepath.Join(site.Dir, "lighthouse.png")
	mustDo(t, os.WriteFile(imagePath, image, 0o644))

	seed, err := filepath.Abs("testdata/seed.php")
	mustDo(t, err)
	seedJSON, err := filepath.Abs("testdata/seed.json")
	mustDo(t, err)
	out, err := site.Run(seed, site.Root, site.Addr, seedJSON, imagePath)
	if err != nil {
		t.Fatalf("seeding WordPress: %v", err)
	}
	wp := &wordpress{URL: site.URL}
	var seeded struct {
		IDs       map[string]int64  `json:"ids"`
		Passwords map[string]string `json:"passwords"`
	}
	if err := json.Unmarshal(lastLine(out), &seeded); err != nil {
		t.Fatalf("seeding WordPress printed %q: %v", out, err)
	}
	wp.IDs, wp.Passwords = seeded.IDs, seeded.Passwords

	// opcache keeps WordPress compiled between requests: without it each
	// request compiles some hundred files again.
	server := exec.Command(site.PHP, "-d", "opcache.enable_cli=1", "-d", "opcache.memory_consumption=64",
		"-S", site.Addr, "-t", site.Root, filepath.Join(site.Root, "router.php"))
	// One process serving one request at a time, its log in a file:
	// killing it ends everything it started.
	logPath := filepath.Join(site.Dir, "php-server.log")
	serverLog, err := os.Create(logPath)
	mustDo(t, err)
	server.Stdout, server.Stderr = serverLog, serverLog
	mustDo(t, server.Start())
	t.Cleanup(func() {
		server.Process.Kill()
		server.Wait()
		serverLog.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("PHP's server said:\n%s", tail(string(b), 4000))
		}
	})
	waitUp(t, site.URL+"/wp-json/")
	return wp
}

// waitUp waits until url answers 200, a bounded number of tries.
func waitUp(t *testing.T, url string) {
	t.Helper()
	var last error
	for range 200 {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = &wptest.CmdError{What: "GET " + url, Out: []byte(resp.Status)}
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("WordPress did not come up: %v", last)
}

var (
	lastLine = wptest.LastLine
	tail     = wptest.Tail
)

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
