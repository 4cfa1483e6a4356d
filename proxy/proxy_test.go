package proxy_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"communique/proxy"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, list string
		ok         bool
	}{
		{"Empty", "", true},
		{"CIDRsAndAddresses", "10.0.0.0/8, 192.0.2.7 ,2001:db8::/32,::1", true},
		{"Named", "loopback,private", true},
		{"ErrGarbage", "10.0.0.0/8,proxy.example.com", false},
		{"ErrBadPrefix", "10.0.0.0/33", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := proxy.Parse(tc.list)
			if (err == nil) != tc.ok {
				t.Errorf("Parse(%q) err = %v, want ok=%v", tc.list, err, tc.ok)
			}
		})
	}
}

func TestClientIP(t *testing.T) {
	trusted := proxy.MustParse("10.0.0.0/8, 192.0.2.7, ::1")
	for _, tc := range []struct {
		name    string
		trusted *proxy.Trusted
		peer    string
		xff     []string
		want    string
	}{
		{"NoProxyNoHeader", trusted, "203.0.113.9:5000", nil, "203.0.113.9"},
		{"SpoofedFromUntrustedPeer", trusted, "203.0.113.9:5000", []string{"1.2.3.4"}, "203.0.113.9"},
		{"NilSetIgnoresHeader", nil, "10.0.0.2:5000", []string{"1.2.3.4"}, "10.0.0.2"},
		{"EmptySetIgnoresHeader", proxy.MustParse(""), "10.0.0.2:5000", []string{"1.2.3.4"}, "10.0.0.2"},
		{"TrustedPeer", trusted, "10.0.0.2:5000", []string{"198.51.100.4"}, "198.51.100.4"},
		{"ClientSpoofsLeftOfProxy", trusted, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.4"}, "198.51.100.4"},
		{"ChainOfTrustedProxies", trusted, "10.0.0.2:5000", []string{"1.2.3.4, 198.51.100.4, 192.0.2.7, 10.9.9.9"}, "198.51.100.4"},
		{"SeveralHeaderLines", trusted, "10.0.0.2:5000", []string{"1.2.3.4", "198.51.100.4, 10.1.1.1"}, "198.51.100.4"},
		{"AllTrusted", trusted, "10.0.0.2:5000", []string{"10.3.3.3, 192.0.2.7"}, "10.3.3.3"},
		{"GarbageStopsAtLastGoodHop", trusted, "10.0.0.2:5000", []string{"198.51.100.4, not-an-ip, 10.1.1.1"}, "10.1.1.1"},
		{"GarbageRightAfterPeer", trusted, "10.0.0.2:5000", []string{"<script>"}, "10.0.0.2"},
		{"EmptyHeader", trusted, "10.0.0.2:5000", []string{""}, "10.0.0.2"},
		{"IPv6Peer", trusted, "[::1]:5000", []string{"2001:db8::5"}, "2001:db8::5"},
		{"IPv6WithPortAndBrackets", trusted, "[::1]:5000", []string{"[2001:db8::6]:443"}, "2001:db8::6"},
		{"IPv4WithPort", trusted, "[::1]:5000", []string{"198.51.100.4:1234"}, "198.51.100.4"},
		{"MappedPeer", trusted, "[::ffff:10.0.0.2]:5000", []string{"198.51.100.4"}, "198.51.100.4"},
		{"MappedClient", trusted, "10.0.0.2:5000", []string{"::ffff:198.51.100.4"}, "198.51.100.4"},
		{"NoPort", trusted, "203.0.113.9", nil, "203.0.113.9"},
		{"UnixSocket", trusted, "@", []string{"1.2.3.4"}, "@"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := tc.trusted.ClientIP(r); got != tc.want {
				t.Errorf("ClientIP = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestForwarded(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if proxy.Forwarded(r) {
		t.Error("plain request reported as forwarded")
	}
	r.Header.Set("Forwarded", "for=1.2.3.4")
	if !proxy.Forwarded(r) {
		t.Error("Forwarded header not seen")
	}
}

func TestHandlerCarriesTrustedSet(t *testing.T) {
	var got string
	h := proxy.MustParse("loopback").Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = proxy.ClientIP(r)
	}))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "127.0.0.1:4000"
	r.Header.Set("X-Forwarded-For", "203.0.113.5")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "203.0.113.5" {
		t.Errorf("behind the handler: %q", got)
	}
	if ip := proxy.ClientIP(r); ip != "127.0.0.1" {
		t.Errorf("without it (nobody trusted): %q", ip)
	}
}
