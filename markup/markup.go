// Package markup turns what authors and readers type into HTML that is safe
// to store and serve: article bodies (Markdown or HTML), reader comments,
// plain-text excerpts and URL slugs.
//
// Everything that leaves this package as HTML has passed an allowlist, so
// templates may insert it without further escaping.
package markup

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// Body formats accepted by RenderBody.
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// ErrUnknownFormat is returned (wrapped) by RenderBody for a format other
// than FormatMarkdown or FormatHTML.
var ErrUnknownFormat = errors.New("markup: unknown body format")

// markdown is shared by all calls: goldmark keeps per-document state in a
// parser context, so one instance is safe for concurrent use.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		// The sanitizer drops style attributes, so column alignment must
		// use the align attribute to survive.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		extension.Footnote,
		extension.Typographer,
	),
	// Authors may mix raw HTML into Markdown (embeds, figures); instead of
	// goldmark's all-or-nothing escaping we let it through and rely on
	// Sanitize, the single place that decides what HTML is acceptable.
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// RenderBody turns an article body source in the given format into safe
// HTML ready to store. Markdown is CommonMark with GFM tables,
// strikethrough, autolinks and footnotes plus typographic quotes and
// dashes; raw HTML inside it is kept, then sanitized like an HTML body.
// An unknown format returns an error wrapping ErrUnknownFormat.
func RenderBody(format, source string) (string, error) {
	switch format {
	case FormatMarkdown:
		var buf bytes.Buffer
		if err := markdown.Convert([]byte(source), &buf); err != nil {
			return "", fmt.Errorf("markup: render markdown: %w", err)
		}
		return Sanitize(buf.String()), nil
	case FormatHTML:
		return Sanitize(source), nil
	default:
		return "", fmt.Errorf("%w %q", ErrUnknownFormat, format)
	}
}
