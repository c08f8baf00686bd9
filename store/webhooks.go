package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// webhookQueries are the queries of webhook subscriptions, deliveries and
// the relay.
type webhookQueries interface {
	// --- webhooks ---

	WebhookCreate(ctx context.Context, w *tender.Webhook) error
	// WebhookGet returns a webhook by id (deleted ones included); callers
	// check ownership.
	WebhookGet(ctx context.Context, id string) (*tender.Webhook, error)
	// WebhookList lists the live webhooks of a merchant or of a partner.
	WebhookList(ctx context.Context, merchantID, partnerID string) ([]*tender.Webhook, error)
	WebhookDelete(ctx context.Context, id string, at time.Time) error
	DeliveryCreate(ctx context.Context, d *tender.WebhookDelivery) error
	// RelayLease takes, or renews, the webhook relay's lease for holder
	// until until, if it is holder's already or expired at now, and reports
	// whether holder holds it: one relay at a time across processes.
	RelayLease(ctx context.Context, holder string, now, until time.Time) (bool, error)
	// EventsToRelay returns up to limit events not relayed yet, oldest first,
	// each with the webhooks it goes to (the merchant's and its partner's,
	// subscribed to its name or to "*", existing when it happened). With
	// payloads, every event carries its payload, read with it; without,
	// only the events with targets do, read apart (a second statement):
	// the relay asks for payloads while its batches go somewhere, and
	// otherwise saves reading and decompressing every event's.
	EventsToRelay(ctx context.Context, limit int, payloads bool) ([]*RelayEvent, error)
	// EventsRelayed writes the deliveries of events EventsToRelay returned
	// (each once, with its first outcome, in order; they need no job from
	// DeliveriesToEnqueue) and marks the events relayed. Call it in InTx
	// with the deliveries' retry jobs.
	EventsRelayed(ctx context.Context, events []*RelayEvent, ds []*tender.WebhookDelivery) error
	DeliveryGet(ctx context.Context, id string) (*tender.WebhookDelivery, error)
	DeliveryUpdate(ctx context.Context, d *tender.WebhookDelivery) error
	// DeliveriesUpdate is DeliveryUpdate for a batch, in one statement.
	DeliveriesUpdate(ctx context.Context, ds []*tender.WebhookDelivery) error
	DeliveryList(ctx context.Context, webhookID string, p tender.ListParams) (*tender.Page[*tender.WebhookDelivery], error)
	// DeliveryBlocked reports whether an earlier delivery of the same object
	// to the same webhook is still pending (deliveries are ordered per object).
	DeliveryBlocked(ctx context.Context, d *tender.WebhookDelivery) (bool, error)
	EventGet(ctx context.Context, id string) (*tender.Event, error)
	// DeliveriesToEnqueue takes up to limit deliveries that have no job yet,
	// oldest first; call it in InTx (on PostgreSQL the rows stay locked, and
	// other relays skip them).
	DeliveriesToEnqueue(ctx context.Context, limit int) ([]string, error)
	// DeliveriesMarkEnqueued records that the deliveries have their jobs.
	DeliveriesMarkEnqueued(ctx context.Context, ids []string) error
	// DeliveryWork loads, in one query, a delivery with its webhook, its
	// event's payload, and whether it is blocked behind an earlier pending
	// delivery of the same object (see DeliveryBlocked).
	DeliveryWork(ctx context.Context, id string) (*DeliveryWork, error)
	// DeliveriesWork is DeliveryWork for a batch of deliveries, in delivery
	// order; Blocked counts only earlier pending deliveries outside ids.
	DeliveriesWork(ctx context.Context, ids []string) ([]*DeliveryWork, error)
}

// Ref names an object of a merchant.
type Ref struct{ MerchantID, ID string }

// RelayEvent is an event for the webhook relay, with its targets.
type RelayEvent struct {
	Seq     int64 // the event's place in the outbox
	Event   *tender.Event
	Targets []RelayTarget
}

// RelayTarget is a webhook an event goes to; Blocked when an earlier
// delivery of the event's object to it is still pending (deliveries are
// ordered per object and webhook).
type RelayTarget struct {
	Webhook *tender.Webhook
	Blocked bool
}

// DeliveryWork is what a webhook worker needs to send one delivery.
type DeliveryWork struct {
	Delivery *tender.WebhookDelivery
	Webhook  *tender.Webhook
	Payload  []byte
	Blocked  bool
}
