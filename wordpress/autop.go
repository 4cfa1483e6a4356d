package wordpress

import (
	"regexp"
	"strconv"
	"strings"
)

// allBlocks are the block-level elements wpautop never wraps in <p>.
const allBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

var (
	autopDoubleBr        = regexp.MustCompile(`<br\s*/?>\s*<br\s*/?>`)
	autopBlockOpen       = regexp.MustCompile(`(<` + allBlocks + `[\s/>])`)
	autopBlockClose      = regexp.MustCompile(`(</` + allBlocks + `>)`)
	autopHr              = regexp.MustCompile(`(<hr\s*?/?>)`)
	autopOptionBefore    = regexp.MustCompile(`\s*<option`)
	autopOptionAfter     = regexp.MustCompile(`</option>\s*`)
	autopObjectOpen      = regexp.MustCompile(`(<object[^>]*>)\s*`)
	autopObjectClose     = regexp.MustCompile(`\s*</object>`)
	autopParam           = regexp.MustCompile(`\s*(</?(?:param|embed)[^>]*>)\s*`)
	autopMediaOpen       = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])\s*`)
	autopMediaClose      = regexp.MustCompile(`\s*([<\[]/(?:audio|video)[>\]])`)
	autopSource          = regexp.MustCompile(`\s*(<(?:source|track)[^>]*>)\s*`)
	autopFigcaptionOpen  = regexp.MustCompile(`\s*(<figcaption[^>]*>)`)
	autopFigcaptionClose = regexp.MustCompile(`</figcaption>\s*`)
	autopManyNewlines    = regexp.MustCompile(`\n\n+`)
	autopSplit           = regexp.MustCompile(`\n\s*\n`)
	autopEmptyP          = regexp.MustCompile(`<p>\s*</p>`)
	autopMissingClose    = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	autopWrappedBlock    = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)\s*</p>`)
	autopWrappedLi       = regexp.MustCompile(`<p>(<li.+?)</p>`)
	autopBlockquote      = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	autopPBeforeBlock    = regexp.MustCompile(`<p>\s*(</?` + allBlocks + `[^>]*>)`)
	autopPAfterBlock     = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)\s*</p>`)
	autopPreserve        = []*regexp.Regexp{
		regexp.MustCompile(`(?s)<script.*?</script>`),
		regexp.MustCompile(`(?s)<style.*?</style>`),
		regexp.MustCompile(`(?s)<svg.*?</svg>`),
		regexp.MustCompile(`(?s)<math.*?</math>`),
	}
	autopNewline       = regexp.MustCompile(`\s*\n`)
	autopBrAfterBlock  = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)\s*<br />`)
	autopBrBeforeBlock = regexp.MustCompile(`<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
)

// autop turns the double line breaks of a classic-editor body into
// paragraphs and single ones into <br />, as WordPress's wpautop does when
// it shows such a post. It is a port of wpautop (WordPress 6), with the
// regular expressions that need look-behind or back-references spelled
// out by hand.
func autop(text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	text += "\n"

	// <pre> blocks are left alone: set aside and put back at the end.
	var preTags []string
	if strings.Contains(text, "<pre") {
		parts := strings.Split(text, "</pre>")
		last := parts[len(parts)-1]
		var b strings.Builder
		for _, part := range parts[:len(parts)-1] {
			start := strings.Index(part, "<pre")
			if start < 0 {
				b.WriteString(part) // malformed HTML
				continue
			}
			name := "<pre wp-pre-tag-" + strconv.Itoa(len(preTags)) + "></pre>"
			preTags = append(preTags, part[start:]+"</pre>")
			b.WriteString(part[:start])
			b.WriteString(name)
		}
		b.WriteString(last)
		text = b.String()
	}

	text = autopDoubleBr.ReplaceAllString(text, "\n\n")
	text = autopBlockOpen.ReplaceAllString(text, "\n\n$1")
	text = autopBlockClose.ReplaceAllString(text, "$1\n\n")
	text = autopHr.ReplaceAllString(text, "$1\n\n")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = replaceInTags(text, "\n", " <!-- wpnl --> ")

	if strings.Contains(text, "<option") {
		text = autopOptionBefore.ReplaceAllString(text, "<option")
		text = autopOptionAfter.ReplaceAllString(text, "</option>")
	}
	if strings.Contains(text, "</object>") {
		text = autopObjectOpen.ReplaceAllString(text, "$1")
		text = autopObjectClose.ReplaceAllString(text, "</object>")
		text = autopParam.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<source") || strings.Contains(text, "<track") {
		text = autopMediaOpen.ReplaceAllString(text, "$1")
		text = autopMediaClose.ReplaceAllString(text, "$1")
		text = autopSource.ReplaceAllString(text, "$1")
	}
	if strings.Contains(text, "<figcaption") {
		text = autopFigcaptionOpen.ReplaceAllString(text, "$1")
		text = autopFigcaptionClose.ReplaceAllString(text, "</figcaption>")
	}
	text = autopManyNewlines.ReplaceAllString(text, "\n\n")

	var b strings.Builder
	for _, p := range autopSplit.Split(text, -1) {
		if p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	text = b.String()

	text = autopEmptyP.ReplaceAllString(text, "")
	// The expressions cost more than a look for the words they need.
	if strings.Contains(text, "</div>") || strings.Contains(text, "</address>") || strings.Contains(text, "</form>") {
		text = autopMissingClose.ReplaceAllString(text, "<p>$1</p></$2>")
	}
	text = autopWrappedBlock.ReplaceAllString(text, "$1")
	text = autopWrappedLi.ReplaceAllString(text, "$1")
	text = autopBlockquote.ReplaceAllString(text, "<blockquote$1><p>")
	text = strings.ReplaceAll(text, "</blockquote></p>", "</p></blockquote>")
	text = autopPBeforeBlock.ReplaceAllString(text, "$1")
	text = autopPAfterBlock.ReplaceAllString(text, "$1")

	// Line breaks become <br />, except inside script, style, svg, math.
	for _, re := range autopPreserve {
		text = re.ReplaceAllStringFunc(text, func(s string) string {
			return strings.ReplaceAll(s, "\n", "<WPPreserveNewline />")
		})
	}
	text = strings.ReplaceAll(text, "<br>", "<br />")
	text = strings.ReplaceAll(text, "<br/>", "<br />")
	text = newlinesToBr(text)
	text = strings.ReplaceAll(text, "<WPPreserveNewline />", "\n")

	text = autopBrAfterBlock.ReplaceAllString(text, "$1")
	text = autopBrBeforeBlock.ReplaceAllString(text, "$1")
	if strings.HasSuffix(text, "\n</p>") {
		text = strings.TrimSuffix(text, "\n</p>") + "</p>"
	}
	for i, pre := range preTags {
		text = strings.Replace(text, "<pre wp-pre-tag-"+strconv.Itoa(i)+"></pre>", pre, 1)
	}
	if strings.Contains(text, "<!-- wpnl -->") {
		text = strings.ReplaceAll(text, " <!-- wpnl --> ", "\n")
		text = strings.ReplaceAll(text, "<!-- wpnl -->", "\n")
	}
	return text
}

// newlinesToBr is wpautop's preg_replace('|(?<!<br />)\s*\n|', "<br />\n"):
// a line break not already after a <br /> gets one.
func newlinesToBr(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range autopNewline.FindAllStringIndex(text, -1) {
		b.WriteString(text[last:m[0]])
		if strings.HasSuffix(text[:m[0]], "<br />") {
			b.WriteString(text[m[0]:m[1]])
		} else {
			b.WriteString("<br />\n")
		}
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// replaceInTags replaces old with new inside HTML tags and comments only,
// as WordPress's wp_replace_in_html_tags does.
func replaceInTags(text, old, new string) string {
	var b strings.Builder
	for {
		var found bool
		if text, found = copyUntil(&b, text, '<'); !found {
			return b.String()
		}
		var end int
		if strings.HasPrefix(text, "<!--") {
			end = strings.Index(text[4:], "-->")
			if end >= 0 {
				end += 4 + 3
			}
		} else {
			end = strings.IndexByte(text[1:], '>')
			if next := strings.IndexByte(text[1:], '<'); next >= 0 && (end < 0 || next < end) {
				// "<" that opens no tag, as in "a < b": plain text.
				b.WriteByte('<')
				text = text[1:]
				continue
			}
			if end >= 0 {
				end += 2
			}
		}
		if end < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(strings.ReplaceAll(text[:end], old, new))
		text = text[end:]
	}
}

// copyUntil writes s up to its first c to b and returns the rest, which
// starts with c; found is false when s has no c and all of it was written.
func copyUntil(b *strings.Builder, s string, c byte) (rest string, found bool) {
	i := strings.IndexByte(s, c)
	if i < 0 {
		b.WriteString(s)
		return "", false
	}
	b.WriteString(s[:i])
	return s[i:], true
}
