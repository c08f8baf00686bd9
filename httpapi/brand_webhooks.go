package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

// Stax's brand (partner-level) webhooks: a partner key only.

func (a *API) createBrandWebhook(w http.ResponseWriter, r *http.Request) error {
	var in tender.BrandWebhookInput
	if err := decode(r, &in); err != nil {
		return err
	}
	hook, err := a.svc.CreateBrandWebhook(r.Context(), principal(r.Context()), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}

func (a *API) listBrandWebhooks(w http.ResponseWriter, r *http.Request) error {
	hooks, err := a.svc.BrandWebhooks(r.Context(), principal(r.Context()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hooks)
	return nil
}

func (a *API) getBrandWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := a.svc.BrandWebhook(r.Context(), principal(r.Context()), r.PathValue("webhook_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}

func (a *API) deleteBrandWebhook(w http.ResponseWriter, r *http.Request) error {
	hook, err := a.svc.DeleteBrandWebhook(r.Context(), principal(r.Context()), r.PathValue("webhook_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, hook)
	return nil
}
