package service

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// Settle closes a batch: every successful, unsettled payment and credit of
// merchantID ("" for all merchants) created before before is settled with
// the processor. Bank debits the processor returns (NSF) get a return child
// that refunds them. It returns how many transactions settled.
func (s *Service) Settle(ctx context.Context, merchantID string, before time.Time) (int, error) {
	batchID := tender.NewID()
	settled := 0
	// One pass in (created_at, id) order: a page the processor has not
	// settled yet (ErrNotSettled) stays unsettled and is moved past, so the
	// payments after it still settle in this batch.
	var after *tender.Transaction
	for {
		ts, err := s.store.TransactionsUnsettled(ctx, merchantID, before, after, cmp.Or(s.SettlePage, 200))
		if err != nil || len(ts) == 0 {
			return settled, err
		}
		after = ts[len(ts)-1]
		for _, t := range ts {
			gw, err := s.gatewayFor(ctx, t.MerchantID)
			if err != nil {
				s.log().Warn("settle: the merchant's processor is unavailable", "transaction_id", t.ID, "error", tender.ErrorMessage(err))
				continue
			}
			st, err := gw.Settle(ctx, t.GatewayRef)
			if errors.Is(err, gateway.ErrNotSettled) {
				// The processor settles on its own schedule (Stripe: once
				// the funds are available); the next batch asks again.
				s.log().Debug("settle: not settled at the processor yet", "transaction_id", t.ID)
				continue
			}
			if err != nil {
				s.log().Warn("settle: processor failed", "transaction_id", t.ID, "error", err.Error())
				continue
			}
			ok, err := s.settleOne(ctx, t, batchID, gw.Name(), st)
			if err != nil {
				return settled, err
			}
			if ok {
				settled++
			}
		}
	}
}

// settleOne records one payment's settlement st by processor (and the
// dispute the processor reports with it, as its dispute event would be).
func (s *Service) settleOne(ctx context.Context, t *tender.Transaction, batchID, processor string, st *gateway.Settlement) (bool, error) {
	done := false
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		cur, err := tx.TransactionGetForUpdate(ctx, t.MerchantID, t.ID)
		if err != nil {
			return err
		}
		if cur.Settled() || !cur.Success || cur.IsVoided || cur.PendingOp != "" {
			return nil
		}
		now := tender.NewTime(s.now())
		cur.BatchID, cur.BatchedAt, cur.SettledAt, cur.UpdatedAt = batchID, &now, &now, now
		var ret *tender.Transaction
		if st.Returned {
			left := cur.Captured - cur.TotalRefunded - cur.PendingRefunds
			ret = &tender.Transaction{
				ID: tender.NewID(), MerchantID: cur.MerchantID, ParentID: cur.ID, InvoiceID: cur.InvoiceID,
				CustomerID: cur.CustomerID, PaymentMethodID: cur.PaymentMethodID, Type: tender.TxRefund,
				Source: "ach_return", Method: cur.Method, Success: true, Status: tender.StatusSuccess,
				Message: st.Message, Total: left, LastFour: cur.LastFour, DeclineCode: st.ReturnCode,
				Meta: []byte(`{"return_code":"` + st.ReturnCode + `"}`), CreatedAt: now, UpdatedAt: now,
			}
			cur.TotalRefunded += left
		}
		if err := tx.TransactionUpdate(ctx, cur); err != nil {
			return err
		}
		if st.Dispute != "" {
			if err := s.settlementDispute(ctx, tx, cur, processor, st, now); err != nil {
				return err
			}
		}
		if ret != nil {
			if err := tx.TransactionCreate(ctx, ret); err != nil {
				return err
			}
			if err := s.reverseFunding(ctx, tx, cur, ret); err != nil {
				return err
			}
			if err := s.applyToInvoice(ctx, tx, ret, 0); err != nil {
				return err
			}
		}
		for _, d := range depositEntries(cur, ret, batchID, st.Fee, now) {
			if err := tx.DepositRecord(ctx, d); err != nil {
				return err
			}
		}
		view, err := s.View(ctx, tx, cur)
		if err != nil {
			return err
		}
		done = true
		return s.emit(ctx, tx, cur.MerchantID, tender.EventUpdateTransactionSettled, "transaction", cur.ID, view)
	})
	return done, err
}

// reverseFunding gives a refund or void child c of a split-funded payment p
// its allocations: a void reverses them all; refunds reverse them in
// proportion, computed on the running total refunded so that the refunds of
// a fully refunded payment reverse each allocation exactly. Call it after
// p's totals include c.
func (s *Service) reverseFunding(ctx context.Context, tx store.Executor, p, c *tender.Transaction) error {
	if c.Type != tender.TxRefund && c.Type != tender.TxVoid {
		return nil
	}
	all, err := tx.FundingOf(ctx, []string{p.ID})
	if err != nil || len(all[p.ID]) == 0 {
		return err
	}
	alloc := all[p.ID]
	if c.Type == tender.TxVoid {
		return tx.FundingCreate(ctx, c.ID, alloc)
	}
	after := tender.SplitProportionally(alloc, p.Total, p.TotalRefunded)
	before := tender.SplitProportionally(alloc, p.Total, p.TotalRefunded-c.Total)
	out := make([]tender.Funding, len(alloc))
	for i := range alloc {
		out[i] = tender.Funding{AccountID: alloc[i].AccountID, Amount: after[i].Amount - before[i].Amount}
		if out[i].Amount < 0 {
			// Rounding moved a cent backwards: fall back to a direct split.
			out = tender.SplitProportionally(alloc, p.Total, c.Total)
			break
		}
	}
	return tx.FundingCreate(ctx, c.ID, out)
}

// settlementDispute applies the dispute a processor reported with a
// payment's settlement (the sandbox's dispute cards) as its
// dispute-opened event: a processor event id derived from the payment, so
// it is applied once, and evidence due in 7 days.
func (s *Service) settlementDispute(ctx context.Context, tx store.Executor, p *tender.Transaction, processor string, st *gateway.Settlement, now tender.Time) error {
	m, err := tx.MerchantGet(ctx, p.MerchantID)
	if err != nil {
		return err
	}
	ref := "dp_sbx_" + strings.ReplaceAll(p.ID, "-", "")[:24]
	ev := &gateway.Event{ID: "evt_" + ref, Kind: gateway.EventDisputeOpened, Ref: p.GatewayRef, ChildRef: ref,
		Amount: p.Captured - p.TotalRefunded, Reason: st.DisputeReason, Status: st.Dispute, Currency: "USD",
		DueBy: now.Add(7 * 24 * time.Hour), Message: "Dispute " + st.Dispute + " (" + st.DisputeReason + ")."}
	var finalized *tender.Transaction // a dispute finalizes no payment
	if err := s.applyProcessorEvent(ctx, tx, m, processor, ev, &finalized); err != nil && !errors.Is(err, errReplayed) {
		return err
	}
	return nil
}
