package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// Sandbox ledger operations.
const (
	SandboxSale    = "sale"
	SandboxAuth    = "auth"
	SandboxDebit   = "debit"
	SandboxCapture = "capture"
	SandboxVoid    = "void"
	SandboxRefund  = "refund"
	SandboxCredit  = "credit"
	// SandboxFenced marks a key the processor never received, so that a late
	// arrival of that request is refused.
	SandboxFenced = "fenced"
)

// SandboxEntry is one operation in the sandbox processor's own ledger.
type SandboxEntry struct {
	Key         string
	Op          string
	Ref         string // processor reference of this operation
	ParentRef   string // for capture, void and refund: the payment's reference
	Amount      tender.Amount
	Approved    bool
	Message     string
	DeclineCode string
	AuthCode    string
	ReturnCode  string // ACH return code decided at debit time, applied at settlement
	CreatedAt   time.Time
}

// SandboxSums totals the approved operations on one payment.
type SandboxSums struct {
	Captured tender.Amount
	Refunded tender.Amount
	Voided   bool
}

// SandboxLedger is the sandbox processor's own ledger: all that the
// sandbox processor (gateway/sandbox) needs of the store.
type SandboxLedger interface {
	// --- the sandbox processor's own ledger ---

	// SandboxRecord inserts e unless its key exists; it returns the stored
	// entry (the earlier one on conflict) and whether e was inserted.
	SandboxRecord(ctx context.Context, e *SandboxEntry) (*SandboxEntry, bool, error)
	// SandboxGet returns the entry with key, or nil.
	SandboxGet(ctx context.Context, key string) (*SandboxEntry, error)
	// SandboxGetByRef returns the entry with processor reference ref, or nil.
	SandboxGetByRef(ctx context.Context, ref string) (*SandboxEntry, error)
	// SandboxSums totals the approved follow-up operations on ref.
	SandboxSums(ctx context.Context, ref string) (*SandboxSums, error)
}
