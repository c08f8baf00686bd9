package service

import (
	"context"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// Deposits lists a merchant's deposits (settlement batches) closed in f's
// range, in O(page).
func (s *Service) Deposits(ctx context.Context, merchantID string, f tender.DepositFilter, lp tender.ListParams) (*tender.Page[*tender.Deposit], error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*tender.Deposit], error) {
		return st.DepositList(ctx, merchantID, f, lp)
	})
}

// DepositLines lists one deposit's transactions with their fees, in
// O(page); ENOTFOUND for an unknown (or another merchant's) deposit.
func (s *Service) DepositLines(ctx context.Context, merchantID, depositID string, lp tender.ListParams) (*tender.Page[*tender.DepositLine], error) {
	if depositID == "" {
		errs := tender.FieldErrors{}
		errs.Required("id")
		return nil, errs.Err()
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.Page[*tender.DepositLine], error) {
		return st.DepositLines(ctx, merchantID, depositID, lp)
	})
}

// Report runs a statement report over f's range (validated here).
func (s *Service) Report(ctx context.Context, merchantID string, f tender.ReportFilter) ([]*tender.ReportRow, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return replicaRead(s, ctx, merchantID, func(st store.Store) ([]*tender.ReportRow, error) {
		return st.ReportSummary(ctx, merchantID, f)
	})
}

// TeamSummary is the merchant's dashboard counts, computed now.
func (s *Service) TeamSummary(ctx context.Context, merchantID string) (*tender.TeamSummary, error) {
	sum, err := replicaRead(s, ctx, merchantID, func(st store.Store) (*tender.TeamSummary, error) {
		return st.TeamSummary(ctx, merchantID)
	})
	if err != nil {
		return nil, err
	}
	sum.CachedAt = tender.NewTime(s.now())
	return sum, nil
}

// depositEntry is what settling t (and, for a bank return, ret) adds to
// the batch's deposit.
func depositEntries(t, ret *tender.Transaction, batchID string, fee tender.Amount, at tender.Time) []*tender.DepositEntry {
	kind, amount := tender.DepositSale, t.Captured
	if t.Type == tender.TxCredit {
		kind, amount = tender.DepositCredit, t.Total
	}
	out := []*tender.DepositEntry{{MerchantID: t.MerchantID, DepositID: batchID, TransactionID: t.ID, Kind: kind,
		Amount: amount, Fee: fee, At: at.Time}}
	if ret != nil {
		out = append(out, &tender.DepositEntry{MerchantID: t.MerchantID, DepositID: batchID, TransactionID: ret.ID,
			Kind: tender.DepositReturn, Amount: ret.Total, At: at.Time})
	}
	return out
}
