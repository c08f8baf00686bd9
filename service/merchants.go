package service

import (
	"context"
	"strings"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// NewKey is a freshly created key with its secret, shown once.
type NewKey struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Name      string       `json:"name"`
	Key       string       `json:"api_key"`
	ExpiresAt *tender.Time `json:"expires_at"`
	CreatedAt tender.Time  `json:"created_at"`
	// UserID is the team user the key acts for (null: the merchant's own).
	UserID *string `json:"user_id"`
}

// CreatedMerchant is a new merchant with its first API key.
type CreatedMerchant struct {
	Merchant *tender.Merchant `json:"merchant"`
	APIKey   *NewKey          `json:"api_key"`
}

// CreatePartner stores a partner and returns it with its first key.
func (s *Service) CreatePartner(ctx context.Context, name string) (*tender.Partner, *NewKey, error) {
	if name == "" {
		errs := tender.FieldErrors{}
		errs.Required("name")
		return nil, nil, errs.Err()
	}
	p := &tender.Partner{ID: tender.NewID(), Name: name, CreatedAt: tender.NewTime(s.now())}
	var key *NewKey
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.PartnerCreate(ctx, p); err != nil {
			return err
		}
		var err error
		key, err = s.createKey(ctx, tx, tender.KeyPartner, "", p.ID, "default", time.Time{})
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return p, key, nil
}

// CreateMerchant stores a merchant (of partnerID, "" for none) with its web
// payments token and a first API key.
func (s *Service) CreateMerchant(ctx context.Context, partnerID string, sandbox bool, in *tender.MerchantInput) (*CreatedMerchant, error) {
	now := tender.NewTime(s.now())
	m := &tender.Merchant{
		ID: tender.NewID(), PartnerID: partnerID, Status: "ACTIVE", Sandbox: sandbox,
		WebPaymentsToken: tender.NewSecret(tender.WebPaymentsPrefix), CreatedAt: now, UpdatedAt: now,
	}
	if err := in.Apply(m, true); err != nil {
		return nil, err
	}
	if err := s.setProcessor(m, in, ""); err != nil {
		return nil, err
	}
	out := &CreatedMerchant{Merchant: m}
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if err := tx.MerchantCreate(ctx, m); err != nil {
			return err
		}
		var err error
		out.APIKey, err = s.createKey(ctx, tx, tender.KeyMerchant, m.ID, "", "default", time.Time{})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BootstrapSandbox creates the sandbox merchant on an empty database, once
// however many processes start at the same time: the claim and the merchant
// commit together. It returns nil when there was nothing to do.
func (s *Service) BootstrapSandbox(ctx context.Context, in *tender.MerchantInput) (*CreatedMerchant, error) {
	now := tender.NewTime(s.now())
	m := &tender.Merchant{
		ID: tender.NewID(), Status: "ACTIVE", Sandbox: true, IsTest: true,
		WebPaymentsToken: tender.NewSecret(tender.WebPaymentsPrefix), CreatedAt: now, UpdatedAt: now,
	}
	if err := in.Apply(m, true); err != nil {
		return nil, err
	}
	var out *CreatedMerchant
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		if ok, err := tx.OnceClaim(ctx, "sandbox-bootstrap", now.Time); err != nil || !ok {
			return err
		}
		if n, err := tx.MerchantCount(ctx); err != nil || n > 0 {
			return err // a database that already has merchants gets no sandbox one
		}
		if err := tx.MerchantCreate(ctx, m); err != nil {
			return err
		}
		key, err := s.createKey(ctx, tx, tender.KeyMerchant, m.ID, "", "default", time.Time{})
		out = &CreatedMerchant{Merchant: m, APIKey: key}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateMerchant changes a partner's merchant (name, features, origins).
func (s *Service) UpdateMerchant(ctx context.Context, partnerID, id string, in *tender.MerchantInput) (*tender.Merchant, error) {
	var m *tender.Merchant
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if m, err = s.partnerMerchant(ctx, tx, partnerID, id); err != nil {
			return err
		}
		before := m.Processor
		if err := in.Apply(m, false); err != nil {
			return err
		}
		if err := s.setProcessor(m, in, before); err != nil {
			return err
		}
		m.UpdatedAt = tender.NewTime(s.now())
		return tx.MerchantUpdate(ctx, m)
	})
	s.auth.clear()
	s.procs.drop(id)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// PartnerMerchant returns merchant id if it belongs to partnerID, else
// ENOTFOUND.
func (s *Service) PartnerMerchant(ctx context.Context, partnerID, id string) (*tender.Merchant, error) {
	return s.partnerMerchant(ctx, s.store, partnerID, id)
}

// partnerMerchant is PartnerMerchant read through tx.
func (s *Service) partnerMerchant(ctx context.Context, tx store.Executor, partnerID, id string) (*tender.Merchant, error) {
	m, err := tx.MerchantGet(ctx, id)
	if err != nil {
		return nil, err
	}
	if m.PartnerID != partnerID {
		return nil, tender.NotFound("merchant")
	}
	return m, nil
}

// CreateMerchantKey issues another API key for a merchant. expiresAt ("" for
// never) is a date-time after now; the key stops working then.
func (s *Service) CreateMerchantKey(ctx context.Context, merchantID, name, expiresAt string) (*NewKey, error) {
	return s.CreateUserKey(ctx, merchantID, "", name, expiresAt)
}

// CreateUserKey is CreateMerchantKey for one of the merchant's team users
// (userID; "" for a key of the merchant's own): the key acts with the
// user's role and stops working while the user is disabled. Another
// merchant's or an unknown user is a 422 on user_id.
func (s *Service) CreateUserKey(ctx context.Context, merchantID, userID, name, expiresAt string) (*NewKey, error) {
	errs := tender.FieldErrors{}
	if userID = strings.TrimSpace(userID); userID != "" {
		if _, err := s.store.TeamUserGet(ctx, merchantID, userID); tender.ErrorCode(err) == tender.ENOTFOUND {
			errs.Add("user_id", "The selected user id is invalid.")
		} else if err != nil {
			return nil, err
		}
	}
	tender.MaxLen(errs, "name", name, 255)
	var exp time.Time
	if expiresAt = strings.TrimSpace(expiresAt); expiresAt != "" {
		t, ok := tender.ParseTime(expiresAt)
		switch {
		case !ok:
			errs.Add("expires_at", "The expires at is not a valid date.")
		case !t.After(s.now()):
			errs.Add("expires_at", "The expires at must be a date after now.")
		default:
			exp = t
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return s.createUserKey(ctx, s.store, merchantID, userID, name, exp)
}

// CreateEphemeralKey issues a 24-hour key for a merchant.
func (s *Service) CreateEphemeralKey(ctx context.Context, merchantID string) (*NewKey, error) {
	return s.createKey(ctx, s.store, tender.KeyEphemeral, merchantID, "", "ephemeral", s.now().Add(tender.EphemeralTTL))
}

// createKey issues a key of kind; expiresAt zero is never.
func (s *Service) createKey(ctx context.Context, tx store.Executor, kind, merchantID, partnerID, name string, expiresAt time.Time) (*NewKey, error) {
	return s.newKey(ctx, tx, &tender.APIKey{Kind: kind, MerchantID: merchantID, PartnerID: partnerID, Name: name,
		ExpiresAt: expiresAt})
}

// createUserKey issues a merchant key for one of its team users ("" for
// none).
func (s *Service) createUserKey(ctx context.Context, tx store.Executor, merchantID, userID, name string, expiresAt time.Time) (*NewKey, error) {
	return s.newKey(ctx, tx, &tender.APIKey{Kind: tender.KeyMerchant, MerchantID: merchantID, UserID: userID,
		Name: name, ExpiresAt: expiresAt})
}

func (s *Service) newKey(ctx context.Context, tx store.Executor, k *tender.APIKey) (*NewKey, error) {
	secret := tender.NewSecret(tender.SecretPrefix[k.Kind])
	now := s.now()
	k.ID, k.Hash, k.Prefix, k.CreatedAt = tender.NewID(), tender.HashSecret(secret), secret[:len(tender.SecretPrefix[k.Kind])+4], now
	if err := tx.APIKeyCreate(ctx, k); err != nil {
		return nil, err
	}
	return &NewKey{ID: k.ID, Kind: k.Kind, Name: k.Name, Key: secret, ExpiresAt: tender.TimePtr(k.ExpiresAt),
		CreatedAt: tender.NewTime(now), UserID: optional(k.UserID)}, nil
}

// Authenticate resolves a bearer secret to who it acts as. Unknown and
// expired keys give EUNAUTHORIZED.
func (s *Service) Authenticate(ctx context.Context, secret string) (*tender.Principal, error) {
	unauthorized := tender.Errorf(tender.EUNAUTHORIZED, "Unauthorized")
	if secret == "" || len(secret) > 128 {
		return nil, unauthorized
	}
	hash, now := tender.HashSecret(secret), s.Now()
	if p := s.auth.get(hash, now); p != nil {
		return p, nil
	}
	k, err := s.store.APIKeyGetByHash(ctx, hash, now)
	if tender.ErrorCode(err) == tender.ENOTFOUND {
		return nil, unauthorized
	} else if err != nil {
		return nil, err
	}
	p := &tender.Principal{Kind: k.Kind, KeyID: k.ID}
	if k.Kind == tender.KeyPartner {
		if p.Partner, err = s.store.PartnerGet(ctx, k.PartnerID); err != nil {
			return nil, err
		}
		s.auth.put(hash, p, cacheUntil(now, k.ExpiresAt))
		return p, nil
	}
	if p.Merchant, err = s.store.MerchantGet(ctx, k.MerchantID); err != nil {
		return nil, err
	}
	if p.Merchant.Status != "ACTIVE" {
		return nil, unauthorized
	}
	if k.UserID != "" {
		u, err := s.store.TeamUserGet(ctx, k.MerchantID, k.UserID)
		if tender.ErrorCode(err) == tender.ENOTFOUND || err == nil && u.Disabled {
			return nil, unauthorized
		} else if err != nil {
			return nil, err
		}
		p.User = u
	}
	s.auth.put(hash, p, cacheUntil(now, k.ExpiresAt))
	return p, nil
}

// cacheUntil is when a cached key must be checked again: after the TTL, and
// never after the key expires.
func cacheUntil(now, expires time.Time) time.Time {
	until := now.Add(authCacheTTL)
	if !expires.IsZero() && expires.Before(until) {
		return expires
	}
	return until
}

// SweepExpiredKeys deletes expired ephemeral keys; the server runs it
// periodically.
func (s *Service) SweepExpiredKeys(ctx context.Context) (int, error) {
	return s.store.APIKeyDeleteExpired(ctx, s.Now().Add(-time.Minute))
}
