package analytics

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"communique"
)

// ReportStore is what reports read.
type ReportStore interface {
	AnalyticsReport(ctx context.Context, f communique.AnalyticsFilter) (*communique.AnalyticsReport, error)
	RecentViews(ctx context.Context, since time.Time) (int64, error)
	FindArticleByID(ctx context.Context, id int64) (*communique.Article, error)
}

// Reports answers the newsroom's and the REST API's questions, and holds
// the rule of who sees what: editors the whole site, authors and
// contributors their own articles only.
type Reports struct {
	Store ReportStore
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// NewReports makes the reports on store.
func NewReports(store ReportStore) *Reports { return &Reports{Store: store, Now: time.Now} }

// Range is a span of UTC days.
type Range struct {
	Name string `json:"name"` // today, 7d, 30d, 12m or custom
	From string `json:"from"` // 2006-01-02, inclusive
	To   string `json:"to"`
}

// Ranges are the named ranges, in the order the dashboard offers them.
var Ranges = []struct{ Name, Label string }{
	{"today", "Today"}, {"7d", "7 days"}, {"30d", "30 days"}, {"12m", "12 months"}, {"custom", "Custom"},
}

// maxRangeDays bounds a custom range (the daily totals' longest life).
const maxRangeDays = 3660

// ParseRange reads a named range, or a custom one from from and to.
// EINVALID, with the reason, for a bad one.
func (s *Reports) ParseRange(name, from, to string) (Range, error) {
	today := s.Now().UTC().Truncate(24 * time.Hour)
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch name {
	case "", "today":
		return Range{"today", day(today), day(today)}, nil
	case "7d":
		return Range{name, day(today.AddDate(0, 0, -6)), day(today)}, nil
	case "30d":
		return Range{name, day(today.AddDate(0, 0, -29)), day(today)}, nil
	case "12m":
		return Range{name, day(today.AddDate(-1, 0, 1)), day(today)}, nil
	case "custom":
		f, err1 := time.Parse(time.DateOnly, from)
		t, err2 := time.Parse(time.DateOnly, to)
		switch {
		case err1 != nil || err2 != nil:
			return Range{}, communique.Errorf(communique.EINVALID, "Write both dates as 2006-01-02.")
		case t.Before(f):
			return Range{}, communique.Errorf(communique.EINVALID, "The range ends before it begins.")
		case t.Sub(f) > maxRangeDays*24*time.Hour:
			return Range{}, communique.Errorf(communique.EINVALID, "A range may cover at most %d days.", maxRangeDays)
		}
		return Range{name, day(f), day(t)}, nil
	}
	return Range{}, communique.Errorf(communique.EINVALID, "Unknown range %q: use today, 7d, 30d, 12m or custom.", oneLine(name))
}

func oneLine(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' {
			return -1
		}
		return r
	}, s)
}

// Report is the figures one person may see for a range.
type Report struct {
	*communique.AnalyticsReport
	Range       Range
	Scope       string              // site, author or article
	Article     *communique.Article // for the article scope
	Realtime    int64               // site page views in the last 30 minutes
	HasRealtime bool
}

// Realtime is how far back the realtime count looks.
const Realtime = 30 * time.Minute

// Report reads the figures for rng that user may see: the site's (or, for
// an author, their own articles'), or article articleID's.
func (s *Reports) Report(ctx context.Context, user *communique.User, rng Range, articleID int64) (*Report, error) {
	f := communique.AnalyticsFilter{From: rng.From, To: rng.To, Hourly: rng.From == rng.To, Limit: 10}
	rep := &Report{Range: rng, Scope: "site"}
	switch {
	case articleID != 0:
		a, err := s.Store.FindArticleByID(ctx, articleID)
		if err != nil {
			return nil, err
		}
		if !communique.Can(user, communique.ActionViewAnalytics, a) {
			return nil, communique.Errorf(communique.EFORBIDDEN, "Only editors and the article's author see its figures.")
		}
		f.ArticleID, rep.Scope, rep.Article = a.ID, "article", a
	case communique.Can(user, communique.ActionViewAnalytics, nil):
	case user != nil && (user.Role == communique.RoleAuthor || user.Role == communique.RoleContributor):
		f.AuthorID, rep.Scope = user.ID, "author"
	default:
		return nil, communique.Errorf(communique.EFORBIDDEN, "Your role does not show readers' figures.")
	}
	var err error
	if rep.AnalyticsReport, err = s.Store.AnalyticsReport(ctx, f); err != nil {
		return nil, err
	}
	if rep.Scope == "site" {
		rep.HasRealtime = true
		if rep.Realtime, err = s.Store.RecentViews(ctx, s.Now().Add(-Realtime)); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// DimLabels name the dimensions the dashboard and the CSV show, in order.
var DimLabels = []struct{ Dim, Label string }{
	{communique.DimSource, "Sources"}, {communique.DimReferrer, "Referring sites"}, {communique.DimCampaign, "Campaigns"},
	{communique.DimUTMSrc, "Campaign sources"}, {communique.DimMedium, "Campaign media"}, {communique.DimEntry, "Entry pages"},
	{communique.DimDevice, "Devices"}, {communique.DimBrowser, "Browsers"},
}

// WriteCSV writes the report as CSV: one line per figure, with its
// section, so a spreadsheet can filter it.
func WriteCSV(w io.Writer, rep *Report) error {
	cw := csv.NewWriter(w)
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	rows := [][]string{{"section", "name", "title", "views", "visitors", "entries"}}
	rows = append(rows,
		[]string{"total", "views", "", n(rep.Views), "", ""},
		[]string{"total", "visitors", "", "", n(rep.Visitors), ""})
	if rep.Scope == "site" {
		rows = append(rows, []string{"total", "feed fetches", "", n(rep.Feed), "", ""},
			[]string{"total", "not found", "", n(rep.NotFound), "", ""})
	}
	if rep.HasRealtime {
		rows = append(rows, []string{"realtime", "last 30 minutes", "", n(rep.Realtime), "", ""})
	}
	for _, p := range rep.Series {
		rows = append(rows, []string{"series", p.Label, "", n(p.Views), n(p.Visitors), ""})
	}
	for _, t := range rep.Top {
		rows = append(rows, []string{"page", t.Path, t.Title, n(t.Views), n(t.Visitors), n(t.Entries)})
	}
	for _, d := range DimLabels {
		for _, v := range rep.Dims[d.Dim] {
			rows = append(rows, []string{d.Dim, v.Value, "", n(v.Views), "", ""})
		}
	}
	e := rep.Engagement
	rows = append(rows,
		[]string{"engagement", "comments", "", n(e.Comments), "", ""},
		[]string{"engagement", "replies", "", n(e.Replies), "", ""},
		[]string{"engagement", "reached comments", "", n(e.Reached), "", ""},
		[]string{"engagement", "seconds to first comment", "", n(int64(e.FirstComment.Seconds())), "", ""},
		[]string{"engagement", "seconds in moderation (mean)", "", n(int64(e.ModerationWait.Seconds())), "", ""})
	for _, r := range rows {
		for i := range r {
			r[i] = defuse(r[i])
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a spreadsheet from taking a title or a referrer for a
// formula.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
