package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// InvoiceView is an invoice as the API shows it: with its payments (each
// with its own children) and its customer.
type InvoiceView struct {
	*tender.Invoice
	ChildTransactions []*TransactionView `json:"child_transactions"`
	Customer          *tender.Customer   `json:"customer"`
}

// SourceInvoice marks a payment made with POST /invoice/{id}/pay.
const SourceInvoice = "invoice"

// InvoiceURL is the default base of an invoice's hosted payment page: the
// link sent to the customer is the base followed by the invoice id.
func (s *Service) InvoiceURL() string {
	base := strings.TrimSuffix(s.PublicURL, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	return base + "/pay/invoice/"
}

// InvoiceLink is the link to an invoice's hosted page.
func InvoiceLink(inv *tender.Invoice) string { return inv.URL + inv.ID }

// CreateInvoice validates in and stores a DRAFT invoice (sent at once with
// send_now).
func (s *Service) CreateInvoice(ctx context.Context, merchantID string, in *tender.InvoiceInput) (*InvoiceView, error) {
	now := tender.NewTime(s.now())
	inv := &tender.Invoice{ID: tender.NewID(), MerchantID: merchantID, Status: tender.InvoiceDraft,
		CreatedAt: now, UpdatedAt: now}
	lines, err := in.Apply(inv, true)
	if err != nil {
		return nil, err
	}
	if inv.URL == "" {
		inv.URL = s.InvoiceURL()
	}
	inv.Recompute(0, now)
	var view *InvoiceView
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		if err := s.refsValid(ctx, tx, inv, lines); err != nil {
			return err
		}
		if err := tx.InvoiceCreate(ctx, inv); err != nil {
			return err
		}
		var err error
		view, err = s.announceInvoice(ctx, tx, inv, tender.EventCreateInvoice, bool(in.SendNow))
		return err
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// announceInvoice builds the invoice's view, emits event with it and, with
// sendNow, emails the invoice, inside tx.
func (s *Service) announceInvoice(ctx context.Context, tx store.Executor, inv *tender.Invoice, event string, sendNow bool) (*InvoiceView, error) {
	view, err := s.invoiceView(ctx, tx, inv)
	if err != nil {
		return nil, err
	}
	if err := s.emit(ctx, tx, inv.MerchantID, event, "invoice", inv.ID, view); err != nil {
		return nil, err
	}
	if sendNow {
		return view, s.send(ctx, tx, inv, view, ChannelEmail)
	}
	return view, nil
}

// checkInvoiceRefs checks that the customer, payment method and catalog
// items an invoice names are the merchant's and live, adding to errs; it
// returns only the database's errors.
func (s *Service) checkInvoiceRefs(ctx context.Context, tx store.Executor, inv *tender.Invoice, lines []tender.InvoiceLine, errs tender.FieldErrors) error {
	if c, err := tx.CustomerGet(ctx, inv.MerchantID, inv.CustomerID); tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && c.DeletedAt != nil {
		errs.Add("customer_id", "The selected customer id is invalid.")
	} else if err != nil {
		return err
	}
	if inv.PaymentMethodID != "" {
		pm, err := tx.PaymentMethodGet(ctx, inv.MerchantID, inv.PaymentMethodID)
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && pm.DeletedAt != nil {
			errs.Add("payment_method_id", "The selected payment method id is invalid.")
		} else if err != nil {
			return err
		}
	}
	for _, l := range lines {
		it, err := tx.ItemGet(ctx, inv.MerchantID, l.ItemID)
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && it.DeletedAt != nil {
			errs.Add("meta.lineItems."+strconv.Itoa(l.Index)+".id", "The selected item id is invalid.")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// refsValid is checkInvoiceRefs answering 422 for what it finds.
func (s *Service) refsValid(ctx context.Context, tx store.Executor, inv *tender.Invoice, lines []tender.InvoiceLine) error {
	errs := tender.FieldErrors{}
	if err := s.checkInvoiceRefs(ctx, tx, inv, lines, errs); err != nil {
		return err
	}
	return errs.Err()
}

// UpdateInvoice changes an invoice that has received no money yet.
func (s *Service) UpdateInvoice(ctx context.Context, merchantID, id string, in *tender.InvoiceInput) (*InvoiceView, error) {
	var view *InvoiceView
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
		inv, err := tx.InvoiceGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if err := editable(inv); err != nil {
			return err
		}
		lines, err := in.Apply(inv, false)
		if err != nil {
			return err
		}
		if inv.URL == "" {
			inv.URL = s.InvoiceURL()
		}
		if err := s.refsValid(ctx, tx, inv, lines); err != nil {
			return err
		}
		now := tender.NewTime(s.now())
		inv.UpdatedAt = now
		inv.Recompute(0, now)
		if err := tx.InvoiceUpdate(ctx, inv); err != nil {
			return err
		}
		view, err = s.announceInvoice(ctx, tx, inv, tender.EventUpdateInvoice, bool(in.SendNow))
		return err
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

func editable(inv *tender.Invoice) error {
	switch {
	case inv.DeletedAt != nil:
		return invalid("id", "The invoice was deleted.")
	case inv.IsPaying():
		return invalid("id", "An invoice that has received a payment cannot be changed.")
	}
	return nil
}

// DeleteInvoice marks an unpaid invoice DELETED.
func (s *Service) DeleteInvoice(ctx context.Context, merchantID, id string) (*InvoiceView, error) {
	var view *InvoiceView
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
		inv, err := tx.InvoiceGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if err := editable(inv); err != nil {
			return err
		}
		now := tender.NewTime(s.now())
		inv.DeletedAt, inv.UpdatedAt, inv.Status = &now, now, tender.InvoiceDeleted
		if err := tx.InvoiceUpdate(ctx, inv); err != nil {
			return err
		}
		if view, err = s.invoiceView(ctx, tx, inv); err != nil {
			return err
		}
		return s.emit(ctx, tx, merchantID, tender.EventDeleteInvoice, "invoice", inv.ID, view)
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// Invoice returns one invoice with its payments.
func (s *Service) Invoice(ctx context.Context, merchantID, id string) (*InvoiceView, error) {
	inv, err := s.Store.InvoiceGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.invoiceView(ctx, s.Store, inv)
}

// Invoices lists invoices with their payments.
func (s *Service) Invoices(ctx context.Context, merchantID string, f tender.InvoiceFilter, lp tender.ListParams) (*tender.Page[*InvoiceView], error) {
	page, err := s.Store.InvoiceList(ctx, merchantID, f, lp)
	if err != nil {
		return nil, err
	}
	out := &tender.Page[*InvoiceView]{Total: page.Total, Items: make([]*InvoiceView, 0, len(page.Items))}
	for _, inv := range page.Items {
		v, err := s.invoiceView(ctx, s.Store, inv)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// invoiceView reads the invoice's payments and customer through q.
func (s *Service) invoiceView(ctx context.Context, q store.Executor, inv *tender.Invoice) (*InvoiceView, error) {
	v := &InvoiceView{Invoice: inv, ChildTransactions: []*TransactionView{}}
	top, err := q.TransactionsOfInvoice(ctx, inv.MerchantID, inv.ID)
	if err != nil {
		return nil, err
	}
	if len(top) > 0 {
		if v.ChildTransactions, err = s.Views(ctx, q, inv.MerchantID, top); err != nil {
			return nil, err
		}
	}
	c, err := q.CustomerGet(ctx, inv.MerchantID, inv.CustomerID)
	if err != nil && tender.ErrorCode(err) != tender.ENOTFOUND {
		return nil, err
	}
	v.Customer = c
	return v, nil
}

// PayInvoice charges a stored payment method for an invoice (the balance,
// or part of it when partial payments are enabled), optionally split across
// the merchant's funding accounts. The payment is reserved on the invoice
// under its row lock together with the PENDING transaction and the
// idempotency key, and the invoice is updated in the same database
// transaction that records the processor's answer.
func (s *Service) PayInvoice(ctx context.Context, merchantID, invoiceID string, in *tender.PayInvoiceInput) (*Result, error) {
	errs := tender.FieldErrors{}
	var total tender.Amount
	if in.Total.IsSet() {
		total = in.Total.Parse(errs, "total", false, 1)
	}
	meta := tender.MetaInput(in.Meta, errs)
	funding := make([]tender.Funding, len(in.Funding))
	for i, f := range in.Funding {
		field := "funding." + strconv.Itoa(i)
		funding[i].AccountID = strings.TrimSpace(f.AccountID)
		if funding[i].AccountID == "" {
			errs.Add(field+".account_id", "The "+field+".account_id field is required.")
		}
		funding[i].Amount = f.Amount.Parse(errs, field+".amount", true, 1)
	}
	pmID := strings.TrimSpace(in.PaymentMethodID)
	id := newIdem("invoice_pay", in.IdempotencyID, struct {
		Invoice, PM string
		Total       tender.Amount
		Funding     []tender.Funding
	}{invoiceID, pmID, total, funding}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	gw, err := s.gatewayFor(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	inv, err := s.Store.InvoiceGet(ctx, merchantID, invoiceID)
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
	pm, sec, _, err := s.Store.PaymentMethodWithSecret(ctx, merchantID, pmID)
	if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && pm.DeletedAt != nil {
		return refused(invalid("payment_method_id", "The selected payment method id is invalid."))
	} else if err != nil {
		return nil, err
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
	err = s.Store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, merchantID, id, t.ID); err != nil {
			return err
		}
		return s.reserveInvoicePayment(ctx, tx, t, total, funding)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	return s.authorizeInvoicePayment(ctx, gw, t, pm, gwReq, funding, bool(in.EmailReceipt))
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
	if err == nil && receipt && out.Outcome != OutcomePending {
		if _, rerr := s.SendReceipt(ctx, t.MerchantID, t.ID, ChannelEmail, ""); rerr != nil {
			s.log().Warn("invoice receipt not queued", "transaction_id", t.ID, "error", tender.ErrorMessage(rerr))
		}
	}
	return out, err
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
		return 0, invalid("total", "The total may not be greater than the balance due "+inv.Payable().String()+".")
	}
	if !inv.IsPartialPaymentEnabled && amount != inv.BalanceDue {
		return 0, invalid("total", "Partial payments are not enabled for this invoice; the total must be the balance due "+inv.BalanceDue.String()+".")
	}
	return amount, nil
}

// checkFunding checks split-funding allocations against the merchant.
func (s *Service) checkFunding(ctx context.Context, merchantID string, funding []tender.Funding) error {
	m, err := s.Store.MerchantGet(ctx, merchantID)
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

// ManualMethod normalises a manual payment method ("bank_transfer",
// "Bank-Transfer" → "BANK TRANSFER"); ok is false for unknown ones.
func ManualMethod(method string) (string, bool) {
	m := strings.ToUpper(strings.NewReplacer("_", " ", "-", " ", "+", " ").Replace(strings.TrimSpace(method)))
	for _, v := range tender.ManualMethods {
		if v == m {
			return m, true
		}
	}
	return "", false
}

// PayInvoiceManual records a payment received outside Tender (cash, check,
// ...) on an invoice: a settled, immutable transaction that moves the
// invoice's balance and status.
func (s *Service) PayInvoiceManual(ctx context.Context, merchantID, invoiceID, method string, in *tender.ManualPaymentInput) (*Result, error) {
	errs := tender.FieldErrors{}
	m, ok := ManualMethod(method)
	if !ok {
		errs.Add("method", "The method must be one of "+strings.Join(tender.ManualMethods, ", ")+".")
	}
	var total tender.Amount
	if in.Total.IsSet() {
		total = in.Total.Parse(errs, "total", false, 1)
	}
	meta := tender.MetaInput(in.Meta, errs)
	id := newIdem("invoice_pay_manual", in.IdempotencyID, struct {
		Invoice, Method string
		Total           tender.Amount
	}{invoiceID, m, total}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	now := tender.NewTime(s.now())
	t := &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, InvoiceID: invoiceID, Type: tender.TxCharge,
		Source: tender.SourceManual, Method: strings.ToLower(m), Success: true, Status: tender.StatusSuccess,
		IsCaptured: true, Meta: meta, IdempotencyID: in.IdempotencyID, SettledAt: &now, BatchedAt: &now,
		CreatedAt: now, UpdatedAt: now,
	}
	var out Result
	err := s.Store.InTx(ctx, func(tx store.Executor) error {
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
		if err := s.emit(ctx, tx, merchantID, tender.EventCreateTransaction, "transaction", t.ID, view); err != nil {
			return err
		}
		return s.complete(ctx, tx, t.ID, "", view)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.replay(ctx, merchantID, id)
	} else if err != nil {
		return nil, err
	}
	return &out, nil
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
	var taken []string
	if paid > 0 && !inv.StockApplied {
		inv.StockApplied = true
		for _, l := range tender.InvoiceLines(inv.Meta) {
			err := tx.ItemTakeStock(ctx, inv.MerchantID, l.ItemID, l.Quantity, now.Time)
			if tender.ErrorCode(err) == tender.ENOTFOUND {
				continue // deleted from the catalog since
			} else if err != nil {
				return err
			}
			taken = append(taken, l.ItemID)
		}
	}
	if err := tx.InvoiceUpdate(ctx, inv); err != nil {
		return err
	}
	for _, itemID := range taken {
		it, err := tx.ItemGet(ctx, inv.MerchantID, itemID)
		if err != nil {
			return err
		}
		if err := s.emit(ctx, tx, inv.MerchantID, tender.EventUpdateItem, "item", it.ID, it); err != nil {
			return err
		}
	}
	view, err := s.invoiceView(ctx, tx, inv)
	if err != nil {
		return err
	}
	return s.emit(ctx, tx, inv.MerchantID, tender.EventUpdateInvoice, "invoice", inv.ID, view)
}

// HostedInvoice is what the public invoice page shows.
type HostedInvoice struct {
	Invoice  *tender.Invoice
	Merchant string
	Customer string
	Memo     string
	Lines    []notify.Line
	// WebToken is the merchant's public web-payments token (for the
	// hosted card fields).
	WebToken string
	// CardAllowed is false when the customer may not pay invoices by card.
	CardAllowed bool
}

// ViewInvoice loads an invoice for its hosted page by id alone and, the
// first time a sent invoice is opened, marks it VIEWED.
func (s *Service) ViewInvoice(ctx context.Context, id string) (*HostedInvoice, error) {
	inv, err := s.Store.InvoiceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if inv.DeletedAt != nil {
		return nil, tender.NotFound("invoice")
	}
	if inv.ViewedAt == nil && inv.SentAt != nil {
		err := s.Store.InTx(ctx, func(tx store.Executor) error {
			cur, err := tx.InvoiceGetForUpdate(ctx, inv.MerchantID, inv.ID)
			if err != nil || cur.ViewedAt != nil {
				return err
			}
			now := tender.NewTime(s.now())
			cur.ViewedAt, cur.UpdatedAt = &now, now
			cur.Recompute(cur.TotalPaid, now)
			if err := tx.InvoiceUpdate(ctx, cur); err != nil {
				return err
			}
			inv = cur
			view, err := s.invoiceView(ctx, tx, cur)
			if err != nil {
				return err
			}
			return s.emit(ctx, tx, cur.MerchantID, tender.EventUpdateInvoice, "invoice", cur.ID, view)
		})
		if err != nil {
			return nil, err
		}
	}
	m, err := s.Store.MerchantGet(ctx, inv.MerchantID)
	if err != nil {
		return nil, err
	}
	h := &HostedInvoice{Invoice: inv, Merchant: m.CompanyName, WebToken: m.WebPaymentsToken, CardAllowed: true}
	if c, err := s.Store.CustomerGet(ctx, inv.MerchantID, inv.CustomerID); err == nil {
		h.Customer = strings.TrimSpace(c.Firstname + " " + c.Lastname)
		h.CardAllowed = c.AllowInvoiceCreditCardPayments
	}
	h.Memo, h.Lines = invoiceMetaForMessage(inv.Meta)
	return h, nil
}
