package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"communique"
)

// command is one thing the command line does. The overview, each
// command's --help and each group's listing are all made from this table
// and the commands' real flag sets, so help cannot drift from the code.
type command struct {
	name  string // the words after communique: "user create"
	args  string // what follows the name in the synopsis
	about string // what it does, in a sentence or a paragraph
	run   func(p *Program, ctx context.Context, args []string) error
}

// commands is every command, in the order the overview lists them.
var commands = []command{
	{"serve", "[flags]", "Run the site: public pages, the newsroom at /admin and the REST API at /wp-json/.", (*Program).serve},
	{"user create", "--login L --email E --role R --password-stdin [--display-name N]",
		"Create a user; the password is read from the first line of standard input.", (*Program).userCreate},
	{"user app-password", "--login L --name N",
		"Make an application password for a program that signs in as the user (shown once).", (*Program).userAppPassword},
	{"post create", "--title T --author LOGIN [--status publish|draft] [--format markdown|html] [--slug S] [--category C]... [--tag T]... [--date RFC3339] [--page]",
		"Create an article (or a page) whose body is read from standard input; prints its URL path.", (*Program).postCreate},
	{"comment list", "[--status pending|approved|spam|trash] [--post ID] [--json]",
		"List comments, newest first, with their authors' emails and IP addresses.", (*Program).commentList},
	moderation("approve", "Approve comments: they appear under their articles."),
	moderation("unapprove", "Hold comments for moderation again."),
	moderation("spam", "Mark comments as spam (the spam classifier learns from it)."),
	moderation("trash", "Move comments to the trash."),
	moderation("delete", "Delete comments for good."),
	{"settings list", "", "Show every setting with its value and meaning.", func(p *Program, ctx context.Context, args []string) error {
		return p.settings(ctx, "list", args)
	}},
	{"settings set", "KEY VALUE", "Change a setting; a bad key or value is refused with what is allowed.", func(p *Program, ctx context.Context, args []string) error {
		return p.settings(ctx, "set", args)
	}},
	{"import wordpress", "FILE.xml [--primary-menu SLUG] [--keep-settings] [--uploads DIR|FILE.tar.gz | --fetch-media [--media-host HOST]]", `Read a WordPress export (Tools > Export, WXR 1.0 to 1.2): authors, categories, tags,
posts, pages, comments, menus and media records. Importing the same file again
updates what the first import brought in and duplicates nothing. The site takes
the old site's title, tagline, language, time zone and permalink structure
(a line for each in the summary) unless --keep-settings. With --uploads (the old
site's wp-content/uploads, a folder or a .tar.gz) or --fetch-media (downloads from
the old site's own host), the attachments' images come into the media library and
every reference to them points at the local copy; what could not be had is listed.
Importing again fetches nothing twice.`, func(p *Program, ctx context.Context, args []string) error {
		return p.importCmd(ctx, args)
	}},
	{"export wordpress", "[--output FILE] [--site-url URL]", `Write the site as a WordPress export (WXR 1.2) that WordPress's importer reads.
The file holds commenters' email and IP addresses: it is a private backup for
the site's owner, not for publishing.`, func(p *Program, ctx context.Context, args []string) error {
		return p.exportCmd(ctx, args)
	}},
	{"migrate", "--to postgres://… [--data DIR]", `Move the site from its SQLite store to an empty PostgreSQL database, for several
nodes: every table with its ids, and the media files of the data folder. Then every
table is compared (rows and a checksum) and the command fails on any difference.
Stop the site first: what it writes meanwhile is not copied.`, (*Program).migrateCmd},
	{"privacy export", "--email E | --actor URL [--output FILE]", `Print, as JSON, everything the site holds about an email address: comments (with IP
addresses, browsers and earlier texts), subscriptions, emails sent to or naming it.
With --actor, about a fediverse actor: their profile copy, follows, replies, reactions.`, func(p *Program, ctx context.Context, args []string) error {
		return p.privacy(ctx, "export", args)
	}},
	{"privacy erase", "--email E [--anonymise] | --actor URL", `Delete the address's comments, subscriptions and emails; with --anonymise keep the
comments but remove the name, email, website, IP address and browser from them.
With --actor, delete a fediverse actor's replies, follows, reactions and profile copy.`, func(p *Program, ctx context.Context, args []string) error {
		return p.privacy(ctx, "erase", args)
	}},
	{"backup", "FILE", `Write a consistent snapshot of the site to FILE (a .tar.gz) while it serves: the
database (SQLite: a copy of the file; PostgreSQL: every table as JSON lines, read in
one transaction), the media folder of a SQLite site, and a manifest with the row
count and checksum of every table and file. FILE holds personal data: keep it safe.`, (*Program).backup},
	{"restore", "FILE [--force]", `Bring a backup back into an empty store of the same kind (--force replaces a store
that has content), then verify every table and file against the manifest and run
the store's integrity checks. Stop the server of a SQLite site first.`, (*Program).restore},
	{"version", "", "Print the version.", (*Program).version},
}

// moderation is the command that moves comments to another status.
func moderation(action, about string) command {
	return command{"comment " + action, "ID...", about, func(p *Program, ctx context.Context, args []string) error {
		return p.commentModerate(ctx, action, args)
	}}
}

// synopsis is the command's usage line.
func (c command) synopsis() string {
	return strings.TrimSpace("communique " + c.name + " " + c.args)
}

// groups are the first words of the commands of more than one word, in
// table order: user, post, comment, settings, import, export, privacy.
func groups() []string {
	var gs []string
	for _, c := range commands {
		if g, _, ok := strings.Cut(c.name, " "); ok && !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	return gs
}

// helpRequest is what a command returns when asked for --help or -h: Run
// prints the command's usage and flags and succeeds.
type helpRequest struct{ fs *flag.FlagSet }

func (helpRequest) Error() string { return "help requested" }

func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "-help" }

// Run runs one command.
func (p *Program) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		p.overview(p.Stderr)
		return usageKey("cli.no_command")
	}
	switch args[0] {
	case "help", "-h", "--help", "-help":
		return p.help(ctx, args[1:])
	case "--version", "-v":
		args = append([]string{"version"}, args[1:]...)
	}
	c, rest, err := p.lookup(args)
	if c == nil {
		return err
	}
	err = c.run(p, ctx, rest)
	if h, ok := errors.AsType[helpRequest](err); ok {
		p.commandHelp(p.Stdout, c, h.fs)
		return nil
	}
	return err
}

// help prints the overview, or with a command's name that command's help
// (as 'communique X --help' does).
func (p *Program) help(ctx context.Context, args []string) error {
	if len(args) == 0 {
		p.overview(p.Stdout)
		return nil
	}
	return p.Run(ctx, append(slices.Clone(args), "--help"))
}

// lookup finds the command args name. A group alone (or with --help) has
// its commands listed and returns no command and no error.
func (p *Program) lookup(args []string) (*command, []string, error) {
	for i := range commands {
		words := strings.Fields(commands[i].name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return &commands[i], args[len(words):], nil
		}
	}
	group := args[0]
	if !slices.Contains(groups(), group) {
		return nil, nil, usageKey("cli.unknown_command", group, strings.Join(topWords(), ", "))
	}
	if len(args) == 1 || isHelp(args[1]) {
		p.groupHelp(p.Stdout, group)
		return nil, nil, nil
	}
	return nil, nil, usageKey("cli.unknown_in_group", group+" "+args[1], strings.Join(groupCommands(group), ", "))
}

// topWords are the commands' first words: serve, user, post, ...
func topWords() []string {
	var ws []string
	for _, c := range commands {
		if w, _, _ := strings.Cut(c.name, " "); !slices.Contains(ws, w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// groupCommands are the full names of a group's commands, quoted.
func groupCommands(group string) []string {
	var names []string
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			names = append(names, "'communique "+c.name+"'")
		}
	}
	return names
}

// overview lists every command and every flag of serve.
func (p *Program) overview(w io.Writer) {
	words := p.words()
	fmt.Fprintln(w, words.T("cli.usage"))
	for _, c := range commands {
		p.listCommand(w, c)
	}
	fs, _ := p.serveFlagSet()
	fmt.Fprintln(w, "\n"+words.T("cli.serve_flags"))
	p.printFlags(w, fs)
	fmt.Fprintln(w, "\n"+words.T("cli.store_flags"))
	fmt.Fprintln(w, words.T("cli.command_help"))
}

// groupHelp lists a group's commands.
func (p *Program) groupHelp(w io.Writer, group string) {
	fmt.Fprintln(w, p.words().T("cli.group", group))
	for _, c := range commands {
		if strings.HasPrefix(c.name, group+" ") {
			p.listCommand(w, c)
		}
	}
	fmt.Fprintln(w, "\n"+p.words().T("cli.group_help", group))
}

func (p *Program) listCommand(w io.Writer, c command) {
	fmt.Fprintf(w, "  %s\n", c.synopsis())
	for line := range strings.SplitSeq(p.about(c), "\n") {
		fmt.Fprintf(w, "      %s\n", line)
	}
}

// commandHelp is one command's usage, what it does and its flags.
func (p *Program) commandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "%s\n\n%s\n", p.words().T("cli.usage_line", c.synopsis()), p.about(*c))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\n"+p.words().T("cli.flags"))
		p.printFlags(w, fs)
	}
}

// printFlags lists a flag set's flags, with their defaults; a default
// taken from the environment may hold a password, which is hidden.
func (p *Program) printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		value, usage := flag.UnquoteUsage(f)
		switch value {
		case "":
		case "string", "value":
			value = " " + strings.ToUpper(f.Name[strings.LastIndex(f.Name, "-")+1:])
		default:
			value = " " + strings.ToUpper(value)
		}
		fmt.Fprintf(w, "  --%s%s\n      %s", f.Name, value, usage)
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			fmt.Fprint(w, " "+p.words().T("cli.default", redact(def)))
		}
		fmt.Fprintln(w)
	})
}

// version prints the version.
func (p *Program) version(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(p.Stdout, "communique %s\n", communique.Version)
	return nil
}
