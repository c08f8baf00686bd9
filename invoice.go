package tender

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Invoice statuses (Stax's names).
const (
	InvoiceDraft            = "DRAFT"
	InvoiceSent             = "SENT"
	InvoiceViewed           = "VIEWED"
	InvoicePartiallyApplied = "PARTIALLY APPLIED"
	InvoicePaid             = "PAID"
	InvoiceAttempted        = "ATTEMPTED"
	InvoiceDeleted          = "DELETED"
)

// Invoice events.
const (
	EventCreateInvoice = "create_invoice"
	EventUpdateInvoice = "update_invoice"
	EventSendInvoice   = "send_invoice"
	EventDeleteInvoice = "delete_invoice"
)

// ManualMethods are the ways to record a payment made outside Tender with
// POST /invoice/{id}/pay/{method}.
var ManualMethods = []string{"CASH", "CHECK", "BANK TRANSFER", "GIFTCARD", "PAYPAL", "VENMO", "OTHER"}

// Invoice is a bill to a customer (Stax's invoice object). TotalPaid and
// BalanceDue always follow from the invoice's transactions: every change of
// one (payment, refund, void, ACH return) recomputes them in the same
// database transaction.
type Invoice struct {
	ID                      string          `json:"id"`
	MerchantID              string          `json:"merchant_id"`
	CustomerID              string          `json:"customer_id"`
	PaymentMethodID         string          `json:"payment_method_id"`
	Total                   Amount          `json:"total"`
	Meta                    json.RawMessage `json:"meta"`
	Status                  string          `json:"status"`
	URL                     string          `json:"url"`
	SentAt                  *Time           `json:"sent_at"`
	ViewedAt                *Time           `json:"viewed_at"`
	PaidAt                  *Time           `json:"paid_at"`
	DueAt                   *Time           `json:"due_at"`
	BalanceDue              Amount          `json:"balance_due"`
	TotalPaid               Amount          `json:"total_paid"`
	PaymentAttemptFailed    bool            `json:"payment_attempt_failed"`
	PaymentAttemptMessage   string          `json:"payment_attempt_message"`
	IsPartialPaymentEnabled bool            `json:"is_partial_payment_enabled"`
	ScheduleID              string          `json:"schedule_id"`
	CreatedAt               Time            `json:"created_at"`
	UpdatedAt               Time            `json:"updated_at"`
	DeletedAt               *Time           `json:"deleted_at"`

	// PendingPayments is reserved by payments with the processor, so that
	// concurrent payments cannot together pay more than the balance.
	PendingPayments Amount `json:"-"`
	// StockApplied records that the first payment took the line items out
	// of the catalog's stock (exactly once per invoice).
	StockApplied bool `json:"-"`
	// Occurrence is the scheduled time a schedule created this invoice for
	// (unique per schedule: each occurrence runs once).
	Occurrence *Time `json:"-"`
	// AutopayDone records that the schedule's autopay charge was attempted.
	AutopayDone bool `json:"-"`
}

// Payable is what may still be paid: the balance less payments in flight.
func (inv *Invoice) Payable() Amount { return inv.BalanceDue - inv.PendingPayments }

// IsPaying reports whether the invoice has received money (then it can no
// longer be edited or deleted).
func (inv *Invoice) IsPaying() bool { return inv.TotalPaid > 0 || inv.PendingPayments > 0 }

// Recompute sets TotalPaid, BalanceDue and the status from paid, the net
// amount the invoice's payments hold (captured − refunded, voids excluded),
// at now.
func (inv *Invoice) Recompute(paid Amount, now Time) {
	if paid < 0 {
		paid = 0
	}
	inv.TotalPaid = paid
	inv.BalanceDue = max(inv.Total-paid, 0)
	if inv.DeletedAt != nil {
		inv.Status = InvoiceDeleted
		return
	}
	switch {
	case inv.Total > 0 && paid >= inv.Total:
		inv.Status = InvoicePaid
		if inv.PaidAt == nil {
			inv.PaidAt = &now
		}
		return
	case paid > 0:
		inv.Status = InvoicePartiallyApplied
	case inv.PaymentAttemptFailed:
		inv.Status = InvoiceAttempted
	case inv.ViewedAt != nil:
		inv.Status = InvoiceViewed
	case inv.SentAt != nil:
		inv.Status = InvoiceSent
	default:
		inv.Status = InvoiceDraft
	}
	inv.PaidAt = nil
}

// InvoiceInput is the body of POST and PUT /invoice; nil fields are
// unchanged by an update.
type InvoiceInput struct {
	CustomerID              *string         `json:"customer_id"`
	PaymentMethodID         *string         `json:"payment_method_id"`
	Total                   AmountInput     `json:"total"`
	URL                     *string         `json:"url"`
	Meta                    json.RawMessage `json:"meta"`
	SendNow                 Flag            `json:"send_now"`
	DueAt                   *string         `json:"due_at"`
	IsPartialPaymentEnabled *Flag           `json:"is_partial_payment_enabled"`
}

// Apply validates in and copies its set fields onto inv; it returns the
// catalog lines of the meta. Whether customer, payment method and items
// exist is the caller's check.
func (in *InvoiceInput) Apply(inv *Invoice, create bool) ([]InvoiceLine, error) {
	errs := FieldErrors{}
	set(&inv.CustomerID, in.CustomerID)
	set(&inv.PaymentMethodID, in.PaymentMethodID)
	set(&inv.URL, in.URL)
	if in.Total.IsSet() || create {
		inv.Total = in.Total.Parse(errs, "total", true, 1)
	}
	if in.IsPartialPaymentEnabled != nil {
		inv.IsPartialPaymentEnabled = bool(*in.IsPartialPaymentEnabled)
	}
	if in.DueAt != nil {
		if s := strings.TrimSpace(*in.DueAt); s == "" {
			inv.DueAt = nil
		} else if t, ok := ParseTime(s); ok {
			inv.DueAt = TimePtr(t)
		} else {
			errs.Add("due_at", "The due at must be a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS).")
		}
	}
	var lines []InvoiceLine
	if len(in.Meta) > 0 && string(in.Meta) != "null" || create {
		inv.Meta, lines = InvoiceMeta(in.Meta, errs)
	} else {
		lines = InvoiceLines(inv.Meta)
	}
	if create && inv.CustomerID == "" {
		errs.Required("customer_id")
	}
	MaxLen(errs, "url", inv.URL, 2000)
	if inv.URL != "" && !strings.HasPrefix(inv.URL, "https://") && !strings.HasPrefix(inv.URL, "http://") {
		errs.Add("url", "The url must start with http:// or https://.")
	}
	return lines, errs.Err()
}

// InvoiceLine is a line of an invoice's meta.lineItems that names a catalog
// item: its stock goes down by Quantity when the invoice is first paid.
type InvoiceLine struct {
	Index    int // position in meta.lineItems
	ItemID   string
	Quantity int64
}

type metaLine struct {
	ID       *string          `json:"id"`
	Item     *json.RawMessage `json:"item"`
	Details  *json.RawMessage `json:"details"`
	Quantity *json.Number     `json:"quantity"`
	Price    *json.Number     `json:"price"`
}

// InvoiceMeta validates an invoice's meta (≤ 16 KiB): tax and subtotal are
// amounts, memo and reference strings, lineItems objects with a positive
// quantity, a price and optionally the id of a catalog item (then a whole
// quantity). It returns the canonical meta and its catalog lines.
func InvoiceMeta(raw json.RawMessage, errs FieldErrors) (json.RawMessage, []InvoiceLine) {
	meta := MetaInput(raw, errs)
	if meta == nil {
		return nil, nil
	}
	var m struct {
		Tax       *json.Number      `json:"tax"`
		Subtotal  *json.Number      `json:"subtotal"`
		Memo      *json.RawMessage  `json:"memo"`
		Reference *json.RawMessage  `json:"reference"`
		LineItems []json.RawMessage `json:"lineItems"`
	}
	dec := json.NewDecoder(bytes.NewReader(meta))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		errs.Add("meta", "The meta has a field of the wrong type: tax and subtotal must be numbers and lineItems an array.")
		return nil, nil
	}
	amount := func(field string, n *json.Number) {
		if n != nil {
			NewAmountInput(string(*n)).Parse(errs, field, false, 0)
		}
	}
	amount("meta.tax", m.Tax)
	amount("meta.subtotal", m.Subtotal)
	for _, f := range []struct {
		name string
		v    *json.RawMessage
	}{{"meta.memo", m.Memo}, {"meta.reference", m.Reference}} {
		var s string
		if f.v != nil && string(*f.v) != "null" && json.Unmarshal(*f.v, &s) != nil {
			errs.Add(f.name, "The "+humanField(f.name)+" must be a string.")
		}
	}
	if len(m.LineItems) > 500 {
		errs.Add("meta.lineItems", "An invoice may have at most 500 line items.")
		return nil, nil
	}
	var lines []InvoiceLine
	for i, raw := range m.LineItems {
		field := "meta.lineItems." + itoa(i)
		var l metaLine
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&l); err != nil {
			errs.Add(field, "Each line item must be an object with item, details, quantity and price.")
			continue
		}
		qty, ok := int64(1), true
		if l.ID != nil && strings.TrimSpace(*l.ID) == "" {
			// An empty id is almost always a client's unset variable; a
			// line that names no catalog item leaves id out.
			errs.Add(field+".id", "The id may not be empty: name a catalog item, or leave id out.")
			ok = false
		}
		if l.Quantity != nil {
			q, err := ParseAmount(string(*l.Quantity))
			switch {
			case err != nil || q <= 0:
				errs.Add(field+".quantity", "The quantity must be a positive number.")
				ok = false
			case l.ID != nil && q%100 != 0:
				errs.Add(field+".quantity", "The quantity of a catalog item must be a whole number.")
				ok = false
			default:
				qty = int64(q / 100)
			}
		}
		amount(field+".price", l.Price)
		if ok && l.ID != nil && strings.TrimSpace(*l.ID) != "" {
			lines = append(lines, InvoiceLine{Index: i, ItemID: strings.TrimSpace(*l.ID), Quantity: qty})
		}
	}
	return meta, lines
}

// InvoiceLines returns the catalog lines of a stored (valid) meta.
func InvoiceLines(meta json.RawMessage) []InvoiceLine {
	_, lines := InvoiceMeta(meta, FieldErrors{})
	return lines
}

// InvoiceFilter narrows GET /invoice.
type InvoiceFilter struct {
	Status      string
	CustomerID  string
	ScheduleID  string
	CreatedFrom time.Time
	CreatedTo   time.Time
	UpdatedFrom time.Time
	UpdatedTo   time.Time
	// DueFrom/DueTo bound due_at (inclusive); zero = open.
	DueFrom, DueTo time.Time
	// TotalMin/TotalMax bound total (inclusive); nil is open.
	TotalMin, TotalMax *Amount
	Keywords           []string
}

// PayInvoiceInput is the body of POST /invoice/{id}/pay.
type PayInvoiceInput struct {
	PaymentMethodID string          `json:"payment_method_id"`
	Total           AmountInput     `json:"total"`
	IdempotencyID   string          `json:"idempotency_id"`
	EmailReceipt    Flag            `json:"email_receipt"`
	Funding         []FundingInput  `json:"funding"`
	Meta            json.RawMessage `json:"meta"`
}

// InvoicePayment is a validated PayInvoiceInput.
type InvoicePayment struct {
	// PaymentMethodID is "" for the invoice's own payment method.
	PaymentMethodID string
	// Total is 0 for the balance.
	Total         Amount
	Funding       []Funding
	Meta          json.RawMessage
	EmailReceipt  bool
	IdempotencyID string
}

// Validate checks a payment of an invoice by a stored payment method:
// each split-funding account at most once, each allocation at least a
// cent (their sum against the total is the service's check, which knows
// the balance).
func (in *PayInvoiceInput) Validate() (*InvoicePayment, error) {
	errs := FieldErrors{}
	p := &InvoicePayment{PaymentMethodID: strings.TrimSpace(in.PaymentMethodID), Meta: MetaInput(in.Meta, errs),
		EmailReceipt: bool(in.EmailReceipt), IdempotencyID: in.IdempotencyID, Funding: make([]Funding, len(in.Funding))}
	if in.Total.IsSet() {
		p.Total = in.Total.Parse(errs, "total", false, 1)
	}
	for i, f := range in.Funding {
		field := "funding." + strconv.Itoa(i)
		p.Funding[i].AccountID = strings.TrimSpace(f.AccountID)
		if p.Funding[i].AccountID == "" {
			errs.Add(field+".account_id", "The "+field+".account_id field is required.")
		} else if slices.ContainsFunc(p.Funding[:i], func(g Funding) bool { return g.AccountID == p.Funding[i].AccountID }) {
			// One allocation per account: two would be refunded apart.
			errs.Add(field+".account_id", "The "+field+".account_id has a duplicate value: each funding account may appear once.")
		}
		p.Funding[i].Amount = f.Amount.Parse(errs, field+".amount", true, 1)
	}
	validateIdempotencyID(p.IdempotencyID, errs)
	return p, errs.Err()
}

// ManualPaymentInput is the body of POST /invoice/{id}/pay/{method}.
type ManualPaymentInput struct {
	Total         AmountInput     `json:"total"`
	IdempotencyID string          `json:"idempotency_id"`
	Meta          json.RawMessage `json:"meta"`
}

// ManualPayment is a validated ManualPaymentInput.
type ManualPayment struct {
	// Method is one of ManualMethods.
	Method string
	// Total is 0 for the balance.
	Total         Amount
	Meta          json.RawMessage
	IdempotencyID string
}

// Validate checks a manual payment of method (the path's {method}: any
// case, with "_", "-" or "+" for a space, e.g. bank-transfer).
func (in *ManualPaymentInput) Validate(method string) (*ManualPayment, error) {
	errs := FieldErrors{}
	p := &ManualPayment{Meta: MetaInput(in.Meta, errs), IdempotencyID: in.IdempotencyID}
	var ok bool
	if p.Method, ok = ManualMethod(method); !ok {
		errs.Add("method", "The method must be one of "+strings.Join(ManualMethods, ", ")+".")
	}
	if in.Total.IsSet() {
		p.Total = in.Total.Parse(errs, "total", false, 1)
	}
	validateIdempotencyID(p.IdempotencyID, errs)
	return p, errs.Err()
}

// ManualMethod returns the one of ManualMethods that method names.
func ManualMethod(method string) (string, bool) {
	m := strings.ToUpper(strings.NewReplacer("_", " ", "-", " ", "+", " ").Replace(strings.TrimSpace(method)))
	if slices.Contains(ManualMethods, m) {
		return m, true
	}
	return "", false
}

// FundingInput is one split-funding allocation of a payment.
type FundingInput struct {
	AccountID string      `json:"account_id"`
	Amount    AmountInput `json:"amount"`
}

// Funding is one allocation of a transaction's money to a merchant funding
// account (split funding). A refund's allocations reverse its payment's in
// proportion.
type Funding struct {
	AccountID string `json:"account_id"`
	Amount    Amount `json:"amount"`
}

// SplitProportionally divides amount across the allocations of a payment of
// total, in proportion, exactly: shares are rounded down and the cents left
// go to the largest remainders, so the parts always sum to amount.
func SplitProportionally(alloc []Funding, total, amount Amount) []Funding {
	if len(alloc) == 0 || total <= 0 {
		return nil
	}
	out := make([]Funding, len(alloc))
	rems := make([]int64, len(alloc))
	var given Amount
	for i, a := range alloc {
		num := int64(a.Amount) * int64(amount)
		out[i] = Funding{AccountID: a.AccountID, Amount: Amount(num / int64(total))}
		rems[i] = num % int64(total)
		given += out[i].Amount
	}
	for left := amount - given; left > 0; left-- {
		best := 0
		for i := range rems {
			if rems[i] > rems[best] {
				best = i
			}
		}
		out[best].Amount++
		rems[best] = -1
	}
	return out
}

// IsZero reports whether f filters nothing (the list then holds the
// invoices not deleted).
func (f InvoiceFilter) IsZero() bool {
	return f.Status == "" && f.CustomerID == "" && f.ScheduleID == "" && f.CreatedFrom.IsZero() &&
		f.CreatedTo.IsZero() && len(f.Keywords) == 0 && f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero() &&
		f.DueFrom.IsZero() && f.DueTo.IsZero() && f.TotalMin == nil && f.TotalMax == nil
}
