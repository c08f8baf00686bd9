package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/internal/jsonenc"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// PayInvoice charges a stored payment method for an invoice (the balance,
// or part of it when partial payments are enabled), optionally split across
// the merchant's funding accounts. The payment is reserved on the invoice
// under its row lock together with the PENDING transaction and the
// idempotency key, and the invoice is updated in the same database
// transaction that records the processor's answer.
func (s *Service) PayInvoice(ctx context.Context, merchantID, invoiceID string, in *tender.PayInvoiceInput) (*Result, error) {
	p, err := in.Validate()
	if err != nil {
		return nil, err
	}
	pmID, total, meta, funding := p.PaymentMethodID, p.Total, p.Meta, p.Funding
	id := idemOf("invoice_pay", p.IdempotencyID, struct {
		Invoice, PM string
		Total       tender.Amount
		Funding     []tender.Funding
	}{invoiceID, pmID, total, funding})
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	inv, err := s.store.InvoiceGet(ctx, merchantID, invoiceID)
	if err != nil {
		return nil, err
	}
	// A refusal before the key is claimed: a retry is answered from its
	// record instead, even if what it names has changed since (as Charge).
	refused := func(err error) (*Result, error) {
		if s.seen(ctx, merchantID, id) {
			return s.replay(ctx, merchantID, id)
		}
		return nil, err
	}
	if pmID == "" {
		pmID = inv.PaymentMethodID
	}
	if pmID == "" {
		return refused(invalid("payment_method_id", "The payment method id field is required."))
	}
	if len(funding) > 0 {
		if err := s.checkFunding(ctx, merchantID, funding); err != nil {
			return refused(err)
		}
	}
	pm, sec, cust, err := s.store.PaymentMethodWithSecret(ctx, merchantID, pmID)
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && pm.DeletedAt != nil {
		return refused(invalid("payment_method_id", "The selected payment method id is invalid."))
	} else if err != nil {
		return nil, err
	}
	if err := customerLive(cust); err != nil {
		return refused(err)
	}
	if err := supports(gw, gateway.OpAuthorize, pm.Method); err != nil {
		return refused(err)
	}
	if in.EmailReceipt {
		// Checked before the payment: a receipt asked for that cannot go
		// out is refused, not dropped after the card was charged.
		if err := s.receiptRecipient(ctx, merchantID, pm.CustomerID); err != nil {
			return refused(err)
		}
	}
	gwReq := gateway.Request{Capture: true}
	if err := s.unseal(pm, sec, &gwReq); err != nil {
		return refused(err)
	}
	now := tender.NewTime(s.now())
	t := &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, InvoiceID: inv.ID, CustomerID: pm.CustomerID,
		PaymentMethodID: pm.ID, Type: tender.TxCharge, Source: SourceInvoice, Method: pm.Method,
		Status: tender.StatusPending, LastFour: pm.CardLastFour, Meta: meta, IdempotencyID: in.IdempotencyID,
		CreatedAt: now, UpdatedAt: now,
	}
	r := &reservedPayment{gw: gw, t: t, pm: pm, req: gwReq, funding: funding}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, merchantID, id, t.ID); err != nil {
			return err
		}
		if err := s.reserveInvoicePayment(ctx, tx, t, total, funding); err != nil {
			return err
		}
		return s.authorizeReservedIn(ctx, tx, r)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	return s.payReserved(ctx, r, bool(in.EmailReceipt))
}

// reservedPayment is a payment of an invoice reserved (t, PENDING, to be
// authorized on gw for pm with req and split as funding) and, when the
// processor decided it in the transaction that reserved it, already final
// (paid).
type reservedPayment struct {
	gw      gateway.Gateway
	t       *tender.Transaction
	pm      *tender.PaymentMethod
	req     gateway.Request
	funding []tender.Funding
	paid    *Result
	final   *tender.Transaction
}

// authorizeReservedIn is authorizeInvoicePayment in tx, the database
// transaction that reserved r.t, when the processor decides at once
// (inlineProcessor, the sandbox): the reservation, the processor's ledger
// entry, the final payment with the invoice it pays, the events and the
// idempotent response commit together, one transaction instead of three.
// It sets r.paid and r.final; it writes nothing, and leaves them nil, when
// the processor cannot (any other processor, or an amount the sandbox
// answers slowly or not at all): payReserved then authorizes as before.
func (s *Service) authorizeReservedIn(ctx context.Context, tx store.Executor, r *reservedPayment) error {
	r.paid, r.final = nil, nil // a unit run again starts afresh
	p, ok := r.gw.(inlineProcessor)
	if !ok {
		return nil
	}
	req := r.req
	req.Key, req.Amount, req.Capture = r.t.ID, r.t.Total, true
	res, entry, ok := p.AuthorizeInline(req)
	if !ok {
		return nil
	}
	if _, _, err := tx.SandboxRecord(ctx, entry); err != nil {
		return err
	}
	// Copies: a unit run again starts from the payment as reserved and the
	// payment method as read (finalizePaymentIn marks its CVV erased).
	known := newViewCache()
	method := *r.pm
	known.methods[method.ID] = &method
	known.funding[r.t.ID] = r.funding
	cur := *r.t
	out, err := s.finalizePaymentIn(ctx, tx, &cur, res, nil, known, true, true)
	if err != nil {
		return err
	}
	r.paid, r.final = out, &cur
	return nil
}

// payReserved answers the reserved payment r: paid already, it follows up
// its commit (the payments metrics); otherwise it authorizes it
// (authorizeInvoicePayment). With receipt the customer is emailed the
// outcome once it is known.
func (s *Service) payReserved(ctx context.Context, r *reservedPayment, receipt bool) (*Result, error) {
	if r.paid == nil {
		return s.authorizeInvoicePayment(ctx, r.gw, r.t, r.pm, r.req, r.funding, receipt)
	}
	s.observePayment(r.final)
	if receipt {
		s.invoiceReceipt(ctx, r.final, r.paid)
	}
	return r.paid, nil
}

// invoiceReceipt emails the customer the outcome of the invoice payment t
// (out, its answer) once it is known.
func (s *Service) invoiceReceipt(ctx context.Context, t *tender.Transaction, out *Result) {
	if out.Outcome == OutcomePending {
		return
	}
	if _, err := s.SendReceipt(ctx, t.MerchantID, t.ID, ChannelEmail, ""); err != nil {
		s.log().Warn("invoice receipt not queued", "transaction_id", t.ID, "error", tender.ErrorMessage(err))
	}
}

// reserveInvoicePayment locks t's invoice, checks that amount (0: the
// payable balance) may be paid now, reserves it on the invoice and writes
// the PENDING transaction t with its split funding, inside tx.
func (s *Service) reserveInvoicePayment(ctx context.Context, tx store.Executor, t *tender.Transaction, amount tender.Amount, funding []tender.Funding) error {
	inv, err := tx.InvoiceGetForUpdate(ctx, t.MerchantID, t.InvoiceID)
	if err != nil {
		return err
	}
	if t.Total, err = payable(inv, amount); err != nil {
		return err
	}
	if err := fundingSums(funding, t.Total); err != nil {
		return err
	}
	inv.PendingPayments += t.Total
	inv.UpdatedAt = t.CreatedAt
	if err := tx.InvoiceUpdate(ctx, inv); err != nil {
		return err
	}
	if err := tx.TransactionCreate(ctx, t); err != nil {
		return err
	}
	return tx.FundingCreate(ctx, t.ID, funding)
}

// authorizeInvoicePayment sends a reserved invoice payment to the processor
// and records its answer (which updates the invoice); with receipt, the
// customer is emailed the outcome once it is known.
func (s *Service) authorizeInvoicePayment(ctx context.Context, gw gateway.Gateway, t *tender.Transaction, pm *tender.PaymentMethod, gwReq gateway.Request, funding []tender.Funding, receipt bool) (*Result, error) {
	// From here on the client going away must not stop the payment half way.
	ctx = context.WithoutCancel(ctx)
	gwReq.Key, gwReq.Amount, gwReq.Capture = t.ID, t.Total, true
	gctx, cancel := context.WithTimeout(ctx, s.gatewayTimeout())
	res, err := gw.Authorize(gctx, gwReq)
	cancel()
	known := newViewCache()
	known.methods[pm.ID] = pm
	known.funding[t.ID] = funding
	res, err, refusal := declineUnsupported(res, err)
	out, err := s.finalizePayment(ctx, t, res, err, known)
	if refusal != nil && err == nil {
		return nil, refusal
	}
	if err == nil && receipt {
		s.invoiceReceipt(ctx, t, out)
	}
	return out, err
}

// receiptRecipient checks that the customer a receipt goes to has a valid
// email address; without one it returns EINVALID on email_receipt.
func (s *Service) receiptRecipient(ctx context.Context, merchantID, customerID string) error {
	if customerID != "" {
		c, err := s.store.CustomerGet(ctx, merchantID, customerID)
		if err != nil && tender.ErrorCode(err) != tender.ENOTFOUND {
			return err
		}
		if c != nil && tender.ValidEmail(c.Email) {
			return nil
		}
	}
	return invalid("email_receipt", "The receipt cannot be sent: the payment method's customer has no valid email address. Add one to the customer, or leave email_receipt out.")
}

// payable checks that amount (0: the whole payable balance) may be paid on
// inv now and returns it.
func payable(inv *tender.Invoice, amount tender.Amount) (tender.Amount, error) {
	switch {
	case inv.DeletedAt != nil:
		return 0, invalid("id", "The invoice was deleted.")
	case inv.Status == tender.InvoicePaid || inv.BalanceDue == 0:
		return 0, invalid("id", "The invoice is already paid.")
	case inv.Payable() <= 0:
		return 0, tender.Errorf(tender.ECONFLICT, "A payment of this invoice is in progress.")
	}
	if amount == 0 {
		amount = inv.Payable()
	}
	if amount > inv.Payable() {
		return 0, invalid("total", "The total may not be greater than the balance due, "+notify.Dollars(inv.Payable())+".")
	}
	if !inv.IsPartialPaymentEnabled && amount != inv.BalanceDue {
		return 0, invalid("total", "Partial payments are not enabled for this invoice; the total must be the balance due, "+notify.Dollars(inv.BalanceDue)+".")
	}
	return amount, nil
}

// checkFunding checks split-funding allocations against the merchant.
func (s *Service) checkFunding(ctx context.Context, merchantID string, funding []tender.Funding) error {
	m, err := s.store.MerchantGet(ctx, merchantID)
	if err != nil {
		return err
	}
	if !m.Features.SplitFunding {
		return invalid("funding", "The merchant is not enrolled in split funding.")
	}
	errs := tender.FieldErrors{}
	for i, f := range funding {
		if m.FundingAccount(f.AccountID) == nil {
			errs.Add("funding."+strconv.Itoa(i)+".account_id", "The selected funding."+strconv.Itoa(i)+".account_id is invalid.")
		}
	}
	return errs.Err()
}

func fundingSums(funding []tender.Funding, total tender.Amount) error {
	if len(funding) == 0 {
		return nil
	}
	var sum tender.Amount
	for _, f := range funding {
		sum += f.Amount
	}
	if sum != total {
		return invalid("funding", "The split funding amounts ("+sum.String()+") must add up to the payment total ("+total.String()+").")
	}
	return nil
}

// PayInvoiceManual records a payment received outside Tender (cash, check,
// ...) on an invoice: a settled, immutable transaction that moves the
// invoice's balance and status.
func (s *Service) PayInvoiceManual(ctx context.Context, merchantID, invoiceID, method string, in *tender.ManualPaymentInput) (*Result, error) {
	p, err := in.Validate(method)
	if err != nil {
		return nil, err
	}
	m, total, meta := p.Method, p.Total, p.Meta
	id := idemOf("invoice_pay_manual", p.IdempotencyID, struct {
		Invoice, Method string
		Total           tender.Amount
	}{invoiceID, m, total})
	now := tender.NewTime(s.now())
	t := &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, InvoiceID: invoiceID, Type: tender.TxCharge,
		Source: tender.SourceManual, Method: strings.ToLower(m), Success: true, Status: tender.StatusSuccess,
		IsCaptured: true, Meta: meta, IdempotencyID: in.IdempotencyID, SettledAt: &now, BatchedAt: &now,
		CreatedAt: now, UpdatedAt: now,
	}
	var out Result
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, merchantID, id, t.ID); err != nil {
			return err
		}
		inv, err := tx.InvoiceGetForUpdate(ctx, merchantID, invoiceID)
		if err != nil {
			return err
		}
		if t.Total, err = payable(inv, total); err != nil {
			return err
		}
		t.Captured, t.CustomerID = t.Total, inv.CustomerID
		if err := tx.TransactionCreate(ctx, t); err != nil {
			return err
		}
		if err := s.applyToInvoice(ctx, tx, t, 0); err != nil {
			return err
		}
		view, err := s.View(ctx, tx, t)
		if err != nil {
			return err
		}
		out = Result{View: view}
		body, err := jsonenc.Encode(view)
		if err != nil {
			return err
		}
		return s.recordFinal(ctx, tx, t, body, "", body)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	return &out, nil
}

func init() {
	onPaymentFinal[SourceInvoice] = (*Service).releaseInvoicePayment
	onPaymentFinal[SourceWebPayment] = (*Service).releaseInvoicePayment
}

// releaseInvoicePayment is the onPaymentFinal hook of a payment of an
// invoice: it releases the reservation PayInvoice made and updates the
// invoice.
func (s *Service) releaseInvoicePayment(ctx context.Context, tx store.Executor, t *tender.Transaction) error {
	return s.applyToInvoice(ctx, tx, t, t.Total)
}

// applyToInvoice brings t's invoice up to date inside tx after t (a payment
// of it, or a child of one) changed: it releases released of the reserved
// payments, recomputes what is paid and the status, records a failed
// attempt, takes the catalog stock on the first payment, and emits the
// events.
func (s *Service) applyToInvoice(ctx context.Context, tx store.Executor, t *tender.Transaction, released tender.Amount) error {
	if t.InvoiceID == "" {
		return nil
	}
	inv, err := tx.InvoiceGetForUpdate(ctx, t.MerchantID, t.InvoiceID)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	now := tender.NewTime(s.now())
	inv.PendingPayments = max(inv.PendingPayments-released, 0)
	if t.ParentID == "" {
		inv.PaymentAttemptFailed, inv.PaymentAttemptMessage = !t.Success, ""
		if !t.Success {
			inv.PaymentAttemptMessage = t.Message
		}
		if t.PaymentMethodID != "" && t.Success {
			inv.PaymentMethodID = t.PaymentMethodID
		}
	}
	paid, err := tx.InvoicePaid(ctx, t.MerchantID, inv.ID)
	if err != nil {
		return err
	}
	inv.Recompute(paid, now)
	inv.UpdatedAt = now
	if paid > 0 && !inv.StockApplied {
		inv.StockApplied = true
		// Last in the transaction: every payment of an invoice with the
		// item waits for the item's row lock until this one commits.
		lines := tender.InvoiceLines(inv.Meta)
		if err := tx.Later(func() error { return s.takeStock(ctx, tx, inv.MerchantID, lines, now) }); err != nil {
			return err
		}
	}
	if err := tx.InvoiceUpdate(ctx, inv); err != nil {
		return err
	}
	view, err := s.invoiceView(ctx, tx, inv)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, inv.MerchantID, tender.EventUpdateInvoice, "invoice", inv.ID, view)
}

// takeStock takes an invoice's catalog lines out of their items' stock in
// tx, with an update_item event each; an item deleted from the catalog
// since is skipped.
func (s *Service) takeStock(ctx context.Context, tx store.Executor, merchantID string, lines []tender.InvoiceLine, now tender.Time) error {
	for _, l := range lines {
		err := tx.ItemTakeStock(ctx, merchantID, l.ItemID, l.Quantity, now.Time)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			continue
		} else if err != nil {
			return err
		}
		it, err := tx.ItemGet(ctx, merchantID, l.ItemID)
		if err != nil {
			return err
		}
		if err := s.emit(ctx, tx, merchantID, tender.EventUpdateItem, "item", it.ID, it); err != nil {
			return err
		}
	}
	return nil
}
