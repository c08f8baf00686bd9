package client

import (
	"context"
	"encoding/json"
	"strconv"
)

// Register is a card-present device's register.
type Register struct {
	ID          string `json:"id"`
	MerchantID  string `json:"merchant_id"`
	RegisterNum int    `json:"register_num"`
	Serial      string `json:"serial"`
	Nickname    string `json:"nickname"`
	Type        string `json:"type"`
	TipEnabled  bool   `json:"tip_enabled"`
	BatchTime   string `json:"batch_time"`
	LastBatchAt *Time  `json:"last_batch_at"`
	IsOnline    bool   `json:"is_online"`
	LastSeenAt  *Time  `json:"last_seen_at"`
	PairedAt    *Time  `json:"paired_at"`
	CreatedAt   Time   `json:"created_at"`
	UpdatedAt   Time   `json:"updated_at"`
	DeletedAt   *Time  `json:"deleted_at"`
}

// NewRegister is a register with its one-time pairing code (for "tender
// terminal simulate --code", or a device).
type NewRegister struct {
	Register
	PairingCode      string `json:"pairing_code"`
	PairingExpiresAt Time   `json:"pairing_expires_at"`
}

// RegisterInput adds or updates a register; empty fields are left out.
type RegisterInput struct {
	Nickname   string `json:"nickname,omitempty"`
	Serial     string `json:"serial,omitempty"`
	Type       string `json:"type,omitempty"`
	TipEnabled *bool  `json:"tip_enabled,omitempty"`
	BatchTime  string `json:"batch_time,omitempty"`
}

// RegisterBatchResult is what closing a device's batch did.
type RegisterBatchResult struct {
	RegisterID      string `json:"register_id"`
	Settled         int    `json:"settled"`
	OfflineCaptured int    `json:"offline_captured"`
	OfflineDeclined int    `json:"offline_declined"`
}

// RegisterRef names a register: its id, or its register_num (RegisterNum).
// A register_num is sent as a JSON number, as Stax's clients send it.
type RegisterRef string

// RegisterNum is the reference to a register by its number.
func RegisterNum(n int) RegisterRef { return RegisterRef(strconv.Itoa(n)) }

// MarshalJSON writes a register_num as a number and an id as a string.
func (r RegisterRef) MarshalJSON() ([]byte, error) {
	if n, err := strconv.Atoi(string(r)); err == nil && n > 0 {
		return []byte(strconv.Itoa(n)), nil
	}
	return json.Marshal(string(r))
}

// TerminalChargeInput is a card-present sale (or pre-auth, or credit) on
// a register's device. The idempotency id may be IdempotencyID or, as Stax
// documents, Meta["idempotency_id"]; when neither is given one is set for
// you.
type TerminalChargeInput struct {
	Total         Amount      `json:"total"`
	Register      RegisterRef `json:"register"`
	Meta          Meta        `json:"meta,omitempty"`         // lineItems, reference, idempotency_id, ...
	PrintReceipt  string      `json:"printReceipt,omitempty"` // Customer, Merchant or Both
	PaymentType   string      `json:"paymentType,omitempty"`  // Credit or Debit
	CustomerID    string      `json:"customer_id,omitempty"`
	InvoiceID     string      `json:"invoice_id,omitempty"`
	Tokenize      bool        `json:"tokenize,omitempty"` // keep the card as a reusable payment method
	PreAuth       bool        `json:"pre_auth,omitempty"`
	IdempotencyID string      `json:"idempotency_id,omitempty"`
}

// TerminalActionInput refunds or voids a terminal transaction; Register
// is where the card is presented (not needed for a card-present tokenized
// card's refund). A zero Total means the whole amount.
type TerminalActionInput struct {
	TransactionID string      `json:"transaction_id"`
	Register      RegisterRef `json:"register,omitempty"`
	Total         Amount      `json:"total,omitempty"`
	IdempotencyID string      `json:"idempotency_id,omitempty"`
}

// PromptInput shows a message (and a price) on a register's device.
type PromptInput struct {
	Register RegisterRef `json:"register"`
	Message  string      `json:"message,omitempty"`
	Total    Amount      `json:"total,omitempty"`
}

// PromptResult is the customer's yes (Answer true) or no to a prompt.
type PromptResult struct {
	ID       string `json:"id"`
	Answered bool   `json:"answered"`
	Answer   bool   `json:"answer"`
	Message  string `json:"message"`
}

// TerminalAskInput asks a register's device (RegisterID or Register) for a
// choice, an input, a signature or a card to keep, or has it print Text.
type TerminalAskInput struct {
	RegisterID RegisterRef `json:"register_id,omitempty"`
	Register   RegisterRef `json:"register,omitempty"` // the same as RegisterID
	Message    string      `json:"message,omitempty"`
	Text       string      `json:"text,omitempty"`
	Choices    []string    `json:"choices,omitempty"`
	InputType  string      `json:"input_type,omitempty"` // text or number
	MaxLength  int         `json:"max_length,omitempty"`
	CustomerID string      `json:"customer_id,omitempty"`
}

// TerminalAnswer is the device's answer to an ask.
type TerminalAnswer struct {
	ID            string         `json:"id"`
	RegisterID    string         `json:"register_id"`
	Kind          string         `json:"kind"`
	Answered      bool           `json:"answered"`
	Cancelled     bool           `json:"cancelled"`
	Message       string         `json:"message"`
	Answer        *string        `json:"answer"` // nil when cancelled or unanswered
	ChoiceIndex   *int           `json:"choice_index"`
	Signature     string         `json:"signature"`
	PaymentMethod *PaymentMethod `json:"payment_method"`
}

// TerminalStatus is a terminal transaction's status as its register sees
// it: SUCCESS, FAILED or PENDING (Success 1 or 0). Surcharge is nil until
// the card is presented.
type TerminalStatus struct {
	ID          string       `json:"id"`
	RegisterID  string       `json:"register_id"`
	Status      string       `json:"status"`
	Success     int          `json:"success"`
	Message     string       `json:"message"`
	Cancelled   bool         `json:"cancelled"`
	Total       Amount       `json:"total"`
	Surcharge   *Amount      `json:"surcharge,omitempty"`
	Transaction *Transaction `json:"transaction"`
}

// CreateRegister adds a register; the answer holds its pairing code.
func (c *Client) CreateRegister(ctx context.Context, in *RegisterInput) (*NewRegister, error) {
	var out NewRegister
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/register", body: in, out: &out})
}

// Register gets a register.
func (c *Client) Register(ctx context.Context, id string) (*Register, error) {
	var out Register
	return &out, c.do(ctx, call{method: "GET", path: "/terminal/register/{id}", args: []string{id}, out: &out})
}

// Registers lists the merchant's registers.
func (c *Client) Registers(ctx context.Context) ([]Register, error) {
	var out []Register
	return out, c.do(ctx, call{method: "GET", path: "/terminal/register", out: &out})
}

// UpdateRegister changes a register.
func (c *Client) UpdateRegister(ctx context.Context, id string, in *RegisterInput) (*Register, error) {
	var out Register
	return &out, c.do(ctx, call{method: "PUT", path: "/terminal/register/{id}", args: []string{id}, body: in, out: &out})
}

// PairRegister makes a new pairing code for a register (the paired device
// is revoked).
func (c *Client) PairRegister(ctx context.Context, id string) (*NewRegister, error) {
	var out NewRegister
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/register/{id}/pair", args: []string{id}, out: &out})
}

// BatchRegister closes the device's batch now: offline approvals are
// captured and its sales settled.
func (c *Client) BatchRegister(ctx context.Context, id string) (*RegisterBatchResult, error) {
	var out RegisterBatchResult
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/register/{id}/batch", args: []string{id}, out: &out})
}

func terminalCharge(in *TerminalChargeInput) *TerminalChargeInput {
	in2 := *in
	if _, inMeta := in.Meta["idempotency_id"]; !inMeta {
		in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	}
	return &in2
}

// TerminalCharge is a card-present sale: it waits (up to 60 s) for the
// device. A decline is an *Error with the declined transaction. When the
// device has not answered in time the answer (HTTP 202) is the PENDING
// transaction with message terminalservice.waiting: poll TerminalStatus.
func (c *Client) TerminalCharge(ctx context.Context, in *TerminalChargeInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/charge", body: terminalCharge(in)})
}

// TerminalChargeQueue queues a card-present sale to the device and
// answers the PENDING transaction at once: poll TerminalStatus.
func (c *Client) TerminalChargeQueue(ctx context.Context, in *TerminalChargeInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/charge/queue", body: terminalCharge(in)})
}

// TerminalCredit pays out to the card presented on the device.
func (c *Client) TerminalCredit(ctx context.Context, in *TerminalChargeInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/credit", body: terminalCharge(in)})
}

func terminalAction(in *TerminalActionInput) *TerminalActionInput {
	in2 := *in
	in2.IdempotencyID = idempotencyID(in.IdempotencyID)
	return &in2
}

// TerminalRefund refunds a terminal transaction (the original card
// presented on Register, unless it was card-present tokenized).
func (c *Client) TerminalRefund(ctx context.Context, in *TerminalActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/refund", body: terminalAction(in)})
}

// TerminalVoid voids a terminal transaction on its register, before the
// device's batch.
func (c *Client) TerminalVoid(ctx context.Context, in *TerminalActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/void", body: terminalAction(in)})
}

// TerminalVoidOrRefund voids a terminal transaction while unsettled, else
// refunds it.
func (c *Client) TerminalVoidOrRefund(ctx context.Context, in *TerminalActionInput) (*Transaction, error) {
	return c.money(ctx, call{method: "POST", path: "/terminal/void-or-refund", body: terminalAction(in)})
}

// TerminalPrompt shows a message (and price) on the device and returns
// the customer's yes or no.
func (c *Client) TerminalPrompt(ctx context.Context, in *PromptInput) (*PromptResult, error) {
	var out PromptResult
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/prompt", body: in, out: &out})
}

// TerminalTokenize keeps the card presented on the device as a payment
// method (TerminalAnswer.PaymentMethod), without a charge.
func (c *Client) TerminalTokenize(ctx context.Context, in *TerminalAskInput) (*TerminalAnswer, error) {
	var out TerminalAnswer
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/tokenize", body: in, out: &out})
}

// TerminalPrint prints Text on the device's printer.
func (c *Client) TerminalPrint(ctx context.Context, in *TerminalAskInput) (*TerminalAnswer, error) {
	var out TerminalAnswer
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/print", body: in, out: &out})
}

// TerminalPromptChoice asks a question with Choices on the device; the
// answer is the chosen option (and ChoiceIndex).
func (c *Client) TerminalPromptChoice(ctx context.Context, in *TerminalAskInput) (*TerminalAnswer, error) {
	var out TerminalAnswer
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/promptChoice", body: in, out: &out})
}

// TerminalPromptInput asks for free text or a number on the device.
func (c *Client) TerminalPromptInput(ctx context.Context, in *TerminalAskInput) (*TerminalAnswer, error) {
	var out TerminalAnswer
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/promptInput", body: in, out: &out})
}

// TerminalSignature captures the customer's signature on the device (SVG
// path data).
func (c *Client) TerminalSignature(ctx context.Context, in *TerminalAskInput) (*TerminalAnswer, error) {
	var out TerminalAnswer
	return &out, c.do(ctx, call{method: "POST", path: "/terminal/prompt/signature", body: in, out: &out})
}

// TerminalStatus is the status of a terminal transaction on a register.
func (c *Client) TerminalStatus(ctx context.Context, registerID, transactionID string) (*TerminalStatus, error) {
	var out TerminalStatus
	return &out, c.do(ctx, call{method: "GET", path: "/terminal/{registerId}/status/{transactionId}",
		args: []string{registerID, transactionID}, out: &out})
}
