package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"communique/media"
	"communique/outbound"
	"communique/upload"
	"communique/wordpress"
	"communique/wxr"
)

func (p *Program) importCmd(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("import wordpress")
	menu := fs.String("primary-menu", "", "slug of the imported menu to show as the site's main navigation")
	keep := fs.Bool("keep-settings", false, "keep this site's title, tagline, language, time zone and permalinks instead of the old site's")
	uploads := fs.String("uploads", "", "the old site's wp-content/uploads, as a folder or a .tar.gz archive, to bring the attachments' files into the media library")
	fetch := fs.Bool("fetch-media", false, "download the attachments' files from the old site (its own host only, through the outbound policy)")
	var mediaHosts stringList
	fs.Var(&mediaHosts, "media-host", "another host --fetch-media may download from (repeatable)")
	private := fs.Bool("outbound-private", p.env("COMMUNIQUE_OUTBOUND_PRIVATE", "") == "true", "let --fetch-media reach loopback and private networks")
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageKey("cli.import_file")
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("import wordpress: %w", err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	if *uploads != "" && *fetch {
		return usageKey("cli.import_both")
	}
	a, err := p.openApp(ctx, sf)
	if err != nil {
		return err
	}
	defer a.db.Close()
	files, library, closeFiles, err := p.mediaSource(ctx, sf, a, *uploads, *fetch, mediaHosts, *private)
	if err != nil {
		return fmt.Errorf("import wordpress: %w", err)
	}
	defer closeFiles()
	bar := newProgress(p.Stderr, size)
	// An import is a move, not news: nothing is announced.
	im := &wordpress.Importer{
		Store: a.db, Articles: a.quietArticles(), Comments: a.talk, Avatar: a.talk.Avatars.Hash, PrimaryMenu: *menu, Progress: bar.update,
		KeepSettings: *keep, Files: files, Library: library,
	}
	sum, err := im.Import(ctx, f)
	bar.done()
	// A file refused outright (not an export at all) gets its reason
	// alone, not a summary of zeros that reads like success.
	if err == nil || sum.Total() > 0 {
		fmt.Fprint(p.Stdout, sum)
	}
	if err != nil {
		var werr *wxr.Error
		where := ""
		if errors.As(err, &werr) && werr.Line > 0 {
			where = fmt.Sprintf(" at line %d", werr.Line)
		}
		if sum.Total() == 0 {
			return fmt.Errorf("import wordpress: nothing imported, the file was refused%s: %w", where, err)
		}
		return fmt.Errorf("import wordpress: stopped%s: %w (what is listed above was imported; importing the file again once fixed updates it, without duplicates)", where, err)
	}
	// A bulk load leaves the search index in segments and the planner
	// without statistics for the new rows.
	if err := a.db.Optimize(ctx); err != nil {
		return fmt.Errorf("import wordpress: imported, but optimizing the store failed: %w", err)
	}
	if *menu != "" {
		fmt.Fprintf(p.Stdout, "Menu %q is the site's main navigation.\n", *menu)
	}
	return nil
}

func (p *Program) exportCmd(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("export wordpress")
	output := fs.String("output", "", "file to write (default: standard output); it holds commenters' emails, keep it private")
	siteURL := fs.String("site-url", "", "the site's address for links (default: the site_url setting)")
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := p.openStore(ctx, sf)
	if err != nil {
		return err
	}
	defer db.Close()
	ex := &wordpress.Exporter{Store: db, SiteURL: *siteURL}
	if *output == "" {
		sum, err := ex.Export(ctx, p.Stdout)
		if err != nil {
			return fmt.Errorf("export wordpress: %w", err)
		}
		fmt.Fprint(p.Stderr, sum)
		return nil
	}
	var sum wordpress.ExportSummary
	err = writeWhole(*output, func(w io.Writer) error {
		sum, err = ex.Export(ctx, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("export wordpress: %w", err)
	}
	fmt.Fprint(p.Stdout, sum)
	fmt.Fprintf(p.Stdout, "Wrote %s. It holds commenters' email and IP addresses: keep it private.\n", *output)
	return nil
}

// progress shows an import's advance (see meter).
type progress struct {
	*meter
	size int64
}

func newProgress(w io.Writer, size int64) *progress {
	return &progress{meter: newMeter(w, "import: "), size: size}
}

func (pr *progress) update(s *wordpress.Summary) {
	if now := time.Now(); pr.due(now) {
		pr.draw(pr.line(s, now))
	}
}

func (pr *progress) line(s *wordpress.Summary, now time.Time) string {
	var b strings.Builder
	if pr.size > 0 {
		frac := min(float64(s.Bytes)/float64(pr.size), 1)
		if pr.terminal {
			b.WriteString(bar(frac))
		}
		fmt.Fprintf(&b, "%3.0f%% of %s", frac*100, megabytes(pr.size))
	} else {
		b.WriteString(megabytes(s.Bytes))
	}
	for _, k := range []string{"posts", "pages", "comments"} {
		fmt.Fprintf(&b, "  %s %d", k, s.Counts[k].Total())
	}
	fmt.Fprintf(&b, "  (%.0f records/s)", pr.rate(int64(s.Total()), now))
	return b.String()
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// mediaSource is where an import's files come from: a copy of the old
// site's uploads (a folder, or an archive unpacked to a temporary
// folder) or a download through the outbound policy; nil without
// either flag. close releases what it opened.
func (p *Program) mediaSource(ctx context.Context, sf *storeFlags, a *app, uploads string, fetch bool, hosts []string,
	private bool) (wordpress.MediaFiles, wordpress.MediaLibrary, func(), error) {
	none := func() {}
	if uploads == "" && !fetch {
		return nil, nil, none, nil
	}
	st, err := siteFor(sf)
	if err != nil {
		return nil, nil, none, err
	}
	images, err := st.MediaStorage(a.db)
	if err != nil {
		return nil, nil, none, err
	}
	library := &upload.Library{Storage: images, Store: a.db, Logger: p.logger()}
	if fetch {
		d := &wordpress.Download{Hosts: map[string]bool{}, Client: outbound.NewClient(outbound.Policy{
			AllowPrivate: private, Timeout: 2 * time.Minute, MaxBytes: media.DefaultMaxBytes, MaxRedirects: 3})}
		for _, h := range hosts {
			d.Hosts[strings.ToLower(h)] = true
		}
		return d, library, none, nil
	}
	dir, cleanup := uploads, none
	if st, err := os.Stat(uploads); err != nil {
		return nil, nil, none, err
	} else if !st.IsDir() {
		tmp, err := os.MkdirTemp("", "communique-uploads-")
		if err != nil {
			return nil, nil, none, err
		}
		cleanup = func() { os.RemoveAll(tmp) }
		f, err := os.Open(uploads)
		if err == nil {
			err = wordpress.UnpackUploads(f, tmp)
			f.Close()
		}
		if err != nil {
			cleanup()
			return nil, nil, none, err
		}
		dir = tmp
	}
	d, err := wordpress.OpenUploadsDir(dir)
	if err != nil {
		cleanup()
		return nil, nil, none, err
	}
	return d, library, func() { d.Close(); cleanup() }, nil
}
