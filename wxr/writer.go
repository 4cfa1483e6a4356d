package wxr

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Namespaces of WXR 1.2 as WordPress writes them.
const (
	NamespaceWP      = "http://wordpress.org/export/1.2/"
	NamespaceExcerpt = "http://wordpress.org/export/1.2/excerpt/"
	NamespaceContent = "http://purl.org/rss/1.0/modules/content/"
	NamespaceWFW     = "http://wellformedweb.org/CommentAPI/"
	NamespaceDC      = "http://purl.org/dc/elements/1.1/"
)

// ErrOrder is returned when records are written out of order: a comment
// outside an item, or an author or term after the first item.
var ErrOrder = errors.New("wxr: record written out of order")

// Writer writes a WXR 1.2 document, the layout WordPress's exporter
// writes and its importer reads: the channel, then authors, terms, and
// items each followed by its comments. Errors stick: after one, every
// call returns it.
type Writer struct {
	w      *bufio.Writer
	err    error
	inItem bool
	items  bool
}

// NewWriter writes the document's head and the channel's fields.
// WXRVersion is always written as 1.2.
func NewWriter(w io.Writer, ch *Channel) (*Writer, error) {
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10)}
	wr.raw(`<?xml version="1.0" encoding="UTF-8" ?>
<!-- This is a WordPress eXtended RSS file: an export of a site's posts, pages,
     comments, categories, tags, menus and media records, readable by
     WordPress's importer (Tools > Import > WordPress). -->
<rss version="2.0"
	xmlns:excerpt="` + NamespaceExcerpt + `"
	xmlns:content="` + NamespaceContent + `"
	xmlns:wfw="` + NamespaceWFW + `"
	xmlns:dc="` + NamespaceDC + `"
	xmlns:wp="` + NamespaceWP + `"
>
<channel>
`)
	wr.field("\t", "title", ch.Title, false)
	wr.field("\t", "link", ch.Link, false)
	wr.field("\t", "description", ch.Description, false)
	wr.field("\t", "pubDate", ch.PubDate, false)
	wr.field("\t", "language", ch.Language, false)
	wr.field("\t", "wp:wxr_version", "1.2", false)
	wr.field("\t", "wp:base_site_url", ch.BaseSiteURL, false)
	wr.field("\t", "wp:base_blog_url", ch.BaseBlogURL, false)
	if ch.Generator != "" {
		wr.field("\t", "generator", ch.Generator, false)
	}
	return wr, wr.err
}

// WriteAuthor writes a wp:author.
func (w *Writer) WriteAuthor(a *Author) error {
	if w.items {
		return w.setErr(ErrOrder)
	}
	w.raw("\t<wp:author>\n")
	w.num("\t\t", "wp:author_id", a.ID)
	w.field("\t\t", "wp:author_login", a.Login, true)
	w.field("\t\t", "wp:author_email", a.Email, true)
	w.field("\t\t", "wp:author_display_name", a.DisplayName, true)
	w.field("\t\t", "wp:author_first_name", a.FirstName, true)
	w.field("\t\t", "wp:author_last_name", a.LastName, true)
	w.raw("\t</wp:author>\n")
	return w.err
}

// WriteTerm writes a term: wp:category for categories, wp:tag for tags
// and wp:term for any other taxonomy. Write parents before children.
func (w *Writer) WriteTerm(t *Term) error {
	if w.items {
		return w.setErr(ErrOrder)
	}
	switch t.Taxonomy {
	case TaxonomyCategory:
		w.raw("\t<wp:category>\n")
		w.num("\t\t", "wp:term_id", t.ID)
		w.field("\t\t", "wp:category_nicename", t.Slug, true)
		w.field("\t\t", "wp:category_parent", t.Parent, true)
		w.field("\t\t", "wp:cat_name", t.Name, true)
		w.optional("\t\t", "wp:category_description", t.Description)
		w.metas("\t\t", "wp:termmeta", t.Meta)
		w.raw("\t</wp:category>\n")
	case TaxonomyTag:
		w.raw("\t<wp:tag>\n")
		w.num("\t\t", "wp:term_id", t.ID)
		w.field("\t\t", "wp:tag_slug", t.Slug, true)
		w.field("\t\t", "wp:tag_name", t.Name, true)
		w.optional("\t\t", "wp:tag_description", t.Description)
		w.metas("\t\t", "wp:termmeta", t.Meta)
		w.raw("\t</wp:tag>\n")
	default:
		w.raw("\t<wp:term>\n")
		w.num("\t\t", "wp:term_id", t.ID)
		w.field("\t\t", "wp:term_taxonomy", t.Taxonomy, true)
		w.field("\t\t", "wp:term_slug", t.Slug, true)
		w.field("\t\t", "wp:term_parent", t.Parent, true)
		w.field("\t\t", "wp:term_name", t.Name, true)
		w.optional("\t\t", "wp:term_description", t.Description)
		w.metas("\t\t", "wp:termmeta", t.Meta)
		w.raw("\t</wp:term>\n")
	}
	return w.err
}

// WriteItem writes an item; its comments follow with WriteComment. The
// item is closed by the next WriteItem or by Close.
func (w *Writer) WriteItem(it *Item) error {
	w.endItem()
	w.items, w.inItem = true, true
	w.raw("\t<item>\n")
	w.field("\t\t", "title", it.Title, true)
	w.field("\t\t", "link", it.Link, false)
	w.field("\t\t", "pubDate", it.PubDate, false)
	w.field("\t\t", "dc:creator", it.Creator, true)
	perma := "false"
	if it.GUIDIsPermaLink {
		perma = "true"
	}
	w.raw("\t\t<guid isPermaLink=\"" + perma + "\">")
	w.escaped(it.GUID)
	w.raw("</guid>\n")
	w.field("\t\t", "description", it.Description, false)
	w.field("\t\t", "content:encoded", it.Content, true)
	w.field("\t\t", "excerpt:encoded", it.Excerpt, true)
	w.num("\t\t", "wp:post_id", it.ID)
	w.field("\t\t", "wp:post_date", it.Date, true)
	w.field("\t\t", "wp:post_date_gmt", it.DateGMT, true)
	w.field("\t\t", "wp:post_modified", it.Modified, true)
	w.field("\t\t", "wp:post_modified_gmt", it.ModifiedGMT, true)
	w.field("\t\t", "wp:comment_status", it.CommentStatus, true)
	w.field("\t\t", "wp:ping_status", it.PingStatus, true)
	w.field("\t\t", "wp:post_name", it.Name, true)
	w.field("\t\t", "wp:status", it.Status, true)
	w.num("\t\t", "wp:post_parent", it.Parent)
	w.num("\t\t", "wp:menu_order", int64(it.MenuOrder))
	w.field("\t\t", "wp:post_type", it.Type, true)
	w.field("\t\t", "wp:post_password", it.Password, true)
	sticky := int64(0)
	if it.Sticky {
		sticky = 1
	}
	w.num("\t\t", "wp:is_sticky", sticky)
	if it.AttachmentURL != "" {
		w.field("\t\t", "wp:attachment_url", it.AttachmentURL, true)
	}
	for _, t := range it.Terms {
		w.raw("\t\t<category domain=\"")
		w.escaped(t.Domain)
		w.raw("\" nicename=\"")
		w.escaped(t.Nicename)
		w.raw("\">")
		w.cdata(t.Name)
		w.raw("</category>\n")
	}
	w.metas("\t\t", "wp:postmeta", it.Meta)
	return w.err
}

// WriteComment writes a comment of the item written last.
func (w *Writer) WriteComment(c *Comment) error {
	if !w.inItem {
		return w.setErr(ErrOrder)
	}
	w.raw("\t\t<wp:comment>\n")
	w.num("\t\t\t", "wp:comment_id", c.ID)
	w.field("\t\t\t", "wp:comment_author", c.Author, true)
	w.field("\t\t\t", "wp:comment_author_email", c.AuthorEmail, true)
	w.field("\t\t\t", "wp:comment_author_url", c.AuthorURL, false)
	w.field("\t\t\t", "wp:comment_author_IP", c.AuthorIP, true)
	w.field("\t\t\t", "wp:comment_date", c.Date, true)
	w.field("\t\t\t", "wp:comment_date_gmt", c.DateGMT, true)
	w.field("\t\t\t", "wp:comment_content", c.Content, true)
	w.field("\t\t\t", "wp:comment_approved", c.Approved, true)
	w.field("\t\t\t", "wp:comment_type", c.Type, true)
	w.num("\t\t\t", "wp:comment_parent", c.Parent)
	w.num("\t\t\t", "wp:comment_user_id", c.UserID)
	w.metas("\t\t\t", "wp:commentmeta", c.Meta)
	w.raw("\t\t</wp:comment>\n")
	return w.err
}

// Close ends the document and flushes it. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	w.endItem()
	w.raw("</channel>\n</rss>\n")
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

func (w *Writer) endItem() {
	if w.inItem {
		w.raw("\t</item>\n")
		w.inItem = false
	}
}

func (w *Writer) setErr(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) raw(s string) {
	if w.err == nil {
		_, w.err = w.w.WriteString(s)
	}
}

// field writes <name>value</name>, as CDATA when cdata is set (and the
// value is not empty), else escaped.
func (w *Writer) field(indent, name, value string, cdata bool) {
	w.raw(indent + "<" + name + ">")
	if cdata {
		w.cdata(value)
	} else {
		w.escaped(value)
	}
	w.raw("</" + name + ">\n")
}

func (w *Writer) optional(indent, name, value string) {
	if value != "" {
		w.field(indent, name, value, true)
	}
}

func (w *Writer) num(indent, name string, n int64) {
	w.raw(indent + "<" + name + ">" + strconv.FormatInt(n, 10) + "</" + name + ">\n")
}

func (w *Writer) metas(indent, name string, metas []Meta) {
	for _, m := range metas {
		w.raw(indent + "<" + name + ">\n")
		w.field(indent+"\t", "wp:meta_key", m.Key, true)
		w.field(indent+"\t", "wp:meta_value", m.Value, true)
		w.raw(indent + "</" + name + ">\n")
	}
}

// cdata writes s in a CDATA section, splitting "]]>" as WordPress does.
func (w *Writer) cdata(s string) {
	if s == "" {
		return
	}
	w.raw("<![CDATA[")
	w.raw(strings.ReplaceAll(xmlChars(s), "]]>", "]]]]><![CDATA[>"))
	w.raw("]]>")
}

func (w *Writer) escaped(s string) {
	s = xmlChars(s)
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
	w.raw(b.String())
}

// xmlChars drops what XML 1.0 cannot carry: control characters other than
// tab and newlines, invalid UTF-8, and the non-characters U+FFFE, U+FFFF.
// Carriage returns become newlines, as an XML reader would make them.
func xmlChars(s string) string {
	ok := true
	for i, r := range s {
		if !validChar(r) || r == utf8.RuneError && isBad(s[i:]) || r == '\r' {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == '\r' {
			if !strings.HasPrefix(s[i+1:], "\n") {
				b.WriteByte('\n')
			}
			continue
		}
		if !validChar(r) || r == utf8.RuneError && isBad(s[i:]) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBad(s string) bool {
	r, size := utf8.DecodeRuneInString(s)
	return r == utf8.RuneError && size <= 1
}

func validChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
