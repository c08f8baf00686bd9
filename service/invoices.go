package service

import (
	"context"
	"strconv"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// InvoiceView is an invoice as the API shows it: with its payments (each
// with its own children) and its customer.
type InvoiceView struct {
	*tender.Invoice
	ChildTransactions []*TransactionView `json:"child_transactions"`
	Customer          *tender.Customer   `json:"customer"`
	// IsWebPayment: the invoice was paid (in part or whole) by its payer on
	// a public page; PaymentMeta then describes that payment, as the payer
	// made it (null otherwise).
	IsWebPayment bool                `json:"is_webpayment"`
	PaymentMeta  *InvoicePaymentMeta `json:"payment_meta"`
}

// InvoicePaymentMeta is the payer-side account of an invoice's newest
// successful web payment: what the payer paid with, never a card number.
type InvoicePaymentMeta struct {
	TransactionID string        `json:"transaction_id"`
	Method        string        `json:"method"`
	CardType      string        `json:"card_type"`
	LastFour      string        `json:"last_four"`
	PersonName    string        `json:"person_name"`
	Email         string        `json:"email"`
	Total         tender.Amount `json:"total"`
	PaidAt        tender.Time   `json:"paid_at"`
}

// webPayment sets IsWebPayment and PaymentMeta from the invoice's payments.
func (v *InvoiceView) webPayment() {
	for _, t := range v.ChildTransactions {
		if t.Source != SourceWebPayment || !t.Success || t.Type != tender.TxCharge {
			continue
		}
		v.IsWebPayment = true
		if v.PaymentMeta != nil && t.CreatedAt.Before(v.PaymentMeta.PaidAt.Time) {
			continue
		}
		m := &InvoicePaymentMeta{TransactionID: t.ID, Method: t.Method, LastFour: t.LastFour, Total: t.Total, PaidAt: t.CreatedAt}
		if pm := t.PaymentMethod; pm != nil {
			m.CardType, m.PersonName = pm.CardType, pm.PersonName
		}
		if c := v.Customer; c != nil {
			m.Email = c.Email
		}
		v.PaymentMeta = m
	}
}

// SourceInvoice marks a payment made with POST /invoice/{id}/pay, and
// SourceWebPayment one the payer made on a public page (the hosted invoice
// page, Stax.js pay(), a payment link): Stax's is_webpayment. Both are
// finalized alike (invoicePayment).
const (
	SourceInvoice    = "invoice"
	SourceWebPayment = "webpayment"
)

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
	err = s.store.InTx(ctx, func(tx store.Executor) error {
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
	err := s.store.InTx(ctx, func(tx store.Executor) error {
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
	err := s.store.InTx(ctx, func(tx store.Executor) error {
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
	inv, err := s.store.InvoiceGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.invoiceView(ctx, s.store, inv)
}

// Invoices lists invoices with their payments.
func (s *Service) Invoices(ctx context.Context, merchantID string, f tender.InvoiceFilter, lp tender.ListParams) (*tender.Page[*InvoiceView], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*InvoiceView], error) {
		page, err := st.InvoiceList(ctx, merchantID, f, lp)
		if err != nil {
			return nil, err
		}
		out := &tender.Page[*InvoiceView]{Total: page.Total, Items: make([]*InvoiceView, 0, len(page.Items))}
		for _, inv := range page.Items {
			v, err := s.invoiceView(ctx, st, inv)
			if err != nil {
				return nil, err
			}
			out.Items = append(out.Items, v)
		}
		return out, nil
	})
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
	v.webPayment()
	return v, nil
}
