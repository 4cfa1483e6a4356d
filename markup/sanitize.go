package markup

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// srcsetURL matches one image candidate URL: http(s), protocol-relative or
// relative. A relative URL may not contain ":" before its first "/", "?"
// or "#", which is what keeps javascript: and data: out. Commas are not
// allowed inside the URL so the candidate list splits unambiguously.
const srcsetURL = `(?:(?i:https?)://[^\s,]+|//[^\s,]+|[^\s,:/?#]+(?:[/?#][^\s,]*)?|[/?#][^\s,]*)`

// srcsetCandidate is a URL with an optional width or density descriptor.
const srcsetCandidate = srcsetURL + `(?:\s+(?:\d+w|\d+(?:\.\d+)?x))?`

var (
	// bluemonday only checks the schemes of href, src and cite, so srcset,
	// which holds URLs too, needs its own strict pattern.
	srcsetPattern = regexp.MustCompile(`^\s*` + srcsetCandidate + `(?:\s*,\s*` + srcsetCandidate + `)*\s*$`)

	sizesPattern   = regexp.MustCompile(`^[a-zA-Z0-9\s().,:%+*/-]+$`)
	loadingPattern = regexp.MustCompile(`^(?:lazy|eager)$`)

	// relPattern lists the link types an editor may set; "opener" and
	// anything else that changes browser behaviour is left out.
	relPattern = regexp.MustCompile(`^\s*(?:(?:nofollow|noopener|noreferrer|sponsored|ugc|external|author|license|tag|bookmark|me)\s*)+$`)

	// Fenced code blocks carry their language for syntax highlighters.
	codeClassPattern = regexp.MustCompile(`^language-[\w.+#-]+$`)

	// layoutClasses are the classes WordPress's blocks, shortcodes and
	// themes lay an article out with (alignment, captions, galleries and
	// their column count, cover, columns, buttons, pull quotes, tables,
	// embeds), kept so an imported article looks as it did and a site's
	// theme can be rebuilt on them. Classes only: styles stay out.
	layoutClass = `(?:align(?:left|right|center|wide|full|none)|wp-block-[a-z0-9_-]+|wp-element-[a-z0-9_-]+|is-[a-z0-9_-]+|has-[a-z0-9_-]+|` +
		`columns-[a-z0-9-]+|gallery-columns-[0-9]+|size-[a-z0-9_-]+|wp-image-[0-9]+|attachment-[a-z0-9_-]+|wp-caption(?:-text|-dd)?|` +
		`gallery(?:-item|-icon|-caption)?|blocks-gallery-[a-z0-9_-]+|wp-embed-aspect-[0-9-]+|wp-has-aspect-ratio|screen-reader-text|` +
		`more-link|page-links|post-page-numbers)`
	layoutClasses = regexp.MustCompile(`^\s*` + layoutClass + `(?:\s+` + layoutClass + `)*\s*$`)
	// Footnotes' classes (goldmark) join them on the elements they use.
	divClasses  = regexp.MustCompile(`^\s*(?:footnotes|` + layoutClass + `(?:\s+` + layoutClass + `)*)\s*$`)
	linkClasses = regexp.MustCompile(`^\s*(?:footnote-ref|footnote-backref|` + layoutClass + `(?:\s+` + layoutClass + `)*)\s*$`)

	// keptClass is a class token some element may keep; classAttr finds
	// the class attributes of tags, whose other tokens (a plugin's, a
	// theme's) go before the allowlist sees them, so that one unknown
	// token does not cost an element its layout.
	keptClass = regexp.MustCompile(`^(?:` + layoutClass + `|language-[\w.+#-]+|footnotes|footnote-ref|footnote-backref)$`)
	classAttr = regexp.MustCompile(`(<[a-zA-Z][a-zA-Z0-9]*\s[^<>]*?\bclass=")([^"<>]*)(")`)
)

// keepKnownClasses drops the class tokens no element may keep.
func keepKnownClasses(html string) string {
	if !strings.Contains(html, "class=") {
		return html
	}
	return classAttr.ReplaceAllStringFunc(html, func(m string) string {
		g := classAttr.FindStringSubmatch(m)
		var kept []string
		for _, c := range strings.Fields(g[2]) {
			if keptClass.MatchString(c) {
				kept = append(kept, c)
			}
		}
		return g[1] + strings.Join(kept, " ") + g[3]
	})
}

// articlePolicy is built once: a bluemonday.Policy is safe for concurrent
// use once configured.
var articlePolicy = newArticlePolicy()

// newArticlePolicy extends bluemonday's UGCPolicy, which already keeps
// headings, lists, blockquotes, figures, tables, code, sub/sup, abbr,
// del/ins and images, allows only http, https, mailto and relative URLs,
// and drops style attributes, on* handlers, script, style, iframe, svg and
// math. The additions are what a news article needs on top.
func newArticlePolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()

	// Article links are written by staff and often point at our own pages;
	// forcing nofollow on them would hide the site from search engines.
	// Editors can still set rel themselves.
	p.RequireNoFollowOnLinks(false)
	p.AllowAttrs("rel").Matching(relPattern).OnElements("a")

	// target is not allowed at all: bluemonday only adds rel="noopener" to
	// target=_blank links when it also rewrites rel for nofollow or
	// noreferrer, which we just turned off.

	// UGCPolicy's title and alt pattern rejects ":", "?" and quotes, which
	// real captions and alt text contain. Attribute values are re-escaped
	// on output, so any text is safe there.
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("alt").OnElements("img")

	// Responsive images.
	p.AllowAttrs("srcset").Matching(srcsetPattern).OnElements("img")
	p.AllowAttrs("sizes").Matching(sizesPattern).OnElements("img")
	p.AllowAttrs("loading").Matching(loadingPattern).OnElements("img")

	p.AllowAttrs("class").Matching(codeClassPattern).OnElements("code")
	p.AllowElements("kbd")

	// Footnote markup produced by goldmark's Footnote extension, so the
	// references and back links keep their classes and ARIA roles.
	p.AllowAttrs("class").Matching(linkClasses).OnElements("a")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(?:noteref|backlink)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(divClasses).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-endnotes$`)).OnElements("div")

	// WordPress's layout classes (see layoutClasses), embeds in its block
	// shape among them, as the newsroom's editor and WordPress write them:
	// the figure's classes name the kind and the provider, the wrapper
	// holds the URL, and the site renders it as a click-to-load placeholder.
	p.AllowAttrs("class").Matching(layoutClasses).OnElements("figure", "figcaption", "img", "p", "blockquote", "cite",
		"table", "thead", "tbody", "tfoot", "tr", "td", "th", "ul", "ol", "li", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
		"span", "nav", "pre")

	// Audio and video players of the site's own files (see
	// localPlayers), as WordPress's [audio], [video] and blocks write
	// them; a cover's background video plays muted in a loop.
	p.AllowElements("audio", "video", "source")
	p.AllowAttrs("src").Matching(localMedia).OnElements("audio", "video", "source")
	p.AllowAttrs("poster").Matching(localPoster).OnElements("video")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(?:audio|video)/[a-z0-9.+-]+$`)).OnElements("source")
	p.AllowAttrs("preload").Matching(regexp.MustCompile(`^(?:none|metadata|auto)$`)).OnElements("audio", "video")
	p.AllowAttrs("controls", "loop", "muted", "playsinline", "autoplay").Matching(regexp.MustCompile(`^[a-z]*$`)).OnElements("audio", "video")
	p.AllowAttrs("class").Matching(layoutClasses).OnElements("audio", "video")

	return p
}

// Sanitize applies the article allowlist to html and returns the result.
// It keeps the structure and media a news article needs (paragraphs,
// headings, lists, blockquotes, figures, images with srcset, links,
// tables, code, footnotes) and removes scripts, styles, iframes, event
// handlers and any URL that is not http, https, mailto or relative.
// Elements nested deeper than MaxDepth lose their tags.
func Sanitize(html string) string {
	return limitDepth(articlePolicy.Sanitize(keepKnownClasses(localPlayers(html))), MaxDepth)
}
