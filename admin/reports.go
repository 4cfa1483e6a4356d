package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"communique"
	"communique/discussion"
)

// reportedTab is the queue of comments readers reported; it is not a
// status, so it sits beside the status tabs.
const reportedTab = "reported"

type reportedPage struct {
	base
	Status    string
	Counts    map[communique.CommentStatus]int
	Tabs      []communique.CommentStatus
	Reported  int
	Items     []reportedRow
	Sort      string
	Statuses  []communique.CommentStatus
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
	Threshold int
}

type reportedRow struct {
	*discussion.ReportedItem
	ArticleTitle string
	ArticleURL   string
}

// handleReported lists reported comments with every report's reason and
// explanation, so a moderator judges them without opening each.
func (s *Server) handleReported(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q := r.URL.Query()
	data := reportedPage{base: s.base(r, rq, "Reported comments", "comments"), Status: reportedTab, Sort: q.Get("sort"),
		Tabs:      []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash},
		Statuses:  []communique.CommentStatus{communique.CommentApproved, communique.CommentPending, communique.CommentSpam, communique.CommentTrash},
		Threshold: rq.Settings.CommentReportThreshold}
	if data.Sort != "age" {
		data.Sort = "reports"
	}
	var err error
	if data.Counts, err = s.store.CountComments(ctx); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Page, _ = strconv.Atoi(q.Get("page"))
	data.Page = max(1, min(data.Page, 100000))
	items, total, err := s.discussion.ReportedQueue(ctx, rq.User, data.Sort == "reports", (data.Page-1)*commentsPerPage, commentsPerPage)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Reported = total
	for _, it := range items {
		row := reportedRow{ReportedItem: it}
		if a, err := s.store.FindArticleByID(ctx, it.Comment.ArticleID); err == nil {
			row.ArticleTitle, row.ArticleURL = a.Title, s.publicPath(r, rq, a)
		}
		data.Items = append(data.Items, row)
	}
	data.Pages = max(1, (total+commentsPerPage-1)/commentsPerPage)
	link := func(n int) string {
		return "/admin/comments?" + url.Values{"status": {reportedTab}, "sort": {data.Sort}, "page": {strconv.Itoa(n)}}.Encode()
	}
	if data.Page > 1 {
		data.PrevURL = link(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.NextURL = link(data.Page + 1)
	}
	s.render(w, r, http.StatusOK, "reported", data)
}

// handleCommentDecide records a moderator's decision on a reported
// comment with its reason, which reporters who asked are told.
func (s *Server) handleCommentDecide(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Comment not found."))
		return
	}
	status := communique.CommentStatus(r.PostFormValue("decision"))
	if err := s.discussion.Decide(r.Context(), rq.User, id, status, r.PostFormValue("reason")); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/comments?done=decided&status="+reportedTab, http.StatusSeeOther)
}
