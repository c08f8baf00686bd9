package service

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/tenderpay/tender"
)

// owner returns the merchant or partner a principal manages webhooks for.
func owner(p *tender.Principal) (merchantID, partnerID string) {
	if p.Partner != nil {
		return "", p.Partner.ID
	}
	return p.Merchant.ID, ""
}

func owns(p *tender.Principal, w *tender.Webhook) bool {
	m, pt := owner(p)
	return w.DeletedAt == nil && (m != "" && w.MerchantID == m || pt != "" && w.PartnerID == pt)
}

// CreateWebhook subscribes a URL for the principal's merchant, or for every
// merchant of a partner. The signing secret is in the answer (only there).
func (s *Service) CreateWebhook(ctx context.Context, p *tender.Principal, in *tender.WebhookInput) (*tender.Webhook, error) {
	allow := s.WebhookAllowPrivate
	if allow == nil {
		allow = func(string) bool { return false }
	}
	in.TargetURL = strings.TrimSpace(in.TargetURL)
	special := s.WebhookSpecialHost
	if special == nil {
		special = func(string) bool { return true }
	}
	refused := func(host string) bool { return !allow(host) && special(host) }
	if err := in.Validate(refused); err != nil {
		return nil, err
	}
	m, pt := owner(p)
	w := &tender.Webhook{ID: tender.NewID(), MerchantID: m, PartnerID: pt, TargetURL: in.TargetURL, Event: in.Event,
		Secret: tender.NewSecret("whsec_"), MaxAttempts: tender.DefaultWebhookAttempts,
		RetryBaseSeconds: tender.DefaultWebhookRetryBase, CreatedAt: tender.NewTime(s.now())}
	if in.MaxAttempts != nil {
		w.MaxAttempts = *in.MaxAttempts
	}
	if in.RetryBaseSeconds != nil {
		w.RetryBaseSeconds = *in.RetryBaseSeconds
	}
	if err := s.store.WebhookCreate(ctx, w); err != nil {
		return nil, err
	}
	return w, nil
}

// WebhookPage is one page of the principal's live webhooks (secrets
// hidden), sorted by created_at. A merchant has a handful of webhooks, so
// the page is cut from the whole list rather than by the store.
func (s *Service) WebhookPage(ctx context.Context, p *tender.Principal, lp tender.ListParams) (*tender.Page[*tender.Webhook], error) {
	ws, err := s.ListWebhooks(ctx, p)
	if err != nil {
		return nil, err
	}
	if lp.Desc {
		slices.Reverse(ws)
	}
	page := &tender.Page[*tender.Webhook]{Total: len(ws)}
	if off := lp.Offset(); off < len(ws) {
		page.Items = ws[off:min(len(ws), off+lp.PerPage)]
	}
	return page, nil
}

// ListWebhooks lists the principal's live webhooks (secrets hidden), oldest
// first.
func (s *Service) ListWebhooks(ctx context.Context, p *tender.Principal) ([]*tender.Webhook, error) {
	m, pt := owner(p)
	if m == "" {
		m = uuid.Nil.String()
	}
	if pt == "" {
		pt = uuid.Nil.String()
	}
	ws, err := s.store.WebhookList(ctx, m, pt)
	for _, w := range ws {
		w.Secret = ""
	}
	return ws, err
}

// Webhook returns one of the principal's webhooks (ENOTFOUND otherwise).
func (s *Service) Webhook(ctx context.Context, p *tender.Principal, id string) (*tender.Webhook, error) {
	w, err := s.store.WebhookGet(ctx, id)
	if err != nil {
		return nil, err
	}
	if !owns(p, w) {
		return nil, tender.NotFound("webhook")
	}
	return w, nil
}

// DeleteWebhook unsubscribes; pending deliveries are dropped.
func (s *Service) DeleteWebhook(ctx context.Context, p *tender.Principal, id string) (*tender.Webhook, error) {
	w, err := s.Webhook(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := s.store.WebhookDelete(ctx, w.ID, s.now()); err != nil {
		return nil, err
	}
	w.Secret, w.DeletedAt = "", tender.TimePtr(s.now())
	return w, nil
}

// Deliveries is a webhook's delivery log, newest first.
func (s *Service) Deliveries(ctx context.Context, p *tender.Principal, id string, lp tender.ListParams) (*tender.Page[*tender.WebhookDelivery], error) {
	w, err := s.Webhook(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.store.DeliveryList(ctx, w.ID, lp)
}

// Replay sends a delivery's event again, as a new delivery.
func (s *Service) Replay(ctx context.Context, p *tender.Principal, webhookID, deliveryID string) (*tender.WebhookDelivery, error) {
	w, err := s.Webhook(ctx, p, webhookID)
	if err != nil {
		return nil, err
	}
	old, err := s.store.DeliveryGet(ctx, deliveryID)
	if err != nil || old.WebhookID != w.ID {
		return nil, tender.NotFound("delivery")
	}
	ev, err := s.store.EventGet(ctx, old.EventID)
	if err != nil {
		return nil, err
	}
	now := tender.NewTime(s.now())
	d := &tender.WebhookDelivery{ID: tender.NewID(), WebhookID: w.ID, MerchantID: ev.MerchantID, EventID: ev.ID,
		EventName: ev.Name, ObjectID: ev.ObjectID, Status: tender.DeliveryPending, CreatedAt: now, UpdatedAt: now}
	if err := s.store.DeliveryCreate(ctx, d); err != nil {
		return nil, err
	}
	return s.store.DeliveryGet(ctx, d.ID)
}
