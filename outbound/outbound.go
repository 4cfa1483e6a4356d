// Package outbound is the one HTTP client for every request the site
// makes to addresses that people name: webhooks, Webmention, and later
// media, avatar and fediverse fetches. One policy holds for all of them:
//
//   - public addresses only, unless the operator allows private networks:
//     the check is made on the addresses a name resolves to, and the
//     connection goes to the address that was checked (so DNS cannot
//     answer differently in between), on the first request and on every
//     redirect;
//   - a bounded time for the whole exchange and a bounded answer;
//   - no proxy from the environment, which would bypass the check.
//
// Resolver and Dialer are interfaces so tests see what would have been
// contacted without any traffic leaving the machine.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ErrBlocked is wrapped by every refusal of an address by the policy.
var ErrBlocked = errors.New("address not allowed")

// ErrTooLarge is returned by reads past Policy.MaxBytes.
var ErrTooLarge = errors.New("answer too large")

// Resolver finds a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer opens connections; *net.Dialer is one.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Policy is what every outbound request obeys.
type Policy struct {
	// AllowPrivate lets requests reach loopback, private, link-local and
	// other non-public addresses, for sites whose webhooks live inside.
	AllowPrivate bool
	// Timeout bounds a whole exchange, redirects and body included.
	Timeout time.Duration
	// MaxBytes bounds how much of an answer can be read.
	MaxBytes int64
	// MaxRedirects is how many redirects are followed; 0 follows none
	// (the last answer is returned as it is).
	MaxRedirects int
	// Resolver and Dialer default to the system's.
	Resolver Resolver
	Dialer   Dialer
}

// Defaults: what webhooks and Webmention use unless told otherwise.
const (
	DefaultTimeout  = 15 * time.Second
	DefaultMaxBytes = 1 << 20
)

// NewClient returns an *http.Client that applies p.
func NewClient(p Policy) *http.Client {
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.MaxBytes <= 0 {
		p.MaxBytes = DefaultMaxBytes
	}
	if p.Resolver == nil {
		p.Resolver = net.DefaultResolver
	}
	if p.Dialer == nil {
		p.Dialer = &net.Dialer{Timeout: 5 * time.Second}
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           p.dial,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 10 * time.Second,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{
		Transport: limited{transport, p.MaxBytes},
		Timeout:   p.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			switch {
			case p.MaxRedirects == 0:
				return http.ErrUseLastResponse
			case len(via) > p.MaxRedirects:
				return fmt.Errorf("more than %d redirects", p.MaxRedirects)
			case req.URL.Scheme != "http" && req.URL.Scheme != "https":
				return fmt.Errorf("%w: a redirect to a %s: URL", ErrBlocked, req.URL.Scheme)
			}
			return nil
		},
	}
}

// dial resolves the host, keeps the addresses the policy allows, and
// connects to the first that answers: to the address checked, never to
// the name again.
func (p Policy) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else if addrs, err = p.Resolver.LookupNetIP(ctx, "ip", host); err != nil {
		return nil, err
	}
	var refused []string
	var lastErr error
	for _, ip := range addrs {
		ip = ip.Unmap()
		if !p.AllowPrivate && !Public(ip) {
			refused = append(refused, ip.String())
			continue
		}
		conn, err := p.Dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	if lastErr != nil {
		return nil, lastErr
	}
	if len(refused) > 0 {
		if len(refused) == 1 && refused[0] == host {
			return nil, fmt.Errorf("%w: %s is not a public address", ErrBlocked, host)
		}
		return nil, fmt.Errorf("%w: %s is %s, not a public address", ErrBlocked, host, strings.Join(refused, ", "))
	}
	return nil, fmt.Errorf("%s: no address", host)
}

// Public reports whether ip is an address on the public internet: not
// loopback, private (RFC 1918, unique local), link-local, multicast,
// unspecified, carrier-grade NAT, "this network", broadcast, or an IPv6
// address that embeds an IPv4 one (NAT64, 6to4, Teredo), which could
// lead anywhere.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublic = func() []netip.Prefix {
	var list []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // this network
		"100.64.0.0/10",   // carrier-grade NAT
		"192.0.0.0/24",    // IETF protocol assignments
		"198.18.0.0/15",   // benchmarking
		"240.0.0.0/4",     // reserved, broadcast
		"64:ff9b::/96",    // NAT64
		"64:ff9b:1::/48",  // local NAT64
		"2001::/32",       // Teredo
		"2002::/16",       // 6to4
		"100::/64",        // discard
		"fec0::/10",       // site-local, deprecated
		"::ffff:0:0:0/96", // IPv4-translated
		"2001:10::/28",    // ORCHID
		"2001:20::/28",    // ORCHIDv2
		"5f00::/16",       // segment routing
	} {
		list = append(list, netip.MustParsePrefix(s))
	}
	return list
}()

// limited makes every answer's body end with ErrTooLarge past max bytes.
type limited struct {
	http.RoundTripper
	max int64
}

func (l limited) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := l.RoundTripper.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if res.ContentLength > l.max {
		res.Body.Close()
		return nil, fmt.Errorf("%w: %d bytes announced, at most %d read", ErrTooLarge, res.ContentLength, l.max)
	}
	res.Body = &cappedBody{ReadCloser: res.Body, left: l.max}
	return res, nil
}

type cappedBody struct {
	io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n > 0 {
			return 0, ErrTooLarge
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// Excerpt is what may be kept of an answer in a log the newsroom shows:
// the status line and at most n characters of the body, on one line,
// with control characters and anything not printable escaped. The rest
// of an answer, which may come from anywhere, is never kept.
func Excerpt(res *http.Response, n int) string {
	head, _ := io.ReadAll(io.LimitReader(res.Body, int64(n)*4))
	s := strings.ToValidUTF8(string(head), "\uFFFD")
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	q := strconv.QuoteToGraphic(s)
	if s == "" {
		return res.Status
	}
	return res.Status + ": " + q
}
