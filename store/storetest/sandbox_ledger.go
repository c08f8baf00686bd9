package storetest

import (
	"context"
	"testing"

	"github.com/tenderpay/tender/store"
)

// exerciseSandboxLedger covers the sandbox processor's ledger.
func exerciseSandboxLedger(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("SandboxLedger", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		sale := &store.SandboxEntry{Key: "k1", Op: store.SandboxAuth, Ref: "r1", Amount: 1000, Approved: true, CreatedAt: now.Time}
		if got, inserted, err := s.SandboxRecord(ctx, sale); err != nil || !inserted || got.Ref != "r1" {
			t.Fatal(got, inserted, err)
		}
		if got, inserted, err := s.SandboxRecord(ctx, &store.SandboxEntry{Key: "k1", Op: store.SandboxFenced, CreatedAt: now.Time}); err != nil || inserted || got.Op != store.SandboxAuth {
			t.Fatalf("second record of a key: %+v %v %v", got, inserted, err)
		}
		for _, e := range []*store.SandboxEntry{
			{Key: "k2", Op: store.SandboxCapture, ParentRef: "r1", Amount: 800, Approved: true, CreatedAt: now.Time},
			{Key: "k3", Op: store.SandboxRefund, ParentRef: "r1", Amount: 300, Approved: true, CreatedAt: now.Time},
			{Key: "k4", Op: store.SandboxRefund, ParentRef: "r1", Amount: 900, Approved: false, CreatedAt: now.Time},
		} {
			if _, _, err := s.SandboxRecord(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		sums, err := s.SandboxSums(ctx, "r1")
		if err != nil || sums.Captured != 800 || sums.Refunded != 300 || sums.Voided {
			t.Fatalf("sums = %+v %v", sums, err)
		}
		if e, err := s.SandboxGetByRef(ctx, "r1"); err != nil || e.Key != "k1" {
			t.Fatalf("by ref: %+v %v", e, err)
		}
		if e, err := s.SandboxGet(ctx, "none"); err != nil || e != nil {
			t.Fatalf("missing: %+v %v", e, err)
		}
	})
}
