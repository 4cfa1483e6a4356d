// Package webmention implements the network side of W3C Webmention
// (https://www.w3.org/TR/webmention/): verifying that a source page links
// to a target, discovering a target's endpoint, sending a mention, and
// finding the links of a page. It knows nothing of Communiqué.
//
// Fetching URLs that strangers name is a server-side request forgery
// risk, so the client is package outbound's: by default it refuses to
// connect to loopback, private, link-local and other non-public
// addresses, whatever DNS says.
package webmention

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"communique/outbound"
)

// Refusals of a mention after verification.
var (
	ErrUnreachable = errors.New("the source could not be fetched")
	ErrNotHTML     = errors.New("the source is not an HTML page")
	ErrNoLink      = errors.New("the source does not link to the target")
	ErrGone        = errors.New("the source is gone")
)

// Client fetches and posts for Webmention.
type Client struct {
	HTTP      *http.Client
	UserAgent string
	// MaxBytes is the most of a page read; a link further down is not
	// seen.
	MaxBytes int64
}

// NewClient returns a client with outbound's policy: short timeouts, a
// few redirects followed, a bounded page. allowPrivate lets it reach
// loopback and private networks, for tests and intranets.
func NewClient(allowPrivate bool) *Client {
	return &Client{
		HTTP:      outbound.NewClient(outbound.Policy{AllowPrivate: allowPrivate, MaxRedirects: 5, MaxBytes: 2 << 20}),
		UserAgent: "Communiqué Webmention (+https://www.w3.org/TR/webmention/)",
		MaxBytes:  1 << 20,
	}
}

// ValidURL reports whether s is an absolute http or https URL a mention
// may name.
func ValidURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && len(s) <= 2048
}

// Mention is what a verified source says about itself.
type Mention struct {
	Title      string // the page's title
	AuthorName string // from an h-card, when there is one
	AuthorURL  string
	Excerpt    string // plain text around the link, or the start of the page
}

// Verify fetches source and checks that it is an HTML page linking to
// target. The error is ErrUnreachable, ErrGone, ErrNotHTML or ErrNoLink
// (wrapped) when the mention must be refused.
func (c *Client) Verify(ctx context.Context, source, target string) (*Mention, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	req.Header.Set("User-Agent", c.UserAgent)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusGone:
		return nil, ErrGone
	case res.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: status %d", ErrUnreachable, res.StatusCode)
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mt != "text/html" && mt != "application/xhtml+xml" {
		return nil, fmt.Errorf("%w (%s)", ErrNotHTML, mt)
	}
	doc, err := html.Parse(io.LimitReader(res.Body, c.MaxBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotHTML, err)
	}
	base := res.Request.URL // after redirects
	m := &Mention{}
	var linked bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if m.Title == "" {
					m.Title = text(n)
				}
			case atom.A, atom.Img, atom.Video, atom.Audio, atom.Source:
				for _, key := range []string{"href", "src"} {
					if v, ok := attr(n, key); ok && sameURL(resolve(base, v), target) {
						linked = true
						if m.Excerpt == "" && n.Parent != nil {
							m.Excerpt = shorten(text(n.Parent), 280)
						}
					}
				}
			}
			if hasClass(n, "h-card") && m.AuthorName == "" && (hasClass(n, "p-author") || inClass(n, "h-entry")) {
				m.AuthorName = strings.TrimSpace(firstByClass(n, "p-name"))
				if m.AuthorName == "" {
					m.AuthorName = shorten(text(n), 100)
				}
				if v, ok := attr(n, "href"); ok {
					m.AuthorURL = resolve(base, v)
				} else if u := firstAttrByClass(n, "u-url", "href"); u != "" {
					m.AuthorURL = resolve(base, u)
				}
			}
			if hasClass(n, "p-name") && inClass(n, "h-entry") && !inClass(n, "h-card") && !hasClass(n, "h-card") {
				m.Title = strings.TrimSpace(text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !linked {
		return nil, ErrNoLink
	}
	m.Title = shorten(strings.Join(strings.Fields(m.Title), " "), 200)
	if !ValidURL(m.AuthorURL) {
		m.AuthorURL = ""
	}
	return m, nil
}

// Discover finds target's Webmention endpoint: an HTTP Link header with
// rel="webmention", else the first <link> or <a> with that rel.
// ("", nil) when it has none.
func (c *Client) Discover(ctx context.Context, target string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	req.Header.Set("Accept", "text/html")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	base := res.Request.URL
	for _, h := range res.Header.Values("Link") {
		if e := linkHeaderEndpoint(h); e != "" {
			return resolve(base, e), nil
		}
	}
	if mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type")); mt != "text/html" && mt != "application/xhtml+xml" {
		return "", nil
	}
	doc, err := html.Parse(io.LimitReader(res.Body, c.MaxBytes))
	if err != nil {
		return "", nil
	}
	var endpoint string
	var found bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found {
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Link || n.DataAtom == atom.A) {
			if rel, _ := attr(n, "rel"); hasToken(rel, "webmention") {
				if href, ok := attr(n, "href"); ok {
					endpoint, found = resolve(base, href), true // an empty href is the page itself
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return endpoint, nil
}

// linkHeaderEndpoint returns the URL of a rel="webmention" link in one
// Link header value.
func linkHeaderEndpoint(h string) string {
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if !strings.HasPrefix(part, "<") {
			continue
		}
		end := strings.Index(part, ">")
		if end < 0 {
			continue
		}
		for _, p := range strings.Split(part[end+1:], ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "rel") && hasToken(strings.Trim(strings.TrimSpace(v), `"`), "webmention") {
				return part[1:end]
			}
		}
	}
	return ""
}

// Send posts a mention of target by source to endpoint. Any 2xx is
// success.
func (c *Client) Send(ctx context.Context, endpoint, source, target string) error {
	body := url.Values{"source": {source}, "target": {target}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", c.UserAgent)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webmention endpoint answered %d", res.StatusCode)
	}
	return nil
}

// Links returns the absolute http(s) URLs that a page's links (a href)
// point at, once each, resolved against base.
func Links(body, base string) []string {
	b, err := url.Parse(base)
	if err != nil {
		return nil
	}
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			if href, ok := attr(n, "href"); ok {
				if u := resolve(b, href); ValidURL(u) && !seen[u] {
					seen[u] = true
					out = append(out, u)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func resolve(base *url.URL, ref string) string {
	u, err := base.Parse(strings.TrimSpace(ref))
	if err != nil {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

// sameURL compares URLs as the spec asks a receiver to: the fragment
// does not matter, nor the case of scheme and host.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	ua.Fragment, ub.Fragment = "", ""
	ua.Scheme, ub.Scheme = strings.ToLower(ua.Scheme), strings.ToLower(ub.Scheme)
	ua.Host, ub.Host = strings.ToLower(ua.Host), strings.ToLower(ub.Host)
	if ua.Path == "" {
		ua.Path = "/"
	}
	if ub.Path == "" {
		ub.Path = "/"
	}
	return ua.String() == ub.String()
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasToken(list, token string) bool {
	for _, t := range strings.Fields(strings.ToLower(list)) {
		if t == token {
			return true
		}
	}
	return false
}

func hasClass(n *html.Node, class string) bool {
	c, _ := attr(n, "class")
	return hasToken(c, class)
}

// inClass reports whether an ancestor of n has class.
func inClass(n *html.Node, class string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && hasClass(p, class) {
			return true
		}
	}
	return false
}

func firstByClass(n *html.Node, class string) string {
	if n.Type == html.ElementNode && hasClass(n, class) {
		return text(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if s := firstByClass(c, class); s != "" {
			return s
		}
	}
	return ""
}

func firstAttrByClass(n *html.Node, class, key string) string {
	if n.Type == html.ElementNode && hasClass(n, class) {
		if v, ok := attr(n, key); ok {
			return v
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if s := firstAttrByClass(c, class, key); s != "" {
			return s
		}
	}
	return ""
}

// text is the text inside n, white space collapsed; scripts and styles
// left out.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style):
			return
		case n.Type == html.ElementNode && blocks[n.DataAtom]:
			b.WriteByte(' ') // words of two blocks are two words
			defer b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

var blocks = map[atom.Atom]bool{atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Article: true, atom.Section: true, atom.Header: true,
	atom.Footer: true, atom.Td: true, atom.Th: true, atom.Blockquote: true, atom.Pre: true, atom.Figcaption: true}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
