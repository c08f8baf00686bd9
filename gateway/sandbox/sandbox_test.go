package sandbox_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

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
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tender.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
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
