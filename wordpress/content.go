package wordpress

import (
	"html"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"communique/markup"
)

// Image is one picture of a [gallery].
type Image struct {
	URL     string
	Alt     string
	Caption string
}

// GalleryFunc returns the images of a [gallery]: those with the given
// WordPress attachment ids (in that order), or the post's own
// attachments when ids is empty. Unknown ids are left out.
type GalleryFunc func(ids []int64) []Image

// ConvertBody turns a WordPress post body into the HTML Communiqué stores
// (the store sanitizes it on save). WordPress renders bodies when it shows
// them; this does the same once, at import:
//
//   - block-editor bodies lose their <!-- wp:… --> delimiters, and dynamic
//     blocks (latest posts, archives …), which WordPress computes on each
//     view, are dropped;
//   - classic-editor bodies get WordPress's automatic paragraphs
//     (wpautop): blank lines make paragraphs, single newlines <br />;
//   - [caption] becomes <figure> with <figcaption>, [gallery] a gallery of
//     the attachments' images, [audio] and [video] players (mediaPlayer),
//     [embed] and a URL alone on a line a link or an embed; shortcodes of plugins this site does not have stay
//     as text, as WordPress shows them without the plugin.
//
// gallery may be nil when no attachment is known.
func ConvertBody(content string, gallery GalleryFunc) string {
	content = strings.ReplaceAll(content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	// <!--nextpage--> splits a post into pages, which the site shows one
	// at a time with page links; <!--more--> ends the teaser, which the
	// importer takes as the excerpt (Teaser). Comments do not survive
	// sanitizing, so the page break becomes the block editor's element.
	// Only where the comments are: the expressions cost a third of an
	// import's conversion when run over every body.
	if strings.Contains(content, "<!--nextpage-->") {
		content = nextPage.ReplaceAllString(content, "\n\n"+PageBreak+"\n\n")
	}
	if strings.Contains(content, "<!--more") {
		content = moreTag.ReplaceAllString(content, "")
	}
	blocks := HasBlocks(content)
	if blocks {
		content = stripBlocks(content)
	}
	content = shortcodes(content, gallery)
	if blocks {
		return strings.TrimSpace(content)
	}
	content = autoEmbed(content)
	return strings.TrimSpace(autop(content))
}

// HasBlocks reports whether a body was written in the block editor, as
// WordPress's has_blocks does; such bodies get no automatic paragraphs.
func HasBlocks(content string) bool { return strings.Contains(content, "<!-- wp:") }

// PageBreak is the element a page break is stored as.
const PageBreak = `<hr class="wp-block-nextpage">`

var (
	nextPage = regexp.MustCompile(`(?:<p>\s*)?<!--nextpage-->(?:\s*</p>)?`)
	moreTag  = regexp.MustCompile(`(?:<p>\s*)?<!--more(?:[^>]*)?-->(?:\s*</p>)?`)

	// blockDelimiter matches <!-- wp:name {"attrs"} -->, <!-- /wp:name -->
	// and the void <!-- wp:name /-->, as WordPress's block parser does.
	blockDelimiter = regexp.MustCompile(`(?s)<!--\s+/?wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?\s+(?:\{.*?\}\s+)?/?-->`)
	// embedWrapper is what an embed block holds: the URL WordPress turns
	// into a player when it shows the post.
	embedWrapper = regexp.MustCompile(`(<div class="wp-block-embed__wrapper">)\s*(https?://[^\s<]+)\s*(</div>)`)
	// lineURL is a URL alone on its line, which WordPress embeds.
	lineURL = regexp.MustCompile(`(?m)^[ \t]*(https?://[^\s<>"]+)[ \t]*$`)
)

func stripBlocks(content string) string {
	content = blockDelimiter.ReplaceAllString(content, "")
	return embedWrapper.ReplaceAllStringFunc(content, func(m string) string {
		sub := embedWrapper.FindStringSubmatch(m)
		// The block holds the URL as HTML (&amp; for &): link escapes it
		// again, so it is read back first.
		u := html.UnescapeString(sub[2])
		return sub[1] + link(u, u) + sub[3]
	})
}

func autoEmbed(content string) string {
	return lineURL.ReplaceAllStringFunc(content, func(m string) string {
		u := strings.TrimSpace(m)
		if e := embedBlock(u); e != "" {
			return e
		}
		return link(u, u)
	})
}

// embedProviders are the hosts whose URLs WordPress embeds, by the
// provider slug and type its embed blocks name.
var embedProviders = map[string][2]string{
	"youtube.com": {"youtube", "video"}, "youtu.be": {"youtube", "video"}, "vimeo.com": {"vimeo", "video"},
	"twitter.com": {"twitter", "rich"}, "x.com": {"twitter", "rich"}, "instagram.com": {"instagram", "rich"},
	"facebook.com": {"facebook", "rich"}, "wordpress.tv": {"wordpress-tv", "video"},
}

// embedBlock is a classic body's embed (a provider's URL alone on its
// line, [embed], [youtube]) in the block editor's shape, which the site
// shows as a click-to-load placeholder; "" for other URLs.
func embedBlock(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	p, ok := embedProviders[strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")]
	if !ok {
		return ""
	}
	return `<figure class="wp-block-embed is-type-` + p[1] + ` is-provider-` + p[0] + ` wp-block-embed-` + p[0] +
		`"><div class="wp-block-embed__wrapper">` + link(u.String(), u.String()) + `</div></figure>`
}

func link(href, text string) string {
	return `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`
}

// handled are the shortcodes ConvertBody renders.
var handled = map[string]bool{
	"caption": true, "wp_caption": true, "gallery": true, "embed": true,
	"audio": true, "video": true, "playlist": true, "youtube": true, "vimeo": true,
}

// shortcode is one [name attrs]content[/name] found in a body.
type shortcode struct {
	name    string
	attrs   map[string]string
	pos     []string // attributes without a name
	content string
}

// shortcodes replaces the handled shortcodes, as WordPress's do_shortcode.
func shortcodes(s string, gallery GalleryFunc) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for {
		var found bool
		if s, found = copyUntil(&b, s, '['); !found {
			return b.String()
		}
		sc, n, escaped := parseShortcode(s)
		switch {
		case n == 0:
			b.WriteByte('[')
			s = s[1:]
		case escaped:
			// [[caption]] shows "[caption]" as written.
			b.WriteString(s[1 : n-1])
			s = s[n:]
		default:
			b.WriteString(render(sc, gallery))
			s = s[n:]
		}
	}
}

// parseShortcode reads a handled shortcode at the start of s and returns
// it with the bytes it spans (0 when s does not start with one) and
// whether it was escaped as [[…]].
func parseShortcode(s string) (*shortcode, int, bool) {
	i := 1
	escaped := strings.HasPrefix(s, "[[")
	if escaped {
		i = 2
	}
	j := i
	for j < len(s) && (isWordByte(s[j]) || s[j] == '-') {
		j++
	}
	name := s[i:j]
	if !handled[name] || j == len(s) || (s[j] != ' ' && s[j] != ']' && s[j] != '/' && s[j] != '\t' && s[j] != '\n') {
		return nil, 0, false
	}
	end := strings.IndexByte(s[j:], ']')
	if end < 0 {
		return nil, 0, false
	}
	end += j
	attrText := s[j:end]
	selfClosing := strings.HasSuffix(attrText, "/")
	if selfClosing {
		attrText = attrText[:len(attrText)-1]
	}
	sc := &shortcode{name: name}
	sc.attrs, sc.pos = parseAttrs(attrText)
	n := end + 1
	if !selfClosing {
		closer := "[/" + name + "]"
		if k := strings.Index(s[n:], closer); k >= 0 {
			sc.content = s[n : n+k]
			n += k + len(closer)
		}
	}
	if escaped {
		if n < len(s) && s[n] == ']' {
			return sc, n + 1, true
		}
		return nil, 0, false
	}
	return sc, n, false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// attrPattern is WordPress's get_shortcode_atts_regex.
var attrPattern = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)`)

func parseAttrs(text string) (map[string]string, []string) {
	text = strings.NewReplacer("\u00a0", " ", "\u200b", " ").Replace(text)
	attrs := map[string]string{}
	var pos []string
	for _, m := range attrPattern.FindAllStringSubmatch(text, -1) {
		switch {
		case m[1] != "":
			attrs[strings.ToLower(m[1])] = m[2]
		case m[3] != "":
			attrs[strings.ToLower(m[3])] = m[4]
		case m[5] != "":
			attrs[strings.ToLower(m[5])] = m[6]
		case m[7] != "":
			pos = append(pos, m[7])
		case m[8] != "":
			pos = append(pos, m[8])
		case m[9] != "":
			pos = append(pos, m[9])
		}
	}
	return attrs, pos
}

func render(sc *shortcode, gallery GalleryFunc) string {
	switch sc.name {
	case "caption", "wp_caption":
		return renderCaption(sc)
	case "gallery":
		return renderGallery(sc, gallery)
	case "embed":
		u := strings.TrimSpace(sc.content)
		if u == "" {
			u = sc.attrs["src"]
		}
		if e := embedBlock(u); e != "" {
			return e
		}
		return mediaLink(u, "")
	case "audio", "video", "youtube", "vimeo":
		u := sc.attrs["src"]
		for _, k := range []string{"mp3", "m4a", "ogg", "wav", "wma", "flac", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "url"} {
			if u == "" {
				u = sc.attrs[k]
			}
		}
		if u == "" && len(sc.pos) > 0 {
			u = sc.pos[0]
		}
		if e := embedBlock(u); e != "" {
			return e
		}
		if sc.name == "audio" || sc.name == "video" {
			return mediaPlayer(sc.name, u, sc.attrs)
		}
		label := map[string]string{"youtube": "Watch on YouTube", "vimeo": "Watch on Vimeo"}[sc.name]
		return mediaLink(u, label)
	case "playlist":
		if ids := parseIDs(sc.attrs["ids"]); len(ids) > 0 && gallery != nil {
			var b strings.Builder
			b.WriteString("<ul>")
			for _, img := range gallery(ids) {
				b.WriteString("<li>" + link(img.URL, path.Base(img.URL)) + "</li>")
			}
			b.WriteString("</ul>")
			return b.String()
		}
		return ""
	}
	return ""
}

// mediaPlayer is [audio] or [video] as the block editor writes it, a
// player in a figure, with a link to the file inside for browsers that
// play nothing. The sanitizer keeps the player only once the file is the
// site's own (the import brings it into the library and points the
// body at it); a file left elsewhere shows as that link.
func mediaPlayer(kind, u string, attrs map[string]string) string {
	u = strings.TrimSpace(html.UnescapeString(u))
	if parsed, err := url.Parse(u); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") {
		return ""
	}
	label := "Listen: "
	if kind == "video" {
		label = "Watch: "
	}
	var b strings.Builder
	b.WriteString(`<figure class="wp-block-` + kind + `"><` + kind + ` controls preload="metadata" src="` + html.EscapeString(u) + `"`)
	if p := strings.TrimSpace(html.UnescapeString(attrs["poster"])); kind == "video" && p != "" {
		b.WriteString(` poster="` + html.EscapeString(p) + `"`)
	}
	if v := strings.ToLower(attrs["loop"]); v == "on" || v == "1" || v == "true" {
		b.WriteString(` loop`)
	}
	b.WriteString(`>` + link(u, label+path.Base(strings.SplitN(u, "?", 2)[0])) + `</` + kind + `></figure>`)
	return b.String()
}

// mediaLink is what an embedded player becomes: a link, in its own
// paragraph, to what it played.
func mediaLink(u, label string) string {
	u = strings.TrimSpace(html.UnescapeString(u))
	if parsed, err := url.Parse(u); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") {
		return ""
	}
	text := u
	if label != "" {
		name := path.Base(strings.SplitN(u, "?", 2)[0])
		if label == "Listen" || label == "Watch" {
			text = label + ": " + name
		} else {
			text = label
		}
	}
	return "<p>" + link(u, text) + "</p>"
}

// captionContent splits a caption's content into the image (possibly in
// a link) and the caption text, as WordPress's img_caption_shortcode.
var captionContent = regexp.MustCompile(`(?is)^\s*((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)$`)

func renderCaption(sc *shortcode) string {
	content, caption := sc.content, sc.attrs["caption"]
	if m := captionContent.FindStringSubmatch(content); m != nil {
		content = m[1]
		if caption == "" {
			caption = strings.TrimSpace(m[2])
		}
	}
	class := "wp-caption"
	if align := sc.attrs["align"]; align != "" && isClassName(align) {
		class += " " + align
	}
	var b strings.Builder
	b.WriteString(`<figure class="` + class + `">`)
	b.WriteString(strings.TrimSpace(content))
	if caption != "" {
		b.WriteString(`<figcaption class="wp-caption-text">` + caption + `</figcaption>`)
	}
	b.WriteString(`</figure>`)
	return b.String()
}

func isClassName(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

func renderGallery(sc *shortcode, gallery GalleryFunc) string {
	if gallery == nil {
		return ""
	}
	ids := parseIDs(sc.attrs["ids"])
	if len(ids) == 0 {
		ids = parseIDs(sc.attrs["include"])
	}
	images := gallery(ids)
	if exclude := parseIDs(sc.attrs["exclude"]); len(exclude) > 0 && len(ids) == 0 {
		drop := map[string]bool{}
		for _, img := range gallery(exclude) {
			drop[img.URL] = true
		}
		kept := images[:0:0]
		for _, img := range images {
			if !drop[img.URL] {
				kept = append(kept, img)
			}
		}
		images = kept
	}
	if len(images) == 0 {
		return ""
	}
	columns, err := strconv.Atoi(sc.attrs["columns"])
	if err != nil || columns < 1 || columns > 9 {
		columns = 3
	}
	var b strings.Builder
	b.WriteString(`<div class="gallery gallery-columns-` + strconv.Itoa(columns) + `">`)
	for _, img := range images {
		b.WriteString(`<figure class="gallery-item"><a href="` + html.EscapeString(img.URL) + `"><img src="` +
			html.EscapeString(img.URL) + `" alt="` + html.EscapeString(img.Alt) + `" loading="lazy"></a>`)
		if img.Caption != "" {
			b.WriteString(`<figcaption class="wp-caption-text gallery-caption">` + html.EscapeString(img.Caption) + `</figcaption>`)
		}
		b.WriteString(`</figure>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// parseIDs reads "1,2, 3" (the ids attribute of [gallery]).
func parseIDs(s string) []int64 {
	var ids []int64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// EscapeShortcodes doubles the brackets of the shortcodes ConvertBody
// renders ([gallery] becomes [[gallery]]), so that HTML already converted
// shows them as text when WordPress, or ConvertBody, reads it again.
func EscapeShortcodes(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	var b strings.Builder
	for {
		var found bool
		if s, found = copyUntil(&b, s, '['); !found {
			return b.String()
		}
		if _, n, _ := parseShortcode(s); n > 0 {
			// [[gallery]] (text already) becomes [[[gallery]]], which
			// shows as [[gallery]] again.
			b.WriteString("[" + s[:n] + "]")
			s = s[n:]
		} else {
			b.WriteByte('[')
			s = s[1:]
		}
	}
}

// Teaser returns the part of a body before its <!--more--> tag as text,
// "" when it has none: WordPress shows that part on lists of posts.
func Teaser(content string) string {
	loc := moreTag.FindStringIndex(content)
	if loc == nil {
		return ""
	}
	return strings.TrimSpace(markup.PlainText(ConvertBody(content[:loc[0]], nil)))
}
