package web

import (
	"net/http"
	"net/netip"
	"testing"
)

// FuzzForwardedFor: whatever X-Forwarded-For says, the client address is an
// address, and it is the TCP peer's unless the peer is a trusted proxy.
func FuzzForwardedFor(f *testing.F) {
	for _, s := range []string{"", "172.16.0.1", "172.16.0.1, 10.9.9.2", "garbage, 1.2.3.4", "::ffff:10.9.9.3,::1", " , ,"} {
		f.Add("10.9.9.1", s)
		f.Add("203.0.113.7", s)
	}
	trusted := []netip.Prefix{netip.MustParsePrefix("10.9.9.0/24")}
	f.Fuzz(func(t *testing.T, peer, xff string) {
		peerAddr, err := netip.ParseAddr(peer)
		if err != nil {
			return
		}
		r := &http.Request{RemoteAddr: netip.AddrPortFrom(peerAddr, 40000).String(), Header: http.Header{"X-Forwarded-For": {xff}}}
		got := forwardedFor(r, trusted)
		a, err := netip.ParseAddr(got)
		if err != nil {
			t.Fatalf("peer %s, X-Forwarded-For %q: client %q is not an address", peer, xff, got)
		}
		if !isTrusted(peerAddr, trusted) && a != peerAddr {
			t.Fatalf("untrusted peer %s, X-Forwarded-For %q: client %s", peer, xff, got)
		}
	})
}
