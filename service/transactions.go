package service

import (
	"context"
	"errors"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

func invalid(field, msg string) error {
	errs := tender.FieldErrors{}
	errs.Add(field, msg)
	return errs.Err()
}

// Act captures, voids or refunds the payment parentID (op is one of
// tender.OpCapture, OpVoid, OpRefund, OpVoidOrRefund). The response is the
// parent with the new child transaction, as on Stax.
//
// The checks and the reservation (pending_op for capture and void, pending
// refunds for refunds) happen under a row lock in one database transaction,
// so concurrent requests cannot refund more than was captured, capture
// twice, or capture or refund a voided payment.
func (s *Service) Act(ctx context.Context, merchantID, parentID, op string, in *tender.ActionInput) (*Result, error) {
	errs := tender.FieldErrors{}
	var amount tender.Amount
	if op != tender.OpVoid && in.Total.IsSet() {
		amount = in.Total.Parse(errs, "total", false, 1)
	}
	id := newIdem(op, in.IdempotencyID, struct {
		Parent string
		Total  tender.Amount
	}{parentID, amount}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	var parent, child *tender.Transaction
	childID := tender.NewID()
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		// Claim the key first: a duplicate replays the first answer even when
		// the parent has changed since (e.g. is now fully refunded).
		if err := s.claim(ctx, tx, merchantID, id, childID); err != nil {
			return err
		}
		p, err := tx.TransactionGetForUpdate(ctx, merchantID, parentID)
		if err != nil {
			return err
		}
		kind := op
		if op == tender.OpVoidOrRefund {
			kind = tender.OpVoid
			if p.Settled() {
				kind = tender.OpRefund
			}
		}
		if amount, err = reserve(p, kind, amount); err != nil {
			return err
		}
		now := tender.NewTime(s.now())
		p.UpdatedAt = now
		child = &tender.Transaction{
			ID: childID, MerchantID: merchantID, ParentID: p.ID, InvoiceID: p.InvoiceID,
			CustomerID: p.CustomerID, PaymentMethodID: p.PaymentMethodID, Type: kind, Source: p.Source,
			Method: p.Method, Status: tender.StatusPending, Total: amount, LastFour: p.LastFour,
			Meta: []byte("{}"), IdempotencyID: in.IdempotencyID, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.TransactionUpdate(ctx, p); err != nil {
			return err
		}
		parent = p
		return tx.TransactionCreate(ctx, child)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}

	ctx = context.WithoutCancel(ctx)
	gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
	var res *gateway.Result
	switch child.Type {
	case tender.OpCapture:
		res, err = gw.Capture(gctx, child.ID, parent.GatewayRef, amount)
	case tender.OpVoid:
		res, err = gw.Void(gctx, child.ID, parent.GatewayRef)
	case tender.OpRefund:
		res, err = gw.Refund(gctx, child.ID, parent.GatewayRef, amount)
	}
	cancel()
	res, err, refused := declineUnsupported(res, err)
	out, err := s.finalizeChild(ctx, child, res, err)
	if refused != nil && err == nil {
		return nil, refused
	}
	return out, err
}

// reserve checks that kind may act on p now and marks the reservation on p.
// It returns the amount (defaulted to the whole).
func reserve(p *tender.Transaction, kind string, amount tender.Amount) (tender.Amount, error) {
	switch {
	case p.ParentID != "" || !(p.IsPayment() || p.Type == tender.TxCredit && kind == tender.OpVoid):
		return 0, invalid("id", "Only a charge or pre-authorization (or, for a void, a credit) can be "+pastTense(kind)+".")
	case p.Source == tender.SourceManual:
		return 0, invalid("id", "A payment recorded outside Tender cannot be "+pastTense(kind)+" here.")
	case p.Status == tender.StatusPending:
		return 0, invalid("id", "The transaction is still pending.")
	case !p.Success:
		return 0, invalid("id", "A failed transaction cannot be "+pastTense(kind)+".")
	case p.IsVoided:
		return 0, invalid("id", "The transaction was voided.")
	case p.PendingOp != "":
		return 0, tender.Errorf(tender.ECONFLICT, "A %s of this transaction is in progress.", p.PendingOp)
	}
	switch kind {
	case tender.OpCapture:
		if p.Type != tender.TxPreAuth {
			return 0, invalid("id", "Only a pre-authorization can be captured.")
		}
		if p.IsCaptured {
			return 0, invalid("id", "The pre-authorization was already captured.")
		}
		if amount == 0 {
			amount = p.Total
		}
		if amount > p.Total {
			return 0, invalid("total", "The total may not be greater than the authorized "+p.Total.String()+".")
		}
		p.PendingOp = tender.OpCapture
	case tender.OpVoid:
		if p.Settled() {
			return 0, invalid("id", "The transaction has settled; refund it instead.")
		}
		if p.TotalRefunded > 0 || p.PendingRefunds > 0 {
			return 0, invalid("id", "A refunded transaction cannot be voided.")
		}
		amount = p.Total
		p.PendingOp = tender.OpVoid
	case tender.OpRefund:
		if p.Type == tender.TxPreAuth && !p.IsCaptured {
			return 0, invalid("id", "An uncaptured pre-authorization cannot be refunded; void it instead.")
		}
		if !p.Settled() {
			return 0, invalid("id", "The transaction has not settled yet; void it instead.")
		}
		left := p.Refundable()
		if amount == 0 {
			amount = left
		}
		if left <= 0 {
			return 0, invalid("total", "The transaction was already fully refunded.")
		}
		if amount > left {
			return 0, invalid("total", "The total may not be greater than the refundable "+left.String()+".")
		}
		p.PendingRefunds += amount
	}
	return amount, nil
}

func pastTense(kind string) string {
	switch kind {
	case tender.OpCapture:
		return "captured"
	case tender.OpVoid:
		return "voided"
	}
	return "refunded"
}

// finalizeChild records the processor's answer to a capture, void or
// refund, releases the parent's reservation and applies the result to it, in
// one database transaction with the events and the idempotent response.
func (s *Service) finalizeChild(ctx context.Context, child *tender.Transaction, res *gateway.Result, gerr error) (*Result, error) {
	var out Result
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
		c, err := tx.TransactionGetForUpdate(ctx, child.MerchantID, child.ID)
		if err != nil {
			return err
		}
		p, err := tx.TransactionGetForUpdate(ctx, child.MerchantID, child.ParentID)
		if err != nil {
			return err
		}
		finalized := false
		if c.Status == tender.StatusPending {
			now := tender.NewTime(s.now())
			c.UpdatedAt = now
			if gerr != nil {
				c.GatewayUnknown, c.Message = true, unknownMessage
			} else {
				finalized = true
				apply(c, res)
				p.UpdatedAt = now
				switch c.Type {
				case tender.TxCapture:
					p.PendingOp = ""
					if c.Success {
						p.IsCaptured, p.Captured = true, c.Total
					}
				case tender.TxVoid:
					p.PendingOp = ""
					if c.Success {
						p.IsVoided = true
					}
				case tender.TxRefund:
					p.PendingRefunds -= c.Total
					if c.Success {
						p.TotalRefunded += c.Total
					}
				}
				if err := tx.TransactionUpdate(ctx, p); err != nil {
					return err
				}
			}
			if err := tx.TransactionUpdate(ctx, c); err != nil {
				return err
			}
			if finalized && c.Success {
				if err := s.reverseFunding(ctx, tx, p, c); err != nil {
					return err
				}
				if err := s.applyToInvoice(ctx, tx, c, 0); err != nil {
					return err
				}
			}
		}
		view, err := s.View(ctx, tx, p)
		if err != nil {
			return err
		}
		out = Result{View: view, Outcome: outcomeOf(c)}
		if !finalized {
			return nil
		}
		cv, err := s.View(ctx, tx, c)
		if err != nil {
			return err
		}
		if err := s.emit(ctx, tx, c.MerchantID, tender.EventCreateTransaction, "transaction", c.ID, cv); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, p.MerchantID, tender.EventUpdateTransaction, "transaction", p.ID, view); err != nil {
			return err
		}
		return s.complete(ctx, tx, c.ID, out.Outcome, view)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ResolvePending is the janitor: it asks the processor about transactions
// left PENDING longer than olderThan (an unknown outcome, or a crash between
// the processor call and its record) and records the answer. A request the
// processor never received is fenced there and recorded as failed, so it
// can never be charged later. It returns how many it resolved.
func (s *Service) ResolvePending(ctx context.Context, olderThan time.Duration) (int, error) {
	pending, err := s.Store.TransactionsPending(ctx, s.Now().Add(-olderThan), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range pending {
		if t.Source == SourceTerminal && t.ParentID == "" {
			// A terminal payment is the device's until it presents a card.
			req, err := s.Store.TerminalRequestByTransaction(ctx, t.ID)
			if err != nil || req.State != terminalAuthorizing {
				continue
			}
		}
		gw, err := s.gatewayFor(ctx, t.MerchantID)
		if err != nil {
			s.log().Warn("janitor: the merchant's processor is unavailable", "transaction_id", t.ID, "error", tender.ErrorMessage(err))
			continue
		}
		res, found, err := gw.Resolve(ctx, t.ID)
		if err != nil {
			s.log().Warn("janitor: resolve failed", "transaction_id", t.ID, "error", err.Error())
			continue
		}
		if !found {
			res = &gateway.Result{Message: "The processor never received the request; nothing was charged.", DeclineCode: "not_processed"}
		}
		if t.ParentID != "" {
			_, err = s.finalizeChild(ctx, t, res, nil)
		} else {
			_, err = s.finalizePayment(ctx, t, res, nil, nil)
		}
		if err != nil {
			s.log().Warn("janitor: finalize failed", "transaction_id", t.ID, "error", err.Error())
			continue
		}
		n++
	}
	return n, nil
}

// Settle closes a batch: every successful, unsettled payment and credit of
// merchantID ("" for all merchants) created before before is settled with
// the processor. Bank debits the processor returns (NSF) get a return child
// that refunds them. It returns how many transactions settled.
func (s *Service) Settle(ctx context.Context, merchantID string, before time.Time) (int, error) {
	batchID := tender.NewID()
	settled := 0
	skip := map[string]bool{}
	for {
		ts, err := s.Store.TransactionsUnsettled(ctx, merchantID, before, 200)
		if err != nil {
			return settled, err
		}
		progress := false
		for _, t := range ts {
			if skip[t.ID] {
				continue
			}
			skip[t.ID] = true
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
			ok, err := s.settleOne(ctx, t, batchID, st)
			if err != nil {
				return settled, err
			}
			if ok {
				settled++
			}
			progress = true
		}
		if !progress {
			return settled, nil
		}
	}
}

func (s *Service) settleOne(ctx context.Context, t *tender.Transaction, batchID string, st *gateway.Settlement) (bool, error) {
	done := false
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
