package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// OutcomePending is the outcome of a money operation the processor has not
// confirmed (HTTP 202): the janitor resolves it, and a retry with the same
// idempotency_id then returns the final answer.
const OutcomePending = "pending"

// Result is the answer of a money operation. Exactly one of View and
// Replay is set: Replay is the stored body of an earlier request with the
// same idempotency_id.
type Result struct {
	View *TransactionView
	// Body is View already encoded (by jsonenc.Encode), when it was.
	Body    json.RawMessage
	Replay  json.RawMessage
	Outcome string // "", tender.EDECLINED, tender.EINVALID or OutcomePending
}

// idem is the idempotency part of a money request.
type idem struct {
	scope, key, hash string
}

// newIdem validates an idempotency_id and hashes the normalised request.
func newIdem(scope, key string, request any, errs tender.FieldErrors) *idem {
	if key == "" {
		return nil
	}
	if len(key) > tender.MaxIdempotencyID {
		errs.Add("idempotency_id", "The idempotency id may not be greater than 255 characters.")
		return nil
	}
	return idemOf(scope, key, request)
}

// idemOf is the idempotency part of a request whose idempotency_id its
// input's Validate has checked (nil without one).
func idemOf(scope, key string, request any) *idem {
	if key == "" {
		return nil
	}
	b, _ := json.Marshal(request)
	sum := sha256.Sum256(append([]byte(scope+"\x00"), b...))
	return &idem{scope: scope, key: key, hash: hex.EncodeToString(sum[:])}
}

// claim records the key as in flight for transactionID inside tx; the
// database's primary key makes the second claimant fail with ECONFLICT.
func (s *Service) claim(ctx context.Context, tx store.Executor, merchantID string, id *idem, transactionID string) error {
	if id == nil {
		return nil
	}
	return tx.IdempotencyInsert(ctx, s.claimOf(merchantID, id, transactionID))
}

// claimOf is the in-flight record claiming id for transactionID (nil
// without an idempotency id).
func (s *Service) claimOf(merchantID string, id *idem, transactionID string) *tender.IdempotencyRecord {
	if id == nil {
		return nil
	}
	now := s.now()
	return &tender.IdempotencyRecord{
		MerchantID: merchantID, Scope: id.scope, Key: id.key, RequestHash: id.hash, State: tender.IdemInFlight,
		TransactionID: transactionID, CreatedAt: now, UpdatedAt: now,
	}
}

// replay answers a request whose key was already claimed: the stored
// response when done, 422 when the parameters differ, and after waiting up
// to IdempotencyWait for an in-flight twin, 409.
func (s *Service) replay(ctx context.Context, merchantID string, id *idem) (*Result, error) {
	deadline := time.Now().Add(s.idempotencyWait())
	for {
		rec, err := s.store.IdempotencyGet(ctx, merchantID, id.scope, id.key)
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			// Released after a failure before the processor: the caller may retry.
			return nil, tender.Errorf(tender.EINFLIGHT, "A request with this idempotency_id failed; retry it.")
		} else if err != nil {
			return nil, err
		}
		if rec.RequestHash != id.hash {
			errs := tender.FieldErrors{}
			errs.Add("idempotency_id", "The idempotency id was already used with different parameters.")
			return nil, errs.Err()
		}
		if rec.State == tender.IdemDone {
			return &Result{Replay: json.RawMessage(rec.Response), Outcome: rec.Outcome}, nil
		}
		if time.Now().After(deadline) {
			return nil, tender.Errorf(tender.EINFLIGHT, "A request with this idempotency_id is still in progress; retry later.")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Service) idempotencyWait() time.Duration {
	if s.IdempotencyWait > 0 {
		return s.IdempotencyWait
	}
	return 10 * time.Second
}

// seen reports whether the key was already claimed (a retry), so that it is
// answered from the record even if the objects it names have changed since.
func (s *Service) seen(ctx context.Context, merchantID string, id *idem) bool {
	if id == nil {
		return false
	}
	_, err := s.store.IdempotencyGet(ctx, merchantID, id.scope, id.key)
	return err == nil
}
