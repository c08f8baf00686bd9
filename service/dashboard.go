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

// Volume sums a merchant's successful sales created in [from, to).
func (s *Service) Volume(ctx context.Context, merchantID string, from, to time.Time) (DayVolume, error) {
	return replicaRead(s, ctx, merchantID, func(st store.Store) (DayVolume, error) {
		n, sum, err := st.TransactionVolume(ctx, merchantID, from, to)
		return DayVolume{Count: n, Total: sum}, err
	})
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
