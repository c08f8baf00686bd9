package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// A signed-in team user's administration: API keys and the merchant's
// settings are an owner's or admin's; staff are refused (EFORBIDDEN) here,
// whatever page or client asks.

// MerchantKeysAs lists the user's merchant's API keys.
func (s *Service) MerchantKeysAs(ctx context.Context, u *tender.TeamUser) ([]*KeyView, error) {
	if err := mayAdminister(u, "manage API keys"); err != nil {
		return nil, err
	}
	return s.MerchantKeys(ctx, u.MerchantID)
}

// CreateMerchantKeyAs issues an API key for the user's merchant.
func (s *Service) CreateMerchantKeyAs(ctx context.Context, u *tender.TeamUser, name, expiresAt string) (*NewKey, error) {
	if err := mayAdminister(u, "manage API keys"); err != nil {
		return nil, err
	}
	return s.CreateMerchantKey(ctx, u.MerchantID, name, expiresAt)
}

// RevokeMerchantKeyAs revokes one of the user's merchant's API keys.
func (s *Service) RevokeMerchantKeyAs(ctx context.Context, u *tender.TeamUser, id string) (*KeyView, error) {
	if err := mayAdminister(u, "manage API keys"); err != nil {
		return nil, err
	}
	return s.RevokeMerchantKey(ctx, u.MerchantID, id)
}

// MerchantSettingsAs returns the user's merchant, for its settings page.
func (s *Service) MerchantSettingsAs(ctx context.Context, u *tender.TeamUser) (*tender.Merchant, error) {
	if err := mayAdminister(u, "change the settings"); err != nil {
		return nil, err
	}
	return s.store.MerchantGet(ctx, u.MerchantID)
}

// UpdateMerchantAs changes the user's merchant's details: its name,
// contact email and allowed origins (features and the processor stay the
// partner's).
func (s *Service) UpdateMerchantAs(ctx context.Context, u *tender.TeamUser, name, email string, origins []string) (*tender.Merchant, error) {
	m, err := s.MerchantSettingsAs(ctx, u)
	if err != nil {
		return nil, err
	}
	if name == "" {
		errs := tender.FieldErrors{}
		errs.Required("company_name")
		return nil, errs.Err()
	}
	return s.UpdateMerchant(ctx, m.PartnerID, m.ID, &tender.MerchantInput{CompanyName: &name, ContactEmail: &email, AllowedOrigins: &origins})
}

// SetBrandingColorsAs changes the user's merchant's brand colours, as PUT
// /team/option/advanced_customizations does.
func (s *Service) SetBrandingColorsAs(ctx context.Context, u *tender.TeamUser, in *tender.BrandingInput) (*tender.Merchant, error) {
	if err := mayAdminister(u, "change the settings"); err != nil {
		return nil, err
	}
	return s.SetBrandingColors(ctx, u.MerchantID, in)
}

// SetLogoAs stores (or, with no data, removes) the user's merchant's logo,
// as POST and DELETE /team/option/branding do.
func (s *Service) SetLogoAs(ctx context.Context, u *tender.TeamUser, data []byte) (*tender.Merchant, error) {
	if err := mayAdminister(u, "change the settings"); err != nil {
		return nil, err
	}
	return s.SetLogo(ctx, u.MerchantID, data)
}
