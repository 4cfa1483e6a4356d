package web

import (
	"net/http"
	"strconv"
	"strings"

	"communique"
	"communique/discussion"
	"communique/internal/httpkit"
)

// reportPage is the form a reader fills to report a comment, and the
// thanks once it is sent. It is its own page, not part of the cached
// article, so the article stays the same for everyone.
type reportPage struct {
	pageData
	CSRF        string
	CommentID   int64
	ArticleID   int64
	ArticleURL  string
	Author      string
	HTML        string
	Reasons     []reportReason
	Reason      string
	Explanation string
	Email       string
	Errors      map[string]string
	Message     string
	Done        bool
	Held        bool
}

type reportReason struct {
	Value, Label string
}

func reasons() []reportReason {
	out := make([]reportReason, len(communique.ReportReasons))
	for i, r := range communique.ReportReasons {
		out[i] = reportReason{string(r), r.Label()}
	}
	return out
}

// reportable loads a comment readers may report: approved, on a public
// article. Anything else is not found, whatever it is.
func (s *Server) reportable(w http.ResponseWriter, r *http.Request) (*communique.Comment, *site, string, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return nil, nil, "", false
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, "", false
	}
	c, err := s.store.FindCommentByID(r.Context(), id)
	if err != nil || c.Status != communique.CommentApproved {
		s.notFound(w, r)
		return nil, nil, "", false
	}
	a, err := s.store.FindArticleByID(r.Context(), c.ArticleID)
	if err != nil || !a.IsPublic(s.Now()) {
		s.notFound(w, r)
		return nil, nil, "", false
	}
	return c, st, s.articleURL(r.Context(), st, a), true
}

func (s *Server) handleCommentReport(w http.ResponseWriter, r *http.Request) {
	c, st, articleURL, ok := s.reportable(w, r)
	if !ok {
		return
	}
	s.renderReport(w, r, st, &reportPage{CommentID: c.ID, ArticleID: c.ArticleID, ArticleURL: articleURL, Author: c.AuthorName, HTML: c.HTML}, http.StatusOK)
}

func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, st *site, p *reportPage, status int) {
	p.CSRF, p.Reasons = s.csrfToken(w, r), reasons()
	if p.Author == "" {
		p.Author = "Anonymous"
	}
	s.fillPageFrom(r, st, &p.pageData, st.words.T("report.title"), "")
	p.NoIndex = true
	s.render(w, r, status, "comment_report", p)
}

// handleCommentReportPost takes a report. A refused one comes back with
// everything the reader chose and typed.
func (s *Server) handleCommentReportPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EINVALID, "The report could not be read (is it larger than 64 KB?)."))
		return
	}
	c, st, articleURL, ok := s.reportable(w, r)
	if !ok {
		return
	}
	articleID, _ := strconv.ParseInt(r.PostFormValue("article_id"), 10, 64)
	p := &reportPage{CommentID: c.ID, ArticleID: c.ArticleID, ArticleURL: articleURL, Author: c.AuthorName, HTML: c.HTML,
		Reason: r.PostFormValue("reason"), Explanation: r.PostFormValue("explanation"), Email: strings.TrimSpace(r.PostFormValue("report_email"))}
	if !s.checkCSRF(r) {
		p.Message = "This form expired. Please send your report again."
		s.renderReport(w, r, st, p, http.StatusForbidden)
		return
	}
	res, err := s.discussion.Report(r.Context(), st.settings, discussion.ReportSubmission{
		ArticleID: articleID, CommentID: c.ID, Reason: communique.ReportReason(p.Reason), Explanation: p.Explanation, Email: p.Email,
		ReporterKey: ensureOwnerKey(w, r), IP: clientIP(r),
	})
	if refusal := discussion.AsError(err); refusal != nil {
		p.Errors, p.Message = refusal.Fields, refusal.Message
		s.renderReport(w, r, st, p, httpkit.Status(refusal))
		return
	} else if communique.ErrorCode(err) == communique.ENOTFOUND {
		s.notFound(w, r)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Done, p.Held = true, res.Held
	s.renderReport(w, r, st, p, http.StatusOK)
}
