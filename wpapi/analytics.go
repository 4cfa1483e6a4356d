package wpapi

import (
	"net/http"
	"strconv"

	"communique"
	"communique/analytics"
)

// analyticsJSON is GET /wp-json/communique/v1/analytics: the figures the
// newsroom's dashboard shows, for scripts.
type analyticsJSON struct {
	Range      analytics.Range           `json:"range"`
	Scope      string                    `json:"scope"`
	ArticleID  int64                     `json:"article,omitempty"`
	Views      int64                     `json:"views"`
	Visitors   int64                     `json:"visitors"`
	Feed       *int64                    `json:"feed_fetches,omitempty"`
	NotFound   *int64                    `json:"not_found,omitempty"`
	Realtime   *int64                    `json:"realtime_views,omitempty"`
	Series     []pointJSON               `json:"series"`
	Top        []topJSON                 `json:"top"`
	Dims       map[string][]dimValueJSON `json:"dimensions"`
	Engagement engagementJSON            `json:"engagement"`
}

type pointJSON struct {
	Label    string `json:"label"`
	Views    int64  `json:"views"`
	Visitors int64  `json:"visitors"`
}

type topJSON struct {
	Path      string `json:"path"`
	Kind      string `json:"kind"`
	ArticleID int64  `json:"article,omitempty"`
	Title     string `json:"title,omitempty"`
	Views     int64  `json:"views"`
	Visitors  int64  `json:"visitors"`
	Entries   int64  `json:"entries"`
}

type dimValueJSON struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

type engagementJSON struct {
	Comments            int64 `json:"comments"`
	Replies             int64 `json:"replies"`
	Reached             int64 `json:"reached_comments"`
	FirstCommentSeconds int64 `json:"seconds_to_first_comment"`
	ModerationSeconds   int64 `json:"mean_moderation_seconds"`
	Moderated           int64 `json:"moderated"`
}

// handleAnalytics answers with readers' figures: editors get the site's
// or any article's, authors and contributors their own articles'.
func (s *Server) handleAnalytics(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	if c.User == nil {
		s.fail(w, r, &apiError{Status: http.StatusUnauthorized, Code: "rest_forbidden", Message: "Sorry, you are not allowed to see analytics."})
		return
	}
	if s.reports == nil {
		s.fail(w, r, notFound("rest_no_route", "No route was found matching the URL and request method."))
		return
	}
	q := r.URL.Query()
	bad := invalid{}
	var articleID int64
	if v := q.Get("article"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			bad["article"] = "article is not of type integer."
		}
		articleID = id
	}
	rng, err := s.reports.ParseRange(q.Get("range"), q.Get("from"), q.Get("to"))
	if err != nil {
		bad["range"] = communique.ErrorMessage(err)
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.reports.Report(r.Context(), c.User, rng, articleID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, reportJSON(rep, articleID))
}

func reportJSON(rep *analytics.Report, articleID int64) analyticsJSON {
	out := analyticsJSON{Range: rep.Range, Scope: rep.Scope, ArticleID: articleID, Views: rep.Views, Visitors: rep.Visitors,
		Series: []pointJSON{}, Top: []topJSON{}, Dims: map[string][]dimValueJSON{}}
	if rep.Scope == "site" {
		out.Feed, out.NotFound = &rep.Feed, &rep.NotFound
	}
	if rep.HasRealtime {
		out.Realtime = &rep.Realtime
	}
	for _, p := range rep.Series {
		out.Series = append(out.Series, pointJSON{p.Label, p.Views, p.Visitors})
	}
	for _, t := range rep.Top {
		out.Top = append(out.Top, topJSON{Path: t.Path, Kind: string(t.Kind), ArticleID: t.ArticleID, Title: t.Title, Views: t.Views, Visitors: t.Visitors, Entries: t.Entries})
	}
	for dim, rows := range rep.Dims {
		for _, v := range rows {
			out.Dims[dim] = append(out.Dims[dim], dimValueJSON{v.Value, v.Views})
		}
	}
	e := rep.Engagement
	out.Engagement = engagementJSON{Comments: e.Comments, Replies: e.Replies, Reached: e.Reached,
		FirstCommentSeconds: int64(e.FirstComment.Seconds()), ModerationSeconds: int64(e.ModerationWait.Seconds()), Moderated: e.ModerationCount}
	return out
}
