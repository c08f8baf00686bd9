package tender

import (
	"errors"
	"strconv"
	"strings"
)

// A brand webhook is Stax's partner-level webhook (/webhookadmin/webhook/brand):
// a subscription of a partner (Stax's "brand") that receives the event of
// every one of the partner's merchants, present and future. In Tender it is
// the partner-owned Webhook, shown in Stax's shape; it is delivered, signed,
// retried, logged and replayed like any other webhook, and each delivered
// body carries the merchant_id of the merchant it is about.

// BrandWebhookInput is the body of POST /webhookadmin/webhook/brand, in
// Stax's names: event_name (event is accepted too), and meta's retry count
// and frequency (minutes).
type BrandWebhookInput struct {
	TargetURL string           `json:"target_url"`
	EventName string           `json:"event_name"`
	Event     string           `json:"event"`
	Meta      BrandWebhookMeta `json:"meta"`
}

// BrandWebhookMeta is a brand webhook's retry policy as Stax spells it.
// ResponseCode is the code a receiver answers on success: Tender counts any
// 2xx a success, so only a 2xx code is accepted.
type BrandWebhookMeta struct {
	ResponseCode          any  `json:"response_code,omitempty"`
	WebhookRetryCount     *int `json:"webhook_retry_count"`
	WebhookRetryFrequency *int `json:"webhook_retry_frequency"`
}

// Webhook turns the input into Tender's webhook input: the retries after
// the first attempt (Stax's count) make max_attempts, the frequency in
// minutes the retry base. Field errors name Stax's fields.
func (in *BrandWebhookInput) Webhook(refused func(host string) bool) (*WebhookInput, error) {
	errs := FieldErrors{}
	out := &WebhookInput{TargetURL: strings.TrimSpace(in.TargetURL), Event: in.EventName}
	if out.Event == "" {
		out.Event = in.Event
	}
	if rc := in.Meta.WebhookRetryCount; rc != nil {
		if *rc < 0 || *rc > 49 {
			errs.Add("meta.webhook_retry_count", "The meta.webhook_retry_count field must be between or equal to 0 and 49.")
		} else {
			n := *rc + 1
			out.MaxAttempts = &n
		}
	}
	if rf := in.Meta.WebhookRetryFrequency; rf != nil {
		if *rf < 1 || *rf > 60 {
			errs.Add("meta.webhook_retry_frequency", "The meta.webhook_retry_frequency field must be between or equal to 1 and 60 (minutes).")
		} else {
			n := *rf * 60
			out.RetryBaseSeconds = &n
		}
	}
	if rc := in.Meta.ResponseCode; rc != nil {
		code := -1
		switch v := rc.(type) {
		case string:
			if n, err := strconv.Atoi(v); err == nil {
				code = n
			}
		case float64:
			if v == float64(int(v)) {
				code = int(v)
			}
		}
		if code < 200 || code > 299 {
			errs.Add("meta.response_code", "The meta.response_code field must be a 2xx HTTP status (any 2xx counts as delivered).")
		}
	}
	if err := out.Validate(refused); err != nil {
		var fe *Error
		if !errors.As(err, &fe) || len(fe.Fields) == 0 {
			return nil, err
		}
		for f, msgs := range fe.Fields {
			if f == "event" {
				f = "event_name"
			}
			errs[f] = append(errs[f], msgs...)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// BrandWebhook is a partner's webhook in Stax's brand shape. merchant_id is
// always null (it is every merchant's of the partner); brand_level names the
// partner.
type BrandWebhook struct {
	ID         string           `json:"id"`
	PartnerID  string           `json:"partner_id"`
	MerchantID *string          `json:"merchant_id"`
	URL        string           `json:"url"`
	TargetURL  string           `json:"target_url"`
	Event      string           `json:"event"`
	BrandLevel string           `json:"brand_level"`
	Secret     string           `json:"secret,omitempty"` // shown when created
	Meta       BrandWebhookView `json:"meta"`
	CreatedAt  Time             `json:"created_at"`
	UpdatedAt  Time             `json:"updated_at"`
	DeletedAt  *Time            `json:"deleted_at"`
}

// BrandWebhookView is the meta of a brand webhook as shown.
type BrandWebhookView struct {
	WebhookRetryCount     int `json:"webhook_retry_count"`
	WebhookRetryFrequency int `json:"webhook_retry_frequency"` // minutes, rounded up
	MaxAttempts           int `json:"max_attempts"`
	RetryBaseSeconds      int `json:"retry_base_seconds"`
}

// NewBrandWebhook shows a partner's webhook in the brand shape.
func NewBrandWebhook(w *Webhook, partner *Partner) *BrandWebhook {
	b := &BrandWebhook{ID: w.ID, PartnerID: w.PartnerID, URL: w.TargetURL, TargetURL: w.TargetURL, Event: w.Event,
		Secret: w.Secret, CreatedAt: w.CreatedAt, UpdatedAt: w.CreatedAt, DeletedAt: w.DeletedAt,
		Meta: BrandWebhookView{WebhookRetryCount: max(w.MaxAttempts-1, 0), WebhookRetryFrequency: (w.RetryBaseSeconds + 59) / 60,
			MaxAttempts: w.MaxAttempts, RetryBaseSeconds: w.RetryBaseSeconds}}
	if partner != nil {
		b.BrandLevel = partner.Name
	}
	if w.DeletedAt != nil {
		b.UpdatedAt = *w.DeletedAt
	}
	return b
}
