package service

import (
	"context"
	"encoding/json"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// UpdateTransaction changes a transaction's meta, notes or reference (PUT
// /transaction/{id}) and emits update_transaction with it, in one database
// transaction. A payment still waiting for its processor's answer is a
// conflict: the answer rewrites the row, and the update would be lost.
func (s *Service) UpdateTransaction(ctx context.Context, merchantID, id string, body map[string]json.RawMessage) (*TransactionView, error) {
	var view *TransactionView
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		// Found first, then read: another merchant's transaction is a 404
		// whatever the body says (nothing is written before the 422).
		t, err := tx.TransactionGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		in, err := tender.ParseTransactionUpdate(body)
		if err != nil {
			return err
		}
		if t.Status == tender.StatusPending || t.PendingOp != "" {
			return tender.Errorf(tender.ECONFLICT, "The transaction is waiting for its processor's answer; update it once it has one.")
		}
		if err := in.Apply(t); err != nil {
			return err
		}
		t.UpdatedAt = tender.NewTime(s.now())
		if err := tx.TransactionUpdate(ctx, t); err != nil {
			return err
		}
		if view, err = s.View(ctx, tx, t); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventUpdateTransaction, "transaction", t.ID, view)
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// RelatedTransactions is GET /transaction/{id}/related: the rest of the
// transaction's family, oldest first. For a payment, its captures, voids
// and refunds; for one of those, the payment it acted on and its other
// children. Each is shown as GET /transaction/{id} shows it (a payment with
// its child_transactions).
func (s *Service) RelatedTransactions(ctx context.Context, merchantID, id string) ([]*TransactionView, error) {
	t, err := s.store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	root := t
	if t.ParentID != "" {
		if root, err = s.store.TransactionGet(ctx, merchantID, t.ParentID); err != nil {
			return nil, err
		}
	}
	children, err := s.store.TransactionChildren(ctx, merchantID, []string{root.ID})
	if err != nil {
		return nil, err
	}
	family := make([]*tender.Transaction, 0, len(children)+1)
	for _, c := range append([]*tender.Transaction{root}, children...) {
		if c.ID != t.ID {
			family = append(family, c)
		}
	}
	return s.Views(ctx, s.store, merchantID, family)
}
