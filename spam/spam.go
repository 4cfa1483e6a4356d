// Package spam is a naive Bayes comment spam classifier that learns from
// moderators' decisions.
//
// The package holds no state: the learned counts live in the site's
// database, so that every server node and every restart sees the same
// training. Callers extract a comment's features with Tokens, store them
// when a moderator marks a comment as spam or ham, and pass the stored
// counts back to Score.
//
// Scoring follows Gary Robinson's improvements to Paul Graham's "A Plan
// for Spam": per-token probabilities are smoothed towards 0.5 when a token
// has rarely been seen, and the most telling tokens are combined with
// Fisher's chi-square method, which is less prone than Graham's product to
// declaring certainty from a handful of words.
package spam

import (
	"fmt"
	"iter"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document is what the classifier looks at for a comment.
type Document struct {
	Author string // display name
	Email  string
	URL    string // the author's website
	Text   string // comment body as submitted
	IP     string // remote address; a port is ignored
}

// Word length limits, in runes. Shorter words are mostly stop words;
// longer ones are usually run-together junk or encoded data, and would
// each become a separate never-repeated token.
const (
	minWordLen = 3
	maxWordLen = 30
)

// Text length bucket limits, in runes.
const (
	shortText = 80
	longText  = 1000
)

// Tokens extracts the features the classifier weighs for d:
//
//   - words of the text, lower-cased, of 3 to 30 letters or digits;
//   - the same for the author's name, as "author:cheap", since spammers
//     stuff keywords into the name field too;
//   - "links:0", "links:1", "links:2" or "links:3+" for the number of links
//     in the text, and "host:example.com" for each linked host;
//   - "authorhost:" with the host of the author's URL;
//   - "emaildomain:" with the domain of the author's email;
//   - "ip:1.2.3" for the /24 of an IPv4 address ("ip:2001:db8:1::/48" for
//     the /48 of an IPv6 one), since spam often comes from a neighbourhood
//     of addresses rather than a single one;
//   - "len:short", "len:medium" or "len:long" for the text length;
//   - "shape:caps" when the text is mostly capitals and "shape:exclaim"
//     when it has many exclamation marks.
//
// Features other than words have a prefix ending in a colon, which a word
// cannot contain, so the two never collide. The result is sorted and free
// of duplicates, so it can be stored and compared as is.
func Tokens(d Document) []string {
	set := make(map[string]struct{})
	add := func(tok string) { set[tok] = struct{}{} }

	for w := range words(d.Text) {
		add(w)
	}
	for w := range words(d.Author) {
		add("author:" + w)
	}

	hosts := linkHosts(d.Text)
	if n := len(hosts); n >= 3 {
		add("links:3+")
	} else {
		add("links:" + strconv.Itoa(n))
	}
	for _, h := range hosts {
		if h != "" {
			add("host:" + h)
		}
	}

	if h := hostOf(d.URL); h != "" {
		add("authorhost:" + h)
	}
	if i := strings.LastIndexByte(d.Email, '@'); i >= 0 {
		if dom := strings.Trim(strings.ToLower(strings.TrimSpace(d.Email[i+1:])), "."); dom != "" {
			add("emaildomain:" + dom)
		}
	}
	if p := ipPrefix(d.IP); p != "" {
		add("ip:" + p)
	}

	switch n := utf8.RuneCountInString(strings.TrimSpace(d.Text)); {
	case n < shortText:
		add("len:short")
	case n < longText:
		add("len:medium")
	default:
		add("len:long")
	}

	var letters, upper, bangs int
	for _, r := range d.Text {
		switch {
		case r == '!':
			bangs++
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	// A few capitals are normal (names, acronyms); shouting is when most
	// letters of a text long enough to matter are capitals.
	if letters >= 10 && upper*10 >= letters*6 {
		add("shape:caps")
	}
	if bangs >= 3 {
		add("shape:exclaim")
	}

	toks := make([]string, 0, len(set))
	for tok := range set {
		toks = append(toks, tok)
	}
	slices.Sort(toks)
	return toks
}

// words yields the lower-cased words of s that are long enough to mean
// something and short enough to be likely to recur.
func words(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for w := range strings.FieldsFuncSeq(s, notWordRune) {
			if n := utf8.RuneCountInString(w); n >= minWordLen && n <= maxWordLen {
				if !yield(strings.ToLower(w)) {
					return
				}
			}
		}
	}
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// linkPrefixes mark the start of a link. Links are found as text rather
// than parsed HTML because spammers post bare URLs as often as anchors,
// and both become clickable once rendered.
var linkPrefixes = [...]string{"http://", "https://", "www."}

// linkHosts returns the host of every link in text, in order, with ""
// for a link whose host cannot be parsed (it still counts as a link).
func linkHosts(text string) []string {
	var hosts []string
	lower := strings.ToLower(text)
	var next [len(linkPrefixes)]int // where each prefix next occurs, -1 if nowhere
	for k, p := range linkPrefixes {
		next[k] = strings.Index(lower, p)
	}
	for i := 0; ; {
		best := -1
		for k, p := range linkPrefixes {
			// Search again only for prefixes already passed, so that a
			// comment stuffed with links is still scanned in linear time.
			if next[k] >= 0 && next[k] < i {
				next[k] = strings.Index(lower[i:], p)
				if next[k] >= 0 {
					next[k] += i
				}
			}
			if next[k] >= 0 && (best < 0 || next[k] < next[best]) {
				best = k
			}
		}
		if best < 0 {
			return hosts
		}
		start := next[best]
		end := start + len(linkPrefixes[best])
		for end < len(lower) && !endsURL(lower[end]) {
			end++
		}
		hosts = append(hosts, hostOf(lower[start:end]))
		i = end
	}
}

func endsURL(c byte) bool {
	return c <= ' ' || strings.IndexByte(`"'<>[](){}|\`, c) >= 0
}

// hostOf returns the lower-cased host of a URL, with or without a scheme,
// minus any "www." so that both spellings of a site share their evidence.
func hostOf(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.Trim(strings.ToLower(u.Hostname()), ".")
	return strings.TrimPrefix(h, "www.")
}

// ipPrefix returns the /24 of an IPv4 address as "a.b.c", or the /48 of
// an IPv6 address (the usual size of a site's allocation) in CIDR form.
func ipPrefix(s string) string {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return ""
		}
		a = ap.Addr()
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		b := a.As4()
		return fmt.Sprintf("%d.%d.%d", b[0], b[1], b[2])
	}
	p, err := a.Prefix(48)
	if err != nil {
		return ""
	}
	return p.String()
}
