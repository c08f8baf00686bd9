package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// exerciseItems covers catalog items.
func exerciseItems(t *testing.T, open Open) {
	ctx := context.Background()
	now := suiteNow

	t.Run("Items", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		m := newMerchant(t, s, now)
		it := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Cut", Code: "C1", Category: "svc", IsActive: true,
			Price: 2550, InStock: 3, Meta: json.RawMessage(`{"a":1}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, it); err != nil {
			t.Fatal(err)
		}
		off := &tender.Item{ID: uuid.NewString(), MerchantID: m.ID, Item: "Old", Category: "retail", Meta: json.RawMessage(`{}`), CreatedAt: now, UpdatedAt: now}
		if err := s.ItemCreate(ctx, off); err != nil {
			t.Fatal(err)
		}
		got, err := s.ItemGet(ctx, m.ID, it.ID)
		if err != nil || got.Price != 2550 || got.InStock != 3 || string(compact(got.Meta)) != `{"a":1}` || !got.IsActive {
			t.Fatalf("item = %+v, %v", got, err)
		}
		yes, no := true, false
		for name, tc := range map[string]struct {
			f    tender.ItemFilter
			want int
		}{
			"all": {tender.ItemFilter{}, 2}, "category": {tender.ItemFilter{Category: "svc"}, 1},
			"code": {tender.ItemFilter{Code: "C1"}, 1}, "active": {tender.ItemFilter{Active: &yes}, 1},
			"inactive": {tender.ItemFilter{Active: &no}, 1}, "keyword": {tender.ItemFilter{Keywords: []string{"cu"}}, 1},
		} {
			if p, err := s.ItemList(ctx, m.ID, tc.f, tender.ListParams{Page: 1, PerPage: 5}); err != nil || p.Total != tc.want {
				t.Errorf("%s: %+v %v", name, p, err)
			}
		}
		for _, col := range tender.ItemSorts {
			if _, err := s.ItemList(ctx, m.ID, tender.ItemFilter{}, tender.ListParams{Page: 1, PerPage: 5, Sort: col, Desc: true}); err != nil {
				t.Errorf("sort %s: %v", col, err)
			}
		}
		got.InStock = -1
		if err := s.ItemUpdate(ctx, got); tender.ErrorCode(err) != tender.ECONFLICT {
			t.Errorf("negative stock: %v", err)
		}
		if err := s.ItemDelete(ctx, m.ID, it.ID, now.Time); err != nil {
			t.Fatal(err)
		}
		if err := s.ItemDelete(ctx, m.ID, it.ID, now.Time); tender.ErrorCode(err) != tender.ENOTFOUND {
			t.Error("deleted twice")
		}
	})
}
