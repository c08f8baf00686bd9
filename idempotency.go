package tender

import "time"

// MaxIdempotencyID bounds idempotency_id (Stax: 255 characters).
const MaxIdempotencyID = 255

// Idempotency states.
const (
	IdemInFlight = "in_flight"
	IdemDone     = "done"
)

// IdempotencyRecord is a claimed idempotency key of one merchant and one
// route (the scope). The database's primary key on (merchant, scope, key)
// is what makes a key usable once, across every server process.
type IdempotencyRecord struct {
	MerchantID    string
	Scope         string // e.g. "charge", "refund"
	Key           string
	RequestHash   string // SHA-256 of the normalised request
	State         string // IdemInFlight or IdemDone
	Outcome       string // "" for success, or an error code (EDECLINED, EINVALID, ...)
	Response      string // the JSON returned the first time
	TransactionID string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}
