package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/tenderpay/tender"
)

// processorWebhook receives an event a merchant's processor pushes. No API
// key: the signature, checked with that merchant's webhook secret, is the
// authentication; a bad one is a 400 and changes nothing.
func (a *API) processorWebhook(w http.ResponseWriter, r *http.Request) error {
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return tender.Errorf(tender.ETOOLARGE, "The request body is too large.")
		}
		return tender.Errorf(tender.EBADREQUEST, "The event cannot be read.")
	}
	if err := a.svc.ApplyProcessorEvent(r.Context(), r.PathValue("name"), r.PathValue("merchant_id"), payload, r.Header); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"received": true})
	return nil
}
