package wpapi

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"time"

	"communique"
	"communique/discussion"
)

// Comments: /wp/v2/comments. Readers see approved comments on published
// articles; moderators see the rest, and only they, in edit context, see
// a commenter's email, IP and browser. New comments, from anyone, go
// through discussion's rules (spam, moderation, flood, duplicates), and
// moderation goes through discussion too, so the classifier learns from
// verdicts given here as from those given in the newsroom.

type commentJSON struct {
	ID              int64             `json:"id"`
	Post            int64             `json:"post"`
	Parent          int64             `json:"parent"`
	Author          int64             `json:"author"`
	AuthorName      string            `json:"author_name"`
	AuthorEmail     *string           `json:"author_email,omitempty"`
	AuthorIP        *string           `json:"author_ip,omitempty"`
	AuthorURL       string            `json:"author_url"`
	AuthorUserAgent *string           `json:"author_user_agent,omitempty"`
	Date            string            `json:"date"`
	DateGMT         string            `json:"date_gmt"`
	Content         rendered          `json:"content"`
	Link            string            `json:"link"`
	Status          string            `json:"status"`
	Type            string            `json:"type"`
	AvatarURLs      map[string]string `json:"author_avatar_urls"`
	Meta            *[]any            `json:"meta,omitempty"`
	Links           links             `json:"_links"`
	Embedded        map[string]any    `json:"_embedded,omitempty"`
}

func (j *commentJSON) linksOf() links               { return j.Links }
func (j *commentJSON) setEmbedded(e map[string]any) { j.Embedded = e }

// Comment statuses between the store's words and WordPress's.
var wpCommentStatus = map[communique.CommentStatus]string{
	communique.CommentApproved: "approved", communique.CommentPending: "hold",
	communique.CommentSpam: "spam", communique.CommentTrash: "trash",
}

// commentStatusOf reads a status as WordPress accepts it.
func commentStatusOf(s string) (communique.CommentStatus, bool) {
	switch strings.ToLower(s) {
	case "approved", "approve", "1":
		return communique.CommentApproved, true
	case "hold", "unapproved", "0":
		return communique.CommentPending, true
	case "spam":
		return communique.CommentSpam, true
	case "trash":
		return communique.CommentTrash, true
	}
	return "", false
}

func canModerate(c *caller) bool {
	return communique.Can(c.User, communique.ActionModerateComment, nil)
}

// articleLinks remembers the links of the articles of one answer.
type articleLinks map[int64]string

func (s *Server) commentOut(ctx context.Context, c *caller, cm *communique.Comment, context string, seen articleLinks) *commentJSON {
	edit := context == contextEdit && canModerate(c)
	articleURL, ok := seen[cm.ArticleID]
	if !ok {
		if a, err := s.store.FindArticleByID(ctx, cm.ArticleID); err == nil {
			articleURL = s.articleLink(ctx, c, a)
		}
		seen[cm.ArticleID] = articleURL
	}
	j := &commentJSON{ID: cm.ID, Post: cm.ArticleID, Parent: cm.ParentID, Author: cm.UserID, AuthorName: cm.AuthorName,
		AuthorURL: cm.AuthorURL, Date: wpDate(cm.CreatedAt, c.Settings.Location), DateGMT: wpDate(cm.CreatedAt, time.UTC),
		Content: rendered{Rendered: cm.HTML, Raw: rawIf(edit, cm.Text)}, Link: articleURL + "#comment-" + itoa(cm.ID),
		Status: wpCommentStatus[cm.Status], Type: cm.Type, AvatarURLs: avatarURLs(c, cm.AvatarHash),
		Links: links{
			"self":       {{Href: c.api("/wp/v2/comments/" + itoa(cm.ID))}},
			"collection": {{Href: c.api("/wp/v2/comments")}},
			"up":         {{Href: c.api("/wp/v2/posts/" + itoa(cm.ArticleID)), Embeddable: true, PostType: communique.TypePost}},
		}}
	if edit {
		email, ip, ua := cm.AuthorEmail, cm.AuthorIP, cm.UserAgent
		j.AuthorEmail, j.AuthorIP, j.AuthorUserAgent = &email, &ip, &ua
	}
	if context != contextEmbed {
		j.Meta = noMeta
	}
	if cm.UserID != 0 {
		j.Links["author"] = []link{{Href: c.api("/wp/v2/users/" + itoa(cm.UserID)), Embeddable: true}}
	}
	if cm.ParentID != 0 {
		j.Links["in-reply-to"] = []link{{Href: c.api("/wp/v2/comments/" + itoa(cm.ParentID)), Embeddable: true}}
	}
	return j
}

func (s *Server) handleCommentList(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in := queryInput(r)
	bad := invalid{}
	context := readContext(in, bad)
	pg := readPaging(in, bad)
	f := communique.CommentFilter{Status: []communique.CommentStatus{communique.CommentApproved}, Newest: true}
	if ids, ok := in.ints("post", bad); ok {
		switch len(ids) {
		case 0:
		case 1:
			f.ArticleID = &ids[0]
		default:
			bad["post"] = "post: only one post at a time is supported by this site."
		}
	}
	statusGiven := in.has("status")
	if v, ok := in.str("status", bad); ok {
		if st, known := commentStatusOf(v); known {
			f.Status = []communique.CommentStatus{st}
		} else if v == "all" || v == "any" {
			f.Status = nil
		} else {
			bad["status"] = "status is not one of approve, hold, spam, trash, all."
		}
	}
	emailGiven := in.has("author_email")
	if v, ok := in.str("author_email", bad); ok {
		f.Email = &v
	}
	if t, ok := in.date("before", c.Settings.Location, bad); ok {
		f.CreatedBefore = &t
	}
	in.choice("orderby", bad, "date", "date_gmt", "id")
	if order, ok := in.choice("order", bad, "asc", "desc"); ok {
		f.Newest = order == "desc"
	}
	if ids, ok := in.ints("parent", bad); ok {
		f.ParentIDs = ids
	}
	if v, ok := in.str("type", bad); ok {
		f.Types = []string{v}
	}
	for k, ids := range map[string]*[]int64{"include": &f.IDs, "exclude": &f.ExcludeIDs, "parent_exclude": &f.ExcludeParentIDs,
		"author": &f.UserIDs, "author_exclude": &f.ExcludeUserIDs} {
		if v, ok := in.ints(k, bad); ok {
			*ids = v // empty: no filter, as WordPress reads []
		}
	}
	byAuthor := in.has("author") || in.has("author_exclude")
	in.unsupported(bad, "search", "after")
	password, _ := in.str("password", bad)
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	moderator := canModerate(c)
	switch {
	case statusGiven && !moderator && !(len(f.Status) == 1 && f.Status[0] == communique.CommentApproved):
		s.fail(w, r, forbidden(c, "rest_forbidden_param", "Query parameter not permitted: status"))
		return
	case emailGiven && !moderator:
		s.fail(w, r, forbidden(c, "rest_forbidden_param", "Query parameter not permitted: author_email"))
		return
	case byAuthor && !moderator:
		s.fail(w, r, forbidden(c, "rest_forbidden_param", "Query parameter not permitted: author"))
		return
	case context == contextEdit && !moderator:
		s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit comments."))
		return
	}
	// A protected post's comments are listed, as in WordPress, to whoever
	// gives its password (or may edit it), when that post alone is asked for.
	unlocked := false
	if f.ArticleID != nil {
		a, err := s.store.FindArticleByID(r.Context(), *f.ArticleID)
		if err == nil && (!s.canRead(c, a) || !canReadProtected(c, a, password)) {
			s.fail(w, r, forbidden(c, "rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment."))
			return
		} else if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		unlocked = err == nil && a.Protected()
	}
	// Private columns leave the store only for moderators.
	f.Private, f.PublishedOnly = moderator, !moderator && !unlocked
	f.Offset, f.Limit = pg.start(), pg.PerPage
	list, total, err := s.store.FindComments(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := setPaging(w, r, c, pg, total, "rest_comment_invalid_page_number"); err != nil {
		s.fail(w, r, err)
		return
	}
	seen := articleLinks{}
	writeList(s, w, r, mapItems(list, func(cm *communique.Comment) *commentJSON {
		return s.commentOut(r.Context(), c, cm, context, seen)
	}))
}

// loadComment finds the route's comment with its private fields; callers
// decide what of them to show.
func (s *Server) loadComment(r *http.Request) (*communique.Comment, error) {
	return findByRouteID(r, s.store.FindCommentByID, notFound("rest_comment_invalid_id", "Invalid comment ID."))
}

// loadCommentToModerate loads the route's comment for a moderator;
// anyone else gets denied once the comment is known to exist.
func (s *Server) loadCommentToModerate(r *http.Request, c *caller, denied error) (*communique.Comment, error) {
	cm, err := s.loadComment(r)
	if err == nil && !canModerate(c) {
		return nil, denied
	}
	return cm, err
}

func (s *Server) handleCommentGet(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	context, err := readQueryContext(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cm, err := s.loadComment(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !canModerate(c) {
		if cm.Status != communique.CommentApproved {
			s.fail(w, r, forbidden(c, "rest_cannot_read", "Sorry, you are not allowed to read this comment."))
			return
		}
		if a, err := s.store.FindArticleByID(r.Context(), cm.ArticleID); err != nil || !s.canRead(c, a) || !canReadProtected(c, a, r.URL.Query().Get("password")) {
			s.fail(w, r, forbidden(c, "rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment."))
			return
		}
		if context == contextEdit {
			s.fail(w, r, forbidden(c, "rest_forbidden_context", "Sorry, you are not allowed to edit comments."))
			return
		}
	}
	j := s.commentOut(r.Context(), c, cm, context, articleLinks{})
	s.embed(r, []embedding{j})
	writeJSON(w, http.StatusOK, j)
}

// handleCommentCreate posts a comment through discussion's rules: from
// anyone (WordPress's rest_allow_anonymous_comments, kept on), with no
// form token since there is no form, and under its own rate limit.
func (s *Server) handleCommentCreate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	postID, hasPost := in.int("post", bad)
	parentID, _ := in.int("parent", bad)
	authorName, _ := in.str("author_name", bad)
	authorEmail, _ := in.str("author_email", bad)
	authorURL, _ := in.str("author_url", bad)
	text, _ := in.str("content", bad)
	var status communique.CommentStatus
	if v, ok := in.str("status", bad); ok {
		if status, ok = commentStatusOf(v); !ok {
			bad["status"] = "status is not one of approved, hold, spam, trash."
		}
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	moderator := canModerate(c)
	if id, ok := in.int("author", bad); ok && !moderator && (c.User == nil || id != c.User.ID) {
		s.fail(w, r, forbidden(c, "rest_comment_invalid_author", "Sorry, you are not allowed to edit 'author' for comments."))
		return
	}
	if in.has("author_ip") && !moderator {
		s.fail(w, r, forbidden(c, "rest_comment_invalid_author_ip", "Sorry, you are not allowed to edit 'author_ip' for comments."))
		return
	}
	if status != "" && !moderator {
		s.fail(w, r, forbidden(c, "rest_comment_invalid_status", "Sorry, you are not allowed to edit 'status' for comments."))
		return
	}
	noPost := &apiError{Status: http.StatusForbidden, Code: "rest_comment_invalid_post_id", Message: "Sorry, you are not allowed to create this comment without a post."}
	if !hasPost || postID <= 0 {
		s.fail(w, r, noPost)
		return
	}
	if a, err := s.store.FindArticleByID(r.Context(), postID); communique.ErrorCode(err) == communique.ENOTFOUND || err == nil && (!s.canRead(c, a) || !canReadProtected(c, a, r.URL.Query().Get("password"))) {
		s.fail(w, r, noPost)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.User == nil {
		if ok, wait := s.comments.allow("ip:" + c.IP); !ok {
			s.tooMany(w, r, wait)
			return
		}
	}
	sub := discussion.Submission{ArticleID: postID, ParentID: parentID, Author: authorName, Email: authorEmail, URL: authorURL,
		Text: text, SkipToken: true, IP: c.IP, UserAgent: r.UserAgent()}
	// The service signs the comment with the user's name, trusts
	// moderators, and lets them set the status, the author and the date.
	sub.By, sub.Status, sub.AsGiven = c.User, status, true
	if t, ok := in.date("date", c.Settings.Location, bad); ok {
		sub.Date = t
	}
	if t, ok := in.date("date_gmt", time.UTC, bad); ok {
		sub.Date = t
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	cm, err := s.talk.Post(r.Context(), c.Settings, sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if cm, err = s.store.FindCommentByID(r.Context(), cm.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	j := s.commentOut(r.Context(), c, cm, contextEdit, articleLinks{})
	w.Header().Set("Location", j.Links["self"][0].Href)
	writeJSON(w, http.StatusCreated, j)
}

// commentRefusal turns discussion's refusals into WordPress's errors.
func commentRefusal(e *discussion.Error) *apiError {
	switch e.Kind {
	case discussion.KindClosed:
		return &apiError{Status: http.StatusForbidden, Code: "rest_comment_closed", Message: "Sorry, comments are closed for this item."}
	case discussion.KindFlood:
		return &apiError{Status: http.StatusTooManyRequests, Code: "comment_flood", Message: e.Message}
	case discussion.KindDuplicate:
		return &apiError{Status: http.StatusConflict, Code: "comment_duplicate", Message: e.Message}
	case discussion.KindForbidden:
		return &apiError{Status: http.StatusForbidden, Code: "rest_forbidden", Message: e.Message}
	case discussion.KindBanned:
		return &apiError{Status: http.StatusForbidden, Code: "rest_comment_author_blocked", Message: e.Message}
	case discussion.KindInvalid:
		names := map[string]string{"author": "author_name", "email": "author_email", "url": "author_url", "comment": "content", "comment_parent": "parent"}
		params := map[string]string{}
		var keys []string
		for k, msg := range e.Fields {
			if n, ok := names[k]; ok {
				k = n
			}
			params[k] = msg
			keys = append(keys, k)
		}
		sort.Strings(keys)
		switch {
		case params["content"] != "":
			return &apiError{Status: http.StatusBadRequest, Code: "rest_comment_content_invalid", Message: "Invalid comment content.", Params: params}
		case params["author_name"] != "" || params["author_email"] != "":
			return &apiError{Status: http.StatusBadRequest, Code: "rest_comment_author_data_required",
				Message: "Creating a comment requires valid author name and email values.", Params: params}
		}
		return &apiError{Status: http.StatusBadRequest, Code: "rest_invalid_param", Message: "Invalid parameter(s): " + strings.Join(keys, ", "), Params: params}
	}
	return &apiError{Status: http.StatusBadRequest, Code: "rest_comment_failed_create", Message: e.Message}
}

// handleCommentUpdate moderates (status) and edits (content) a comment.
func (s *Server) handleCommentUpdate(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	cm, err := s.loadCommentToModerate(r, c, forbidden(c, "rest_cannot_edit", "Sorry, you are not allowed to edit this comment."))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, err := readInput(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bad := invalid{}
	var status communique.CommentStatus
	if v, ok := in.str("status", bad); ok {
		if status, ok = commentStatusOf(v); !ok {
			bad["status"] = "status is not one of approved, hold, spam, trash."
		}
	}
	text, hasText := in.str("content", bad)
	for _, k := range []string{"author", "author_name", "author_email", "author_url", "author_ip", "author_user_agent", "date", "date_gmt", "post", "parent"} {
		if in.has(k) {
			bad[k] = k + " cannot be changed on this site; only status and content can."
		}
	}
	if hasText && strings.TrimSpace(text) == "" {
		bad["content"] = "Invalid comment content."
	}
	if err := bad.err(); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if hasText {
		if _, err := s.talk.Amend(ctx, c.User, cm.ID, text); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if status != "" && status != cm.Status {
		if err := s.talk.Moderate(ctx, c.User, cm.ID, status); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if cm, err = s.store.FindCommentByID(ctx, cm.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.commentOut(ctx, c, cm, contextEdit, articleLinks{}))
}

func (s *Server) handleCommentDelete(w http.ResponseWriter, r *http.Request) {
	c := callerFrom(r.Context())
	cm, err := s.loadCommentToModerate(r, c, forbidden(c, "rest_cannot_delete", "Sorry, you are not allowed to delete this comment."))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	force, err := readForce(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if force {
		s.deleteForever(w, r, s.commentOut(ctx, c, cm, contextEdit, articleLinks{}), func() error {
			return s.talk.Delete(ctx, c.User, cm.ID)
		})
		return
	}
	if cm.Status == communique.CommentTrash {
		s.fail(w, r, &apiError{Status: http.StatusGone, Code: "rest_already_trashed", Message: "The comment has already been trashed."})
		return
	}
	if err := s.talk.Trash(ctx, c.User, cm.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if cm, err = s.store.FindCommentByID(ctx, cm.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.commentOut(ctx, c, cm, contextEdit, articleLinks{}))
}
