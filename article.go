package communique

import (
	"context"
	"crypto/subtle"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Article types. Static pages live beside articles, as in WordPress, so
// slugs, authors and rendering work the same for both.
const (
	TypePost = "post"
	TypePage = "page"
)

// Status is where an article is in its life.
type Status string

// Article statuses.
const (
	StatusDraft     Status = "draft"
	StatusPending   Status = "pending"
	StatusScheduled Status = "scheduled"
	StatusPublished Status = "published"
	StatusTrash     Status = "trash"
	// StatusPrivate is WordPress's private post: published for the staff
	// who may read it (Can, ActionReadPrivate) and on no public surface.
	StatusPrivate Status = "private"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusPending, StatusScheduled, StatusPublished, StatusTrash, StatusPrivate:
		return true
	}
	return false
}

// Body formats of an article's source.
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// Limits on article fields, checked before anything is stored.
const (
	MaxTitleLength  = 1000
	MaxSlugLength   = 200
	MaxBodyLength   = 4 << 20
	MaxExcerptWords = 55 // WordPress's excerpt length
	// MaxPasswordLength is WordPress's post_password column (varchar 255).
	MaxPasswordLength = 255
)

// Article is a news article or a static page.
type Article struct {
	ID     int64  `json:"id"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Slug   string `json:"slug"`
	Format string `json:"format"`
	// Source is what the writer wrote; HTML is its sanitized rendering,
	// stored so pages never render on a view.
	Source  string `json:"source"`
	HTML    string `json:"html"`
	Excerpt string `json:"excerpt"` // written by hand, may be empty
	// Summary is Excerpt, or the start of the body when Excerpt is empty.
	Summary string `json:"summary"`

	AuthorID int64 `json:"author_id"`
	Author   *User `json:"-"`

	Status Status `json:"status"`
	// PublishedAt is the publication time (the planned one when scheduled);
	// zero for drafts that never had a date.
	PublishedAt time.Time `json:"published_at"`
	CreatedAt   time.Time `json:"created_at"`
	ModifiedAt  time.Time `json:"modified_at"`

	Sticky       bool  `json:"sticky"`
	CommentsOpen bool  `json:"comments_open"`
	ParentID     int64 `json:"parent_id"` // pages only: the parent page
	MenuOrder    int   `json:"menu_order"`

	// CommentCount is the number of approved comments.
	CommentCount int `json:"comment_count"`

	// FeaturedMediaID is the library image shown with the article; 0 for none.
	FeaturedMediaID int64 `json:"featured_media"`

	// Version counts the article's saves: a save based on an older
	// version than the stored one is refused (ArticleUpdate.BaseVersion).
	Version int64 `json:"version"`

	// Lang is the article's own language (BCP 47) on a multilingual
	// site; empty: the site's.
	Lang string `json:"lang,omitempty"`

	// Password, when not empty, protects a public article's body and
	// comments, as WordPress's post_password does: readers see its title
	// and a form until they give it (see Unlocks). Stored as given, as
	// WordPress stores it, so imports and exports carry it; never in any
	// public output, JSON included.
	Password string `json:"-"`

	Categories []*Term `json:"-"`
	Tags       []*Term `json:"-"`
	// Bylines are the people credited, in order; empty: the author alone.
	Bylines []Byline `json:"bylines,omitempty"`
}

// IsPublic reports whether readers may see the article.
func (a *Article) IsPublic(now time.Time) bool {
	return a.Status == StatusPublished && !a.PublishedAt.After(now)
}

// Protected reports whether the article's body and comments wait for a
// password: a password-protected article that is not private.
func (a *Article) Protected() bool {
	return a.Password != "" && a.Status != StatusPrivate
}

// Unlocks reports whether given is the article's password (compared in
// constant time); false for an article without one.
func (a *Article) Unlocks(given string) bool {
	return a.Password != "" && subtle.ConstantTimeCompare([]byte(a.Password), []byte(given)) == 1
}

// Validate checks the fields a writer controls.
func (a *Article) Validate() error {
	switch {
	case strings.TrimSpace(a.Title) == "":
		return Errorf(EINVALID, "Title required.")
	case utf8.RuneCountInString(a.Title) > MaxTitleLength:
		return Errorf(EINVALID, "Title is too long (at most %d characters).", MaxTitleLength)
	case !ValidText(a.Title) || !ValidText(a.Source) || !ValidText(a.Excerpt) || !ValidText(a.Slug):
		return Errorf(EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case len(a.Source) > MaxBodyLength:
		return Errorf(EINVALID, "Body is too long (at most %d MiB).", MaxBodyLength>>20)
	case a.Format != FormatMarkdown && a.Format != FormatHTML:
		return Errorf(EINVALID, "Format must be %q or %q.", FormatMarkdown, FormatHTML)
	case a.Type != TypePost && a.Type != TypePage:
		return Errorf(EINVALID, "Type must be %q or %q.", TypePost, TypePage)
	case !a.Status.Valid():
		return Errorf(EINVALID, "Unknown status %q.", a.Status)
	case utf8.RuneCountInString(a.Password) > MaxPasswordLength:
		return Errorf(EINVALID, "The password is too long (at most %d characters).", MaxPasswordLength)
	case !ValidText(a.Password):
		return Errorf(EINVALID, "Text must be valid UTF-8, without NUL characters.")
	case a.Status == StatusScheduled && a.PublishedAt.IsZero():
		return Errorf(EINVALID, "A scheduled article needs a publication date.")
	case a.AuthorID == 0:
		return Errorf(EINVALID, "Author required.")
	case a.Lang != "" && !ValidLanguageTag(a.Lang):
		return Errorf(EINVALID, "Language must be a BCP 47 tag such as fr or pt-BR.")
	}
	return nil
}

var languageTag = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

// ValidLanguageTag reports whether tag has the shape of a BCP 47
// language tag ("fr", "pt-BR", "zh-Hant-TW"), at most 35 characters.
func ValidLanguageTag(tag string) bool {
	return len(tag) <= 35 && languageTag.MatchString(tag)
}

// ArticleFilter selects articles. Nil pointer fields are "any".
type ArticleFilter struct {
	ID       *int64
	Type     *string
	Slug     *string
	Status   []Status
	AuthorID *int64
	TermID   *int64 // a category (with its descendants) or a tag

	// PublishedFrom (inclusive) and PublishedTo (exclusive) bound the
	// publication time, for date archives.
	PublishedFrom *time.Time
	PublishedTo   *time.Time

	// BylineUserID and BylineGuestID select the articles credited to a
	// user (by their bylines, or as author of an article without any) or
	// to a guest contributor.
	BylineUserID  *int64
	BylineGuestID *int64
	// AuthorIDs selects articles by any of these authors.
	AuthorIDs []int64
	// CategoryIDs and TagIDs select articles with any of these terms,
	// exactly (a parent category does not bring its children's articles,
	// as in WordPress's REST API); given both, an article needs one of each.
	CategoryIDs []int64
	TagIDs      []int64
	// AllCategories and AllTags ask for every one of the CategoryIDs or
	// TagIDs rather than any (WordPress's "operator": "AND").
	AllCategories, AllTags bool
	// CategoryChildren and ExcludeCategoryChildren make CategoryIDs and
	// ExcludeCategoryIDs bring the categories below them (WordPress's
	// "include_children").
	CategoryChildren, ExcludeCategoryChildren bool
	// AnyTerm, given both CategoryIDs and TagIDs, selects articles with
	// either (WordPress's tax_relation=OR) rather than one of each.
	AnyTerm bool
	// IDs selects these articles only; the Exclude lists drop articles
	// with these ids, authors, categories or tags, or below these parents.
	IDs                []int64
	ExcludeIDs         []int64
	ExcludeAuthorIDs   []int64
	ExcludeCategoryIDs []int64
	ExcludeTagIDs      []int64
	// ParentIDs selects pages below any of these (0: top-level pages);
	// ExcludeParentIDs drops them.
	ParentIDs        []int64
	ExcludeParentIDs []int64
	// Sticky, when set, selects sticky articles or the others.
	Sticky *bool
	// MenuOrder, when set, selects pages with this menu order.
	MenuOrder *int
	// ModifiedFrom (exclusive) and ModifiedTo (exclusive) bound the last
	// change, as WordPress's modified_after and modified_before do.
	ModifiedFrom *time.Time
	ModifiedTo   *time.Time
	// Search selects articles with every word of it in their title,
	// excerpt or body, as WordPress's ?s= does (substrings, ignoring case).
	Search string
	// WithoutPassword leaves out password-protected articles: a reader's
	// search, which WordPress keeps to articles without one.
	WithoutPassword bool
	// PrivateTo, when set, keeps only this user's own articles among those
	// that are not published: what an author may see of the newsroom.
	PrivateTo *int64

	// StickyFirst orders sticky articles before the rest.
	StickyFirst bool
	// Oldest orders oldest first (pages in menus, for example).
	Oldest bool
	// OrderBy is what to order by: "" or "date" (the publication time),
	// "id", "title", "slug" or "modified". EINVALID for anything else.
	OrderBy string

	Offset int
	Limit  int
	// Bare leaves out the articles' terms and bylines, for links that
	// need only titles and addresses (neighbours, short lists).
	Bare bool
	// SkipTotal spares the count of all matches when the caller needs only
	// the items (a lookup, the previous and next article); the total
	// returned is then only a lower bound.
	SkipTotal bool
}

// VisibleTo narrows f to what u may see in the newsroom: every door that
// lists articles to a signed-in person (the newsroom's list and search,
// the REST API) calls it, so the rule is this one place. Editors and
// administrators see all; everyone else sees the published articles and
// only their own unpublished work (Can, ActionReadUnpublished).
func (f *ArticleFilter) VisibleTo(u *User) {
	if Can(u, ActionReadUnpublished, &Article{AuthorID: -1, Status: StatusDraft}) {
		return
	}
	var id int64 // nobody's: only what is published
	if u != nil {
		id = u.ID
	}
	f.PrivateTo = &id
}

// ArticleUpdate holds the fields to change. Nil fields stay as they are.
type ArticleUpdate struct {
	Title        *string
	Slug         *string
	Format       *string
	Source       *string
	Excerpt      *string
	AuthorID     *int64
	Status       *Status
	PublishedAt  *time.Time
	Sticky       *bool
	CommentsOpen *bool
	ParentID     *int64
	MenuOrder    *int
	CategoryIDs  *[]int64
	TagIDs       *[]int64
	// FeaturedMediaID sets the featured image; 0 removes it.
	FeaturedMediaID *int64
	// Lang sets the article's own language; "" follows the site's.
	Lang *string
	// Password sets the article's password; "" removes it.
	Password *string
	// BaseVersion, when not 0, is the version the writer started from:
	// the save is refused (ECONFLICT) if someone saved since.
	BaseVersion int64
	// Bylines replaces the people credited; an empty list credits the
	// author alone.
	Bylines *[]Byline
}

// ArticleFinder reads articles and pages. Every change to one goes
// through the article service (package newsroom), which holds the rules.
type ArticleFinder interface {
	// FindArticleByID returns ENOTFOUND when there is no such article.
	FindArticleByID(ctx context.Context, id int64) (*Article, error)
	// FindArticles returns the matching articles and their total count
	// without Offset and Limit.
	FindArticles(ctx context.Context, filter ArticleFilter) ([]*Article, int, error)
	// FindArticleBySlugHistory returns the article that used slug before,
	// for 301 redirects. ENOTFOUND when none did.
	FindArticleBySlugHistory(ctx context.Context, slug string) (*Article, error)
}

// SlugSettler picks the slug an article gets from its wanted base, asking
// taken whether another article holds a candidate. Stores call it inside
// the transaction that writes the article, so two saves racing for one
// slug never both get it.
type SlugSettler func(base string, taken func(slug string) (bool, error)) (string, error)

// SettleSlug is the slug rule stores run inside their transaction: base,
// or base-2, base-3, … (clipped to the slug limit) until one is free.
func SettleSlug(base string, taken func(slug string) (bool, error)) (string, error) {
	for n := 1; n < 10000; n++ {
		slug := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			slug = strings.TrimRight(base[:min(len(base), MaxSlugLength-len(suffix))], "-") + suffix
		}
		busy, err := taken(slug)
		if err != nil {
			return "", err
		}
		if !busy {
			return slug, nil
		}
	}
	return "", Errorf(ECONFLICT, "No free slug for %q.", base)
}

var _ SlugSettler = SettleSlug

// ArticleSave is what a store write does beyond storing the article's
// fields, all in the one transaction.
type ArticleSave struct {
	// CategoryIDs and TagIDs replace the article's terms; nil keeps them.
	CategoryIDs *[]int64
	TagIDs      *[]int64
	// Revision records the saved text as a revision by RevisionBy (0: the
	// site itself).
	Revision   bool
	RevisionBy int64
	// Slug settles a.Slug, the wanted base, into a free slug.
	Slug SlugSettler
	// IfVersion, when not 0, makes the write happen only while the stored
	// version is still this one, checked in the write's own transaction;
	// otherwise the store answers ECONFLICT and writes nothing.
	IfVersion int64
	// Bylines replaces the people credited; nil keeps them. A byline with
	// a name alone is a guest, found by the name's slug or created.
	Bylines *[]Byline
}

// reservedSlugs are first path segments the site itself uses; an article
// or page taking one would be unreachable.
var reservedSlugs = map[string]bool{
	"admin": true, "author": true, "avatar": true, "category": true, "comments": true,
	"feed": true, "healthz": true, "metrics": true, "page": true, "readyz": true,
	"search": true, "setup": true, "static": true, "tag": true, "wp-admin": true,
	"wp-content": true, "wp-includes": true, "wp-json": true, "wp-login.php": true,
	"login": true, "logout": true, "media": true, "sitemap.xml": true, "robots.txt": true,
	"comment-page": true, "embed": true, "trackback": true, "webmention": true,
	"subscriptions": true, "wp-comments-post.php": true, "corrections": true, "preview": true,
	"share": true, "theme.css": true,
}

// ReservedSlug reports whether an article may not use slug: a path the
// site uses itself, or a number that would read as a year or an id.
func ReservedSlug(slug string) bool {
	if reservedSlugs[slug] {
		return true
	}
	for _, c := range slug {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ArticlePath returns the public URL path of an article or page.
// parentSlugs are the slugs of a page's ancestors, root first.
func ArticlePath(a *Article, s *Settings, parentSlugs []string) string {
	if a.Type == TypePage {
		return "/" + strings.Join(append(append([]string{}, parentSlugs...), a.Slug), "/") + "/"
	}
	t := a.PublishedAt
	if t.IsZero() {
		t = a.CreatedAt
	}
	return s.Permalink.Path(a.ID, a.Slug, t.In(s.Location))
}
