package webhook

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// TestGuardedClientRefuses: the delivery client outside sandbox mode never
// opens a connection to a special-purpose address, even a live one.
func TestGuardedClientRefuses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + ln.Addr().String() + "/hook")
	req.Header.SetMethod("POST")
	err = newClient(true).DoTimeout(req, resp, 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("guarded client: %v", err)
	}
	if err := newClient(false).DoTimeout(req, resp, 5*time.Second); err != nil && !strings.Contains(err.Error(), "closed") {
		t.Logf("open client: %v", err) // it reaches the listener either way
	}
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("the open client did not reach the listener: the test proves nothing")
	}
}
