package wpdiff_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"communique/storetest"
)

// wordpress is a running WordPress seeded with testdata/seed.json.
type wordpress struct {
	URL       string
	IDs       map[string]int64
	Passwords map[string]string
}

// dbHost is the MariaDB WordPress uses: the one on this machine.
const dbHost = "127.0.0.1:3306"

// wordpressRoot finds WordPress: COMMUNIQUE_TEST_WORDPRESS names its
// folder, else Debian's package is used where installed. Without it, PHP
// or MariaDB the test skips, or fails under COMMUNIQUE_TEST_STRICT=1.
func wordpressRoot(t *testing.T) (root, php string) {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if storetest.Strict() {
			t.Fatalf("%s, but COMMUNIQUE_TEST_STRICT=1: the differential test must run", msg)
		}
		t.Skip(msg + ": skipping the differential test against WordPress (apt-get install wordpress php-cli php-mysql, " +
			"MariaDB on " + dbHost + " with a passwordless root, or COMMUNIQUE_TEST_WORDPRESS=/path/to/wordpress)")
	}
	root = os.Getenv("COMMUNIQUE_TEST_WORDPRESS")
	if root == "" {
		root = "/usr/share/wordpress"
	}
	if _, err := os.Stat(filepath.Join(root, "wp-settings.php")); err != nil {
		missing("WordPress is not in " + root)
	}
	php, err := exec.LookPath("php")
	if err != nil {
		missing("php is not installed")
	}
	conn, err := net.DialTimeout("tcp", dbHost, 5*time.Second)
	if err != nil {
		missing("MariaDB does not answer on " + dbHost)
	}
	conn.Close()
	return root, php
}

// startWordPress installs WordPress into a fresh database, seeds it and
// serves it on 127.0.0.1 until the test ends.
func startWordPress(t *testing.T, image []byte) *wordpress {
	t.Helper()
	root, php := wordpressRoot(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	mustDo(t, os.MkdirAll(filepath.Join(site, "wp-content", "uploads"), 0o755))
	entries, err := os.ReadDir(root)
	mustDo(t, err)
	// The site's folder links WordPress's files and has its own
	// wp-config.php and wp-content, so Debian's configuration (which
	// reads /etc/wordpress) is never involved.
	for _, e := range entries {
		if e.Name() != "wp-config.php" && e.Name() != "wp-content" {
			mustDo(t, os.Symlink(filepath.Join(root, e.Name()), filepath.Join(site, e.Name())))
		}
	}
	for _, sub := range []string{"themes", "plugins", "languages"} {
		if _, err := os.Stat(filepath.Join(root, "wp-content", sub)); err == nil {
			mustDo(t, os.Symlink(filepath.Join(root, "wp-content", sub), filepath.Join(site, "wp-content", sub)))
		}
	}
	addr := freeAddr(t)
	url := "http://" + addr
	db := "wpdiff_" + randomHex(6)
	tmpl, err := os.ReadFile("testdata/wp-config.php.tmpl")
	mustDo(t, err)
	config := strings.NewReplacer("{{DB}}", db, "{{DBHOST}}", dbHost, "{{URL}}", url, "{{SALT}}", randomHex(16)).Replace(string(tmpl))
	mustDo(t, os.WriteFile(filepath.Join(site, "wp-config.php"), []byte(config), 0o644))
	router, err := os.ReadFile("testdata/router.php")
	mustDo(t, err)
	mustDo(t, os.WriteFile(filepath.Join(site, "router.php"), router, 0o644))
	imagePath := filepath.Join(dir, "lighthouse.png")
	mustDo(t, os.WriteFile(imagePath, image, 0o644))

	sql := func(stmt string) error {
		out, err := exec.Command(php, "-r", `$m = new mysqli("127.0.0.1", "root", "", "", 3306); if (!$m->query($argv[1])) { fwrite(STDERR, $m->error); exit(1); }`,
			"--", stmt).CombinedOutput()
		if err != nil {
			return &cmdError{"mysql: " + stmt, out, err}
		}
		return nil
	}
	mustDo(t, sql("CREATE DATABASE "+db+" CHARACTER SET utf8mb4"))
	t.Cleanup(func() {
		if err := sql("DROP DATABASE IF EXISTS " + db); err != nil {
			t.Error(err)
		}
	})
	seed, err := filepath.Abs("testdata/seed.php")
	mustDo(t, err)
	seedJSON, err := filepath.Abs("testdata/seed.json")
	mustDo(t, err)
	cmd := exec.Command(php, seed, site, addr, seedJSON, imagePath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("seeding WordPress: %v\n%s\n%s", err, stderr.String(), out)
	}
	wp := &wordpress{URL: url}
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
	server := exec.Command(php, "-d", "opcache.enable_cli=1", "-d", "opcache.memory_consumption=64",
		"-S", addr, "-t", site, filepath.Join(site, "router.php"))
	// One process serving one request at a time, its log in a file:
	// killing it ends everything it started.
	logPath := filepath.Join(dir, "php-server.log")
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
	waitUp(t, url+"/wp-json/")
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
			last = &cmdError{"GET " + url, []byte(resp.Status), nil}
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("WordPress did not come up: %v", last)
}

// freeAddr is a free port on 127.0.0.1 for PHP's server.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	mustDo(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func lastLine(b []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return lines[len(lines)-1]
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

type cmdError struct {
	what string
	out  []byte
	err  error
}

func (e *cmdError) Error() string {
	return e.what + ": " + strings.TrimSpace(string(e.out))
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
