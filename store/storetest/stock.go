package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// exerciseStock checks ItemAdjustStock: atomic, never below zero under
// concurrency (20 takes of 1 racing for a stock of 10: exactly 10 win),
// and ENOTFOUND for deleted or other merchants' items.
func exerciseStock(t *testing.T, open Open) {
	t.Run("ItemAdjustStock", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		s := open(t)
		now := tender.NewTime(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		m := newMerchant(t, s, now)
		it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Widget", IsActive: true, InStock: 10,
			Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, it); err != nil {
			t.Fatal(err)
		}
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
}
