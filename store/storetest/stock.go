package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseStock checks ItemAdjustStock: atomic, never below zero under
// concurrency (20 takes of 1 racing for a stock of 10: exactly 10 win),
// and ENOTFOUND for deleted or other merchants' items; and Executor.Later,
// through which a payment takes its invoice's stock.
func exerciseStock(t *testing.T, open Open) {
	t.Run("ItemAdjustStock", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s, m, it, now := stocked(t, open)
		won := racing(t, 20, tender.ENOTFOUND, func(int) error {
			return s.InTx(ctx, func(tx store.Executor) error {
				_, err := tx.ItemAdjustStock(ctx, m.ID, it.ID, -1, now.Time)
				return err
			})
		})
		got, err := s.ItemGet(ctx, m.ID, it.ID)
		if err != nil || won != 10 || got.InStock != 0 {
			t.Fatalf("won %d, stock %v (%v)", won, got, err)
		}
		if up, err := s.ItemAdjustStock(ctx, m.ID, it.ID, 3, now.Time.Add(time.Second)); err != nil || up.InStock != 3 ||
			!up.UpdatedAt.Time.Equal(now.Time.Add(time.Second)) {
			t.Fatalf("increment = %+v, %v", up, err)
		}
		if _, err := s.ItemAdjustStock(ctx, m.ID, it.ID, -4, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("take beyond the stock: %v", err)
		}
		other := newMerchant(t, s, now)
		if _, err := s.ItemAdjustStock(ctx, other.ID, it.ID, 1, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("another merchant's item: %v", err)
		}
		if err := s.ItemDelete(ctx, m.ID, it.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ItemAdjustStock(ctx, m.ID, it.ID, 1, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Fatalf("deleted item: %v", err)
		}
	})

	// Later (what a payment's stock take goes through): run after the
	// transaction's function, in the order queued, in the transaction; a
	// failing one rolls it all back; outside a transaction, at once.
	t.Run("Later", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s, m, it, now := stocked(t, open)
		var order []string
		take := func(tx store.Executor, name string, n int64) error {
			return tx.Later(func() error {
				order = append(order, name)
				return tx.ItemTakeStock(ctx, m.ID, it.ID, n, now.Time)
			})
		}
		err := s.InTx(ctx, func(tx store.Executor) error {
			if err := take(tx, "first", 1); err != nil {
				return err
			}
			if err := take(tx, "second", 2); err != nil {
				return err
			}
			order = append(order, "function")
			return nil
		})
		if got, gerr := s.ItemGet(ctx, m.ID, it.ID); err != nil || gerr != nil || got.InStock != 7 ||
			strings.Join(order, ",") != "function,first,second" {
			t.Fatalf("stock %v, order %v (%v, %v); want 7 after function,first,second", got, order, err, gerr)
		}
		failed := errors.New("queued write failed")
		err = s.InTx(ctx, func(tx store.Executor) error {
			if err := take(tx, "kept?", 5); err != nil {
				return err
			}
			return tx.Later(func() error { return failed })
		})
		if got, gerr := s.ItemGet(ctx, m.ID, it.ID); !errors.Is(err, failed) || gerr != nil || got.InStock != 7 {
			t.Fatalf("after a failing queued write: stock %v (%v, %v); want 7, rolled back", got, err, gerr)
		}
		if err := take(s, "at once", 1); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ItemGet(ctx, m.ID, it.ID); err != nil || got.InStock != 6 {
			t.Fatalf("outside a transaction: stock %v (%v); want 6", got, err)
		}
	})
}

// stocked opens a store with a merchant and an item of 10 in stock.
func stocked(t *testing.T, open Open) (store.Store, *tender.Merchant, *tender.Item, tender.Time) {
	t.Helper()
	s := open(t)
	now := tender.NewTime(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	m := newMerchant(t, s, now)
	it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Widget", IsActive: true, InStock: 10,
		Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
	if err := s.ItemCreate(context.Background(), it); err != nil {
		t.Fatal(err)
	}
	return s, m, it, now
}
