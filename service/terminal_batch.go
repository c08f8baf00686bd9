package service

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// BatchResult is the answer of POST /terminal/register/{id}/batch.
type BatchResult struct {
	RegisterID     string `json:"register_id"`
	Settled        int    `json:"settled"`
	OfflineCapture int    `json:"offline_captured"`
	OfflineFailed  int    `json:"offline_declined"`
}

// BatchRegister closes a device's batch: its offline approvals are sent to
// the processor (and flagged), then its unsettled payments are settled, so
// they can be refunded and no longer voided.
func (s *Service) BatchRegister(ctx context.Context, merchantID, registerID string) (*BatchResult, error) {
	reg, err := s.store.RegisterGet(ctx, merchantID, registerID)
	if err != nil {
		return nil, err
	}
	out := &BatchResult{RegisterID: reg.ID}
	now := s.now()
	batchID := tender.NewID()
	// One pass in (created_at, id) order, as Settle makes: a payment the
	// processor has not settled yet (or failed this time) stays unsettled
	// and is moved past, so a page of them does not end the pass before the
	// payments after it.
	var after *tender.Transaction
	for {
		ts, err := s.store.TerminalTransactionsUnsettled(ctx, merchantID, reg.ID, now.Add(time.Second), after, cmp.Or(s.SettlePage, 200))
		if err != nil {
			return out, err
		}
		if len(ts) == 0 {
			break
		}
		after = ts[len(ts)-1]
		for _, t := range ts {
			if t.GatewayRef == "" {
				ok, err := s.captureOffline(ctx, t)
				if err != nil {
					return out, err
				}
				if !ok {
					out.OfflineFailed++
					continue
				}
				out.OfflineCapture++
				if t, err = s.store.TransactionGet(ctx, merchantID, t.ID); err != nil {
					return out, err
				}
			}
			gw, err := s.gatewayFor(ctx, t.MerchantID)
			if err != nil {
				return out, err
			}
			st, err := gw.Settle(ctx, t.GatewayRef)
			if errors.Is(err, gateway.ErrNotSettled) {
				// The processor settles on its own schedule (Stripe: once
				// the funds are available); the next batch asks again.
				s.log().Debug("batch: not settled at the processor yet", "transaction_id", t.ID)
				continue
			}
			if err != nil {
				s.log().Warn("batch: processor failed", "transaction_id", t.ID, "error", err.Error())
				continue
			}
			ok, err := s.settleOne(ctx, t, batchID, gw.Name(), st)
			if err != nil {
				return out, err
			}
			if ok {
				out.Settled++
			}
		}
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		r, err := tx.RegisterGetForUpdate(ctx, merchantID, reg.ID)
		if err != nil {
			return err
		}
		at := tender.NewTime(now)
		r.LastBatchAt, r.UpdatedAt = &at, at
		return tx.RegisterUpdate(ctx, r)
	})
	return out, err
}

// captureOffline authorizes and captures an offline approval at batch
// close. A decline turns the payment FAILED (flagged in meta), as the
// device's approval did not hold.
func (s *Service) captureOffline(ctx context.Context, t *tender.Transaction) (bool, error) {
	pm, sec, _, err := s.store.PaymentMethodWithSecret(ctx, t.MerchantID, t.PaymentMethodID)
	if err != nil {
		return false, err
	}
	req := gateway.Request{Key: t.ID, Amount: t.Total, Capture: t.Type == tender.TxCharge}
	if err := s.unseal(pm, sec, &req); err != nil {
		return false, err
	}
	gw, err := s.gatewayFor(ctx, t.MerchantID)
	if err != nil {
		return false, nil // tried again at the next batch
	}
	gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
	res, gerr := gw.Authorize(gctx, req)
	cancel()
	if gerr != nil {
		return false, nil // tried again at the next batch
	}
	ok := false
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TransactionGetForUpdate(ctx, t.MerchantID, t.ID)
		if err != nil || cur.GatewayRef != "" {
			return err
		}
		var meta map[string]json.RawMessage
		_ = json.Unmarshal(cur.Meta, &meta)
		if meta == nil {
			meta = map[string]json.RawMessage{}
		}
		meta["offline_captured_at"], _ = json.Marshal(tender.NewTime(s.now()))
		cur.GatewayRef, cur.AuthCode = res.Ref, res.AuthCode
		if !res.Approved {
			meta["offline_declined"] = json.RawMessage("true")
			cur.Success, cur.Status, cur.Message, cur.DeclineCode = false, tender.StatusFailed, "Offline approval declined at batch: "+res.Message, res.DeclineCode
			cur.Captured, cur.IsCaptured = 0, false
		}
		cur.Meta, _ = json.Marshal(meta)
		cur.UpdatedAt = tender.NewTime(s.now())
		if err := tx.TransactionUpdate(ctx, cur); err != nil {
			return err
		}
		if !res.Approved {
			if err := s.applyToInvoice(ctx, tx, cur, 0); err != nil {
				return err
			}
		}
		view, err := s.View(ctx, tx, cur)
		if err != nil {
			return err
		}
		ok = res.Approved
		return s.emit(ctx, tx, cur.MerchantID, tender.EventUpdateTransaction, "transaction", cur.ID, view)
	})
	return ok, err
}

// BatchDue closes the batch of each given register whose batch time has
// passed since its last batch (the device's daily batch close).
func (s *Service) BatchDue(ctx context.Context, reg *tender.Register) (bool, error) {
	now := s.Now().UTC()
	hm, err := time.Parse("15:04", reg.BatchTime)
	if err != nil {
		return false, nil
	}
	due := time.Date(now.Year(), now.Month(), now.Day(), hm.Hour(), hm.Minute(), 0, 0, time.UTC)
	if due.After(now) {
		due = due.AddDate(0, 0, -1)
	}
	cur, err := s.store.RegisterGet(ctx, reg.MerchantID, reg.ID)
	if err != nil {
		return false, err
	}
	if cur.LastBatchAt != nil && !cur.LastBatchAt.Before(due) || cur.CreatedAt.After(due) {
		return false, nil
	}
	_, err = s.BatchRegister(ctx, reg.MerchantID, reg.ID)
	return err == nil, err
}
