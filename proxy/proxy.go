// Package proxy finds the address a request came from when nodes run
// behind reverse proxies. X-Forwarded-For is believed only when the
// direct peer is a proxy the operator named: anyone else can write any
// address into it.
package proxy

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is the set of proxies whose X-Forwarded-For is believed. The
// nil set trusts no one: every request comes from its direct peer.
type Trusted struct {
	prefixes []netip.Prefix
	text     string
}

// Named sets, for convenience in configuration.
var named = map[string][]string{
	"loopback": {"127.0.0.0/8", "::1/128"},
	"private":  {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"},
}

// Parse reads a comma-separated list of CIDR prefixes and addresses
// ("10.0.0.0/8, 192.0.2.7, ::1"); "loopback" and "private" name the
// usual ranges. An empty list trusts no one.
func Parse(list string) (*Trusted, error) {
	t := &Trusted{}
	var names []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		names = append(names, item)
		items := []string{item}
		if n, ok := named[strings.ToLower(item)]; ok {
			items = n
		}
		for _, it := range items {
			p, err := parsePrefix(it)
			if err != nil {
				return nil, err
			}
			t.prefixes = append(t.prefixes, p)
		}
	}
	t.text = strings.Join(names, ",")
	return t, nil
}

// MustParse is Parse for lists known to be right, such as constants.
func MustParse(list string) *Trusted {
	t, err := Parse(list)
	if err != nil {
		panic(err)
	}
	return t
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR prefix (like 10.0.0.0/8)", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or CIDR prefix (like 10.0.0.0/8)", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// String returns the list as given to Parse.
func (t *Trusted) String() string {
	if t == nil {
		return ""
	}
	return t.text
}

// Empty reports whether the set trusts no one.
func (t *Trusted) Empty() bool { return t == nil || len(t.prefixes) == 0 }

// Contains reports whether a is in the set.
func (t *Trusted) Contains(a netip.Addr) bool {
	if t == nil || !a.IsValid() {
		return false
	}
	a = a.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Peer returns the address of the direct peer (the zero Addr when
// RemoteAddr holds none, as for a Unix socket).
func Peer(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := parseHop(r.RemoteAddr)
	return a
}

// Forwarded reports whether the request says it passed through a proxy.
func Forwarded(r *http.Request) bool {
	return len(r.Header.Values("X-Forwarded-For")) > 0 || len(r.Header.Values("Forwarded")) > 0
}

// ClientAddr returns the address the request came from: the direct peer,
// unless the peer is trusted, in which case X-Forwarded-For is read from
// the right, passing over trusted proxies, and the first address that is
// not one is the client. A malformed entry stops the walk at the last
// proxy that wrote a good one, since anything left of it may be forged.
func (t *Trusted) ClientAddr(r *http.Request) netip.Addr {
	addr := Peer(r)
	if !t.Contains(addr) {
		return addr
	}
	values := r.Header.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		hops := strings.Split(values[i], ",")
		for j := len(hops) - 1; j >= 0; j-- {
			hop := strings.TrimSpace(hops[j])
			if hop == "" {
				continue
			}
			a, ok := parseHop(hop)
			if !ok {
				return addr
			}
			addr = a
			if !t.Contains(a) {
				return a
			}
		}
	}
	return addr
}

// ClientIP is ClientAddr as text, for storing with a comment or a
// session; without an address it falls back to RemoteAddr's host.
func (t *Trusted) ClientIP(r *http.Request) string {
	if a := t.ClientAddr(r); a.IsValid() {
		return a.String()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port, IPv6 possibly in brackets.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), a.Zone() == ""
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), ap.Addr().Zone() == ""
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		if a, err := netip.ParseAddr(s[1 : len(s)-1]); err == nil {
			return a.Unmap(), a.Zone() == ""
		}
	}
	return netip.Addr{}, false
}

type contextKey struct{}

// NewContextWithTrusted returns ctx carrying t, the proxies trusted for
// the request.
func NewContextWithTrusted(ctx context.Context, t *Trusted) context.Context {
	return context.WithValue(ctx, contextKey{}, t)
}

// TrustedFromContext returns the trusted proxies ctx carries; nil (no
// one) when it carries none.
func TrustedFromContext(ctx context.Context) *Trusted {
	t, _ := ctx.Value(contextKey{}).(*Trusted)
	return t
}

// Handler gives every request through next the trusted set t, so that
// ClientIP works the same in every package below it.
func (t *Trusted) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(NewContextWithTrusted(r.Context(), t)))
	})
}

// ClientIP returns the address r came from through the proxies trusted
// for it (see Handler): the one helper every package uses, so a comment,
// a session and a sign-in throttle all see the same address.
func ClientIP(r *http.Request) string {
	return TrustedFromContext(r.Context()).ClientIP(r)
}

// ClientAddr is ClientIP as an address (the zero Addr when there is none).
func ClientAddr(r *http.Request) netip.Addr {
	return TrustedFromContext(r.Context()).ClientAddr(r)
}
