package communique

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Permalink structures offered by default; any structure made of the
// tokens below and literal segments works too, as in WordPress.
const (
	PermalinkDated = "/%year%/%monthnum%/%day%/%postname%/"
	PermalinkPlain = "/%postname%/"
)

var literalSegment = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Permalink is a parsed permalink structure such as
// /%year%/%monthnum%/%day%/%postname%/.
type Permalink struct {
	Structure string
	segments  []string
}

// ParsePermalink parses a WordPress-style structure. It must name the
// article by %postname% or %post_id%.
func ParsePermalink(s string) (*Permalink, error) {
	if !strings.HasPrefix(s, "/") || !strings.HasSuffix(s, "/") || len(s) < 3 {
		return nil, fmt.Errorf("must start and end with / (for example %s)", PermalinkDated)
	}
	segs := strings.Split(strings.Trim(s, "/"), "/")
	named := false
	for _, seg := range segs {
		switch seg {
		case "%postname%", "%post_id%":
			named = true
		case "%year%", "%monthnum%", "%day%":
		default:
			if !literalSegment.MatchString(seg) {
				return nil, fmt.Errorf("has an unknown part %q (use %%year%%, %%monthnum%%, %%day%%, %%postname%%, %%post_id%% or plain words)", seg)
			}
		}
	}
	if !named {
		return nil, fmt.Errorf("must contain %%postname%% or %%post_id%%")
	}
	return &Permalink{Structure: s, segments: segs}, nil
}

// Path returns the URL path of an article published at t (in the site's
// time zone) under this structure.
func (p *Permalink) Path(id int64, slug string, t time.Time) string {
	var b strings.Builder
	for _, seg := range p.segments {
		b.WriteByte('/')
		switch seg {
		case "%year%":
			fmt.Fprintf(&b, "%04d", t.Year())
		case "%monthnum%":
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case "%day%":
			fmt.Fprintf(&b, "%02d", t.Day())
		case "%postname%":
			b.WriteString(slug)
		case "%post_id%":
			b.WriteString(strconv.FormatInt(id, 10))
		default:
			b.WriteString(seg)
		}
	}
	b.WriteByte('/')
	return b.String()
}

// PermalinkMatch is what a path said about the article it names.
// Zero fields were not part of the structure.
type PermalinkMatch struct {
	Year, Month, Day int
	Slug             string
	ID               int64
}

// Match reports whether the path segments fit the structure and extracts
// its parts. Numbers out of range do not match.
func (p *Permalink) Match(segs []string) (PermalinkMatch, bool) {
	var m PermalinkMatch
	if len(segs) != len(p.segments) {
		return m, false
	}
	for i, seg := range p.segments {
		v := segs[i]
		var err error
		switch seg {
		case "%year%":
			m.Year, err = fixedInt(v, 4, 1, 9999)
		case "%monthnum%":
			m.Month, err = fixedInt(v, 2, 1, 12)
		case "%day%":
			m.Day, err = fixedInt(v, 2, 1, 31)
		case "%postname%":
			if v == "" || len(v) > MaxSlugLength {
				return m, false
			}
			m.Slug = v
		case "%post_id%":
			m.ID, err = strconv.ParseInt(v, 10, 64)
			if err == nil && m.ID <= 0 {
				err = fmt.Errorf("bad id")
			}
		default:
			if v != seg {
				return m, false
			}
		}
		if err != nil {
			return m, false
		}
	}
	return m, true
}

// fixedInt parses a number of exactly width digits within [min, max].
func fixedInt(s string, width, min, max int) (int, error) {
	if len(s) != width {
		return 0, fmt.Errorf("want %d digits", width)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number")
		}
	}
	n, _ := strconv.Atoi(s)
	if n < min || n > max {
		return 0, fmt.Errorf("out of range")
	}
	return n, nil
}
