package communique

import (
	"context"
	"time"
)

// Kinds of items brought in from another site, as recorded for later
// imports of the same site and for redirects from its old links.
const (
	KindArticle    = "article" // a post or a page
	KindAttachment = "attachment"
	KindTerm       = "term"
	KindUser       = "user"
	KindComment    = "comment"
	KindMenu       = "menu"
	// KindMedia names a library image an old file address leads to.
	KindMedia = "media"
)

// Attachment is a media file of the old site: its record, with the
// file's address, until a media library takes the file over.
type Attachment struct {
	ID          int64
	SourceID    int64 // the id on the old site, 0 when none
	ArticleID   int64 // the article it was attached to, 0 for none
	Title       string
	URL         string
	MIMEType    string // "" when unknown
	AltText     string
	Caption     string
	Description string
	CreatedAt   time.Time
	// MediaID is the library image its file became, 0 while it has none.
	MediaID int64
}

// Redirect sends an old URL path to the item that now lives elsewhere.
// It names the item rather than its URL, which is worked out when the
// old path is requested, because slugs may change after an import.
type Redirect struct {
	Path     string
	Kind     string // KindArticle, KindTerm, KindUser or KindAttachment
	TargetID int64
}

// ImportedArticle is an article with the identity it had on the site it
// was imported from. The store sets Created and ParentMissing.
type ImportedArticle struct {
	Article        *Article
	SourceID       int64
	ParentSourceID int64 // a page's parent on the old site, 0 for none
	CategoryIDs    []int64
	TagIDs         []int64
	GUID           string
	OldPaths       []string
	// CreatedAt and ModifiedAt keep the old site's times.
	CreatedAt, ModifiedAt time.Time

	Created       bool // a new article, not an update of an earlier import
	ParentMissing bool // the parent is not (yet) imported
}

// ImportedAttachment is an attachment with its identity on the old site.
type ImportedAttachment struct {
	Attachment      *Attachment
	ArticleSourceID int64
	OldPaths        []string

	Created       bool
	ParentMissing bool
}

// ImportedComment is a comment with its identity on the old site. It is
// stored as it was, status included: discussion rules do not apply to
// what was already published elsewhere.
type ImportedComment struct {
	Comment         *Comment
	SourceID        int64
	ArticleSourceID int64
	ParentSourceID  int64

	Created bool
	// ArticleMissing and ParentMissing say why a comment was not stored:
	// its article or the comment it replies to is not imported (yet).
	ArticleMissing, ParentMissing bool
}

// ImportedTerm is a category or tag with its identity on the old site.
// A term not known by that identity is matched by taxonomy and slug, so
// an import merges into the categories a site already has.
type ImportedTerm struct {
	Term     *Term
	SourceID int64 // 0 when the export gives none (WXR 1.0)
	OldPaths []string
	Created  bool
}

// ImportBatch is a group of imported records stored in one transaction,
// articles first, then attachments, then comments, so that a comment may
// belong to an article of the same batch.
type ImportBatch struct {
	// Source names the old site (its address), so that the ids of two
	// imported sites never mix.
	Source      string
	Articles    []*ImportedArticle
	Attachments []*ImportedAttachment
	Comments    []*ImportedComment
	// SettleSlug is set by the article service once it prepared Articles
	// by the site's rules; the store settles each slug with it inside the
	// batch's transaction (nil: SettleSlug).
	SettleSlug SlugSettler
}

// Len returns the number of records in the batch.
func (b *ImportBatch) Len() int { return len(b.Articles) + len(b.Attachments) + len(b.Comments) }

// RedirectService finds where old links lead.
type RedirectService interface {
	// FindRedirect returns the redirect recorded for path. ENOTFOUND.
	FindRedirect(ctx context.Context, path string) (*Redirect, error)
	// FindImportedID returns the local id of the item of kind that had
	// sourceID on the old site ("" source: any imported site, the latest
	// import first). ENOTFOUND.
	FindImportedID(ctx context.Context, source, kind string, sourceID int64) (int64, error)
	// FindAttachmentByID returns an attachment. ENOTFOUND.
	FindAttachmentByID(ctx context.Context, id int64) (*Attachment, error)
	// OldLinkCeiling returns the largest id the imported sites gave an
	// item sharing kind's id series (WordPress numbers posts, pages,
	// attachments and menu items in one series), 0 when none of them was
	// imported ("" kind: of any item). Ids up to it belong to the old
	// sites' links; an import makes new articles take ids above it.
	OldLinkCeiling(ctx context.Context, kind string) (int64, error)
}
