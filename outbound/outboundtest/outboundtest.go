// Package outboundtest gives tests an injected resolver and dialer for
// package outbound's policy: names resolve from a table, and every dial
// is recorded and then connected to a loopback server whatever address
// was asked, so a test sees what would have been contacted without any
// traffic leaving the machine or any name reaching the system resolver.
package outboundtest

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"sync"

	"communique/outbound"
)

// Network is a resolver and a dialer that record.
type Network struct {
	// Names maps a host name to its addresses; other names do not exist.
	Names map[string][]string
	// Target is the loopback host:port every dial really connects to.
	Target string

	mu      sync.Mutex
	lookups []string
	dials   []string
}

var (
	_ outbound.Resolver = (*Network)(nil)
	_ outbound.Dialer   = (*Network)(nil)
)

// LookupNetIP answers from Names and records the question.
func (n *Network) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	n.mu.Lock()
	n.lookups = append(n.lookups, host)
	n.mu.Unlock()
	list, ok := n.Names[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host (test resolver)", Name: host, IsNotFound: true}
	}
	var addrs []netip.Addr
	for _, s := range list {
		addrs = append(addrs, netip.MustParseAddr(s))
	}
	return addrs, nil
}

// DialContext records address and connects to Target instead.
func (n *Network) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	n.dials = append(n.dials, address)
	n.mu.Unlock()
	var d net.Dialer
	return d.DialContext(ctx, network, n.Target)
}

// Record returns the names looked up and the addresses dialled, in order.
func (n *Network) Record() (lookups, dials []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.lookups), slices.Clone(n.dials)
}

// Client is outbound's client with this network and the policy p.
func (n *Network) Client(p outbound.Policy) *http.Client {
	p.Resolver, p.Dialer = n, n
	return outbound.NewClient(p)
}
