package httpkit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads a comma-separated list of networks in CIDR
// notation ("10.0.0.0/8, 2001:db8::/32"); a bare address stands for itself
// alone. Empty entries are ignored, so "" is the empty list: no proxy is
// trusted.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			a, err := netip.ParseAddr(part)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or network in CIDR notation", part)
			}
			a = a.Unmap().WithZone("")
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: not a network in CIDR notation", part)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// clientResolver finds the address of the client behind a request.
//
// A request's peer (the other end of the TCP connection) is the client,
// unless the peer is a trusted proxy. Then X-Forwarded-For is read from
// right to left — every line of the header joined in order, each a
// comma-separated list to which each proxy appended the address it saw —
// and the client is the right-most address that is not itself a trusted
// proxy. Entries left of it were written by the client or by proxies not
// trusted, so they say nothing reliable and are never read.
//
// An entry may be a plain IPv4 or IPv6 address, "ip:port", or a bracketed
// IPv6 address with or without a port ("[2001:db8::1]:443"). A malformed
// entry (a name, "unknown", garbage) ends the walk: the client is then the
// last address read well — the nearest trusted proxy, or the peer itself —
// because nothing to the left of a broken entry can be trusted either.
type clientResolver struct {
	trusted []netip.Prefix
}

// isTrusted reports whether a is one of the trusted proxies.
func (c clientResolver) isTrusted(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// resolve returns the client address for a connection from remoteAddr
// ("host:port", as net/http sets it) carrying the X-Forwarded-For lines
// xff. ok is false when remoteAddr itself is not an address (then no
// header is believed and the caller uses remoteAddr as it is).
func (c clientResolver) resolve(remoteAddr string, xff []string) (netip.Addr, bool) {
	peer, ok := parseHostAddr(remoteAddr)
	if !ok {
		return netip.Addr{}, false
	}
	if len(xff) == 0 || !c.isTrusted(peer) {
		return peer, true
	}
	client := peer
	entries := strings.Split(strings.Join(xff, ","), ",")
	for i := len(entries) - 1; i >= 0; i-- {
		e := strings.TrimSpace(entries[i])
		if e == "" {
			continue // "a,,b" or a trailing comma: nothing was appended there
		}
		a, ok := parseForwardedEntry(e)
		if !ok {
			break
		}
		client = a
		if !c.isTrusted(a) {
			break
		}
	}
	return client, true
}

// parseHostAddr reads the address of "host:port" (or of a bare address).
func parseHostAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return normalAddr(ap.Addr()), true
	}
	host, _, err := net.SplitHostPort(s)
	if err != nil {
		host = s
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return normalAddr(a), true
}

// parseForwardedEntry reads one X-Forwarded-For entry: "192.0.2.1",
// "192.0.2.1:8080", "2001:db8::1", "[2001:db8::1]" or "[2001:db8::1]:8080".
func parseForwardedEntry(e string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(e); err == nil {
		return normalAddr(a), true
	}
	if ap, err := netip.ParseAddrPort(e); err == nil {
		return normalAddr(ap.Addr()), true
	}
	if strings.HasPrefix(e, "[") && strings.HasSuffix(e, "]") {
		if a, err := netip.ParseAddr(e[1 : len(e)-1]); err == nil && a.Is6() {
			return normalAddr(a), true
		}
	}
	return netip.Addr{}, false
}

// normalAddr drops an IPv6 zone and unwraps IPv4-mapped IPv6 addresses, so
// that one client has one spelling.
func normalAddr(a netip.Addr) netip.Addr { return a.Unmap().WithZone("") }

// ThrottleKey groups client addresses for per-client limits: an IPv4
// address stands for itself; an IPv6 address for its /64, the block one
// household or server is usually given, so that a client cannot escape a
// limit by stepping through the addresses of its own network.
func ThrottleKey(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// ClientAddr is the address of the client behind r (see clientResolver);
// ok is false when r.RemoteAddr is not an address.
func (k *Kit) ClientAddr(r *http.Request) (netip.Addr, bool) {
	return k.clients.resolve(r.RemoteAddr, r.Header.Values("X-Forwarded-For"))
}

// ClientKey is how r's client is known to login throttling and the login
// trail: its IPv4 address, or its /64 for IPv6 (see ThrottleKey), since one
// IPv6 client can use every address of its /64; r.RemoteAddr as it is when
// that is not an address.
func (k *Kit) ClientKey(r *http.Request) string {
	if a, ok := k.ClientAddr(r); ok {
		return ThrottleKey(a)
	}
	return r.RemoteAddr
}
