package httpkit

import (
	"net/netip"
	"strings"
	"testing"
)

func mustProxies(t testing.TB, s string) []netip.Prefix {
	t.Helper()
	p, err := ParseTrustedProxies(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseTrustedProxies(t *testing.T) {
	got := mustProxies(t, " 127.0.0.1/32, 10.1.2.3/8 ,2001:db8::/32,192.0.2.9,,::ffff:10.0.0.0/104")
	want := []string{"127.0.0.1/32", "10.0.0.0/8", "2001:db8::/32", "192.0.2.9/32", "10.0.0.0/8"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d: %s, want %s", i, got[i], want[i])
		}
	}
	if p := mustProxies(t, ""); len(p) != 0 {
		t.Errorf("empty list: %v", p)
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8,x", "1.2.3"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestClientResolver(t *testing.T) {
	c := clientResolver{trusted: mustProxies(t, "127.0.0.1/32, 10.0.0.0/8, 2001:db8:ffff::/48")}
	for _, tc := range []struct {
		name   string
		remote string
		xff    []string
		want   string
	}{
		{"no header", "198.51.100.1:1000", nil, "198.51.100.1"},
		{"untrusted peer: header ignored", "198.51.100.1:1000", []string{"203.0.113.5"}, "198.51.100.1"},
		{"untrusted IPv6 peer", "[2001:db8::1]:443", []string{"203.0.113.5"}, "2001:db8::1"},
		{"trusted peer, one hop", "127.0.0.1:5000", []string{"203.0.113.5"}, "203.0.113.5"},
		{"forged left entries ignored", "127.0.0.1:5000", []string{"1.1.1.1, 2.2.2.2, 203.0.113.5"}, "203.0.113.5"},
		{"chain of trusted proxies", "127.0.0.1:5000", []string{"1.1.1.1, 203.0.113.5, 10.0.0.7, 10.2.0.1"}, "203.0.113.5"},
		{"header lines joined in order", "127.0.0.1:5000", []string{"1.1.1.1, 203.0.113.5", "10.0.0.7"}, "203.0.113.5"},
		{"ip:port entry", "127.0.0.1:5000", []string{"203.0.113.5:61000"}, "203.0.113.5"},
		{"plain IPv6 entry", "127.0.0.1:5000", []string{"2001:db8:1:2::9"}, "2001:db8:1:2::9"},
		{"bracketed IPv6 with port", "127.0.0.1:5000", []string{"[2001:db8:1:2::9]:443"}, "2001:db8:1:2::9"},
		{"bracketed IPv6 without port", "127.0.0.1:5000", []string{"[2001:db8:1:2::9]"}, "2001:db8:1:2::9"},
		{"IPv4-mapped IPv6 unwrapped", "127.0.0.1:5000", []string{"::ffff:203.0.113.5"}, "203.0.113.5"},
		{"IPv6 trusted proxy in chain", "127.0.0.1:5000", []string{"203.0.113.5, 2001:db8:ffff::3"}, "203.0.113.5"},
		{"malformed right-most: the peer", "127.0.0.1:5000", []string{"203.0.113.5, unknown"}, "127.0.0.1"},
		{"malformed after a proxy: that proxy", "127.0.0.1:5000", []string{"203.0.113.5, garbage, 10.0.0.7"}, "10.0.0.7"},
		{"malformed left of the client: ignored", "127.0.0.1:5000", []string{"nonsense, 203.0.113.5"}, "203.0.113.5"},
		{"all trusted: the left-most", "127.0.0.1:5000", []string{"10.9.9.9, 10.0.0.7"}, "10.9.9.9"},
		{"empty entries skipped", "127.0.0.1:5000", []string{"203.0.113.5,, "}, "203.0.113.5"},
		{"empty header: the peer", "127.0.0.1:5000", []string{""}, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := c.resolve(tc.remote, tc.xff)
			if !ok || a.String() != tc.want {
				t.Errorf("resolve(%q, %q) = %v, %v; want %s", tc.remote, tc.xff, a, ok, tc.want)
			}
		})
	}
	if _, ok := c.resolve("not-an-address", []string{"203.0.113.5"}); ok {
		t.Error("a peer that is not an address made the header believed")
	}
}

func TestNoProxyTrustedByDefault(t *testing.T) {
	c := clientResolver{}
	if a, _ := c.resolve("127.0.0.1:1", []string{"203.0.113.5"}); a.String() != "127.0.0.1" {
		t.Errorf("without trusted proxies X-Forwarded-For was believed: %s", a)
	}
}

func TestThrottleKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.5":             "203.0.113.5",
		"2001:db8:1:2::9":         "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1":    "2001:db8:1:2::/64",
		"2001:db8:1:3::9":         "2001:db8:1:3::/64",
		"fe80::1:2:3:4":           "fe80::/64",
		"2001:db8:aaaa:bbbb:1::1": "2001:db8:aaaa:bbbb::/64",
	} {
		if got := ThrottleKey(netip.MustParseAddr(in)); got != want {
			t.Errorf("ThrottleKey(%s) = %s, want %s", in, got, want)
		}
	}
	if ThrottleKey(netip.Addr{}) != "" {
		t.Error("the zero address has a key")
	}
}

// FuzzClientResolver: whatever the header, resolving never panics, always
// yields a valid address, and that address is either the peer or appears in
// the header — a client can never be given an address nobody wrote.
func FuzzClientResolver(f *testing.F) {
	for _, s := range []string{"203.0.113.5", "1.1.1.1, 10.0.0.1", "[::1]:80", "::1", "x, 10.0.0.1", ",,,", "[", "[]:1", "1.2.3.4:99999", "fe80::1%eth0"} {
		f.Add("127.0.0.1:5000", s)
		f.Add("198.51.100.1:1", s)
	}
	c := clientResolver{trusted: mustProxies(f, "127.0.0.0/8, 10.0.0.0/8, ::1/128")}
	f.Fuzz(func(t *testing.T, remote, xff string) {
		a, ok := c.resolve(remote, []string{xff})
		if !ok {
			return
		}
		if !a.IsValid() || a.Zone() != "" || a.Is4In6() {
			t.Fatalf("resolve(%q, %q) = %v", remote, xff, a)
		}
		peer, _ := parseHostAddr(remote)
		if a != peer {
			found := false
			for e := range strings.SplitSeq(xff, ",") {
				if b, ok := parseForwardedEntry(strings.TrimSpace(e)); ok && b == a {
					found = true
				}
			}
			if !found {
				t.Fatalf("resolve(%q, %q) = %v: neither the peer nor in the header", remote, xff, a)
			}
		}
		if !c.isTrusted(peer) && a != peer {
			t.Fatalf("untrusted peer %v, but the client is %v", peer, a)
		}
		_ = ThrottleKey(a)
	})
}
