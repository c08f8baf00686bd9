package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseStore covers the store as a whole: migrations and transactions.
func exerciseStore(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Migrate", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := s.Ping(ctx); err != nil {
			t.Fatal(err)
		}
		if d := s.Dialect(); d != "sqlite" && d != "postgres" {
			t.Fatalf("dialect %q", d)
		}
	})

	t.Run("InTx", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		c := newCustomer(m.ID, now, nil)
		errBoom := errors.New("boom")
		if err := s.InTx(ctx, func(tx store.Executor) error {
			if err := tx.CustomerCreate(ctx, c); err != nil {
				return err
			}
			return errBoom
		}); !errors.Is(err, errBoom) {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("rolled-back insert is visible")
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("panic swallowed")
				}
			}()
			_ = s.InTx(ctx, func(tx store.Executor) error {
				_ = tx.CustomerCreate(ctx, c)
				panic("x")
			})
		}()
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatal("insert before panic is visible")
		}
		if err := s.InTx(ctx, func(tx store.Executor) error { return tx.CustomerCreate(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CustomerGet(ctx, m.ID, c.ID); err != nil {
			t.Fatal("committed insert not visible:", err)
		}
	})
}
