package markup

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// attrKind says how a comment attribute value is checked.
type attrKind int

const (
	attrText attrKind = iota // any text, escaped
	attrURL                  // http, https or mailto URL
	attrDatetime
)

// commentTags is WordPress's default allowed comment HTML
// ($allowedtags in wp-includes/kses.php) with the attributes each tag
// keeps.
var commentTags = map[string]map[string]attrKind{
	"a":          {"href": attrURL, "title": attrText},
	"abbr":       {"title": attrText},
	"b":          nil,
	"blockquote": {"cite": attrURL},
	"cite":       nil,
	"code":       nil,
	"del":        {"datetime": attrDatetime},
	"em":         nil,
	"i":          nil,
	"q":          {"cite": attrURL},
	"s":          nil,
	"strike":     nil,
	"strong":     nil,
}

var (
	datetimePattern = regexp.MustCompile(`^[0-9T:.+\-Z ]+$`)

	// bareURLPattern finds URLs typed as text. Trailing punctuation is
	// trimmed afterwards by trimURL.
	bareURLPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`)
)

// Comment formats a reader's comment as WordPress does. The text is plain
// text with paragraphs: a blank line starts a new <p> and a single newline
// becomes <br>. URLs starting with http://, https:// or www. become links.
// WordPress's small set of allowed tags is kept as HTML: a (href, title),
// abbr (title), b, blockquote (cite), cite, code, del (datetime), em, i,
// q (cite), s, strike and strong. Any other markup is shown as typed, so
// "<script>" is displayed, never run. Links get rel="nofollow ugc" and
// only http, https and mailto hrefs survive.
//
// The output is built from escaped text and tags written by this function,
// so it is safe to insert into a page as is.
func Comment(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.ReplaceAll(text, "\x00", "\uFFFD")

	var c commentWriter
	z := html.NewTokenizer(strings.NewReader(text))
	consumed := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			// The tokenizer drops a tag left unfinished at the end, as in
			// "if x <y"; show it as typed.
			if consumed < len(text) {
				c.text(text[consumed:])
			}
			break
		}
		raw := string(z.Raw())
		consumed += len(raw)
		switch tt {
		case html.StartTagToken:
			// Comments are not real HTML documents: "<title>" or
			// "<textarea>" must not swallow the rest of the comment as
			// raw text, including tags that are allowed.
			z.NextIsNotRawText()
			tok := z.Token()
			if _, ok := commentTags[tok.Data]; ok {
				c.start(tok)
				continue
			}
		case html.EndTagToken:
			tok := z.Token()
			if _, ok := commentTags[tok.Data]; ok {
				c.end(tok.Data)
				continue
			}
		case html.TextToken:
			c.text(html.UnescapeString(raw))
			continue
		}
		// Disallowed tags, self-closing tags, HTML comments and doctypes
		// are shown exactly as typed.
		c.text(raw)
	}
	c.closeTo(0)
	return c.b.String()
}

// maxCommentDepth bounds how many elements may be open at once. Open
// inline elements are repeated in every new paragraph, so without a bound
// a few kilobytes of "<b>" followed by blank lines would expand into
// megabytes of output, and every tag would cost time proportional to the
// depth. Real comments never nest this deep.
const maxCommentDepth = 16

// openTag is an element open in the comment output.
type openTag struct {
	name string
	tag  string // the start tag as written, to reopen it in a new paragraph
}

// commentWriter turns the token stream into paragraphs. Line breaks are
// held back until the next content so that breaks before a closing tag or
// at the end do not leave empty paragraphs or trailing <br>s.
type commentWriter struct {
	b     strings.Builder
	stack []openTag // "p", "blockquote" and inline elements, outermost first
	nl    int       // newlines seen since the last content
}

// container returns the index just above the innermost blockquote, where
// the current paragraph, if any, starts.
func (c *commentWriter) container() int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if c.stack[i].name == "blockquote" {
			return i + 1
		}
	}
	return 0
}

// inParagraph reports whether a <p> is open in the current container.
func (c *commentWriter) inParagraph() bool {
	i := c.container()
	return i < len(c.stack) && c.stack[i].name == "p"
}

// closeTo closes the open elements from the top of the stack down to
// index i.
func (c *commentWriter) closeTo(i int) {
	for len(c.stack) > i {
		top := c.stack[len(c.stack)-1]
		c.stack = c.stack[:len(c.stack)-1]
		c.b.WriteString("</" + top.name + ">")
		if top.name == "p" || top.name == "blockquote" {
			c.b.WriteByte('\n')
		}
	}
}

// content is called before anything visible is written: it writes the
// pending line or paragraph break and makes sure a paragraph is open.
func (c *commentWriter) content() {
	var reopen []openTag
	if c.inParagraph() {
		switch {
		case c.nl >= 2:
			// Inline elements open across the blank line continue in the
			// next paragraph, as they would in WordPress.
			p := c.container()
			reopen = append(reopen, c.stack[p+1:]...)
			c.closeTo(p)
		case c.nl == 1:
			c.b.WriteString("<br>\n")
		}
	}
	c.nl = 0
	if !c.inParagraph() {
		c.push(openTag{name: "p", tag: "<p>"})
		for _, t := range reopen {
			c.push(t)
		}
	}
}

func (c *commentWriter) push(t openTag) {
	c.stack = append(c.stack, t)
	c.b.WriteString(t.tag)
}

// start writes an allowed start tag with its checked attributes, or drops
// it when maxCommentDepth elements are already open.
func (c *commentWriter) start(tok html.Token) {
	if len(c.stack) >= maxCommentDepth {
		// Too deep: drop the tag but keep its text. Its end tag then
		// closes the nearest open element of the same name, if any.
		return
	}
	name := tok.Data
	if name == "blockquote" {
		// Inline elements do not span a quote: close them with the
		// paragraph they are in.
		c.closeTo(c.container())
		c.nl = 0
		c.push(openTag{name: name, tag: startTag(tok)})
		return
	}
	c.content()
	if name == "a" {
		// Links cannot nest; like a browser, a new one ends the last.
		for i := len(c.stack) - 1; i >= c.container(); i-- {
			if c.stack[i].name == "a" {
				c.closeTo(i)
				break
			}
		}
	}
	c.push(openTag{name: name, tag: startTag(tok)})
}

// end closes the innermost open element called name and those inside it.
// A stray end tag is dropped. Inline elements are only looked for inside
// the current blockquote, so "</b>" never closes a quote.
func (c *commentWriter) end(name string) {
	lowest := c.container()
	if name == "blockquote" {
		lowest = 0
	}
	for i := len(c.stack) - 1; i >= lowest; i-- {
		if c.stack[i].name == name {
			c.closeTo(i)
			if name == "blockquote" {
				c.nl = 0
			}
			return
		}
	}
}

// text writes s as escaped text, turning newlines into pending breaks and
// bare URLs into links.
func (c *commentWriter) text(s string) {
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			c.nl++
		}
		if strings.TrimSpace(line) == "" {
			// Spaces between words on one line matter; spaces around
			// line breaks do not.
			if c.nl == 0 && line != "" && c.inParagraph() {
				c.b.WriteString(line)
			}
			continue
		}
		c.content()
		if c.inside("a") || c.inside("code") {
			c.b.WriteString(html.EscapeString(line))
		} else {
			c.b.WriteString(linkify(line))
		}
	}
}

// inside reports whether an element called name is open.
func (c *commentWriter) inside(name string) bool {
	for _, t := range c.stack {
		if t.name == name {
			return true
		}
	}
	return false
}

// startTag writes the start tag for an allowed element, keeping only the
// attributes commentTags allows with valid values.
func startTag(tok html.Token) string {
	allowed := commentTags[tok.Data]
	var b strings.Builder
	b.WriteString("<" + tok.Data)
	seen := make(map[string]bool)
	hasHref := false
	for _, a := range tok.Attr {
		kind, ok := allowed[a.Key]
		if !ok || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		val := strings.Join(strings.Fields(a.Val), " ")
		switch kind {
		case attrURL:
			u, ok := commentURL(val)
			if !ok {
				continue
			}
			val = u
		case attrDatetime:
			if !datetimePattern.MatchString(val) {
				continue
			}
		}
		if a.Key == "href" {
			hasHref = true
		}
		b.WriteString(" " + a.Key + `="` + html.EscapeString(val) + `"`)
	}
	if hasHref {
		b.WriteString(` rel="nofollow ugc"`)
	}
	b.WriteString(">")
	return b.String()
}

// commentURL returns s in canonical form if it is an absolute http or
// https URL with a host, or a mailto URL.
func commentURL(s string) (string, bool) {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return u.String(), true
}

// linkify escapes s and turns the bare URLs in it into nofollow links.
func linkify(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range bareURLPattern.FindAllStringIndex(s, -1) {
		raw := trimURL(s[m[0]:m[1]])
		href := raw
		if strings.HasPrefix(strings.ToLower(raw), "www.") {
			href = "http://" + raw
		}
		u, ok := commentURL(href)
		if !ok {
			continue
		}
		b.WriteString(html.EscapeString(s[last:m[0]]))
		b.WriteString(`<a href="` + html.EscapeString(u) + `" rel="nofollow ugc">` + html.EscapeString(raw) + "</a>")
		last = m[0] + len(raw)
	}
	b.WriteString(html.EscapeString(s[last:]))
	return b.String()
}

// trimURL removes punctuation that ends the sentence rather than the URL,
// keeping a closing bracket only when the URL opened one, as in
// Wikipedia's "Go_(programming_language)".
func trimURL(s string) string {
	for {
		n := len(s)
		s = strings.TrimRight(s, ".,;:!?'*")
		for _, pair := range []string{"()", "[]"} {
			if strings.HasSuffix(s, pair[1:]) && strings.Count(s, pair[:1]) < strings.Count(s, pair[1:]) {
				s = s[:len(s)-1]
			}
		}
		if len(s) == n {
			return s
		}
	}
}
