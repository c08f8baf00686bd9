package main_test

import (
	"bufio"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tenderpay/tender/client"
	"github.com/tenderpay/tender/store/postgres/pgtest"
)

// sim is a "tender terminal simulate" process: a card-present device.
type sim struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser // the console, when not scripted
	mu    sync.Mutex
	out   []string
	done  chan struct{}
	// printed is signalled (without blocking) after each line read.
	printed chan struct{}
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
	s := &sim{cmd: cmd, stdin: stdin, done: make(chan struct{}), printed: make(chan struct{}, 1)}
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			s.mu.Lock()
			s.out = append(s.out, sc.Text())
			s.mu.Unlock()
			select { // a waiter is told to look again
			case s.printed <- struct{}{}:
			default:
			}
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
	timeout := time.After(20 * time.Second)
	for s.count("online as register") == 0 {
		select {
		case <-s.done:
			t.Fatalf("simulator exited:\n%s", strings.Join(s.lines(), "\n"))
		case <-timeout:
			t.Fatalf("simulator not online within 20s:\n%s", strings.Join(s.lines(), "\n"))
		case <-s.printed:
		}
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
	tip := true
	reg, err := api(url, key).CreateRegister(ctx, &client.RegisterInput{Nickname: nickname, TipEnabled: &tip})
	if err != nil {
		t.Fatalf("POST /terminal/register: %v", err)
	}
	if reg.PairingCode == "" || reg.ID == "" || reg.RegisterNum == 0 || !reg.TipEnabled {
		t.Fatalf("new register: %+v", reg)
	}
	return &till{id: reg.ID, num: reg.RegisterNum, sim: startSim(t, url, reg.PairingCode, simArgs...)}
}

// ref is the register's reference by id.
func (tl *till) ref() client.RegisterRef { return client.RegisterRef(tl.id) }

// surcharge is a transaction's surcharge, -1 when it has none.
func surcharge(tx *client.Transaction) client.Amount {
	if tx == nil || tx.Surcharge == nil {
		return -1
	}
	return *tx.Surcharge
}

// answered is a money call's transaction and HTTP status (200 on
// success, 400 for a decline, with the declined transaction).
func answered(t *testing.T) func(tx *client.Transaction, err error) (*client.Transaction, int) {
	return func(tx *client.Transaction, err error) (*client.Transaction, int) {
		t.Helper()
		return tx, status(t, err)
	}
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
	c := api(url, key)
	// charge is a raw call, for what is about the wire: a 202, a key's
	// absence, malformed requests.
	charge := func(t *testing.T, route string, body map[string]any) (int, map[string]any) {
		t.Helper()
		return call(t, "POST", url+route, key, body)
	}
	// mustTx(t, what)(tx, err) fails the test when a money call failed.
	mustTx := func(t *testing.T, what string) func(*client.Transaction, error) *client.Transaction {
		return func(tx *client.Transaction, err error) *client.Transaction {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return tx
		}
	}

	t.Run("approve credit with surcharge, customer from cardholder name", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "approve", "--auto", "approve", "--name", "Ada Lovelace")
		tx := mustTx(t, "charge")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(10, 0), Register: tl.ref(),
			Meta: client.Meta{"lineItems": []any{map[string]any{"item": "Coffee", "price": 10, "quantity": 1}}}}))
		if tx.Status != "SUCCESS" || !tx.Success || tx.Total != client.Dollars(10, 30) || surcharge(tx) != 30 || tx.Source != "terminal" {
			t.Fatalf("charge: %+v", tx)
		}
		if tx.Meta["lineItems"] == nil || tx.Meta["cardKind"] != "credit" {
			t.Fatalf("meta: %v", tx.Meta)
		}
		// The customer was made from the cardholder name and soft-deleted;
		// the card is not kept (no tokenize).
		if cu := tx.Customer; cu == nil || cu.Firstname != "Ada" || cu.Lastname != "Lovelace" || cu.DeletedAt == nil {
			t.Fatalf("customer: %+v", cu)
		}
		pm := tx.PaymentMethod
		if pm == nil || pm.DeletedAt == nil || pm.Meta["isCpTokenized"] != false {
			t.Fatalf("payment method: %+v", pm)
		}
		got, err := c.Transaction(ctx, tx.ID)
		if err != nil || got.Total != client.Dollars(10, 30) || surcharge(got) != 30 {
			t.Fatalf("GET /transaction: %v %+v", err, got)
		}
		if _, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(1, 0)}); status(t, err) < 400 || status(t, err) >= 500 {
			t.Fatalf("a card read without tokenize is not reusable: %v", err)
		}
		if n := tl.sim.waitLine(t, "sale $10.00"); n != 1 {
			t.Fatalf("device showed the sale %d times", n)
		}
	})

	t.Run("debit is never surcharged; tip added", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "debit", "--auto", "approve", "--card", "debit", "--tip", "1.50")
		tx := mustTx(t, "charge")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(20, 0),
			Register: client.RegisterNum(tl.num), PaymentType: "Debit"}))
		if tx.Status != "SUCCESS" || surcharge(tx) != 0 || tx.Total != client.Dollars(21, 50) || tx.Meta["tip"] != 1.5 {
			t.Fatalf("debit charge: %+v", tx)
		}
	})

	t.Run("console: the operator answers debit, tap, a tip; customer receipt only", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "console")
		type result struct {
			tx  *client.Transaction
			err error
		}
		done := make(chan result, 1)
		go func() {
			tx, err := c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(10, 0), Register: tl.ref(), PrintReceipt: "Customer"})
			done <- result{tx, err}
		}()
		tl.sim.waitLine(t, "sale $10.00")
		// approve; card: debit; entry: tap; tip 1.00
		if _, err := io.WriteString(tl.sim.stdin, "a\nd\nt\n1.00\n"); err != nil {
			t.Fatal(err)
		}
		r := <-done
		tx := mustTx(t, "console charge")(r.tx, r.err)
		if tx.Status != "SUCCESS" || tx.Total != client.Dollars(11, 0) || surcharge(tx) != 0 ||
			tx.Meta["cardKind"] != "debit" || tx.Meta["entryMode"] != "tap" || tx.Meta["tip"] != 1.0 {
			t.Fatalf("console charge: %+v", tx)
		}
		tl.sim.waitLine(t, "printing the customer copy")
		if tl.sim.count("merchant copy") != 0 {
			t.Fatal("printReceipt Customer printed the merchant copy")
		}
	})

	t.Run("decline", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "decline", "--auto", "decline")
		tx, st := answered(t)(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(7, 0), Register: tl.ref()}))
		if st != 400 || tx == nil || tx.Status != "FAILED" || tx.Success || tx.Message == "" || tx.Cancelled {
			t.Fatalf("decline: %d %+v", st, tx)
		}
		s, err := c.TerminalStatus(ctx, tl.id, tx.ID)
		if err != nil || s.Status != "FAILED" || s.Success != 0 || s.Message == "" {
			t.Fatalf("status: %v %+v", err, s)
		}
	})

	t.Run("cancel on the device", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "cancel", "--auto", "cancel")
		tx, st := answered(t)(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(7, 0), Register: tl.ref()}))
		if st != 400 || tx == nil || tx.Status != "FAILED" || !tx.Cancelled {
			t.Fatalf("cancel: %d %+v", st, tx)
		}
	})

	t.Run("timeout answers terminalservice.waiting, then the result arrives", func(t *testing.T) {
		t.Parallel()
		// The customer takes 5 s: longer than the server waits (3 s here).
		tl := newTill(t, url, key, "slow", "--auto", "approve", "--delay", "5s")
		start := time.Now()
		// Raw HTTP: the 202 is the point (the client takes any 2xx as an answer).
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
			s, err := c.TerminalStatus(ctx, tl.id, id)
			return err == nil && s.Status == "SUCCESS" && s.Success == 1
		})
	})

	t.Run("nobody answers: the queued charge stays PENDING", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "absent", "--auto", "timeout")
		tx := mustTx(t, "queue")(c.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(3, 0), Register: tl.ref()}))
		id := tx.ID
		// Still PENDING while the device holds it. Raw HTTP: that the
		// answer has no surcharge key is a wire detail the client hides.
		_, s := call(t, "GET", url+"/terminal/"+tl.id+"/status/"+id, key, nil)
		if _, known := s["surcharge"]; s["status"] != "PENDING" || s["message"] != "terminalservice.waiting" || known {
			t.Fatalf("status while waiting (no surcharge before the card): %v", s)
		}
	})

	t.Run("queue and polling", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "queue", "--auto", "approve", "--delay", "300ms")
		// Raw HTTP: that the answer has no surcharge key is a wire detail the
		// client hides.
		st, tx := charge(t, "/terminal/charge/queue", map[string]any{"total": 12.5, "register": tl.num})
		mustStatus(t, "queue", st, 200, tx)
		// No surcharge yet: it depends on the card (Stax's charge/queue answer has none).
		if _, known := tx["surcharge"]; tx["status"] != "PENDING" || tx["message"] != "terminalservice.waiting" || tx["success"] != false || known || tx["total"] != 12.5 {
			t.Fatalf("queued: %v", tx)
		}
		id := tx["id"].(string)
		var s *client.TerminalStatus
		waitFor(t, "the queued charge", 10*time.Second, func() bool {
			var err error
			s, err = c.TerminalStatus(ctx, tl.id, id)
			return err == nil && s.Status != "PENDING"
		})
		if s.Status != "SUCCESS" || s.Success != 1 || s.Message != "" {
			t.Fatalf("status: %+v", s)
		}
		got, err := c.Transaction(ctx, id)
		// 12.50 + 3% = 12.875 → 12.88 (half up).
		if err != nil || got.Status != "SUCCESS" || got.Total != client.Dollars(12, 88) || surcharge(got) != 38 {
			t.Fatalf("GET /transaction after the device: %v %+v", err, got)
		}
		// The same register's status route refuses another register's id.
		other := newTill(t, url, key, "queue-other", "--auto", "approve")
		if _, err := c.TerminalStatus(ctx, other.id, id); status(t, err) != 404 {
			t.Fatalf("status on another register: %v", err)
		}
	})

	t.Run("idempotent duplicate returns the original", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "idem", "--auto", "approve")
		in := &client.TerminalChargeInput{Total: client.Dollars(4, 0), Register: tl.ref(), Meta: client.Meta{"idempotency_id": "order-77"}}
		a := mustTx(t, "first")(c.TerminalCharge(ctx, in))
		b := mustTx(t, "duplicate")(c.TerminalCharge(ctx, in))
		if a.ID != b.ID || tl.sim.waitLine(t, "sale $4.00") != 1 {
			t.Fatalf("duplicate made a second sale: %v / %v", a.ID, b.ID)
		}
	})

	t.Run("void on the same register, before the batch only", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "void", "--auto", "approve")
		other := newTill(t, url, key, "void-other", "--auto", "approve")
		tx := mustTx(t, "sale")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(9, 0), Register: tl.ref()}))
		if _, err := c.TerminalVoid(ctx, &client.TerminalActionInput{TransactionID: tx.ID, Register: other.ref()}); status(t, err) != 422 {
			t.Fatalf("void on another register: %v, want 422", err)
		}
		v := mustTx(t, "void")(c.TerminalVoid(ctx, &client.TerminalActionInput{TransactionID: tx.ID, Register: tl.ref()}))
		if !v.IsVoided {
			t.Fatalf("void: %+v", v)
		}
		// After the device's batch a sale can no longer be voided.
		tx2 := mustTx(t, "sale")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(9, 0), Register: tl.ref()}))
		b, err := c.BatchRegister(ctx, tl.id)
		if err != nil || b.Settled != 1 {
			t.Fatalf("batch: %v %+v", err, b)
		}
		if _, err := c.TerminalVoid(ctx, &client.TerminalActionInput{TransactionID: tx2.ID, Register: tl.ref()}); status(t, err) != 422 {
			t.Fatalf("void after batch: %v, want 422", err)
		}
	})

	t.Run("refund needs the original card", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "refund", "--auto", "approve")
		wrong := newTill(t, url, key, "refund-wrong-card", "--auto", "approve", "--card-number", "5555555555554444")
		tx := mustTx(t, "sale")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(30, 0), Register: tl.ref()}))
		if b, err := c.BatchRegister(ctx, tl.id); err != nil || b.Settled != 1 {
			t.Fatalf("batch: %v %+v", err, b)
		}
		_, err := c.TerminalRefund(ctx, &client.TerminalActionInput{TransactionID: tx.ID, Register: wrong.ref(), Total: client.Dollars(5, 0)})
		if status(t, err) != 422 || !strings.Contains(err.Error(), "not the card") {
			t.Fatalf("refund with another card: %v, want 422 saying not the card", err)
		}
		r := mustTx(t, "refund")(c.TerminalRefund(ctx, &client.TerminalActionInput{TransactionID: tx.ID, Register: tl.ref(), Total: client.Dollars(5, 0)}))
		if r.TotalRefunded != client.Dollars(5, 0) {
			t.Fatalf("refund: %+v", r)
		}
	})

	t.Run("credit pays out to the card, unsurcharged", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "credit", "--auto", "approve")
		tx := mustTx(t, "credit")(c.TerminalCredit(ctx, &client.TerminalChargeInput{Total: client.Dollars(15, 0), Register: tl.ref()}))
		if tx.Type != "credit" || tx.Status != "SUCCESS" || tx.Total != client.Dollars(15, 0) || surcharge(tx) != 0 {
			t.Fatalf("credit: %+v", tx)
		}
	})

	t.Run("prompt yes and no", func(t *testing.T) {
		t.Parallel()
		yes := newTill(t, url, key, "prompt-yes", "--auto", "approve")
		no := newTill(t, url, key, "prompt-no", "--auto", "approve", "--prompt-answer=false")
		for _, r := range []struct {
			tl   *till
			want bool
		}{{yes, true}, {no, false}} {
			p, err := c.TerminalPrompt(ctx, &client.PromptInput{Register: r.tl.ref(), Message: "Add a warranty?", Total: client.Dollars(5, 0)})
			if err != nil || !p.Answered || p.Answer != r.want {
				t.Fatalf("prompt: %v %+v, want answer %v", err, p, r.want)
			}
			if r.tl.sim.waitLine(t, "Add a warranty? $5.00") != 1 {
				t.Fatalf("device did not show the prompt and price:\n%s", strings.Join(r.tl.sim.lines(), "\n"))
			}
		}
	})

	t.Run("card-present tokenization; wallets are not reusable", func(t *testing.T) {
		t.Parallel()
		card := newTill(t, url, key, "tokenize", "--auto", "approve", "--name", "Grace Hopper")
		wallet := newTill(t, url, key, "tokenize-wallet", "--auto", "approve", "--card", "applepay")
		cu, err := c.CreateCustomer(ctx, &client.CustomerInput{Firstname: "Grace", Email: "grace@example.com"})
		if err != nil {
			t.Fatalf("customer: %v", err)
		}
		tx := mustTx(t, "tokenizing charge")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(8, 0),
			Register: card.ref(), Tokenize: true, CustomerID: cu.ID}))
		pm := tx.PaymentMethod
		if pm == nil || pm.Meta["isCpTokenized"] != true || pm.DeletedAt != nil || pm.CustomerID != cu.ID {
			t.Fatalf("tokenized payment method: %+v", pm)
		}
		// Reusable without the card: a card-not-present charge, and a refund
		// without the device.
		mustTx(t, "reuse")(c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(2, 0)}))
		if b, err := c.BatchRegister(ctx, card.id); err != nil || b.Settled != 1 {
			t.Fatalf("batch: %v %+v", err, b)
		}
		card.sim.waitLine(t, "APPROVED $8.24")
		mustTx(t, "refund of a CP-tokenized card")(c.TerminalRefund(ctx, &client.TerminalActionInput{TransactionID: tx.ID, Total: client.Dollars(1, 0)}))
		// A marker after it on the same device, which shows its requests in
		// order: once the marker is on screen, a refund sent to the device
		// would be too.
		if p, err := c.TerminalPrompt(ctx, &client.PromptInput{Register: card.ref(), Message: "Marker?", Total: client.Dollars(0, 1)}); err != nil || !p.Answered {
			t.Fatalf("marker prompt: %v %+v", err, p)
		}
		card.sim.waitLine(t, "Marker?")
		if card.sim.count("refund") != 0 {
			t.Fatal("the refund of a CP-tokenized card went to the device")
		}

		tx = mustTx(t, "wallet charge")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(8, 0), Register: wallet.ref(), Tokenize: true}))
		pm = tx.PaymentMethod
		if pm == nil || pm.Meta["isCpTokenized"] != false || pm.Meta["cardKind"] != "applepay" || pm.DeletedAt == nil {
			t.Fatalf("wallet payment method: %+v", pm)
		}
		if _, err := c.Charge(ctx, &client.ChargeInput{PaymentMethodID: pm.ID, Total: client.Dollars(1, 0)}); status(t, err) < 400 || status(t, err) >= 500 {
			t.Fatalf("a wallet card is not reusable: %v", err)
		}
	})

	t.Run("offline approval is captured at batch and flagged", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "offline", "--auto", "offline")
		tx := mustTx(t, "offline charge")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(6, 0), Register: tl.ref()}))
		if tx.Status != "SUCCESS" || tx.Meta["offline_approval"] != true {
			t.Fatalf("offline approval: %+v", tx)
		}
		b, err := c.BatchRegister(ctx, tl.id)
		if err != nil || b.OfflineCaptured != 1 || b.Settled != 1 {
			t.Fatalf("batch: %v %+v", err, b)
		}
		got, err := c.Transaction(ctx, tx.ID)
		if err != nil || got.SettledAt == nil || got.Meta["offline_captured_at"] == nil {
			t.Fatalf("after batch: %v %+v", err, got)
		}
	})

	t.Run("dropped connection: the answer is resent and recorded once", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "flaky", "--auto", "approve", "--drop-once")
		tx := mustTx(t, "queue")(c.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(11, 0), Register: tl.ref()}))
		id := tx.ID
		waitFor(t, "the charge through a reconnect", 15*time.Second, func() bool {
			s, err := c.TerminalStatus(ctx, tl.id, id)
			return err == nil && s.Status == "SUCCESS"
		})
		waitFor(t, "the device back online", 10*time.Second, func() bool { return tl.sim.count("online as register") >= 2 })
		if tl.sim.waitLine(t, "dropping the connection") != 1 {
			t.Fatalf("the simulator did not drop:\n%s", strings.Join(tl.sim.lines(), "\n"))
		}
		// One transaction, charged once; a second sale works after the reconnect.
		list, err := c.Transactions(ctx, &client.ListParams{PerPage: 100})
		if err != nil {
			t.Fatalf("GET /transaction: %v", err)
		}
		n := 0
		for _, x := range list.Data {
			if x.Total == client.Dollars(11, 33) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d transactions of 11.33, want 1", n)
		}
		mustTx(t, "after reconnect")(c.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(2, 0), Register: tl.ref()}))
	})

	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		tl := newTill(t, url, key, "validation", "--auto", "approve")
		// Raw HTTP: malformed requests, and the 422's field names.
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

	ca, cb := api(a.url, key), api(b.url, key)
	tx, err := cb.TerminalCharge(ctx, &client.TerminalChargeInput{Total: client.Dollars(10, 0), Register: client.RegisterNum(tl.num)})
	if err != nil || tx.Status != "SUCCESS" || tx.Total != client.Dollars(10, 30) {
		t.Fatalf("sync charge through B: %v %+v", err, tx)
	}
	q, err := cb.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(5, 0), Register: tl.ref()})
	if err != nil {
		t.Fatalf("queue through B: %v", err)
	}
	id := q.ID
	waitFor(t, "the queued charge seen from A", 10*time.Second, func() bool {
		s, err := ca.TerminalStatus(ctx, tl.id, id)
		return err == nil && s.Status == "SUCCESS"
	})
	// Both instances see the register online.
	for _, c := range []*client.Client{ca, cb} {
		r, err := c.Register(ctx, tl.id)
		if err != nil || !r.IsOnline {
			t.Fatalf("register on %s: %v %+v", c.BaseURL, err, r)
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
			c := ca
			if i%2 == 1 {
				c = cb
			}
			r, err := c.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(int64(1+i), 0), Register: tl.ref()})
			if err != nil {
				t.Errorf("queue %d: %v", i, err)
				return
			}
			ids[i] = r.ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		waitFor(t, "each queued charge", 15*time.Second, func() bool {
			s, err := cb.TerminalStatus(ctx, tl.id, id)
			return err == nil && s.Status == "SUCCESS"
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
	c := api(srv.url, key)
	tx, err := c.TerminalChargeQueue(ctx, &client.TerminalChargeInput{Total: client.Dollars(21, 0), Register: tl.ref()})
	if err != nil {
		t.Fatalf("queue: %v", err)
	}
	id := tx.ID
	tl.sim.waitLine(t, "sale $21.00")
	_ = srv.cmd.Process.Kill()
	<-srv.done
	// The device answers while the server is down, and keeps trying.
	waitFor(t, "the device to notice", 10*time.Second, func() bool { return tl.sim.count("connection lost") > 0 })
	tl.sim.waitLine(t, "answer held until reconnected") // the customer answered during the outage
	srv = startProc(t, dir, env, "serve")               // on the same address, which the device reconnects to
	c = api(srv.url, key)
	waitFor(t, "the charge after the restart", 20*time.Second, func() bool {
		s, err := c.TerminalStatus(ctx, tl.id, id)
		return err == nil && s.Status == "SUCCESS"
	})
	got, err := c.Transaction(ctx, id)
	if err != nil || got.Total != client.Dollars(21, 63) || !got.Success {
		t.Fatalf("after the crash: %v %+v", err, got)
	}
	list, err := c.Transactions(ctx, &client.ListParams{PerPage: 100})
	if err != nil || len(list.Data) != 1 {
		t.Fatalf("transactions: %v, want 1", err)
	}
	if n := tl.sim.count("sale $21.00"); n != 1 {
		t.Fatalf("the device showed the sale %d times:\n%s", n, strings.Join(tl.sim.lines(), "\n"))
	}
}
