package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/avatar"
	"communique/discussion"
	"communique/i18n"
	"communique/internal/httpkit"
)

// Cookies of the comment section. The remember-me names are WordPress's,
// without its per-site hash suffix.
const (
	ownerCookie        = "communique_commenter"
	authorCookie       = "comment_author"
	authorEmailCookie  = "comment_author_email"
	authorURLCookie    = "comment_author_url"
	rememberFor        = 365 * 24 * time.Hour
	commentFormMaxBody = 256 << 10
)

// commentForm is the reply form's state: empty for a fresh form, filled
// with everything the reader typed when it comes back with errors.
type commentForm struct {
	Open     bool
	Token    string
	Author   string
	Email    string
	URL      string
	Text     string
	ParentID int64
	ReplyTo  string // name of the comment replied to, for the no-JS reply
	Remember bool
	Errors   map[string]string
	Message  string
	// Wait, for a flood refusal, is the seconds left to wait, which the
	// form says in the reader's language.
	Wait int

	// Notify shows the subscription boxes: the site sends email.
	Notify            bool
	SubscribeComments bool
	SubscribePosts    bool
}

// commentView is a comment as the template shows it: its own fields,
// its replies, and, once rendered, its HTML (fragment.go).
type commentView struct {
	commentFields
	Replies []*commentView
	// Fragment is this comment's HTML, replies included, when the page
	// already has it; the "comment" template then writes it as it is.
	Fragment template.HTML
}

// commentFields is everything the "comment" template shows of one
// comment: a rendered fragment is cached under these values, so a field
// the template reads must live here, never beside Replies.
type commentFields struct {
	ID         int64
	Depth      int
	AuthorName string
	AuthorURL  string
	Avatar     string
	HTML       string
	Date       string
	DateISO    string
	Pending    bool
	Edited     bool
	CanEdit    bool
	CanReply   bool
	ReplyURL   string
	Type       string
	Handle     string // a fediverse reply's @user@host
	// Featured is an editor's pick; Badge a staff commenter's role.
	Featured bool
	Badge    string
	// Reactions is the count; ArticleID and Sort go with the reaction
	// form, back to the same order.
	Reactions int
	ArticleID int64
	Sort      string
	// Answer marks a newsroom member's reply in a Q&A thread.
	Answer bool
}

// liveLink is what the page's live script needs: the stream and where a new top-level comment goes on this page
// ("end", "start" or "": only replies, edits and removals).
type liveLink struct {
	Stream string
	Insert string
}

// sortLink is one thread order a reader can choose.
type sortLink struct {
	Label   string
	URL     string
	Current bool
}

var sortLabels = map[string]string{discussion.SortOldest: "Oldest", discussion.SortNewest: "Newest",
	discussion.SortReactions: "Most respected", discussion.SortReplies: "Most replies"}

// discussionView is the whole comment section of an article page.
type discussionView struct {
	Count    int
	Featured []*commentView // editors' picks, above the thread
	Sorts    []sortLink     // thread orders, as links
	Threads  []*commentView
	// ThreadsHTML is the threads' fragments, one after another, once
	// every one of them rendered (fragment.go).
	ThreadsHTML template.HTML
	Page        int
	Pages       int
	PrevURL     string
	NextURL     string
	Form        *commentForm
	Closed      bool
	// Notice is the editor's message above the form; Hidden a thread
	// closed from view; QA a thread of answered questions.
	Notice string
	Hidden bool
	QA     bool
	// Live, when set, lets JavaScript follow the thread.
	Live     *liveLink
	Depth    int
	Awaiting bool
	Beacon   int64 // the article whose readers' reaching the comments is counted; 0: no beacon
	// First shows the reply form under the article's heading: it comes
	// back refused, and its error summary must be in the first screen.
	First bool
}

// ownerKey returns the hash of this browser's commenter key, or "".
func ownerKey(r *http.Request) string {
	c, err := r.Cookie(ownerCookie)
	if err != nil || len(c.Value) != 64 {
		return ""
	}
	sum := sha256.Sum256([]byte(c.Value))
	return hex.EncodeToString(sum[:])
}

// ensureOwnerKey gives the browser a commenter key if it has none and
// returns its hash.
func ensureOwnerKey(w http.ResponseWriter, r *http.Request) string {
	if k := ownerKey(r); k != "" {
		return k
	}
	v := randomToken()
	http.SetCookie(w, &http.Cookie{Name: ownerCookie, Value: v, Path: "/", MaxAge: int(rememberFor.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// newCommentForm is a fresh form, filled from the remember-me cookies.
func (s *Server) newCommentForm(r *http.Request, a *communique.Article) *commentForm {
	f := &commentForm{Open: true, Token: s.discussion.IssueToken(a.ID), Notify: s.notify != nil}
	if c, err := r.Cookie(authorCookie); err == nil {
		f.Author, _ = url.QueryUnescape(c.Value)
		f.Remember = true
	}
	if c, err := r.Cookie(authorEmailCookie); err == nil {
		f.Email, _ = url.QueryUnescape(c.Value)
	}
	if c, err := r.Cookie(authorURLCookie); err == nil {
		f.URL, _ = url.QueryUnescape(c.Value)
	}
	return f
}

// discussion loads the comment section for an article page.
func (s *Server) discussionFor(r *http.Request, st *site, a *communique.Article, articleURL string, page int, form *commentForm) (*discussionView, error) {
	ctx := r.Context()
	now := s.Now()
	key := ownerKey(r)
	order := sortQuery(r)
	p, err := s.discussion.SortedThread(ctx, st.settings, a.ID, page, key, order)
	if err != nil {
		return nil, err
	}
	d := &discussionView{Count: a.CommentCount, Page: p.Page, Pages: p.Pages, Depth: st.settings.ThreadCommentsDepth}
	if ad := p.Discussion; ad != nil {
		d.Notice, d.Hidden, d.QA = ad.Message, ad.Hidden, ad.QA
		if ad.Hidden {
			d.Count = 0
		}
	}
	if !discussion.CommentsOpen(a, st.settings, now) || d.Hidden {
		d.Closed = true
		// A comment refused because the article closed comes back with
		// everything the reader typed, so nothing is lost.
		d.Form = form
	} else {
		if form == nil {
			form = s.newCommentForm(r, a)
		}
		d.Form = form
	}
	query := ""
	if order != "" {
		query = "?sort=" + order
	}
	pageURL := func(n int) string {
		if n <= 1 {
			return articleURL + query
		}
		return articleURL + "comment-page-" + strconv.Itoa(n) + "/" + query
	}
	current := order
	if current == "" {
		current = discussion.SortOldest
		if st.settings.CommentOrder == "desc" {
			current = discussion.SortNewest
		}
	}
	if !d.Hidden {
		d.Live = liveFor(a.ID, current, p.Page, p.Pages)
	}
	for _, o := range discussion.Sorts {
		d.Sorts = append(d.Sorts, sortLink{Label: sortLabels[o], URL: articleURL + "?sort=" + o + "#comments", Current: o == current})
	}
	if p.Page > 1 {
		d.PrevURL = pageURL(p.Page-1) + "#comments"
	}
	if p.Page < p.Pages {
		d.NextURL = pageURL(p.Page+1) + "#comments"
	}
	var conv func(c *communique.Comment) *commentView
	conv = func(c *communique.Comment) *commentView {
		v := newCommentView(c, st, a.ID, order, d.QA)
		v.CanEdit = discussion.CanEdit(c, key, st.settings, now)
		if v.Pending {
			d.Awaiting = true
		}
		v.CanReply = !d.Closed && !v.Pending && c.Depth < d.Depth
		v.ReplyURL = pageURL(p.Page) + "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"
		for _, r := range c.Replies {
			v.Replies = append(v.Replies, conv(r))
		}
		return v
	}
	for _, c := range p.Threads {
		d.Threads = append(d.Threads, conv(c))
	}
	d.ThreadsHTML = s.renderComments(st, d.Threads)
	for _, c := range p.Featured {
		c.Depth = 1
		d.Featured = append(d.Featured, conv(c))
	}
	// Without JavaScript, ?replytocom=ID turns the form into a reply.
	if d.Form != nil && d.Form.ParentID == 0 {
		if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
			if c, err := s.store.FindCommentByID(ctx, id); err == nil && c.ArticleID == a.ID && c.Status == communique.CommentApproved {
				d.Form.ParentID, d.Form.ReplyTo = c.ID, c.AuthorName
			}
		}
	} else if d.Form != nil && d.Form.ParentID != 0 && d.Form.ReplyTo == "" {
		// Only an approved comment's author is named: a held or spam
		// comment must not show through a forged comment_parent.
		if c, err := s.store.FindCommentByID(ctx, d.Form.ParentID); err == nil && c.ArticleID == a.ID && c.Status == communique.CommentApproved {
			d.Form.ReplyTo = c.AuthorName
		}
	}
	return d, nil
}

// liveFor is the live link of a page of a thread in this order. It holds
// no time, so every render of a page is the same bytes.
func liveFor(articleID int64, order string, page, pages int) *liveLink {
	l := &liveLink{Stream: "/comments/stream?post=" + strconv.FormatInt(articleID, 10)}
	switch {
	case order == discussion.SortOldest && page == pages:
		l.Insert = "end"
	case order == discussion.SortNewest && page == 1:
		l.Insert = "start"
	}
	return l
}

// newCommentView is what every reader sees of a comment; the page adds
// what depends on the browser (edit links) and the page (reply links).
func newCommentView(c *communique.Comment, st *site, articleID int64, order string, qa bool) *commentView {
	v := &commentView{commentFields: commentFields{
		ID: c.ID, Depth: c.Depth, AuthorName: c.AuthorName, AuthorURL: c.AuthorURL, HTML: c.HTML, Type: c.Type, Handle: c.Handle,
		Avatar:   "/avatar/" + c.AvatarHash + ".svg",
		Date:     st.words.T("comment.date_at", communique.FormatDateIn(c.CreatedAt.In(st.settings.Location), st.settings.DateFormat, st.words), communique.FormatDateIn(c.CreatedAt.In(st.settings.Location), st.settings.TimeFormat, st.words)),
		DateISO:  c.CreatedAt.Format(time.RFC3339),
		Pending:  c.Status == communique.CommentPending,
		Edited:   !c.EditedAt.IsZero(),
		Featured: c.Featured, Badge: c.Badge,
		Reactions: c.Reactions, ArticleID: articleID, Sort: order,
		Answer: qa && c.Depth > 1 && c.Badge != "",
	}}
	if v.AuthorName == "" {
		v.AuthorName = st.words.T("comment.anonymous")
	}
	if c.AvatarURL != "" {
		v.Avatar = c.AvatarURL
	}
	return v
}

// handleCommentPost takes a comment from the reply form (also at
// WordPress's /wp-comments-post.php so existing scripts keep working).
func (s *Server) handleCommentPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, commentFormMaxBody)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, communique.Errorf(communique.EINVALID, "The comment could not be read (is it larger than 256 KB?)."))
		return
	}
	articleID, err := strconv.ParseInt(r.PostFormValue("comment_post_ID"), 10, 64)
	if err != nil || articleID <= 0 {
		s.commentNotPosted(w, r, http.StatusBadRequest, "The comment does not say which article it belongs to, so it was not posted.")
		return
	}
	parentID, _ := strconv.ParseInt(r.PostFormValue("comment_parent"), 10, 64)
	if parentID < 0 {
		parentID = 0
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	a, err := s.store.FindArticleByID(r.Context(), articleID)
	if err != nil && communique.ErrorCode(err) != communique.ENOTFOUND {
		s.renderError(w, r, err)
		return
	}
	if err != nil || !a.IsPublic(s.Now()) {
		s.commentNotPosted(w, r, http.StatusNotFound, "That article does not exist or is no longer published, so your comment was not posted.")
		return
	}
	if !s.unlocked(r, a) {
		// WordPress refuses comments on a protected post until its
		// password is given; so does its page here, which hides the form.
		s.commentNotPosted(w, r, http.StatusForbidden, "That article is protected by a password: enter it on the article first, then comment.")
		return
	}
	form := &commentForm{
		Open: true, Author: r.PostFormValue("author"), Email: r.PostFormValue("email"), URL: r.PostFormValue("url"),
		Text: r.PostFormValue("comment"), ParentID: parentID, Remember: r.PostFormValue("wp-comment-cookies-consent") != "",
		Notify: s.notify != nil, SubscribeComments: r.PostFormValue("subscribe_comments") != "", SubscribePosts: r.PostFormValue("subscribe_blog") != "",
	}
	key := ensureOwnerKey(w, r)
	c, err := s.discussion.Post(r.Context(), st.settings, discussion.Submission{
		ArticleID: articleID, ParentID: parentID,
		Author: form.Author, Email: form.Email, URL: form.URL, Text: form.Text,
		Token: r.PostFormValue("comment_token"), Honeypot: r.PostFormValue("comment_website_confirm"),
		IP: clientIP(r), UserAgent: r.UserAgent(), OwnerKey: key,
		SubscribeComments: form.SubscribeComments, SubscribePosts: form.SubscribePosts,
	})
	if refusal := discussion.AsError(err); refusal != nil {
		form.Errors, form.Message = refusal.Fields, refusal.Message
		if refusal.Kind == discussion.KindFlood {
			form.Wait = int(refusal.RetryAfter / time.Second)
		}
		s.commentRefused(w, r, st, a, form, refusal, key)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.rememberCommenter(w, r, form)
	s.markFresh(w, r, st, c.Status == communique.CommentPending)
	ctx := r.Context()
	articleURL := s.articleURL(ctx, st, a)
	target := articleURL
	if page := s.commentPage(r, st, c); page > 1 {
		target += "comment-page-" + strconv.Itoa(page) + "/"
	}
	http.Redirect(w, r, target+"#comment-"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// refusedForm is a refused comment as kept for its writer: every field
// typed, and what to fix.
type refusedForm struct {
	Author, Email, URL, Text          string
	ParentID                          int64
	Remember                          bool
	SubscribeComments, SubscribePosts bool
	Errors                            map[string]string
	Message                           string
	Kind                              string
	Status                            int
	RetryAt                           time.Time `json:",omitzero"`
}

// commentRefused answers a refused comment with Post/Redirect/Get: the
// form is kept in the store and the browser sent to the article's page
// showing it, where the reply form comes first and its error summary
// takes the focus. Reloading that page or coming back to it posts
// nothing; a flood refusal says, in Retry-After too, how long to wait.
// Should the form not be kept, the page is the answer itself, so nothing
// typed is lost either way.
func (s *Server) commentRefused(w http.ResponseWriter, r *http.Request, st *site, a *communique.Article, form *commentForm, refusal *discussion.Error, key string) {
	kept := refusedForm{Author: form.Author, Email: form.Email, URL: form.URL, Text: form.Text, ParentID: form.ParentID,
		Remember: form.Remember, SubscribeComments: form.SubscribeComments, SubscribePosts: form.SubscribePosts,
		Errors: form.Errors, Message: form.Message, Kind: refusal.Kind, Status: httpkit.Status(refusal)}
	if refusal.RetryAfter > 0 {
		kept.RetryAt = s.Now().Add(refusal.RetryAfter)
		w.Header().Set("Retry-After", strconv.Itoa(int(refusal.RetryAfter/time.Second)))
	}
	data, err := json.Marshal(kept)
	var id string
	if err == nil {
		id, err = s.discussion.KeepRefused(r.Context(), a.ID, key, string(data))
	}
	if err != nil {
		s.logger.Warn("keep refused comment", "article", a.ID, "err", err)
		form.Token = s.discussion.IssueToken(a.ID)
		s.article(w, r, st, a, articleOptions{form: form, status: kept.Status, noRedirect: true})
		return
	}
	// No #fragment: a browser ignores autofocus on a page opened at one.
	target := s.articleURL(r.Context(), st, a) + "?" + refusedParam + "=" + url.QueryEscape(id)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// refusedParam names the kept refused comment in an article's URL.
const refusedParam = "comment_refused"

// refusedFormFor returns the refused comment this browser was sent back
// to show, with a new token and, for a flood, the wait that remains, or
// nil when the URL names none it may see.
func (s *Server) refusedFormFor(w http.ResponseWriter, r *http.Request, a *communique.Article) (*commentForm, int) {
	id := r.URL.Query().Get(refusedParam)
	if id == "" {
		return nil, 0
	}
	d, err := s.discussion.Refused(r.Context(), id, ownerKey(r))
	if err != nil || d.ArticleID != a.ID {
		return nil, 0
	}
	var kept refusedForm
	if json.Unmarshal([]byte(d.Data), &kept) != nil {
		return nil, 0
	}
	f := &commentForm{Open: true, Token: s.discussion.IssueToken(a.ID), Notify: s.notify != nil,
		Author: kept.Author, Email: kept.Email, URL: kept.URL, Text: kept.Text, ParentID: kept.ParentID,
		Remember: kept.Remember, SubscribeComments: kept.SubscribeComments, SubscribePosts: kept.SubscribePosts,
		Errors: kept.Errors, Message: kept.Message}
	if kept.Kind == discussion.KindFlood {
		if wait := kept.RetryAt.Sub(s.Now()); wait > 0 {
			e := discussion.FloodError(wait)
			f.Message, f.Wait = e.Message, int(e.RetryAfter/time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter/time.Second)))
		} else {
			f.Message = "You can post your comment now."
		}
	}
	return f, kept.Status
}

// fieldError is one line of the error summary, linking to its field.
type fieldError struct {
	ID      string
	Message string
}

// ErrorList is the summary's lines in the order of the form's fields.
func (f *commentForm) ErrorList() []fieldError {
	var list []fieldError
	for _, k := range [...]struct{ field, id string }{{"comment", "comment"}, {"author", "author"}, {"email", "email"}, {"url", "url"}, {"comment_parent", "comment"}} {
		if msg := f.Errors[k.field]; msg != "" {
			list = append(list, fieldError{ID: k.id, Message: msg})
		}
	}
	return list
}

// commentNotPosted answers a comment that has no article page to come
// back to with an error page that still gives the reader everything they
// typed.
func (s *Server) commentNotPosted(w http.ResponseWriter, r *http.Request, status int, msg string) {
	words := s.messages.For(i18n.Default)
	if st, err := s.loadSite(r); err == nil {
		words = st.words
	}
	msg = words.Translate(msg)
	var kept []string
	for _, f := range [...]struct{ label, name string }{{"form.name", "author"}, {"form.email", "email"}, {"form.website", "url"}, {"form.comment", "comment"}} {
		if v := strings.TrimSpace(r.PostFormValue(f.name)); v != "" {
			kept = append(kept, words.T("form.kept_field", words.T(f.label), v))
		}
	}
	if len(kept) > 0 {
		msg = words.T("form.kept", msg, strings.Join(kept, " — "))
	}
	data := errorPage{Status: status, Message: msg}
	s.fillPage(r, &data.pageData, http.StatusText(status))
	data.NoIndex = true
	s.render(w, r, status, "error", data)
}

// commentPage returns the page of the discussion that shows c.
func (s *Server) commentPage(r *http.Request, st *site, c *communique.Comment) int {
	root := c
	if c.ThreadID != c.ID {
		if t, err := s.store.FindCommentByID(r.Context(), c.ThreadID); err == nil {
			root = t
		}
	}
	if st.settings.CommentOrder == "desc" {
		return 1
	}
	_, before, err := s.store.FindComments(r.Context(), communique.CommentFilter{
		ArticleID: &c.ArticleID, Status: []communique.CommentStatus{communique.CommentApproved}, OwnerKey: c.OwnerKey,
		TopLevel: true, CreatedBefore: &root.CreatedAt, Limit: 1,
	})
	if err != nil {
		return 1
	}
	return before/st.settings.CommentsPerPage + 1
}

// markFresh makes this browser skip the page cache for as long as it has
// something personal to see: its held comment, or the edit link of the
// comment it just posted.
func (s *Server) markFresh(w http.ResponseWriter, r *http.Request, st *site, pending bool) {
	age := time.Duration(st.settings.CommentEditMinutes) * time.Minute
	if pending {
		age = 7 * 24 * time.Hour
	}
	if age <= 0 {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: freshCookie, Value: "1", Path: "/", MaxAge: int(age.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
}

// rememberCommenter sets or clears the remember-me cookies: only when
// the reader ticked the box, as the privacy promise says.
func (s *Server) rememberCommenter(w http.ResponseWriter, r *http.Request, f *commentForm) {
	set := func(name, value string) {
		// Not HttpOnly: the reply script fills the form from them, so the
		// page itself can come from the shared cache.
		c := &http.Cookie{Name: name, Value: url.QueryEscape(value), Path: "/", SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil}
		if f.Remember && value != "" {
			c.MaxAge = int(rememberFor.Seconds())
		} else {
			c.MaxAge, c.Value = -1, ""
		}
		http.SetCookie(w, c)
	}
	set(authorCookie, strings.TrimSpace(f.Author))
	set(authorEmailCookie, strings.TrimSpace(f.Email))
	set(authorURLCookie, communique.NormalizeWebsite(f.URL))
}

// handleAvatar serves a locally generated identicon.
func (s *Server) handleAvatar(w http.ResponseWriter, r *http.Request) {
	hash := strings.TrimSuffix(r.PathValue("file"), ".svg")
	svg, err := avatar.SVG(hash)
	if err != nil {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Write(svg)
}

type commentEditPage struct {
	pageData
	CSRF       string
	ID         int64
	Text       string
	Error      string
	ArticleURL string
	Minutes    int
}

// commentForOwner loads a comment this browser may still change.
func (s *Server) commentForOwner(w http.ResponseWriter, r *http.Request) (*communique.Comment, *site, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return nil, nil, false
	}
	st, err := s.loadSite(r)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	c, err := s.store.FindCommentByID(r.Context(), id)
	if err != nil {
		s.renderError(w, r, err)
		return nil, nil, false
	}
	if !discussion.CanEdit(c, ownerKey(r), st.settings, s.Now()) {
		s.renderError(w, r, communique.Errorf(communique.EFORBIDDEN, "This comment can no longer be changed from this browser."))
		return nil, nil, false
	}
	return c, st, true
}

func (s *Server) articleURLByID(r *http.Request, st *site, id int64) string {
	a, err := s.store.FindArticleByID(r.Context(), id)
	if err != nil {
		return "/"
	}
	return s.articleURL(r.Context(), st, a)
}

func (s *Server) handleCommentEdit(w http.ResponseWriter, r *http.Request) {
	c, st, ok := s.commentForOwner(w, r)
	if !ok {
		return
	}
	s.renderCommentEdit(w, r, st, c, c.Text, "", http.StatusOK)
}

func (s *Server) renderCommentEdit(w http.ResponseWriter, r *http.Request, st *site, c *communique.Comment, text, msg string, status int) {
	data := commentEditPage{CSRF: s.csrfToken(w, r), ID: c.ID, Text: text, Error: msg,
		ArticleURL: s.articleURLByID(r, st, c.ArticleID), Minutes: st.settings.CommentEditMinutes}
	s.fillPageFrom(r, st, &data.pageData, st.words.T("edit.title"), "")
	data.NoIndex = true
	s.render(w, r, status, "comment_edit", data)
}

func (s *Server) handleCommentEditPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, commentFormMaxBody)
	c, st, ok := s.commentForOwner(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("comment")
	if !s.checkCSRF(r) {
		s.renderCommentEdit(w, r, st, c, text, "This form expired. Please save again.", http.StatusForbidden)
		return
	}
	edited, err := s.discussion.Edit(r.Context(), st.settings, c.ID, ownerKey(r), text)
	if refusal := discussion.AsError(err); refusal != nil {
		msg := refusal.Message
		if m := refusal.Fields["comment"]; m != "" {
			msg = m
		}
		s.renderCommentEdit(w, r, st, c, text, msg, httpkit.Status(refusal))
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, s.articleURLByID(r, st, edited.ArticleID)+"#comment-"+strconv.FormatInt(edited.ID, 10), http.StatusSeeOther)
}

func (s *Server) handleCommentDelete(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, st, ok := s.commentForOwner(w, r)
	if !ok {
		return
	}
	if !s.checkCSRF(r) {
		s.renderCommentEdit(w, r, st, c, c.Text, "This form expired. Please try again.", http.StatusForbidden)
		return
	}
	if err := s.discussion.Withdraw(r.Context(), st.settings, c.ID, ownerKey(r)); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, s.articleURLByID(r, st, c.ArticleID)+"#comments", http.StatusSeeOther)
}
