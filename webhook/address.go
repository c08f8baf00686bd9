package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// special is every range of IANA's IPv4 and IPv6 Special-Purpose Address
// Registries (and multicast, which is not a unicast target either), in one
// table: outside sandbox mode and the allow list a webhook may not target
// them, at creation (a literal address, or a name resolving to one) and at
// connect time (the dialer's Control, so DNS rebinding is covered too).
//
// Three IPv6 ranges carry an IPv4 address; for them the embedded address is
// checked against this table instead (see embedded): IPv4-mapped, the
// well-known NAT64 prefix and 6to4. Anything else outside global unicast
// (2000::/3) is refused by the last row.
var special = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this network (RFC 791)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space, carrier-grade NAT, cloud metadata (RFC 6598)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback (RFC 1122)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link local, cloud metadata (RFC 3927)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments (RFC 6890)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation TEST-NET-1 (RFC 5737)"},
	{netip.MustParsePrefix("192.31.196.0/24"), "AS112-v4 (RFC 7535)"},
	{netip.MustParsePrefix("192.52.193.0/24"), "AMT (RFC 7450)"},
	{netip.MustParsePrefix("192.88.99.0/24"), "deprecated 6to4 relay anycast (RFC 7526)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private use (RFC 1918)"},
	{netip.MustParsePrefix("192.175.48.0/24"), "direct delegation AS112 service (RFC 7534)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation TEST-NET-2 (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation TEST-NET-3 (RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast (RFC 5771)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (RFC 1112)"},
	{netip.MustParsePrefix("255.255.255.255/32"), "limited broadcast (RFC 919)"},

	{netip.MustParsePrefix("::/128"), "unspecified (RFC 4291)"},
	{netip.MustParsePrefix("::1/128"), "loopback (RFC 4291)"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local-use IPv4/IPv6 translation (RFC 8215)"},
	{netip.MustParsePrefix("100::/64"), "discard-only (RFC 6666)"},
	{netip.MustParsePrefix("100:0:0:1::/64"), "dummy IPv6 prefix (RFC 9780)"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol assignments, Teredo, ORCHID (RFC 2928)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation (RFC 3849)"},
	{netip.MustParsePrefix("2620:4f:8000::/48"), "direct delegation AS112 service (RFC 7534)"},
	{netip.MustParsePrefix("3fff::/20"), "documentation (RFC 9637)"},
	{netip.MustParsePrefix("5f00::/16"), "segment routing SIDs (RFC 9602)"},
	{netip.MustParsePrefix("fc00::/7"), "unique local (RFC 4193)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local unicast (RFC 4291)"},
	{netip.MustParsePrefix("fec0::/10"), "deprecated site-local (RFC 3879)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast (RFC 4291)"},
}

// globalUnicast is where every public IPv6 address lives (RFC 4291); the
// rest of the IPv6 space is reserved or special.
var globalUnicast = netip.MustParsePrefix("2000::/3")

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // RFC 6052: last 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // RFC 3056: bits 16-47
)

// embedded returns the IPv4 address an IPv6 address carries (IPv4-mapped,
// NAT64 well-known prefix, 6to4), if any.
func embedded(a netip.Addr) (netip.Addr, bool) {
	b := a.As16()
	switch {
	case a.Is4In6():
		return a.Unmap(), true
	case nat64.Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(a):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// Special reports whether a is in a special-purpose range (see special), or
// carries an IPv4 address that is, and names the range.
func Special(a netip.Addr) (string, bool) {
	if !a.IsValid() {
		return "invalid address", true
	}
	a = a.WithZone("")
	if v4, ok := embedded(a); ok {
		if name, bad := Special(v4); bad {
			return name + ", embedded in " + a.String(), true
		}
		return "", false
	}
	for _, s := range special {
		if s.prefix.Contains(a) {
			return s.name, true
		}
	}
	if a.Is6() && !globalUnicast.Contains(a) {
		return "reserved IPv6 (outside 2000::/3)", true
	}
	return "", false
}

// RefusedHost reports whether host (a URL's hostname) is a special-purpose
// address, a name reserved for the local machine, a numeric host the
// resolver might read as an address (2130706433, 0x7f.1), or a name one of
// whose addresses is special. A name that does not resolve now is not
// refused here; the dialer checks the address it connects to.
func RefusedHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		_, bad := Special(a)
		return bad
	}
	if numericHost(h) {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", h)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if _, bad := Special(a); bad {
			return true
		}
	}
	return false
}

// numericHost reports whether h's last label is a number (decimal, octal or
// hex): URL parsers and C resolvers read such hosts as IPv4 addresses.
func numericHost(h string) bool {
	last := h[strings.LastIndexByte(h, '.')+1:]
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// DialControl is the delivery dialer's Control outside sandbox mode: it
// refuses a connection to a special-purpose address, after the name has been
// resolved, so a name that resolves differently at delivery time than at
// creation is checked too.
func DialControl(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("webhook: refusing to connect to %q: not an address", host)
	}
	if name, bad := Special(a); bad {
		return fmt.Errorf("webhook: refusing to connect to special-purpose address %s (%s)", host, name)
	}
	return nil
}
