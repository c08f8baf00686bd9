package tender

import "time"

// Reports are the statement summaries of /query/statement/v3/*: successful
// activity over a date range, grouped by UTC day or by a key.
const (
	ReportDailySales  = "daily-sales"     // by day: sales, refunds
	ReportMethod      = "card-processing" // by method: card, bank, cash, ...
	ReportCardType    = "card-type"       // by card brand (visa, mastercard, ...)
	ReportSurcharges  = "surcharges"      // by day: surcharged payments
	ReportAdjustments = "adjustments"     // by day and type: refunds, voids, credits
	ReportACHRejects  = "ach-rejects"     // by day and return code: bank debits returned
	ReportDisputes    = "disputes"        // by day and status: processor disputes
)

// MaxReportDays bounds a report's range: a report reads every row of its
// range, so the range, not the table, sets its cost.
const MaxReportDays = 366

// ReportFilter picks a report and its range (both ends inclusive).
type ReportFilter struct {
	Report   string
	From, To time.Time
}

// Validate checks the range: both ends set, in order, at most
// MaxReportDays apart (errors under the query parameters' names).
func (f ReportFilter) Validate() error {
	errs := FieldErrors{}
	switch f.Report {
	case ReportDailySales, ReportMethod, ReportCardType, ReportSurcharges, ReportAdjustments, ReportACHRejects, ReportDisputes:
	default:
		errs.Add("report", "The selected report is invalid.")
	}
	if f.From.IsZero() {
		errs.Add("start_date", "The start date field is required.")
	}
	if f.To.IsZero() {
		errs.Add("end_date", "The end date field is required.")
	}
	validateRange(f.From, f.To, "end_date", errs)
	if !f.From.IsZero() && f.To.Sub(f.From) > MaxReportDays*24*time.Hour {
		errs.Add("end_date", "The date range may not exceed 366 days.")
	}
	return errs.Err()
}

// ReportRow is one row of a report: a day (Date, "YYYY-MM-DD" UTC) and/or a
// key (method, card brand, adjustment type, return code, dispute status),
// with its count and money. Refunded is the day's refunds in the daily
// sales report (zero elsewhere).
type ReportRow struct {
	Date     string
	Key      string
	Count    int64
	Amount   Amount
	Refunded Amount
}

// TeamSummary is GET /query/statistics/teamSummary: counts for a merchant's
// dashboard.
type TeamSummary struct {
	CustomerCount         int64 `json:"customerCount"`
	InvoiceCount          int64 `json:"invoiceCount"`
	ScheduledInvoiceCount int64 `json:"scheduledInvoiceCount"`
	HasACH                bool  `json:"hasAch"`
	HasHostedPayments     bool  `json:"hasHostedPaymentsTransactions"`
	CachedAt              Time  `json:"cachedAt"`
}
