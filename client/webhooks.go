package client

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Webhook is a subscription of a URL to an event name ("*" for all).
// Secret, the signing secret, is only in CreateWebhook's answer.
type Webhook struct {
	ID               string `json:"id"`
	MerchantID       string `json:"merchant_id"`
	PartnerID        string `json:"partner_id"`
	TargetURL        string `json:"target_url"`
	Event            string `json:"event"`
	MaxAttempts      int    `json:"max_attempts"`
	RetryBaseSeconds int    `json:"retry_base_seconds"`
	Secret           string `json:"secret,omitempty"`
	CreatedAt        Time   `json:"created_at"`
	DeletedAt        *Time  `json:"deleted_at"`
}

// WebhookInput subscribes TargetURL to Event.
type WebhookInput struct {
	TargetURL        string `json:"target_url"`
	Event            string `json:"event"`
	MaxAttempts      int    `json:"max_attempts,omitempty"`
	RetryBaseSeconds int    `json:"retry_base_seconds,omitempty"`
}

// WebhookDelivery is one event sent (or being sent) to one webhook.
type WebhookDelivery struct {
	ID             string `json:"id"`
	WebhookID      string `json:"webhook_id"`
	MerchantID     string `json:"merchant_id"`
	EventID        string `json:"event_id"`
	Event          string `json:"event"`
	ObjectID       string `json:"object_id"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	LastStatusCode int    `json:"last_status_code"`
	LastError      string `json:"last_error"`
	DeliveredAt    *Time  `json:"delivered_at"`
	CreatedAt      Time   `json:"created_at"`
	UpdatedAt      Time   `json:"updated_at"`
}

// CreateWebhook subscribes a URL to an event.
func (c *Client) CreateWebhook(ctx context.Context, in *WebhookInput) (*Webhook, error) {
	var out Webhook
	return &out, c.do(ctx, call{method: "POST", path: "/webhook", body: in, out: &out})
}

// Webhooks lists webhooks.
func (c *Client) Webhooks(ctx context.Context, p *ListParams) (*Page[Webhook], error) {
	var out Page[Webhook]
	return &out, c.do(ctx, call{method: "GET", path: "/webhook", query: p.values(), out: &out})
}

// DeleteWebhook deletes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, id string) (*Webhook, error) {
	var out Webhook
	return &out, c.do(ctx, call{method: "DELETE", path: "/webhook/{id}", args: []string{id}, out: &out})
}

// WebhookDeliveries lists a webhook's deliveries, newest first.
func (c *Client) WebhookDeliveries(ctx context.Context, webhookID string, p *ListParams) (*Page[WebhookDelivery], error) {
	var out Page[WebhookDelivery]
	return &out, c.do(ctx, call{method: "GET", path: "/webhook/{id}/deliveries", args: []string{webhookID}, query: p.values(), out: &out})
}

// Event is one entry of the event log: Data is the object as the API
// showed it after the change (what a webhook delivery carries).
type Event struct {
	ID         string          `json:"id"`
	MerchantID string          `json:"merchant_id"`
	Name       string          `json:"name"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Data       json.RawMessage `json:"data"`
	CreatedAt  Time            `json:"created_at"`
}

// Events lists the event log, newest first (filters: name, object_id).
func (c *Client) Events(ctx context.Context, p *ListParams) (*Page[Event], error) {
	var out Page[Event]
	return &out, c.do(ctx, call{method: "GET", path: "/event", query: p.values(), out: &out})
}

// Event gets one event.
func (c *Client) Event(ctx context.Context, id string) (*Event, error) {
	var out Event
	return &out, c.do(ctx, call{method: "GET", path: "/event/{id}", args: []string{id}, out: &out})
}

// Webhook delivery headers.
const (
	HeaderEvent     = "Stax-Event-Name"
	HeaderEventID   = "Stax-Event-Id"
	HeaderDelivery  = "Stax-Delivery-Id"
	HeaderSignature = "Stax-Signature"
)

// WebhookTolerance is how far a signature's timestamp may be from now.
const WebhookTolerance = 300 * time.Second

// VerifyWebhook checks a delivery: header is its Stax-Signature
// ("t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>"), body
// the raw request body, secret the webhook's signing secret. The HMAC is
// compared in constant time and the timestamp must be within
// WebhookTolerance of now (replays are refused).
func VerifyWebhook(body []byte, header, secret string) error {
	return verifyWebhookAt(body, header, secret, time.Now())
}

func verifyWebhookAt(body []byte, header, secret string, now time.Time) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return errors.New("tender: malformed webhook signature header")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return errors.New("tender: webhook signature timestamp outside the tolerance")
	}
	want := signature(secret, ts, body)
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("tender: webhook signature mismatch")
}

// SignWebhook returns the Stax-Signature header for body sent at t with
// secret (what Tender sends; for tests and forwarders).
func SignWebhook(body []byte, secret string, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + signature(secret, ts, body)
}

func signature(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
