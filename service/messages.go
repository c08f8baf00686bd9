package service

import (
	"context"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/notify"
	"github.com/tenderpay/tender/store"
)

// Message channels.
const (
	ChannelEmail = tender.ChannelEmail
	ChannelSMS   = tender.ChannelSMS
)

// queue renders a message and writes it to the outbox inside tx: QUEUED for
// the relay when the channel has a transport, else OUTBOX (kept and logged,
// for GET /sandbox/outbox).
func (s *Service) queue(ctx context.Context, tx store.Executor, merchantID, kind, channel, to, objectType, objectID string, data any) (*tender.Message, error) {
	subject, text, html, err := notify.Render(kind, channel, data)
	if err != nil {
		return nil, err
	}
	now := tender.NewTime(s.now())
	m := &tender.Message{ID: tender.NewID(), MerchantID: merchantID, Channel: channel, Kind: kind, To: to,
		Subject: subject, Text: text, HTML: html, ObjectType: objectType, ObjectID: objectID,
		Status: tender.MessageQueued, NextAttempt: now, CreatedAt: now}
	if channel == ChannelEmail && !s.EmailEnabled || channel == ChannelSMS && !s.SMSEnabled {
		m.Status = tender.MessageOutbox
	}
	if err := tx.MessageCreate(ctx, m); err != nil {
		return nil, err
	}
	if m.Status == tender.MessageOutbox {
		s.log().Info("message kept in the outbox (no transport configured)", "message_id", m.ID,
			"channel", channel, "kind", kind, "object_id", objectID)
	}
	return m, nil
}

// SendInvoice sends an invoice to its customer by email or SMS and marks it
// SENT (unless it is further along).
func (s *Service) SendInvoice(ctx context.Context, merchantID, id, channel string) (*InvoiceView, error) {
	var view *InvoiceView
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		inv, err := tx.InvoiceGetForUpdate(ctx, merchantID, id)
		if err != nil {
			return err
		}
		if inv.DeletedAt != nil {
			return invalid("id", "The invoice was deleted.")
		}
		if view, err = s.invoiceView(ctx, tx, inv); err != nil {
			return err
		}
		return s.send(ctx, tx, inv, view, channel)
	})
	if err != nil {
		return nil, err
	}
	return view, nil
}

// send queues the invoice message, stamps sent_at and emits send_invoice,
// inside tx. view is updated in place.
func (s *Service) send(ctx context.Context, tx store.Executor, inv *tender.Invoice, view *InvoiceView, channel string) error {
	c := view.Customer
	to := ""
	switch {
	case inv.CustomerID == "" || c == nil:
		return invalid("customer_id", "The invoice has no customer to send it to.")
	case channel == ChannelSMS:
		if to = strings.TrimSpace(c.Phone); to == "" {
			return invalid("customer.phone", "The invoice's customer has no phone number.")
		}
	default:
		if to = strings.TrimSpace(c.Email); to == "" {
			return invalid("customer.email", "The invoice's customer has no email address.")
		}
	}
	m, err := tx.MerchantGet(ctx, inv.MerchantID)
	if err != nil {
		return err
	}
	data := notify.InvoiceData{Merchant: m.CompanyName, Customer: strings.TrimSpace(c.Firstname + " " + c.Lastname),
		Total: notify.Dollars(inv.Total), Amount: notify.Dollars(inv.BalanceDue), Link: InvoiceLink(inv)}
	if inv.DueAt != nil {
		data.DueAt = inv.DueAt.Format("Jan 2, 2006")
	}
	data.Memo, data.Lines = invoiceMetaForMessage(inv.Meta)
	recipients := []string{to}
	if channel == ChannelEmail {
		// The customer's cc_emails get their own copy, as on Stax.
		for _, cc := range c.CCEmails {
			if cc = strings.TrimSpace(cc); cc != "" && !strings.EqualFold(cc, to) {
				recipients = append(recipients, cc)
			}
		}
	}
	for _, rcpt := range recipients {
		if _, err := s.queue(ctx, tx, inv.MerchantID, "invoice", channel, rcpt, "invoice", inv.ID, data); err != nil {
			return err
		}
	}
	now := tender.NewTime(s.now())
	inv.SentAt, inv.UpdatedAt = &now, now
	inv.Recompute(inv.TotalPaid, now)
	if err := tx.InvoiceUpdate(ctx, inv); err != nil {
		return err
	}
	return s.emit(ctx, tx, inv.MerchantID, tender.EventSendInvoice, "invoice", inv.ID, view)
}

// SendReceipt sends a transaction's receipt by email or SMS, to the given
// address or number, or else to the customer's.
func (s *Service) SendReceipt(ctx context.Context, merchantID, transactionID, channel, to string) (*tender.Message, error) {
	var m *tender.Message
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		m, err = s.receipt(ctx, tx, merchantID, transactionID, channel, to)
		return err
	})
	return m, err
}

func (s *Service) receipt(ctx context.Context, tx store.Executor, merchantID, transactionID, channel, to string) (*tender.Message, error) {
	t, err := tx.TransactionGet(ctx, merchantID, transactionID)
	if err != nil {
		return nil, err
	}
	to = strings.TrimSpace(to)
	field := "email"
	if channel == ChannelSMS {
		field = "phone"
	}
	if to == "" && t.CustomerID != "" {
		c, err := tx.CustomerGet(ctx, merchantID, t.CustomerID)
		if err != nil && tender.ErrorCode(err) != tender.ENOTFOUND {
			return nil, err
		}
		if c != nil {
			to = c.Email
			if channel == ChannelSMS {
				to = c.Phone
			}
		}
	}
	switch {
	case to == "":
		return nil, invalid(field, "The transaction's customer has no "+map[string]string{"email": "email address", "phone": "phone number"}[field]+"; give one.")
	case channel == ChannelEmail && !tender.ValidEmail(to):
		return nil, invalid("email", "The email must be a valid email address.")
	case channel == ChannelSMS && !validPhone(to):
		return nil, invalid("phone", "The phone must be a phone number.")
	}
	mer, err := tx.MerchantGet(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	paidWith := strings.ToUpper(t.Method)
	if t.PaymentMethodID != "" {
		if pm, err := tx.PaymentMethodGet(ctx, merchantID, t.PaymentMethodID); err == nil {
			brand := strings.ToUpper(pm.CardType)
			if pm.Method == tender.MethodBank {
				brand = "Bank account"
			}
			paidWith = brand + " ending in " + pm.CardLastFour
		}
	}
	data := notify.ReceiptData{Merchant: mer.CompanyName, Success: t.Success, Message: t.Message,
		Amount: notify.Dollars(t.Total), Type: t.Type, PaidWith: paidWith,
		Date: t.CreatedAt.Format("Jan 2, 2006 15:04 UTC"), TransactionID: t.ID, InvoiceID: t.InvoiceID}
	return s.queue(ctx, tx, merchantID, "receipt", channel, to, "transaction", t.ID, data)
}

func validPhone(s string) bool {
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune("+-() .", c):
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// invoiceMetaForMessage reads the memo and lines of an invoice's meta.
func invoiceMetaForMessage(meta []byte) (string, []notify.Line) {
	var m struct {
		Memo      any `json:"memo"`
		LineItems []struct {
			Item     any `json:"item"`
			Details  any `json:"details"`
			Quantity any `json:"quantity"`
			Price    any `json:"price"`
		} `json:"lineItems"`
	}
	_ = jsonUnmarshalNumber(meta, &m)
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return strings.TrimSpace(toString(v))
	}
	lines := make([]notify.Line, 0, len(m.LineItems))
	for _, l := range m.LineItems {
		price := str(l.Price)
		if a, err := tender.ParseAmount(price); err == nil {
			price = notify.Dollars(a)
		}
		q := str(l.Quantity)
		if q == "" {
			q = "1"
		}
		lines = append(lines, notify.Line{Item: str(l.Item), Details: str(l.Details), Quantity: q, Price: price})
	}
	return str(m.Memo), lines
}
