package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// Brand webhooks (Stax's /webhookadmin/webhook/brand) are the partner's own
// webhooks, shown in Stax's brand shape: the same rows, relay, signing,
// retries and delivery log as every webhook.

func partnerOf(p *tender.Principal) (*tender.Partner, error) {
	if p == nil || p.Partner == nil {
		return nil, tender.Errorf(tender.EFORBIDDEN, "This route needs a partner API key.")
	}
	return p.Partner, nil
}

// CreateBrandWebhook subscribes a URL to an event of every merchant of the
// partner. The signing secret is in the answer (only there).
func (s *Service) CreateBrandWebhook(ctx context.Context, p *tender.Principal, in *tender.BrandWebhookInput) (*tender.BrandWebhook, error) {
	partner, err := partnerOf(p)
	if err != nil {
		return nil, err
	}
	wi, err := in.Webhook(s.webhookRefused())
	if err != nil {
		return nil, err
	}
	w, err := s.CreateWebhook(ctx, p, wi)
	if err != nil {
		return nil, err
	}
	return tender.NewBrandWebhook(w, partner), nil
}

// BrandWebhooks lists the partner's live webhooks, oldest first (secrets
// hidden).
func (s *Service) BrandWebhooks(ctx context.Context, p *tender.Principal) ([]*tender.BrandWebhook, error) {
	partner, err := partnerOf(p)
	if err != nil {
		return nil, err
	}
	ws, err := s.ListWebhooks(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]*tender.BrandWebhook, len(ws))
	for i, w := range ws {
		out[i] = tender.NewBrandWebhook(w, partner)
	}
	return out, nil
}

// BrandWebhook returns one of the partner's live webhooks (ENOTFOUND for
// another partner's, a merchant's, or a deleted one).
func (s *Service) BrandWebhook(ctx context.Context, p *tender.Principal, id string) (*tender.BrandWebhook, error) {
	partner, err := partnerOf(p)
	if err != nil {
		return nil, err
	}
	w, err := s.Webhook(ctx, p, id)
	if err != nil {
		return nil, err
	}
	w.Secret = ""
	return tender.NewBrandWebhook(w, partner), nil
}

// DeleteBrandWebhook unsubscribes one of the partner's webhooks: later
// events are not sent to it, and its pending deliveries are dropped.
func (s *Service) DeleteBrandWebhook(ctx context.Context, p *tender.Principal, id string) (*tender.BrandWebhook, error) {
	partner, err := partnerOf(p)
	if err != nil {
		return nil, err
	}
	w, err := s.DeleteWebhook(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return tender.NewBrandWebhook(w, partner), nil
}
