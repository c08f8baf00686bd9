package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/tenderpay/tender"
)

func init() {
	requiredQueries = append(requiredQueries, "APIKeyListMerchant", "APIKeyDelete",
		"RegisterSetPairingLocator", "RegisterPairingFailed", "VaultKeys", "VaultKeyRecord", "VaultSealedSample")
}

// --- API key lifecycle ----------------------------------------------------

func (e *exec) APIKeyListMerchant(ctx context.Context, merchantID string, now time.Time) ([]*tender.APIKey, error) {
	if !validID(merchantID) {
		return []*tender.APIKey{}, nil
	}
	return all(ctx, e, e.r, scanAPIKey, e.q("APIKeyListMerchant"), merchantID, e.t(now))
}

func scanAPIKey(row rowScanner) (*tender.APIKey, error) {
	var k tender.APIKey
	var expires, created timeCol
	if err := row.Scan((*textCol)(&k.ID), &k.Kind, (*textCol)(&k.MerchantID), (*textCol)(&k.PartnerID), &k.Name,
		&k.Hash, &k.Prefix, &expires, &created, (*textCol)(&k.UserID)); err != nil {
		return nil, err
	}
	if expires.valid {
		k.ExpiresAt = expires.t
	}
	k.CreatedAt = created.t
	return &k, nil
}

func (e *exec) APIKeyDelete(ctx context.Context, merchantID, id string) error {
	if !validID(merchantID) || !validID(id) {
		return tender.NotFound("key")
	}
	if err := e.execOne(ctx, "APIKeyDelete", merchantID, id); err != nil {
		if tender.ErrorCode(err) == tender.ENOTFOUND {
			return tender.NotFound("key")
		}
		return err
	}
	return nil
}

// --- pairing failures -----------------------------------------------------

func (e *exec) RegisterSetPairingLocator(ctx context.Context, id, locator string) error {
	if !validID(id) {
		return tender.NotFound("register")
	}
	return e.execOne(ctx, "RegisterSetPairingLocator", id, nullable(locator))
}

func (e *exec) RegisterPairingFailed(ctx context.Context, locator string, max int, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("RegisterPairingFailed"), locator, max, e.t(at))
	return e.d.wrap(err)
}

// --- vault key fingerprints -----------------------------------------------

func (e *exec) VaultKeys(ctx context.Context) (map[string]string, error) {
	rows, err := e.r.QueryContext(ctx, e.q("VaultKeys"))
	if err != nil {
		return nil, e.d.wrap(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var kid, fp string
		if err := rows.Scan(&kid, &fp); err != nil {
			return nil, e.d.wrap(err)
		}
		out[kid] = fp
	}
	return out, e.d.wrap(rows.Err())
}

func (e *exec) VaultKeyRecord(ctx context.Context, kid, fingerprint, replaces string, at time.Time) error {
	_, err := e.w.ExecContext(ctx, e.q("VaultKeyRecord"), kid, fingerprint, e.t(at), replaces)
	return e.d.wrap(err)
}

func (e *exec) VaultSealedSample(ctx context.Context, kid string) (string, error) {
	var v string
	err := e.r.QueryRowContext(ctx, e.q("VaultSealedSample"), kid).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, e.d.wrap(err)
}
