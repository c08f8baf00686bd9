package tender

import (
	"crypto/rand"
	"encoding/json"
	"strings"
	"time"
)

// Register is a paired card-present terminal device of a merchant (Stax's
// terminal register). Either ID or RegisterNum names it in terminal routes.
type Register struct {
	ID          string `json:"id"`
	MerchantID  string `json:"merchant_id"`
	RegisterNum int    `json:"register_num"`
	Serial      string `json:"serial"`
	Nickname    string `json:"nickname"`
	Type        string `json:"type"`
	// TipEnabled makes the device ask the customer for a tip on sales.
	TipEnabled bool `json:"tip_enabled"`
	// BatchTime is the device's daily batch close, "HH:MM" UTC.
	BatchTime   string `json:"batch_time"`
	LastBatchAt *Time  `json:"last_batch_at"`
	IsOnline    bool   `json:"is_online"`
	LastSeenAt  *Time  `json:"last_seen_at"`
	PairedAt    *Time  `json:"paired_at"`
	CreatedAt   Time   `json:"created_at"`
	UpdatedAt   Time   `json:"updated_at"`
	DeletedAt   *Time  `json:"deleted_at"`

	// DeviceTokenHash authenticates the paired device (SHA-256 of its
	// token); PairingCodeHash is the one-time code until it is used.
	DeviceTokenHash  string `json:"-"`
	PairingCodeHash  string `json:"-"`
	PairingExpiresAt *Time  `json:"-"`
}

// OnlineWindow is how recently a device must have been heard from to count
// as online (it pings every few seconds while connected).
const OnlineWindow = 30 * time.Second

// Online reports whether the device was seen within OnlineWindow of now.
func (r *Register) Online(now time.Time) bool {
	return r.LastSeenAt != nil && now.Sub(r.LastSeenAt.Time) < OnlineWindow
}

// RegisterInput is the body of POST /terminal/register and PUT
// /terminal/register/{id}.
type RegisterInput struct {
	Nickname   *string `json:"nickname"`
	Serial     *string `json:"serial"`
	Type       *string `json:"type"`
	TipEnabled *bool   `json:"tip_enabled"`
	BatchTime  *string `json:"batch_time"`
}

// Apply validates in onto r.
func (in *RegisterInput) Apply(r *Register, errs FieldErrors) {
	set(&r.Nickname, in.Nickname)
	set(&r.Serial, in.Serial)
	set(&r.Type, in.Type)
	set(&r.BatchTime, in.BatchTime)
	if in.TipEnabled != nil {
		r.TipEnabled = *in.TipEnabled
	}
	MaxLen(errs, "nickname", r.Nickname, 255)
	MaxLen(errs, "serial", r.Serial, 64)
	MaxLen(errs, "type", r.Type, 64)
	if r.BatchTime == "" {
		r.BatchTime = "23:00"
	}
	if _, err := time.Parse("15:04", r.BatchTime); err != nil || len(r.BatchTime) != 5 {
		errs.Add("batch_time", "The batch time must be HH:MM (UTC).")
	}
}

// NewPairingCode returns a one-time pairing code a person can type: eight
// characters from an alphabet without look-alikes, grouped 4-4.
func NewPairingCode() string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:])
}

// NormalizePairingCode makes a typed code comparable (case, spaces, dash).
func NormalizePairingCode(s string) string {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != 8 {
		return s
	}
	return s[:4] + "-" + s[4:]
}

// Terminal request kinds: what the server asks a device to do.
const (
	TermSale   = "sale"
	TermAuth   = "pre_auth"
	TermCredit = "credit"
	TermRefund = "refund"
	TermVoid   = "void"
	TermPrompt = "prompt"
	// Device requests that move no money (POST /terminal/print,
	// /promptChoice, /promptInput, /prompt/signature, /tokenize).
	TermPrint     = "print"
	TermChoice    = "choice"
	TermInput     = "input"
	TermSignature = "signature"
	TermTokenize  = "tokenize"
)

// Terminal request states.
const (
	TermQueued    = "queued"    // waiting for the device
	TermDelivered = "delivered" // the device has it
	TermDone      = "done"      // the device answered and the server recorded it
	TermExpired   = "expired"   // never answered within the resolution window
)

// TerminalResolveWindow is how long the server keeps trying to resolve a
// terminal request (Stax: 3 hours after connectivity loss); after it the
// transaction stays PENDING for manual resolution.
const TerminalResolveWindow = 3 * time.Hour

// TerminalWaiting is Stax's message on a terminal transaction the device
// has not finished.
const TerminalWaiting = "terminalservice.waiting"

// TerminalRequest is one instruction to a device and, once answered, its
// outcome. It is the queue between the API (any server instance) and the
// instance holding the device's connection.
type TerminalRequest struct {
	ID            string          `json:"id"`
	MerchantID    string          `json:"merchant_id"`
	RegisterID    string          `json:"register_id"`
	TransactionID string          `json:"transaction_id"`
	Kind          string          `json:"kind"`
	Amount        Amount          `json:"amount"`
	Params        json.RawMessage `json:"params"`
	State         string          `json:"state"`
	Result        json.RawMessage `json:"result"`
	CreatedAt     Time            `json:"created_at"`
	DeliveredAt   *Time           `json:"delivered_at"`
	DoneAt        *Time           `json:"done_at"`
}

// TerminalParams are the options of a request the device acts on.
type TerminalParams struct {
	PaymentType string `json:"payment_type,omitempty"` // Credit | Debit | Gift
	Tokenize    bool   `json:"tokenize,omitempty"`
	Tip         bool   `json:"tip,omitempty"`
	Message     string `json:"message,omitempty"` // prompt text
	// ParentID is the original transaction of a refund or void.
	ParentID     string `json:"parent_id,omitempty"`
	PrintReceipt string `json:"print_receipt,omitempty"`
	// VoidOrRefund: the request came from POST /terminal/void-or-refund.
	VoidOrRefund bool `json:"void_or_refund,omitempty"`
	// Text is what POST /terminal/print prints.
	Text string `json:"text,omitempty"`
	// Choices are the options of a choice prompt.
	Choices []string `json:"choices,omitempty"`
	// InputType is a free-input prompt's keyboard: text or number.
	InputType string `json:"input_type,omitempty"`
	MaxLength int    `json:"max_length,omitempty"`
	// CustomerID is the customer a tokenized card is kept on.
	CustomerID string `json:"customer_id,omitempty"`
}

// TerminalResult is what the server recorded for a request.
type TerminalResult struct {
	// TransactionID is the transaction the request produced or acted on.
	TransactionID string `json:"transaction_id,omitempty"`
	Answer        *bool  `json:"answer,omitempty"` // a prompt's yes/no
	Cancelled     bool   `json:"cancelled,omitempty"`
	Message       string `json:"message,omitempty"`
	// Choice (index into the choices), Input and Signature (SVG path
	// data) answer the prompts; PaymentMethodID is the tokenized card.
	Choice          *int   `json:"choice,omitempty"`
	Input           string `json:"input,omitempty"`
	Signature       string `json:"signature,omitempty"`
	PaymentMethodID string `json:"payment_method_id,omitempty"`
	// Error is set when the request could not be carried out (a 422 for
	// the caller, e.g. the card presented for a refund is not the
	// original card).
	Error string `json:"error,omitempty"`
}

// TerminalChargeInput is the body of POST /terminal/charge, /charge/queue
// and /terminal/credit.
type TerminalChargeInput struct {
	Total          AmountInput     `json:"total"`
	Register       json.RawMessage `json:"register"`
	Meta           json.RawMessage `json:"meta"`
	PrintReceipt   *string         `json:"printReceipt"`
	PaymentType    *string         `json:"paymentType"`
	CustomerID     *string         `json:"customer_id"`
	CustomerIDAlt  *string         `json:"customerId"`
	InvoiceID      *string         `json:"invoice_id"`
	InvoiceIDAlt   *string         `json:"invoiceId"`
	Tokenize       Flag            `json:"tokenize"`
	PreAuth        Flag            `json:"pre_auth"`
	IdempotencyID  string          `json:"idempotency_id"`
	TransactionID  *string         `json:"transaction_id"` // refund and void
	TransactionAlt *string         `json:"transactionId"`
}

// RegisterRef returns the register named by in.Register: a string id, or a
// register_num (number or numeric string).
func RegisterRef(raw json.RawMessage) (id string, num int, ok bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", 0, false
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSpace(s)
		if n, err := parsePositiveInt(s); err == nil {
			return "", n, true
		}
		return s, 0, s != ""
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if v, err := parsePositiveInt(n.String()); err == nil {
			return "", v, true
		}
	}
	return "", 0, false
}

func parsePositiveInt(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, errNotInt
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errNotInt
		}
		n = n*10 + int(c-'0')
	}
	if n == 0 {
		return 0, errNotInt
	}
	return n, nil
}

var errNotInt = Errorf(EINVALID, "not a positive integer")

// PrintReceiptOptions are Stax's printReceipt values.
var PrintReceiptOptions = []string{"Merchant", "Customer", "Both", "No"}

// PaymentTypes are Stax's terminal paymentType values.
var PaymentTypes = []string{"Credit", "Debit", "Gift"}

// oneOf returns the option equal (case-insensitively) to v, or "".
func oneOf(v string, opts []string) string {
	for _, o := range opts {
		if strings.EqualFold(v, o) {
			return o
		}
	}
	return ""
}

// TerminalCharge is a validated terminal charge or credit.
type TerminalCharge struct {
	Total         Amount
	RegisterID    string
	RegisterNum   int
	Meta          json.RawMessage
	PrintReceipt  string
	PaymentType   string
	CustomerID    string
	InvoiceID     string
	Tokenize      bool
	PreAuth       bool
	IdempotencyID string
}

// Validate checks a terminal charge (credit: POST /terminal/credit).
// Card-present sales cannot carry meta.customFee; the idempotency id may
// be given top-level or, as Stax documents, in meta.idempotency_id.
func (in *TerminalChargeInput) Validate(credit bool) (*TerminalCharge, error) {
	errs := FieldErrors{}
	c := &TerminalCharge{Total: in.Total.Parse(errs, "total", true, 1)}
	var ok bool
	if c.RegisterID, c.RegisterNum, ok = RegisterRef(in.Register); !ok {
		if len(in.Register) == 0 || string(in.Register) == "null" || string(in.Register) == `""` {
			errs.Required("register")
		} else {
			errs.Add("register", "The register must be a register id or register_num.")
		}
	}
	c.Meta = MetaInput(in.Meta, errs)
	var meta map[string]json.RawMessage
	if c.Meta != nil {
		_ = json.Unmarshal(c.Meta, &meta)
	}
	if _, has := meta["customFee"]; has {
		errs.Add("meta.customFee", "Card-present transactions cannot use meta.customFee.")
	}
	c.IdempotencyID = strings.TrimSpace(in.IdempotencyID)
	if raw, has := meta["idempotency_id"]; has && c.IdempotencyID == "" {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			errs.Add("meta.idempotency_id", "The idempotency id must be a string.")
		}
		c.IdempotencyID = strings.TrimSpace(s)
	}
	if len(c.IdempotencyID) > MaxIdempotencyID {
		errs.Add("meta.idempotency_id", "The idempotency id may not be greater than 255 characters.")
	}
	c.PrintReceipt = "Both"
	if in.PrintReceipt != nil {
		if c.PrintReceipt = oneOf(*in.PrintReceipt, PrintReceiptOptions); c.PrintReceipt == "" {
			errs.Add("printReceipt", "The printReceipt must be one of Merchant, Customer, Both, No.")
		}
	}
	c.PaymentType = "Credit"
	if in.PaymentType != nil {
		if c.PaymentType = oneOf(*in.PaymentType, PaymentTypes); c.PaymentType == "" {
			errs.Add("paymentType", "The paymentType must be one of Credit, Debit, Gift.")
		}
	}
	c.CustomerID = strings.TrimSpace(firstSet(in.CustomerID, in.CustomerIDAlt))
	c.InvoiceID = strings.TrimSpace(firstSet(in.InvoiceID, in.InvoiceIDAlt))
	c.Tokenize, c.PreAuth = bool(in.Tokenize), bool(in.PreAuth)
	if credit && c.PreAuth {
		errs.Add("pre_auth", "A credit cannot be a pre-authorization.")
	}
	return c, errs.Err()
}

// ParentTransaction returns the transaction id of a refund or void.
func (in *TerminalChargeInput) ParentTransaction() string {
	return strings.TrimSpace(firstSet(in.TransactionID, in.TransactionAlt))
}

func firstSet(a, b *string) string {
	if a != nil && *a != "" {
		return *a
	}
	if b != nil {
		return *b
	}
	return ""
}

// PromptInput is the body of POST /terminal/prompt: the device shows the
// message (and the total, if any) and returns the customer's yes or no.
type PromptInput struct {
	Register json.RawMessage `json:"register"`
	Message  string          `json:"message"`
	Total    AmountInput     `json:"total"`
}

// Surcharge is the card-present surcharge on total at rate basis points,
// rounded half up to the cent.
func Surcharge(total Amount, bps int) Amount {
	if bps <= 0 {
		return 0
	}
	return (total*Amount(bps) + 5000) / 10000
}

// Card kinds a terminal reports.
const (
	CardCredit    = "credit"
	CardDebit     = "debit"
	CardApplePay  = "applepay"
	CardGooglePay = "googlepay"
)

// IsWallet reports whether kind is a device wallet (Apple Pay, Google
// Pay): its card number is single-use, so it cannot be tokenized.
func IsWallet(kind string) bool { return kind == CardApplePay || kind == CardGooglePay }

// DeviceCard is the card a terminal read. In the sandbox the simulator
// sends the (test) number; a production driver would send the processor's
// encrypted track data instead. It is sealed by the vault on arrival and
// never logged.
type DeviceCard struct {
	Number string `json:"number"`
	Exp    string `json:"exp"` // MMYY
	Name   string `json:"name"`
	Kind   string `json:"kind"`  // credit | debit | applepay | googlepay
	Entry  string `json:"entry"` // chip | tap | swipe
}

// Device answer statuses.
const (
	AnswerCard      = "card"      // a card was presented (sale, credit, refund)
	AnswerConfirm   = "confirm"   // the operator confirmed (void)
	AnswerCancelled = "cancelled" // the customer or operator cancelled
	AnswerTimeout   = "timeout"   // nobody presented a card in time
	AnswerPrompt    = "answer"    // the customer's yes/no to a prompt (or choice, input, signature)
	AnswerPrinted   = "printed"   // the device printed the text
)

// DeviceAnswer is a terminal's answer to a request.
type DeviceAnswer struct {
	RequestID string      `json:"request_id"`
	Status    string      `json:"status"`
	Card      *DeviceCard `json:"card,omitempty"`
	Tip       string      `json:"tip,omitempty"`
	Answer    bool        `json:"answer,omitempty"`
	// Choice is the index of the chosen option (choice prompts), Input
	// the typed text, Signature the signature as SVG path data.
	Choice    int    `json:"choice,omitempty"`
	Input     string `json:"input,omitempty"`
	Signature string `json:"signature,omitempty"`
	// Offline: the device approved without reaching the processor
	// (store and forward); the payment is authorized at batch close.
	Offline bool `json:"offline,omitempty"`
}

// DeviceOutcome is what the terminal shows after its answer was recorded.
type DeviceOutcome struct {
	RequestID string `json:"request_id"`
	Approved  bool   `json:"approved"`
	Message   string `json:"message"`
	Total     Amount `json:"total"`
}
