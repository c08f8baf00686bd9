package service

import (
	"context"
	"errors"
	"net/http"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/store"
)

// errReplayed rolls back a processor event already applied.
var errReplayed = errors.New("processor event already applied")

// ApplyProcessorEvent verifies an event that processor name pushed for
// merchantID (POST /processor/{name}/webhook/{merchant_id}) with the
// merchant's own webhook secret and applies it, once per event id: a
// refund made on the processor's side becomes a REFUND child (unless Tender
// already recorded it, by the refund's reference), a failed payment is
// recorded as an ACH return, a dispute is recorded (a Dispute, one per
// processor dispute id) and announced, and a
// payment whose own answer was lost is finalized with the outcome the event
// reports (finalizeFromEvent). Each in one database transaction with its
// events.
//
// A bad signature is EBADREQUEST and changes nothing; a merchant that is
// not on that processor is ENOTFOUND. While a refund of the payment is with
// the processor, a refund event is EUNAVAILABLE, so that the processor
// retries it once Tender knows that refund's reference; so is an event
// about a payment whose processor call may still be answered.
func (s *Service) ApplyProcessorEvent(ctx context.Context, name, merchantID string, payload []byte, header http.Header) error {
	m, err := s.store.MerchantGet(ctx, merchantID)
	if err != nil {
		return err
	}
	if m.Processor != name {
		return tender.NotFound("processor webhook")
	}
	e, err := s.openProcessor(m, s.procs.get(m.ID), s.Now())
	if err != nil {
		return tender.NotFound("processor webhook")
	}
	recv, ok := e.raw.(gateway.Receiver)
	if !ok {
		return tender.NotFound("processor webhook")
	}
	ev, err := recv.ParseEvent(payload, header)
	switch {
	case errors.Is(err, gateway.ErrBadSignature):
		return tender.Errorf(tender.EBADREQUEST, "The event's signature does not verify.")
	case err != nil:
		return tender.Errorf(tender.EBADREQUEST, "The event cannot be read.")
	case ev == nil:
		return nil // a kind Tender does not act on
	}
	// A payment the event finalizes is counted in the operator's metrics
	// once committed, as a payment the answer or the janitor finalizes.
	var finalized *tender.Transaction
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		finalized = nil
		return s.applyProcessorEvent(ctx, tx, m, name, ev, &finalized)
	})
	if errors.Is(err, errReplayed) {
		return nil
	}
	if err == nil && finalized != nil {
		s.observePayment(finalized)
	}
	return err
}

func (s *Service) applyProcessorEvent(ctx context.Context, tx store.Executor, m *tender.Merchant, name string, ev *gateway.Event, finalized **tender.Transaction) error {
	now := tender.NewTime(s.now())
	rec := &tender.ProcessorEvent{ID: tender.NewID(), MerchantID: m.ID, Processor: name, EventID: ev.ID, Kind: string(ev.Kind),
		ChildRef: ev.ChildRef, Amount: ev.Amount, Reason: ev.Reason, Status: ev.Status, Message: ev.Message, CreatedAt: now}
	if ev.Key != "" && ev.Result != nil {
		done, err := s.finalizeFromEvent(ctx, tx, ev, rec, finalized)
		if done || err != nil {
			return err
		}
	}
	var p *tender.Transaction
	found, err := tx.TransactionByGatewayRef(ctx, m.ID, ev.Ref)
	switch {
	case err == nil && found.ParentID == "":
		if p, err = tx.TransactionGetForUpdate(ctx, m.ID, found.ID); err != nil {
			return err
		}
		rec.TransactionID = p.ID
	case err == nil, tender.ErrorCode(err) == tender.ENOTFOUND:
		// Not a payment Tender made: recorded (so a replay is still once) and
		// otherwise left alone.
	default:
		return err
	}
	if err := tx.ProcessorEventInsert(ctx, rec); tender.ErrorCode(err) == tender.ECONFLICT {
		return errReplayed
	} else if err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	switch ev.Kind {
	case gateway.EventRefunded:
		if ev.ChildRef != "" {
			if _, err := tx.TransactionByGatewayRef(ctx, m.ID, ev.ChildRef); err == nil {
				return nil // Tender made (or already recorded) this refund
			} else if tender.ErrorCode(err) != tender.ENOTFOUND {
				return err
			}
		}
		if p.PendingRefunds > 0 || p.PendingOp != "" {
			return tender.Errorf(tender.EUNAVAILABLE, "An operation on this payment is with the processor; send the event again later.")
		}
		amount := min(ev.Amount, p.Captured-p.TotalRefunded)
		if amount <= 0 {
			return nil
		}
		c := s.processorChild(p, now, amount, "processor", ev.ChildRef, "Refunded at the processor.", "")
		p.TotalRefunded += amount
		return s.recordProcessorChild(ctx, tx, p, c)
	case gateway.EventPaymentFailed:
		left := p.Captured - p.TotalRefunded - p.PendingRefunds
		if !p.Success || p.IsVoided || left <= 0 {
			return nil
		}
		msg := ev.Message
		if msg == "" {
			msg = "The payment failed at the processor."
		}
		c := s.processorChild(p, now, left, "ach_return", ev.ChildRef, msg, ev.Reason)
		meta, err := jsonenc.Encode(map[string]string{"return_code": ev.Reason})
		if err != nil {
			return err
		}
		c.Meta = meta
		p.TotalRefunded += left
		return s.recordProcessorChild(ctx, tx, p, c)
	case gateway.EventDisputeOpened, gateway.EventDisputeClosed:
		if err := s.recordDispute(ctx, tx, p, name, ev, now); err != nil {
			return err
		}
		event := tender.EventTransactionDisputeOpened
		if ev.Kind == gateway.EventDisputeClosed {
			event = tender.EventTransactionDisputeClosed
		}
		return s.emit(ctx, tx, m.ID, event, "transaction_dispute", rec.ID, rec)
	}
	return nil
}

// finalizeFromEvent finalizes, with the event's result, the payment whose
// key the event names when that payment is still PENDING (its processor's
// answer was lost, or Tender crashed before recording it), exactly as
// finalizePayment would have, in the event's transaction tx; done tells
// that it did. A payment not PENDING is left to the usual handling (for an
// approval, a no-op).
//
// While the original call may still be answered (the payment is younger
// than the gateway timeout and not marked outcome-unknown) the event is
// EUNAVAILABLE (503 with Retry-After) and nothing is written, so the
// processor sends it again later: the answer, when it comes, is recorded by
// the call as usual, and the event is then a no-op. The row lock taken here
// is the one finalizePayment and the janitor take, so of the answer, the
// janitor and the event exactly one finalizes.
func (s *Service) finalizeFromEvent(ctx context.Context, tx store.Executor, ev *gateway.Event, rec *tender.ProcessorEvent, finalized **tender.Transaction) (bool, error) {
	t, err := tx.TransactionGetForUpdate(ctx, rec.MerchantID, ev.Key)
	switch {
	case tender.ErrorCode(err) == tender.ENOTFOUND:
		return false, nil
	case err != nil:
		return false, err
	case t.ParentID != "" || t.Status != tender.StatusPending || !t.IsPayment():
		return false, nil
	}
	if !t.GatewayUnknown && s.now().Sub(t.CreatedAt.Time) < s.gatewayTimeout() {
		return false, tender.Errorf(tender.EUNAVAILABLE, "The payment's answer from the processor may still come; send the event again later.")
	}
	rec.TransactionID = t.ID
	if err := tx.ProcessorEventInsert(ctx, rec); tender.ErrorCode(err) == tender.ECONFLICT {
		return true, errReplayed
	} else if err != nil {
		return true, err
	}
	if _, err = s.finalizePaymentIn(ctx, tx, t, ev.Result, nil, newViewCache(), false, false); err == nil && t.Status != tender.StatusPending {
		*finalized = t
	}
	return true, err
}

func (s *Service) processorChild(p *tender.Transaction, now tender.Time, amount tender.Amount, source, ref, msg, code string) *tender.Transaction {
	return &tender.Transaction{
		ID: tender.NewID(), MerchantID: p.MerchantID, ParentID: p.ID, InvoiceID: p.InvoiceID, CustomerID: p.CustomerID,
		PaymentMethodID: p.PaymentMethodID, Type: tender.TxRefund, Source: source, Method: p.Method, Success: true,
		Status: tender.StatusSuccess, Message: msg, Total: amount, LastFour: p.LastFour, GatewayRef: ref,
		DeclineCode: code, Meta: []byte("{}"), CreatedAt: now, UpdatedAt: now,
	}
}

// recordProcessorChild writes a refund child c the processor reported on
// p (whose totals already include it) with its funding reversal, its
// invoice's update and the events, as finalizeChild does.
func (s *Service) recordProcessorChild(ctx context.Context, tx store.Executor, p, c *tender.Transaction) error {
	p.UpdatedAt = c.CreatedAt
	if err := tx.TransactionUpdate(ctx, p); err != nil {
		return err
	}
	if err := tx.TransactionCreate(ctx, c); err != nil {
		return err
	}
	if err := s.reverseFunding(ctx, tx, p, c); err != nil {
		return err
	}
	if err := s.applyToInvoice(ctx, tx, c, 0); err != nil {
		return err
	}
	cv, err := s.View(ctx, tx, c)
	if err != nil {
		return err
	}
	if err := s.emit(ctx, tx, c.MerchantID, tender.EventCreateTransaction, "transaction", c.ID, cv); err != nil {
		return err
	}
	view, err := s.View(ctx, tx, p)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, p.MerchantID, tender.EventUpdateTransaction, "transaction", p.ID, view)
}
