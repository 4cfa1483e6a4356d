package markup_test

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"communique/markup"
)

// commentElements are the only elements Comment may produce.
var commentElements = map[string]bool{
	"p": true, "br": true, "a": true, "abbr": true, "b": true,
	"blockquote": true, "cite": true, "code": true, "del": true, "em": true,
	"i": true, "q": true, "s": true, "strike": true, "strong": true,
}

// checkComment applies checkSafe and the stricter rules for comments:
// nothing outside WordPress's tag set, and every link marked as user
// content.
func checkComment(out string) error {
	if err := checkSafe(out); err != nil {
		return err
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return fmt.Errorf("parse output: %v", err)
	}
	var check func(*html.Node) error
	check = func(n *html.Node) error {
		if n.Type == html.ElementNode {
			if !commentElements[n.Data] {
				return fmt.Errorf("element <%s> not allowed in comments", n.Data)
			}
			for _, a := range n.Attr {
				if a.Key == "href" && !strings.HasPrefix(a.Val, "http://") &&
					!strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "mailto:") {
					return fmt.Errorf("href %q is not http, https or mailto", a.Val)
				}
			}
			if n.Data == "a" && hasAttr(n, "href") && attr(n, "rel") != "nofollow ugc" {
				return fmt.Errorf("link %q has rel=%q", attr(n, "href"), attr(n, "rel"))
			}
		}
		if n.Type == html.CommentNode {
			return fmt.Errorf("HTML comment %q in output", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if err := check(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, n := range nodes {
		if err := check(n); err != nil {
			return err
		}
	}
	return nil
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// mutationSeeds are inputs whose meaning changes between a sanitizer's
// tokenizer and a browser's tree builder.
var mutationSeeds = []string{
	`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
	`<svg><style><img src=x onerror=alert(1)></style></svg>`,
	`<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 onerror=alert(1)&gt;">`,
	`<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`,
	`<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
	`<a href="java&#x0A;script:alert(1)">x</a>`,
	"<a href=\"\x00javascript:alert(1)\">x</a>",
	`<img srcset="x.jpg 1x, data:image/png;base64,AA 2x">`,
	`<xmp><p title="</xmp><img src=x onerror=alert(1)>">`,
	`<textarea><p title="</textarea><img src=x onerror=alert(1)>">`,
	`<!--<img src="--><img src=x onerror=alert(1)//">`,
}

func FuzzSanitize(f *testing.F) {
	for _, s := range append(mutationSeeds, xssPayloads...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := markup.Sanitize(in)
		if err := checkSafe(out); err != nil {
			t.Fatalf("Sanitize(%q) = %q: %v", in, out, err)
		}
	})
}

func FuzzComment(f *testing.F) {
	for _, s := range append(mutationSeeds, xssPayloads...) {
		f.Add(s)
	}
	f.Add("Hi <strong>there\n\nfriend</strong> see www.example.com.\n<blockquote cite=\"https://x\">q</blockquote>")
	f.Fuzz(func(t *testing.T, in string) {
		out := markup.Comment(in)
		if err := checkComment(out); err != nil {
			t.Fatalf("Comment(%q) = %q: %v", in, out, err)
		}
	})
}

// FuzzRenderBody covers the Markdown path, where raw HTML reaches the
// sanitizer only after goldmark has rearranged it.
func FuzzRenderBody(f *testing.F) {
	for _, s := range append(mutationSeeds, xssPayloads...) {
		f.Add(s)
	}
	f.Add("[x](javascript:alert(1))\n\n![i](data:image/png;base64,AA)\n\n<https://example.com>")
	f.Add("| a |\n|---|\n| <img src=x onerror=alert(1)> |\n\nx[^1]\n\n[^1]: <script>alert(1)</script>")
	f.Fuzz(func(t *testing.T, in string) {
		out, err := markup.RenderBody(markup.FormatMarkdown, in)
		if err != nil {
			t.Fatalf("RenderBody(%q): %v", in, err)
		}
		if err := checkSafe(out); err != nil {
			t.Fatalf("RenderBody(%q) = %q: %v", in, out, err)
		}
	})
}
