package outbound_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"communique/outbound"
	"communique/outbound/outboundtest"
)

// newNetwork serves the test answers on loopback: /ok, /big (3 MiB,
// announced or streamed), /to?u=URL (a redirect), /slow (never answers
// before the client gives up).
func newNetwork(t *testing.T) *outboundtest.Network {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			fmt.Fprint(w, "fine")
		case "/big":
			if r.URL.Query().Get("stream") == "" {
				w.Header().Set("Content-Length", fmt.Sprint(3<<20))
			}
			chunk := strings.Repeat("x", 64<<10)
			for range 48 {
				if _, err := io.WriteString(w, chunk); err != nil {
					return
				}
			}
		case "/to":
			http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
		case "/slow":
			<-r.Context().Done()
		}
	}))
	t.Cleanup(srv.Close)
	return &outboundtest.Network{Target: srv.Listener.Addr().String(), Names: map[string][]string{
		"public.example":   {"203.0.113.10"},
		"mixed.example":    {"10.0.0.1", "203.0.113.11"},
		"internal.example": {"192.168.1.10"},
		"rebind.example":   {"127.0.0.1"},
		"meta.example":     {"169.254.169.254"},
		"v6.example":       {"::1"},
		"mapped.example":   {"::ffff:10.1.2.3"},
		"nat64.example":    {"64:ff9b::a00:1"},
		"cgnat.example":    {"100.64.0.1"},
	}}
}

// TestPolicy: where each URL's request would go, and whether it may.
func TestPolicy(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		wantBlocked  bool
		wantLookups  []string
		wantDials    []string
	}{
		{"PublicName", "http://public.example/ok", false, false, []string{"public.example"}, []string{"203.0.113.10:80"}},
		{"PublicOfMixed", "http://mixed.example/ok", false, false, []string{"mixed.example"}, []string{"203.0.113.11:80"}},
		{"LiteralPrivate", "http://10.0.0.5/ok", false, true, nil, nil},
		{"LiteralLoopback", "http://127.0.0.1:8080/ok", false, true, nil, nil},
		{"LiteralLoopbackV6", "http://[::1]/ok", false, true, nil, nil},
		{"LiteralUnspecified", "http://0.0.0.0/ok", false, true, nil, nil},
		{"NamePrivate", "http://internal.example/ok", false, true, []string{"internal.example"}, nil},
		{"NameLoopback", "http://rebind.example/ok", false, true, []string{"rebind.example"}, nil},
		{"NameMetadata", "http://meta.example/latest/meta-data/", false, true, []string{"meta.example"}, nil},
		{"NameLoopbackV6", "http://v6.example/ok", false, true, []string{"v6.example"}, nil},
		{"NameMappedV4", "http://mapped.example/ok", false, true, []string{"mapped.example"}, nil},
		{"NameNAT64", "http://nat64.example/ok", false, true, []string{"nat64.example"}, nil},
		{"NameCGNAT", "http://cgnat.example/ok", false, true, []string{"cgnat.example"}, nil},
		{"RedirectToPrivateName", "http://public.example/to?u=http://internal.example/ok", false, true,
			[]string{"public.example", "internal.example"}, []string{"203.0.113.10:80"}},
		{"RedirectToLoopback", "http://public.example/to?u=http://127.0.0.1:9/ok", false, true,
			[]string{"public.example"}, []string{"203.0.113.10:80"}},
		{"RedirectToFile", "http://public.example/to?u=file:///etc/passwd", false, true,
			[]string{"public.example"}, []string{"203.0.113.10:80"}},
		{"RedirectToPublic", "http://public.example/to?u=http://mixed.example/ok", false, false,
			[]string{"public.example", "mixed.example"}, []string{"203.0.113.10:80", "203.0.113.11:80"}},
		{"AllowedPrivateName", "http://internal.example/ok", true, false, []string{"internal.example"}, []string{"192.168.1.10:80"}},
		{"AllowedLoopback", "http://127.0.0.1:8080/ok", true, false, nil, []string{"127.0.0.1:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNetwork(t)
			c := outbound.NewClient(outbound.Policy{AllowPrivate: tt.allowPrivate, MaxRedirects: 3, Resolver: n, Dialer: n})
			res, err := c.Get(tt.url)
			if err == nil {
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if string(body) != "fine" {
					t.Errorf("answer %q", body)
				}
			}
			if blocked := errors.Is(err, outbound.ErrBlocked); blocked != tt.wantBlocked {
				t.Errorf("err = %v, want blocked %v", err, tt.wantBlocked)
			}
			if !tt.wantBlocked && err != nil {
				t.Errorf("err = %v", err)
			}
			lookups, dials := n.Record()
			if !slices.Equal(lookups, tt.wantLookups) || !slices.Equal(dials, tt.wantDials) {
				t.Errorf("looked up %q and dialled %q, want %q and %q", lookups, dials, tt.wantLookups, tt.wantDials)
			}
		})
	}
}

// TestNoRedirects: a client that follows none returns the redirect
// itself and contacts nothing else (webhooks are called this way).
func TestNoRedirects(t *testing.T) {
	n := newNetwork(t)
	c := outbound.NewClient(outbound.Policy{Resolver: n, Dialer: n})
	res, err := c.Get("http://public.example/to?u=http://internal.example/ok")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if _, dials := n.Record(); res.StatusCode != http.StatusFound || len(dials) != 1 {
		t.Errorf("status %d, dials %q: want the 302 and one dial", res.StatusCode, dials)
	}
}

// TestBounds: an answer is read up to MaxBytes, whether its length is
// announced or not, and an exchange ends at Timeout.
func TestBounds(t *testing.T) {
	n := newNetwork(t)
	c := outbound.NewClient(outbound.Policy{MaxBytes: 1 << 20, Resolver: n, Dialer: n})
	if _, err := c.Get("http://public.example/big"); !errors.Is(err, outbound.ErrTooLarge) {
		t.Errorf("announced 3 MiB: err = %v, want ErrTooLarge", err)
	}
	res, err := c.Get("http://public.example/big?stream=1")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if !errors.Is(err, outbound.ErrTooLarge) || len(body) != 1<<20 {
		t.Errorf("streamed 3 MiB: read %d bytes, err %v; want 1 MiB and ErrTooLarge", len(body), err)
	}
	slow := outbound.NewClient(outbound.Policy{Timeout: 200 * time.Millisecond, Resolver: n, Dialer: n})
	if _, err := slow.Get("http://public.example/slow"); err == nil {
		t.Error("a server that never answers: no error")
	}
}

func TestPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"203.0.113.10": true, "8.8.8.8": true, "2606:4700::1111": true, "1.1.1.1": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.0.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "0.1.2.3": false, "255.255.255.255": false, "224.0.0.1": false,
		"::1": false, "::": false, "fc00::1": false, "fe80::1": false, "::ffff:127.0.0.1": false, "64:ff9b::7f00:1": false,
		"2002:7f00:1::": false, "2001:0:4136:e378::1": false, "198.18.0.1": false,
	} {
		if got := outbound.Public(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Public(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestExcerpt: the status line and a short, escaped, one-line excerpt.
func TestExcerpt(t *testing.T) {
	body := "<script>alert(1)</script>\r\nX-Injected: yes\x1b[31m " + strings.Repeat("secret ", 100)
	res := &http.Response{Status: "200 OK", Body: io.NopCloser(strings.NewReader(body))}
	got := outbound.Excerpt(res, 40)
	want := `200 OK: "<script>alert(1)</script> X-Injected: ye…"`
	if got != want {
		t.Errorf("Excerpt = %s, want %s", got, want)
	}
	if strings.ContainsAny(got, "\r\n\x1b") || strings.Count(got, "secret") > 0 {
		t.Errorf("Excerpt keeps control characters or too much: %q", got)
	}
	esc := &http.Response{Status: "500 Internal Server Error", Body: io.NopCloser(strings.NewReader("bad\x1b[31m\x00\xff"))}
	if got := outbound.Excerpt(esc, 40); got != "500 Internal Server Error: \"bad\\x1b[31m\\x00\uFFFD\"" {
		t.Errorf("Excerpt of control characters = %s", got)
	}
	empty := &http.Response{Status: "204 No Content", Body: io.NopCloser(strings.NewReader(""))}
	if got := outbound.Excerpt(empty, 40); got != "204 No Content" {
		t.Errorf("Excerpt of nothing = %q", got)
	}
}
