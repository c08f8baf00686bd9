package tender

import "time"

// Deposit is one settlement batch of one merchant (GET /query/deposit): the
// money a batch moved, recorded as each transaction settles, in the same
// database transaction. Its ID is the batch id its transactions carry in
// batch_id. Net ("amount") is what the merchant receives: sales − credits −
// returns − fees. The reporting routes speak camelCase, as Stax's do.
type Deposit struct {
	ID         string `json:"id"`
	MerchantID string `json:"-"`
	BatchedAt  Time   `json:"batchDate"`
	Count      int64  `json:"transactionCount"`
	Net        Amount `json:"amount"`
	Sales      Amount `json:"sales"`
	Credits    Amount `json:"credits"`
	Returns    Amount `json:"returns"`
	Fees       Amount `json:"fees"`
	CreatedAt  Time   `json:"createdAt"`
	UpdatedAt  Time   `json:"updatedAt"`
}

// Kinds of deposit lines: a payment settled (sale), a credit paid out, a
// bank debit returned after settlement (return).
const (
	DepositSale   = "sale"
	DepositCredit = "credit"
	DepositReturn = "return"
)

// DepositEntry is what settling one transaction adds to its batch's deposit.
type DepositEntry struct {
	MerchantID    string
	DepositID     string // the batch id
	TransactionID string
	Kind          string // DepositSale, DepositCredit or DepositReturn
	Amount        Amount // positive; the kind says which way it moves
	Fee           Amount // the processor's fee on it
	At            time.Time
}

// DepositLine is one transaction of a deposit (GET /query/depositDetail).
// Net is Amount − Fee for a sale and −(Amount + Fee) otherwise.
type DepositLine struct {
	DepositID     string `json:"depositId"`
	TransactionID string `json:"transactionId"`
	Kind          string `json:"kind"`
	Type          string `json:"type"`
	Method        string `json:"method"`
	CardType      string `json:"cardType"`
	LastFour      string `json:"lastFour"`
	Amount        Amount `json:"amount"`
	Fee           Amount `json:"fee"`
	Net           Amount `json:"net"`
	TransactedAt  Time   `json:"transactedAt"`
	SettledAt     Time   `json:"settledAt"`
}

// NetOf computes a line's net from its kind, amount and fee.
func (l *DepositLine) NetOf() Amount {
	if l.Kind == DepositSale {
		return l.Amount - l.Fee
	}
	return -(l.Amount + l.Fee)
}

// DepositFilter narrows GET /query/deposit to batches closed in a range.
type DepositFilter struct {
	BatchedFrom, BatchedTo time.Time
}

// Validate checks the range (end_date after start_date).
func (f DepositFilter) Validate() error {
	errs := FieldErrors{}
	validateRange(f.BatchedFrom, f.BatchedTo, "end_date", errs)
	return errs.Err()
}
