// Package gateway is the seam between Tender and a payment processor. A
// Gateway authorizes, captures, voids, refunds and credits; every call
// carries an idempotency key (the Tender transaction id), so a processor
// that sees a key twice answers with the first outcome instead of moving
// money twice.
//
// A call whose outcome is unknown (timeout, lost connection) returns
// ErrUnknown. Tender never retries such a call blindly: it records the
// transaction as pending and a janitor later asks Resolve what happened.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tenderpay/tender"
)

// ErrUnknown means the processor may or may not have acted.
var ErrUnknown = errors.New("gateway: outcome unknown")

// ErrBadSignature is returned by Receiver.ParseEvent when an inbound event's
// signature does not verify (or is missing, or too old).
var ErrBadSignature = errors.New("gateway: bad event signature")

// ErrNotSettled is returned by Gateway.Settle when the processor has not
// settled the payment yet (Stripe makes a card payment's funds available
// days after the charge). Nothing is wrong: the payment stays unsettled and
// the next batch asks again.
var ErrNotSettled = errors.New("gateway: not settled yet")

// UnsupportedError is what Gateway.Supports answers for an operation the
// processor does not offer (an unreferenced card credit on Stripe, a bank
// debit on a card-only processor). The service asks before it writes
// anything and answers a 422 naming the processor. A driver asked for such
// an operation anyway returns it too, before sending anything.
type UnsupportedError struct {
	Processor string // the driver's Name()
	Operation string // plural: "unreferenced card credits", "bank payments"
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("This merchant's processor (%s) does not support %s", e.Processor, e.Operation)
}

// Op is an operation that starts a payment, which a processor may not
// offer for every kind of payment method. Capture, void and refund of a
// payment the processor made are always offered.
type Op string

// Operations a Gateway declares through Supports.
const (
	OpAuthorize Op = "authorize" // a sale or pre-authorization (Authorize)
	OpCredit    Op = "credit"    // an unreferenced credit (Credit)
)

// DeclineCredentials is the DeclineCode of a Result whose processor refused
// the merchant's credentials (bad, revoked or lacking a permission): a
// definitive answer, nothing happened there, and the operator must set new
// credentials.
const DeclineCredentials = "processor_credentials"

// Card is what a processor needs to charge a card. The number and CVV are
// decrypted only for the duration of the call.
type Card struct {
	Number   string
	CVV      string // "" when not kept
	ExpMonth int
	ExpYear  int
	Name     string
	Zip      string
	Address  string
}

// Bank is an ACH account.
type Bank struct {
	Account    string
	Routing    string
	Type       string // checking | savings
	HolderType string // personal | business
	Name       string
}

// Request is a new payment (sale, pre-auth, ACH debit) or an unreferenced
// credit.
type Request struct {
	Key    string // idempotency key at the processor
	Amount tender.Amount
	Card   *Card
	Bank   *Bank
	// Capture: true for a sale, false for a pre-authorization (cards only).
	Capture bool
}

// Result is a processor's answer.
type Result struct {
	Approved    bool
	Ref         string // the processor's reference for later capture/void/refund
	AuthCode    string
	Message     string // "" when approved; the decline reason otherwise
	DeclineCode string // machine-readable: insufficient_funds, lost_card, ...
	// AVSCode and AVSMessage are the address verification result where the
	// processor reports one (Stax's avs_code/avs_message); CVVResult is the
	// card security code check ("pass", "fail", "unavailable", "unchecked").
	AVSCode    string
	AVSMessage string
	CVVResult  string
}

// Settlement is the outcome of settling one payment.
type Settlement struct {
	Returned   bool   // an ACH return (NSF etc.) after settlement
	ReturnCode string // R01, ...
	Message    string
	// Fee is what the processor kept of the payment (0 when it reports
	// none); it lands in the batch's deposit.
	Fee tender.Amount
	// Dispute is the status of a dispute the payment drew at settlement
	// (the sandbox's dispute cards: needs_response, or
	// warning_needs_response for an inquiry), "" for none; DisputeReason
	// is its reason. Tender records it as the processor's dispute event.
	Dispute       string
	DisputeReason string
}

// Gateway is a payment processor driver.
//
// A call the processor answered is a Result, approved or not: a decline, a
// refusal of the request (DeclineCode invalid_request) or of the merchant's
// credentials (DeclineCredentials) all mean nothing happened there, and the
// transaction is recorded FAILED. An error from a money call means the
// outcome is unknown (ErrUnknown: timeout, lost connection, 5xx): the
// transaction stays PENDING and the janitor asks Resolve later.
type Gateway interface {
	Name() string
	// Supports tells, without calling the processor, whether it offers op
	// on a payment method of method (tender.MethodCard, tender.MethodBank):
	// nil, or an *UnsupportedError. The service asks before it writes
	// anything.
	Supports(op Op, method string) error
	// Authorize runs a sale (Capture) or pre-auth on a card, or an ACH debit.
	Authorize(ctx context.Context, req Request) (*Result, error)
	// Capture captures amount (≤ authorized) of a pre-auth.
	Capture(ctx context.Context, key, ref string, amount tender.Amount) (*Result, error)
	// Void cancels an unsettled payment.
	Void(ctx context.Context, key, ref string) (*Result, error)
	// Refund returns amount of a settled payment.
	Refund(ctx context.Context, key, ref string, amount tender.Amount) (*Result, error)
	// Credit pays out to a card or bank account without a prior payment.
	Credit(ctx context.Context, req Request) (*Result, error)
	// Resolve tells the outcome of the operation with key. When the
	// processor never received it, found is false and the key is fenced, so
	// that a late arrival of the lost request is refused rather than
	// processed.
	Resolve(ctx context.Context, key string) (res *Result, found bool, err error)
	// Settle settles the payment ref (called by the nightly batch). It
	// returns ErrNotSettled when the processor has not settled it yet.
	Settle(ctx context.Context, ref string) (*Settlement, error)
}

// EventKind is what an inbound processor event reports.
type EventKind string

// Inbound event kinds.
const (
	// EventRefunded: the processor refunded (part of) a payment on its own
	// side, e.g. from its dashboard. Tender records a REFUND child.
	EventRefunded EventKind = "refunded"
	// EventPaymentFailed: a payment accepted earlier failed afterwards (a
	// bank debit returned). Tender records it as the sandbox's R01 return is.
	EventPaymentFailed EventKind = "payment_failed"
	// EventPaymentSucceeded: a payment was approved at the processor (a sale
	// succeeded, a pre-authorization was authorized). Tender acts on it only
	// to finalize a payment whose own answer was lost (Event.Key,
	// Event.Result); for a payment already final it is a no-op.
	EventPaymentSucceeded EventKind = "payment_succeeded"
	// EventDisputeOpened and EventDisputeClosed: a chargeback.
	EventDisputeOpened EventKind = "dispute_opened"
	EventDisputeClosed EventKind = "dispute_closed"
)

// Event is one inbound processor event, normalised. Tender applies an event
// id at most once per merchant.
type Event struct {
	ID   string // the processor's event id
	Kind EventKind
	// Ref is the payment's reference as Authorize returned it in Result.Ref.
	Ref string
	// ChildRef is the processor's id of the refund or dispute, so the same
	// refund reported twice (or made by Tender itself) is recorded once.
	ChildRef string
	Amount   tender.Amount // the refund's, the return's or the dispute's amount
	Reason   string        // machine-readable: a return code, a dispute reason
	Message  string        // human-readable
	Status   string        // disputes: the processor's status (won, lost, ...)
	// Currency (ISO 4217, "" for USD) and DueBy (zero when not given):
	// a dispute's, when the evidence is due.
	Currency string
	DueBy    time.Time
	// Key is Tender's key of the payment the event reports (Request.Key,
	// which the driver stores at the processor), when the event carries it;
	// Result is that payment's outcome as Authorize would have answered it.
	// With both, a payment still PENDING (its answer was lost) is finalized
	// by the event, in the event's own database transaction.
	Key    string
	Result *Result
}

// Receiver is implemented by a driver whose processor pushes signed events
// to Tender (POST /processor/{name}/webhook). ParseEvent verifies the
// signature with the merchant's webhook secret and normalises the event;
// it returns ErrBadSignature for a bad signature, and (nil, nil) for an event
// kind Tender does not act on.
type Receiver interface {
	ParseEvent(payload []byte, header http.Header) (*Event, error)
}

// DisputeEvidence is what a merchant submits to contest a dispute: text
// fields (tender.DisputeTextFields) and files, each of one evidence type
// (tender.EvidenceFileTypes, one file per type).
type DisputeEvidence struct {
	Text  map[string]string
	Files []EvidenceFile
}

// EvidenceFile is one evidence file with its bytes.
type EvidenceFile struct {
	Type string // tender.EvidenceFileTypes
	Name string
	Mime string
	Data []byte
}

// DisputeResponder is implemented by a driver whose processor takes
// dispute evidence through its API. SubmitDisputeEvidence submits ev for
// the processor's dispute ref (Event.ChildRef) and answers the dispute's
// status after it (under_review, or won/lost when the processor decides
// at once). A processor that refuses the submission (the dispute is
// closed, the evidence is malformed) answers a *DisputeRefusedError;
// any other error means it is not known whether the evidence arrived.
// A driver without this capability makes Tender answer a 422 naming
// the processor.
type DisputeResponder interface {
	SubmitDisputeEvidence(ctx context.Context, ref string, ev DisputeEvidence) (status string, err error)
}

// DisputeRefusedError is the processor's refusal of a dispute submission,
// with its message (safe to show).
type DisputeRefusedError struct{ Message string }

func (e *DisputeRefusedError) Error() string { return e.Message }
