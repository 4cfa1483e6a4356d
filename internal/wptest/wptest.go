// Package wptest gives tests a real WordPress 6.1 of their own: Debian's
// /usr/share/wordpress (or COMMUNIQUE_TEST_WORDPRESS) with PHP and the
// MariaDB on this machine, in a site folder and a database made for the
// test and dropped after it. The REST differential test (wpapi/wpdiff)
// serves it with PHP's built-in server; the rendering differential test
// (wordpress/) runs PHP scripts against it.
package wptest

import (
	"bytes"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// DBHost is the MariaDB WordPress uses: the one on this machine.
const DBHost = "127.0.0.1:3306"

//go:embed wp-config.php.tmpl
var configTemplate string

// Site is an installed-to-be WordPress: a folder linking WordPress's
// files with its own wp-config.php and wp-content, and an empty database.
type Site struct {
	PHP  string // the php binary
	Dir  string // a temporary folder for the test's own files
	Root string // the site's folder (ABSPATH)
	Addr string // host:port on 127.0.0.1 the site's URLs name
	URL  string // http://Addr
	DB   string // the database's name
}

// Strict reports whether tests must not skip (COMMUNIQUE_TEST_STRICT=1).
func Strict() bool { return os.Getenv("COMMUNIQUE_TEST_STRICT") == "1" }

// Find finds WordPress: COMMUNIQUE_TEST_WORDPRESS names its folder, else
// Debian's package is used where installed. Without it, PHP or MariaDB
// the test skips, or fails under COMMUNIQUE_TEST_STRICT=1.
func Find(t testing.TB) (root, php string) {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if Strict() {
			t.Fatalf("%s, but COMMUNIQUE_TEST_STRICT=1: the differential test must run", msg)
		}
		t.Skip(msg + ": skipping the differential test against WordPress (apt-get install wordpress php-cli php-mysql, " +
			"MariaDB on " + DBHost + " with a passwordless root, or COMMUNIQUE_TEST_WORDPRESS=/path/to/wordpress)")
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
	conn, err := net.DialTimeout("tcp", DBHost, 5*time.Second)
	if err != nil {
		missing("MariaDB does not answer on " + DBHost)
	}
	conn.Close()
	return root, php
}

// NewSite makes a site folder and an empty database for WordPress,
// dropped when the test ends. WordPress is not installed yet: the
// test's own script calls wp_install.
func NewSite(t testing.TB) *Site {
	t.Helper()
	wpRoot, php := Find(t)
	s := &Site{PHP: php, Dir: t.TempDir(), Addr: FreeAddr(t), DB: "wptest_" + RandomHex(6)}
	s.URL = "http://" + s.Addr
	s.Root = filepath.Join(s.Dir, "site")
	must(t, os.MkdirAll(filepath.Join(s.Root, "wp-content", "uploads"), 0o755))
	entries, err := os.ReadDir(wpRoot)
	must(t, err)
	// The site's folder links WordPress's files and has its own
	// wp-config.php and wp-content, so Debian's configuration (which
	// reads /etc/wordpress) is never involved.
	for _, e := range entries {
		if e.Name() != "wp-config.php" && e.Name() != "wp-content" {
			must(t, os.Symlink(filepath.Join(wpRoot, e.Name()), filepath.Join(s.Root, e.Name())))
		}
	}
	for _, sub := range []string{"themes", "plugins", "languages"} {
		if _, err := os.Stat(filepath.Join(wpRoot, "wp-content", sub)); err == nil {
			must(t, os.Symlink(filepath.Join(wpRoot, "wp-content", sub), filepath.Join(s.Root, "wp-content", sub)))
		}
	}
	config := strings.NewReplacer("{{DB}}", s.DB, "{{DBHOST}}", DBHost, "{{URL}}", s.URL, "{{SALT}}", RandomHex(16)).Replace(configTemplate)
	must(t, os.WriteFile(filepath.Join(s.Root, "wp-config.php"), []byte(config), 0o644))
	must(t, s.SQL("CREATE DATABASE "+s.DB+" CHARACTER SET utf8mb4"))
	t.Cleanup(func() {
		if err := s.SQL("DROP DATABASE IF EXISTS " + s.DB); err != nil {
			t.Error(err)
		}
	})
	return s
}

// SQL runs one statement on the MariaDB server, through PHP's mysqli
// (no mysql client needed).
func (s *Site) SQL(stmt string) error {
	out, err := exec.Command(s.PHP, "-r", `$m = new mysqli("127.0.0.1", "root", "", "", 3306); if (!$m->query($argv[1])) { fwrite(STDERR, $m->error); exit(1); }`,
		"--", stmt).CombinedOutput()
	if err != nil {
		return &CmdError{"mysql: " + stmt, out, err}
	}
	return nil
}

// Run runs a PHP script with arguments and returns what it printed on
// standard output; a failure shows its standard error too.
func (s *Site) Run(script string, args ...string) ([]byte, error) {
	cmd := exec.Command(s.PHP, append([]string{script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, &CmdError{"php " + filepath.Base(script), append(stderr.Bytes(), Tail(string(out), 2000)...), err}
	}
	return out, nil
}

// FreeAddr is a free port on 127.0.0.1.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// LastLine is the last line of a script's output, where the scripts
// print their JSON after whatever WordPress printed before.
func LastLine(b []byte) []byte {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return lines[len(lines)-1]
}

// Tail is the end of s, at most n bytes.
func Tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// CmdError is a command that failed, with what it said.
type CmdError struct {
	What string
	Out  []byte
	Err  error
}

func (e *CmdError) Error() string {
	return e.What + ": " + strings.TrimSpace(string(e.Out))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
