package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// KeyView is an API key as listed: what identifies it, never its secret or
// its hash (the prefix is the secret's first four characters after the
// kind's prefix, as shown on creation).
type KeyView struct {
	ID        string       `json:"id"`
	Kind      string       `json:"kind"`
	Name      string       `json:"name"`
	Prefix    string       `json:"prefix"`
	ExpiresAt *tender.Time `json:"expires_at"`
	CreatedAt tender.Time  `json:"created_at"`
	// UserID is the team user the key acts for (null: the merchant's own).
	UserID *string `json:"user_id"`
}

func keyView(k *tender.APIKey) *KeyView {
	return &KeyView{ID: k.ID, Kind: k.Kind, Name: k.Name, Prefix: k.Prefix, ExpiresAt: tender.TimePtr(k.ExpiresAt),
		CreatedAt: tender.NewTime(k.CreatedAt), UserID: optional(k.UserID)}
}

// optional is s, or nil for "" (a JSON null).
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// MerchantKeys lists the merchant's API keys that still work (ephemeral
// browser tokens are not listed: they expire on their own within a day).
func (s *Service) MerchantKeys(ctx context.Context, merchantID string) ([]*KeyView, error) {
	keys, err := s.store.APIKeyListMerchant(ctx, merchantID, s.Now())
	if err != nil {
		return nil, err
	}
	out := make([]*KeyView, len(keys))
	for i, k := range keys {
		out[i] = keyView(k)
	}
	return out, nil
}

// RevokeMerchantKey deletes one of the merchant's API keys and returns it as
// listed. This process stops accepting it at once; another server process
// may accept it from its cache for up to AuthCacheBound more.
func (s *Service) RevokeMerchantKey(ctx context.Context, merchantID, id string) (*KeyView, error) {
	keys, err := s.store.APIKeyListMerchant(ctx, merchantID, s.Now())
	if err != nil {
		return nil, err
	}
	var found *tender.APIKey
	for _, k := range keys {
		if k.ID == id {
			found = k
		}
	}
	if found == nil {
		return nil, tender.NotFound("key")
	}
	if err := s.store.APIKeyDelete(ctx, merchantID, id); err != nil {
		return nil, err
	}
	s.auth.forget(found.Hash)
	return keyView(found), nil
}

// AuthCacheBound is how long a server process may go on trusting a key it
// resolved before another process revoked it (or changed its merchant).
const AuthCacheBound = authCacheTTL

// PartnerMerchantKeys lists the API keys of one of a partner's merchants
// (GET /merchant/{id}/apikey), without their secrets; 404 for a merchant of
// another partner.
func (s *Service) PartnerMerchantKeys(ctx context.Context, partnerID, merchantID string) ([]*KeyView, error) {
	m, err := s.PartnerMerchant(ctx, partnerID, merchantID)
	if err != nil {
		return nil, err
	}
	return s.MerchantKeys(ctx, m.ID)
}
