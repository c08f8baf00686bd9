package service

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/store"
)

// Act captures, voids or refunds the payment parentID (op is one of
// tender.OpCapture, OpVoid, OpRefund, OpVoidOrRefund). The response is the
// parent with the new child transaction, as on Stax.
//
// The checks and the reservation (pending_op for capture and void, pending
// refunds for refunds) happen under a row lock in one database transaction,
// so concurrent requests cannot refund more than was captured, capture
// twice, or capture or refund a voided payment.
func (s *Service) Act(ctx context.Context, merchantID, parentID, op string, in *tender.ActionInput) (*Result, error) {
	amount, err := in.Validate(op)
	if err != nil {
		return nil, err
	}
	id := idemOf(op, in.IdempotencyID, struct {
		Parent string
		Total  tender.Amount
	}{parentID, amount})
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	// The sandbox answers in this transaction (inlineProcessor): the
	// reservation, the processor's answer and its record commit together.
	inline, _ := gw.(inlineProcessor)
	var parent, child *tender.Transaction
	var out *Result
	childID := tender.NewID()
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		out = nil
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
		parent = p
		if inline != nil {
			// Decided before either is written: the parent with its
			// reservation released, the child final.
			res, err := inline.FollowInline(ctx, tx, kind, childID, p.GatewayRef, amount)
			if err != nil {
				return err
			}
			settleChild(child, p, res, nil, now)
		}
		if err := tx.TransactionUpdate(ctx, p); err != nil {
			return err
		}
		if err := tx.TransactionCreate(ctx, child); err != nil {
			return err
		}
		if inline == nil {
			return nil
		}
		out, err = s.childFinal(ctx, tx, child, p, true)
		return err
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	if out != nil {
		return out, nil
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
	out, err = s.finalizeChild(ctx, child, res, err)
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
	var out *Result
	err := s.store.InTx(ctx, func(tx store.Executor) error {
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
			if finalized = settleChild(c, p, res, gerr, tender.NewTime(s.now())); finalized {
				if err := tx.TransactionUpdate(ctx, p); err != nil {
					return err
				}
			}
			if err := tx.TransactionUpdate(ctx, c); err != nil {
				return err
			}
		}
		out, err = s.childFinal(ctx, tx, c, p, finalized)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.warnCredentials(child, res)
	return out, nil
}

// settleChild applies the processor's answer res to the PENDING child c
// (a capture, void or refund) and to its parent p, whose reservation it
// releases, and reports whether c is final. With gerr (no answer) c stays
// PENDING, marked outcome-unknown, and p keeps its reservation.
func settleChild(c, p *tender.Transaction, res *gateway.Result, gerr error, now tender.Time) (finalized bool) {
	c.UpdatedAt = now
	if gerr != nil {
		c.GatewayUnknown, c.Message = true, unknownMessage
		return false
	}
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
	return true
}

// childFinal writes in tx what the child c of p, as written, brings with
// it, and returns the answer (p's view). When c was just made final: on
// success p's split funding and invoice follow it, and c's event, the
// idempotent response and p's update event are recorded.
func (s *Service) childFinal(ctx context.Context, tx store.Executor, c, p *tender.Transaction, finalized bool) (*Result, error) {
	if finalized && c.Success {
		if err := s.reverseFunding(ctx, tx, p, c); err != nil {
			return nil, err
		}
		if err := s.applyToInvoice(ctx, tx, c, 0); err != nil {
			return nil, err
		}
	}
	// Both views at once: one read each of the children, funding and
	// extras, and the customer and payment method they share.
	views, err := s.Views(ctx, tx, p.MerchantID, []*tender.Transaction{p, c})
	if err != nil {
		return nil, err
	}
	view, cv := views[0], views[1]
	out := &Result{View: view, Outcome: outcomeOf(c)}
	if !finalized {
		return out, nil
	}
	event, err := jsonenc.Encode(cv)
	if err != nil {
		return nil, err
	}
	body, err := jsonenc.Encode(view)
	if err != nil {
		return nil, err
	}
	// The response (and the replay) is the parent's view.
	if err := s.recordFinal(ctx, tx, c, event, out.Outcome, body); err != nil {
		return nil, err
	}
	return out, s.emitJSON(ctx, tx, p.MerchantID, tender.EventUpdateTransaction, "transaction", p.ID, body)
}

// ResolvePending is the janitor: it asks the processor about transactions
// left PENDING longer than olderThan (an unknown outcome, or a crash between
// the processor call and its record) and records the answer. A request the
// processor never received is fenced there and recorded as failed, so it
// can never be charged later. It returns how many it resolved.
func (s *Service) ResolvePending(ctx context.Context, olderThan time.Duration) (int, error) {
	pending, err := s.store.TransactionsPending(ctx, s.Now().Add(-olderThan), 100)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range pending {
		if t.Source == SourceTerminal && t.ParentID == "" {
			// A terminal payment is the device's until it presents a card.
			req, err := s.store.TerminalRequestByTransaction(ctx, t.ID)
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

// Transactions lists a merchant's transactions matching f (validated
// here), as views. A created_at range with at most one of customer and
// payment method reads by list position, O(page) (see store.Store's
// TransactionList).
func (s *Service) Transactions(ctx context.Context, merchantID string, f tender.TransactionFilter, lp tender.ListParams) (*tender.Page[*TransactionView], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*TransactionView], error) {
		page, err := st.TransactionList(ctx, merchantID, f, lp)
		if err != nil {
			return nil, err
		}
		views, err := s.Views(ctx, st, merchantID, page.Items)
		if err != nil {
			return nil, err
		}
		return &tender.Page[*TransactionView]{Items: views, Total: page.Total}, nil
	})
}

// TransactionFunding returns a transaction's split-funding allocations
// (empty unless split); ENOTFOUND for another merchant's.
func (s *Service) TransactionFunding(ctx context.Context, merchantID, id string) ([]tender.Funding, error) {
	t, err := s.store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	funding, err := s.store.FundingOf(ctx, []string{t.ID})
	if err != nil {
		return nil, err
	}
	if f := funding[t.ID]; f != nil {
		return f, nil
	}
	return []tender.Funding{}, nil
}
