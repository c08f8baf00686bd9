package sqldb

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "IdempotencyInsert", "IdempotencyGet", "IdempotencyComplete", "IdempotencyCompleteByTransaction", "IdempotencyDelete")
}

func (e *exec) IdempotencyInsert(ctx context.Context, r *tender.IdempotencyRecord) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyInsert"), idemArgs(e, r)...)
	return e.d.wrap(err)
}

// idempotencyInsertEventResponse is IdempotencyInsert of r, whose
// response is the payload of the event eventID, inserted before it in the
// same transaction: the key points at the event instead of holding a copy
// (Dialect.ResponseInEvent).
func (e *exec) idempotencyInsertEventResponse(ctx context.Context, r *tender.IdempotencyRecord, eventID string) error {
	args := idemArgs(e, r)
	args[6] = "" // the response: the event's
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyInsertEventResponse"), append(args, eventID)...)
	return e.d.wrap(err)
}

func idemArgs(e *exec, r *tender.IdempotencyRecord) []any {
	return []any{r.MerchantID, r.Scope, r.Key, r.RequestHash, r.State, r.Outcome, r.Response, r.TransactionID,
		e.t(r.CreatedAt), e.t(r.UpdatedAt)}
}

func scanIdempotency(row rowScanner) (*tender.IdempotencyRecord, error) {
	var r tender.IdempotencyRecord
	var created, updated timeCol
	// A response read from its event (Dialect.ResponseInEvent) may be
	// compressed (Dialect.CompressEvents).
	var response jsonCol
	err := row.Scan((*textCol)(&r.MerchantID), &r.Scope, &r.Key, &r.RequestHash, &r.State, &r.Outcome,
		&response, &r.TransactionID, &created, &updated)
	if err != nil {
		return nil, err
	}
	r.Response, r.CreatedAt, r.UpdatedAt = string(response), created.t, updated.t
	return &r, nil
}

func (e *exec) IdempotencyGet(ctx context.Context, merchantID, scope, key string) (*tender.IdempotencyRecord, error) {
	r, err := scanIdempotency(e.r.QueryRowContext(ctx, e.q("IdempotencyGet"), merchantID, scope, key))
	if err != nil {
		return nil, e.notFound(err, "idempotency key")
	}
	return r, nil
}

func (e *exec) IdempotencyComplete(ctx context.Context, r *tender.IdempotencyRecord) error {
	return e.execOne(ctx, "IdempotencyComplete", r.MerchantID, r.Scope, r.Key, r.Outcome, r.Response,
		r.TransactionID, e.t(r.UpdatedAt))
}

func (e *exec) IdempotencyCompleteByTransaction(ctx context.Context, transactionID, outcome, response string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyCompleteByTransaction"), transactionID, outcome, response, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) IdempotencyDelete(ctx context.Context, merchantID, scope, key string) error {
	_, err := e.w.ExecContext(ctx, e.q("IdempotencyDelete"), merchantID, scope, key)
	return e.d.wrap(err)
}
