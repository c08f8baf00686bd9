package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/gateway/gatewaytest"
	"github.com/tenderpay/tender/gateway/sandbox"
	"github.com/tenderpay/tender/store"
	"github.com/tenderpay/tender/store/sqlite"
)

// TestContract runs the gateway contract against the sandbox processor on
// a fresh SQLite ledger per case.
func TestContract(t *testing.T) {
	card := func(n string) gateway.Card {
		return gateway.Card{Number: n, CVV: "123", ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace", Zip: "10001"}
	}
	var declines []gatewaytest.Decline
	for n, o := range sandbox.Cards {
		if !o.Approve {
			declines = append(declines, gatewaytest.Decline{Card: card(n), Code: o.DeclineCode})
		}
	}
	var ledgers sync.Map // gateway -> its store
	gatewaytest.Exercise(t, gatewaytest.Harness{
		New: func(t *testing.T) gateway.Gateway {
			s := ledger(t)
			g := sandbox.New(s, nil)
			ledgers.Store(g, s)
			return g
		},
		Card:        card("4242424242424242"),
		Declines:    declines,
		LoseAnswer:  func(t *testing.T, _ gateway.Gateway, req *gateway.Request) { req.Amount = sandbox.AmountLostResponse },
		LoseRequest: func(t *testing.T, _ gateway.Gateway, req *gateway.Request) { req.Amount = sandbox.AmountLostRequest },
		Payments: func(t *testing.T, g gateway.Gateway, key string) int {
			l, _ := ledgers.Load(g)
			e, err := l.(store.Store).SandboxGet(context.Background(), key)
			if err != nil {
				t.Fatal(err)
			}
			if e == nil || e.Op == store.SandboxFenced || !e.Approved {
				return 0
			}
			return 1
		},
	})
}

// TestAuthorizeInline checks that AuthorizeInline and CreditInline decide
// as Authorize and Credit do (the same approval, decline code, message and
// ledger operation), write nothing themselves, and hand back the slow and
// lost amounts to Authorize.
func TestAuthorizeInline(t *testing.T) {
	ctx := context.Background()
	s := ledger(t)
	p := sandbox.New(s, nil)
	type request struct {
		name string
		req  gateway.Request
	}
	var reqs []request
	for n := range sandbox.Cards {
		for _, capture := range []bool{true, false} {
			reqs = append(reqs, request{n, gateway.Request{Amount: 1050, Capture: capture, Card: &gateway.Card{Number: n}}})
		}
	}
	for _, a := range []tender.Amount{sandbox.AmountDecline, sandbox.AmountInsufficient, sandbox.AmountProcessingError} {
		reqs = append(reqs, request{"amount " + a.String(), gateway.Request{Amount: a, Capture: true, Card: &gateway.Card{Number: "4242424242424242"}}})
	}
	for _, acct := range []string{sandbox.BankSuccess, sandbox.BankNSFReturn, sandbox.BankDecline} {
		reqs = append(reqs, request{"bank " + acct, gateway.Request{Amount: 1050, Bank: &gateway.Bank{Account: acct, Routing: "021000021"}}})
	}
	for i, r := range reqs {
		for _, credit := range []bool{false, true} {
			in, out := r.req, r.req
			in.Key, out.Key = fmt.Sprintf("inline-%d-%v", i, credit), fmt.Sprintf("called-%d-%v", i, credit)
			decide, call := p.AuthorizeInline, p.Authorize
			if credit {
				decide, call = p.CreditInline, p.Credit
			}
			res, entry, ok := decide(in)
			if !ok {
				t.Fatalf("%s: not decided at once", r.name)
			}
			if e, err := s.SandboxGet(ctx, in.Key); err != nil || e != nil {
				t.Fatalf("%s: the inline decision wrote the ledger itself: %+v %v", r.name, e, err)
			}
			want, err := call(ctx, out)
			if err != nil {
				t.Fatal(r.name, err)
			}
			recorded, err := s.SandboxGet(ctx, out.Key)
			if err != nil || recorded == nil {
				t.Fatal(r.name, recorded, err)
			}
			if res.Approved != want.Approved || res.DeclineCode != want.DeclineCode || res.Message != want.Message ||
				(res.Ref == "") != (want.Ref == "") || (res.AuthCode == "") != (want.AuthCode == "") {
				t.Errorf("%s (credit %v): inline %+v, call %+v", r.name, credit, res, want)
			}
			if entry.Key != in.Key || entry.Op != recorded.Op || entry.Amount != recorded.Amount || entry.ReturnCode != recorded.ReturnCode ||
				entry.Ref != res.Ref || entry.CreatedAt.IsZero() {
				t.Errorf("%s (credit %v): inline entry %+v, recorded %+v", r.name, credit, entry, recorded)
			}
		}
	}
	for _, a := range []tender.Amount{sandbox.AmountSlow, sandbox.AmountLostRequest, sandbox.AmountLostResponse} {
		if _, _, ok := p.AuthorizeInline(gateway.Request{Key: "k", Amount: a, Capture: true, Card: &gateway.Card{Number: "4242424242424242"}}); ok {
			t.Errorf("amount %s decided inline; Authorize must play it out", a)
		}
	}
}

// TestFollowInline checks that FollowInline decides a capture, void or
// refund as Capture, Void and Refund do, against the ledger as the caller's
// transaction sees it, and writes its entry in that transaction: rolled
// back with it, kept when it commits.
func TestFollowInline(t *testing.T) {
	ctx := context.Background()
	s := ledger(t)
	p := sandbox.New(s, nil)
	auth, err := p.Authorize(ctx, gateway.Request{Key: "auth", Amount: 2000, Card: &gateway.Card{Number: "4242424242424242"}})
	if err != nil || !auth.Approved {
		t.Fatal(auth, err)
	}
	follow := func(op, key string, amount tender.Amount, commit bool) *gateway.Result {
		t.Helper()
		var res *gateway.Result
		rollback := errors.New("rolled back")
		err := s.InTx(ctx, func(tx store.Executor) (err error) {
			if res, err = p.FollowInline(ctx, tx, op, key, auth.Ref, amount); err != nil || commit {
				return err
			}
			return rollback
		})
		if err != nil && !(errors.Is(err, rollback) && !commit) {
			t.Fatal(op, key, err)
		}
		return res
	}
	if res := follow(store.SandboxCapture, "cap-rolled-back", 1500, false); !res.Approved {
		t.Fatalf("capture declined: %+v", res)
	}
	if e, err := s.SandboxGet(ctx, "cap-rolled-back"); err != nil || e != nil {
		t.Fatalf("a rolled-back capture left its entry: %+v %v", e, err)
	}
	if res := follow(store.SandboxCapture, "cap-over", 2001, true); res.Approved {
		t.Errorf("a capture above the authorization approved: %+v", res)
	}
	if res := follow(store.SandboxCapture, "cap", 1500, true); !res.Approved || res.Ref == "" {
		t.Fatalf("capture declined: %+v", res)
	}
	if e, err := s.SandboxGet(ctx, "cap"); err != nil || e == nil || e.Op != store.SandboxCapture || e.Amount != 1500 {
		t.Fatalf("the committed capture's entry: %+v %v", e, err)
	}
	if res := follow(store.SandboxCapture, "cap-again", 1500, true); res.Approved {
		t.Errorf("a second capture approved: %+v", res)
	}
	if res := follow(store.SandboxRefund, "refund-over", 1501, true); res.Approved {
		t.Errorf("a refund above the captured amount approved: %+v", res)
	}
	if res := follow(store.SandboxRefund, "refund", 1000, true); !res.Approved {
		t.Errorf("refund declined: %+v", res)
	}
	if res := follow(store.SandboxCapture, "cap", 1500, true); !res.Approved || res.Ref == "" {
		t.Errorf("a repeated key did not replay its first answer: %+v", res)
	}
	if _, err := p.FollowInline(ctx, s, store.SandboxSale, "sale", auth.Ref, 100); err == nil {
		t.Error("FollowInline took a sale")
	}
}

// ledger is a fresh, migrated SQLite store for the sandbox's ledger,
// closed when t ends.
func ledger(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tender.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
