package tender

// Message channels.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Message statuses: QUEUED waits for its transport, SENDING is claimed by a
// sender (re-claimable after its lease), SENT went out, FAILED gave up after
// MaxMessageAttempts, OUTBOX has no transport configured (sandbox) and is
// only kept, for GET /sandbox/outbox.
const (
	MessageQueued  = "QUEUED"
	MessageSending = "SENDING"
	MessageSent    = "SENT"
	MessageFailed  = "FAILED"
	MessageOutbox  = "OUTBOX"
)

// MaxMessageAttempts bounds delivery attempts of one message.
const MaxMessageAttempts = 8

// Message is an email or SMS to a customer (an invoice, a receipt), written
// in the same database transaction as the change that sends it and delivered
// from there by the message relay. Bodies never hold card or account
// numbers (last four at most).
type Message struct {
	ID          string `json:"id"`
	MerchantID  string `json:"merchant_id"`
	Channel     string `json:"channel"`
	Kind        string `json:"kind"` // invoice, receipt
	To          string `json:"to"`
	Subject     string `json:"subject"`
	Text        string `json:"text"`
	HTML        string `json:"html"`
	ObjectType  string `json:"object_type"`
	ObjectID    string `json:"object_id"`
	Status      string `json:"status"`
	Attempts    int    `json:"attempts"`
	LastError   string `json:"last_error"`
	NextAttempt Time   `json:"-"`
	CreatedAt   Time   `json:"created_at"`
	SentAt      *Time  `json:"sent_at"`
}
