package httpapi

import (
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
)

func (a *API) createPaymentMethod(w http.ResponseWriter, r *http.Request) error {
	var in tender.PaymentMethodInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pm, err := a.svc.CreatePaymentMethod(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	v, err := a.svc.WithCustomer(r.Context(), pm)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) listPaymentMethods(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.PaymentMethodSorts, errs)
	f := tender.PaymentMethodFilter{CustomerID: q.Get("customer_id"), Method: strings.ToLower(q.Get("method"))}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.PaymentMethods(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getPaymentMethod(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.PaymentMethod(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) updatePaymentMethod(w http.ResponseWriter, r *http.Request) error {
	var in tender.PaymentMethodInput
	if err := decode(r, &in); err != nil {
		return err
	}
	pm, err := a.svc.UpdatePaymentMethod(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	v, err := a.svc.WithCustomer(r.Context(), pm)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (a *API) deletePaymentMethod(w http.ResponseWriter, r *http.Request) error {
	pm, err := a.svc.DeletePaymentMethod(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pm)
	return nil
}

func (a *API) customerPaymentMethods(w http.ResponseWriter, r *http.Request) error {
	pms, err := a.svc.CustomerPaymentMethods(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pms)
	return nil
}
