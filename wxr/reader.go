package wxr

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Errors a Reader returns, wrapped in an *Error that says where.
var (
	// ErrDTD: the file declares a document type or entities. WordPress
	// never writes one; an attacker does, to read local files through
	// external entities (XXE) or to exhaust memory through nested entity
	// expansion ("billion laughs").
	ErrDTD = errors.New("document type and entity declarations (<!DOCTYPE …>, <!ENTITY …>) are not allowed in a WordPress export: they are how external-entity (XXE) and entity-expansion attacks work")
	// ErrTooDeep: elements are nested deeper than MaxDepth.
	ErrTooDeep = errors.New("elements are nested too deeply for a WordPress export")
	// ErrTooLarge: one record (an item without its comments, a comment,
	// a term) is larger than MaxRecordBytes.
	ErrTooLarge = errors.New("a single record is too large")
	// ErrTruncated: the file ends in the middle of the document.
	ErrTruncated = errors.New("the file ends in the middle of the export (truncated?)")
	// ErrNotWXR: the file is not a WordPress export.
	ErrNotWXR = errors.New("not a WordPress export (WXR)")
	// ErrVersion: a WXR version this package does not read.
	ErrVersion = errors.New("unsupported WXR version")
)

// Error is a problem at a place in the file.
type Error struct {
	Line   int   // 1-based line, 0 when unknown
	Offset int64 // bytes read when the problem was found
	Err    error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("wxr: line %d: %v", e.Line, e.Err)
	}
	return "wxr: " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Limits of a Reader. WordPress exports stay far below them.
const (
	// MaxDepth is the deepest element nesting accepted. A WXR document
	// needs 5 levels; HTML written without CDATA inside content adds some.
	MaxDepth = 100
	// MaxRecordBytes is the most bytes one record may span in the file.
	MaxRecordBytes = 64 << 20
)

type state int

const (
	stateProlog state = iota
	stateRSS
	stateChannel
	stateItem
	stateEnd
)

// Reader reads the records of a WXR document one at a time.
type Reader struct {
	d     *xml.Decoder
	in    *countingReader
	depth int
	state state
	err   error
	queue []any

	channel     Channel
	channelSent bool
	item        *Item
	itemSent    bool
}

// NewReader returns a Reader of the WXR document r.
func NewReader(r io.Reader) *Reader {
	in := &countingReader{r: bufio.NewReaderSize(r, 64<<10), limit: MaxRecordBytes}
	d := xml.NewDecoder(in)
	d.Strict = true
	// HTML's named entities (&nbsp;, &eacute;) appear in hand-edited
	// exports. They are a fixed table of strings, so they cannot expand.
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charsetReader
	return &Reader{d: d, in: in}
}

// Offset returns how many bytes of the input have been read, for progress.
func (r *Reader) Offset() int64 { return r.in.n }

// Next returns the next record: *Channel (once, before the authors, terms
// and items), *Author, *Term, *Item or *Comment (after its item), and
// io.EOF at the end. After an error every call returns the same error.
func (r *Reader) Next() (any, error) {
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	r.in.since = 0
	return rec, nil
}

func (r *Reader) next() (any, error) {
	for {
		if len(r.queue) > 0 {
			rec := r.queue[0]
			r.queue = r.queue[1:]
			return rec, nil
		}
		tok, err := r.token()
		if err == io.EOF {
			switch {
			case r.state == stateProlog:
				return nil, r.fail(fmt.Errorf("%w: the file is empty or has no root element", ErrNotWXR))
			case r.state != stateEnd:
				return nil, r.fail(ErrTruncated)
			case !r.channelSent:
				return nil, r.fail(fmt.Errorf("%w: there is no <channel>", ErrNotWXR))
			}
			return nil, io.EOF
		} else if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.start(t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			switch r.state {
			case stateItem:
				if !r.itemSent {
					r.queue = append(r.queue, r.item)
				}
				r.item, r.state = nil, stateChannel
			case stateChannel:
				if err := r.sendChannel(); err != nil {
					return nil, err
				}
				r.state = stateRSS
			case stateRSS:
				r.state = stateEnd
			}
		case xml.CharData:
			if r.state == stateProlog && len(bytes.TrimSpace(t)) > 0 {
				return nil, r.fail(fmt.Errorf("%w: text before the root element", ErrNotWXR))
			}
		}
	}
}

func (r *Reader) start(t xml.StartElement) error {
	switch r.state {
	case stateProlog:
		if t.Name.Local != "rss" {
			return r.fail(fmt.Errorf("%w: the root element is <%s>, not <rss>", ErrNotWXR, t.Name.Local))
		}
		r.state = stateRSS
	case stateRSS:
		if t.Name.Local != "channel" {
			return r.skip()
		}
		r.state = stateChannel
	case stateChannel:
		return r.channelChild(t)
	case stateItem:
		return r.itemChild(t)
	case stateEnd:
		return r.fail(fmt.Errorf("%w: more than one root element", ErrNotWXR))
	}
	return nil
}

func (r *Reader) sendChannel() error {
	if r.channelSent {
		return nil
	}
	v := r.channel.WXRVersion
	if v == "" {
		return r.fail(fmt.Errorf("%w: an RSS feed without <wp:wxr_version>", ErrNotWXR))
	}
	if !strings.HasPrefix(v, "1.") {
		return r.fail(fmt.Errorf("%w %q (1.0 to 1.2 are read)", ErrVersion, v))
	}
	r.channelSent = true
	r.queue = append(r.queue, &r.channel)
	return nil
}

func (r *Reader) channelChild(t xml.StartElement) error {
	key := qualified(t.Name)
	ch := &r.channel
	var dst *string
	switch key {
	case "title":
		dst = &ch.Title
	case "link":
		dst = &ch.Link
	case "description":
		dst = &ch.Description
	case "pubDate":
		dst = &ch.PubDate
	case "language":
		dst = &ch.Language
	case "generator":
		dst = &ch.Generator
	case "wp:wxr_version":
		dst = &ch.WXRVersion
	case "wp:base_site_url":
		dst = &ch.BaseSiteURL
	case "wp:base_blog_url":
		dst = &ch.BaseBlogURL
	}
	if dst != nil {
		s, err := r.text()
		*dst = s
		return err
	}
	switch key {
	case "wp:author", "wp:category", "wp:tag", "wp:term", "item":
		if err := r.sendChannel(); err != nil {
			return err
		}
	default:
		return r.skip()
	}
	switch key {
	case "wp:author":
		a, err := r.author()
		if err != nil {
			return err
		}
		r.queue = append(r.queue, a)
	case "wp:category", "wp:tag", "wp:term":
		tm, err := r.term(key)
		if err != nil {
			return err
		}
		r.queue = append(r.queue, tm)
	case "item":
		r.state, r.item, r.itemSent = stateItem, &Item{}, false
	}
	return nil
}

func (r *Reader) author() (*Author, error) {
	a := &Author{}
	err := r.fields(func(key string, _ xml.StartElement) error {
		var err error
		switch key {
		case "wp:author_id":
			a.ID, err = r.int()
		case "wp:author_login":
			a.Login, err = r.text()
		case "wp:author_email":
			a.Email, err = r.text()
		case "wp:author_display_name":
			a.DisplayName, err = r.text()
		case "wp:author_first_name":
			a.FirstName, err = r.text()
		case "wp:author_last_name":
			a.LastName, err = r.text()
		default:
			err = r.skip()
		}
		return err
	})
	return a, err
}

func (r *Reader) term(key string) (*Term, error) {
	t := &Term{}
	switch key {
	case "wp:category":
		t.Taxonomy = TaxonomyCategory
	case "wp:tag":
		t.Taxonomy = TaxonomyTag
	}
	err := r.fields(func(key string, _ xml.StartElement) error {
		var err error
		switch key {
		case "wp:term_id":
			t.ID, err = r.int()
		case "wp:term_taxonomy":
			t.Taxonomy, err = r.text()
		case "wp:category_nicename", "wp:tag_slug", "wp:term_slug":
			t.Slug, err = r.text()
		case "wp:cat_name", "wp:tag_name", "wp:term_name":
			t.Name, err = r.text()
		case "wp:category_parent", "wp:term_parent":
			t.Parent, err = r.text()
		case "wp:category_description", "wp:tag_description", "wp:term_description":
			t.Description, err = r.text()
		case "wp:termmeta":
			var m Meta
			m, err = r.meta()
			t.Meta = append(t.Meta, m)
		default:
			err = r.skip()
		}
		return err
	})
	return t, err
}

func (r *Reader) meta() (Meta, error) {
	var m Meta
	err := r.fields(func(key string, _ xml.StartElement) error {
		var err error
		switch key {
		case "wp:meta_key":
			m.Key, err = r.text()
		case "wp:meta_value":
			m.Value, err = r.text()
		default:
			err = r.skip()
		}
		return err
	})
	return m, err
}

// itemChild reads one child of <item>. The item goes out as a record at
// its first comment, or at its end, so comments stream one by one
// however many an item has. WordPress writes comments last; anything
// after them is read and dropped.
func (r *Reader) itemChild(t xml.StartElement) error {
	key := qualified(t.Name)
	if key == "wp:comment" {
		c, err := r.comment()
		if err != nil {
			return err
		}
		c.PostID = r.item.ID
		if !r.itemSent {
			r.queue = append(r.queue, r.item)
			r.itemSent = true
		}
		r.queue = append(r.queue, c)
		return nil
	}
	if r.itemSent {
		return r.skip()
	}
	return r.itemField(r.item, key, t)
}

// itemField reads the element t, named key, into a field of it.
func (r *Reader) itemField(it *Item, key string, t xml.StartElement) error {
	var err error
	switch key {
	case "title":
		it.Title, err = r.text()
	case "link":
		it.Link, err = r.text()
	case "pubDate":
		it.PubDate, err = r.text()
	case "dc:creator":
		it.Creator, err = r.text()
	case "guid":
		it.GUIDIsPermaLink = true
		for _, a := range t.Attr {
			if a.Name.Local == "isPermaLink" {
				it.GUIDIsPermaLink = a.Value != "false"
			}
		}
		it.GUID, err = r.text()
	case "description":
		it.Description, err = r.text()
	case "content:encoded":
		it.Content, err = r.text()
	case "excerpt:encoded":
		it.Excerpt, err = r.text()
	case "wp:post_id":
		it.ID, err = r.int()
	case "wp:post_date":
		it.Date, err = r.text()
	case "wp:post_date_gmt":
		it.DateGMT, err = r.text()
	case "wp:post_modified":
		it.Modified, err = r.text()
	case "wp:post_modified_gmt":
		it.ModifiedGMT, err = r.text()
	case "wp:comment_status":
		it.CommentStatus, err = r.text()
	case "wp:ping_status":
		it.PingStatus, err = r.text()
	case "wp:post_name":
		it.Name, err = r.text()
	case "wp:status":
		it.Status, err = r.text()
	case "wp:post_parent":
		it.Parent, err = r.int()
	case "wp:menu_order":
		var n int64
		n, err = r.int()
		it.MenuOrder = int(n)
	case "wp:post_type":
		it.Type, err = r.text()
	case "wp:post_password":
		it.Password, err = r.text()
	case "wp:is_sticky":
		var n int64
		n, err = r.int()
		it.Sticky = n != 0
	case "wp:attachment_url":
		it.AttachmentURL, err = r.text()
	case "category":
		var tm ItemTerm
		tm, err = r.itemTerm(t)
		it.Terms = append(it.Terms, tm)
	case "wp:postmeta":
		var m Meta
		m, err = r.meta()
		it.Meta = append(it.Meta, m)
	default:
		err = r.skip()
	}
	return err
}

// itemTerm reads a category element: a term of the taxonomy in its
// domain attribute.
func (r *Reader) itemTerm(t xml.StartElement) (ItemTerm, error) {
	tm := ItemTerm{}
	for _, a := range t.Attr {
		switch a.Name.Local {
		case "domain":
			tm.Domain = a.Value
		case "nicename":
			tm.Nicename = a.Value
		}
	}
	var err error
	tm.Name, err = r.text()
	if tm.Domain == "" {
		tm.Domain = TaxonomyCategory // RSS 2.0 categories without a domain
	}
	return tm, err
}

func (r *Reader) comment() (*Comment, error) {
	c := &Comment{}
	err := r.fields(func(key string, _ xml.StartElement) error {
		var err error
		switch key {
		case "wp:comment_id":
			c.ID, err = r.int()
		case "wp:comment_author":
			c.Author, err = r.text()
		case "wp:comment_author_email":
			c.AuthorEmail, err = r.text()
		case "wp:comment_author_url":
			c.AuthorURL, err = r.text()
		case "wp:comment_author_IP":
			c.AuthorIP, err = r.text()
		case "wp:comment_date":
			c.Date, err = r.text()
		case "wp:comment_date_gmt":
			c.DateGMT, err = r.text()
		case "wp:comment_content":
			c.Content, err = r.text()
		case "wp:comment_approved":
			c.Approved, err = r.text()
		case "wp:comment_type":
			c.Type, err = r.text()
		case "wp:comment_parent":
			c.Parent, err = r.int()
		case "wp:comment_user_id":
			c.UserID, err = r.int()
		case "wp:commentmeta":
			var m Meta
			m, err = r.meta()
			c.Meta = append(c.Meta, m)
		default:
			err = r.skip()
		}
		return err
	})
	return c, err
}

// fields calls fn for each child element of the element just started;
// fn must consume the child (r.text, r.int, r.skip or r.fields).
func (r *Reader) fields(fn func(key string, start xml.StartElement) error) error {
	for {
		tok, err := r.token()
		if err != nil {
			return r.eof(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := fn(qualified(t.Name), t); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// text reads the content of the element just started up to its end.
// Markup nested without CDATA is kept as markup.
func (r *Reader) text() (string, error) {
	var b strings.Builder
	level := 0
	for {
		tok, err := r.token()
		if err != nil {
			return "", r.eof(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if level == 0 {
				b.Write(t)
			} else {
				xml.EscapeText(&b, t)
			}
		case xml.StartElement:
			level++
			b.WriteByte('<')
			b.WriteString(t.Name.Local)
			for _, a := range t.Attr {
				b.WriteByte(' ')
				b.WriteString(a.Name.Local)
				b.WriteString(`="`)
				xml.EscapeText(&b, []byte(a.Value))
				b.WriteByte('"')
			}
			b.WriteByte('>')
		case xml.EndElement:
			if level == 0 {
				return strings.TrimSpace(b.String()), nil
			}
			level--
			b.WriteString("</" + t.Name.Local + ">")
		}
	}
}

// int reads a whole number; anything else reads as 0, as PHP would.
func (r *Reader) int() (int64, error) {
	s, err := r.text()
	if err != nil {
		return 0, err
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n, nil
}

// skip consumes the element just started.
func (r *Reader) skip() error {
	for level := 0; ; {
		tok, err := r.token()
		if err != nil {
			return r.eof(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			level++
		case xml.EndElement:
			if level == 0 {
				return nil
			}
			level--
		}
	}
}

// eof turns an end of input inside an element into ErrTruncated.
func (r *Reader) eof(err error) error {
	if err == io.EOF {
		return r.fail(ErrTruncated)
	}
	return err
}

// token returns the next token, refusing directives and deep nesting and
// turning decoder errors into *Error.
func (r *Reader) token() (xml.Token, error) {
	tok, err := r.d.Token()
	if err != nil {
		if err == io.EOF {
			if r.depth > 0 {
				return nil, r.fail(ErrTruncated)
			}
			return nil, io.EOF
		}
		var syn *xml.SyntaxError
		switch {
		case errors.Is(err, errTooLarge):
			return nil, r.fail(fmt.Errorf("%w (more than %d MiB in one record)", ErrTooLarge, MaxRecordBytes>>20))
		case errors.As(err, &syn) && strings.Contains(syn.Msg, "unexpected EOF"):
			return nil, &Error{Line: syn.Line, Offset: r.in.n, Err: ErrTruncated}
		case errors.As(err, &syn):
			return nil, &Error{Line: syn.Line, Offset: r.in.n, Err: fmt.Errorf("%w: XML syntax error: %s", ErrNotWXR, syn.Msg)}
		}
		return nil, r.fail(err)
	}
	switch tok.(type) {
	case xml.Directive:
		return nil, r.fail(ErrDTD)
	case xml.StartElement:
		r.depth++
		if r.depth > MaxDepth {
			return nil, r.fail(fmt.Errorf("%w (more than %d levels)", ErrTooDeep, MaxDepth))
		}
	case xml.EndElement:
		r.depth--
	}
	return tok, nil
}

func (r *Reader) fail(err error) error {
	line, _ := r.d.InputPos()
	return &Error{Line: line, Offset: r.in.n, Err: err}
}

// qualified names an element by a fixed prefix for its namespace, so that
// WXR 1.0, 1.1 and 1.2 and their http and https namespace spellings read
// alike: "wp:post_id", "content:encoded", "title".
func qualified(n xml.Name) string {
	switch prefix(n.Space) {
	case "":
		return n.Local
	case "wp":
		return "wp:" + n.Local
	case "excerpt":
		return "excerpt:" + n.Local
	case "content":
		return "content:" + n.Local
	case "dc":
		return "dc:" + n.Local
	}
	return "?:" + n.Local
}

func prefix(space string) string {
	s := strings.TrimSuffix(space, "/")
	switch {
	case space == "":
		return ""
	case strings.Contains(s, "wordpress.org/export/") && strings.HasSuffix(s, "/excerpt"):
		return "excerpt"
	case strings.Contains(s, "wordpress.org/export/"):
		return "wp"
	case strings.HasSuffix(s, "purl.org/rss/1.0/modules/content"):
		return "content"
	case strings.HasSuffix(s, "purl.org/dc/elements/1.1"):
		return "dc"
	case space == "wp" || space == "excerpt" || space == "content" || space == "dc":
		// A prefix that was never declared: the decoder leaves it as is.
		return space
	}
	return "other"
}

var errTooLarge = errors.New("record too large")

// countingReader counts the bytes read, in total for progress and since
// the last record to bound a record's size.
type countingReader struct {
	r     *bufio.Reader
	n     int64
	since int64
	limit int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
		c.since++
		if c.since > c.limit {
			return 0, errTooLarge
		}
	}
	return b, err
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.since += int64(n)
	if c.since > c.limit {
		return n, errTooLarge
	}
	return n, err
}

// charsetReader converts the legacy encodings old WordPress sites used.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "l1":
		return charmap.ISO8859_1.NewDecoder().Reader(in), nil
	case "iso-8859-15", "latin9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	}
	return nil, fmt.Errorf("%w: the file is in %q; convert it to UTF-8 first", ErrNotWXR, label)
}
