package service

import (
	"context"

	"github.com/tenderpay/tender"
)

// Transactions lists a merchant's transactions matching f (validated
// here), as views. A created_at range with at most one of customer and
// payment method reads by list position, O(page) (see store.Store's
// TransactionList).
func (s *Service) Transactions(ctx context.Context, merchantID string, f tender.TransactionFilter, lp tender.ListParams) (*tender.Page[*TransactionView], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	page, err := s.Store.TransactionList(ctx, merchantID, f, lp)
	if err != nil {
		return nil, err
	}
	views, err := s.Views(ctx, s.Store, merchantID, page.Items)
	if err != nil {
		return nil, err
	}
	return &tender.Page[*TransactionView]{Items: views, Total: page.Total}, nil
}

// TransactionFunding returns a transaction's split-funding allocations
// (empty unless split); ENOTFOUND for another merchant's.
func (s *Service) TransactionFunding(ctx context.Context, merchantID, id string) ([]tender.Funding, error) {
	t, err := s.Store.TransactionGet(ctx, merchantID, id)
	if err != nil {
		return nil, err
	}
	funding, err := s.Store.FundingOf(ctx, []string{t.ID})
	if err != nil {
		return nil, err
	}
	if f := funding[t.ID]; f != nil {
		return f, nil
	}
	return []tender.Funding{}, nil
}
