package markup_test

import (
	"errors"
	"strings"
	"testing"

	"communique/markup"
)

func TestRenderBody(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		source  string
		want    []string // substrings the output must contain
		notWant []string // substrings it must not contain
	}{
		{
			name:   "Table",
			format: markup.FormatMarkdown,
			source: "| City | Pop |\n|---|---:|\n| Lyon | 522k |\n",
			want:   []string{"<table>", "<th>City</th>", `<td align="right">522k</td>`},
		},
		{
			name:   "Strikethrough",
			format: markup.FormatMarkdown,
			source: "~~retracted~~",
			want:   []string{"<del>retracted</del>"},
		},
		{
			name:   "Footnotes",
			format: markup.FormatMarkdown,
			source: "Claim.[^src]\n\n[^src]: Reuters, 2026.\n",
			want: []string{
				`<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>`,
				`<div class="footnotes" role="doc-endnotes">`,
				`<li id="fn:1">`,
				`<a href="#fnref:1" class="footnote-backref" role="doc-backlink">`,
				"Reuters, 2026.",
			},
		},
		{
			name:   "Typographer",
			format: markup.FormatMarkdown,
			source: `"Quoted" and it's 1990--2000 --- done...`,
			want:   []string{"“Quoted”", "it’s", "1990–2000", "— done…"},
		},
		{
			name:    "Linkify",
			format:  markup.FormatMarkdown,
			source:  "Read https://example.com/report and www.example.org now.",
			want:    []string{`<a href="https://example.com/report">https://example.com/report</a>`, `<a href="http://www.example.org">www.example.org</a>`},
			notWant: []string{"nofollow"},
		},
		{
			name:   "HeadingsAndCode",
			format: markup.FormatMarkdown,
			source: "# Title\n\n## Section\n\n```go\nx := 1\n```\n",
			want:   []string{"<h1>Title</h1>", "<h2>Section</h2>", `<code class="language-go">x := 1`},
		},
		{
			name:   "RawHTMLFigureKept",
			format: markup.FormatMarkdown,
			source: "Intro\n\n<figure><img src=\"/m/a.jpg\" alt=\"Crowd: 5,000?\" width=\"800\" loading=\"lazy\"><figcaption>Protest</figcaption></figure>\n",
			want:   []string{`<figure><img src="/m/a.jpg" alt="Crowd: 5,000?" width="800" loading="lazy"><figcaption>Protest</figcaption></figure>`},
		},
		{
			name:    "RawHTMLScriptStripped",
			format:  markup.FormatMarkdown,
			source:  "Text\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>",
			want:    []string{"<p>Text</p>", `<img src="x">`},
			notWant: []string{"<script", "alert", "onerror"},
		},
		{
			name:    "MarkdownJavascriptLink",
			format:  markup.FormatMarkdown,
			source:  "[click](javascript:alert(1)) [ok](/about)",
			want:    []string{`<a href="/about">ok</a>`, "click"},
			notWant: []string{"javascript"},
		},
		{
			name:   "HTMLKeepsStructure",
			format: markup.FormatHTML,
			source: `<h2>Sub</h2><p>A <a href="https://example.com" title="Source: AP">link</a><sup>2</sup></p><ul><li>x</li></ul>`,
			want:   []string{`<h2>Sub</h2><p>A <a href="https://example.com" title="Source: AP">link</a><sup>2</sup></p><ul><li>x</li></ul>`},
		},
		{
			name:    "HTMLStripsIframe",
			format:  markup.FormatHTML,
			source:  `<p>Before</p><iframe src="https://evil.example"></iframe><p>After</p>`,
			want:    []string{"<p>Before</p><p>After</p>"},
			notWant: []string{"iframe", "evil"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := markup.RenderBody(tt.format, tt.source)
			if err != nil {
				t.Fatalf("RenderBody: %v", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q\noutput: %s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("output contains %q\noutput: %s", w, got)
				}
			}
		})
	}
}

func TestRenderBodyUnknownFormat(t *testing.T) {
	for _, format := range []string{"", "Markdown", "textile"} {
		got, err := markup.RenderBody(format, "<b>x</b>")
		if !errors.Is(err, markup.ErrUnknownFormat) {
			t.Errorf("RenderBody(%q) error = %v, want ErrUnknownFormat", format, err)
		}
		if got != "" {
			t.Errorf("RenderBody(%q) = %q, want empty", format, got)
		}
	}
}

// TestRenderBodyXSS runs every payload through both body formats, inline
// and as a block of its own in Markdown.
func TestRenderBodyXSS(t *testing.T) {
	for _, payload := range xssPayloads {
		for _, src := range []struct{ format, source string }{
			{markup.FormatHTML, payload},
			{markup.FormatMarkdown, payload},
			{markup.FormatMarkdown, "Text " + payload + " text"},
			{markup.FormatMarkdown, "Text\n\n" + payload + "\n\nText"},
		} {
			got, err := markup.RenderBody(src.format, src.source)
			if err != nil {
				t.Fatalf("RenderBody(%s, %q): %v", src.format, src.source, err)
			}
			if err := checkSafe(got); err != nil {
				t.Errorf("RenderBody(%s, %q) = %q: %v", src.format, src.source, got, err)
			}
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"KeepsParagraph", `<p>Hello <em>world</em></p>`, `<p>Hello <em>world</em></p>`},
		{"KeepsH1", `<h1>Big</h1>`, `<h1>Big</h1>`},
		{"DropsScript", `<p>a</p><script>alert(1)</script>`, `<p>a</p>`},
		{"DropsStyleElement", `<style>p{color:red}</style><p>a</p>`, `<p>a</p>`},
		{"DropsStyleAttribute", `<p style="color:red">a</p>`, `<p>a</p>`},
		{"DropsClass", `<p class="lead">a</p>`, `<p>a</p>`},
		{"DropsOnHandler", `<img src="/a.jpg" onerror="alert(1)">`, `<img src="/a.jpg">`},
		{"DropsIframe", `<iframe src="https://www.youtube.com/embed/x"></iframe>`, ``},
		{"DropsSVG", `<svg onload="alert(1)"><circle r="1"/></svg>ok`, `ok`},
		{"DropsJavascriptHref", `<a href="javascript:alert(1)">x</a>`, `x`},
		{"DropsDataSrc", `<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">`, `<img alt="x">`},
		{"KeepsResponsiveImage",
			`<img src="/a.jpg" srcset="/a-480.jpg 480w, https://cdn.example/a-800.jpg 800w" sizes="(max-width: 600px) 480px, 800px" alt="A" width="800" height="600" loading="lazy">`,
			`<img src="/a.jpg" srcset="/a-480.jpg 480w, https://cdn.example/a-800.jpg 800w" sizes="(max-width: 600px) 480px, 800px" alt="A" width="800" height="600" loading="lazy">`},
		{"DropsDataSrcset", `<img src="/a.jpg" srcset="/b.jpg 1x, data:image/png;base64,AAAA 2x">`, `<img src="/a.jpg">`},
		{"KeepsFigure", `<figure><img src="/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>`, `<figure><img src="/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>`},
		{"KeepsTable", `<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>`, `<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>`},
		{"KeepsChanges", `<del datetime="2026-01-02">old</del><ins>new</ins><abbr title="Associated Press">AP</abbr><sub>2</sub>`, `<del datetime="2026-01-02">old</del><ins>new</ins><abbr title="Associated Press">AP</abbr><sub>2</sub>`},
		{"KeepsMailtoAndRelative", `<a href="mailto:desk@example.com">desk</a> <a href="../about">about</a>`, `<a href="mailto:desk@example.com">desk</a> <a href="../about">about</a>`},
		{"KeepsRelTokens", `<a href="https://shop.example" rel="sponsored noopener">ad</a>`, `<a href="https://shop.example" rel="sponsored noopener">ad</a>`},
		{"DropsUnknownRel", `<a href="/x" rel="opener">x</a>`, `<a href="/x">x</a>`},
		{"KeepsEmbedBlock", `<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">https://www.youtube.com/watch?v=x</div></figure>`,
			`<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">https://www.youtube.com/watch?v=x</div></figure>`},
		{"DropsOtherFigureClass", `<figure class="lead wp-block-embed"><div class="wrapper">x</div></figure>`, `<figure class="wp-block-embed"><div>x</div></figure>`},
		{"DropsTarget", `<a href="https://example.com" target="_blank">x</a>`, `<a href="https://example.com">x</a>`},
		{"DropsForeignFootnoteClass", `<a href="#x" class="btn">x</a>`, `<a href="#x">x</a>`},
		// Players of the site's own files stay; others become links.
		{"KeepsLocalAudio", `<figure class="wp-block-audio"><audio controls preload="metadata" src="/media/0123456789abcdef0123456789abcdef.mp3" onplay="x()"><a href="/media/0123456789abcdef0123456789abcdef.mp3">Listen</a></audio></figure>`,
			`<figure class="wp-block-audio"><audio controls="" preload="metadata" src="/media/0123456789abcdef0123456789abcdef.mp3"><a href="/media/0123456789abcdef0123456789abcdef.mp3">Listen</a></audio></figure>`},
		{"KeepsLocalCoverVideo", `<video class="wp-block-cover__video-background intrinsic-ignore" autoplay muted loop playsinline src="/media/0123456789abcdef0123456789abcdef.mov" poster="/media/0123456789abcdef0123456789abcdef.jpg/640"></video>`,
			`<video class="wp-block-cover__video-background" autoplay="" muted="" loop="" playsinline="" src="/media/0123456789abcdef0123456789abcdef.mov" poster="/media/0123456789abcdef0123456789abcdef.jpg/640"></video>`},
		{"DropsForeignPoster", `<video controls poster="https://tracker.example/p.jpg" src="/media/0123456789abcdef0123456789abcdef.mp4"></video>`,
			`<video controls="" src="/media/0123456789abcdef0123456789abcdef.mp4"></video>`},
		{"ForeignAudioBecomesLink", `<figure class="wp-block-audio"><audio controls src="https://other.example/a.mp3?x=1&amp;y=2"></audio></figure>`,
			`<figure class="wp-block-audio"><a href="https://other.example/a.mp3?x=1&amp;y=2">Listen: a.mp3</a></figure>`},
		{"ForeignVideoShowsFallback", `<video controls><source src="https://other.example/v.mp4" type="video/mp4"><a href="https://other.example/v.mp4">Watch</a></video>`,
			`<a href="https://other.example/v.mp4">Watch</a>`},
		{"ScriptSourceDropped", `<video controls><source src="javascript:alert(1)"></video>after`, `after`},
		{"MutationNoscript", `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`, `<img src="x">&#34;&gt;`},
		{"MutationSVGStyle", `<svg><style><img src=x onerror=alert(1)></style></svg>`, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markup.Sanitize(tt.in)
			if got != tt.want {
				t.Errorf("Sanitize(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := checkSafe(got); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Empty", "", ""},
		{"Tags", "<p>Hello <b>bold</b> world</p>", "Hello bold world"},
		{"BlocksSeparateWords", "<h2>Title</h2><p>One</p><ul><li>a</li><li>b</li></ul>", "Title One a b"},
		{"InlineDoesNotSeparate", "un<em>believ</em>able", "unbelievable"},
		{"BreakSeparates", "line<br>next", "line next"},
		{"Entities", "AT&amp;T &lt;tag&gt; caf&eacute;&nbsp;noir", "AT&T <tag> café noir"},
		{"Whitespace", "  a\n\n\t b  ", "a b"},
		{"SkipsScriptAndStyle", "<style>p{}</style>a<script>var x = '<p>';</script> b", "a b"},
		{"SkipsFootnotes", `<p>Claim<sup id="fnref:1"><a href="#fn:1" role="doc-noteref">1</a></sup>.</p><div class="footnotes" role="doc-endnotes"><ol><li><div>Source</div></li></ol></div><p>End</p>`, "Claim. End"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markup.PlainText(tt.in); got != tt.want {
				t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"Short", "<p>Two words</p>", 5, "Two words"},
		{"Exact", "<p>one two three</p>", 3, "one two three"},
		{"Cut", "<p>one two <b>three</b> four</p>", 2, "one two…"},
		{"CutAfterComma", "<p>one, two, three</p>", 2, "one, two…"},
		{"DropsDanglingDash", "<p>one — two three</p>", 2, "one…"},
		{"Zero", "<p>one</p>", 0, ""},
		{"Empty", "", 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markup.Excerpt(tt.in, tt.n); got != tt.want {
				t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestComment(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Empty", "", ""},
		{"Blank", " \n\n ", ""},
		{"Paragraph", "Hello", "<p>Hello</p>\n"},
		{"Paragraphs", "One\ntwo\n\nThree\n\n\n\nFour\n", "<p>One<br>\ntwo</p>\n<p>Three</p>\n<p>Four</p>\n"},
		{"CRLF", "One\r\nTwo\r\n\r\nThree", "<p>One<br>\nTwo</p>\n<p>Three</p>\n"},
		{"KeepsStrong", "<strong>Yes</strong>", "<p><strong>Yes</strong></p>\n"},
		{"KeepsAllowedSet", `<b>b</b><i>i</i><em>e</em><s>s</s><strike>k</strike><cite>c</cite><code>x</code><abbr title="World Wide Web">WWW</abbr><del datetime="2026-01-02T10:00:00Z">d</del><q cite="https://ex.example">q</q>`,
			`<p><b>b</b><i>i</i><em>e</em><s>s</s><strike>k</strike><cite>c</cite><code>x</code><abbr title="World Wide Web">WWW</abbr><del datetime="2026-01-02T10:00:00Z">d</del><q cite="https://ex.example">q</q></p>` + "\n"},
		{"KeepsLink", `<a href="https://x">x</a>`, `<p><a href="https://x" rel="nofollow ugc">x</a></p>` + "\n"},
		{"LinkRelReplaced", `<a href="https://x" rel="author" title="T">x</a>`, `<p><a href="https://x" title="T" rel="nofollow ugc">x</a></p>` + "\n"},
		{"KeepsMailto", `<a href="mailto:a@example.com">mail</a>`, `<p><a href="mailto:a@example.com" rel="nofollow ugc">mail</a></p>` + "\n"},
		{"EscapesScript", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"},
		{"EscapesImg", "<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
		{"StripsOnclick", `<strong onclick="alert(1)">hi</strong>`, "<p><strong>hi</strong></p>\n"},
		{"StripsStyle", `<em style="color:red">hi</em>`, "<p><em>hi</em></p>\n"},
		{"DropsJavascriptHref", `<a href="javascript:alert(1)">x</a>`, "<p><a>x</a></p>\n"},
		{"DropsEncodedJavascriptHref", `<a href="jav&#x09;ascript:alert(1)">x</a>`, "<p><a>x</a></p>\n"},
		{"DropsDataHref", `<a href="data:text/html,hi">x</a>`, "<p><a>x</a></p>\n"},
		{"DropsRelativeHref", `<a href="/wp-admin">x</a>`, "<p><a>x</a></p>\n"},
		{"DropsBadCite", `<blockquote cite="javascript:alert(1)">q</blockquote>`, "<blockquote><p>q</p>\n</blockquote>\n"},
		{"LinksBareURL", "See https://example.com/a?b=1&c=2.", `<p>See <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc">https://example.com/a?b=1&amp;c=2</a>.</p>` + "\n"},
		{"LinksWWW", "(www.example.org)", `<p>(<a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>)</p>` + "\n"},
		{"LinksParenURL", "https://en.wikipedia.org/wiki/Go_(language)", `<p><a href="https://en.wikipedia.org/wiki/Go_(language)" rel="nofollow ugc">https://en.wikipedia.org/wiki/Go_(language)</a></p>` + "\n"},
		{"NoLinkInsideLink", `<a href="https://a.example">https://b.example</a>`, `<p><a href="https://a.example" rel="nofollow ugc">https://b.example</a></p>` + "\n"},
		{"NoLinkInsideCode", "<code>http://localhost:8080</code>", "<p><code>http://localhost:8080</code></p>\n"},
		{"NoLinkForJavascriptText", "javascript:alert(1)", "<p>javascript:alert(1)</p>\n"},
		{"InlineAcrossParagraphs", "<em>a\n\nb</em> c", "<p><em>a</em></p>\n<p><em>b</em> c</p>\n"},
		{"Blockquote", "Said:\n<blockquote>One\n\nTwo</blockquote>\nReply", "<p>Said:</p>\n<blockquote><p>One</p>\n<p>Two</p>\n</blockquote>\n<p>Reply</p>\n"},
		{"NestedLinksSplit", `<a href="https://a.example">a<a href="https://b.example">b</a>`, `<p><a href="https://a.example" rel="nofollow ugc">a</a><a href="https://b.example" rel="nofollow ugc">b</a></p>` + "\n"},
		{"StrayEndTag", "a</b></blockquote>", "<p>a</p>\n"},
		{"UnclosedTag", "<strong>a", "<p><strong>a</strong></p>\n"},
		{"RawTextTagDoesNotSwallow", "<title><b>t</b>", "<p>&lt;title&gt;<b>t</b></p>\n"},
		{"Entities", "AT&T &amp; <3 \"q\"", "<p>AT&amp;T &amp; &lt;3 &#34;q&#34;</p>\n"},
		{"SpacesBetweenTags", "<b>a</b> <i>b</i>", "<p><b>a</b> <i>b</i></p>\n"},
		{"UnfinishedTag", "if x <y then", "<p>if x &lt;y then</p>\n"},
		{"UnfinishedAllowedTag", "a <b href='x", "<p>a &lt;b href=&#39;x</p>\n"},
		{"HTMLComment", "<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markup.Comment(tt.in)
			if got != tt.want {
				t.Errorf("Comment(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if err := checkComment(got); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestCommentXSS(t *testing.T) {
	for _, payload := range xssPayloads {
		got := markup.Comment(payload)
		if err := checkComment(got); err != nil {
			t.Errorf("Comment(%q) = %q: %v", payload, got, err)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Basic", "Héllo, World! -- 2026", "hello-world-2026"},
		{"Empty", "", ""},
		{"OnlyPunctuation", " -- !? ", ""},
		{"NonLatin", "日本語のニュース", ""},
		{"Accents", "Ça coûte 3 €, señor Müller", "ca-coute-3-senor-muller"},
		{"Folds", "Łódź Straße Æsir Ørsted Þór", "lodz-strasse-aesir-orsted-thor"},
		{"Apostrophes", "Don't stop l’homme", "dont-stop-lhomme"},
		{"Compatibility", "ﬁnal ２０２６ x²", "final-2026-x2"},
		{"Trims", "--Hello--World--", "hello-world"},
		{"Mixed", "Go 1.26 released: what's new?", "go-1-26-released-whats-new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markup.Slugify(tt.in); got != tt.want {
				t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSlugifyLength(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"Long", strings.Repeat("a", 500), 200},
		// A word break at byte 200 must not leave a trailing hyphen.
		{"HyphenAtLimit", strings.Repeat("a", 199) + " bbbb", 199},
		{"AccentsAtLimit", strings.Repeat("é", 300), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := markup.Slugify(tt.in)
			if len(got) != tt.want {
				t.Errorf("len(Slugify) = %d, want %d (%q)", len(got), tt.want, got)
			}
			if strings.HasSuffix(got, "-") || strings.HasPrefix(got, "-") {
				t.Errorf("Slugify = %q has an edge hyphen", got)
			}
		})
	}
}

// TestCommentBounded guards against inputs that make the output, or the
// work, grow much faster than the input: inline elements are reopened in
// every paragraph, so deep nesting must be capped.
func TestCommentBounded(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"DeepInlineManyParagraphs", strings.Repeat("<b>", 10000) + strings.Repeat("x\n\n", 1000)},
		{"DeepQuotes", strings.Repeat("<blockquote>", 10000) + strings.Repeat("x\n\n", 1000)},
		{"ManyLines", strings.Repeat("<i>x\n", 10000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := markup.Comment(tt.in)
			if limit := 10 * len(tt.in); len(out) > limit {
				t.Errorf("len(Comment) = %d for %d bytes of input, want at most %d", len(out), len(tt.in), limit)
			}
			if err := checkComment(out); err != nil {
				t.Error(err)
			}
		})
	}
}
