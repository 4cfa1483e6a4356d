package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"communique"
	"communique/markup"
	"communique/newsroom"
)

// dashboardPage keys its counts by plain strings: the template indexes
// them with literals such as "published", which a map keyed by a named
// type refuses at run time.
type dashboardPage struct {
	base
	Counts     map[string]int // articles by status
	PageCounts map[string]int // pages by status
	Comments   map[string]int
	Drafts     []*communique.Article
	// What needs attention: comments awaiting moderation, the latest
	// approved comments, and the articles about to be published.
	Held, Recent []commentRow
	Scheduled    []*communique.Article
}

// dashboardItems is how many of each kind the dashboard lists.
const dashboardItems = 5

func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	data := dashboardPage{base: s.base(r, rq, "Dashboard", "dashboard"), Counts: map[string]int{}, PageCounts: map[string]int{}, Comments: map[string]int{}}
	counts, err := s.articleCounts(r, rq)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	for st, n := range counts[communique.TypePost] {
		data.Counts[string(st)] = n
	}
	for st, n := range counts[communique.TypePage] {
		data.PageCounts[string(st)] = n
	}
	comments, err := s.store.CountComments(ctx)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	for st, n := range comments {
		data.Comments[string(st)] = n
	}
	if err := s.attention(r, rq, &data); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	s.render(w, r, http.StatusOK, "dashboard", data)
}

// articleCounts counts articles and pages by status as rq's user may see
// them: the whole newsroom in one query for those who may read unpublished
// work, and for everyone else the published ones and their own (VisibleTo).
func (s *Server) articleCounts(r *http.Request, rq *request) (map[string]map[communique.Status]int, error) {
	ctx := r.Context()
	if communique.Can(rq.User, communique.ActionReadUnpublished, &communique.Article{AuthorID: -1, Status: communique.StatusDraft}) {
		return s.store.CountArticles(ctx)
	}
	counts := map[string]map[communique.Status]int{}
	for _, typ := range []string{communique.TypePost, communique.TypePage} {
		counts[typ] = map[communique.Status]int{}
		for _, st := range []communique.Status{communique.StatusPublished, communique.StatusScheduled, communique.StatusPending, communique.StatusDraft} {
			f := communique.ArticleFilter{Type: &typ, Status: []communique.Status{st}, Limit: 1}
			f.VisibleTo(rq.User)
			_, n, err := s.store.FindArticles(ctx, f)
			if err != nil {
				return nil, err
			}
			if n > 0 {
				counts[typ][st] = n
			}
		}
	}
	return counts, nil
}

// attention fills what the dashboard asks the user to look at: their
// drafts (everyone's for those who moderate), scheduled articles, and for
// moderators the held and the latest comments.
func (s *Server) attention(r *http.Request, rq *request, data *dashboardPage) error {
	ctx := r.Context()
	moderator := communique.Can(rq.User, communique.ActionModerateComment, nil)
	f := communique.ArticleFilter{Status: []communique.Status{communique.StatusDraft, communique.StatusPending}, Limit: dashboardItems}
	if !moderator {
		f.AuthorID = &rq.User.ID
	}
	var err error
	if data.Drafts, _, err = s.store.FindArticles(ctx, f); err != nil {
		return err
	}
	if communique.Can(rq.User, communique.ActionCreateArticle, nil) {
		f = communique.ArticleFilter{Status: []communique.Status{communique.StatusScheduled}, Oldest: true, Limit: dashboardItems}
		f.VisibleTo(rq.User) // an embargo is nobody else's business
		if data.Scheduled, _, err = s.store.FindArticles(ctx, f); err != nil {
			return err
		}
	}
	if !moderator {
		return nil
	}
	for _, list := range []struct {
		status communique.CommentStatus
		rows   *[]commentRow
	}{{communique.CommentPending, &data.Held}, {communique.CommentApproved, &data.Recent}} {
		found, _, err := s.store.FindComments(ctx, communique.CommentFilter{Status: []communique.CommentStatus{list.status},
			Private: true, Newest: true, Limit: dashboardItems})
		if err != nil {
			return err
		}
		*list.rows = s.commentRows(r, rq, found)
	}
	return nil
}

// postRow is an article in the admin list.
type postRow struct {
	*communique.Article
	CanEdit      bool
	CanAnalytics bool
	URL          string
}

type postsPage struct {
	base
	Rows       []postRow
	Total      int
	Page       int
	Pages      int
	Query      url.Values
	Status     string
	Type       string
	AuthorID   int64
	CategoryID int64
	Authors    []*communique.User
	Categories []*communique.Term
	PrevURL    string
	NextURL    string
}

const postsPerPage = 30

// handlePosts lists articles with filters by status, author, category and
// a title search.
func (s *Server) handlePosts(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	q := r.URL.Query()
	data := postsPage{base: s.base(r, rq, "Articles", "posts"), Query: q, Status: q.Get("status"), Type: q.Get("type")}
	if data.Type != communique.TypePage {
		data.Type = communique.TypePost
	} else {
		data.Title, data.Section = "Pages", "pages"
	}
	// The list shows every draft's title, so it is for those who write
	// (WordPress's edit_posts, edit_pages), not for subscribers.
	if !s.canCreate(rq, data.Type) {
		s.forbid(w, r, rq)
		return
	}
	f := communique.ArticleFilter{Type: &data.Type, Limit: postsPerPage}
	f.VisibleTo(rq.User)
	if st := communique.Status(data.Status); st.Valid() {
		f.Status = []communique.Status{st}
	} else {
		data.Status = ""
		f.Status = []communique.Status{communique.StatusPublished, communique.StatusPrivate, communique.StatusScheduled, communique.StatusPending, communique.StatusDraft}
	}
	if id, err := strconv.ParseInt(q.Get("author"), 10, 64); err == nil && id > 0 {
		data.AuthorID, f.AuthorID = id, &id
	}
	if id, err := strconv.ParseInt(q.Get("category"), 10, 64); err == nil && id > 0 {
		data.CategoryID, f.TermID = id, &id
	}
	data.Page, _ = strconv.Atoi(q.Get("page"))
	data.Page = max(1, min(data.Page, 100000))
	f.Offset = (data.Page - 1) * postsPerPage
	search := strings.ToLower(strings.TrimSpace(q.Get("s")))
	var list []*communique.Article
	var err error
	if search != "" {
		// A title search scans the filtered list; full-text search of the
		// public site is a separate index.
		f.Limit, f.Offset = 1000, 0
		all, _, err2 := s.store.FindArticles(ctx, f)
		err = err2
		for _, a := range all {
			if strings.Contains(strings.ToLower(a.Title), search) {
				list = append(list, a)
			}
		}
		data.Total = len(list)
		start := min((data.Page-1)*postsPerPage, len(list))
		list = list[start:min(start+postsPerPage, len(list))]
	} else {
		list, data.Total, err = s.store.FindArticles(ctx, f)
	}
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	for _, a := range list {
		data.Rows = append(data.Rows, postRow{Article: a, CanEdit: communique.Can(rq.User, communique.ActionEditArticle, a), URL: s.publicPath(r, rq, a),
			CanAnalytics: s.reports != nil && communique.Can(rq.User, communique.ActionViewAnalytics, a)})
	}
	data.Pages = max(1, (data.Total+postsPerPage-1)/postsPerPage)
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/admin/posts?" + v.Encode()
	}
	if data.Page > 1 {
		data.PrevURL = page(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.NextURL = page(data.Page + 1)
	}
	data.Authors, _ = s.store.FindUsers(ctx, communique.UserFilter{})
	tax := communique.TaxonomyCategory
	data.Categories, _ = s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax})
	s.render(w, r, http.StatusOK, "posts", data)
}

// publicPath is the article's URL on the site.
func (s *Server) publicPath(r *http.Request, rq *request, a *communique.Article) string {
	var parents []string
	for parent, depth := a.ParentID, 0; parent != 0 && depth < 10; depth++ {
		p, err := s.store.FindArticleByID(r.Context(), parent)
		if err != nil {
			break
		}
		parents = append([]string{p.Slug}, parents...)
		parent = p.ParentID
	}
	return communique.ArticlePath(a, rq.Settings, parents)
}

// articleService is the configured article service, or one over the
// store telling Notify, for newsrooms built without one (tests).
func articleService(cfg Config) *newsroom.Service {
	var n newsroom.Notifier
	if cfg.Notify != nil { // not a typed nil in the interface
		n = cfg.Notify
	}
	return newsroom.ServiceOr(cfg.Articles, cfg.Store, n)
}

// bulkActions are what the list's bulk menu may ask of each ticked article.
var bulkActions = map[string]func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error{
	"publish": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		_, err := s.Publish(ctx, by, id)
		return err
	},
	"draft": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		_, err := s.Unpublish(ctx, by, id, communique.StatusDraft)
		return err
	},
	"pending": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		_, err := s.Unpublish(ctx, by, id, communique.StatusPending)
		return err
	},
	"trash": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		_, err := s.Trash(ctx, by, id)
		return err
	},
	"restore": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		_, err := s.Restore(ctx, by, id)
		return err
	},
	"delete": func(s *newsroom.Service, ctx context.Context, by newsroom.Actor, id int64) error {
		return s.Delete(ctx, by, id)
	},
}

// handlePostsBulk applies one action to the ticked articles; the article
// service checks the capability for each.
func (s *Server) handlePostsBulk(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	do, ok := bulkActions[r.PostFormValue("action")]
	// An unknown action is a mistake in the form, not a missing right.
	if !ok {
		s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "Choose a bulk action."))
		return
	}
	for _, v := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		switch err := do(s.articles, ctx, newsroom.As(rq.User), id); communique.ErrorCode(err) {
		case "", communique.ENOTFOUND, communique.ECONFLICT:
			// Gone meanwhile, or already where it was sent: nothing to do.
		case communique.EFORBIDDEN:
			s.forbid(w, r, rq)
			return
		default:
			s.fail(w, r, rq, err)
			return
		}
	}
	back := "/admin/posts?done=bulk"
	if t := r.PostFormValue("type"); t == communique.TypePage {
		back += "&type=page"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// editorPage is the writing form, with everything the writer typed. The
// article's title is ArticleTitle: a field named Title would hide the
// page's own, and the layout would show the article's title (or nothing,
// for a new one) as the page title and heading.
type editorPage struct {
	base
	ID           int64
	Type         string
	ArticleTitle string
	Slug         string
	Format       string
	Source       string
	Excerpt      string
	Status       string
	Date         string // site time zone, YYYY-MM-DD
	Time         string // HH:MM
	TimeZone     string
	Sticky       bool
	CommentsOpen bool
	ParentID     int64
	MenuOrder    int
	Lang         string // the article's own language; "" for the site's
	Languages    []communique.SettingOption
	CategoryIDs  []int64
	NewCats      string
	Tags         string
	Bylines      string // one per line: a user's login, or a guest's name
	Categories   []*communique.Term
	Pages        []*communique.Article
	Statuses     []statusChoice
	// Visibility is "public", "private" or "password" (WordPress's
	// choice of the same name); Password is the article's password,
	// shown to those who may edit it, as WordPress's editor shows it.
	Visibility   string
	Password     string
	CanPrivate   bool // making it private is publishing
	Errors       map[string]string
	PublicURL    string
	CanAnalytics bool // the article has figures this user may see
	Autosave     *communique.Revision
	Revisions    int
	Action       string
	// BaseVersion is the article's version this form started from: a
	// save is refused when someone saved since (see Conflict).
	BaseVersion int64
	// Lock is someone else's edit lock on the article, shown with "take over".
	Lock *communique.EditLock
	// Conflict is the stored version that refused this form's save.
	Conflict *conflictView
	// Notes are the article's corrections and updates; Note is the form
	// to add one, offered on public articles only.
	Notes []*communique.ArticleNote
	Note  *noteForm
	// Desk is the review section: internal notes, return, preview links.
	Desk       *deskView
	Discussion discussionFields
	featuredPicker
}

// visibilityOf is the article's choice in the editor's Visibility.
func visibilityOf(a *communique.Article) string {
	switch {
	case a.Status == communique.StatusPrivate:
		return "private"
	case a.Password != "":
		return "password"
	}
	return "public"
}

type statusChoice struct {
	Value, Label string
}

func (s *Server) statusChoices(rq *request, a *communique.Article) []statusChoice {
	out := []statusChoice{{"draft", "Draft"}, {"pending", "Pending review"}}
	if communique.Can(rq.User, communique.ActionPublishArticle, a) {
		out = append(out, statusChoice{"scheduled", "Scheduled (at the date below)"}, statusChoice{"published", "Published"})
	}
	return out
}

func (s *Server) handlePostNew(w http.ResponseWriter, r *http.Request, rq *request) {
	typ := communique.TypePost
	if r.URL.Query().Get("type") == communique.TypePage {
		typ = communique.TypePage
	}
	probe := &communique.Article{Type: typ, AuthorID: rq.User.ID}
	if !s.canCreate(rq, typ) {
		s.forbid(w, r, rq)
		return
	}
	words := s.words(rq)
	data := editorPage{base: s.base(r, rq, words.T("ed.new_article"), "new"), Type: typ, Format: communique.FormatMarkdown, Status: "draft",
		CommentsOpen: rq.Settings.CommentsOpenDefault, Action: "/admin/posts/new"}
	if typ == communique.TypePage {
		data.Title, data.Section = words.T("ed.new_page"), "pages"
	}
	s.renderEditor(w, r, rq, &data, probe, http.StatusOK)
}

func (s *Server) canCreate(rq *request, typ string) bool {
	if typ == communique.TypePage {
		return communique.Can(rq.User, communique.ActionCreatePage, nil)
	}
	return communique.Can(rq.User, communique.ActionCreateArticle, nil)
}

func (s *Server) handlePostEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	s.editArticle(w, r, rq, nil)
}

// editArticle shows the editor of the route's article; note, when set, is
// a correction or update that was refused, shown again with its reason.
// desk, when given, changes what the desk's section shows (a refusal, a
// new preview link).
func (s *Server) editArticle(w http.ResponseWriter, r *http.Request, rq *request, note *noteForm, desk ...func(*deskView)) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	loc := rq.Settings.Location
	data := editorPage{base: s.base(r, rq, s.words(rq).T("ed.edit_title", a.Title), "posts"), ID: a.ID, Type: a.Type, ArticleTitle: a.Title, Slug: a.Slug,
		Format: a.Format, Source: a.Source, Excerpt: a.Excerpt, Status: string(a.Status), Sticky: a.Sticky,
		CommentsOpen: a.CommentsOpen, ParentID: a.ParentID, MenuOrder: a.MenuOrder, Lang: a.Lang, Action: "/admin/posts/" + strconv.FormatInt(a.ID, 10) + "/edit",
		BaseVersion: a.Version, featuredPicker: featuredPicker{FeaturedMediaID: a.FeaturedMediaID}}
	data.Visibility, data.Password = visibilityOf(a), a.Password
	if a.Status == communique.StatusPrivate {
		data.Status = string(communique.StatusPublished) // private is published, for the staff: the visibility says so
	}
	if a.Status != communique.StatusTrash {
		lock, err := s.articles.OpenForEditing(r.Context(), newsroom.As(rq.User), a.ID, false)
		if err != nil {
			s.fail(w, r, rq, err)
			return
		}
		if lock.UserID != rq.User.ID {
			data.Lock = lock
		}
	}
	if !a.PublishedAt.IsZero() {
		data.Date, data.Time = a.PublishedAt.In(loc).Format("2006-01-02"), a.PublishedAt.In(loc).Format("15:04")
	}
	for _, c := range a.Categories {
		data.CategoryIDs = append(data.CategoryIDs, c.ID)
	}
	var tags []string
	for _, t := range a.Tags {
		tags = append(tags, t.Name)
	}
	data.Tags = strings.Join(tags, ", ")
	data.Bylines = bylinesText(a)
	if a.Status != communique.StatusTrash {
		data.PublicURL = s.publicPath(r, rq, a)
		data.CanAnalytics = s.reports != nil && communique.Can(rq.User, communique.ActionViewAnalytics, a)
	}
	if revs, err := s.store.FindRevisions(r.Context(), a.ID); err == nil {
		data.Revisions = len(revs)
		for _, rev := range revs {
			if rev.Autosave && rev.UserID == rq.User.ID && rev.CreatedAt.After(a.ModifiedAt) && (rev.Source != a.Source || rev.Title != a.Title) {
				data.Autosave = rev
				break
			}
		}
	}
	status := http.StatusOK
	if err := s.editorNotes(r, rq, &data, a, note); err != nil {
		s.fail(w, r, rq, err)
		return
	} else if note != nil {
		status = http.StatusBadRequest
	}
	if err := s.editorDesk(r, rq, &data, a); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	for _, f := range desk {
		f(data.Desk)
	}
	if data.Desk.Error != "" {
		status = http.StatusBadRequest
	}
	s.renderEditor(w, r, rq, &data, a, status)
}

func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, rq *request, data *editorPage, a *communique.Article, status int) {
	ctx := r.Context()
	tax := communique.TaxonomyCategory
	data.Categories, _ = s.store.FindTerms(ctx, communique.TermFilter{Taxonomy: &tax})
	if data.Type == communique.TypePage {
		page := communique.TypePage
		data.Pages, _, _ = s.store.FindArticles(ctx, communique.ArticleFilter{Type: &page, Limit: 500, Oldest: true})
	}
	data.TimeZone = rq.Settings.TimeZone
	data.Languages = languageChoices(data.Lang)
	data.Whole = true // the editor is translated throughout
	data.Statuses = s.statusChoices(rq, a)
	data.CanPrivate = communique.Can(rq.User, communique.ActionPublishArticle, a)
	if data.Visibility == "" {
		data.Visibility = "public"
	}
	s.fillDiscussion(ctx, data)
	s.editorMedia(ctx, rq, &data.featuredPicker)
	s.render(w, r, status, "editor", data)
}

func (s *Server) loadArticle(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Article, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Article not found."))
		return nil, false
	}
	a, err := s.store.FindArticleByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, false
	}
	return a, true
}

// loadArticleToEdit loads the route's article when the user may edit it,
// answering not found or forbidden otherwise.
func (s *Server) loadArticleToEdit(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Article, bool) {
	a, ok := s.loadArticle(w, r, rq)
	if ok && !communique.Can(rq.User, communique.ActionEditArticle, a) {
		s.forbid(w, r, rq)
		return nil, false
	}
	return a, ok
}

// formArticle reads the editor form into data, so a failed save can show
// everything again.
func (s *Server) formArticle(r *http.Request, rq *request, data *editorPage) {
	f := r.PostForm
	data.ArticleTitle, data.Slug, data.Source, data.Excerpt = f.Get("title"), f.Get("slug"), f.Get("body"), f.Get("excerpt")
	data.Format, data.Status = f.Get("format"), f.Get("status")
	data.Visibility, data.Password = f.Get("visibility"), f.Get("post_password")
	data.Date, data.Time = f.Get("date"), f.Get("time")
	data.Sticky, data.CommentsOpen = f.Get("sticky") != "", f.Get("comments_open") != ""
	formDiscussion(f, data)
	data.ParentID, _ = strconv.ParseInt(f.Get("parent"), 10, 64)
	data.BaseVersion, _ = strconv.ParseInt(f.Get("base_version"), 10, 64)
	data.MenuOrder, _ = strconv.Atoi(f.Get("menu_order"))
	data.Lang = strings.TrimSpace(f.Get("lang"))
	data.NewCats, data.Tags, data.Bylines = f.Get("new_categories"), f.Get("tags"), f.Get("bylines")
	data.CategoryIDs = nil
	for _, v := range f["categories"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			data.CategoryIDs = append(data.CategoryIDs, id)
		}
	}
	if data.Format != communique.FormatHTML {
		data.Format = communique.FormatMarkdown
	}
}

// publishTime reads the date and time fields in the site's time zone.
func publishTime(date, clock string, loc *time.Location) (time.Time, error) {
	if strings.TrimSpace(date) == "" {
		return time.Time{}, nil
	}
	if clock == "" {
		clock = "00:00"
	}
	return time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(date)+" "+strings.TrimSpace(clock), loc)
}

// handlePostSave creates or updates an article from the editor. A failed
// save shows the form again with everything typed.
func (s *Server) handlePostSave(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	var existing *communique.Article
	if r.PathValue("id") != "" {
		a, ok := s.loadArticle(w, r, rq)
		if !ok {
			return
		}
		existing = a
	}
	typ := r.PostFormValue("type")
	if existing != nil {
		typ = existing.Type
	} else if typ != communique.TypePage {
		typ = communique.TypePost
	}
	data := editorPage{base: s.base(r, rq, "Edit", "posts"), Type: typ, Errors: map[string]string{}, Action: r.URL.Path}
	s.formArticle(r, rq, &data)
	probe := &communique.Article{Type: typ, AuthorID: rq.User.ID, Status: communique.StatusDraft}
	if existing != nil {
		data.ID, probe = existing.ID, existing
		if !communique.Can(rq.User, communique.ActionEditArticle, existing) {
			s.forbid(w, r, rq)
			return
		}
	} else if !s.canCreate(rq, typ) {
		s.forbid(w, r, rq)
		return
	}
	status := communique.Status(data.Status)
	if !status.Valid() || status == communique.StatusTrash || status == communique.StatusPrivate {
		status = communique.StatusDraft
	}
	// Visibility: private is a status, a password a field; a form without
	// the choice (an older page) keeps both as they are.
	var password *string
	switch data.Visibility {
	case "private":
		status = communique.StatusPrivate
		none := ""
		password = &none
	case "password":
		if data.Password == "" {
			data.Errors["post_password"] = s.words(rq).T("ed.post_password_required")
		}
		password = &data.Password
	case "public":
		none := ""
		password = &none
	default:
		if existing != nil && existing.Status == communique.StatusPrivate && status == communique.StatusPublished {
			status = communique.StatusPrivate
		}
	}
	if (status == communique.StatusPublished || status == communique.StatusScheduled || status == communique.StatusPrivate) && !communique.Can(rq.User, communique.ActionPublishArticle, probe) {
		// Contributors submit for review instead; nothing is published.
		s.forbid(w, r, rq)
		return
	}
	when, err := publishTime(data.Date, data.Time, rq.Settings.Location)
	if err != nil {
		data.Errors["date"] = "Please give the date as YYYY-MM-DD and the time as HH:MM."
	}
	if status == communique.StatusScheduled && !when.After(s.Now()) {
		data.Errors["date"] = "A scheduled article needs a date and time in the future."
	}
	cats, tags, err := s.terms(r, rq, &data)
	if err != nil {
		data.Errors["categories"] = communique.ErrorMessage(err)
	}
	if err := s.featuredImage(r, rq, &data, probe, status); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	var bylines *[]communique.Byline
	if _, sent := r.PostForm["bylines"]; sent && typ == communique.TypePost {
		list, err := s.parseBylines(r, data.Bylines)
		if err != nil {
			data.Errors["bylines"] = communique.ErrorMessage(err)
		}
		bylines = &list
	}
	if len(data.Errors) == 0 {
		var a *communique.Article
		if existing == nil {
			a = &communique.Article{Type: typ, Title: data.ArticleTitle, Slug: data.Slug, Format: data.Format, Source: data.Source,
				Excerpt: data.Excerpt, AuthorID: rq.User.ID, Status: status, PublishedAt: when, Sticky: data.Sticky,
				CommentsOpen: data.CommentsOpen, ParentID: data.ParentID, MenuOrder: data.MenuOrder, FeaturedMediaID: data.FeaturedMediaID, Lang: data.Lang}
			if password != nil {
				a.Password = *password
			}
			if bylines != nil {
				a.Bylines = *bylines
			}
			err = s.articles.Create(ctx, newsroom.As(rq.User), a, cats, tags)
		} else {
			upd := communique.ArticleUpdate{Title: &data.ArticleTitle, Slug: &data.Slug, Format: &data.Format, Source: &data.Source,
				Excerpt: &data.Excerpt, Status: &status, Sticky: &data.Sticky, CommentsOpen: &data.CommentsOpen,
				CategoryIDs: &cats, TagIDs: &tags, FeaturedMediaID: &data.FeaturedMediaID, Lang: &data.Lang, BaseVersion: max(data.BaseVersion, 0), Bylines: bylines,
				Password: password}
			if !when.IsZero() || status == communique.StatusDraft || status == communique.StatusPending {
				upd.PublishedAt = &when
			}
			if typ == communique.TypePage {
				upd.ParentID, upd.MenuOrder = &data.ParentID, &data.MenuOrder
			}
			a, err = s.articles.Update(ctx, newsroom.As(rq.User), existing.ID, upd)
		}
		if err == nil {
			err = s.saveDiscussion(ctx, rq, a.ID, &data.Discussion)
		}
		if err == nil {
			done := map[communique.Status]string{communique.StatusPublished: "published", communique.StatusScheduled: "scheduled", communique.StatusPending: "submitted"}[a.Status]
			if done == "" {
				done = "saved"
			}
			http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(a.ID, 10)+"/edit?done="+done, http.StatusSeeOther)
			return
		}
		if communique.ErrorCode(err) == communique.EINTERNAL {
			s.fail(w, r, rq, err)
			return
		}
		if newsroom.IsStale(err) {
			s.renderConflict(w, r, rq, &data, existing.ID, err)
			return
		}
		data.Errors["form"] = communique.ErrorMessage(err)
	}
	if data.Errors["form"] == "" {
		data.Errors["form"] = "The article was not saved. Please check the highlighted fields; your text is kept below."
	}
	s.renderEditor(w, r, rq, &data, probe, http.StatusBadRequest)
}

// terms resolves ticked categories, new categories and tags typed as
// comma-separated names, creating missing ones.
func (s *Server) terms(r *http.Request, rq *request, data *editorPage) ([]int64, []int64, error) {
	ctx := r.Context()
	cats := append([]int64{}, data.CategoryIDs...)
	names := splitNames(data.NewCats)
	if len(names) > 0 && !communique.Can(rq.User, communique.ActionManageTerms, nil) && !communique.Can(rq.User, communique.ActionPublishArticle, nil) {
		return nil, nil, communique.Errorf(communique.EFORBIDDEN, "Your role cannot create categories.")
	}
	for _, n := range names {
		t, err := s.store.EnsureTerm(ctx, communique.TaxonomyCategory, n)
		if err != nil {
			return nil, nil, err
		}
		cats = append(cats, t.ID)
		data.CategoryIDs = append(data.CategoryIDs, t.ID)
	}
	data.NewCats = ""
	var tags []int64
	for _, n := range splitNames(data.Tags) {
		t, err := s.store.EnsureTerm(ctx, communique.TaxonomyTag, n)
		if err != nil {
			return nil, nil, err
		}
		tags = append(tags, t.ID)
	}
	return cats, tags, nil
}

func splitNames(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		n = strings.TrimSpace(n)
		if n != "" && !seen[strings.ToLower(n)] {
			seen[strings.ToLower(n)] = true
			out = append(out, n)
		}
	}
	return out
}

// handleAutosave keeps the editor's text as the user types. A new article
// becomes a draft on its first autosave, so closing the tab loses nothing.
func (s *Server) handleAutosave(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	title, body, excerpt := r.PostFormValue("title"), r.PostFormValue("body"), r.PostFormValue("excerpt")
	var id int64
	resp := map[string]any{}
	if r.PathValue("id") != "" {
		a, ok := s.loadArticleToEdit(w, r, rq)
		if !ok {
			return
		}
		id = a.ID
	} else {
		typ := communique.TypePost
		if r.PostFormValue("type") == communique.TypePage {
			typ = communique.TypePage
		}
		if !s.canCreate(rq, typ) {
			s.forbid(w, r, rq)
			return
		}
		if strings.TrimSpace(title) == "" {
			title = "(untitled draft)"
		}
		a := &communique.Article{Type: typ, Title: title, Format: communique.FormatMarkdown, Source: body, Excerpt: excerpt,
			AuthorID: rq.User.ID, Status: communique.StatusDraft, CommentsOpen: rq.Settings.CommentsOpenDefault}
		if f := r.PostFormValue("format"); f == communique.FormatHTML {
			a.Format = f
		}
		if err := s.articles.Create(ctx, newsroom.As(rq.User), a, nil, nil); err != nil {
			s.jsonError(w, r, err)
			return
		}
		id = a.ID
		resp["edit_url"] = "/admin/posts/" + strconv.FormatInt(id, 10) + "/edit"
		resp["autosave_url"] = "/admin/posts/" + strconv.FormatInt(id, 10) + "/autosave"
	}
	rev := &communique.Revision{ArticleID: id, Title: title, Source: body, Excerpt: excerpt}
	lock, err := s.articles.Autosave(ctx, newsroom.As(rq.User), rev)
	if err != nil {
		s.jsonError(w, r, err)
		return
	}
	if resp["edit_url"] != nil {
		a, err := s.store.FindArticleByID(ctx, id)
		if err != nil {
			s.jsonError(w, r, err)
			return
		}
		resp["version"] = a.Version // the new draft's, for the form's next save
	}
	resp["id"], resp["saved_at"] = id, rev.CreatedAt.In(rq.Settings.Location).Format("15:04:05")
	lockJSON(resp, lock, rq)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

type previewPage struct {
	base
	Heading string
	HTML    string
}

// handlePreview renders the unsaved body on the server, exactly as the
// site will, in a new tab; nothing is stored.
func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request, rq *request) {
	if !communique.Can(rq.User, communique.ActionCreateArticle, nil) {
		s.forbid(w, r, rq)
		return
	}
	format := r.PostFormValue("format")
	if format != communique.FormatHTML {
		format = communique.FormatMarkdown
	}
	html, err := markup.RenderBody(format, r.PostFormValue("body"))
	if err != nil {
		s.fail(w, r, rq, communique.Errorf(communique.EINVALID, "The body could not be rendered."))
		return
	}
	s.render(w, r, http.StatusOK, "preview", previewPage{base: s.base(r, rq, "Preview", "posts"), Heading: r.PostFormValue("title"), HTML: html})
}

type revisionsPage struct {
	base
	Article   *communique.Article
	Revisions []*communique.Revision
	Notes     []*communique.ArticleNote // corrections and updates, in the open
	Users     map[int64]string
}

func (s *Server) handleRevisions(w http.ResponseWriter, r *http.Request, rq *request) {
	a, ok := s.loadArticleToEdit(w, r, rq)
	if !ok {
		return
	}
	revs, err := s.store.FindRevisions(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	notes, err := s.store.FindArticleNotes(r.Context(), []int64{a.ID})
	if err != nil {
		s.fail(w, r, rq, err)
		return
	}
	users := map[int64]string{}
	who := func(id int64) {
		if _, ok := users[id]; !ok {
			if u, err := s.store.FindUserByID(r.Context(), id); err == nil {
				users[id] = u.Name()
			}
		}
	}
	for _, rev := range revs {
		who(rev.UserID)
	}
	for _, n := range notes {
		who(n.UserID)
	}
	s.render(w, r, http.StatusOK, "revisions", revisionsPage{base: s.base(r, rq, s.words(rq).T("adm_rev.title", a.Title), "posts"), Article: a, Revisions: revs, Notes: notes, Users: users})
}

// diffPage names the title's lines TitleLines: a field named Title would
// hide the page's own, which the layout shows.
type diffPage struct {
	base
	Article    *communique.Article
	Revision   *communique.Revision
	TitleLines []diffLine
	Body       []diffLine
	Excerpt    []diffLine
	Same       bool
}

func (s *Server) revision(w http.ResponseWriter, r *http.Request, rq *request) (*communique.Revision, *communique.Article, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, rq, communique.Errorf(communique.ENOTFOUND, "Revision not found."))
		return nil, nil, false
	}
	rev, err := s.store.FindRevisionByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, nil, false
	}
	a, err := s.store.FindArticleByID(r.Context(), rev.ArticleID)
	if err != nil {
		s.fail(w, r, rq, err)
		return nil, nil, false
	}
	if !communique.Can(rq.User, communique.ActionEditArticle, a) {
		s.forbid(w, r, rq)
		return nil, nil, false
	}
	return rev, a, true
}

// handleRevisionDiff shows what changed from a revision to the current text.
func (s *Server) handleRevisionDiff(w http.ResponseWriter, r *http.Request, rq *request) {
	rev, a, ok := s.revision(w, r, rq)
	if !ok {
		return
	}
	data := diffPage{base: s.base(r, rq, "Compare revision", "posts"), Article: a, Revision: rev,
		TitleLines: lineDiff(rev.Title, a.Title), Body: lineDiff(rev.Source, a.Source), Excerpt: lineDiff(rev.Excerpt, a.Excerpt)}
	data.Same = rev.Title == a.Title && rev.Source == a.Source && rev.Excerpt == a.Excerpt
	s.render(w, r, http.StatusOK, "diff", data)
}

// handleRevisionRestore makes a revision the current text (itself a save,
// so it leaves a revision too).
func (s *Server) handleRevisionRestore(w http.ResponseWriter, r *http.Request, rq *request) {
	rev, a, ok := s.revision(w, r, rq)
	if !ok {
		return
	}
	if _, err := s.articles.RestoreRevision(r.Context(), newsroom.As(rq.User), rev.ID); err != nil {
		s.fail(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(a.ID, 10)+"/edit?done=restored", http.StatusSeeOther)
}

// bylinesText is the bylines field of an article: one line per person,
// a user's login or a guest's name.
func bylinesText(a *communique.Article) string {
	var lines []string
	for _, b := range a.Bylines {
		if b.UserID != 0 {
			lines = append(lines, b.Slug)
		} else {
			lines = append(lines, b.Name)
		}
	}
	return strings.Join(lines, "\n")
}

// parseBylines reads the bylines field: a line naming a user's login or
// slug credits that user; any other line credits a guest by that name.
func (s *Server) parseBylines(r *http.Request, text string) ([]communique.Byline, error) {
	list := []communique.Byline{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		b := communique.Byline{Name: line}
		for _, f := range []communique.UserFilter{{Login: &line}, {Slug: &line}} {
			f.Limit = 1
			users, err := s.store.FindUsers(r.Context(), f)
			if err != nil {
				return list, err
			}
			if len(users) > 0 {
				b = communique.Byline{UserID: users[0].ID, Name: users[0].Name(), Slug: users[0].Slug}
				break
			}
		}
		list = append(list, b)
	}
	return list, communique.ValidateBylines(list)
}

// languageChoices are the languages an article or a person may choose,
// the current one kept even when the list lacks it.
func languageChoices(current string) []communique.SettingOption {
	opts := communique.LanguageOptions()
	if current != "" && !slices.ContainsFunc(opts, func(o communique.SettingOption) bool { return o.Value == current }) {
		opts = append([]communique.SettingOption{{Value: current, Label: current}}, opts...)
	}
	return opts
}
