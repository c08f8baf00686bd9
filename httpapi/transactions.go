package httpapi

import (
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// writeResult writes a money operation's answer: 200 on success, 400 with
// the transaction on a decline, 202 while the processor's answer is
// unknown. A replayed (idempotent) answer is written byte for byte.
func writeResult(w http.ResponseWriter, res *service.Result) {
	status := http.StatusOK
	switch res.Outcome {
	case tender.EDECLINED:
		status = http.StatusBadRequest
	case service.OutcomePending:
		status = http.StatusAccepted
	}
	if res.Replay != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(status)
		_, _ = w.Write(res.Replay)
		_, _ = w.Write([]byte("\n"))
		return
	}
	if res.Body != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(res.Body)
		_, _ = w.Write([]byte("\n"))
		return
	}
	writeJSON(w, status, res.View)
}

// --- charges and transactions -------------------------------------------------

func (a *API) charge(credit bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.ChargeInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err := a.svc.Charge(r.Context(), merchantID(r), &in, credit)
		if err != nil {
			return err
		}
		writeResult(w, res)
		return nil
	}
}

func (a *API) act(op string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.ActionInput
		if err := decode(r, &in); err != nil {
			return err
		}
		res, err := a.svc.Act(r.Context(), merchantID(r), r.PathValue("id"), op, &in)
		if err != nil {
			return err
		}
		writeResult(w, res)
		return nil
	}
}

func (a *API) getTransaction(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.Transaction(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) transactionFunding(w http.ResponseWriter, r *http.Request) error {
	f, err := a.svc.TransactionFunding(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (a *API) listTransactions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.TransactionSorts, errs)
	f := tender.TransactionFilter{
		Type: q.Get("type"), Method: strings.ToLower(q.Get("method")), Status: strings.ToUpper(q.Get("status")),
		CustomerID: q.Get("customer_id"), PaymentMethodID: q.Get("payment_method_id"), InvoiceID: q.Get("invoice_id"),
		ScheduleID: q.Get("schedule_id"), Success: boolParam(q, "success", errs), Keywords: keywords(q, errs),
	}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	f.TotalMin, f.TotalMax = amountParam(q, "total_min", errs), amountParam(q, "total_max", errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Transactions(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

// sandboxBatch settles the merchant's open batch now (sandbox merchants).
func (a *API) sandboxBatch(w http.ResponseWriter, r *http.Request) error {
	m := principal(r.Context()).Merchant
	if !m.Sandbox {
		return tender.Errorf(tender.EFORBIDDEN, "Only sandbox merchants can force a batch.")
	}
	n, err := a.svc.Settle(r.Context(), m.ID, a.svc.Now().Add(1))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"settled": n})
	return nil
}
