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

	"github.com/tenderpay/tender"
)

// ErrUnknown means the processor may or may not have acted.
var ErrUnknown = errors.New("gateway: outcome unknown")

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
}

// Settlement is the outcome of settling one payment.
type Settlement struct {
	Returned   bool   // an ACH return (NSF etc.) after settlement
	ReturnCode string // R01, ...
	Message    string
}

// Gateway is a payment processor driver.
type Gateway interface {
	Name() string
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
	// Settle settles the payment ref (called by the nightly batch).
	Settle(ctx context.Context, ref string) (*Settlement, error)
}
