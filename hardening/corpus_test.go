package hardening_test

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// payload is one hostile input. Its text holds the marker of its case
// (XSS-n in script, /xss-n in URLs), so that anything a browser runs or
// loads because of it names the case that got through.
type payload struct {
	Name string
	Text string
}

// rawPayloads use %[1]d for the case number.
var rawPayloads = []struct{ name, text string }{
	// Raw HTML.
	{"Script", `<script>alert('XSS-%[1]d')</script>`},
	{"ScriptSrc", `<SCRIPT SRC=/xss-%[1]d.js></SCRIPT>`},
	{"SplitScript", `<scr<script>ipt>alert('XSS-%[1]d')</scr</script>ipt>`},
	{"ImgOnerror", `<img src=x onerror="alert('XSS-%[1]d')">`},
	{"ImgOnerrorCase", `<IMG SRC="x" OnErRoR="console.log('XSS-%[1]d')">`},
	{"SvgOnload", `<svg onload="alert('XSS-%[1]d')">`},
	{"SvgScript", `<svg><script>alert('XSS-%[1]d')</script></svg>`},
	{"SvgAnimate", `<svg><animate onbegin="alert('XSS-%[1]d')" attributeName=x dur=1s>`},
	{"SvgXlink", `<svg><a xlink:href="javascript:alert('XSS-%[1]d')"><text x=20 y=20>x</text></a></svg>`},
	{"MathXlink", `<math><maction actiontype="statusline" xlink:href="javascript:alert('XSS-%[1]d')">x</maction></math>`},
	{"IframeJS", `<iframe src="javascript:alert('XSS-%[1]d')"></iframe>`},
	{"IframeSrcdoc", `<iframe srcdoc="<script>parent.alert('XSS-%[1]d')</script>"></iframe>`},
	{"ObjectData", `<object data="data:text/html,<script>alert('XSS-%[1]d')</script>"></object>`},
	{"Embed", `<embed src="/xss-%[1]d.swf">`},
	{"BodyOnload", `<body onload="alert('XSS-%[1]d')">`},
	{"DetailsToggle", `<details open ontoggle="alert('XSS-%[1]d')">x</details>`},
	{"Autofocus", `<input autofocus onfocus="alert('XSS-%[1]d')">`},
	{"FormAction", `<form action="javascript:alert('XSS-%[1]d')"><button>go</button></form>`},
	{"FormAction2", `<button formaction="javascript:alert('XSS-%[1]d')">x</button>`},
	{"MetaRefresh", `<meta http-equiv="refresh" content="0;url=javascript:alert('XSS-%[1]d')">`},
	{"LinkStylesheet", `<link rel="stylesheet" href="/xss-%[1]d.css">`},
	{"StyleImport", `<style>@import '/xss-%[1]d.css'; body{background:url('/xss-%[1]d.png')}</style>`},
	{"StyleAttr", `<div style="background:url('/xss-%[1]d.png')">x</div>`},
	{"Base", `<base href="//evil.example/xss-%[1]d/">`},
	{"Srcset", `<img src="x" srcset="javascript:alert('XSS-%[1]d') 1x">`},
	{"VideoSource", `<video><source onerror="alert('XSS-%[1]d')"></video>`},
	{"Audio", `<audio src=x onerror=alert('XSS-%[1]d')>`},
	{"Marquee", `<marquee onstart=alert('XSS-%[1]d')>x</marquee>`},
	{"Template", `<template><script>alert('XSS-%[1]d')</script></template>`},
	{"EvalAlt", `<img src=x:alert(alt) onerror=eval(src) alt='XSS-%[1]d'>`},
	{"LinkJS", `<a href="javascript:alert('XSS-%[1]d')">click</a>`},
	{"LinkJSCase", `<a href="JaVaScRiPt:alert('XSS-%[1]d')">x</a>`},
	{"LinkJSNewline", `<a href="java&#x0A;script:alert('XSS-%[1]d')">x</a>`},
	{"LinkJSEntity", `<a href="&#106;avascript:alert('XSS-%[1]d')">x</a>`},
	{"LinkJSTab", "<a href=\"java\tscript:alert('XSS-%[1]d')\">x</a>"},
	{"LinkDataBase64", `<a href="data:text/html;base64,%[2]s">x</a>`},
	{"LinkVBScript", `<a href="vbscript:msgbox('XSS-%[1]d')">x</a>`},
	// Mutation XSS: meaning changes when the markup is parsed again.
	{"MutationNoscript", `<noscript><p title="</noscript><img src=x onerror=alert('XSS-%[1]d')>">`},
	{"MutationSvgStyle", `<svg><style><img src=x onerror=alert('XSS-%[1]d')></style></svg>`},
	{"MutationMathTable", `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert('XSS-%[1]d')&gt;">`},
	{"MutationForm", `<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert('XSS-%[1]d')>`},
	{"MutationXmp", `<xmp><p title="</xmp><img src=x onerror=alert('XSS-%[1]d')>">`},
	{"MutationComment", `<!--<img src="--><img src=x onerror=alert('XSS-%[1]d')//">`},
	// Breaking out of where the value is shown.
	{"AttrBreakout", `"><script>alert('XSS-%[1]d')</script>`},
	{"AttrBreakoutSingle", `'><img src=x onerror=alert('XSS-%[1]d')>`},
	{"TextareaBreakout", `</textarea><script>alert('XSS-%[1]d')</script>`},
	{"TitleBreakout", `</title><script>alert('XSS-%[1]d')</script>`},
	{"ScriptBreakout", `</script><script>alert('XSS-%[1]d')</script>`},
	{"JSONBreakout", `"}</script><script>alert('XSS-%[1]d')</script>{"`},
	{"TemplateSyntax", `{{.}}{{template "layout"}}${alert('XSS-%[1]d')}<%%= 7*7 %%>`},
	// URLs, for website fields and links.
	{"URLJavaScript", `javascript:alert('XSS-%[1]d')`},
	{"URLJavaScriptSpace", ` javascript:alert('XSS-%[1]d')`},
	{"URLData", `data:text/html,<script>alert('XSS-%[1]d')</script>`},
	{"URLVBScript", `vbscript:msgbox("XSS-%[1]d")`},
	{"URLAttrBreakout", `http://example.com/"onmouseover="alert('XSS-%[1]d')`},
	{"URLQueryScript", `http://example.com/?q=<script>alert('XSS-%[1]d')</script>`},
	{"URLUserinfo", `https://user:pass@evil.example/xss-%[1]d`},
	// Markdown.
	{"MarkdownLinkJS", `[click](javascript:alert('XSS-%[1]d'))`},
	{"MarkdownLinkJSAngle", `[click](<javascript:alert('XSS-%[1]d')>)`},
	{"MarkdownImageBreakout", `![img](x"onerror="alert('XSS-%[1]d'))`},
	{"MarkdownAutolinkJS", `<javascript:alert('XSS-%[1]d')>`},
	{"MarkdownReferenceJS", "[a]: javascript:alert('XSS-%[1]d')\n\n[ref][a]"},
	{"MarkdownCodeFence", "```html\n<script>alert('XSS-%[1]d')</script>\n```"},
	{"MarkdownTable", "| a |\n|---|\n| <img src=x onerror=alert('XSS-%[1]d')> |"},
	{"MarkdownFootnote", "x[^1]\n\n[^1]: <script>alert('XSS-%[1]d')</script>"},
	{"MarkdownEmphasisHTML", "*<img src=x onerror=alert('XSS-%[1]d')>*"},
	// Headers.
	{"CRLFCookie", "Reader\r\nSet-Cookie: xss-%[1]d=1"},
	{"CRLFLocation", "http://example.com/\r\nLocation: http://evil.example/xss-%[1]d"},
	{"EncodedCRLF", "%%0d%%0aSet-Cookie:xss-%[1]d=1"},
	// Characters.
	{"InvalidUTF8", "bad \xff\xfe utf8 XSS-%[1]d"},
	{"NUL", "nul \x00 byte XSS-%[1]d"},
	{"Controls", "ctrl \x01\x07\x1b[31m XSS-%[1]d"},
	{"C1Controls", "c1 \u0085\u009b XSS-%[1]d"},
	{"BidiOverride", "bidi \u202egnp.exe XSS-%[1]d"},
	{"BidiIsolate", "\u2066isolate\u2069 XSS-%[1]d"},
	{"ZeroWidth", "zero\u200b\u200d\ufeffwidth XSS-%[1]d"},
	{"RightToLeftText", "مرحبا بالعالم 👋 XSS-%[1]d"},
	// Size.
	{"Huge", strings.Repeat("A", 70000)},
	{"DeepTags", strings.Repeat("<b>", 20000)},
	{"DeepBrackets", strings.Repeat("[", 30000)},
	{"DeepQuotes", strings.Repeat("> ", 5000) + "x"},
	// Numbers, for ids and page numbers.
	{"MaxInt64", "9223372036854775807"},
	{"OverInt64", "9223372036854775808"},
	{"MinInt64", "-9223372036854775808"},
	{"Float", "1e308"},
	{"Hex", "0x7fffffff"},
	{"HugeNumber", "99999999999999999999999999999999999999"},
	// Paths.
	{"Traversal", "../../../../etc/passwd"},
	{"TraversalEncoded", "..%%2f..%%2fetc%%2fpasswd"},
	{"TraversalAdmin", "/admin/../../etc/passwd"},
	{"TraversalWindows", `..\..\windows\win.ini`},
	{"TraversalDots", "%%2e%%2e/%%2e%%2e/"},
	// Other injections, which bound parameters and escaping defeat.
	{"SQL", `' OR 1=1; DROP TABLE comments; -- XSS-%[1]d`},
}

// corpus is the payloads with their case numbers filled in.
var corpus = func() []payload {
	list := make([]payload, len(rawPayloads))
	for i, p := range rawPayloads {
		data := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("<script>alert('XSS-%d')</script>", i)))
		text := p.text
		if strings.Contains(text, "%[") || strings.Contains(text, "%%") {
			text = fmt.Sprintf(text, i, data)
			// Sprintf notes an unused argument at the end; cut it.
			if j := strings.Index(text, "%!(EXTRA"); j >= 0 {
				text = text[:j]
			}
		}
		list[i] = payload{Name: p.name, Text: text}
	}
	return list
}()
