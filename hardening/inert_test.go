package hardening_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// urlAttributes are the attributes a browser follows or loads as URLs.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "xlink:href": true,
	"poster": true, "data": true, "srcset": true, "background": true, "ping": true, "cite": true, "codebase": true,
}

// activeElements may appear nowhere in a page: nothing the layout writes
// uses them, so one found came from content.
var activeElements = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true,
	"base": true, "style": true, "template": true, "noscript": true, "portal": true,
}

// layoutScript reports whether a script element is one the layout writes:
// an asset of the site or the newsroom by URL, or structured data.
func layoutScript(n *html.Node) error {
	src, typ := attr(n, "src"), strings.ToLower(attr(n, "type"))
	text := ""
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		text += c.Data
	}
	switch {
	case src != "" && strings.TrimSpace(text) == "" && (strings.HasPrefix(src, "/static/") || strings.HasPrefix(src, "/admin/static/")):
		return nil
	case src == "" && typ == "application/ld+json":
		if !json.Valid([]byte(text)) {
			return fmt.Errorf("structured data that is not JSON: %.200q", text)
		}
		return nil
	}
	return fmt.Errorf("<script src=%q type=%q>%.200s</script>", src, typ, text)
}

// dangerousURL returns the script-capable scheme of a URL, as a browser
// reads it (tabs and newlines removed, spaces and controls trimmed).
func dangerousURL(u string) string {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	u = strings.ToLower(strings.TrimLeft(u, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
	for _, s := range []string{"javascript:", "vbscript:", "data:", "livescript:", "mocha:"} {
		if strings.HasPrefix(u, s) {
			return s
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// inertProblems parses a page as a browser would and lists everything in
// it that could run script or load something on a reader's behalf: a
// script that is not the layout's, an element that embeds or restyles,
// SVG or MathML, an event handler, a style attribute, a refresh, or a
// javascript:, vbscript: or data: URL.
func inertProblems(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"the page does not parse: " + err.Error()}
	}
	var problems []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "script":
				if err := layoutScript(n); err != nil {
					problems = append(problems, err.Error())
				}
			case activeElements[n.Data]:
				problems = append(problems, fmt.Sprintf("<%s> element", n.Data))
			case n.Namespace == "svg" || n.Namespace == "math":
				problems = append(problems, fmt.Sprintf("<%s> in %s", n.Data, n.Namespace))
			case n.Data == "meta" && strings.EqualFold(attr(n, "http-equiv"), "refresh"):
				problems = append(problems, "<meta http-equiv=refresh>")
			case n.Data == "link" && strings.Contains(strings.ToLower(attr(n, "rel")), "stylesheet") &&
				!strings.HasPrefix(attr(n, "href"), "/static/") && !strings.HasPrefix(attr(n, "href"), "/admin/static/"):
				problems = append(problems, fmt.Sprintf("stylesheet %q", attr(n, "href")))
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if a.Namespace != "" {
					key = a.Namespace + ":" + key
				}
				switch {
				case strings.HasPrefix(key, "on"):
					problems = append(problems, fmt.Sprintf("event handler %s=%.100q on <%s>", a.Key, a.Val, n.Data))
				case key == "style" || key == "srcdoc":
					problems = append(problems, fmt.Sprintf("%s=%.100q on <%s>", a.Key, a.Val, n.Data))
				case urlAttributes[key] || key == "xlink:href":
					vals := []string{a.Val}
					if key == "srcset" {
						vals = strings.Split(a.Val, ",")
					}
					for _, v := range vals {
						if s := dangerousURL(v); s != "" {
							problems = append(problems, fmt.Sprintf("%s URL in %s=%.100q on <%s>", s, a.Key, a.Val, n.Data))
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

// headerProblems lists what a payload could have smuggled into headers:
// line breaks, cookies of its own, redirects off the site (whose host is
// host).
func headerProblems(h http.Header, host string) []string {
	var problems []string
	for k, vs := range h {
		for _, v := range vs {
			if strings.ContainsAny(k+v, "\r\n\x00") {
				problems = append(problems, fmt.Sprintf("header %s has a line break: %q", k, v))
			}
		}
	}
	allowed := map[string]bool{"communique_session": true, "communique_login": true, "communique_csrf": true, "communique_commenter": true,
		"communique_fresh": true, "comment_author": true, "comment_author_email": true, "comment_author_url": true}
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			problems = append(problems, fmt.Sprintf("unreadable Set-Cookie %q", line))
			continue
		}
		if !allowed[c.Name] {
			problems = append(problems, fmt.Sprintf("unexpected cookie %q", c.Name))
		}
		if strings.ContainsAny(c.Value, " ;,\"\\") {
			problems = append(problems, fmt.Sprintf("cookie %s carries unescaped text %q", c.Name, c.Value))
		}
	}
	if loc := h.Get("Location"); loc != "" {
		u, err := url.Parse(loc)
		local := err == nil && u.Host == "" && u.Scheme == "" && strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\")
		absolute := err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == host && u.User == nil
		if !local && !absolute {
			problems = append(problems, fmt.Sprintf("redirect off the site: %q", loc))
		}
	}
	return problems
}

// TestInertProblemsSees proves the page check can fail.
func TestInertProblemsSees(t *testing.T) {
	for _, tc := range []struct{ name, page, want string }{
		{"InlineScript", `<p>x</p><script>alert(1)</script>`, "<script"},
		{"ForeignScript", `<script src="https://cdn.example/x.js"></script>`, "<script"},
		{"Handler", `<img src=x onerror=alert(1)>`, "event handler"},
		{"JavaScriptURL", `<a href=" JAVA&#x09;SCRIPT:alert(1)">x</a>`, "javascript: URL"},
		{"DataURL", `<iframe src="data:text/html,x"></iframe>`, "<iframe>"},
		{"SVG", `<svg><circle r=1></circle></svg>`, "in svg"},
		{"Refresh", `<meta http-equiv=Refresh content="0;url=/">`, "refresh"},
		{"StyleAttr", `<p style="background:url(/x)">x</p>`, "style="},
		{"BadJSONLD", `<script type="application/ld+json">{"a":</script>`, "not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(inertProblems("<!doctype html><html><body>"+tc.page+"</body></html>"), "; ")
			if !strings.Contains(got, tc.want) {
				t.Errorf("inertProblems = %q, want %q", got, tc.want)
			}
		})
	}
	clean := `<!doctype html><html><head><link rel="stylesheet" href="/static/style.css?v=1"><script src="/static/comment-reply.js" defer></script>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"\u003c/script\u003e"}</script></head><body><a href="/x">x</a></body></html>`
	if got := inertProblems(clean); len(got) > 0 {
		t.Errorf("a clean page: %q", got)
	}
}
