package store

import (
	"context"

	"github.com/tenderpay/tender"
)

// reportQueries are the queries of deposits and reports (/query/*).
type reportQueries interface {
	// --- deposits and reports (/query/*) ---

	// DepositRecord adds a settled transaction to its batch's deposit
	// (opening it, as the merchant's next, on its first transaction); call
	// it in the InTx that settles the transaction. ECONFLICT when the
	// transaction is in a deposit already.
	DepositRecord(ctx context.Context, d *tender.DepositEntry) error
	// DepositGet returns a deposit of merchantID by its batch id; ENOTFOUND
	// when it has none.
	DepositGet(ctx context.Context, merchantID, id string) (*tender.Deposit, error)
	// DepositList lists a merchant's deposits by batched_at (newest first
	// unless p says otherwise), in O(page) with or without a range.
	DepositList(ctx context.Context, merchantID string, f tender.DepositFilter, p tender.ListParams) (*tender.Page[*tender.Deposit], error)
	// DepositLines lists a deposit's transactions in the order settled
	// (newest first when p.Desc), in O(page); ENOTFOUND for an unknown deposit.
	DepositLines(ctx context.Context, merchantID, depositID string, p tender.ListParams) (*tender.Page[*tender.DepositLine], error)
	// ReportSummary runs a statement report over its range (its cost is the
	// range's rows); rows by day and/or key, in order.
	ReportSummary(ctx context.Context, merchantID string, f tender.ReportFilter) ([]*tender.ReportRow, error)
	// TeamSummary counts a merchant's live customers, invoices and scheduled
	// invoices and tells whether it has taken bank or hosted-page payments.
	TeamSummary(ctx context.Context, merchantID string) (*tender.TeamSummary, error)
}
