package service

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// Web payments: what Stax.js does with the merchant's public web-payments
// token (tokenize and pay), and the hosted invoice page's payment. The card
// number arrives from Tender's own hosted fields; it is sealed in the vault
// before anything is written and never leaves this package except to the
// processor.

// WebMerchant returns the merchant whose public web-payments token is
// token. Returns EUNAUTHORIZED for an unknown token.
func (s *Service) WebMerchant(ctx context.Context, token string) (*tender.Merchant, error) {
	if token == "" || len(token) > 128 {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	m, err := s.store.MerchantGetByWebToken(ctx, token)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	}
	return m, err
}

// webCustomer finds the customer a web payment belongs to, inside tx: the
// explicit customer_id as it is; else, unless match_customer is false, the
// first customer matching one of the demographic groups exactly (its stored
// demographics are left alone); else a new customer with the given
// demographics (address included: it goes on the customer, never to the
// processor).
func (s *Service) webCustomer(ctx context.Context, tx store.Executor, merchantID string, in *tender.WebPaymentInput) (*tender.Customer, error) {
	if id := val(in.CustomerID); id != "" {
		c, err := tx.CustomerGet(ctx, merchantID, id)
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && c.DeletedAt != nil {
			return nil, invalid("customer_id", "The selected customer id is invalid.")
		}
		return c, err
	}
	now := tender.NewTime(s.now())
	probe := &tender.Customer{ID: tender.NewID(), MerchantID: merchantID, AllowInvoiceCreditCardPayments: true,
		CreatedAt: now, UpdatedAt: now}
	in.CustomerInput().Apply(probe)
	if err := probe.Validate(); err != nil {
		return nil, err
	}
	if in.MatchCustomerEnabled() {
		for _, g := range tender.MatchGroups {
			if !g.Applies(probe) {
				continue
			}
			c, err := tx.CustomerMatch(ctx, merchantID, g, probe)
			if err == nil {
				return c, nil
			} else if tender.ErrorCode(err) != tender.ENOTFOUND {
				return nil, err
			}
		}
	}
	if err := tx.CustomerCreate(ctx, probe); err != nil {
		return nil, err
	}
	return probe, s.emit(ctx, tx, merchantID, tender.EventCreateCustomer, "customer", probe.ID, probe)
}

// WebTokenize is Stax.js tokenize(): it stores the card or bank account as
// a payment method of the matched, given or new customer. The answer is
// the public view (publicview.go).
func (s *Service) WebTokenize(ctx context.Context, m *tender.Merchant, in *tender.WebPaymentInput) (*tender.PaymentMethod, error) {
	// The customer is not known yet; validate and seal with a placeholder.
	p, err := s.preparePaymentMethod(m.ID, webMethodInput(in, "pending"))
	if err != nil {
		return nil, err
	}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		c, err := s.webCustomer(ctx, tx, m.ID, in)
		if err != nil {
			return err
		}
		p.pm.CustomerID = c.ID
		if err := holderFromCustomer(p, c); err != nil {
			return err
		}
		return s.storePaymentMethod(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return newPublicView(in).PaymentMethod(p.pm), nil
}

// WebPayResult is the answer of pay(): the invoice (PAID, ATTEMPTED, or
// with its payment PENDING) in the public view, and how the payment went.
type WebPayResult struct {
	Invoice *InvoiceView
	Outcome string // as Result.Outcome
}

// WebPay is Stax.js pay(): in one database transaction it finds or creates
// the customer, stores the payment method, creates an invoice for total
// (with meta's line items) and reserves its payment with the idempotency
// key; then the processor is asked, the answer recorded on the invoice, and
// the customer emailed a receipt saying whether it succeeded (unless
// send_receipt is false or the customer has no email). A retry with the
// same idempotency_id returns the same invoice without a second payment.
func (s *Service) WebPay(ctx context.Context, m *tender.Merchant, in *tender.WebPaymentInput) (*WebPayResult, error) {
	now := tender.NewTime(s.now())
	inv := &tender.Invoice{ID: tender.NewID(), MerchantID: m.ID, Status: tender.InvoiceDraft, CreatedAt: now, UpdatedAt: now}
	// The customer is found in the transaction below; a placeholder until then.
	placeholder := "pending"
	invIn := &tender.InvoiceInput{CustomerID: &placeholder, Total: in.Total, URL: in.URL, Meta: in.Meta}
	lines, err := invIn.Apply(inv, true)
	p, perr := s.preparePaymentMethod(m.ID, webMethodInput(in, "pending"))
	if err != nil || perr != nil {
		return nil, mergeInvalid(err, perr)
	}
	if inv.URL == "" {
		inv.URL = s.InvoiceURL()
	}
	inv.Recompute(0, now)
	errs := tender.FieldErrors{}
	id := newIdem("webpayment_pay", in.IdempotencyID, struct {
		Total       tender.Amount
		Fingerprint string
		Customer    *tender.CustomerInput
		CustomerID  string
		Meta        string
	}{inv.Total, p.pm.Fingerprint, in.CustomerInput(), val(in.CustomerID), string(inv.Meta)}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if s.seen(ctx, m.ID, id) {
		return s.webPayReplay(ctx, m.ID, id, in)
	}
	r, customer, err := s.reserveNewInvoiceCharge(ctx, &newInvoiceCharge{merchantID: m.ID, inv: inv, p: p, id: id,
		idempotencyID: in.IdempotencyID,
		payer:         func(tx store.Executor) (*tender.Customer, error) { return s.webCustomer(ctx, tx, m.ID, in) },
		check:         func(tx store.Executor) error { return s.refsValid(ctx, tx, inv, lines) }})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		return s.webPayReplay(ctx, m.ID, id, in)
	} else if err != nil {
		return nil, err
	}
	receipt := customer.Email != "" && (in.SendReceipt == nil || bool(*in.SendReceipt))
	res, err := s.payReserved(ctx, r, receipt)
	if err != nil {
		return nil, err
	}
	view, err := s.Invoice(ctx, m.ID, inv.ID)
	if err != nil {
		return nil, err
	}
	return &WebPayResult{Invoice: newPublicView(in).Invoice(view), Outcome: res.Outcome}, nil
}

// newInvoiceCharge is a web payment that pays a new invoice (Stax.js pay()
// and a payment link's page): the invoice, the prepared payment method and
// the idempotency key, with what the transaction must find or check.
type newInvoiceCharge struct {
	merchantID    string
	inv           *tender.Invoice
	p             *preparedMethod
	id            *idem
	idempotencyID string
	// payer finds or creates the customer inside the transaction, with
	// anything else that must commit with the payment (a link's use).
	payer func(tx store.Executor) (*tender.Customer, error)
	// check, when set, runs once the payment method is stored, before the
	// invoice is created.
	check func(tx store.Executor) error
}

// reserveNewInvoiceCharge checks that the merchant's processor takes the
// method, then in one database transaction claims the idempotency key,
// finds the payer, stores the payment method on them, creates (and
// announces) the invoice and reserves its payment, which an inline
// processor (the sandbox) decides in the same transaction. It returns the
// reserved payment (payReserved answers it) and the payer. ECONFLICT with a
// key is a concurrent retry: the caller answers with the first attempt.
func (s *Service) reserveNewInvoiceCharge(ctx context.Context, c *newInvoiceCharge) (*reservedPayment, *tender.Customer, error) {
	gw, err := s.gatewayFor(ctx, c.merchantID)
	if err != nil {
		return nil, nil, err
	}
	if err := supports(gw, gateway.OpAuthorize, c.p.pm.Method); err != nil {
		return nil, nil, err
	}
	t := newWebCharge(c.merchantID, c.inv.ID, "", c.p.pm, c.idempotencyID, tender.NewTime(s.now()))
	var payer *tender.Customer
	r := &reservedPayment{gw: gw, t: t, pm: c.p.pm}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, c.merchantID, c.id, t.ID); err != nil {
			return err
		}
		cust, err := c.payer(tx)
		if err != nil {
			return err
		}
		payer = cust
		c.p.pm.CustomerID, c.inv.CustomerID, c.inv.PaymentMethodID, t.CustomerID = cust.ID, cust.ID, c.p.pm.ID, cust.ID
		if err := holderFromCustomer(c.p, cust); err != nil {
			return err
		}
		if err := s.storePaymentMethod(ctx, tx, c.p); err != nil {
			return err
		}
		if c.check != nil {
			if err := c.check(tx); err != nil {
				return err
			}
		}
		if err := tx.InvoiceCreate(ctx, c.inv); err != nil {
			return err
		}
		if _, err := s.announceInvoice(ctx, tx, c.inv, tender.EventCreateInvoice, false); err != nil {
			return err
		}
		if err := s.reserveInvoicePayment(ctx, tx, t, 0, nil); err != nil {
			return err
		}
		r.req = c.p.gw // with the payer's details (holderFromCustomer, above)
		return s.authorizeReservedIn(ctx, tx, r)
	})
	if err != nil {
		return nil, nil, err
	}
	return r, payer, nil
}

// newWebCharge is the PENDING charge of a web payment of an invoice with
// the payment method pm (its total is set when the payment is reserved).
func newWebCharge(merchantID, invoiceID, customerID string, pm *tender.PaymentMethod, idempotencyID string, now tender.Time) *tender.Transaction {
	return &tender.Transaction{
		ID: tender.NewID(), MerchantID: merchantID, InvoiceID: invoiceID, CustomerID: customerID, PaymentMethodID: pm.ID,
		Type: tender.TxCharge, Source: SourceWebPayment, Method: pm.Method, Status: tender.StatusPending,
		LastFour: pm.CardLastFour, Meta: json.RawMessage("{}"), IdempotencyID: idempotencyID, CreatedAt: now, UpdatedAt: now,
	}
}

// webPayReplay answers a pay() retry: the invoice its first attempt made.
func (s *Service) webPayReplay(ctx context.Context, merchantID string, id *idem, in *tender.WebPaymentInput) (*WebPayResult, error) {
	res, err := s.replay(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	var t struct {
		InvoiceID string `json:"invoice_id"`
	}
	if err := json.Unmarshal(res.Replay, &t); err != nil || t.InvoiceID == "" {
		return nil, tender.Errorf(tender.EINTERNAL, "web payment replay: no invoice in the stored response")
	}
	view, err := s.Invoice(ctx, merchantID, t.InvoiceID)
	if err != nil {
		return nil, err
	}
	return &WebPayResult{Invoice: newPublicView(in).Invoice(view), Outcome: res.Outcome}, nil
}

// holderPending stands for the account holder's name until the customer is
// known (Stax.js sends only the customer's demographics, or a customer_id).
const holderPending = "\x00holder"

// webMethodInput is the payment-method part of a web payment; without any
// name the holder's is taken from the customer (holderFromCustomer).
func webMethodInput(in *tender.WebPaymentInput, customerID string) *tender.PaymentMethodInput {
	pmIn := in.PaymentMethodInput(customerID)
	if val(pmIn.PersonName) == "" {
		name := holderPending
		pmIn.PersonName = &name
	}
	return pmIn
}

// holderFromCustomer names the holder after the customer when the request
// named nobody.
func holderFromCustomer(p *preparedMethod, c *tender.Customer) error {
	if p.pm.PersonName != holderPending {
		return nil
	}
	name := strings.TrimSpace(c.Firstname + " " + c.Lastname)
	for _, alt := range []string{c.Company, c.Email} {
		if name == "" {
			name = strings.TrimSpace(alt)
		}
	}
	if name == "" {
		return invalid("person_name", "The person name field is required.")
	}
	p.pm.PersonName = name
	p.pm.Nickname = strings.Replace(p.pm.Nickname, holderPending, name, 1)
	if p.gw.Card != nil {
		p.gw.Card.Name = name
	}
	if p.gw.Bank != nil {
		p.gw.Bank.Name = name
	}
	return nil
}

// mergeInvalid joins the field errors of two validations (either may be
// nil); any other error wins.
func mergeInvalid(a, b error) error {
	out := tender.FieldErrors{}
	for _, err := range []error{a, b} {
		if err == nil {
			continue
		}
		var te *tender.Error
		if !errors.As(err, &te) || te.Code != tender.EINVALID || len(te.Fields) == 0 {
			return err
		}
		for f, msgs := range te.Fields {
			for _, msg := range msgs {
				out.Add(f, msg)
			}
		}
	}
	return out.Err()
}

// HostedPayResult is what the public invoice page learns about its
// payment: no customer or payment method details beyond the last four.
type HostedPayResult struct {
	Success    bool          `json:"success"`
	Message    string        `json:"message"`
	Status     string        `json:"status"` // the invoice's
	Total      tender.Amount `json:"total"`  // of this payment
	TotalPaid  tender.Amount `json:"total_paid"`
	BalanceDue tender.Amount `json:"balance_due"`
	LastFour   string        `json:"last_four"`
	Method     string        `json:"method"`
	Pending    bool          `json:"pending"`
}

// PayHostedInvoice is a payment keyed in on an invoice's hosted page (the
// invoice id is the capability, as for viewing the page): the card or bank
// account becomes a payment method of the invoice's customer and pays the
// balance, or part of it when the invoice allows partial payments. The
// customer is emailed a receipt when they have an email address.
func (s *Service) PayHostedInvoice(ctx context.Context, invoiceID string, in *tender.WebPaymentInput) (*HostedPayResult, error) {
	inv, err := s.store.InvoiceByID(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	if inv.DeletedAt != nil {
		return nil, tender.NotFound("invoice")
	}
	if inv.CustomerID == "" {
		return nil, invalid("customer_id", "The invoice has no customer; it cannot be paid here.")
	}
	errs := tender.FieldErrors{}
	var total tender.Amount
	if in.Total.IsSet() {
		total = in.Total.Parse(errs, "total", false, 1)
	}
	ferr := errs.Err()
	p, perr := s.preparePaymentMethod(inv.MerchantID, webMethodInput(in, inv.CustomerID))
	if ferr != nil || perr != nil {
		return nil, mergeInvalid(ferr, perr)
	}
	id := newIdem("hosted_invoice_pay", in.IdempotencyID, struct {
		Invoice, Fingerprint string
		Total                tender.Amount
	}{inv.ID, p.pm.Fingerprint, total}, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if s.seen(ctx, inv.MerchantID, id) {
		res, err := s.replay(ctx, inv.MerchantID, id)
		if err != nil {
			return nil, err
		}
		return s.hostedResult(ctx, inv.MerchantID, inv.ID, res)
	}
	gw, err := s.gatewayFor(ctx, inv.MerchantID)
	if err != nil {
		return nil, err
	}
	if err := supports(gw, gateway.OpAuthorize, p.pm.Method); err != nil {
		return nil, err
	}
	c, err := s.store.CustomerGet(ctx, inv.MerchantID, inv.CustomerID)
	if err != nil {
		return nil, err
	}
	if p.pm.Method == tender.MethodCard && !c.AllowInvoiceCreditCardPayments {
		return nil, invalid("method", "This invoice cannot be paid by card; pay it from a bank account.")
	}
	t := newWebCharge(inv.MerchantID, inv.ID, inv.CustomerID, p.pm, in.IdempotencyID, tender.NewTime(s.now()))
	if err := holderFromCustomer(p, c); err != nil {
		return nil, err
	}
	r := &reservedPayment{gw: gw, t: t, pm: p.pm, req: p.gw}
	err = s.store.InTx(ctx, func(tx store.Executor) error {
		if err := s.claim(ctx, tx, inv.MerchantID, id, t.ID); err != nil {
			return err
		}
		if err := s.storePaymentMethod(ctx, tx, p); err != nil {
			return err
		}
		if err := s.reserveInvoicePayment(ctx, tx, t, total, nil); err != nil {
			return err
		}
		return s.authorizeReservedIn(ctx, tx, r)
	})
	if id != nil && tender.ErrorCode(err) == tender.ECONFLICT {
		res, err := s.replay(ctx, inv.MerchantID, id)
		if err != nil {
			return nil, err
		}
		return s.hostedResult(ctx, inv.MerchantID, inv.ID, res)
	} else if err != nil {
		return nil, err
	}
	res, err := s.payReserved(ctx, r, strings.TrimSpace(c.Email) != "")
	if err != nil {
		return nil, err
	}
	return s.hostedResult(ctx, inv.MerchantID, inv.ID, res)
}

func (s *Service) hostedResult(ctx context.Context, merchantID, invoiceID string, res *Result) (*HostedPayResult, error) {
	var t struct {
		Success  bool          `json:"success"`
		Message  string        `json:"message"`
		Total    tender.Amount `json:"total"`
		LastFour string        `json:"last_four"`
		Method   string        `json:"method"`
	}
	if res.View != nil {
		t.Success, t.Message, t.Total, t.LastFour, t.Method = res.View.Success, res.View.Message, res.View.Total, res.View.LastFour, res.View.Method
	} else if err := json.Unmarshal(res.Replay, &t); err != nil {
		return nil, err
	}
	inv, err := s.store.InvoiceGet(ctx, merchantID, invoiceID)
	if err != nil {
		return nil, err
	}
	return &HostedPayResult{Success: t.Success, Message: t.Message, Status: inv.Status, Total: t.Total,
		TotalPaid: inv.TotalPaid, BalanceDue: inv.BalanceDue, LastFour: t.LastFour, Method: t.Method,
		Pending: res.Outcome == OutcomePending}, nil
}
