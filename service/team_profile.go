package service

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// updateOwnMerchant reads the merchant, lets change edit it, and stores it
// in one transaction; the cached principals forget the old merchant.
func (s *Service) updateOwnMerchant(ctx context.Context, merchantID string, change func(tx store.Executor, m *tender.Merchant) error) (*tender.Merchant, error) {
	var m *tender.Merchant
	err := s.store.InTx(ctx, func(tx store.Executor) error {
		var err error
		if m, err = tx.MerchantGet(ctx, merchantID); err != nil {
			return err
		}
		if m.Options == nil {
			m.Options = map[string]any{}
		}
		if err := change(tx, m); err != nil {
			return err
		}
		m.UpdatedAt = tender.NewTime(s.now())
		return tx.MerchantUpdate(ctx, m)
	})
	s.auth.clear()
	if err != nil {
		return nil, err
	}
	return m, nil
}

// UpdateTeam changes the merchant's own business details (PUT /team).
func (s *Service) UpdateTeam(ctx context.Context, merchantID string, in *tender.TeamInput) (*tender.Merchant, error) {
	return s.updateOwnMerchant(ctx, merchantID, func(_ store.Executor, m *tender.Merchant) error { return in.Apply(m) })
}

// SetTeamOptions merges body into the merchant's options (PUT
// /team/options): a null value removes an option.
func (s *Service) SetTeamOptions(ctx context.Context, merchantID string, body map[string]json.RawMessage) (*tender.Merchant, error) {
	return s.updateOwnMerchant(ctx, merchantID, func(_ store.Executor, m *tender.Merchant) error {
		opts, err := tender.MergeTeamOptions(m.Options, body)
		if err != nil {
			return err
		}
		m.Options = opts
		return nil
	})
}

// SetBrandingColors changes the merchant's brand colours (PUT
// /team/option/advanced_customizations).
func (s *Service) SetBrandingColors(ctx context.Context, merchantID string, in *tender.BrandingInput) (*tender.Merchant, error) {
	return s.updateOwnMerchant(ctx, merchantID, func(_ store.Executor, m *tender.Merchant) error { return in.Apply(&m.Branding) })
}

// SetLogo stores the merchant's logo (POST /team/option/branding): a PNG,
// JPEG, GIF or WebP image of at most MaxLogoBytes, its type read from its
// bytes. The merchant's branding.logo_url changes with every upload. An
// empty data removes the logo.
func (s *Service) SetLogo(ctx context.Context, merchantID string, data []byte) (*tender.Merchant, error) {
	var ctype string
	if len(data) > 0 {
		errs := tender.FieldErrors{}
		ctype = http.DetectContentType(data)
		switch {
		case len(data) > tender.MaxLogoBytes:
			errs.Add("branding", "The logo may not be larger than 512 KB.")
		case !tender.LogoTypes[ctype]:
			errs.Add("branding", "The logo must be a PNG, JPEG, GIF or WebP image.")
		}
		if err := errs.Err(); err != nil {
			return nil, err
		}
	}
	now := tender.NewTime(s.now())
	return s.updateOwnMerchant(ctx, merchantID, func(tx store.Executor, m *tender.Merchant) error {
		if len(data) == 0 {
			m.Branding.LogoURL = ""
			return tx.MerchantLogoDelete(ctx, merchantID)
		}
		m.Branding.LogoURL = "/branding/" + merchantID + "/logo?v=" + strconv.FormatInt(now.UnixMilli(), 36)
		return tx.MerchantLogoPut(ctx, merchantID, &tender.Logo{ContentType: ctype, Data: data, UpdatedAt: now})
	})
}

// Logo returns a merchant's logo for the public logo route; ENOTFOUND when
// it has none.
func (s *Service) Logo(ctx context.Context, merchantID string) (*tender.Logo, error) {
	return s.store.MerchantLogoGet(ctx, merchantID)
}
