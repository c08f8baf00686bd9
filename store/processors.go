package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// processorQueries are the queries of merchants' processors, their events
// and disputes.
type processorQueries interface {
	// --- processors ---

	// TransactionByGatewayRef returns the merchant's oldest transaction
	// whose processor reference is ref (a payment, or a child by its own
	// refund's reference); ENOTFOUND when none. In InTx it reads on the
	// transaction's connection; lock the row with TransactionGetForUpdate.
	TransactionByGatewayRef(ctx context.Context, merchantID, ref string) (*tender.Transaction, error)
	// ProcessorEventInsert records an inbound processor event applied;
	// ECONFLICT when the merchant already has the processor's event id (a
	// replay: the caller's transaction then rolls back).
	ProcessorEventInsert(ctx context.Context, e *tender.ProcessorEvent) error
	// ProcessorEventsOf lists the events recorded on a transaction, oldest
	// first.
	ProcessorEventsOf(ctx context.Context, merchantID, transactionID string) ([]*tender.ProcessorEvent, error)

	// --- disputes ---

	// DisputeCreate records a dispute; ECONFLICT when the merchant already
	// has one with the processor's dispute id.
	DisputeCreate(ctx context.Context, d *tender.Dispute) error
	// DisputeByProcessorRef returns the merchant's dispute with the
	// processor's dispute id, locking its row on PostgreSQL (call it in
	// InTx); ENOTFOUND when there is none.
	DisputeByProcessorRef(ctx context.Context, merchantID, processor, ref string) (*tender.Dispute, error)
	// DisputeGet returns one of the merchant's disputes; ENOTFOUND when
	// merchantID has no such dispute. DisputeGetForUpdate also locks its row
	// on PostgreSQL (call it in InTx).
	DisputeGet(ctx context.Context, merchantID, id string) (*tender.Dispute, error)
	DisputeGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Dispute, error)
	// DisputeUpdate writes a dispute's amount, reason, status, due date,
	// evidence and times; ENOTFOUND when merchantID has no such dispute.
	DisputeUpdate(ctx context.Context, d *tender.Dispute) error
	// DisputeList lists the merchant's disputes, filtered (it counts and
	// skips rows).
	DisputeList(ctx context.Context, merchantID string, f tender.DisputeFilter, p tender.ListParams) (*tender.Page[*tender.Dispute], error)
	// DisputeFileAttach attaches the merchant's file to its dispute as
	// evidence of type evidenceType; ECONFLICT when the dispute already has
	// a file of that type (or the file is attached already).
	DisputeFileAttach(ctx context.Context, merchantID, disputeID, fileID, evidenceType string, at time.Time) error
	// DisputeFileOf returns the dispute a file is evidence for; ENOTFOUND
	// when the file is no evidence file of merchantID's.
	DisputeFileOf(ctx context.Context, merchantID, fileID string) (disputeID string, err error)
	// DisputeFileDetach removes a file from its dispute's evidence;
	// ENOTFOUND when it is no evidence file of merchantID's.
	DisputeFileDetach(ctx context.Context, merchantID, fileID string) error
	// DisputeFiles returns the live evidence files of the merchant's
	// disputes disputeIDs, by dispute, oldest first.
	DisputeFiles(ctx context.Context, merchantID string, disputeIDs []string) (map[string][]*tender.EvidenceFile, error)
}
