package markup

import (
	"bytes"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// MaxDepth is how deeply elements of a body may nest. Browsers and HTML
// parsers give up somewhere past 500 levels; no article needs more than a
// few dozen, and a hostile one with thousands would otherwise be stored
// as it came.
const MaxDepth = 200

// voidElements have no end tag and hold nothing.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true}

// impliedEnd are elements a browser closes when another of the same kind
// starts in the same container ("<li>a<li>b"), so an unclosed one does
// not count as a level.
var impliedEnd = map[string]string{"li": "ul ol", "dt": "dl", "dd": "dl", "p": "div blockquote td th li", "tr": "table",
	"td": "tr table", "th": "tr table", "option": "select"}

// limitDepth drops the tags of elements nested deeper than max, keeping
// their text, and leaves everything else byte for byte.
func limitDepth(s string, max int) string {
	if strings.Count(s, "<") <= max {
		return s // too few tags to nest that deep
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var out bytes.Buffer
	var open []string
	dropped := map[string]int{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				out.Write(z.Raw())
			}
			return out.String()
		}
		raw := z.Raw()
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if voidElements[tag] {
				break
			}
			if scopes, ok := impliedEnd[tag]; ok {
				for i := len(open) - 1; i >= 0; i-- {
					if open[i] == tag {
						open = open[:i]
						break
					}
					if strings.Contains(" "+scopes+" ", " "+open[i]+" ") {
						break
					}
				}
			}
			if len(open) >= max {
				dropped[tag]++
				continue
			}
			open = append(open, tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if dropped[tag] > 0 {
				dropped[tag]--
				continue
			}
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tag {
					open = open[:i]
					break
				}
			}
		}
		out.Write(raw)
	}
}
