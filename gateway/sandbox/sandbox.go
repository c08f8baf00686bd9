// Package sandbox is Tender's deterministic test processor. Magic card
// numbers, bank accounts and amounts choose the outcome, so integrations can
// test every path. It keeps its own ledger (in the sandbox_ledger table),
// which makes it idempotent per key and lets tests compare what the
// "processor" did with what Tender recorded. Its calls write the ledger
// outside Tender's business transactions, as an external processor would;
// AuthorizeInline and CreditInline instead hand the entry to the payment's
// own transaction, so that a charge the sandbox decides at once is one
// commit, with nothing PENDING in between.
package sandbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// Outcome is what a magic number or amount does.
type Outcome struct {
	Approve     bool
	DeclineCode string
	Message     string
}

// Cards maps the magic card numbers to their outcome. Any other valid card
// number is approved.
var Cards = map[string]Outcome{
	"4111111111111111": {Approve: true},
	"4242424242424242": {Approve: true},
	"5555555555554444": {Approve: true},
	"378282246310005":  {Approve: true},
	"6011111111111117": {Approve: true},
	"4000000000000002": {DeclineCode: "card_declined", Message: "Card declined."},
	"4000000000009995": {DeclineCode: "insufficient_funds", Message: "Insufficient funds."},
	"4000000000009987": {DeclineCode: "lost_card", Message: "Card reported lost."},
	"4000000000009979": {DeclineCode: "stolen_card", Message: "Card reported stolen."},
	"4000000000000069": {DeclineCode: "expired_card", Message: "Card expired."},
	"4000000000000127": {DeclineCode: "incorrect_cvc", Message: "CVV verification failed."},
	"4000000000000119": {DeclineCode: "processing_error", Message: "A processing error occurred."},
}

// Dispute cards (Stripe's test numbers): approved, then disputed when the
// payment settles.
const (
	CardDispute = "4000000000000259" // a chargeback: fraudulent, needs_response
	CardInquiry = "4000000000001976" // an inquiry: general, warning_needs_response
)

// ledger return codes marking a payment disputed at settlement.
const (
	ledgerDispute = "DISPUTE"
	ledgerInquiry = "INQUIRY"
)

// Evidence keywords (Stripe's): submitted evidence whose text holds one
// decides the dispute at once; other evidence leaves it under review.
const (
	EvidenceWinning = "winning_evidence"
	EvidenceLosing  = "losing_evidence"
)

// Magic bank account numbers (any valid routing number).
const (
	BankSuccess   = "9876543210" // debits settle
	BankNSFReturn = "9876543211" // debit accepted, returned R01 (NSF) at settlement
	BankDecline   = "9876543212" // debit refused at once
)

// Magic amounts (cents), for any approving card or bank account.
const (
	AmountDecline         tender.Amount = 501 // $5.01: generic decline
	AmountInsufficient    tender.Amount = 502 // $5.02: insufficient funds
	AmountProcessingError tender.Amount = 505 // $5.05: processing error
	AmountLostResponse    tender.Amount = 513 // $5.13: approved, but the answer is lost (outcome unknown)
	AmountLostRequest     tender.Amount = 514 // $5.14: never reaches the processor (outcome unknown)
	AmountSlow            tender.Amount = 520 // $5.20: answers after SlowDelay
)

// SlowDelay is how long AmountSlow takes.
var SlowDelay = 1500 * time.Millisecond

// Processor is the sandbox gateway.
type Processor struct {
	ledger store.SandboxLedger
	now    func() time.Time
}

// New returns a sandbox processor keeping its ledger in s.
func New(s store.SandboxLedger, now func() time.Time) *Processor {
	if now == nil {
		now = time.Now
	}
	return &Processor{ledger: s, now: now}
}

var _ gateway.Gateway = (*Processor)(nil)

// Name implements gateway.Gateway.
func (p *Processor) Name() string { return "sandbox" }

// Supports implements gateway.Gateway: the sandbox offers every operation
// on cards and bank accounts.
func (p *Processor) Supports(gateway.Op, string) error { return nil }

// newRef is a new processor reference: prefix and a time-ordered id (a
// UUIDv7's hex digits, as tender.NewID). Refs made one after another sort
// one after another, so the indexes on them (transactions_gateway_ref,
// sandbox_ledger_ref) take each on their last page, not on a random one:
// random refs made those two indexes a fifth of the pages a SQLite charge
// wrote to the WAL.
func newRef(prefix string) string {
	return prefix + strings.ReplaceAll(tender.NewID(), "-", "")
}

// record writes e under its key unless the key is already known, and turns
// the stored entry into a Result: a repeated key replays the first answer.
func (p *Processor) record(ctx context.Context, e *store.SandboxEntry) (*gateway.Result, error) {
	e.CreatedAt = p.now()
	stored, _, err := p.ledger.SandboxRecord(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("sandbox ledger: %w", err)
	}
	return resultOf(stored), nil
}

func resultOf(e *store.SandboxEntry) *gateway.Result {
	if e.Op == store.SandboxFenced {
		return &gateway.Result{Approved: false, Message: "The request was abandoned and not processed.", DeclineCode: "abandoned"}
	}
	return &gateway.Result{Approved: e.Approved, Ref: e.Ref, AuthCode: e.AuthCode, Message: e.Message, DeclineCode: e.DeclineCode}
}

// amountOutcome applies the magic amounts that decide at once; the others
// (slow or lost answers) approve here, and only Authorize plays them out.
func amountOutcome(a tender.Amount) Outcome {
	switch a {
	case AmountDecline:
		return Outcome{DeclineCode: "card_declined", Message: "Declined (sandbox amount 5.01)."}
	case AmountInsufficient:
		return Outcome{DeclineCode: "insufficient_funds", Message: "Insufficient funds (sandbox amount 5.02)."}
	case AmountProcessingError:
		return Outcome{DeclineCode: "processing_error", Message: "A processing error occurred (sandbox amount 5.05)."}
	}
	return Outcome{Approve: true}
}

// authorization decides req: the ledger entry to record (without its
// time) and whether the amount makes the answer slow or lost
// (AmountSlow and AmountLostRequest on a card or account that approves,
// AmountLostResponse on any), which only Authorize plays out.
func authorization(req gateway.Request) (e *store.SandboxEntry, delayed bool, err error) {
	out := Outcome{Approve: true}
	op := store.SandboxSale
	dispute := ""
	switch {
	case req.Card != nil:
		if o, ok := Cards[req.Card.Number]; ok {
			out = o
		}
		if !req.Capture {
			op = store.SandboxAuth
		}
		switch req.Card.Number {
		case CardDispute:
			dispute = ledgerDispute
		case CardInquiry:
			dispute = ledgerInquiry
		}
	case req.Bank != nil:
		op = store.SandboxDebit
		if req.Bank.Account == BankDecline {
			out = Outcome{DeclineCode: "account_closed", Message: "Bank account declined."}
		}
	default:
		return nil, false, fmt.Errorf("sandbox: request has neither card nor bank")
	}
	// A lost answer is lost whatever it was; a slow or lost request only
	// matters to a card or account that approves.
	delayed = req.Amount == AmountLostResponse
	if out.Approve {
		delayed = delayed || req.Amount == AmountSlow || req.Amount == AmountLostRequest
		out = amountOutcome(req.Amount)
	}
	e = &store.SandboxEntry{Key: req.Key, Op: op, Amount: req.Amount, Approved: out.Approve,
		Message: out.Message, DeclineCode: out.DeclineCode}
	if out.Approve {
		e.Ref, e.AuthCode = newRef("sbx_"), fmt.Sprintf("%06d", time.Now().UnixNano()%1_000_000)
		if req.Bank != nil && req.Bank.Account == BankNSFReturn {
			e.ReturnCode = "R01"
		}
		if dispute != "" {
			e.ReturnCode = dispute
		}
	}
	return e, delayed, nil
}

// Authorize implements gateway.Gateway.
// A key seen before gets the first answer (record keeps the earlier entry).
func (p *Processor) Authorize(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	e, delayed, err := authorization(req)
	if err != nil {
		return nil, err
	}
	if delayed {
		switch req.Amount {
		case AmountLostRequest:
			return nil, gateway.ErrUnknown
		case AmountSlow:
			select {
			case <-time.After(SlowDelay):
			case <-ctx.Done():
				return nil, gateway.ErrUnknown
			}
		}
	}
	res, err := p.record(ctx, e)
	if err != nil {
		return nil, err
	}
	if req.Amount == AmountLostResponse {
		return nil, gateway.ErrUnknown // approved and recorded, but the answer never arrives
	}
	return res, nil
}

// AuthorizeInline decides req as Authorize would, without recording it:
// the answer and the ledger entry that the caller writes in the same
// database transaction as the payment (the ledger is a table of Tender's
// own database), so that the two commit together or not at all. ok is
// false when Authorize must run instead: the amount asks for a slow or
// lost answer, or req is invalid.
func (p *Processor) AuthorizeInline(req gateway.Request) (res *gateway.Result, e *store.SandboxEntry, ok bool) {
	e, delayed, err := authorization(req)
	if err != nil || delayed {
		return nil, nil, false
	}
	e.CreatedAt = p.now()
	return resultOf(e), e, true
}

// Capture implements gateway.Gateway.
func (p *Processor) Capture(ctx context.Context, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	return p.follow(ctx, key, ref, store.SandboxCapture, amount)
}

// Void implements gateway.Gateway.
func (p *Processor) Void(ctx context.Context, key, ref string) (*gateway.Result, error) {
	return p.follow(ctx, key, ref, store.SandboxVoid, 0)
}

// Refund implements gateway.Gateway.
func (p *Processor) Refund(ctx context.Context, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	return p.follow(ctx, key, ref, store.SandboxRefund, amount)
}

// FollowInline is Capture, Void or Refund (op: store.SandboxCapture,
// SandboxVoid or SandboxRefund; amount 0 for a void) reading and writing
// the ledger through ledger, the caller's database transaction, so that
// the operation and its record in Tender commit together or not at all,
// as AuthorizeInline's payment does. Unlike an authorization, a follow-up
// always answers at once.
func (p *Processor) FollowInline(ctx context.Context, ledger store.SandboxLedger, op, key, ref string, amount tender.Amount) (*gateway.Result, error) {
	switch op {
	case store.SandboxCapture, store.SandboxVoid, store.SandboxRefund:
	default:
		return nil, fmt.Errorf("sandbox: %q is not a follow-up operation", op)
	}
	return (&Processor{ledger: ledger, now: p.now}).follow(ctx, key, ref, op, amount)
}

// follow runs an operation on an earlier payment, checking it against the
// processor's own ledger: the processor, like a real one, refuses to capture
// more than authorized or refund more than captured.
func (p *Processor) follow(ctx context.Context, key, ref, op string, amount tender.Amount) (*gateway.Result, error) {
	if prior, err := p.ledger.SandboxGet(ctx, key); err != nil {
		return nil, err
	} else if prior != nil {
		return resultOf(prior), nil
	}
	parent, err := p.ledger.SandboxGetByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	e := &store.SandboxEntry{Key: key, Op: op, ParentRef: ref, Amount: amount}
	sums, err := p.ledger.SandboxSums(ctx, ref)
	if err != nil {
		return nil, err
	}
	decline := func(msg string) {
		e.Approved, e.Message, e.DeclineCode = false, msg, "invalid_request"
	}
	e.Approved = true
	switch {
	case parent == nil || !parent.Approved:
		decline("No such approved payment at the processor.")
	case sums.Voided:
		decline("The payment was voided.")
	case op == store.SandboxCapture && parent.Op != store.SandboxAuth:
		decline("Only a pre-authorization can be captured.")
	case op == store.SandboxCapture && sums.Captured > 0:
		decline("The pre-authorization was already captured.")
	case op == store.SandboxCapture && amount > parent.Amount:
		decline("The capture exceeds the authorized amount.")
	case op == store.SandboxVoid && sums.Refunded > 0:
		decline("A refunded payment cannot be voided.")
	case op == store.SandboxRefund:
		captured := parent.Amount
		if parent.Op == store.SandboxAuth {
			captured = sums.Captured
		}
		if amount+sums.Refunded > captured {
			decline("The refund exceeds the captured amount.")
		}
	}
	if e.Approved {
		e.Ref = newRef("sbx_")
	}
	return p.record(ctx, e)
}

// credit decides a credit (refund to a card or account without an
// earlier payment): the card's magic decline, else approved.
func credit(req gateway.Request) *store.SandboxEntry {
	e := &store.SandboxEntry{Key: req.Key, Op: store.SandboxCredit, Amount: req.Amount, Approved: true, Ref: newRef("sbx_")}
	if req.Card != nil {
		if o, ok := Cards[req.Card.Number]; ok && !o.Approve {
			e.Approved, e.Ref, e.Message, e.DeclineCode = false, "", o.Message, o.DeclineCode
		}
	}
	return e
}

// Credit implements gateway.Gateway.
func (p *Processor) Credit(ctx context.Context, req gateway.Request) (*gateway.Result, error) {
	return p.record(ctx, credit(req))
}

// CreditInline is AuthorizeInline for Credit; a credit always decides at
// once.
func (p *Processor) CreditInline(req gateway.Request) (*gateway.Result, *store.SandboxEntry, bool) {
	e := credit(req)
	e.CreatedAt = p.now()
	return resultOf(e), e, true
}

// Resolve implements gateway.Gateway: a key never seen is fenced.
func (p *Processor) Resolve(ctx context.Context, key string) (*gateway.Result, bool, error) {
	prior, err := p.ledger.SandboxGet(ctx, key)
	if err != nil {
		return nil, false, err
	}
	if prior != nil && prior.Op != store.SandboxFenced {
		return resultOf(prior), true, nil
	}
	stored, _, err := p.ledger.SandboxRecord(ctx, &store.SandboxEntry{Key: key, Op: store.SandboxFenced, CreatedAt: p.now()})
	if err != nil {
		return nil, false, err
	}
	if stored.Op != store.SandboxFenced { // the lost request landed just now
		return resultOf(stored), true, nil
	}
	return resultOf(stored), false, nil
}

// Settle implements gateway.Gateway.
func (p *Processor) Settle(ctx context.Context, ref string) (*gateway.Settlement, error) {
	e, err := p.ledger.SandboxGetByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("sandbox: no payment %s", ref)
	}
	var dispute, reason string
	switch e.ReturnCode {
	case ledgerDispute:
		dispute, reason = tender.DisputeNeedsResponse, "fraudulent"
	case ledgerInquiry:
		dispute, reason = tender.DisputeWarningNeedsResponse, "general"
	case "":
	default:
		return &gateway.Settlement{Returned: true, ReturnCode: e.ReturnCode, Message: "R01: Insufficient funds (ACH return)."}, nil
	}
	settled := e.Amount
	if e.Op == store.SandboxAuth {
		sums, err := p.ledger.SandboxSums(ctx, ref)
		if err != nil {
			return nil, err
		}
		settled = sums.Captured
	}
	return &gateway.Settlement{Fee: SandboxFee(e.Op, settled), Dispute: dispute, DisputeReason: reason}, nil
}

var _ gateway.DisputeResponder = (*Processor)(nil)

// SubmitDisputeEvidence implements gateway.DisputeResponder, decided by
// the evidence's text as Stripe's test mode does: EvidenceWinning wins
// the dispute, EvidenceLosing loses it, anything else leaves it under
// review.
func (p *Processor) SubmitDisputeEvidence(_ context.Context, ref string, ev gateway.DisputeEvidence) (string, error) {
	if !strings.HasPrefix(ref, "dp_sbx_") {
		return "", &gateway.DisputeRefusedError{Message: "No such dispute at the processor."}
	}
	for _, v := range ev.Text {
		switch {
		case strings.Contains(v, EvidenceWinning):
			return tender.DisputeWon, nil
		case strings.Contains(v, EvidenceLosing):
			return tender.DisputeLost, nil
		}
	}
	return tender.DisputeUnderReview, nil
}

// SandboxFee is the sandbox's pricing, so that deposits show fees: cards
// 2.9% + 30¢, bank debits 0.8% capped at $5, credits free (rounded half up
// to the cent, in integer cents).
func SandboxFee(op string, settled tender.Amount) tender.Amount {
	switch op {
	case store.SandboxSale, store.SandboxAuth:
		return (settled*29+500)/1000 + 30
	case store.SandboxDebit:
		return min((settled*8+500)/1000, 500)
	}
	return 0
}
