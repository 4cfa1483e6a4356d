package analytics

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	useragent "github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"
)

// client is what the counters keep of a user agent: a device class and a
// browser family, nothing finer.
type client struct {
	device, browser string
	reader          bool // a person's browser, not a bot, crawler or feed reader
}

// classifier reads user agents, remembering the recent ones (readers
// send few distinct strings; a flood of junk only resets the memory).
type classifier struct {
	parser *useragent.Parser
	seen   map[string]client
}

const classifierMemory = 4096

// maxUserAgent bounds what is parsed; a longer string is no browser's.
const maxUserAgent = 512

func newClassifier() *classifier {
	return &classifier{parser: useragent.NewParser(), seen: map[string]client{}}
}

func (c *classifier) classify(ua string) client {
	if cl, ok := c.seen[ua]; ok {
		return cl
	}
	cl := c.parse(ua)
	if len(c.seen) >= classifierMemory {
		clear(c.seen)
	}
	c.seen[ua] = cl
	return cl
}

func (c *classifier) parse(ua string) client {
	if ua == "" || len(ua) > maxUserAgent || !utf8.ValidString(ua) || notBrowser(ua) {
		return client{}
	}
	p := c.parser.Parse(ua)
	if p.IsBot() || p.Device() == agents.DeviceBot || p.Browser() == "" {
		return client{}
	}
	device := strings.ToLower(string(p.Device()))
	if device == "" {
		device = "desktop"
	}
	return client{device: device, browser: string(p.Browser()), reader: true}
}

// botWords mark clients the parser may take for browsers: crawlers that
// borrow a browser's string, link unfurlers, monitors and feed readers.
var botWords = []string{"bot", "crawl", "spider", "slurp", "preview", "fetch", "feed", "rss", "monitor",
	"headless", "lighthouse", "python", "curl", "wget", "http-client", "okhttp", "java/", "scrapy", "archiver", "facebookexternalhit"}

func notBrowser(ua string) bool {
	lower := strings.ToLower(ua)
	for _, w := range botWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// Referrer groups.
const (
	SourceDirect = "direct"
	SourceSearch = "search"
	SourceSocial = "social"
	SourceNews   = "news"
	SourceEmail  = "email"
	SourceOther  = "other"
)

// groups maps known hosts (without "www.") to their group; a host matches
// when it is the key or ends in "." + key.
var groups = map[string]string{
	"google.com": SourceSearch, "bing.com": SourceSearch, "duckduckgo.com": SourceSearch, "search.yahoo.com": SourceSearch,
	"yahoo.com": SourceSearch, "ecosia.org": SourceSearch, "baidu.com": SourceSearch, "yandex.ru": SourceSearch,
	"yandex.com": SourceSearch, "startpage.com": SourceSearch, "qwant.com": SourceSearch, "search.brave.com": SourceSearch,
	"kagi.com": SourceSearch, "google.co.uk": SourceSearch, "google.de": SourceSearch, "google.fr": SourceSearch,
	"facebook.com": SourceSocial, "fb.me": SourceSocial, "t.co": SourceSocial, "twitter.com": SourceSocial, "x.com": SourceSocial,
	"linkedin.com": SourceSocial, "lnkd.in": SourceSocial, "reddit.com": SourceSocial, "bsky.app": SourceSocial,
	"mastodon.social": SourceSocial, "instagram.com": SourceSocial, "threads.net": SourceSocial, "youtube.com": SourceSocial,
	"pinterest.com": SourceSocial, "tiktok.com": SourceSocial, "whatsapp.com": SourceSocial, "t.me": SourceSocial,
	"news.google.com": SourceNews, "news.ycombinator.com": SourceNews, "flipboard.com": SourceNews, "apple.news": SourceNews,
	"msn.com": SourceNews, "news.yahoo.com": SourceNews, "feedly.com": SourceNews, "inoreader.com": SourceNews,
	"newsblur.com": SourceNews, "smartnews.com": SourceNews, "upday.com": SourceNews,
	"mail.google.com": SourceEmail, "outlook.live.com": SourceEmail, "outlook.office.com": SourceEmail,
	"mail.yahoo.com": SourceEmail, "mail.proton.me": SourceEmail, "fastmail.com": SourceEmail,
}

// group names the group of a referring host ("" for none: direct).
func group(host string) string {
	if host == "" {
		return SourceDirect
	}
	best, bestLen := SourceOther, 0
	for h := host; h != ""; {
		if g, ok := groups[h]; ok && len(h) > bestLen {
			best, bestLen = g, len(h)
		}
		_, rest, found := strings.Cut(h, ".")
		if !found {
			break
		}
		h = rest
	}
	if best == SourceOther && (strings.HasPrefix(host, "mail.") || strings.HasPrefix(host, "webmail.")) {
		return SourceEmail
	}
	return best
}

// referrerHost is the host of a Referer header, lowercased and without
// "www.": "" for none, "(invalid)" for anything that is not a host name.
func referrerHost(ref string) string {
	if ref == "" {
		return ""
	}
	if len(ref) > 2048 {
		return invalid
	}
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "android-app") {
		return invalid
	}
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if h == "" || len(h) > 100 || strings.Trim(h, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return invalid
	}
	return h
}

const invalid = "(invalid)"

// campaignValue cleans a utm_ value: printable, trimmed, lowercased, at
// most 64 characters.
func campaignValue(v string) string {
	if !utf8.ValidString(v) {
		return invalid
	}
	v = strings.ToLower(strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, v)))
	if utf8.RuneCountInString(v) > 64 {
		v = string([]rune(v)[:64])
	}
	return v
}
