// Package wxr reads and writes WordPress eXtended RSS (WXR) 1.0 to 1.2,
// the format of WordPress's Tools → Export, as a stream: a Reader yields
// one record (the channel, an author, a term, an item, a comment) at a
// time, so a file of gigabytes is read in constant memory, and a Writer
// writes records as they come.
//
// The package knows the format only; mapping it to an application is the
// caller's business. It refuses document type declarations, and with them
// external entities and entity expansion ("billion laughs"), as well as
// absurdly deep nesting and oversized records.
package wxr

// Channel is the site-level part of an export.
type Channel struct {
	Title       string
	Link        string
	Description string
	PubDate     string
	Language    string
	// WXRVersion is the format version, "1.0" to "1.2".
	WXRVersion  string
	BaseSiteURL string
	BaseBlogURL string
	Generator   string
}

// Author is a wp:author: a user who wrote items of the export.
type Author struct {
	ID          int64 // 0 before WXR 1.1
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Taxonomies of terms as WordPress names them.
const (
	TaxonomyCategory = "category"
	TaxonomyTag      = "post_tag"
	TaxonomyNavMenu  = "nav_menu"
)

// Term is a wp:category, wp:tag or wp:term.
type Term struct {
	ID          int64 // 0 before WXR 1.1
	Taxonomy    string
	Slug        string // WordPress's "nicename"
	Name        string
	Parent      string // the parent's slug, "" at the top
	Description string
	Meta        []Meta
}

// Meta is a wp:postmeta, wp:termmeta or wp:commentmeta.
type Meta struct {
	Key   string
	Value string
}

// ItemTerm is an item's <category domain="…" nicename="…">Name</category>.
type ItemTerm struct {
	Domain   string // "category", "post_tag", "nav_menu", …
	Nicename string
	Name     string
}

// Item is a post, page, attachment, menu item or any other post type.
// Its comments follow it as separate records.
type Item struct {
	Title           string
	Link            string
	PubDate         string
	Creator         string // the author's login
	GUID            string
	GUIDIsPermaLink bool
	Description     string
	Content         string
	Excerpt         string

	ID            int64
	Date          string // "2006-01-02 15:04:05" in the site's time zone
	DateGMT       string // the same in UTC; "0000-00-00 00:00:00" for drafts
	Modified      string
	ModifiedGMT   string
	CommentStatus string // "open" or "closed"
	PingStatus    string
	Name          string // the slug
	Status        string // publish, draft, pending, future, private, trash, inherit, …
	Parent        int64
	MenuOrder     int
	Type          string // post, page, attachment, nav_menu_item, …
	Password      string
	Sticky        bool
	AttachmentURL string

	Terms []ItemTerm
	Meta  []Meta
}

// MetaValue returns the value of the first meta with key, or "".
func (it *Item) MetaValue(key string) string {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value
		}
	}
	return ""
}

// Comment is a wp:comment of the item before it.
type Comment struct {
	PostID      int64 // the item's ID
	ID          int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Date        string
	DateGMT     string
	Content     string
	Approved    string // "1", "0", "spam", "trash", "post-trashed"
	Type        string // "", "comment", "pingback", "trackback"
	Parent      int64
	UserID      int64
	Meta        []Meta
}
