// Command communique runs a Communiqué news site and manages its store.
// Its commands are listed in commands.go; 'communique help' prints them,
// with every flag of serve, and 'communique COMMAND --help' one of them.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones work in a static binary on a bare image

	"communique"
	"communique/i18n"
	"communique/media"
	"communique/postgres"
	"communique/sqlite"
	"communique/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := &Program{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Self: invocation(os.Args[0])}
	if err := p.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "communique: "+p.errorFor(err))
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for a mistake on the command line (scripts tell it from
// a failure), 1 for anything else.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Program is the command line with its streams, so tests run it in process.
type Program struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, receives the server's address once it listens.
	Ready func(addr string)
	// Self is how the user started this program, as a hint tells them to
	// run it again: "communique", or "go run ./cmd/communique" (see
	// invocation). Empty means "communique".
	Self string
	// Timeouts, when set, replace serve's HTTP timeouts (tests shorten
	// them to watch a slow client being cut off).
	Timeouts *Timeouts

	// siteLanguage is the site's language, once a command has opened
	// the store: its messages follow it (see words).
	siteLanguage string
}

// Timeouts bound how long a client may take: to send its headers, its
// whole request, to read the answer, and to keep an idle connection.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts defeat slow clients (slowloris) while leaving room for
// a 20 MiB image upload over a modest line.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 60 * time.Second, Write: 60 * time.Second, Idle: 120 * time.Second}

// usageError is a mistake in the command line itself (exit status 2).
// One made from the catalogue (usageKey) is told in the person's
// language where it is printed (main); its Error is English, for logs
// and tests.
type usageError struct {
	msg  string
	key  string
	args []any
}

func (e usageError) Error() string { return e.msg }

// usageKey is a usage error whose words are the catalogue's key.
func usageKey(key string, args ...any) error {
	return usageError{msg: i18n.Builtin().For(i18n.Default).T(key, args...), key: key, args: args}
}

// in is the message in l's language.
func (e usageError) in(l *i18n.Localizer) string {
	if e.key == "" {
		return e.msg
	}
	return l.T(e.key, e.args...)
}

// errorFor is err told to the person at the terminal: a usage error in
// their language, a message of the domain's (a refused setting) too
// when the catalogue has it.
func (p *Program) errorFor(err error) string {
	words := p.words()
	if u, ok := errors.AsType[usageError](err); ok && u.key != "" && u.Error() == err.Error() {
		return errorLine(errors.New(u.in(words)))
	}
	return words.Translate(errorLine(err))
}

func usagef(format string, args ...any) error { return usageError{msg: fmt.Sprintf(format, args...)} }

// errorLine turns any error into one line for the terminal.
func errorLine(err error) string {
	msg := err.Error()
	var e *communique.Error
	if errors.As(err, &e) {
		msg = e.Message
	}
	return strings.Join(strings.Fields(msg), " ")
}

// invocation is how to run this program again, judged from its path: a
// binary that go run built lives in .../go-buildNNN/bNNN/exe/ under the
// temporary directory and is gone when it exits, so its users need go
// run again.
func invocation(arg0 string) string {
	path := strings.ReplaceAll(arg0, `\`, "/") // Windows too
	if strings.Contains(path, "/go-build") && strings.Contains(path, "/exe/") {
		return "go run ./cmd/communique"
	}
	return "communique"
}

func (p *Program) self() string {
	if p.Self == "" {
		return "communique"
	}
	return p.Self
}

// storeArgs are the store flags a hint repeats so that its command finds
// the same store: --data when it is not the default, --db never (it may
// hold a password; COMMUNIQUE_DB users have it in their environment).
func storeArgs(sf *storeFlags) string {
	if sf.db == "" && filepath.Clean(sf.data) != "communique-data" {
		return " --data " + shellQuote(sf.data)
	}
	return ""
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// storeFlags are the flags every command takes to find the store.
type storeFlags struct {
	data string
	db   string
}

func (p *Program) newFlagSet(name string) (*flag.FlagSet, *storeFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sf := &storeFlags{}
	fs.StringVar(&sf.data, "data", p.env("COMMUNIQUE_DATA", "./communique-data"), "data folder (SQLite file, media)")
	fs.StringVar(&sf.db, "db", p.env("COMMUNIQUE_DB", ""), "database URL: postgres://… (default: SQLite in the data folder)")
	return fs, sf
}

func (p *Program) env(key, def string) string {
	if v := p.Getenv(key); v != "" {
		return v
	}
	return def
}

// parse parses flags and refuses stray arguments, with one-line errors.
func parse(fs *flag.FlagSet, args []string) error {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageKey("cli.unexpected_argument", fs.Name(), rest[0])
	}
	return nil
}

// parseArgs parses flags wherever they stand among the arguments (as in
// "comment approve 7 --data DIR") and returns the other arguments.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequest{fs}
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest, args = append(rest, args[0]), args[1:]
	}
}

// site is where a command finds the store and what comes with its kind
// (sqlite.Site, postgres.Site).
type site interface {
	Open(ctx context.Context) (*sqlstore.DB, error)
	// DatabaseFile is the file of a store kept in one, else "".
	DatabaseFile() string
	// MediaDir is the folder of media files kept beside the database,
	// else "".
	MediaDir() string
	MediaStorage(db *sqlstore.DB) (media.Storage, error)
	// Shared reports whether several nodes may share the store.
	Shared() bool
	// Watch calls fn when another node changes the store, until ctx ends.
	Watch(ctx context.Context, fn func())
}

// siteFor reads the store flags: PostgreSQL for a postgres:// URL, else
// SQLite in the data folder (or at sqlite:PATH).
func siteFor(sf *storeFlags) (site, error) {
	switch {
	case isPostgresURL(sf.db):
		return postgres.Site{DSN: sf.db}, nil
	case sf.db == "" || sf.db == "sqlite" || strings.HasPrefix(sf.db, "sqlite:"):
		s := sqlite.Site{Dir: sf.data}
		if path := strings.TrimPrefix(strings.TrimPrefix(sf.db, "sqlite:"), "//"); path != "" && path != "sqlite" {
			s.File = path
		}
		return s, nil
	}
	return nil, usageKey("cli.bad_db", redact(sf.db))
}

// openStore opens the store the flags name.
func openStore(ctx context.Context, sf *storeFlags) (*sqlstore.DB, error) {
	s, err := siteFor(sf)
	if err != nil {
		return nil, err
	}
	return s.Open(ctx)
}

// redact hides a password in a URL so it never reaches a terminal or log.
func redact(s string) string {
	if i := strings.Index(s, "://"); i >= 0 {
		if at := strings.LastIndex(s, "@"); at > i {
			if colon := strings.Index(s[i+3:at], ":"); colon >= 0 {
				return s[:i+3+colon] + ":***" + s[at:]
			}
		}
	}
	return s
}

func randomHex() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
