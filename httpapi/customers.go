package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

func (a *API) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in tender.CustomerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := a.svc.CreateCustomer(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.CustomerSorts, errs)
	f := tender.CustomerFilter{
		Email: q.Get("email"), Firstname: q.Get("firstname"), Lastname: q.Get("lastname"),
		Company: q.Get("company"), Phone: q.Get("phone"), Reference: q.Get("reference"),
		Keywords: keywords(q, errs),
	}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Customers(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Customer(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) updateCustomer(w http.ResponseWriter, r *http.Request) error {
	var in tender.CustomerInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := a.svc.UpdateCustomer(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) deleteCustomer(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.DeleteCustomer(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
