package tender

import (
	"encoding/json"
	"time"
)

// Event records one state change, named as Stax names webhook events
// (create_customer, update_item, ...). Events are written in the same database
// transaction as the change they describe (a transactional outbox), so no
// committed change lacks its event and no event describes a rolled-back one.
type Event struct {
	ID         string
	MerchantID string
	Name       string
	ObjectType string
	ObjectID   string
	Payload    json.RawMessage // the object as the API returns it
	CreatedAt  time.Time
}

// LoggedEvent is an event with its place in the event log: Seq orders the
// log and is the cursor of GET /event/stream (its SSE id).
type LoggedEvent struct {
	Seq   int64
	Event *Event
}

// Event names.
const (
	EventCreateCustomer = "create_customer"
	EventUpdateCustomer = "update_customer"
	EventDeleteCustomer = "delete_customer"
	EventCreateItem     = "create_item"
	EventUpdateItem     = "update_item"
	EventDeleteItem     = "delete_item"

	EventCreatePaymentLink = "create_payment_link"
	EventUpdatePaymentLink = "update_payment_link"
	EventDeletePaymentLink = "delete_payment_link"
)

// Payment method and transaction events.
const (
	EventCreatePaymentMethod      = "create_payment_method"
	EventUpdatePaymentMethod      = "update_payment_method"
	EventCreateTransaction        = "create_transaction"
	EventUpdateTransaction        = "update_transaction"
	EventUpdateTransactionSettled = "update_transaction_settled"
	// A chargeback reported by the processor: opened, then closed (won or
	// lost); the payload is the ProcessorEvent.
	EventTransactionDisputeOpened = "update_transaction_dispute_opened"
	EventTransactionDisputeClosed = "update_transaction_dispute_closed"
	// A dispute's evidence was submitted (it is under review); the payload
	// is the dispute.
	EventTransactionDisputeUpdated = "update_transaction_dispute_updated"
)
