// Package storetest is the one conformance suite every store.Store
// implementation passes, in the manner of River's riverdrivertest: the
// sqlite and postgres packages each call Exercise from their tests, and
// differences between databases are handled inside the stores, never by
// forking the suite.
//
// Exercise is the index; each area's tests live in a file named for the
// area (merchants.go, transactions.go, ...) as one func exerciseX(t, open).
// A new area is a new file and one line here.
package storetest

import (
	"testing"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Open returns a fresh, migrated, empty store closed when t ends.
type Open func(t *testing.T) store.Store

// suiteNow is the fixed instant the suite's rows are created at; its
// microseconds check that both stores keep the precision.
var suiteNow = tender.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 891234000, time.UTC))

// Exercise runs the suite.
func Exercise(t *testing.T, open Open) {
	exerciseStore(t, open)
	exerciseMerchants(t, open)
	exerciseCustomers(t, open)
	exerciseItems(t, open)
	exercisePaymentLinks(t, open)
	exerciseEvents(t, open)
	exercisePaymentMethods(t, open)
	exerciseTransactions(t, open)
	exerciseTransactionCreateDecided(t, open)
	exerciseInvoices(t, open)
	exerciseIdempotency(t, open)
	exerciseWebhooks(t, open)
	exerciseTerminals(t, open)
	exerciseListPositions(t, open)
	exerciseSandboxLedger(t, open)
	exerciseFilters(t, open)
	exerciseListFilters(t, open)
	exerciseKeywordSearch(t, open)
	exerciseInvoiceCustomerLists(t, open)
	exerciseStock(t, open)
	exerciseProcessors(t, open)
	exerciseSecurity(t, open)
	exerciseDeposits(t, open)
	exerciseTeam(t, open)
	exerciseUserAccounts(t, open)
	exerciseFiles(t, open)
	exerciseDisputes(t, open)
	exerciseBacklog(t, open)
	exerciseSalesRollup(t, open)
	exerciseMigrationStatus(t, open)
}
