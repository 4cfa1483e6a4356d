package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"communique"
	"communique/analytics"
)

// analyticsPage is the dashboard of readers' figures: the site's (an
// author's own articles'), or one article's.
type analyticsPage struct {
	base
	Report  *analytics.Report
	Ranges  []rangeLink
	From    string // the custom range as typed
	To      string
	Error   string
	Chart   *chart
	Dims    []dimTable
	Export  string // the CSV of what is shown
	Article *communique.Article
	Share   string // readers who reached the comments, as a share of views
	Per     string // views per comment
}

type rangeLink struct {
	Label, URL string
	Current    bool
}

type dimTable struct {
	Label string
	Rows  []communique.AnalyticsRow
}

func (s *Server) analyticsAllowed(w http.ResponseWriter, r *http.Request, rq *request) bool {
	if s.reports == nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Analytics are not available on this store."))
		return false
	}
	if !canSeeAnalytics(rq.User) {
		s.forbid(w, r, rq)
		return false
	}
	return true
}

// canSeeAnalytics: editors see the site; authors and contributors their
// own articles (analytics.Reports applies it).
func canSeeAnalytics(u *communique.User) bool {
	return communique.Can(u, communique.ActionViewAnalytics, nil) || u != nil && (u.Role == communique.RoleAuthor || u.Role == communique.RoleContributor)
}

func (s *Server) handleAnalytics(w http.ResponseWriter, r *http.Request, rq *request) {
	s.serveAnalytics(w, r, rq, 0)
}

func (s *Server) handleArticleAnalytics(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "There is no such article."))
		return
	}
	s.serveAnalytics(w, r, rq, id)
}

func (s *Server) serveAnalytics(w http.ResponseWriter, r *http.Request, rq *request, articleID int64) {
	if !s.analyticsAllowed(w, r, rq) {
		return
	}
	q := r.URL.Query()
	data := analyticsPage{base: s.base(r, rq, "Analytics", "analytics"), From: q.Get("from"), To: q.Get("to")}
	rng, err := s.reports.ParseRange(q.Get("range"), data.From, data.To)
	status := http.StatusOK
	if err != nil {
		if communique.ErrorCode(err) != communique.EINVALID {
			s.fail(w, r, rq, err)
			return
		}
		// The form comes back with what was typed, and today's figures.
		data.Error, status = communique.ErrorMessage(err), http.StatusBadRequest
		rng, _ = s.reports.ParseRange("today", "", "")
		rng.Name = "custom"
	}
	rep, err := s.reports.Report(r.Context(), rq.User, rng, articleID)
	if communique.ErrorCode(err) == communique.EFORBIDDEN {
		s.forbid(w, r, rq)
		return
	} else if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Report, data.Article = rep, rep.Article
	if rep.Article != nil {
		data.Title = "Analytics: " + rep.Article.Title
	}
	if data.From == "" {
		data.From, data.To = rng.From, rng.To
	}
	data.Ranges = rangeLinks(r.URL.Path, rng.Name)
	data.Chart = drawChart(rep.Series)
	for _, d := range analytics.DimLabels {
		if rows := rep.Dims[d.Dim]; len(rows) > 0 {
			data.Dims = append(data.Dims, dimTable{Label: d.Label, Rows: rows})
		}
	}
	data.Export = exportURL(articleID, rng)
	data.Share, data.Per = engagementShares(rep)
	s.render(w, r, status, "analytics", data)
}

func rangeLinks(path, current string) []rangeLink {
	var out []rangeLink
	for _, rg := range analytics.Ranges[:4] {
		out = append(out, rangeLink{Label: rg.Label, URL: path + "?range=" + rg.Name, Current: rg.Name == current})
	}
	return out
}

func exportURL(articleID int64, rng analytics.Range) string {
	v := url.Values{"range": {rng.Name}}
	if rng.Name == "custom" {
		v.Set("from", rng.From)
		v.Set("to", rng.To)
	}
	if articleID != 0 {
		v.Set("article", strconv.FormatInt(articleID, 10))
	}
	return "/admin/analytics/export?" + v.Encode()
}

func engagementShares(rep *analytics.Report) (share, per string) {
	e := rep.Engagement
	if rep.Views > 0 && e.Reached > 0 {
		share = fmt.Sprintf("%.0f%%", 100*float64(e.Reached)/float64(rep.Views))
	}
	if e.Comments > 0 {
		per = fmt.Sprintf("%.1f", float64(rep.Views)/float64(e.Comments))
	}
	return share, per
}

// handleAnalyticsExport sends the figures shown as CSV.
func (s *Server) handleAnalyticsExport(w http.ResponseWriter, r *http.Request, rq *request) {
	if !s.analyticsAllowed(w, r, rq) {
		return
	}
	q := r.URL.Query()
	var articleID int64
	if v := q.Get("article"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "The article is given by its number."))
			return
		}
		articleID = id
	}
	rng, err := s.reports.ParseRange(q.Get("range"), q.Get("from"), q.Get("to"))
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	rep, err := s.reports.Report(r.Context(), rq.User, rng, articleID)
	if communique.ErrorCode(err) == communique.EFORBIDDEN {
		s.forbid(w, r, rq)
		return
	} else if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	name := fmt.Sprintf("analytics-%s-%s", rng.From, rng.To)
	if articleID != 0 {
		name += "-article-" + strconv.FormatInt(articleID, 10)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	h.Set("Cache-Control", "no-store")
	if err := analytics.WriteCSV(w, rep); err != nil {
		s.logger.Warn("analytics export", "err", err)
	}
}

// durationText says a duration as a person would.
func durationText(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}
