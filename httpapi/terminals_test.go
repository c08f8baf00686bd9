package httpapi_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tenderpay/tender/internal/apitest"
	"github.com/tenderpay/tender/terminal"
)

// syncBuffer is a simulator's console, read while it writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	apitest.Eventually(t, what, 10*time.Second, cond)
}

// TestTerminalResolveWindow: a device that comes back within 3 hours of
// a queued charge still takes and resolves it; an older request expires
// and its transaction stays PENDING for manual resolution, never charged.
func TestTerminalResolveWindow(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		var clock atomic.Int64
		clock.Store(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC).UnixNano())
		now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
		advance := func(d time.Duration) { clock.Add(int64(d)) }
		e := apitest.Start(t, store, apitest.Options{Now: now})
		reg := e.Call("POST", "/terminal/register", map[string]any{"nickname": "back office"}, 201).Map(t)
		regID := reg["id"].(string)

		// The device is offline; two charges are queued three hours apart.
		old := e.Call("POST", "/terminal/charge/queue", map[string]any{"total": 5, "register": regID}, 200).Map(t)
		advance(2*time.Hour + 59*time.Minute)
		if n, err := e.Server.Service.ExpireTerminalRequests(t.Context()); err != nil || n != 0 {
			t.Fatalf("expired %d, %v before 3 h", n, err)
		}
		recent := e.Call("POST", "/terminal/charge/queue", map[string]any{"total": 6, "register": regID}, 200).Map(t)
		advance(2 * time.Minute)
		if n, err := e.Server.Service.ExpireTerminalRequests(t.Context()); err != nil || n != 1 {
			t.Fatalf("expired %d, %v after 3 h; want 1", n, err)
		}

		// The device comes back.
		out := &syncBuffer{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		sim := &terminal.Simulator{Server: e.URL, Code: reg["pairing_code"].(string), Auto: terminal.AutoApprove, Serial: "SIM-42", Out: out}
		go func() { done <- sim.Run(ctx) }()
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		status := func(id string) map[string]any {
			return e.Call("GET", "/terminal/"+regID+"/status/"+id, nil, 200).Map(t)
		}
		waitUntil(t, "the recent charge", func() bool { return status(recent["id"].(string))["status"] == "SUCCESS" })
		s := status(old["id"].(string))
		if s["status"] != "PENDING" || s["success"] != 0.0 || s["message"] != "terminalservice.waiting" {
			t.Fatalf("expired request: %v", s)
		}
		if strings.Contains(out.String(), "$5.00") {
			t.Fatalf("the device was shown the expired charge:\n%s", out)
		}
		tx := e.Call("GET", "/transaction/"+old["id"].(string), nil, 200).Map(t)
		if tx["status"] != "PENDING" || tx["success"] != false {
			t.Fatalf("expired charge's transaction: %v", tx)
		}
		// The register shows online and seen.
		r := e.Call("GET", "/terminal/register/"+regID, nil, 200).Map(t)
		if r["is_online"] != true || r["paired_at"] == nil || r["serial"] != "SIM-42" {
			t.Fatalf("register after pairing: %v", r)
		}
	})
}

// TestRegisters covers the register routes: numbering, validation,
// one-time pairing codes and re-pairing.
func TestRegisters(t *testing.T) {
	apitest.EachStore(t, func(t *testing.T, store string) {
		e := apitest.Start(t, store, apitest.Options{})
		a := e.Call("POST", "/terminal/register", map[string]any{"nickname": "front", "batch_time": "22:15"}, 201).Map(t)
		b := e.Call("POST", "/terminal/register", map[string]any{}, 201).Map(t)
		if a["register_num"] != 1.0 || b["register_num"] != 2.0 || a["batch_time"] != "22:15" || b["batch_time"] != "23:00" {
			t.Fatalf("registers: %v / %v", a, b)
		}
		code, _ := a["pairing_code"].(string)
		if len(code) < 8 || a["pairing_expires_at"] == nil {
			t.Fatalf("pairing code: %v", a)
		}
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"batch_time": "25:00"}, "batch_time"},
			{map[string]any{"batch_time": "noon"}, "batch_time"},
			{map[string]any{"nickname": strings.Repeat("n", 300)}, "nickname"},
		} {
			r := e.Call("POST", "/terminal/register", c.body, 422).Map(t)
			if r[c.field] == nil {
				t.Errorf("%v: %v, want an error on %s", c.body, r, c.field)
			}
		}
		upd := e.Call("PUT", "/terminal/register/"+a["id"].(string), map[string]any{"nickname": "till 1", "tip_enabled": true}, 200).Map(t)
		if upd["nickname"] != "till 1" || upd["tip_enabled"] != true || upd["pairing_code"] != nil {
			t.Fatalf("update: %v", upd)
		}
		list := e.Call("GET", "/terminal/register", nil, 200)
		var regs []map[string]any
		list.JSON(t, &regs)
		if len(regs) != 2 || regs[0]["id"] != a["id"] || strings.Contains(string(list.Body), code) {
			t.Fatalf("list: %s", list.Body)
		}

		// A pairing code pairs once; re-pairing revokes the device.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		console := &syncBuffer{}
		first := &terminal.Simulator{Server: e.URL, Code: code, Auto: terminal.AutoApprove, Out: console}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- first.Run(runCtx) }()
		waitUntil(t, "the device online", func() bool {
			return strings.Contains(console.String(), "online as register") &&
				e.Call("GET", "/terminal/register/"+a["id"].(string), nil, 200).Map(t)["is_online"] == true
		})
		stop()
		<-done
		again := &terminal.Simulator{Server: e.URL, Code: code, Auto: terminal.AutoApprove}
		if err := again.Run(ctx); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("a used pairing code: %v", err)
		}
		e.Call("POST", "/terminal/register/"+a["id"].(string)+"/pair", nil, 201)
		revoked := &terminal.Simulator{Server: e.URL, Token: first.Token, Auto: terminal.AutoApprove}
		if err := revoked.Run(ctx); err == nil || !strings.Contains(err.Error(), "refused") {
			t.Fatalf("a revoked device token: %v", err)
		}
	})
}
