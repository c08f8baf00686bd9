package tender

// ProcessorEvent is an event a merchant's processor pushed to Tender
// (POST /processor/{name}/webhook/{merchant_id}) and Tender applied: a
// refund made on the processor's side, a failed payment, a dispute. Its
// EventID is unique per merchant and processor, in the database, so a
// replayed event is applied once. Disputes are read back from these
// records.
type ProcessorEvent struct {
	ID            string `json:"id"`
	MerchantID    string `json:"merchant_id"`
	Processor     string `json:"processor"`
	EventID       string `json:"event_id"`
	Kind          string `json:"kind"` // refunded, payment_failed, dispute_opened, dispute_closed
	TransactionID string `json:"transaction_id"`
	// ChildRef is the processor's id of the refund or dispute.
	ChildRef  string `json:"child_ref"`
	Amount    Amount `json:"amount"`
	Reason    string `json:"reason"`
	Status    string `json:"status"`
	Message   string `json:"message"`
	CreatedAt Time   `json:"created_at"`
}
