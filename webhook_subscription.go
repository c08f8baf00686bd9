package tender

import (
	"net/url"
	"strings"
)

// Webhook subscribes a URL to one event name ("*" for every event) of a
// merchant, or of every merchant of a partner.
type Webhook struct {
	ID               string `json:"id"`
	MerchantID       string `json:"merchant_id"`
	PartnerID        string `json:"partner_id"`
	TargetURL        string `json:"target_url"`
	Event            string `json:"event"`
	Secret           string `json:"secret,omitempty"` // shown when created
	MaxAttempts      int    `json:"max_attempts"`
	RetryBaseSeconds int    `json:"retry_base_seconds"`
	CreatedAt        Time   `json:"created_at"`
	DeletedAt        *Time  `json:"deleted_at"`
}

// Receives reports whether the webhook gets ev, an event of a merchant of
// partnerID ("" for none): it is live, was created no later than the event,
// subscribes to its name or to "*", and belongs to the merchant or to its
// partner.
func (w *Webhook) Receives(ev *Event, partnerID string) bool {
	return w.DeletedAt == nil && !w.CreatedAt.After(ev.CreatedAt) && (w.Event == ev.Name || w.Event == "*") &&
		(w.MerchantID == ev.MerchantID && w.MerchantID != "" || partnerID != "" && w.PartnerID == partnerID)
}

// Webhook retry defaults: 30 s doubling to at most 6 h, 21 attempts ≈ 3 days.
const (
	DefaultWebhookAttempts  = 21
	DefaultWebhookRetryBase = 30
	MaxWebhookRetryDelay    = 6 * 3600
)

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookDelivery is one event sent (or to be sent) to one webhook: the
// delivery log.
type WebhookDelivery struct {
	ID             string `json:"id"`
	WebhookID      string `json:"webhook_id"`
	MerchantID     string `json:"merchant_id"`
	EventID        string `json:"event_id"`
	EventName      string `json:"event"`
	ObjectID       string `json:"object_id"`
	Seq            int64  `json:"-"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	LastStatusCode int    `json:"last_status_code"`
	LastError      string `json:"last_error"`
	DeliveredAt    *Time  `json:"delivered_at"`
	CreatedAt      Time   `json:"created_at"`
	UpdatedAt      Time   `json:"updated_at"`
}

// WebhookInput is the body of POST /webhook.
type WebhookInput struct {
	TargetURL        string `json:"target_url"`
	Event            string `json:"event"`
	MaxAttempts      *int   `json:"max_attempts"`
	RetryBaseSeconds *int   `json:"retry_base_seconds"`
}

// Events lists every event name a webhook can subscribe to.
var Events = []string{
	EventCreateCustomer, EventUpdateCustomer, EventDeleteCustomer, EventCreateItem, EventUpdateItem, EventDeleteItem,
	EventCreatePaymentMethod, EventUpdatePaymentMethod, EventCreateTransaction, EventUpdateTransaction,
	EventUpdateTransactionSettled, EventTransactionDisputeOpened, EventTransactionDisputeClosed,
	EventTransactionDisputeUpdated, EventCreatePaymentLink, EventUpdatePaymentLink, EventDeletePaymentLink,
}

// Validate checks a webhook input. refused says whether a target host may
// not be used (outside sandbox mode: a special-purpose address, or a name
// resolving to one; see webhook.RefusedHost).
func (in *WebhookInput) Validate(refused func(host string) bool) error {
	errs := FieldErrors{}
	u, err := url.Parse(strings.TrimSpace(in.TargetURL))
	switch {
	case in.TargetURL == "":
		errs.Required("target_url")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil:
		errs.Add("target_url", "The target url must be an http or https URL without credentials.")
	case len(in.TargetURL) > 2000:
		errs.Add("target_url", "The target url may not be greater than 2000 characters.")
	case refused(u.Hostname()):
		errs.Add("target_url", "The target url must not point to a private, loopback, link-local or other special-purpose address.")
	}
	if in.Event == "" {
		errs.Required("event")
	} else if in.Event != "*" {
		known := false
		for _, e := range Events {
			known = known || e == in.Event
		}
		if !known {
			errs.Add("event", "The selected event is invalid.")
		}
	}
	if in.MaxAttempts != nil && (*in.MaxAttempts < 1 || *in.MaxAttempts > 50) {
		errs.Add("max_attempts", "The max attempts must be between 1 and 50.")
	}
	if in.RetryBaseSeconds != nil && (*in.RetryBaseSeconds < 1 || *in.RetryBaseSeconds > 3600) {
		errs.Add("retry_base_seconds", "The retry base seconds must be between 1 and 3600.")
	}
	return errs.Err()
}
