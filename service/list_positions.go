package service

import (
	"context"
	"time"

	"github.com/tenderpay/tender/store"
)

// positionLag is how old an object is before it gets its list
// position: the transactions written just before it have committed by then,
// so positions follow the order created (a later commit of an earlier
// transaction would otherwise be numbered after it). Until then the
// transaction is listed among the newest, which it is.
const positionLag = time.Second

// positionBatch is how many transactions one database transaction numbers.
// On SQLite that transaction holds the one writer: 1,000 held it for 10-17
// ms, every ListPositionInterval, and with it the charges behind (p99 at
// 1,000 charges/s 15-16 ms; 11-12 with 100, whose batches take 2-5 ms).
const positionBatch = 100

// AssignListPositions gives the objects of every list (transactions,
// customers, payment methods, items, invoices, schedules) created more
// than positionLag ago their positions in their merchant's lists, in
// batches, until none is left, and returns how many it numbered. Lists read
// numbered objects by position, in O(page) (store.Store's
// TransactionPositionsAssign and ListPositionsAssign); the server runs this
// every ListPositionInterval. Safe on several instances: one numbers at a
// time.
func (s *Service) AssignListPositions(ctx context.Context) (int, error) {
	total := 0
	for _, assign := range []func(store.Executor, context.Context, time.Time, int) (int, error){
		store.Executor.TransactionPositionsAssign, store.Executor.ListPositionsAssign,
	} {
		for {
			var n int
			err := s.store.InTx(ctx, func(tx store.Executor) error {
				var err error
				n, err = assign(tx, ctx, s.now().Add(-positionLag), positionBatch)
				return err
			})
			total += n
			if err != nil {
				return total, err
			}
			if n < positionBatch {
				break
			}
		}
	}
	return total, nil
}
