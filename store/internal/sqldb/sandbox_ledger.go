package sqldb

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

func init() {
	requiredQueries = append(requiredQueries, "SandboxInsert", "SandboxGet", "SandboxGetByRef", "SandboxSums")
}

func scanSandbox(row rowScanner) (*store.SandboxEntry, error) {
	var s store.SandboxEntry
	var amount int64
	var created timeCol
	err := row.Scan(&s.Key, &s.Op, &s.Ref, &s.ParentRef, &amount, &s.Approved, &s.Message, &s.DeclineCode,
		&s.AuthCode, &s.ReturnCode, &created)
	if err != nil {
		return nil, err
	}
	s.Amount, s.CreatedAt = tender.Amount(amount), created.t
	return &s, nil
}

// sandboxArgs are SandboxInsert's arguments.
func sandboxArgs(e *exec, s *store.SandboxEntry) []any {
	return []any{s.Key, s.Op, s.Ref, s.ParentRef, int64(s.Amount), s.Approved, s.Message, s.DeclineCode,
		s.AuthCode, s.ReturnCode, e.t(s.CreatedAt)}
}

func (e *exec) SandboxRecord(ctx context.Context, s *store.SandboxEntry) (*store.SandboxEntry, bool, error) {
	res, err := e.w.ExecContext(ctx, e.q("SandboxInsert"), sandboxArgs(e, s)...)
	if err != nil {
		return nil, false, e.d.wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, e.d.wrap(err)
	} else if n == 1 {
		return s, true, nil
	}
	stored, err := scanSandbox(e.w.QueryRowContext(ctx, e.q("SandboxGet"), s.Key))
	if err != nil {
		return nil, false, e.d.wrap(err)
	}
	return stored, false, nil
}

func (e *exec) sandboxOne(ctx context.Context, name, arg string) (*store.SandboxEntry, error) {
	s, err := scanSandbox(e.w.QueryRowContext(ctx, e.q(name), arg))
	if err != nil {
		if tender.ErrorCode(e.notFound(err, "")) == tender.ENOTFOUND {
			return nil, nil
		}
		return nil, e.d.wrap(err)
	}
	return s, nil
}

func (e *exec) SandboxGet(ctx context.Context, key string) (*store.SandboxEntry, error) {
	return e.sandboxOne(ctx, "SandboxGet", key)
}

func (e *exec) SandboxGetByRef(ctx context.Context, ref string) (*store.SandboxEntry, error) {
	if ref == "" {
		return nil, nil
	}
	return e.sandboxOne(ctx, "SandboxGetByRef", ref)
}

func (e *exec) SandboxSums(ctx context.Context, ref string) (*store.SandboxSums, error) {
	var captured, refunded, voids int64
	if err := e.w.QueryRowContext(ctx, e.q("SandboxSums"), ref).Scan(&captured, &refunded, &voids); err != nil {
		return nil, e.d.wrap(err)
	}
	return &store.SandboxSums{Captured: tender.Amount(captured), Refunded: tender.Amount(refunded), Voided: voids > 0}, nil
}
