package analytics

import (
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	c := newClassifier()
	tests := []struct {
		name, ua        string
		reader          bool
		device, browser string
	}{
		{"Firefox", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", true, "desktop", "Firefox"},
		{"ChromeAndroid", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", true, "mobile", "Chrome"},
		{"SafariIPad", "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", true, "tablet", "Safari"},
		{"Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", false, "", ""},
		{"GooglebotAsChrome", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", false, "", ""},
		{"FeedReader", "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)", false, "", ""},
		{"NetNewsWire", "NetNewsWire (RSS Reader; https://netnewswire.com/)", false, "", ""},
		{"Curl", "curl/8.5.0", false, "", ""},
		{"Headless", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", false, "", ""},
		{"Empty", "", false, "", ""},
		{"Huge", "Mozilla/5.0 " + strings.Repeat("A", 10000), false, "", ""},
		{"Binary", "Mozilla/5.0 \xff\xfe\x00 Firefox/133.0", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.classify(tt.ua)
			if got.reader != tt.reader || got.device != tt.device || got.browser != tt.browser {
				t.Errorf("classify = %+v, want reader %v, %q, %q", got, tt.reader, tt.device, tt.browser)
			}
		})
	}
}

func TestReferrers(t *testing.T) {
	tests := []struct{ ref, host, group string }{
		{"", "", SourceDirect},
		{"https://www.google.com/search?q=x", "google.com", SourceSearch},
		{"https://news.google.com/articles/abc", "news.google.com", SourceNews},
		{"https://t.co/abc", "t.co", SourceSocial},
		{"https://mail.example.org/inbox", "mail.example.org", SourceEmail},
		{"https://blog.example.net/post", "blog.example.net", SourceOther},
		{"javascript:alert(1)", invalid, SourceOther},
		{"https://exa mple.com/", invalid, SourceOther},
		{"https://" + strings.Repeat("a", 300) + ".com/", invalid, SourceOther},
		{"\xff\xfe", invalid, SourceOther},
	}
	for _, tt := range tests {
		host := referrerHost(tt.ref)
		if host != tt.host {
			t.Errorf("referrerHost(%q) = %q, want %q", tt.ref, host, tt.host)
		}
		if host == invalid {
			continue
		}
		if g := group(host); g != tt.group {
			t.Errorf("group(%q) = %q, want %q", host, g, tt.group)
		}
	}
	if v := campaignValue("  Spring\x00Sale " + strings.Repeat("x", 100)); len([]rune(v)) != 64 || strings.ContainsRune(v, 0) || v[:10] != "springsale" {
		t.Errorf("campaignValue = %q", v)
	}
}
