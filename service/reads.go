package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// Plain reads the API serves as they are stored. They live here so that a
// handler's only way to data is the service.

// Customer returns one of the merchant's customers.
func (s *Service) Customer(ctx context.Context, merchantID, id string) (*tender.Customer, error) {
	return s.store.CustomerGet(ctx, merchantID, id)
}

// Item returns one catalog item.
func (s *Service) Item(ctx context.Context, merchantID, id string) (*tender.Item, error) {
	return s.store.ItemGet(ctx, merchantID, id)
}

// Messages lists the merchant's outgoing emails and texts, newest first.
func (s *Service) Messages(ctx context.Context, merchantID string, lp tender.ListParams) (*tender.Page[*tender.Message], error) {
	return s.store.MessageList(ctx, merchantID, lp)
}

// PartnerMerchants lists a partner's merchants.
func (s *Service) PartnerMerchants(ctx context.Context, partnerID string, lp tender.ListParams) (*tender.Page[*tender.Merchant], error) {
	return s.store.MerchantList(ctx, partnerID, lp)
}

// Merchant returns one merchant by id, whoever its partner (admin commands).
func (s *Service) Merchant(ctx context.Context, id string) (*tender.Merchant, error) {
	return s.store.MerchantGet(ctx, id)
}

// TeamUserByEmail returns the team user who signs in with email (admin
// commands).
func (s *Service) TeamUserByEmail(ctx context.Context, email string) (*tender.TeamUser, error) {
	return s.store.TeamUserByEmail(ctx, email)
}
