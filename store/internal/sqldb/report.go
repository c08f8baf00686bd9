package sqldb

import (
	"context"

	"github.com/tenderpay/tender"
)

// reportQueries names each report's statement.
var reportQueries = map[string]string{
	tender.ReportDailySales:  "ReportDailySales",
	tender.ReportMethod:      "ReportMethod",
	tender.ReportCardType:    "ReportCardType",
	tender.ReportSurcharges:  "ReportSurcharges",
	tender.ReportAdjustments: "ReportAdjustments",
	tender.ReportACHRejects:  "ReportACHRejects",
	tender.ReportDisputes:    "ReportDisputes",
}

func init() {
	for _, q := range reportQueries {
		requiredQueries = append(requiredQueries, q)
	}
	requiredQueries = append(requiredQueries, "TeamSummary")
}

// ReportSummary runs one report over its range.
func (e *exec) ReportSummary(ctx context.Context, merchantID string, f tender.ReportFilter) ([]*tender.ReportRow, error) {
	name, ok := reportQueries[f.Report]
	if !ok {
		return nil, tender.Errorf(tender.EINVALID, "Unknown report %q.", f.Report)
	}
	if !validID(merchantID) {
		return []*tender.ReportRow{}, nil
	}
	return all(ctx, e, e.r, func(row rowScanner) (*tender.ReportRow, error) {
		var r tender.ReportRow
		var amount, refunded int64
		err := row.Scan(&r.Date, &r.Key, &r.Count, &amount, &refunded)
		r.Amount, r.Refunded = tender.Amount(amount), tender.Amount(refunded)
		return &r, err
	}, e.q(name), merchantID, e.t(f.From), e.t(f.To))
}

// TeamSummary counts a merchant's live customers, invoices and scheduled
// invoices, and tells whether it has taken bank or hosted-page payments.
func (e *exec) TeamSummary(ctx context.Context, merchantID string) (*tender.TeamSummary, error) {
	var s tender.TeamSummary
	if !validID(merchantID) {
		return nil, tender.NotFound("merchant")
	}
	err := e.r.QueryRowContext(ctx, e.q("TeamSummary"), merchantID).Scan(&s.CustomerCount, &s.InvoiceCount,
		&s.ScheduledInvoiceCount, &s.HasACH, &s.HasHostedPayments)
	return &s, e.d.wrap(err)
}
