package store

import (
	"context"
	"errors"
	"time"

	"github.com/tenderpay/tender"
)

// Unchanged is what a payment decided from a payment method and its
// customer held in memory (not read in the payment's own transaction)
// asks of the write: that both are still as they were read, neither
// deleted nor updated since. Every change to either sets its updated_at
// (to the microsecond), so an equal updated_at is the same row.
type Unchanged struct {
	// PaymentMethodID is a payment method of the payment's merchant.
	PaymentMethodID string
	// MethodUpdatedAt and CustomerUpdatedAt are the updated_at values read.
	MethodUpdatedAt   time.Time
	CustomerUpdatedAt time.Time
}

// ErrChanged: the payment method or the customer of an Unchanged write
// was updated or deleted since it was read, and nothing was written.
var ErrChanged = errors.New("store: the payment method or its customer changed since it was read")

// paymentQueries are the queries of payment methods, transactions and
// idempotency keys.
type paymentQueries interface {
	// --- payment methods ---

	// PaymentMethodCreate stores pm with its sealed secrets.
	PaymentMethodCreate(ctx context.Context, pm *tender.PaymentMethod, secret *tender.PaymentMethodSecret) error
	// PaymentMethodGet returns a payment method of merchantID (deleted ones
	// included).
	PaymentMethodGet(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, error)
	// PaymentMethodWithSecret returns a payment method of merchantID (as
	// PaymentMethodGet) with its sealed number, CVV and routing number, and
	// its customer (what a charge on it shows), in one query.
	PaymentMethodWithSecret(ctx context.Context, merchantID, id string) (*tender.PaymentMethod, *tender.PaymentMethodSecret, *tender.Customer, error)
	PaymentMethodUpdate(ctx context.Context, pm *tender.PaymentMethod) error
	PaymentMethodDelete(ctx context.Context, merchantID, id string, at time.Time) error
	// PaymentMethodList's default list (newest first, no filter) costs O(page) (see
	// ListPositionsAssign); filters and other sorts count and skip rows.
	PaymentMethodList(ctx context.Context, merchantID string, f tender.PaymentMethodFilter, p tender.ListParams) (*tender.Page[*tender.PaymentMethod], error)
	// PaymentMethodsOfCustomer lists a customer's live payment methods.
	PaymentMethodsOfCustomer(ctx context.Context, merchantID, customerID string) ([]*tender.PaymentMethod, error)
	// PaymentMethodCustomerHasAny reports whether the customer has a live
	// payment method.
	PaymentMethodCustomerHasAny(ctx context.Context, merchantID, customerID string) (bool, error)
	// PaymentMethodClearDefault unsets is_default on the customer's other
	// payment methods.
	PaymentMethodClearDefault(ctx context.Context, merchantID, customerID, exceptID string, at time.Time) error
	// PaymentMethodEraseCVV forgets the CVV (after the first authorization).
	PaymentMethodEraseCVV(ctx context.Context, id string, at time.Time) error
	// PaymentMethodSecretsPage pages through all secrets by id (for key
	// rotation), after afterID.
	PaymentMethodSecretsPage(ctx context.Context, afterID string, limit int) ([]*tender.PaymentMethodSecret, error)
	// PaymentMethodSetSealed replaces the sealed values of a payment method.
	PaymentMethodSetSealed(ctx context.Context, s *tender.PaymentMethodSecret) error

	// --- transactions ---

	TransactionCreate(ctx context.Context, t *tender.Transaction) error
	TransactionGet(ctx context.Context, merchantID, id string) (*tender.Transaction, error)
	// TransactionGetForUpdate reads and locks the row until the transaction
	// of InTx ends (SELECT ... FOR UPDATE on PostgreSQL; SQLite's InTx
	// already holds the write lock).
	TransactionGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Transaction, error)
	// TransactionUpdate writes the mutable fields of t.
	TransactionUpdate(ctx context.Context, t *tender.Transaction) error
	// TransactionUpdatePending is TransactionUpdate of a transaction that is
	// still PENDING in the database; ENOTFOUND when it is not (any more).
	// It lets the one who wrote the PENDING row finalise it without first
	// reading it back under a lock.
	TransactionUpdatePending(ctx context.Context, t *tender.Transaction) error
	// TransactionChildren returns the children of the given parents.
	TransactionChildren(ctx context.Context, merchantID string, parentIDs []string) ([]*tender.Transaction, error)
	// TransactionList lists a merchant's transactions. The default list
	// (newest first, no filter) costs O(page) once the transactions have
	// list positions (TransactionPositionsAssign); until then, and for
	// filters and other sorts, it counts and skips rows. Transactions that
	// have no position yet are listed first, newest first.
	TransactionList(ctx context.Context, merchantID string, f tender.TransactionFilter, p tender.ListParams) (*tender.Page[*tender.Transaction], error)
	// TransactionPositionsAssign gives up to limit transactions created
	// before before their positions in their merchant's list (1, 2, 3, ...
	// in the order created), oldest first, and returns how many. Call it in
	// InTx; one transaction numbers at a time (another gets 0).
	TransactionPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error)
	// TransactionsPending lists PENDING transactions of every merchant
	// created before olderThan (for the janitor).
	TransactionsPending(ctx context.Context, olderThan time.Time, limit int) ([]*tender.Transaction, error)
	// TransactionsUnsettled lists successful, unsettled, unvoided payments
	// and credits of merchantID ("" for all) created before before, oldest
	// first (by created_at, then id), after the row after (the previous
	// page's last; nil for the first page).
	TransactionsUnsettled(ctx context.Context, merchantID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error)

	// --- idempotency ---

	// IdempotencyInsert claims a key; ECONFLICT when it exists.
	IdempotencyInsert(ctx context.Context, r *tender.IdempotencyRecord) error
	IdempotencyGet(ctx context.Context, merchantID, scope, key string) (*tender.IdempotencyRecord, error)
	// IdempotencyComplete stores the final response of a claimed key.
	IdempotencyComplete(ctx context.Context, r *tender.IdempotencyRecord) error
	// IdempotencyCompleteByTransaction stores the final response of the
	// in-flight key claimed for transactionID, if there is one.
	IdempotencyCompleteByTransaction(ctx context.Context, transactionID, outcome, response string, at time.Time) error
	// IdempotencyDelete releases a claimed key (the request failed before
	// reaching the processor).
	IdempotencyDelete(ctx context.Context, merchantID, scope, key string) error
}
