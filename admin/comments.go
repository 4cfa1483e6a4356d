package admin

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"communique"
	"communique/discussion"
	"communique/markup"
)

// commentRow is a comment in the moderation list, with what only
// moderators see: email, IP and the classifier's score, and for a reply
// the comment it answers.
type commentRow struct {
	*communique.Comment
	ArticleTitle string
	ArticleURL   string
	ScorePercent int
	// ParentAuthor and ParentExcerpt show which comment a reply answers.
	ParentAuthor, ParentExcerpt string
	// Labels say why it is in the queue (discussion.QueueLabels).
	Labels []string
}

type commentsPage struct {
	base
	Status string
	Counts map[communique.CommentStatus]int
	Tabs   []communique.CommentStatus
	Rows   []commentRow
	// Article, when set, narrows the list to its comments.
	Article *communique.Article
	// ShowScore is false until the spam classifier has learnt both spam
	// and not-spam: before that every score is the same meaningless 50 %.
	ShowScore bool
	// Oldest lists the oldest first (?order=oldest): the longest waiting.
	Oldest  bool
	Page    int
	Pages   int
	PrevURL string
	NextURL string
}

// parentExcerptWords is how much of a parent comment the moderation list
// quotes: enough to recognise it.
const parentExcerptWords = 24

const commentsPerPage = 50

func (s *Server) handleComments(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	if q.Get("status") == reportedTab {
		s.handleReported(w, r, rq)
		return
	}
	status := communique.CommentStatus(q.Get("status"))
	if !status.Valid() {
		status = communique.CommentPending
	}
	data := commentsPage{base: s.base(r, rq, "Comments", "comments"), Status: string(status),
		Tabs: []communique.CommentStatus{communique.CommentPending, communique.CommentApproved, communique.CommentSpam, communique.CommentTrash}}
	var err error
	if data.Counts, err = s.store.CountComments(ctx); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Oldest = q.Get("order") == "oldest"
	f := communique.CommentFilter{Status: []communique.CommentStatus{status}, Private: true, Newest: !data.Oldest, Limit: commentsPerPage}
	if id, err := strconv.ParseInt(q.Get("post"), 10, 64); err == nil && id > 0 {
		if data.Article, err = s.store.FindArticleByID(ctx, id); err != nil {
			s.fail(w, r, rq, err)
			return
		}
		f.ArticleID = &id
	}
	data.Page, _ = strconv.Atoi(q.Get("page"))
	data.Page = max(1, min(data.Page, 100000))
	f.Offset = (data.Page - 1) * commentsPerPage
	list, total, err := s.store.FindComments(ctx, f)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.Rows = s.commentRows(r, rq, list)
	if err := s.labelRows(ctx, rq, list, data.Rows); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	data.ShowScore = s.classifierLearnt(ctx)
	data.Pages = max(1, (total+commentsPerPage-1)/commentsPerPage)
	link := func(n int) string {
		v := url.Values{"status": {string(status)}, "page": {strconv.Itoa(n)}}
		if data.Oldest {
			v.Set("order", "oldest")
		}
		if data.Article != nil {
			v.Set("post", strconv.FormatInt(data.Article.ID, 10))
		}
		return "/admin/comments?" + v.Encode()
	}
	if data.Page > 1 {
		data.PrevURL = link(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.NextURL = link(data.Page + 1)
	}
	s.render(w, r, http.StatusOK, "comments", data)
}

// handleCommentsBulk moderates the ticked comments, or the one whose row
// button was pressed ("approve:42").
func (s *Server) handleCommentsBulk(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	action, ids := r.PostFormValue("action"), r.PostForm["ids"]
	if one := r.PostFormValue("row"); one != "" {
		if a, id, ok := strings.Cut(one, ":"); ok {
			action, ids = a, []string{id}
		}
	}
	actions := map[string]func(ctx context.Context, by *communique.User, id int64) error{
		"approve": s.discussion.Approve, "unapprove": s.discussion.Unapprove,
		"spam": s.discussion.Spam, "trash": s.discussion.Trash, "delete": s.discussion.Delete,
		"feature": func(ctx context.Context, by *communique.User, id int64) error {
			return s.discussion.Feature(ctx, by, id, true)
		},
		"unfeature": func(ctx context.Context, by *communique.User, id int64) error {
			return s.discussion.Feature(ctx, by, id, false)
		},
	}
	act := actions[action]
	for _, v := range ids {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		if act == nil {
			s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "Choose an action."))
			return
		}
		// A comment gone meanwhile (another moderator) is no failure.
		if err := act(r.Context(), rq.User, id); err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			s.fail(w, r, rq, err)
			return
		}
	}
	http.Redirect(w, r, moderationBack(r, "moderated"), http.StatusSeeOther)
}

// moderationBack is the list a moderation form came from: its status tab
// and, when it was narrowed to one article, that article.
func moderationBack(r *http.Request, done string) string {
	v := url.Values{"done": {done}, "status": {r.PostFormValue("status")}}
	if r.PostFormValue("order") == "oldest" {
		v.Set("order", "oldest")
	}
	if id, err := strconv.ParseInt(r.PostFormValue("post"), 10, 64); err == nil && id > 0 {
		v.Set("post", strconv.FormatInt(id, 10))
	}
	return "/admin/comments?" + v.Encode()
}

// handleCommentReply publishes a reply as the signed-in newsroom member,
// approving the comment replied to if it was held (as WordPress does).
func (s *Server) handleCommentReply(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, err := s.discussion.Reply(r.Context(), rq.Settings, rq.User, id, r.PostFormValue("comment"), clientIP(r), r.UserAgent()); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, moderationBack(r, "replied"), http.StatusSeeOther)
}

type commentEditPage struct {
	base
	Comment   *communique.Comment
	Text      string
	Revisions []*communique.CommentRevision
	Error     string
}

func (s *Server) loadComment(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Comment, bool) {
	if !communique.Can(rq.User, communique.ActionModerateComment, nil) {
		s.forbid(w, r, rq)
		return nil, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Comment not found."))
		return nil, false
	}
	c, err := s.store.FindCommentByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, false
	}
	return c, true
}

// handleCommentEdit shows a comment's text and its edit history.
func (s *Server) handleCommentEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	c, ok := s.loadComment(w, r, rq)
	if !ok {
		return
	}
	revs, _ := s.store.FindCommentRevisions(r.Context(), c.ID)
	s.render(w, r, http.StatusOK, "comment_edit", commentEditPage{base: s.base(r, rq, "Edit comment", "comments"), Comment: c, Text: c.Text, Revisions: revs})
}

// handleCommentEditPost saves a moderator's edit; the status stays as it is.
func (s *Server) handleCommentEditPost(w http.ResponseWriter, r *http.Request, rq *request) {
	c, ok := s.loadComment(w, r, rq)
	if !ok {
		return
	}
	if _, err := s.discussion.Amend(r.Context(), rq.User, c.ID, r.PostFormValue("comment")); err != nil {
		if refusal := discussion.AsError(err); refusal != nil {
			revs, _ := s.store.FindCommentRevisions(r.Context(), c.ID)
			s.render(w, r, http.StatusBadRequest, "comment_edit", commentEditPage{base: s.base(r, rq, "Edit comment", "comments"), Comment: c, Text: r.PostFormValue("comment"), Revisions: revs, Error: refusal.Fields["comment"]})
			return
		}
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/comments/"+strconv.FormatInt(c.ID, 10)+"/edit?done=saved", http.StatusSeeOther)
}

// commentRows dresses comments for the moderation list and the dashboard:
// their article's title and address, and for a reply an excerpt of the
// comment it answers. A lookup that fails leaves its part out rather than
// the whole list.
func (s *Server) commentRows(r *http.Request, rq *request, list []*communique.Comment) []commentRow {
	ctx := r.Context()
	articles := map[int64]*communique.Article{}
	rows := make([]commentRow, 0, len(list))
	for _, c := range list {
		a, ok := articles[c.ArticleID]
		if !ok {
			a, _ = s.store.FindArticleByID(ctx, c.ArticleID)
			articles[c.ArticleID] = a
		}
		row := commentRow{Comment: c, ScorePercent: int(c.SpamScore*100 + 0.5)}
		if a != nil {
			row.ArticleTitle, row.ArticleURL = a.Title, s.publicPath(r, rq, a)
		}
		if c.ParentID != 0 {
			if p, err := s.store.FindCommentByID(ctx, c.ParentID); err == nil {
				row.ParentAuthor, row.ParentExcerpt = p.AuthorName, markup.Excerpt(p.HTML, parentExcerptWords)
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// classifierLearnt reports whether the spam classifier has been trained
// on both spam and not-spam, the point from which its scores mean
// something (spam.Score answers 0.5 until then).
func (s *Server) classifierLearnt(ctx context.Context) bool {
	sc, err := s.store.SpamCounts(ctx, nil)
	return err == nil && sc.Spam > 0 && sc.Ham > 0
}
