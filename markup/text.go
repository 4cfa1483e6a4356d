package markup

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text of HTML s with tags removed, entities decoded
// and runs of white space collapsed to single spaces, for excerpts, meta
// descriptions and search indexing. The result is plain text, not HTML:
// callers must escape it again before putting it in a page.
//
// Block elements separate words, so "<p>a</p><p>b</p>" gives "a b".
// Scripts, styles and footnote references and lists are left out: they
// are not prose and would end up mid-sentence in a summary.
func PlainText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	// skip names the element whose content is being left out and depth
	// counts nested elements of the same name, so that "</div>" closes the
	// right one.
	var (
		skip  atom.Atom
		depth int
	)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.StartTagToken:
			if skip != 0 {
				if tok.DataAtom == skip {
					depth++
				}
				continue
			}
			if skipsContent(tok) {
				skip, depth = tok.DataAtom, 1
				continue
			}
			if separatesWords(tok.DataAtom) {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			if skip != 0 {
				if tok.DataAtom == skip {
					depth--
					if depth == 0 {
						skip = 0
					}
				}
				continue
			}
			if separatesWords(tok.DataAtom) {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			if skip == 0 && separatesWords(tok.DataAtom) {
				b.WriteByte(' ')
			}
		case html.TextToken:
			if skip == 0 {
				b.WriteString(tok.Data)
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// skipsContent reports whether the text inside tok is not part of the
// readable prose.
func skipsContent(tok html.Token) bool {
	switch tok.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Head, atom.Title:
		return true
	}
	if tok.DataAtom == 0 {
		// An unknown element has no atom; skipping "0" would never end.
		return false
	}
	for _, a := range tok.Attr {
		if a.Key == "role" {
			switch a.Val {
			case "doc-noteref", "doc-endnotes", "doc-backlink":
				return true
			}
		}
	}
	return false
}

// separatesWords reports whether a tag marks a boundary between words, as
// block elements and line breaks do when a browser lays out the page.
func separatesWords(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Br,
		atom.Caption, atom.Dd, atom.Details, atom.Div, atom.Dl, atom.Dt,
		atom.Figcaption, atom.Figure, atom.Footer, atom.H1, atom.H2,
		atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup,
		atom.Hr, atom.Img, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P,
		atom.Pre, atom.Section, atom.Summary, atom.Table, atom.Tbody,
		atom.Td, atom.Tfoot, atom.Th, atom.Thead, atom.Tr, atom.Ul:
		return true
	}
	return false
}

// Excerpt returns the first n words of the plain text of HTML s (see
// PlainText), followed by "…" when words were cut. It returns "" when n is
// not positive.
func Excerpt(s string, n int) string {
	if n <= 0 {
		return ""
	}
	words := strings.Fields(PlainText(s))
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	words = words[:n]
	// "word,…" and "word —…" read badly; drop the dangling punctuation.
	for len(words) > 0 {
		last := strings.TrimRight(words[len(words)-1], ",;:—–-")
		if last != "" {
			words[len(words)-1] = last
			break
		}
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ") + "…"
}
