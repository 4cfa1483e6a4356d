package main

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// commandCases are, for every command, the flags its help must list
// beside --data and --db, and the arguments it takes before one too many.
// A command missing here fails TestEveryCommandHelp: help and argument
// checks are proven for every command the table has.
var commandCases = map[string]struct {
	flags []string
	args  []string
}{
	"serve":             {[]string{"--addr", "--trusted-proxies", "--metrics-addr", "--metrics-allow", "--page-cache", "--secure-cookies", "--db-replica", "--smtp", "--demo"}, nil},
	"user create":       {[]string{"--login", "--email", "--role", "--password-stdin", "--display-name"}, nil},
	"user app-password": {[]string{"--login", "--name"}, nil},
	"post create":       {[]string{"--title", "--author", "--status", "--format", "--slug", "--category", "--tag", "--date", "--page"}, nil},
	"comment list":      {[]string{"--status", "--post", "--json"}, nil},
	"comment approve":   {nil, []string{"1"}},
	"comment unapprove": {nil, []string{"1"}},
	"comment spam":      {nil, []string{"1"}},
	"comment trash":     {nil, []string{"1"}},
	"comment delete":    {nil, []string{"1"}},
	"settings list":     {nil, nil},
	"settings set":      {nil, []string{"blogname", "News"}},
	"import wordpress":  {[]string{"--primary-menu", "--keep-settings", "--uploads", "--fetch-media", "--media-host"}, []string{"a.xml"}},
	"export wordpress":  {[]string{"--output", "--site-url"}, nil},
	"migrate":           {[]string{"--to"}, nil},
	"privacy export":    {[]string{"--email", "--output", "--actor"}, nil},
	"privacy erase":     {[]string{"--email", "--anonymise", "--actor"}, nil},
	"backup":            {nil, []string{"out.tar.gz"}},
	"restore":           {[]string{"--force"}, []string{"in.tar.gz"}},
	"version":           {nil, nil},
}

// TestEveryCommandHelp runs every command with --help and -h: each
// prints its own usage and flags on stdout and succeeds, touching nothing.
func TestEveryCommandHelp(t *testing.T) {
	for _, c := range commands {
		want, ok := commandCases[c.name]
		if !ok {
			t.Errorf("command %q has no case in commandCases", c.name)
			continue
		}
		for _, h := range []string{"--help", "-h"} {
			t.Run(c.name+" "+h, func(t *testing.T) {
				dir := t.TempDir()
				data := filepath.Join(dir, "data")
				args := append(strings.Fields(c.name), h)
				r := run(t, map[string]string{"COMMUNIQUE_DATA": data}, "", args...)
				if r.err != nil {
					t.Fatalf("communique %s: %v", strings.Join(args, " "), r.err)
				}
				if !strings.HasPrefix(r.stdout, "usage: communique "+c.name) {
					t.Errorf("help begins %q, want its usage line", firstLine(r.stdout))
				}
				flags := want.flags
				if c.name != "version" {
					flags = append([]string{"--data", "--db"}, flags...)
				}
				for _, f := range flags {
					if !strings.Contains(r.stdout, "\n  "+f+" ") && !strings.Contains(r.stdout, "\n  "+f+"\n") {
						t.Errorf("help of %s lacks %s:\n%s", c.name, f, r.stdout)
					}
				}
				if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("help created the data folder (%v)", err)
				}
			})
		}
	}
	for name := range commandCases {
		if !slices.ContainsFunc(commands, func(c command) bool { return c.name == name }) {
			t.Errorf("commandCases names %q, which is no command", name)
		}
	}
}

// TestGroupsAlone checks a command group alone, or with --help, lists its
// commands and succeeds, and that 'help X' is 'X --help'.
func TestGroupsAlone(t *testing.T) {
	want := []string{"user", "post", "comment", "settings", "import", "export", "privacy"}
	if got := groups(); !slices.Equal(got, want) {
		t.Errorf("groups = %q, want %q", got, want)
	}
	for _, g := range want {
		for _, args := range [][]string{{g}, {g, "--help"}, {"help", g}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := run(t, nil, "", args...)
				if r.err != nil {
					t.Fatalf("communique %s: %v", strings.Join(args, " "), r.err)
				}
				n := 0
				for _, c := range commands {
					if strings.HasPrefix(c.name, g+" ") {
						n++
						if !strings.Contains(r.stdout, "  "+c.synopsis()+"\n") {
							t.Errorf("listing of %s lacks %q:\n%s", g, c.synopsis(), r.stdout)
						}
					}
				}
				if n == 0 {
					t.Errorf("group %s has no commands", g)
				}
			})
		}
	}
	r := run(t, nil, "", "help", "user", "create")
	if r.err != nil || !strings.HasPrefix(r.stdout, "usage: communique user create") || !strings.Contains(r.stdout, "--password-stdin") {
		t.Errorf("help user create: %v\n%s", r.err, r.stdout)
	}
}

// TestOverviewListsEverything checks bare communique (on stderr, as a
// mistake) and communique help (on stdout) list every command and every
// flag of serve.
func TestOverviewListsEverything(t *testing.T) {
	fs, _ := (&Program{Getenv: func(string) string { return "" }}).serveFlagSet()
	var serveFlags []string
	fs.VisitAll(func(f *flag.Flag) { serveFlags = append(serveFlags, "--"+f.Name) })
	if len(serveFlags) < 14 {
		t.Fatalf("serve has %d flags: %q", len(serveFlags), serveFlags)
	}
	bare := run(t, nil, "")
	var u usageError
	if !errors.As(bare.err, &u) || bare.stdout != "" {
		t.Errorf("bare communique: err %v, stdout %q; want a usage error and the overview on stderr", bare.err, bare.stdout)
	}
	help := run(t, nil, "", "help")
	if help.err != nil {
		t.Fatal(help.err)
	}
	for name, out := range map[string]string{"bare": bare.stderr, "help": help.stdout} {
		for _, c := range commands {
			if !strings.Contains(out, "  "+c.synopsis()+"\n") {
				t.Errorf("%s overview lacks %q", name, c.synopsis())
			}
		}
		for _, f := range serveFlags {
			if !strings.Contains(out, "\n  "+f+" ") && !strings.Contains(out, "\n  "+f+"\n") {
				t.Errorf("%s overview lacks serve's %s", name, f)
			}
		}
	}
}

// TestExtraArgumentsRefused gives every command one argument too many: each
// refuses it as a mistake on the command line (status 2) before doing
// anything.
func TestExtraArgumentsRefused(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			args := append(strings.Fields(c.name), commandCases[c.name].args...)
			args = append(args, "extra")
			r := run(t, map[string]string{"COMMUNIQUE_DATA": data}, "password\n", args...)
			if _, ok := errors.AsType[usageError](r.err); !ok || exitCode(r.err) != 2 {
				t.Fatalf("communique %s: err %v, want a usage error", strings.Join(args, " "), r.err)
			}
			if r.stdout != "" {
				t.Errorf("printed %q", r.stdout)
			}
			if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the refused command created the data folder (%v)", err)
			}
		})
	}
}

// TestErrorsNameUsersPaths checks a file that cannot be written is named
// as the user gave it, never as the temporary file beside it.
func TestErrorsNameUsersPaths(t *testing.T) {
	data := []string{"--data", t.TempDir()}
	missing := filepath.Join(t.TempDir(), "nonexistent")
	for _, args := range [][]string{
		{"export", "wordpress", "--output", filepath.Join(missing, "x.xml")},
		{"backup", filepath.Join(missing, "x.tar.gz")},
	} {
		t.Run(args[0], func(t *testing.T) {
			r := run(t, nil, "", append(args, data...)...)
			want := args[len(args)-1]
			if r.err == nil || !strings.Contains(r.err.Error(), want+":") {
				t.Fatalf("err = %v, want it to name %s", r.err, want)
			}
			if strings.Contains(r.err.Error(), "/.") {
				t.Errorf("err names a temporary file: %v", r.err)
			}
		})
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TestFirstAdministratorHint checks the hint serve prints on an empty
// store: it names the data folder, and the command it gives, run as given,
// creates the administrator.
func TestFirstAdministratorHint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my data")
	s := startServe(t, nil, "--data", dir)
	if err := s.stop(t); err != nil {
		t.Fatal(err)
	}
	var hint string
	for line := range strings.SplitSeq(s.stderr.String(), "\n") {
		if strings.HasPrefix(line, "  communique user create") {
			hint = strings.TrimSpace(line)
		}
	}
	want := "communique user create --data '" + dir + "' --login admin"
	if !strings.HasPrefix(hint, want) {
		t.Fatalf("hint = %q, want it to begin %q\n%s", hint, want, s.stderr.String())
	}
	args := strings.Fields(strings.NewReplacer("'"+dir+"'", "DIR").Replace(strings.TrimPrefix(hint, "communique ")))
	for i, a := range args {
		if a == "DIR" {
			args[i] = dir
		}
	}
	if out := mustRun(t, nil, "a long enough secret\n", args...); !strings.HasPrefix(out, "created administrator admin") {
		t.Errorf("the hint's command printed %q", out)
	}
}

// TestInvocation checks go run users are told to use go run: the binary
// it built is gone once it exits.
func TestInvocation(t *testing.T) {
	for arg0, want := range map[string]string{
		"/tmp/go-build1234567/b001/exe/communique":  "go run ./cmd/communique",
		"/var/tmp/x/go-build99/b001/exe/communique": "go run ./cmd/communique",
		"/usr/local/bin/communique":                 "communique",
		"./communique":                              "communique",
		"communique":                                "communique",
		"/home/ann/go-builds/communique":            "communique",
		`C:\Users\ann\AppData\Local\Temp\go-build1\b001\exe\communique.exe`: "go run ./cmd/communique",
	} {
		if got := invocation(arg0); got != want {
			t.Errorf("invocation(%q) = %q, want %q", arg0, got, want)
		}
	}
}
