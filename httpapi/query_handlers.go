package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

// The reporting routes (/query/*): deposits, their transactions, the
// statement reports and the team summary. They speak camelCase, as Stax's
// reporting routes do; money is dollars, exact to the cent.

// depositParams are GET /query/deposit's parameters: a batched_at range
// and the page.
var depositParams = listQuery(createdParams, pageParams[:4])

// depositDetailParams are GET /query/depositDetail's.
var depositDetailParams = listQuery([]queryParam{{"id", "string", "the deposit's id (its batch id; required)"}}, pageParams[:4])

// reportParams bound a statement report (both required, at most 366 days).
var reportParams = createdParams

// listDeposits is GET /query/deposit.
func (a *API) listDeposits(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.DepositSorts, errs)
	var f tender.DepositFilter
	f.BatchedFrom, f.BatchedTo = createdRange(q, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Deposits(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

// depositDetail is GET /query/depositDetail?id=: the deposit's transactions.
func (a *API) depositDetail(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.DepositSorts, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.DepositLines(r.Context(), merchantID(r), q.Get("id"), lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

// reportShape says how a report's rows read: whether they carry the day,
// what their key is called, and whether they carry refunds and net.
type reportShape struct {
	day     bool
	key     string
	refunds bool
}

var reportShapes = map[string]reportShape{
	tender.ReportDailySales:  {day: true, refunds: true},
	tender.ReportMethod:      {key: "method", refunds: true},
	tender.ReportCardType:    {key: "cardType", refunds: true},
	tender.ReportSurcharges:  {day: true},
	tender.ReportAdjustments: {day: true, key: "type"},
	tender.ReportACHRejects:  {day: true, key: "reason"},
	tender.ReportDisputes:    {day: true, key: "status"},
}

// statement serves GET /query/statement/v3/<report>.
func (a *API) statement(report string) func(w http.ResponseWriter, r *http.Request) error {
	shape := reportShapes[report]
	return func(w http.ResponseWriter, r *http.Request) error {
		errs := tender.FieldErrors{}
		f := tender.ReportFilter{Report: report}
		f.From, f.To = createdRange(r.URL.Query(), errs)
		if err := errs.Err(); err != nil {
			return err
		}
		rows, err := a.svc.Report(r.Context(), merchantID(r), f)
		if err != nil {
			return err
		}
		data := make([]map[string]any, 0, len(rows))
		for _, row := range rows {
			out := map[string]any{"count": row.Count, "amount": row.Amount}
			if shape.day {
				out["date"] = row.Date
			}
			if shape.key != "" {
				out[shape.key] = row.Key
			}
			if shape.refunds {
				out["refunds"], out["net"] = row.Refunded, row.Amount-row.Refunded
			}
			data = append(data, out)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"startDate": tender.NewTime(f.From), "endDate": tender.NewTime(f.To), "data": data,
		})
		return nil
	}
}

// teamSummary is GET /query/statistics/teamSummary.
func (a *API) teamSummary(w http.ResponseWriter, r *http.Request) error {
	sum, err := a.svc.TeamSummary(r.Context(), merchantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}
