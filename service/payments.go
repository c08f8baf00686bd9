package service

import (
	"context"
	"errors"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/store"
)

// errNotPending rolls back an optimistic finalisation whose transaction
// was no longer PENDING.
var errNotPending = errors.New("transaction no longer pending")

const unknownMessage = "The processor did not confirm the outcome; it will be resolved automatically. Retry with the same idempotency_id to get the result."

// DefaultGatewayTimeout bounds each processor call unless configured (the
// server's default and the serve flag's start from it).
const DefaultGatewayTimeout = 15 * time.Second

func (s *Service) gatewayTimeout() time.Duration {
	if s.GatewayTimeout > 0 {
		return s.GatewayTimeout
	}
	return DefaultGatewayTimeout
}

// Charge runs POST /charge (a sale, or a pre-authorization with pre_auth)
// or, with credit, POST /credit, on a stored payment method.
//
// The transaction is written as PENDING (together with the idempotency key)
// before the processor is called, and finalised with its event after, so a
// crash in between leaves a record the janitor resolves instead of a lost or
// doubled payment.
func (s *Service) Charge(ctx context.Context, merchantID string, in *tender.ChargeInput, credit bool) (*Result, error) {
	out, err := s.charge(ctx, merchantID, in, credit, true)
	if errors.Is(err, errReadMethod) {
		return s.charge(ctx, merchantID, in, credit, false)
	}
	return out, err
}

// errReadMethod: a charge made from a payment method held in memory
// (methodCache) wrote nothing, and must be made again from the payment
// method read: it changed since it was held, or the charge does not take
// the one-statement path that checks it.
var errReadMethod = errors.New("charge again with the payment method read")

// charge is Charge, from the payment method held in memory when useHeld
// and the processor decides inline (errReadMethod when that cannot be).
func (s *Service) charge(ctx context.Context, merchantID string, in *tender.ChargeInput, credit, useHeld bool) (*Result, error) {
	c, err := in.Validate(credit)
	if err != nil {
		return nil, err
	}
	pmID, total, meta, typ := c.PaymentMethodID, c.Total, c.Meta, c.Type
	scope := "charge"
	if credit {
		scope = "credit"
	}
	id := idemOf(scope, c.IdempotencyID, struct {
		PM      string
		Total   tender.Amount
		PreAuth bool
		Meta    string
	}{pmID, total, typ == tender.TxPreAuth, string(meta)})
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	_, inline := gw.(inlineProcessor)
	var pm *tender.PaymentMethod
	var sec *tender.PaymentMethodSecret
	var cust *tender.Customer
	held := false
	if useHeld && inline {
		pm, sec, cust, held = s.methods.get(merchantID, pmID)
	}
	if !held {
		pm, sec, cust, err = s.store.PaymentMethodWithSecret(ctx, merchantID, pmID)
		if err != nil || pm.DeletedAt != nil {
			if err != nil && tender.ErrorCode(err) != tender.ENOTFOUND {
				return nil, err
			}
			// A retry is answered from its record even if the payment method
			// has been deleted since.
			if s.seen(ctx, merchantID, id) {
				return s.replay(ctx, merchantID, id)
			}
			return nil, invalid("payment_method_id", "The selected payment method id is invalid.")
		}
		if err := customerLive(cust); err != nil {
			return nil, err
		}
		if inline && !pm.HasCVV {
			s.methods.put(pm, sec, cust)
		}
	}
	op := gateway.OpAuthorize
	if credit {
		op = gateway.OpCredit
	}
	if err := supports(gw, op, pm.Method); err != nil {
		return nil, err
	}
	// Decrypt before writing anything, so a vault failure leaves no record.
	gwReq := gateway.Request{Amount: total, Capture: typ == tender.TxCharge}
	if err := s.unseal(pm, sec, &gwReq); err != nil {
		if held { // sealed under a key since retired, say
			s.methods.forget(merchantID, pm.ID)
			return nil, errReadMethod
		}
		return nil, err
	}

	now := tender.NewTime(s.now())
	t := &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, CustomerID: pm.CustomerID, PaymentMethodID: pm.ID,
		Type: typ, Source: "api", Method: pm.Method, Status: tender.StatusPending, Total: total,
		PreAuth: typ == tender.TxPreAuth, LastFour: pm.CardLastFour, Meta: meta, IdempotencyID: in.IdempotencyID,
		CreatedAt: now, UpdatedAt: now,
	}
	known := newViewCache()
	known.methods[pm.ID] = pm
	known.customers[cust.ID] = cust
	claim := s.claimOf(merchantID, id, t.ID)
	var unchanged *store.Unchanged
	if held {
		unchanged = &store.Unchanged{PaymentMethodID: pm.ID, MethodUpdatedAt: pm.UpdatedAt.Time, CustomerUpdatedAt: cust.UpdatedAt.Time}
	}
	if out, handled, err := s.chargeInline(ctx, gw, credit, t, gwReq, claim, known, unchanged); handled {
		if errors.Is(err, store.ErrChanged) {
			s.methods.forget(merchantID, pm.ID)
			return nil, errReadMethod
		}
		if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
			return s.replay(ctx, merchantID, id)
		}
		return out, err
	} else if held {
		return nil, errReadMethod // the two-step path reads the method it charges
	}
	err = s.store.TransactionCreateClaimed(ctx, claim, t)
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}

	// From here on the client going away must not stop the payment half way.
	ctx = context.WithoutCancel(ctx)
	gwReq.Key = t.ID
	gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
	var res *gateway.Result
	if credit {
		res, err = gw.Credit(gctx, gwReq)
	} else {
		res, err = gw.Authorize(gctx, gwReq)
	}
	cancel()
	res, err, refused := declineUnsupported(res, err)
	out, err := s.finalizePayment(ctx, t, res, err, known)
	if refused != nil && err == nil {
		return nil, refused
	}
	return out, err
}

// unseal fills req's card or bank from the vault.
func (s *Service) unseal(pm *tender.PaymentMethod, sec *tender.PaymentMethodSecret, req *gateway.Request) error {
	number, err := s.Vault.Open(sec.SealedNumber, sealAAD("number", pm.ID))
	if err != nil {
		return tender.Errorf(tender.EINTERNAL, "payment method %s: the vault could not open its number", pm.ID)
	}
	if pm.Method == tender.MethodBank {
		req.Bank = &gateway.Bank{Account: string(number), Routing: sec.BankRouting, Type: pm.BankType,
			HolderType: pm.BankHolderType, Name: pm.PersonName}
		return nil
	}
	card := &gateway.Card{Number: string(number), Name: pm.PersonName, Zip: pm.AddressZip, Address: pm.Address1}
	if len(pm.CardExp) == 6 {
		card.ExpMonth = atoi(pm.CardExp[:2])
		card.ExpYear = atoi(pm.CardExp[2:])
	}
	if sec.SealedCVV != "" {
		cvv, err := s.Vault.Open(sec.SealedCVV, sealAAD("cvv", pm.ID))
		if err != nil {
			return tender.Errorf(tender.EINTERNAL, "payment method %s: the vault could not open its cvv", pm.ID)
		}
		card.CVV = string(cvv)
	}
	req.Card = card
	return nil
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// apply copies a processor result onto t; an approved sale is captured in
// full.
func apply(t *tender.Transaction, res *gateway.Result) {
	t.Success, t.GatewayUnknown = res.Approved, false
	t.Status, t.Message = tender.StatusFailed, res.Message
	if res.Approved {
		t.Status, t.Message = tender.StatusSuccess, ""
	} else if t.Message == "" {
		t.Message = "Declined."
	}
	t.GatewayRef, t.AuthCode, t.DeclineCode = res.Ref, res.AuthCode, res.DeclineCode
	t.AVSCode, t.AVSMessage, t.CVVResult = res.AVSCode, res.AVSMessage, res.CVVResult
	if t.Success && t.Type == tender.TxCharge {
		t.Captured, t.IsCaptured = t.Total, true
	}
}

func outcomeOf(t *tender.Transaction) string {
	switch {
	case t.Status == tender.StatusPending:
		return OutcomePending
	case !t.Success:
		return tender.EDECLINED
	}
	return ""
}

// finalizePayment records the processor's answer to a charge, pre-auth or
// credit (gerr != nil: the outcome is unknown) with its event and the
// idempotent response, in one database transaction. A transaction that is
// no longer PENDING (the janitor got there first) is left as it is.
//
// known holds objects the caller already has (the payment method of a charge
// just made, which then has no children yet); nil when resolving later.
// cvvToErase tells whether t's card may still hold a CVV to erase once the
// processor has answered.
func cvvToErase(t *tender.Transaction, known *viewCache) bool {
	pm := known.methods[t.PaymentMethodID]
	return t.Method == tender.MethodCard && t.PaymentMethodID != "" && (pm == nil || pm.HasCVV)
}

// finalizeFresh records the processor's answer to a payment its caller has
// just written PENDING, when nothing else changes with it (no CVV to erase,
// no invoice or terminal request): the update, its event and the idempotent
// response are one Store.TransactionFinalize (one statement on PostgreSQL).
// errNotPending when the janitor resolved the transaction first.
func (s *Service) finalizeFresh(ctx context.Context, t *tender.Transaction, res *gateway.Result, known *viewCache) (*Result, error) {
	cur := *t
	cur.UpdatedAt = tender.NewTime(s.now())
	apply(&cur, res)
	out, ev, err := s.freshAnswer(ctx, &cur, known)
	if err != nil {
		return nil, err
	}
	switch err := s.store.TransactionFinalize(ctx, &cur, ev, out.Outcome, string(out.Body), s.now()); {
	case tender.ErrorCode(err) == tender.ENOTFOUND:
		return nil, errNotPending
	case err != nil:
		return nil, err
	}
	s.observePayment(&cur)
	return out, nil
}

// freshAnswer is the answer to a payment just decided (t with its
// processor's result applied, nothing else written since its caller built
// it) and its create_transaction event, whose payload is that answer.
func (s *Service) freshAnswer(ctx context.Context, t *tender.Transaction, known *viewCache) (*Result, *tender.Event, error) {
	views, err := s.views(ctx, s.store, t.MerchantID, []*tender.Transaction{t}, known, true)
	if err != nil {
		return nil, nil, err
	}
	body, err := jsonenc.Encode(views[0])
	if err != nil {
		return nil, nil, err
	}
	out := &Result{View: views[0], Body: body, Outcome: outcomeOf(t)}
	return out, s.newEvent(t.MerchantID, tender.EventCreateTransaction, "transaction", t.ID, body), nil
}

func (s *Service) finalizePayment(ctx context.Context, t *tender.Transaction, res *gateway.Result, gerr error, known *viewCache) (*Result, error) {
	fresh := known != nil
	if known == nil {
		known = newViewCache()
	}
	// The caller of a fresh payment wrote t as it is and has not let go of
	// it, so the update needs no locked read first, only the condition that
	// it is still PENDING; when it is not, the janitor got there first and
	// the locked read decides.
	optimistic := fresh
	if fresh && gerr == nil && onPaymentFinal[t.Source] == nil && !cvvToErase(t, known) {
		out, err := s.finalizeFresh(ctx, t, res, known)
		if !errors.Is(err, errNotPending) {
			return out, err
		}
		// The janitor got there first: the locked read decides.
		optimistic = false
	}
	var out *Result
	var finalized *tender.Transaction
	txn := func(tx store.Executor) error {
		finalized = nil
		cur := new(tender.Transaction)
		if optimistic {
			*cur = *t
		} else {
			var err error
			if cur, err = tx.TransactionGetForUpdate(ctx, t.MerchantID, t.ID); err != nil {
				return err
			}
		}
		var err error
		wasPending := cur.Status == tender.StatusPending
		out, err = s.finalizePaymentIn(ctx, tx, cur, res, gerr, known, fresh, optimistic)
		if err == nil && wasPending && cur.Status != tender.StatusPending {
			finalized = cur
		}
		return err
	}
	err := s.store.InTx(ctx, txn)
	if errors.Is(err, errNotPending) {
		optimistic = false
		err = s.store.InTx(ctx, txn)
	}
	if err != nil {
		return nil, err
	}
	if finalized != nil {
		s.observePayment(finalized)
	}
	if gerr != nil && !errors.Is(gerr, gateway.ErrUnknown) && !errors.Is(gerr, context.DeadlineExceeded) {
		s.log().Warn("gateway call failed; outcome unknown", "transaction_id", t.ID, "error", gerr.Error())
	}
	s.warnCredentials(t, res)
	return out, nil
}

// finalizePaymentIn is finalizePayment's database half, in tx: cur is the
// payment as read under its row lock (or, when optimistic, the caller's
// copy, updated only if still PENDING: errNotPending otherwise). A PENDING
// payment gets the processor's answer (gerr != nil: marked outcome-unknown),
// its CVV erased, its source's onPaymentFinal hook run, and its
// create_transaction event and idempotent response (recordFinal); a
// payment already final is only viewed. A processor event finalizing a payment whose answer
// was lost calls it from the event's own transaction (processorevents.go),
// so both paths have the same effects. known must not be nil.
func (s *Service) finalizePaymentIn(ctx context.Context, tx store.Executor, cur *tender.Transaction, res *gateway.Result, gerr error, known *viewCache, fresh, optimistic bool) (*Result, error) {
	finalized := false
	if cur.Status == tender.StatusPending {
		finalized = gerr == nil
		cur.UpdatedAt = tender.NewTime(s.now())
		if gerr != nil {
			cur.GatewayUnknown, cur.Message = true, unknownMessage
		} else {
			apply(cur, res)
		}
		update := tx.TransactionUpdate
		if optimistic {
			update = tx.TransactionUpdatePending
		}
		if err := update(ctx, cur); tender.ErrorCode(err) == tender.ENOTFOUND && optimistic {
			return nil, errNotPending
		} else if err != nil {
			return nil, err
		}
		if gerr == nil && cvvToErase(cur, known) {
			// PCI DSS 3.2: no CVV after authorization.
			if pm := known.methods[cur.PaymentMethodID]; pm != nil {
				pm.HasCVV = false
			}
			if err := tx.PaymentMethodEraseCVV(ctx, cur.PaymentMethodID, cur.UpdatedAt.Time); err != nil {
				return nil, err
			}
		}
		if hook := onPaymentFinal[cur.Source]; finalized && hook != nil {
			if err := hook(s, ctx, tx, cur); err != nil {
				return nil, err
			}
		}
	}
	views, err := s.views(ctx, tx, cur.MerchantID, []*tender.Transaction{cur}, known, fresh)
	if err != nil {
		return nil, err
	}
	view := views[0]
	// Encoded once: the response, the event's payload and the replay.
	body, err := jsonenc.Encode(view)
	if err != nil {
		return nil, err
	}
	out := &Result{View: view, Body: body, Outcome: outcomeOf(cur)}
	if !finalized {
		return out, nil
	}
	return out, s.recordFinal(ctx, tx, cur, body, out.Outcome, body)
}

// onPaymentFinal holds, by source, what else a payment of that source
// updates in the transaction that makes it final (its invoice, its terminal
// request); the files of those sources register theirs. Only a payment
// whose source has none can take finalizeFresh.
var onPaymentFinal = map[string]func(s *Service, ctx context.Context, tx store.Executor, t *tender.Transaction) error{}

// recordFinal writes, in tx, what every transaction just made final (a
// payment, or a capture, void or refund child) records with it: its
// create_transaction event (payload event, t's encoded view) and the
// response (with its outcome) replayed to a retry of the idempotency key
// claimed for it, if any. Payments, charges and children all end here.
func (s *Service) recordFinal(ctx context.Context, tx store.Executor, t *tender.Transaction, event []byte, outcome string, response []byte) error {
	if err := s.emitJSON(ctx, tx, t.MerchantID, tender.EventCreateTransaction, "transaction", t.ID, event); err != nil {
		return err
	}
	return tx.IdempotencyCompleteByTransaction(ctx, t.ID, outcome, string(response), s.now())
}

// warnCredentials tells the operator when the processor refused a
// merchant's credentials: its payments fail until a partner sets new ones.
func (s *Service) warnCredentials(t *tender.Transaction, res *gateway.Result) {
	if res != nil && res.DeclineCode == gateway.DeclineCredentials {
		s.log().Warn("processor refused the merchant's credentials; its payments fail until new ones are set",
			"merchant_id", t.MerchantID, "transaction_id", t.ID)
	}
}

// customerLive refuses a payment method whose customer was deleted: as at
// Stax, a deleted customer's payment methods are not chargeable (422).
func customerLive(c *tender.Customer) error {
	if c != nil && c.DeletedAt != nil {
		return invalid("payment_method_id", "The payment method's customer has been deleted; it cannot be charged.")
	}
	return nil
}
