package main_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// sim is a "tender terminal simulate" process: a card-present device.
type sim struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser // the console, when not scripted
	mu    sync.Mutex
	out   []string
	done  chan struct{}
}

func (s *sim) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.out...)
}

func (s *sim) count(substr string) int {
	n := 0
	for _, l := range s.lines() {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

// waitLine waits until the device has printed a line containing substr
// (its console is read asynchronously) and returns how many it printed.
func (s *sim) waitLine(t *testing.T, substr string) int {
	t.Helper()
	waitFor(t, "the device to show "+substr, 10*time.Second, func() bool { return s.count(substr) > 0 })
	return s.count(substr)
}

// startSim pairs a simulator with code on server url and waits until the
// device is online.
func startSim(t *testing.T, url, code string, args ...string) *sim {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"terminal", "simulate", "--server", url, "--code", code}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &sim{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.mu.Lock()
			s.out = append(s.out, sc.Text())
			s.mu.Unlock()
		}
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("simulator %v output:\n%s", args, strings.Join(s.lines(), "\n"))
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for s.count("online as register") == 0 {
		select {
		case <-s.done:
			t.Fatalf("simulator exited:\n%s", strings.Join(s.lines(), "\n"))
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulator not online within 20s:\n%s", strings.Join(s.lines(), "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s
}

// till is a register with its simulator.
type till struct {
	id  string
	num int
	sim *sim
}

// newTill adds a register on url and starts a simulator paired with it.
func newTill(t *testing.T, url, key, nickname string, simArgs ...string) *till {
	t.Helper()
	st, reg := call(t, "POST", url+"/terminal/register", key, map[string]any{"nickname": nickname, "tip_enabled": true})
	if st != 201 {
		t.Fatalf("POST /terminal/register: %d %v", st, reg)
	}
	code, _ := reg["pairing_code"].(string)
	if code == "" {
		t.Fatalf("no pairing code: %v", reg)
	}
	return &till{id: reg["id"].(string), num: int(reg["register_num"].(float64)), sim: startSim(t, url, code, simArgs...)}
}

func mustStatus(t *testing.T, what string, got, want int, body map[string]any) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d: %v", what, got, want, body)
	}
}

func metaOf(m map[string]any) map[string]any {
	meta, _ := m["meta"].(map[string]any)
	return meta
}

// TestTerminalEndToEnd drives card-present payments through separate
// simulator processes against a tender server on SQLite: one register per
// scenario, each device scripted to approve, decline, cancel, time out,
// approve offline, present a debit card, a wallet or the wrong card.
func TestTerminalEndToEnd(t *testing.T) {
	dir := t.TempDir()
	// The device wait is injected (60 s in production) so timeouts are fast.
	srv := startProc(t, dir, []string{"TENDER_ADDR=127.0.0.1:0", "TENDER_RATE_LIMIT=-1", "TENDER_PAIR_RATE_LIMIT=-1", "TENDER_TERMINAL_WAIT=3s"}, "serve")
	key := sandboxKey(t, dir)
	url := srv.url
	charge := func(t *testing.T, route string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return call(t, "POST", url+route, key, body)
	}

	t.Run("approve credit with surcharge, customer from cardholder name", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "approve", "--auto", "approve", "--name", "Ada Lovelace")
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 10, "register": tl.id,
			"meta": map[string]any{"lineItems": []any{map[string]any{"item": "Coffee", "price": 10, "quantity": 1}}}})
		mustStatus(t, "charge", st, 200, tx)
		if tx["status"] != "SUCCESS" || tx["success"] != true || tx["total"] != 10.3 || tx["surcharge"] != 0.3 || tx["source"] != "terminal" {
			t.Fatalf("charge: %v", tx)
		}
		if metaOf(tx)["lineItems"] == nil || metaOf(tx)["cardKind"] != "credit" {
			t.Fatalf("meta: %v", metaOf(tx))
		}
		// The customer was made from the cardholder name and soft-deleted;
		// the card is not kept (no tokenize).
		cu := tx["customer"].(map[string]any)
		if cu["firstname"] != "Ada" || cu["lastname"] != "Lovelace" || cu["deleted_at"] == nil {
			t.Fatalf("customer: %v", cu)
		}
		pm := tx["payment_method"].(map[string]any)
		if pm["deleted_at"] == nil || metaOf(pm)["isCpTokenized"] != false {
			t.Fatalf("payment method: %v", pm)
		}
		st, got := call(t, "GET", url+"/transaction/"+tx["id"].(string), key, nil)
		if st != 200 || got["total"] != 10.3 || got["surcharge"] != 0.3 {
			t.Fatalf("GET /transaction: %d %v", st, got)
		}
		if st, body := charge(t, "/charge", map[string]any{"payment_method_id": pm["id"], "total": 1}); st < 400 || st >= 500 {
			t.Fatalf("a card read without tokenize is not reusable: %d %v", st, body)
		}
		if n := tl.sim.waitLine(t, "sale $10.00"); n != 1 {
			t.Fatalf("device showed the sale %d times", n)
		}
	})

	t.Run("debit is never surcharged; tip added", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "debit", "--auto", "approve", "--card", "debit", "--tip", "1.50")
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 20, "register": tl.num, "paymentType": "Debit"})
		mustStatus(t, "charge", st, 200, tx)
		if tx["status"] != "SUCCESS" || tx["surcharge"] != 0.0 || tx["total"] != 21.5 || metaOf(tx)["tip"] != 1.5 {
			t.Fatalf("debit charge: %v", tx)
		}
	})

	t.Run("console: the operator answers debit, tap, a tip; customer receipt only", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "console")
		type result struct {
			st int
			tx map[string]any
		}
		done := make(chan result, 1)
		go func() {
			st, tx := charge(t, "/terminal/charge", map[string]any{"total": 10, "register": tl.id, "printReceipt": "Customer"})
			done <- result{st, tx}
		}()
		tl.sim.waitLine(t, "sale $10.00")
		// approve; card: debit; entry: tap; tip 1.00
		if _, err := io.WriteString(tl.sim.stdin, "a\nd\nt\n1.00\n"); err != nil {
			t.Fatal(err)
		}
		r := <-done
		mustStatus(t, "console charge", r.st, 200, r.tx)
		if r.tx["status"] != "SUCCESS" || r.tx["total"] != 11.0 || r.tx["surcharge"] != 0.0 ||
			metaOf(r.tx)["cardKind"] != "debit" || metaOf(r.tx)["entryMode"] != "tap" || metaOf(r.tx)["tip"] != 1.0 {
			t.Fatalf("console charge: %v", r.tx)
		}
		tl.sim.waitLine(t, "printing the customer copy")
		if tl.sim.count("merchant copy") != 0 {
			t.Fatal("printReceipt Customer printed the merchant copy")
		}
	})

	t.Run("decline", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "decline", "--auto", "decline")
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 7, "register": tl.id})
		mustStatus(t, "declined charge", st, 400, tx)
		if tx["status"] != "FAILED" || tx["success"] != false || tx["message"] == "" || tx["cancelled"] != false {
			t.Fatalf("decline: %v", tx)
		}
		st, s := call(t, "GET", url+"/terminal/"+tl.id+"/status/"+tx["id"].(string), key, nil)
		if st != 200 || s["status"] != "FAILED" || s["success"] != 0.0 || s["message"] == "" {
			t.Fatalf("status: %d %v", st, s)
		}
	})

	t.Run("cancel on the device", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "cancel", "--auto", "cancel")
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 7, "register": tl.id})
		mustStatus(t, "cancelled charge", st, 400, tx)
		if tx["status"] != "FAILED" || tx["cancelled"] != true {
			t.Fatalf("cancel: %v", tx)
		}
	})

	t.Run("timeout answers terminalservice.waiting, then the result arrives", func(t *testing.T) {
		t.Parallel()
		// The customer takes 5 s: longer than the server waits (3 s here).
		tl := newTill(t, url, key, "slow", "--auto", "approve", "--delay", "5s")
		start := time.Now()
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 3, "register": tl.id})
		mustStatus(t, "waiting charge", st, 202, tx)
		if d := time.Since(start); d < 3*time.Second || d > 4500*time.Millisecond {
			t.Fatalf("answered after %v, want the 3 s wait", d)
		}
		if tx["success"] != false || tx["message"] != "terminalservice.waiting" || tx["status"] != "PENDING" {
			t.Fatalf("timeout: %v", tx)
		}
		id := tx["id"].(string)
		waitFor(t, "the late approval", 10*time.Second, func() bool {
			_, s := call(t, "GET", url+"/terminal/"+tl.id+"/status/"+id, key, nil)
			return s["status"] == "SUCCESS" && s["success"] == 1.0
		})
	})

	t.Run("nobody answers: the queued charge stays PENDING", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "absent", "--auto", "timeout")
		st, tx := charge(t, "/terminal/charge/queue", map[string]any{"total": 3, "register": tl.id})
		mustStatus(t, "queue", st, 200, tx)
		id := tx["id"].(string)
		// Still PENDING while the device holds it.
		_, s := call(t, "GET", url+"/terminal/"+tl.id+"/status/"+id, key, nil)
		if _, known := s["surcharge"]; s["status"] != "PENDING" || s["message"] != "terminalservice.waiting" || known {
			t.Fatalf("status while waiting (no surcharge before the card): %v", s)
		}
	})

	t.Run("queue and polling", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "queue", "--auto", "approve", "--delay", "300ms")
		st, tx := charge(t, "/terminal/charge/queue", map[string]any{"total": 12.5, "register": tl.num})
		mustStatus(t, "queue", st, 200, tx)
		// No surcharge yet: it depends on the card (Stax's charge/queue answer has none).
		if _, known := tx["surcharge"]; tx["status"] != "PENDING" || tx["message"] != "terminalservice.waiting" || tx["success"] != false || known || tx["total"] != 12.5 {
			t.Fatalf("queued: %v", tx)
		}
		id := tx["id"].(string)
		var s map[string]any
		waitFor(t, "the queued charge", 10*time.Second, func() bool {
			_, s = call(t, "GET", url+"/terminal/"+tl.id+"/status/"+id, key, nil)
			return s["status"] != "PENDING"
		})
		if s["status"] != "SUCCESS" || s["success"] != 1.0 || s["message"] != "" {
			t.Fatalf("status: %v", s)
		}
		_, got := call(t, "GET", url+"/transaction/"+id, key, nil)
		// 12.50 + 3% = 12.875 → 12.88 (half up).
		if got["status"] != "SUCCESS" || got["total"] != 12.88 || got["surcharge"] != 0.38 {
			t.Fatalf("GET /transaction after the device: %v", got)
		}
		// The same register's status route refuses another register's id.
		other := newTill(t, url, key, "queue-other", "--auto", "approve")
		if st, _ := call(t, "GET", url+"/terminal/"+other.id+"/status/"+id, key, nil); st != 404 {
			t.Fatalf("status on another register: %d", st)
		}
	})

	t.Run("idempotent duplicate returns the original", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "idem", "--auto", "approve")
		body := map[string]any{"total": 4, "register": tl.id, "meta": map[string]any{"idempotency_id": "order-77"}}
		st, a := charge(t, "/terminal/charge", body)
		mustStatus(t, "first", st, 200, a)
		st, b := charge(t, "/terminal/charge", body)
		mustStatus(t, "duplicate", st, 200, b)
		if a["id"] != b["id"] || tl.sim.waitLine(t, "sale $4.00") != 1 {
			t.Fatalf("duplicate made a second sale: %v / %v", a["id"], b["id"])
		}
	})

	t.Run("void on the same register, before the batch only", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "void", "--auto", "approve")
		other := newTill(t, url, key, "void-other", "--auto", "approve")
		_, tx := charge(t, "/terminal/charge", map[string]any{"total": 9, "register": tl.id})
		id := tx["id"].(string)
		st, body := charge(t, "/terminal/void", map[string]any{"transaction_id": id, "register": other.id})
		mustStatus(t, "void on another register", st, 422, body)
		st, v := charge(t, "/terminal/void", map[string]any{"transaction_id": id, "register": tl.id})
		mustStatus(t, "void", st, 200, v)
		if v["is_voided"] != true {
			t.Fatalf("void: %v", v)
		}
		// After the device's batch a sale can no longer be voided.
		_, tx2 := charge(t, "/terminal/charge", map[string]any{"total": 9, "register": tl.id})
		st, b := charge(t, "/terminal/register/"+tl.id+"/batch", nil)
		mustStatus(t, "batch", st, 200, b)
		if b["settled"] != 1.0 {
			t.Fatalf("batch: %v", b)
		}
		st, body = charge(t, "/terminal/void", map[string]any{"transaction_id": tx2["id"], "register": tl.id})
		mustStatus(t, "void after batch", st, 422, body)
	})

	t.Run("refund needs the original card", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "refund", "--auto", "approve")
		wrong := newTill(t, url, key, "refund-wrong-card", "--auto", "approve", "--card-number", "5555555555554444")
		_, tx := charge(t, "/terminal/charge", map[string]any{"total": 30, "register": tl.id})
		id := tx["id"].(string)
		if st, b := charge(t, "/terminal/register/"+tl.id+"/batch", nil); st != 200 || b["settled"] != 1.0 {
			t.Fatalf("batch: %d %v", st, b)
		}
		st, body := charge(t, "/terminal/refund", map[string]any{"transaction_id": id, "register": wrong.id, "total": 5})
		mustStatus(t, "refund with another card", st, 422, body)
		if !strings.Contains(fmt.Sprint(body), "not the card") {
			t.Fatalf("wrong-card refund error: %v", body)
		}
		st, r := charge(t, "/terminal/refund", map[string]any{"transaction_id": id, "register": tl.id, "total": 5})
		mustStatus(t, "refund", st, 200, r)
		if r["total_refunded"] != 5.0 {
			t.Fatalf("refund: %v", r)
		}
	})

	t.Run("credit pays out to the card, unsurcharged", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "credit", "--auto", "approve")
		st, tx := charge(t, "/terminal/credit", map[string]any{"total": 15, "register": tl.id})
		mustStatus(t, "credit", st, 200, tx)
		if tx["type"] != "credit" || tx["status"] != "SUCCESS" || tx["total"] != 15.0 || tx["surcharge"] != 0.0 {
			t.Fatalf("credit: %v", tx)
		}
	})

	t.Run("prompt yes and no", func(t *testing.T) {
		t.Parallel()
		yes := newTill(t, url, key, "prompt-yes", "--auto", "approve")
		no := newTill(t, url, key, "prompt-no", "--auto", "approve", "--prompt-answer=false")
		for _, c := range []struct {
			tl   *till
			want bool
		}{{yes, true}, {no, false}} {
			st, p := charge(t, "/terminal/prompt", map[string]any{"register": c.tl.id, "message": "Add a warranty?", "total": 5})
			mustStatus(t, "prompt", st, 200, p)
			if p["answered"] != true || p["answer"] != c.want {
				t.Fatalf("prompt: %v, want answer %v", p, c.want)
			}
			if c.tl.sim.waitLine(t, "Add a warranty? $5.00") != 1 {
				t.Fatalf("device did not show the prompt and price:\n%s", strings.Join(c.tl.sim.lines(), "\n"))
			}
		}
	})

	t.Run("card-present tokenization; wallets are not reusable", func(t *testing.T) {
		t.Parallel()
		card := newTill(t, url, key, "tokenize", "--auto", "approve", "--name", "Grace Hopper")
		wallet := newTill(t, url, key, "tokenize-wallet", "--auto", "approve", "--card", "applepay")
		st, cu := charge(t, "/customer", map[string]any{"firstname": "Grace", "email": "grace@example.com"})
		mustStatus(t, "customer", st, 200, cu)
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 8, "register": card.id, "tokenize": true, "customer_id": cu["id"]})
		mustStatus(t, "tokenizing charge", st, 200, tx)
		pm := tx["payment_method"].(map[string]any)
		if metaOf(pm)["isCpTokenized"] != true || pm["deleted_at"] != nil || pm["customer_id"] != cu["id"] {
			t.Fatalf("tokenized payment method: %v", pm)
		}
		// Reusable without the card: a card-not-present charge, and a refund
		// without the device.
		st, again := charge(t, "/charge", map[string]any{"payment_method_id": pm["id"], "total": 2})
		mustStatus(t, "reuse", st, 200, again)
		if _, b := charge(t, "/terminal/register/"+card.id+"/batch", nil); b["settled"] != 1.0 {
			t.Fatalf("batch: %v", b)
		}
		card.sim.waitLine(t, "APPROVED $8.24")
		st, r := charge(t, "/terminal/refund", map[string]any{"transaction_id": tx["id"], "total": 1})
		mustStatus(t, "refund of a CP-tokenized card", st, 200, r)
		time.Sleep(200 * time.Millisecond)
		if card.sim.count("refund") != 0 {
			t.Fatal("the refund of a CP-tokenized card went to the device")
		}

		st, tx = charge(t, "/terminal/charge", map[string]any{"total": 8, "register": wallet.id, "tokenize": true})
		mustStatus(t, "wallet charge", st, 200, tx)
		pm = tx["payment_method"].(map[string]any)
		if metaOf(pm)["isCpTokenized"] != false || metaOf(pm)["cardKind"] != "applepay" || pm["deleted_at"] == nil {
			t.Fatalf("wallet payment method: %v", pm)
		}
		if st, body := charge(t, "/charge", map[string]any{"payment_method_id": pm["id"], "total": 1}); st < 400 || st >= 500 {
			t.Fatalf("a wallet card is not reusable: %d %v", st, body)
		}
	})

	t.Run("offline approval is captured at batch and flagged", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "offline", "--auto", "offline")
		st, tx := charge(t, "/terminal/charge", map[string]any{"total": 6, "register": tl.id})
		mustStatus(t, "offline charge", st, 200, tx)
		if tx["status"] != "SUCCESS" || metaOf(tx)["offline_approval"] != true {
			t.Fatalf("offline approval: %v", tx)
		}
		st, b := charge(t, "/terminal/register/"+tl.id+"/batch", nil)
		mustStatus(t, "batch", st, 200, b)
		if b["offline_captured"] != 1.0 || b["settled"] != 1.0 {
			t.Fatalf("batch: %v", b)
		}
		_, got := call(t, "GET", url+"/transaction/"+tx["id"].(string), key, nil)
		if got["settled_at"] == nil || metaOf(got)["offline_captured_at"] == nil {
			t.Fatalf("after batch: %v", got)
		}
	})

	t.Run("dropped connection: the answer is resent and recorded once", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "flaky", "--auto", "approve", "--drop-once")
		st, tx := charge(t, "/terminal/charge/queue", map[string]any{"total": 11, "register": tl.id})
		mustStatus(t, "queue", st, 200, tx)
		id := tx["id"].(string)
		waitFor(t, "the charge through a reconnect", 15*time.Second, func() bool {
			_, s := call(t, "GET", url+"/terminal/"+tl.id+"/status/"+id, key, nil)
			return s["status"] == "SUCCESS"
		})
		waitFor(t, "the device back online", 10*time.Second, func() bool { return tl.sim.count("online as register") >= 2 })
		if tl.sim.waitLine(t, "dropping the connection") != 1 {
			t.Fatalf("the simulator did not drop:\n%s", strings.Join(tl.sim.lines(), "\n"))
		}
		// One transaction, charged once; a second sale works after the reconnect.
		_, list := call(t, "GET", url+"/transaction?per_page=100", key, nil)
		n := 0
		for _, x := range list["data"].([]any) {
			if x.(map[string]any)["total"] == 11.33 {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d transactions of 11.33, want 1", n)
		}
		st, tx = charge(t, "/terminal/charge", map[string]any{"total": 2, "register": tl.id})
		mustStatus(t, "after reconnect", st, 200, tx)
	})

	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "validation", "--auto", "approve")
		for _, c := range []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"zero total", map[string]any{"total": 0, "register": tl.id}, "total"},
			{"below a cent", map[string]any{"total": 0.001, "register": tl.id}, "total"},
			{"no register", map[string]any{"total": 5}, "register"},
			{"unknown register", map[string]any{"total": 5, "register": 999}, "register"},
			{"customFee", map[string]any{"total": 5, "register": tl.id, "meta": map[string]any{"customFee": 1}}, "meta.customFee"},
			{"bad printReceipt", map[string]any{"total": 5, "register": tl.id, "printReceipt": "Everyone"}, "printReceipt"},
			{"bad paymentType", map[string]any{"total": 5, "register": tl.id, "paymentType": "Cash"}, "paymentType"},
		} {
			st, body := charge(t, "/terminal/charge", c.body)
			if st != 422 || body[c.field] == nil {
				t.Errorf("%s: %d %v, want 422 on %s", c.name, st, body, c.field)
			}
		}
		if tl.sim.count("sale") != 0 {
			t.Fatal("a refused charge reached the device")
		}
	})
}

// TestTerminalTwoInstances: two tender processes on one PostgreSQL; the
// device is connected to A, the merchant's API calls go to B, and the
// register works as one.
func TestTerminalTwoInstances(t *testing.T) {
	a, b, key := twoInstances(t, pgtest.URL(t))
	tl := newTill(t, a.url, key, "shared", "--auto", "approve", "--delay", "200ms")

	st, tx := call(t, "POST", b.url+"/terminal/charge", key, map[string]any{"total": 10, "register": tl.num})
	mustStatus(t, "sync charge through B", st, 200, tx)
	if tx["status"] != "SUCCESS" || tx["total"] != 10.3 {
		t.Fatalf("charge through B: %v", tx)
	}
	st, q := call(t, "POST", b.url+"/terminal/charge/queue", key, map[string]any{"total": 5, "register": tl.id})
	mustStatus(t, "queue through B", st, 200, q)
	id := q["id"].(string)
	waitFor(t, "the queued charge seen from A", 10*time.Second, func() bool {
		_, s := call(t, "GET", a.url+"/terminal/"+tl.id+"/status/"+id, key, nil)
		return s["status"] == "SUCCESS"
	})
	// Both instances see the register online.
	for _, p := range []*proc{a, b} {
		_, r := call(t, "GET", p.url+"/terminal/register/"+tl.id, key, nil)
		if r["is_online"] != true {
			t.Fatalf("register on %s: %v", p.url, r)
		}
	}
	// Concurrent charges from both instances are each shown once and
	// answered in turn by the one device.
	var wg sync.WaitGroup
	ids := make([]string, 4)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := a.url
			if i%2 == 1 {
				url = b.url
			}
			_, r := call(t, "POST", url+"/terminal/charge/queue", key, map[string]any{"total": 1 + i, "register": tl.id})
			ids[i], _ = r["id"].(string)
		}()
	}
	wg.Wait()
	for _, id := range ids {
		waitFor(t, "each queued charge", 15*time.Second, func() bool {
			_, s := call(t, "GET", b.url+"/terminal/"+tl.id+"/status/"+id, key, nil)
			return s["status"] == "SUCCESS"
		})
	}
	waitFor(t, "the device's console", 5*time.Second, func() bool { return tl.sim.count("— insert, tap or swipe") >= 6 })
	if n := tl.sim.count("— insert, tap or swipe"); n != 6 {
		t.Fatalf("the device showed %d sales, want 6:\n%s", n, strings.Join(tl.sim.lines(), "\n"))
	}
}

// TestTerminalServerCrash: the server is killed (SIGKILL) while the device
// holds a queued charge; the device answers into the void, reconnects with
// backoff when the server is back, sends its answer again, and the charge
// is recorded once.
func TestTerminalServerCrash(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := []string{"TENDER_ADDR=" + addr, "TENDER_RATE_LIMIT=-1", "TENDER_PAIR_RATE_LIMIT=-1"}
	srv := startProc(t, dir, env, "serve")
	key := sandboxKey(t, dir)
	tl := newTill(t, srv.url, key, "crash", "--auto", "approve", "--delay", "1s")
	st, tx := call(t, "POST", srv.url+"/terminal/charge/queue", key, map[string]any{"total": 21, "register": tl.id})
	mustStatus(t, "queue", st, 200, tx)
	id := tx["id"].(string)
	tl.sim.waitLine(t, "sale $21.00")
	_ = srv.cmd.Process.Kill()
	<-srv.done
	// The device answers while the server is down, and keeps trying.
	waitFor(t, "the device to notice", 10*time.Second, func() bool { return tl.sim.count("connection lost") > 0 })
	time.Sleep(1500 * time.Millisecond)
	srv = startProc(t, dir, env, "serve")
	waitFor(t, "the charge after the restart", 20*time.Second, func() bool {
		_, s := call(t, "GET", srv.url+"/terminal/"+tl.id+"/status/"+id, key, nil)
		return s["status"] == "SUCCESS"
	})
	_, got := call(t, "GET", srv.url+"/transaction/"+id, key, nil)
	if got["total"] != 21.63 || got["success"] != true {
		t.Fatalf("after the crash: %v", got)
	}
	_, list := call(t, "GET", srv.url+"/transaction?per_page=100", key, nil)
	if n := len(list["data"].([]any)); n != 1 {
		t.Fatalf("%d transactions, want 1", n)
	}
	if n := tl.sim.count("sale $21.00"); n != 1 {
		t.Fatalf("the device showed the sale %d times:\n%s", n, strings.Join(tl.sim.lines(), "\n"))
	}
}
