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

// AssignListPositions gives the objects of every list (transactions,
// customers, payment methods, items, invoices, schedules) created more
// than positionLag ago their positions in their merchant's lists, in
// batches, until none is left, and returns how many it numbered. Lists read
// numbered objects by position, in O(page) (store.Store's
// TransactionPositionsAssign and ListPositionsAssign); the server runs this
// every ListPositionInterval. Safe on several instances: one numbers at a
// time.
func (s *Service) AssignListPositions(ctx context.Context) (int, error) {
	total, batch := 0, s.store.PositionBatch()
	for _, assign := range []func(store.Executor, context.Context, time.Time, int) (int, error){
		store.Executor.TransactionPositionsAssign, store.Executor.ListPositionsAssign,
	} {
		for {
			var n int
			err := s.store.InTx(ctx, func(tx store.Executor) error {
				var err error
				n, err = assign(tx, ctx, s.now().Add(-positionLag), batch)
				return err
			})
			total += n
			if err != nil {
				return total, err
			}
			if n < batch {
				break
			}
		}
	}
	return total, nil
}
