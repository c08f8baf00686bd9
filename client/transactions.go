package client

import "context"

// Transaction is a payment (charge, pre_auth, credit) with its captures,
// voids and refunds in ChildTransactions, or one of those children.
type Transaction struct {
	ID                     string         `json:"id"`
	MerchantID             string         `json:"merchant_id"`
	ReferenceID            string         `json:"reference_id"`
	InvoiceID              string         `json:"invoice_id"`
	CustomerID             string         `json:"customer_id"`
	PaymentMethodID        string         `json:"payment_method_id"`
	ScheduleID             *string        `json:"schedule_id"`
	Type                   string         `json:"type"`
	Source                 string         `json:"source"`
	Method                 string         `json:"method"`
	Status                 string         `json:"status"` // SUCCESS, FAILED or PENDING
	Success                bool           `json:"success"`
	Message                string         `json:"message"`
	Total                  Amount         `json:"total"`
	TotalRefunded          Amount         `json:"total_refunded"`
	Surcharge              *Amount        `json:"surcharge,omitempty"`
	Currency               string         `json:"currency"`
	LastFour               string         `json:"last_four"`
	PreAuth                bool           `json:"pre_auth"`
	IsCaptured             bool           `json:"is_captured"`
	IsVoided               bool           `json:"is_voided"`
	IsRefundable           bool           `json:"is_refundable"`
	IsVoidable             bool           `json:"is_voidable"`
	IsSettling             bool           `json:"is_settling"`
	IsManual               bool           `json:"is_manual"`
	Cancelled              bool           `json:"cancelled"`
	BatchID                string         `json:"batch_id"`
	IssuerAuthCode         string         `json:"issuer_auth_code"`
	AVSCode                string         `json:"avs_code"`
	AVSMessage             string         `json:"avs_message"`
	Meta                   Meta           `json:"meta"`
	Funding                []Funding      `json:"funding"`
	BatchedAt              *Time          `json:"batched_at"`
	SettledAt              *Time          `json:"settled_at"`
	ReceiptEmailAt         *Time          `json:"receipt_email_at"`
	ReceiptSMSAt           *Time          `json:"receipt_sms_at"`
	CreatedAt              Time           `json:"created_at"`
	UpdatedAt              Time           `json:"updated_at"`
	ChildTransactions      []Transaction  `json:"child_transactions"`
	Customer               *Customer      `json:"customer"`
	PaymentMethod          *PaymentMethod `json:"payment_method"`
	RecurringTransactionID *string        `json:"recurring_transaction_id"`
	UserID                 *string        `json:"user_id"`
	User                   *string        `json:"user"`
}

// Funding is one split-funding allocation.
type Funding struct {
	AccountID string `json:"account_id"`
	Amount    Amount `json:"amount"`
}

// ChargeInput charges (or, with PreAuth, authorizes) a payment method.
// IdempotencyID is set for you when empty.
type ChargeInput struct {
	PaymentMethodID string `json:"payment_method_id"`
	Total           Amount `json:"total"`
	PreAuth         bool   `json:"pre_auth,omitempty"`
	Meta            Meta   `json:"meta,omitempty"`
	IdempotencyID   string `json:"idempotency_id,omitempty"`
}

// ActionInput captures, voids or refunds; a zero Total means the whole
// amount. IdempotencyID is set for you when empty.
type ActionInput struct {
	Total         Amount `json:"total,omitempty"`
	IdempotencyID string `json:"idempotency_id,omitempty"`
}

// money sends a money call: an idempotency id is made when the input has
// none, and kept across retries. A decline is an *Error whose Transaction
// is the declined one (returned as well).
func (c *Client) money(ctx context.Context, cl call) (*Transaction, error) {
	var out Transaction
	cl.out, cl.money = &out, true
	err := c.do(ctx, cl)
	if err != nil && out.ID == "" {
		return nil, err
	}
	return &out, err
}

// Charge charges a payment method (a sale, or a pre-authorization).
func (c *Client) Charge(ctx context.Context, in *ChargeInput) (*Transaction, error) {
	in2 := *in
	in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	return c.money(ctx, call{method: "POST", path: "/charge", body: &in2})
}

// Credit pays out to a payment method.
func (c *Client) Credit(ctx context.Context, in *ChargeInput) (*Transaction, error) {
	in2 := *in
	in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	return c.money(ctx, call{method: "POST", path: "/credit", body: &in2})
}

func action(in *ActionInput) *ActionInput {
	var a ActionInput
	if in != nil {
		a = *in
	}
	a.IdempotencyID = idempotencyID(a.IdempotencyID)
	return &a
}

// Capture captures a pre-authorization (at most the authorized total).
func (c *Client) Capture(ctx context.Context, id string, in *ActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/transaction/{id}/capture", args: []string{id}, body: action(in)})
}

// Void cancels an unsettled payment.
func (c *Client) Void(ctx context.Context, id string, in *ActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/transaction/{id}/void", args: []string{id}, body: action(in)})
}

// Refund refunds a settled payment, partly or fully.
func (c *Client) Refund(ctx context.Context, id string, in *ActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/transaction/{id}/refund", args: []string{id}, body: action(in)})
}

// VoidOrRefund voids an unsettled payment, else refunds it.
func (c *Client) VoidOrRefund(ctx context.Context, id string, in *ActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/transaction/{id}/void-or-refund", args: []string{id}, body: action(in)})
}

// Transaction gets a transaction with its children.
func (c *Client) Transaction(ctx context.Context, id string) (*Transaction, error) {
	var out Transaction
	return &out, c.do(ctx, call{method: "GET", path: "/transaction/{id}", args: []string{id}, out: &out})
}

// Transactions lists transactions (filters: type, method, status,
// customer_id, payment_method_id, invoice_id, ...).
func (c *Client) Transactions(ctx context.Context, p *ListParams) (*Page[Transaction], error) {
	var out Page[Transaction]
	return &out, c.do(ctx, call{method: "GET", path: "/transaction", query: p.values(), out: &out})
}

// Invoice is an invoice with its payments.
type Invoice struct {
	ID                      string        `json:"id"`
	MerchantID              string        `json:"merchant_id"`
	CustomerID              string        `json:"customer_id"`
	PaymentMethodID         string        `json:"payment_method_id"`
	ScheduleID              string        `json:"schedule_id"`
	Status                  string        `json:"status"`
	URL                     string        `json:"url"`
	Total                   Amount        `json:"total"`
	TotalPaid               Amount        `json:"total_paid"`
	BalanceDue              Amount        `json:"balance_due"`
	PaymentAttemptFailed    bool          `json:"payment_attempt_failed"`
	PaymentAttemptMessage   string        `json:"payment_attempt_message"`
	IsPartialPaymentEnabled bool          `json:"is_partial_payment_enabled"`
	Meta                    Meta          `json:"meta"`
	SentAt                  *Time         `json:"sent_at"`
	ViewedAt                *Time         `json:"viewed_at"`
	PaidAt                  *Time         `json:"paid_at"`
	DueAt                   *Time         `json:"due_at"`
	DeletedAt               *Time         `json:"deleted_at"`
	CreatedAt               Time          `json:"created_at"`
	UpdatedAt               Time          `json:"updated_at"`
	ChildTransactions       []Transaction `json:"child_transactions"`
	Customer                *Customer     `json:"customer"`
}

// InvoiceInput creates or updates an invoice. Meta holds lineItems, tax,
// subtotal, memo, reference.
type InvoiceInput struct {
	CustomerID              string `json:"customer_id,omitempty"`
	PaymentMethodID         string `json:"payment_method_id,omitempty"`
	Total                   Amount `json:"total"`
	URL                     string `json:"url,omitempty"`
	Meta                    Meta   `json:"meta,omitempty"`
	SendNow                 bool   `json:"send_now,omitempty"`
	DueAt                   string `json:"due_at,omitempty"`
	IsPartialPaymentEnabled *bool  `json:"is_partial_payment_enabled,omitempty"`
}

// PayInvoiceInput pays an invoice with a stored payment method.
// IdempotencyID is set for you when empty.
type PayInvoiceInput struct {
	PaymentMethodID string    `json:"payment_method_id"`
	Total           Amount    `json:"total,omitempty"`
	IdempotencyID   string    `json:"idempotency_id,omitempty"`
	EmailReceipt    bool      `json:"email_receipt,omitempty"`
	Meta            Meta      `json:"meta,omitempty"`
	Funding         []Funding `json:"funding,omitempty"`
}

// CreateInvoice creates an invoice (DRAFT; SendNow emails it).
func (c *Client) CreateInvoice(ctx context.Context, in *InvoiceInput) (*Invoice, error) {
	var out Invoice
	return &out, c.do(ctx, call{method: "POST", path: "/invoice", body: in, out: &out})
}

// Invoice gets an invoice.
func (c *Client) Invoice(ctx context.Context, id string) (*Invoice, error) {
	var out Invoice
	return &out, c.do(ctx, call{method: "GET", path: "/invoice/{id}", args: []string{id}, out: &out})
}

// UpdateInvoice changes an invoice that has no payment yet.
func (c *Client) UpdateInvoice(ctx context.Context, id string, in *InvoiceInput) (*Invoice, error) {
	var out Invoice
	return &out, c.do(ctx, call{method: "PUT", path: "/invoice/{id}", args: []string{id}, body: in, out: &out})
}

// DeleteInvoice deletes an unpaid invoice.
func (c *Client) DeleteInvoice(ctx context.Context, id string) (*Invoice, error) {
	var out Invoice
	return &out, c.do(ctx, call{method: "DELETE", path: "/invoice/{id}", args: []string{id}, out: &out})
}

// SendInvoice emails the invoice to its customer.
func (c *Client) SendInvoice(ctx context.Context, id string) (*Invoice, error) {
	var out Invoice
	return &out, c.do(ctx, call{method: "PUT", path: "/invoice/{id}/send", args: []string{id}, out: &out})
}

// Invoices lists invoices (filters: status, customer_id, schedule_id).
func (c *Client) Invoices(ctx context.Context, p *ListParams) (*Page[Invoice], error) {
	var out Page[Invoice]
	return &out, c.do(ctx, call{method: "GET", path: "/invoice", query: p.values(), out: &out})
}

// PayInvoice pays an invoice; a decline is an *Error with the declined
// transaction.
func (c *Client) PayInvoice(ctx context.Context, id string, in *PayInvoiceInput) (*Transaction, error) {
	in2 := *in
	in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	return c.money(ctx, call{method: "POST", path: "/invoice/{id}/pay", args: []string{id}, body: &in2})
}

// ManualPaymentInput records a payment made outside Tender (a zero Total
// is left out of the request). IdempotencyID is set for you when empty.
type ManualPaymentInput struct {
	Total         Amount `json:"total,omitempty"`
	IdempotencyID string `json:"idempotency_id,omitempty"`
	Meta          Meta   `json:"meta,omitempty"`
}

// PayInvoiceManual records a payment of an invoice made outside Tender by
// method: CASH, CHECK, BANK TRANSFER, GIFTCARD, PAYPAL, VENMO or OTHER.
func (c *Client) PayInvoiceManual(ctx context.Context, id, method string, in *ManualPaymentInput) (*Transaction, error) {
	in2 := *in
	in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	return c.money(ctx, call{method: "POST", path: "/invoice/{id}/pay/{method}", args: []string{id, method}, body: &in2})
}
