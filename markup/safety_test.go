package markup_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// forbiddenElements may never appear in output, whatever the input.
var forbiddenElements = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true,
	"embed": true, "svg": true, "math": true, "noscript": true,
	"base": true, "link": true, "meta": true, "form": true,
	"frame": true, "frameset": true, "applet": true, "template": true,
}

// urlAttrs are attributes a browser resolves as URLs.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true,
	"formaction": true, "poster": true, "background": true, "srcset": true,
}

// checkSafe parses out the way a browser would, as the content of a
// <div>, and returns an error describing the first unsafe thing found.
func checkSafe(out string) error {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return fmt.Errorf("parse output: %v", err)
	}
	for _, n := range nodes {
		if err := checkNode(n); err != nil {
			return err
		}
	}
	return nil
}

func checkNode(n *html.Node) error {
	if n.Type == html.ElementNode {
		if forbiddenElements[n.Data] || n.Namespace == "svg" || n.Namespace == "math" {
			return fmt.Errorf("forbidden element <%s> (namespace %q)", n.Data, n.Namespace)
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" {
				return fmt.Errorf("forbidden attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if !urlAttrs[key] {
				continue
			}
			candidates := []string{a.Val}
			if key == "srcset" {
				candidates = strings.Split(a.Val, ",")
			}
			for _, c := range candidates {
				if s := dangerousScheme(c); s != "" {
					return fmt.Errorf("%s: URL in %s=%q on <%s>", s, a.Key, a.Val, n.Data)
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if err := checkNode(c); err != nil {
			return err
		}
	}
	return nil
}

// dangerousScheme returns the script-capable scheme u uses, or "". It
// normalises u as the URL parser in browsers does: tabs and newlines are
// removed anywhere and control characters and spaces trimmed at the ends.
func dangerousScheme(u string) string {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	u = strings.ToLower(strings.TrimFunc(u, func(r rune) bool { return r <= ' ' }))
	for _, s := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(u, s) {
			return s
		}
	}
	return ""
}

// xssPayloads are attacks every HTML-producing function must neutralise.
// They include mutation XSS shapes, where markup that looks inert to a
// sanitizer's tokenizer becomes live once a browser parses it.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=//evil.example/x.js></SCRIPT>`,
	`<img src=x onerror=alert(1)>`,
	`<img src="x" OnError="alert(1)">`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="jav&#x09;ascript:alert(1)">x</a>`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	"<a href=\"\x01javascript:alert(1)\">x</a>",
	`<a href="vbscript:msgbox(1)">x</a>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
	`<img src="data:image/svg+xml;base64,PHN2Zy8+">`,
	`<img src="a.jpg" srcset="data:image/png;base64,AAAA 1x">`,
	`<img src="a.jpg" srcset="javascript:alert(1) 2x">`,
	`<svg onload=alert(1)><circle r=1></circle></svg>`,
	`<svg><style><img src=x onerror=alert(1)></style></svg>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<math href="javascript:alert(1)">x</math>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<p style="background:url(javascript:alert(1))">x</p>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	`<object data="x.swf"></object><embed src="x.swf">`,
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>`,
	`<base href="javascript:alert(1)//">`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<div onmouseover="alert(1)">x</div>`,
	`<xmp><img src=x onerror=alert(1)></xmp>`,
	`<textarea><img src=x onerror=alert(1)></textarea>`,
	`<title><img src=x onerror=alert(1)></title>`,
	`<!--><img src=x onerror=alert(1)>-->`,
	`<a href="https://ok.example" onclick="alert(1)">x</a>`,
	`"><img src=x onerror=alert(1)>`,
	`<template><img src=x onerror=alert(1)></template>`,
}

// TestCheckSafe makes sure the oracle used by the XSS tests and fuzz
// targets flags what it should; a checker that accepts everything would
// make them pass vacuously.
func TestCheckSafe(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		unsafe bool
	}{
		{"Plain", `<p><a href="https://x">x</a><img src="/a.jpg" srcset="/b.jpg 2x"></p>`, false},
		{"EscapedText", `&lt;script&gt;alert(1)&lt;/script&gt;`, false},
		{"Script", `<script>alert(1)</script>`, true},
		{"SVGCasing", `<SvG></SvG>`, true},
		{"MathChild", `<math><mi>x</mi></math>`, true},
		{"Handler", `<p OnClick="x">a</p>`, true},
		{"JavascriptHref", `<a href="  JavaScript:alert(1)">x</a>`, true},
		{"TabInScheme", "<a href=\"java\tscript:alert(1)\">x</a>", true},
		{"ControlPrefix", "<a href=\"\x01vbscript:x\">x</a>", true},
		{"DataSrc", `<img src="data:image/png;base64,AA">`, true},
		{"DataInSrcset", `<img srcset="/a.jpg 1x, data:image/png;base64,AA 2x">`, true},
		{"Iframe", `<iframe></iframe>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSafe(tt.in)
			if got := err != nil; got != tt.unsafe {
				t.Errorf("checkSafe(%q) = %v, want unsafe=%v", tt.in, err, tt.unsafe)
			}
		})
	}
}
