package tender

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// Transaction types (Stax's names).
const (
	TxCharge  = "charge"
	TxPreAuth = "pre_auth"
	TxCapture = "capture"
	TxRefund  = "refund"
	TxVoid    = "void"
	TxCredit  = "credit"
)

// SourceManual marks a payment received outside Tender and recorded on an
// invoice (cash, check, ...): settled at once, never refunded or voided here.
const SourceManual = "manual"

// Transaction statuses.
const (
	StatusPending = "PENDING"
	StatusSuccess = "SUCCESS"
	StatusFailed  = "FAILED"
)

// Transaction is one movement of money, or an attempt at one. Captures,
// refunds and voids are child transactions of the charge or pre-auth they act
// on (ParentID), as on Stax.
type Transaction struct {
	ID              string          `json:"id"`
	MerchantID      string          `json:"merchant_id"`
	ParentID        string          `json:"reference_id"`
	InvoiceID       string          `json:"invoice_id"`
	CustomerID      string          `json:"customer_id"`
	PaymentMethodID string          `json:"payment_method_id"`
	Type            string          `json:"type"`
	Source          string          `json:"source"`
	Method          string          `json:"method"`
	Success         bool            `json:"success"`
	Status          string          `json:"status"`
	Message         string          `json:"message"`
	Total           Amount          `json:"total"`
	TotalRefunded   Amount          `json:"total_refunded"`
	Surcharge       Amount          `json:"surcharge"`
	PreAuth         bool            `json:"pre_auth"`
	IsCaptured      bool            `json:"is_captured"`
	IsVoided        bool            `json:"is_voided"`
	Cancelled       bool            `json:"cancelled"`
	LastFour        string          `json:"last_four"`
	Meta            json.RawMessage `json:"meta"`
	BatchID         string          `json:"batch_id"`
	BatchedAt       *Time           `json:"batched_at"`
	SettledAt       *Time           `json:"settled_at"`
	CreatedAt       Time            `json:"created_at"`
	UpdatedAt       Time            `json:"updated_at"`
	// AuthCode is the issuer's authorization code; AVSCode and AVSMessage
	// the address verification result, where the processor reports them.
	AuthCode   string `json:"issuer_auth_code"`
	AVSCode    string `json:"avs_code"`
	AVSMessage string `json:"avs_message"`

	// Processor bookkeeping, not shown to clients. GatewayRef is the
	// processor's reference: of the payment, or of a child's own refund,
	// capture or void (so a refund reported by the processor is matched to
	// the child Tender recorded).
	GatewayRef  string `json:"-"`
	DeclineCode string `json:"-"`
	// CVVResult is the card security code check ("pass", "fail", ...).
	CVVResult string `json:"-"`
	// Captured is the amount captured (the total for a sale); Pending holds
	// refunds/captures reserved but not yet confirmed by the processor.
	Captured       Amount `json:"-"`
	PendingRefunds Amount `json:"-"`
	IdempotencyID  string `json:"-"`
	// PendingOp is "capture" or "void" while one is with the processor.
	PendingOp      string `json:"-"`
	GatewayUnknown bool   `json:"-"`
}

// Settled reports whether the payment has settled (then it can be refunded,
// no longer voided).
func (t *Transaction) Settled() bool { return t.SettledAt != nil }

// IsPayment reports whether t took money from a customer and can have
// captures, voids and refunds as children.
func (t *Transaction) IsPayment() bool { return t.Type == TxCharge || t.Type == TxPreAuth }

// Refundable is the amount that may still be refunded: captured minus
// refunded minus refunds in flight.
func (t *Transaction) Refundable() Amount {
	return t.Captured - t.TotalRefunded - t.PendingRefunds
}

// IsRefundable: a successful, settled, unvoided payment with money left.
func (t *Transaction) IsRefundable() bool {
	return t.Success && t.IsPayment() && t.Settled() && !t.IsVoided && t.Refundable() > 0 && t.PendingOp == "" &&
		t.Source != SourceManual
}

// IsVoidable: a successful payment or credit not yet settled, voided or
// refunded.
func (t *Transaction) IsVoidable() bool {
	return t.Success && (t.IsPayment() || t.Type == TxCredit) && !t.Settled() && !t.IsVoided &&
		t.TotalRefunded == 0 && t.PendingRefunds == 0 && t.PendingOp == "" && t.Source != SourceManual
}

// IsSettling: a successful bank payment waiting for its settlement (ACH
// takes days; returns arrive after it).
func (t *Transaction) IsSettling() bool {
	return t.Success && t.Method == MethodBank && !t.Settled() && !t.IsVoided
}

// TransactionFilter narrows GET /transaction (see filter.go). Time
// bounds are inclusive; a zero time is open.
type TransactionFilter struct {
	Type            string
	Method          string
	Status          string
	Success         *bool
	CustomerID      string
	PaymentMethodID string
	InvoiceID       string
	// ScheduleID: payments of the invoices of a scheduled invoice.
	ScheduleID             string
	CreatedFrom, CreatedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
	// TotalMin/TotalMax bound total (inclusive); nil is open.
	TotalMin, TotalMax *Amount
	// Keywords must all match (last four, message, type, method or the
	// reference in meta).
	Keywords []string
}

// ChargeInput is the body of POST /charge and POST /credit.
type ChargeInput struct {
	PaymentMethodID string          `json:"payment_method_id"`
	Total           AmountInput     `json:"total"`
	Meta            json.RawMessage `json:"meta"`
	PreAuth         Flag            `json:"pre_auth"`
	IdempotencyID   string          `json:"idempotency_id"`
}

// Charge is a validated ChargeInput.
type Charge struct {
	PaymentMethodID string
	Total           Amount
	Meta            json.RawMessage
	// Type is TxCharge, TxPreAuth or (POST /credit) TxCredit.
	Type          string
	IdempotencyID string
}

// Validate checks a charge (credit: POST /credit, which cannot be a
// pre-authorization).
func (in *ChargeInput) Validate(credit bool) (*Charge, error) {
	errs := FieldErrors{}
	c := &Charge{Total: in.Total.Parse(errs, "total", true, 1), PaymentMethodID: strings.TrimSpace(in.PaymentMethodID),
		Meta: MetaInput(in.Meta, errs), Type: TxCharge, IdempotencyID: in.IdempotencyID}
	if c.PaymentMethodID == "" {
		errs.Required("payment_method_id")
	}
	switch {
	case credit && bool(in.PreAuth):
		errs.Add("pre_auth", "A credit cannot be a pre-authorization.")
	case credit:
		c.Type = TxCredit
	case bool(in.PreAuth):
		c.Type = TxPreAuth
	}
	validateIdempotencyID(c.IdempotencyID, errs)
	return c, errs.Err()
}

// ActionInput is the body of POST /transaction/{id}/capture, /void,
// /refund and /void-or-refund. Total defaults to the whole amount.
type ActionInput struct {
	Total         AmountInput `json:"total"`
	IdempotencyID string      `json:"idempotency_id"`
}

// Validate checks an action on a payment (op is one of OpCapture, OpVoid,
// OpRefund, OpVoidOrRefund) and returns its amount: 0 for the whole
// amount, and always for a void, which takes no total.
func (in *ActionInput) Validate(op string) (Amount, error) {
	errs := FieldErrors{}
	var amount Amount
	if op != OpVoid && in.Total.IsSet() {
		amount = in.Total.Parse(errs, "total", false, 1)
	}
	validateIdempotencyID(in.IdempotencyID, errs)
	return amount, errs.Err()
}

// validateIdempotencyID bounds an idempotency_id ("" is none).
func validateIdempotencyID(key string, errs FieldErrors) {
	if len(key) > MaxIdempotencyID {
		errs.Add("idempotency_id", "The idempotency id may not be greater than 255 characters.")
	}
}

// Transaction operations on an existing payment.
const (
	OpCapture      = "capture"
	OpVoid         = "void"
	OpRefund       = "refund"
	OpVoidOrRefund = "void-or-refund"
)

// MetaInput validates an optional meta object (≤ 16 KiB), returning "{}"
// when absent.
func MetaInput(raw json.RawMessage, errs FieldErrors) json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return json.RawMessage("{}")
	}
	if !IsJSONObject(raw) {
		errs.Add("meta", "The meta must be an object.")
		return nil
	}
	if len(raw) > 16<<10 {
		errs.Add("meta", "The meta may not be greater than 16384 bytes.")
		return nil
	}
	// Canonical form: sorted keys, compact, numbers kept exactly as sent.
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	_ = dec.Decode(&m)
	out, _ := json.Marshal(m)
	return out
}
