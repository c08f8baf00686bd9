package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/gateway"
	"github.com/tenderpay/tender/store"
)

// inlineProcessor is a processor whose ledger is a table of Tender's own
// database (the sandbox): it decides an authorization or a credit without
// side effects and hands back the ledger entry, which the payment's own
// transaction then writes. ok is false when it cannot answer at once (the
// sandbox's slow and lost answers), and the usual call must run.
//
// FollowInline answers a capture, void or refund (op) of the payment whose
// processor reference is ref, reading and writing the processor's ledger
// through ledger (the caller's database transaction): Act's reservation,
// the processor's answer and its record commit together, one transaction
// instead of three.
type inlineProcessor interface {
	AuthorizeInline(req gateway.Request) (res *gateway.Result, entry *store.SandboxEntry, ok bool)
	CreditInline(req gateway.Request) (res *gateway.Result, entry *store.SandboxEntry, ok bool)
	FollowInline(ctx context.Context, ledger store.SandboxLedger, op, key, ref string, amount tender.Amount) (*gateway.Result, error)
}

// chargeInline answers a charge, pre-auth or credit (t as built, PENDING
// and not yet written) in one database transaction when its processor is
// an inlineProcessor that decides it at once: the decided transaction,
// the processor's ledger entry, the event and the idempotency key with its
// response (Store.TransactionCreateDecided), instead of a PENDING row, the
// processor's own write and the finalisation, three commits. Nothing is
// ever PENDING, and the payment and the processor's record of it commit
// together or not at all.
//
// handled is false, and nothing written, when the payment takes the usual
// path: another processor (or a wrapped one), a card whose CVV is erased
// once the processor has answered, a source with its own finalisation, or
// a request the processor does not answer at once. ECONFLICT when claim's
// key is taken. With unchanged not nil (the payment method and customer
// in known were held in memory, not read), it writes only while they are
// as held: store.ErrChanged, and nothing written, when they are not.
func (s *Service) chargeInline(ctx context.Context, gw gateway.Gateway, credit bool, t *tender.Transaction, req gateway.Request, claim *tender.IdempotencyRecord, known *viewCache, unchanged *store.Unchanged) (out *Result, handled bool, err error) {
	p, ok := gw.(inlineProcessor)
	if !ok || onPaymentFinal[t.Source] != nil || cvvToErase(t, known) {
		return nil, false, nil
	}
	req.Key = t.ID
	var res *gateway.Result
	var entry *store.SandboxEntry
	if credit {
		res, entry, ok = p.CreditInline(req)
	} else {
		res, entry, ok = p.AuthorizeInline(req)
	}
	if !ok {
		return nil, false, nil
	}
	cur := *t
	apply(&cur, res)
	out, ev, err := s.freshAnswer(ctx, &cur, known)
	if err != nil {
		return nil, true, err
	}
	if claim != nil {
		claim.State, claim.Outcome, claim.Response = tender.IdemDone, out.Outcome, string(out.Body)
	}
	if err := s.store.TransactionCreateDecided(ctx, claim, &cur, entry, ev, unchanged); err != nil {
		return nil, true, err
	}
	s.observePayment(&cur)
	return out, true, nil
}
