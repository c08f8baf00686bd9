package service

import (
	"context"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// HostedInvoice is what the public invoice page shows.
type HostedInvoice struct {
	Invoice  *tender.Invoice
	Merchant string
	Customer string
	Memo     string
	Lines    []notify.Line
	// Number is the invoice's number as the payer reads it: meta.reference
	// when the merchant set one, else INV- and the first eight characters of
	// its id.
	Number string
	// Subtotal and Tax are meta's, in dollars ("" when meta has none).
	Subtotal, Tax string
	// Status is the invoice's state in the payer's words (PayerStatus).
	Status string
	// WebToken is the merchant's public web-payments token (for the
	// hosted card fields).
	WebToken string
	// CardAllowed is false when the customer may not pay invoices by card.
	CardAllowed bool
	// Branding is the merchant's logo and colours.
	Branding tender.Branding
}

// PayerStatus says where an invoice stands in its payer's words: "Paid",
// "Partially paid", "Overdue" (a balance past its due date) or "Due". The
// merchant's statuses (VIEWED, ATTEMPTED, PARTIALLY APPLIED) are theirs.
func PayerStatus(inv *tender.Invoice, now tender.Time) string {
	switch {
	case inv.Status == tender.InvoicePaid || inv.BalanceDue <= 0 && inv.TotalPaid > 0:
		return "Paid"
	case inv.DueAt != nil && inv.DueAt.UTC().Format(time.DateOnly) < now.UTC().Format(time.DateOnly):
		return "Overdue" // from the day after the due date
	case inv.TotalPaid > 0:
		return "Partially paid"
	}
	return "Due"
}

// ViewInvoice loads an invoice for its hosted page by id alone and, the
// first time a sent invoice is opened, marks it VIEWED.
func (s *Service) ViewInvoice(ctx context.Context, id string) (*HostedInvoice, error) {
	inv, err := s.store.InvoiceByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if inv.DeletedAt != nil {
		return nil, tender.NotFound("invoice")
	}
	if inv.ViewedAt == nil && inv.SentAt != nil {
		err := s.store.InTx(ctx, func(tx store.Executor) error {
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
	m, err := s.store.MerchantGet(ctx, inv.MerchantID)
	if err != nil {
		return nil, err
	}
	h := &HostedInvoice{Invoice: inv, Merchant: m.CompanyName, WebToken: m.WebPaymentsToken, CardAllowed: true, Branding: m.Branding,
		Status: PayerStatus(inv, tender.NewTime(s.now()))}
	if c, err := s.store.CustomerGet(ctx, inv.MerchantID, inv.CustomerID); err == nil {
		h.Customer = strings.TrimSpace(c.Firstname + " " + c.Lastname)
		h.CardAllowed = c.AllowInvoiceCreditCardPayments
	}
	h.Memo, h.Lines = invoiceMetaForMessage(inv.Meta)
	h.Number, h.Subtotal, h.Tax = invoiceFigures(inv)
	return h, nil
}

// invoiceFigures reads the payer-facing number, subtotal and tax of an
// invoice from its meta.
func invoiceFigures(inv *tender.Invoice) (number, subtotal, tax string) {
	var m struct {
		Reference any `json:"reference"`
		Subtotal  any `json:"subtotal"`
		Tax       any `json:"tax"`
	}
	_ = jsonUnmarshalNumber(inv.Meta, &m)
	dollars := func(v any) string {
		if v == nil {
			return ""
		}
		a, err := tender.ParseAmount(strings.TrimSpace(toString(v)))
		if err != nil {
			return ""
		}
		return notify.Dollars(a)
	}
	if m.Reference != nil {
		number = strings.TrimSpace(toString(m.Reference))
	}
	if number == "" {
		id := strings.ReplaceAll(inv.ID, "-", "")
		number = "INV-" + strings.ToUpper(id[:min(8, len(id))])
	}
	return number, dollars(m.Subtotal), dollars(m.Tax)
}
