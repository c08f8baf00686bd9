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
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
