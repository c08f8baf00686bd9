package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

func (a *API) createPaymentLink(w http.ResponseWriter, r *http.Request) error {
	var in tender.PaymentLinkInput
	if err := decode(r, &in); err != nil {
		return err
	}
	l, err := a.svc.CreatePaymentLink(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) listPaymentLinks(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.PaymentLinkSorts, errs)
	f := tender.PaymentLinkFilter{Keywords: keywords(q, errs)}
	f.Active = boolParam(q, "is_active", errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.PaymentLinks(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getPaymentLink(w http.ResponseWriter, r *http.Request) error {
	l, err := a.svc.PaymentLink(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) updatePaymentLink(w http.ResponseWriter, r *http.Request) error {
	// Find first: another merchant's link is a 404 whatever the body.
	if _, err := a.svc.PaymentLink(r.Context(), merchantID(r), r.PathValue("id")); err != nil {
		return err
	}
	var in tender.PaymentLinkInput
	if err := decode(r, &in); err != nil {
		return err
	}
	l, err := a.svc.UpdatePaymentLink(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) deletePaymentLink(w http.ResponseWriter, r *http.Request) error {
	l, err := a.svc.DeletePaymentLink(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (a *API) paymentLinkActive(w http.ResponseWriter, r *http.Request) error {
	st, err := a.svc.PaymentLinkActive(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// recordPaymentLinkView serves PUT /query/payment-links/{id}/update-stats:
// one view of the link's page. It takes no body.
func (a *API) recordPaymentLinkView(w http.ResponseWriter, r *http.Request) error {
	l, err := a.svc.RecordPaymentLinkView(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}
