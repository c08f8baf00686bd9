package httpapi

import (
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

func (a *API) createInvoice(w http.ResponseWriter, r *http.Request) error {
	var in tender.InvoiceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := a.svc.CreateInvoice(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) listInvoices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.InvoiceSorts, errs)
	f := tender.InvoiceFilter{Status: strings.ToUpper(strings.TrimSpace(q.Get("status"))), CustomerID: q.Get("customer_id"),
		ScheduleID: q.Get("schedule_id"), Keywords: keywords(q, errs)}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	f.DueFrom, f.DueTo = dateRange(q.Get("due_start_date"), q.Get("due_end_date"), "due_start_date", "due_end_date", errs)
	f.TotalMin, f.TotalMax = amountParam(q, "total_min", errs), amountParam(q, "total_max", errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Invoices(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getInvoice(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.Invoice(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) updateInvoice(w http.ResponseWriter, r *http.Request) error {
	var in tender.InvoiceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := a.svc.UpdateInvoice(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deleteInvoice(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.DeleteInvoice(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) sendInvoice(channel string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := a.svc.SendInvoice(r.Context(), merchantID(r), r.PathValue("id"), channel)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (a *API) payInvoice(w http.ResponseWriter, r *http.Request) error {
	var in tender.PayInvoiceInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := a.svc.PayInvoice(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeResult(w, res)
	return nil
}

func (a *API) payInvoiceManual(w http.ResponseWriter, r *http.Request) error {
	var in tender.ManualPaymentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := a.svc.PayInvoiceManual(r.Context(), merchantID(r), r.PathValue("id"), r.PathValue("method"), &in)
	if err != nil {
		return err
	}
	writeResult(w, res)
	return nil
}

// receiptInput is the body of PUT /transaction/{id}/receipt/email|sms: an
// address or number instead of the customer's.
type receiptInput struct {
	Email string `json:"email"`
	Phone string `json:"phone"`
}

func (a *API) sendReceipt(channel string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in receiptInput
		if r.ContentLength != 0 {
			if err := decode(r, &in); err != nil {
				return err
			}
		}
		to := in.Email
		if channel == service.ChannelSMS {
			to = in.Phone
		}
		m, err := a.svc.SendReceipt(r.Context(), merchantID(r), r.PathValue("id"), channel, to)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, m)
		return nil
	}
}

// sandboxOutbox lists the messages sent (or, without a transport, kept) for
// a sandbox merchant, newest first.
func (a *API) sandboxOutbox(w http.ResponseWriter, r *http.Request) error {
	m := principal(r.Context()).Merchant
	if !m.Sandbox {
		return tender.Errorf(tender.EFORBIDDEN, "Only sandbox merchants have an outbox.")
	}
	errs := tender.FieldErrors{}
	lp := listParams(r.URL.Query(), []string{"created_at"}, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Messages(r.Context(), m.ID, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

// --- scheduled invoices ---------------------------------------------------

func (a *API) createSchedule(w http.ResponseWriter, r *http.Request) error {
	var in tender.ScheduleInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sc, err := a.svc.CreateSchedule(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) listSchedules(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.ScheduleSorts, errs)
	f := tender.ScheduleFilter{Status: strings.ToUpper(strings.TrimSpace(q.Get("status"))), CustomerID: q.Get("customer_id")}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Schedules(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := a.svc.Schedule(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	var in tender.ScheduleInput
	if err := decode(r, &in); err != nil {
		return err
	}
	sc, err := a.svc.UpdateSchedule(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (a *API) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := a.svc.DeleteSchedule(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}
