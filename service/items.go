package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// CreateItem validates in and stores a new catalog item.
func (s *Service) CreateItem(ctx context.Context, merchantID string, in *tender.ItemInput) (*tender.Item, error) {
	now := tender.NewTime(s.now())
	it := &tender.Item{ID: tender.NewID(), MerchantID: merchantID, CreatedAt: now, UpdatedAt: now}
	if err := in.Apply(it, true); err != nil {
		return nil, err
	}
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.ItemCreate(ctx, it); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventCreateItem, "item", it.ID, it)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// UpdateItem applies the set fields of in to the item.
func (s *Service) UpdateItem(ctx context.Context, merchantID, id string, in *tender.ItemInput) (*tender.Item, error) {
	var it *tender.Item
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if it, err = tx.ItemGet(ctx, merchantID, id); err != nil {
			return err
		}
		if it.DeletedAt != nil {
			return tender.NotFound("item")
		}
		if err := in.Apply(it, false); err != nil {
			return err
		}
		it.UpdatedAt = tender.NewTime(s.now())
		if err := tx.ItemUpdate(ctx, it); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdateItem, "item", it.ID, it)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// DeleteItem soft-deletes the item and returns it.
func (s *Service) DeleteItem(ctx context.Context, merchantID, id string) (*tender.Item, error) {
	var it *tender.Item
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.ItemDelete(ctx, merchantID, id, s.now()); err != nil {
			return err
		}
		var err error
		if it, err = tx.ItemGet(ctx, merchantID, id); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventDeleteItem, "item", it.ID, it)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// AdjustStock adds in's quantity to the item's stock (take: removes it),
// atomically in the database: the stock never goes below zero, however many
// requests race (a take larger than the stock is a 422). Another merchant's
// or a deleted item is ENOTFOUND, whatever the body.
func (s *Service) AdjustStock(ctx context.Context, merchantID, id string, in *tender.StockInput, take bool) (*tender.Item, error) {
	var it *tender.Item
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.ItemGet(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if cur.DeletedAt != nil {
			return tender.NotFound("item")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		delta := *in.Quantity
		if take {
			delta = -delta
		}
		// The one statement decides: a concurrent take between the read
		// above and here is seen by its condition.
		it, err = tx.ItemAdjustStock(ctx, merchantID, id, delta, s.now())
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			errs := tender.FieldErrors{}
			errs.Add("quantity", "The quantity may not be greater than the item's stock.")
			return errs.Err()
		}
		if err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdateItem, "item", it.ID, it)
	})
	if err != nil {
		return nil, err
	}
	return it, nil
}

// ItemByCode returns the merchant's newest live item with code;
// ENOTFOUND when there is none.
func (s *Service) ItemByCode(ctx context.Context, merchantID, code string) (*tender.Item, error) {
	if code == "" {
		errs := tender.FieldErrors{}
		errs.Required("code")
		return nil, errs.Err()
	}
	page, err := s.store.ItemList(ctx, merchantID, tender.ItemFilter{Code: code},
		tender.ListParams{Page: 1, PerPage: 1, Sort: "created_at", Desc: true})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, tender.NotFound("item")
	}
	return page.Items[0], nil
}
