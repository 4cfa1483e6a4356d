// Package pgtest runs private PostgreSQL servers for tests that must do
// to a database what no shared one may suffer: stop it mid-load, restart
// it, or stream it to a replica. Each server is a cluster of its own in a
// temporary folder, on a free loopback port, with trust authentication,
// run with Debian's server binaries (/usr/lib/postgresql/N/bin).
//
// PostgreSQL refuses to run as root, and tests often run as root: the
// binaries then run as the "postgres" user, through runuser, in a folder
// that user owns.
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to wait for readiness
)

// Strict reports whether tests must not skip (COMMUNIQUE_TEST_STRICT=1).
func Strict() bool { return os.Getenv("COMMUNIQUE_TEST_STRICT") == "1" }

// BinDir returns the newest Debian PostgreSQL server binaries' folder,
// or COMMUNIQUE_TEST_PGBIN when set.
func BinDir() (string, error) {
	if d := os.Getenv("COMMUNIQUE_TEST_PGBIN"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Server is a private PostgreSQL cluster.
type Server struct {
	// Dir holds the cluster: data/, the socket folder and the log.
	Dir string
	// Port is the loopback port it listens on.
	Port int

	bin   string
	owner *user.User // nil: run as ourselves
	tb    testing.TB
}

// Options change how a server starts.
type Options struct {
	// Settings are extra postgresql.conf lines ("max_connections = 50").
	Settings []string
	// Primary, when set, makes this server a streaming replica of it: the
	// cluster is copied with pg_basebackup -R instead of made by initdb,
	// and starts as a hot standby that follows the primary.
	Primary *Server
}

// Start makes a cluster and starts it; it is stopped and removed when the
// test ends. Without server binaries the test skips, or fails under
// COMMUNIQUE_TEST_STRICT=1.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	bin, err := BinDir()
	if err != nil {
		if Strict() {
			tb.Fatalf("%v, but COMMUNIQUE_TEST_STRICT=1: this test must run", err)
		}
		tb.Skipf("private PostgreSQL tests skipped: %v", err)
	}
	s := &Server{bin: bin, tb: tb}
	if os.Geteuid() == 0 {
		if s.owner, err = user.Lookup("postgres"); err != nil {
			tb.Fatalf("running as root, PostgreSQL needs another user: %v", err)
		}
		if _, err := exec.LookPath("runuser"); err != nil {
			tb.Fatalf("running as root, PostgreSQL runs through runuser: %v", err)
		}
	}
	// Not t.TempDir: its parents are private to root, and the server may
	// run as another user.
	if s.Dir, err = os.MkdirTemp("", "communique-pg-"); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		s.stop("immediate")
		os.RemoveAll(s.Dir)
	})
	for _, d := range []string{s.Dir, s.sockets()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			tb.Fatal(err)
		}
		s.chown(d)
	}
	s.Port = freePort(tb)
	if opts.Primary == nil {
		s.run("initdb", "--pgdata", s.data(), "--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-locale", "--no-sync")
	} else {
		s.run("pg_basebackup", "--pgdata", s.data(), "--write-recovery-conf", "--checkpoint=fast", "--wal-method=stream",
			"--host=127.0.0.1", "--port="+strconv.Itoa(opts.Primary.Port), "--username=postgres", "--no-sync")
	}
	conf := append([]string{"", "# pgtest", "fsync = off", "full_page_writes = off"}, opts.Settings...)
	f, err := os.OpenFile(filepath.Join(s.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	f.WriteString(strings.Join(conf, "\n") + "\n")
	f.Close()
	s.Start()
	return s
}

func (s *Server) data() string    { return filepath.Join(s.Dir, "data") }
func (s *Server) sockets() string { return filepath.Join(s.Dir, "run") }

// LogPath is the server's log file.
func (s *Server) LogPath() string { return filepath.Join(s.Dir, "server.log") }

// DSN returns the URL of database db (the cluster has "postgres").
func (s *Server) DSN(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// Start starts the server (again) and waits until it accepts queries.
func (s *Server) Start() {
	s.tb.Helper()
	s.run("pg_ctl", "start", "--pgdata", s.data(), "--wait", "--timeout=60", "--log", s.LogPath(),
		"-o", fmt.Sprintf("-h 127.0.0.1 -p %d -k %s", s.Port, s.sockets()))
	s.WaitReady(30 * time.Second)
}

// Stop stops the server the way an administrator restarting it does:
// pg_ctl stop -m fast ends every session, checkpoints and exits.
func (s *Server) Stop() {
	s.tb.Helper()
	if err := s.stop("fast"); err != nil {
		s.tb.Fatalf("pg_ctl stop: %v", err)
	}
}

// Kill stops the server as a crash would (pg_ctl stop -m immediate): no
// checkpoint; the next start recovers from the write-ahead log.
func (s *Server) Kill() {
	s.tb.Helper()
	if err := s.stop("immediate"); err != nil {
		s.tb.Fatalf("pg_ctl stop: %v", err)
	}
}

func (s *Server) stop(mode string) error {
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err != nil {
		return nil // not running
	}
	out, err := s.Command("pg_ctl", "stop", "--pgdata", s.data(), "--mode", mode, "--wait", "--timeout=60").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, out)
	}
	return nil
}

// WaitReady waits until the server answers a query.
func (s *Server) WaitReady(within time.Duration) {
	s.tb.Helper()
	db, err := sql.Open("pgx", s.DSN("postgres"))
	if err != nil {
		s.tb.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = db.QueryRowContext(ctx, "SELECT 1").Scan(new(int))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(s.LogPath())
			s.tb.Fatalf("PostgreSQL on port %d not ready after %v: %v\n%s", s.Port, within, err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Command returns a command running a server binary (pg_ctl, psql,
// pg_basebackup, …) as the cluster's owner.
func (s *Server) Command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	if s.owner == nil {
		return exec.Command(path, args...)
	}
	cmd := exec.Command("runuser", append([]string{"-u", s.owner.Username, "--", path}, args...)...)
	cmd.Dir = s.Dir // the postgres user may not enter the test's folder
	return cmd
}

func (s *Server) run(name string, args ...string) {
	s.tb.Helper()
	cmd := s.Command(name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if out, err := cmd.CombinedOutput(); err != nil {
		log, _ := os.ReadFile(s.LogPath())
		s.tb.Fatalf("%s %s: %v\n%s\n%s", name, strings.Join(args, " "), err, out, log)
	}
}

func (s *Server) chown(path string) {
	if s.owner == nil {
		return
	}
	uid, _ := strconv.Atoi(s.owner.Uid)
	gid, _ := strconv.Atoi(s.owner.Gid)
	if err := os.Chown(path, uid, gid); err != nil {
		s.tb.Fatal(err)
	}
}

// freePort returns a loopback port nothing listens on now.
func freePort(tb testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
