package httpapi_test

import (
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// pgProxy is a TCP proxy in front of PostgreSQL that a test can cut: while
// cut, it closes every open connection and every new one at once, as a
// restarting or unreachable database does to its clients.
type pgProxy struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	cut      bool
	conns    map[net.Conn]struct{}
}

func startPGProxy(t *testing.T, upstream string) *pgProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{ln: ln, upstream: upstream, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close(); p.Cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *pgProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c] = struct{}{}
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
}

// Cut closes every connection and refuses new ones until Restore.
func (p *pgProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

func (p *pgProxy) Restore() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// TestDatabaseOutage: while PostgreSQL is unreachable, requests answer 503
// with Retry-After (never 500) and a message saying a retry with the same
// idempotency id is safe; /readyz fails and /healthz stays up; nothing is
// half-written, and the same idempotency id succeeds exactly once after.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := startPGProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	e := apitest.Start(t, "postgres", apitest.Options{DatabaseURL: u.String(), DBMaxConns: 4})
	pm := newCard(t, e, "4111111111111111")
	customers := e.Call("GET", "/customer", nil, 200).Map(t)["total"]

	proxy.Cut()
	charge := map[string]any{"payment_method_id": pm, "total": 12.34, "idempotency_id": "outage-1"}
	for _, req := range []apitest.Request{
		{Method: "POST", Path: "/charge", Key: e.Key, Body: charge},
		{Method: "POST", Path: "/charge", Key: e.Key, Body: charge},
		{Method: "POST", Path: "/customer", Key: e.Key, Body: map[string]any{"firstname": "Ada", "email": "ada@example.com"}},
		{Method: "GET", Path: "/transaction", Key: e.Key},
		{Method: "GET", Path: "/customer", Key: e.Key},
	} {
		r := e.Do(req)
		if r.Status != 503 || r.Header.Get("Retry-After") == "" || !strings.Contains(string(r.Body), "same idempotency_id is safe") {
			t.Errorf("%s %s during the outage: %d Retry-After=%q %s", req.Method, req.Path, r.Status, r.Header.Get("Retry-After"), r.Body)
		}
	}
	if r := e.Do(apitest.Request{Method: "GET", Path: "/readyz"}); r.Status != 503 {
		t.Errorf("/readyz during the outage: %d %s", r.Status, r.Body)
	}
	if r := e.Do(apitest.Request{Method: "GET", Path: "/healthz"}); r.Status != 200 {
		t.Errorf("/healthz during the outage: %d %s", r.Status, r.Body)
	}

	proxy.Restore()
	wait(t, "/readyz after the outage", 10*time.Second, func() bool {
		return e.Do(apitest.Request{Method: "GET", Path: "/readyz"}).Status == 200
	})
	first := e.Call("POST", "/charge", charge, 200)
	again := e.Call("POST", "/charge", charge, 200)
	if again.Header.Get("Idempotent-Replayed") != "true" || first.Map(t)["id"] != again.Map(t)["id"] {
		t.Fatalf("the retried charge was not applied once:\n%s\n%s", first.Body, again.Body)
	}
	if n := e.Call("GET", "/transaction", nil, 200).Map(t)["total"]; n != 1.0 {
		t.Fatalf("transactions after the outage: %v, want 1", n)
	}
	if n := e.Call("GET", "/customer", nil, 200).Map(t)["total"]; n != customers {
		t.Fatalf("customers after the outage: %v, want %v (the failed create wrote nothing)", n, customers)
	}
}
