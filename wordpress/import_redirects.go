package wordpress

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// unescapePath decodes a percent-encoded slug as WordPress stores
// non-Latin slugs.
func unescapePath(s string) string {
	s = strings.TrimSpace(s)
	if u, err := url.PathUnescape(s); err == nil && utf8.ValidString(u) {
		return u
	}
	return s
}

var doubleSlash = regexp.MustCompile(`//+`)

// oldPath returns the path of an item's old permalink as a request for it
// would carry it, or "" for links by query (?p=12), which are answered
// by id.
func oldPath(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.RawQuery != "" || u.Path == "" || u.Path == "/" {
		return ""
	}
	p := doubleSlash.ReplaceAllString(u.Path, "/")
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") && !strings.Contains(path.Base(p), ".") {
		p += "/"
	}
	return p
}
