package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"communique/media"
	"communique/postgres"
	"communique/storeops"
)

func (p *Program) migrateCmd(ctx context.Context, args []string) error {
	fs, sf := p.newFlagSet("migrate")
	to := fs.String("to", "", "the PostgreSQL database to fill: postgres://user:pass@host:5432/db")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !isPostgresURL(*to) {
		return usagef("migrate: --to must be a postgres:// URL of an empty database (communique migrate --to postgres://… [--data DIR])")
	}
	if isPostgresURL(sf.db) {
		return usagef("migrate: the site moves from SQLite, in --data (or --db sqlite:PATH); --db names PostgreSQL (%s)", redact(sf.db))
	}
	st, err := siteFor(sf)
	if err != nil {
		return err
	}
	src, err := st.Open(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	files := &media.FileStorage{Dir: st.MediaDir()}
	keys, err := files.Keys()
	if err != nil {
		return err
	}
	dst, err := postgres.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()

	fmt.Fprintf(p.Stderr, "Copying %s and %d media files to %s\n", st.DatabaseFile(), len(keys), redact(*to))
	m := newMeter(p.Stderr, "migrate: ")
	finished := false
	opt := storeops.CopyOptions{Media: files, MediaKeys: keys, Progress: func(pr storeops.CopyProgress) {
		now := time.Now()
		if last := pr.Done == pr.Total; last && !finished || !last && m.due(now) {
			finished = last
			m.draw(copyLine(m, pr, now))
		}
	}}
	start := time.Now()
	err = storeops.Copy(ctx, dst, src, opt)
	m.done()
	if err != nil {
		return fmt.Errorf("migrate: nothing was copied (the target is as it was): %w", err)
	}
	fmt.Fprintf(p.Stderr, "Copied in %s. Comparing every table…\n", time.Since(start).Round(time.Millisecond))
	checks, err := storeops.VerifyCopy(ctx, dst, src, opt)
	if err != nil {
		return fmt.Errorf("migrate: copied, but the comparison failed: %w", err)
	}
	bad := printChecks(p, checks)
	if len(bad) > 0 {
		return fmt.Errorf("migrate: %d of %d tables differ after the copy (%s): do not switch to PostgreSQL; look at them, empty the database and run the command again",
			len(bad), len(checks), strings.Join(bad, ", "))
	}
	fmt.Fprintf(p.Stdout, "\nEvery table matches: the site is in PostgreSQL. Serve it with:\n  communique serve --db %s\n", redact(*to))
	return nil
}

// copyLine is one line of the copy's progress.
func copyLine(m *meter, pr storeops.CopyProgress, now time.Time) string {
	var b strings.Builder
	frac := 1.0
	if pr.Total > 0 {
		frac = float64(pr.Done) / float64(pr.Total)
	}
	if m.terminal {
		b.WriteString(bar(frac))
	}
	fmt.Fprintf(&b, "%3.0f%%  %d of %d rows  %s  (%.0f rows/s)", frac*100, pr.Done, pr.Total, pr.Table, m.rate(pr.Done, now))
	return b.String()
}

// printChecks prints the comparison as a table and returns the tables
// that differ.
func printChecks(p *Program, checks []storeops.TableCheck) (bad []string) {
	tw := tabwriter.NewWriter(p.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tSQLite rows\tPostgreSQL rows\tchecksum")
	for _, c := range checks {
		switch {
		case c.Skipped != "":
			fmt.Fprintf(tw, "%s\t-\t-\tskipped: %s\n", c.Table, c.Skipped)
		case c.OK():
			fmt.Fprintf(tw, "%s\t%d\t%d\tok %s\n", c.Table, c.SourceRows, c.TargetRows, c.SourceSum[:12])
		default:
			bad = append(bad, c.Table)
			fmt.Fprintf(tw, "%s\t%d\t%d\tDIFFERENT %s ≠ %s\n", c.Table, c.SourceRows, c.TargetRows, c.SourceSum[:12], c.TargetSum[:12])
		}
	}
	tw.Flush()
	return bad
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}
