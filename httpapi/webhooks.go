package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in tender.WebhookInput
	if err := decode(r, &in); err != nil {
		return err
	}
	hook, err := a.svc.CreateWebhook(r.Context(), principal(r.Context()), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	errs := tender.FieldErrors{}
	lp := listParams(r.URL.Query(), []string{"created_at"}, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.WebhookPage(r.Context(), principal(r.Context()), lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := a.svc.DeleteWebhook(r.Context(), principal(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	errs := tender.FieldErrors{}
	lp := listParams(r.URL.Query(), []string{"created_at"}, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Deliveries(r.Context(), principal(r.Context()), r.PathValue("id"), lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) replayDelivery(w http.ResponseWriter, r *http.Request) error {
	d, err := a.svc.Replay(r.Context(), principal(r.Context()), r.PathValue("id"), r.PathValue("deliveryId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}
