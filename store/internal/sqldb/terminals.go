package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "RegisterCreate", "RegisterGet", "RegisterGetForUpdate", "RegisterGetByNum",
		"RegisterByDeviceToken", "RegisterByPairingCode", "RegisterUpdate", "RegisterTouch", "RegisterList",
		"TerminalRequestCreate", "TerminalRequestGet", "TerminalRequestGetForUpdate", "TerminalRequestByTransaction",
		"TerminalRequestClaim", "TerminalRequestsOpen", "TerminalRequestUpdate", "TerminalRequestsExpire", "TerminalTransactionsUnsettled")
}

func registerArgs(e *exec, r *tender.Register) []any {
	return []any{r.ID, r.MerchantID, r.RegisterNum, r.Serial, r.Nickname, r.Type, r.TipEnabled, r.BatchTime,
		e.t(tp(r.LastBatchAt)), e.t(tp(r.LastSeenAt)), e.t(tp(r.PairedAt)), nullable(r.DeviceTokenHash),
		nullable(r.PairingCodeHash), e.t(tp(r.PairingExpiresAt)), e.t(r.CreatedAt.Time), e.t(r.UpdatedAt.Time),
		e.t(tp(r.DeletedAt))}
}

func (e *exec) RegisterCreate(ctx context.Context, r *tender.Register) error {
	args := registerArgs(e, r)
	args = append(args[:2], args[3:]...) // register_num is assigned by the query
	return e.d.wrap(e.w.QueryRowContext(ctx, e.q("RegisterCreate"), args...).Scan(&r.RegisterNum))
}

func scanRegister(row rowScanner) (*tender.Register, error) {
	var r tender.Register
	var lastBatch, lastSeen, paired, pairExp, created, updated, deleted timeCol
	err := row.Scan((*textCol)(&r.ID), (*textCol)(&r.MerchantID), &r.RegisterNum, &r.Serial, &r.Nickname, &r.Type,
		&r.TipEnabled, &r.BatchTime, &lastBatch, &lastSeen, &paired, (*textCol)(&r.DeviceTokenHash),
		(*textCol)(&r.PairingCodeHash), &pairExp, &created, &updated, &deleted)
	if err != nil {
		return nil, err
	}
	r.LastBatchAt, r.LastSeenAt, r.PairedAt, r.PairingExpiresAt = lastBatch.ptr(), lastSeen.ptr(), paired.ptr(), pairExp.ptr()
	r.CreatedAt, r.UpdatedAt, r.DeletedAt = created.tender(), updated.tender(), deleted.ptr()
	return &r, nil
}

func (e *exec) register(ctx context.Context, q querier, name string, args ...any) (*tender.Register, error) {
	r, err := scanRegister(q.QueryRowContext(ctx, e.q(name), args...))
	if err != nil {
		return nil, e.notFound(err, "register")
	}
	return r, nil
}

func (e *exec) RegisterGet(ctx context.Context, merchantID, id string) (*tender.Register, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("register")
	}
	return e.register(ctx, e.r, "RegisterGet", merchantID, id)
}

func (e *exec) RegisterGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Register, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("register")
	}
	return e.register(ctx, e.w, "RegisterGetForUpdate", merchantID, id)
}

func (e *exec) RegisterGetByNum(ctx context.Context, merchantID string, num int) (*tender.Register, error) {
	if !validID(merchantID) {
		return nil, tender.NotFound("register")
	}
	return e.register(ctx, e.r, "RegisterGetByNum", merchantID, num)
}

func (e *exec) RegisterByDeviceToken(ctx context.Context, hash string) (*tender.Register, error) {
	return e.register(ctx, e.r, "RegisterByDeviceToken", hash)
}

func (e *exec) RegisterByPairingCode(ctx context.Context, hash string) (*tender.Register, error) {
	return e.register(ctx, e.w, "RegisterByPairingCode", hash)
}

func (e *exec) RegisterUpdate(ctx context.Context, r *tender.Register) error {
	return e.execOne(ctx, "RegisterUpdate", registerArgs(e, r)...)
}

func (e *exec) RegisterTouch(ctx context.Context, id string, at time.Time) error {
	if !validID(id) {
		return tender.NotFound("register")
	}
	_, err := e.w.ExecContext(ctx, e.q("RegisterTouch"), id, e.t(at))
	return e.d.wrap(err)
}

func (e *exec) RegisterList(ctx context.Context, merchantID string) ([]*tender.Register, error) {
	if !validID(merchantID) {
		return []*tender.Register{}, nil
	}
	return all(ctx, e, e.r, scanRegister, e.q("RegisterList"), merchantID)
}

// --- terminal requests ---

func jsonOr(b json.RawMessage, def string) string {
	if len(b) == 0 {
		return def
	}
	return string(b)
}

func (e *exec) TerminalRequestCreate(ctx context.Context, r *tender.TerminalRequest) error {
	_, err := e.w.ExecContext(ctx, e.q("TerminalRequestCreate"), r.ID, r.MerchantID, r.RegisterID, nullable(r.TransactionID),
		r.Kind, int64(r.Amount), jsonOr(r.Params, "{}"), r.State, jsonOr(r.Result, "{}"), e.t(r.CreatedAt.Time),
		e.t(tp(r.DeliveredAt)), e.t(tp(r.DoneAt)))
	return e.d.wrap(err)
}

func scanTerminalRequest(row rowScanner) (*tender.TerminalRequest, error) {
	var r tender.TerminalRequest
	var amount int64
	var params, result jsonCol
	var created, delivered, done timeCol
	err := row.Scan((*textCol)(&r.ID), (*textCol)(&r.MerchantID), (*textCol)(&r.RegisterID), (*textCol)(&r.TransactionID),
		&r.Kind, &amount, &params, &r.State, &result, &created, &delivered, &done)
	if err != nil {
		return nil, err
	}
	r.Amount, r.Params, r.Result = tender.Amount(amount), json.RawMessage(params), json.RawMessage(result)
	r.CreatedAt, r.DeliveredAt, r.DoneAt = created.tender(), delivered.ptr(), done.ptr()
	return &r, nil
}

func (e *exec) terminalRequest(ctx context.Context, q querier, name string, args ...any) (*tender.TerminalRequest, error) {
	r, err := scanTerminalRequest(q.QueryRowContext(ctx, e.q(name), args...))
	if err != nil {
		return nil, e.notFound(err, "terminal request")
	}
	return r, nil
}

func (e *exec) TerminalRequestGet(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("terminal request")
	}
	return e.terminalRequest(ctx, e.r, "TerminalRequestGet", merchantID, id)
}

func (e *exec) TerminalRequestGetForUpdate(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error) {
	if !validID(id) || !validID(merchantID) {
		return nil, tender.NotFound("terminal request")
	}
	return e.terminalRequest(ctx, e.w, "TerminalRequestGetForUpdate", merchantID, id)
}

func (e *exec) TerminalRequestByTransaction(ctx context.Context, transactionID string) (*tender.TerminalRequest, error) {
	if !validID(transactionID) {
		return nil, tender.NotFound("terminal request")
	}
	return e.terminalRequest(ctx, e.r, "TerminalRequestByTransaction", transactionID)
}

func (e *exec) TerminalRequestClaim(ctx context.Context, registerID string, now, since time.Time) (*tender.TerminalRequest, error) {
	if !validID(registerID) {
		return nil, nil
	}
	r, err := scanTerminalRequest(e.w.QueryRowContext(ctx, e.q("TerminalRequestClaim"), registerID, e.t(now), e.t(since)))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, e.d.wrap(err)
	}
	return r, nil
}

func (e *exec) TerminalRequestsOpen(ctx context.Context, registerID string, since time.Time) ([]*tender.TerminalRequest, error) {
	if !validID(registerID) {
		return nil, nil
	}
	return all(ctx, e, e.r, scanTerminalRequest, e.q("TerminalRequestsOpen"), registerID, e.t(since))
}

func (e *exec) TerminalRequestUpdate(ctx context.Context, r *tender.TerminalRequest) error {
	return e.execOne(ctx, "TerminalRequestUpdate", r.MerchantID, r.ID, r.State, jsonOr(r.Result, "{}"), e.t(tp(r.DoneAt)))
}

func (e *exec) TerminalRequestsExpire(ctx context.Context, before time.Time) (int, error) {
	res, err := e.w.ExecContext(ctx, e.q("TerminalRequestsExpire"), e.t(before))
	if err != nil {
		return 0, e.d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), e.d.wrap(err)
}

func (e *exec) TerminalTransactionsUnsettled(ctx context.Context, merchantID, registerID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error) {
	if !validID(merchantID) || !validID(registerID) {
		return nil, nil
	}
	afterID, afterAt := "", e.t(before)
	if after != nil {
		afterID, afterAt = after.ID, e.t(after.CreatedAt.Time)
	}
	return e.queryTransactions(ctx, e.r, e.q("TerminalTransactionsUnsettled"), merchantID, registerID, e.t(before), afterID, afterAt, limit)
}
