package store

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
)

// terminalQueries are the queries of card-present terminals.
type terminalQueries interface {
	// --- terminals ---

	// RegisterCreate stores a register and assigns r.RegisterNum, the
	// merchant's next number (ECONFLICT if a concurrent create took it).
	RegisterCreate(ctx context.Context, r *tender.Register) error
	// RegisterGet returns a register of merchantID (deleted ones included).
	RegisterGet(ctx context.Context, merchantID, id string) (*tender.Register, error)
	// RegisterGetForUpdate reads and locks a register until the end of InTx.
	RegisterGetForUpdate(ctx context.Context, merchantID, id string) (*tender.Register, error)
	RegisterGetByNum(ctx context.Context, merchantID string, num int) (*tender.Register, error)
	// RegisterByDeviceToken finds the live register of any merchant whose
	// device token hashes to hash.
	RegisterByDeviceToken(ctx context.Context, hash string) (*tender.Register, error)
	// RegisterByPairingCode finds (and in InTx locks) the live register
	// waiting to be paired with the code hashing to hash.
	RegisterByPairingCode(ctx context.Context, hash string) (*tender.Register, error)
	RegisterUpdate(ctx context.Context, r *tender.Register) error
	// RegisterSetPairingLocator records the locator (a hash of the first
	// half) of the register's current pairing code and zeroes its failures.
	RegisterSetPairingLocator(ctx context.Context, id, locator string) error
	// RegisterPairingFailed counts a failed pairing against the live
	// registers waiting with a code whose locator is locator, and retires
	// the code of those that reach max failures.
	RegisterPairingFailed(ctx context.Context, locator string, max int, at time.Time) error
	// RegisterTouch records that the device was heard from at at.
	RegisterTouch(ctx context.Context, id string, at time.Time) error
	// RegisterList lists a merchant's live registers by register_num.
	RegisterList(ctx context.Context, merchantID string) ([]*tender.Register, error)

	// TerminalTransactionsUnsettled lists the successful, unsettled
	// payments a register's device took before before, oldest first (by
	// created_at, then id), after the row after (the previous page's last;
	// nil for the first page).
	TerminalTransactionsUnsettled(ctx context.Context, merchantID, registerID string, before time.Time, after *tender.Transaction, limit int) ([]*tender.Transaction, error)

	TerminalRequestCreate(ctx context.Context, r *tender.TerminalRequest) error
	TerminalRequestGet(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error)
	// TerminalRequestGetForUpdate reads and locks a request until the end
	// of InTx.
	TerminalRequestGetForUpdate(ctx context.Context, merchantID, id string) (*tender.TerminalRequest, error)
	// TerminalRequestByTransaction returns the newest request that made or
	// acted on transactionID.
	TerminalRequestByTransaction(ctx context.Context, transactionID string) (*tender.TerminalRequest, error)
	// TerminalRequestClaim moves the register's oldest queued request
	// created after since to delivered and returns it (nil when none);
	// concurrent claimants never get the same request.
	TerminalRequestClaim(ctx context.Context, registerID string, now, since time.Time) (*tender.TerminalRequest, error)
	// TerminalRequestsOpen lists the register's delivered, unanswered
	// requests created after since, oldest first.
	TerminalRequestsOpen(ctx context.Context, registerID string, since time.Time) ([]*tender.TerminalRequest, error)
	// TerminalRequestUpdate writes a request's state, result and done time.
	TerminalRequestUpdate(ctx context.Context, r *tender.TerminalRequest) error
	// TerminalRequestsExpire marks unanswered requests created before
	// before as expired and returns how many.
	TerminalRequestsExpire(ctx context.Context, before time.Time) (int, error)
}
