package httpapi_test

import (
	"net"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/webhook"
)

// specialTargets holds one address in every IANA special-purpose range (and
// multicast), IPv4 and IPv6, written out here rather than derived from
// webhook's table, so a row missing there fails here.
var specialTargets = []struct{ rng, addr string }{
	{"0.0.0.0/8", "0.1.2.3"},
	{"10.0.0.0/8", "10.1.2.3"},
	{"100.64.0.0/10", "100.100.100.200"},
	{"127.0.0.0/8", "127.0.0.1"},
	{"169.254.0.0/16", "169.254.169.254"},
	{"172.16.0.0/12", "172.31.255.254"},
	{"192.0.0.0/24", "192.0.0.170"},
	{"192.0.2.0/24", "192.0.2.10"},
	{"192.31.196.0/24", "192.31.196.1"},
	{"192.52.193.0/24", "192.52.193.1"},
	{"192.88.99.0/24", "192.88.99.1"},
	{"192.168.0.0/16", "192.168.1.1"},
	{"192.175.48.0/24", "192.175.48.1"},
	{"198.18.0.0/15", "198.19.255.1"},
	{"198.51.100.0/24", "198.51.100.7"},
	{"203.0.113.0/24", "203.0.113.10"},
	{"224.0.0.0/4", "239.255.255.250"},
	{"240.0.0.0/4", "240.0.0.1"},
	{"255.255.255.255/32", "255.255.255.255"},
	{"::/128", "::"},
	{"::1/128", "::1"},
	{"::ffff:0:0/96 (mapped loopback)", "::ffff:127.0.0.1"},
	{"::ffff:0:0/96 (mapped metadata)", "::ffff:169.254.169.254"},
	{"64:ff9b::/96 (NAT64 of metadata)", "64:ff9b::a9fe:a9fe"},
	{"64:ff9b::/96 (NAT64 of private)", "64:ff9b::10.0.0.1"},
	{"64:ff9b:1::/48", "64:ff9b:1::1"},
	{"100::/64", "100::1"},
	{"100:0:0:1::/64", "100:0:0:1::1"},
	{"2001::/23", "2001:2::1"},
	{"2001::/32 (Teredo)", "2001:0:4136:e378:8000:63bf:3fff:fdd2"},
	{"2001:db8::/32", "2001:db8::1"},
	{"2002::/16 (6to4 of loopback)", "2002:7f00:1::1"},
	{"2002::/16 (6to4 of private)", "2002:c0a8:101::1"},
	{"2620:4f:8000::/48", "2620:4f:8000::1"},
	{"3fff::/20", "3fff::1"},
	{"5f00::/16", "5f00::1"},
	{"fc00::/7", "fd00::2"},
	{"fe80::/10", "fe80::1"},
	{"fec0::/10", "fec0::1"},
	{"ff00::/8", "ff02::1"},
	{"::/96 (IPv4-compatible, outside 2000::/3)", "::10.0.0.1"},
}

// publicTargets are ordinary public addresses (and public IPv4 addresses
// carried in IPv6) that stay allowed.
var publicTargets = []string{"93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}

func urlFor(addr string) string {
	if strings.Contains(addr, ":") {
		return "http://[" + addr + "]:8080/hook"
	}
	return "http://" + addr + ":8080/hook"
}

// TestWebhookSpecialRanges: outside sandbox mode a webhook may target no
// special-purpose address: creating one answers 422 naming target_url, and
// the delivery dialer's Control refuses to connect to it.
func TestWebhookSpecialRanges(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		e.Server.Service.WebhookAllowPrivate = webhook.AllowList(false, nil)
		for _, c := range specialTargets {
			r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": urlFor(c.addr), "event": "*"}})
			if r.Status != 422 || !strings.Contains(string(r.Body), "target_url") {
				t.Errorf("%s (%s): creation answered %d %s", c.rng, c.addr, r.Status, r.Body)
			}
			if err := webhook.DialControl("tcp", net.JoinHostPort(c.addr, "8080"), nil); err == nil || !strings.Contains(err.Error(), "refusing") {
				t.Errorf("%s (%s): connect-time check = %v", c.rng, c.addr, err)
			}
		}
		for _, h := range []string{"localhost", "api.localhost", "2130706433", "0x7f000001", "127.1", "0x7f.1"} {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": "http://" + h + "/hook", "event": "*"}}); r.Status != 422 {
				t.Errorf("%s: creation answered %d %s", h, r.Status, r.Body)
			}
		}
		for _, a := range publicTargets {
			if r := e.Do(apitest.Request{Method: "POST", Path: "/webhook", Key: e.Key, Body: map[string]any{"target_url": urlFor(a), "event": "*"}}); r.Status != 200 {
				t.Errorf("%s: creation answered %d %s", a, r.Status, r.Body)
			}
			if err := webhook.DialControl("tcp", net.JoinHostPort(a, "8080"), nil); err != nil {
				t.Errorf("%s: connect-time check = %v", a, err)
			}
		}
	})
}
