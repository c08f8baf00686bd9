package service

import (
	"context"
	"time"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// The dashboard's reads: each page costs a fixed number of queries,
// whatever the number of rows shown.

// DayVolume is a day's successful sales.
type DayVolume struct {
	Count int
	Total tender.Amount
}

// Volume sums a merchant's successful sales created in [from, to): from
// the sales rollup for the hours it covers, from transactions for the
// rest (store.Store's SalesVolume), so a past day costs a few rows, not
// its sales. A change to an old transaction (a void, a late-finalized
// payment) shows once the rollup has run (RollupSales).
func (s *Service) Volume(ctx context.Context, merchantID string, from, to time.Time) (DayVolume, error) {
	return replicaRead(s, ctx, merchantID, func(st store.Store) (DayVolume, error) {
		n, sum, err := st.SalesVolume(ctx, merchantID, from, to)
		return DayVolume{Count: n, Total: sum}, err
	})
}

// SalesRollupMargin is how far behind now the sales rollup's watermark
// stays: a transaction updated before it is assumed committed (on
// PostgreSQL commit order is not timestamp order), so a run finds again
// the last two minutes' changes.
const SalesRollupMargin = 2 * time.Minute

// RollupSales brings the dashboard's sales rollup up to SalesRollupMargin
// before now (by the server's clock) and returns how many merchant hours
// it recomputed (store.Store's SalesRollup); the server runs it every
// SalesRollupInterval.
func (s *Service) RollupSales(ctx context.Context) (int, error) {
	return s.store.SalesRollup(ctx, s.now().Add(-SalesRollupMargin))
}

// Transaction returns one of a merchant's transactions as the API shows
// it, with its children and funding.
func (s *Service) Transaction(ctx context.Context, merchantID, id string) (*TransactionView, error) {
	t, err := s.store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	return s.View(ctx, s.store, t)
}

// Customers lists a merchant's live customers.
func (s *Service) Customers(ctx context.Context, merchantID string, f tender.CustomerFilter, lp tender.ListParams) (*tender.Page[*tender.Customer], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*tender.Customer], error) {
		return st.CustomerList(ctx, merchantID, f, lp)
	})
}

// CustomerWithMethods returns a customer with its live payment methods.
func (s *Service) CustomerWithMethods(ctx context.Context, merchantID, id string) (*tender.Customer, []*tender.PaymentMethod, error) {
	c, err := s.store.CustomerGet(ctx, merchantID, id)
	if err != nil {
		return nil, nil, err
	}
	pms, err := s.store.PaymentMethodsOfCustomer(ctx, merchantID, c.ID)
	return c, pms, err
}

// TransactionPage lists a merchant's transactions matching f as stored,
// without the views' customers and payment methods (a dashboard list
// shows the transaction's own columns, in one query).
func (s *Service) TransactionPage(ctx context.Context, merchantID string, f tender.TransactionFilter, lp tender.ListParams) (*tender.Page[*tender.Transaction], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*tender.Transaction], error) {
		return st.TransactionList(ctx, merchantID, f, lp)
	})
}

// Items lists a merchant's catalog items matching f.
func (s *Service) Items(ctx context.Context, merchantID string, f tender.ItemFilter, lp tender.ListParams) (*tender.Page[*tender.Item], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return s.store.ItemList(ctx, merchantID, f, lp)
}
