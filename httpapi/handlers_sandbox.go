package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender/service"
)

// getSandboxClock answers the sandbox clock's time and offset.
func (a *API) getSandboxClock(w http.ResponseWriter, r *http.Request) error {
	v, err := a.svc.SandboxClock(principal(r.Context()).Merchant)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// advanceSandboxClock moves the sandbox server's clock forward.
func (a *API) advanceSandboxClock(w http.ResponseWriter, r *http.Request) error {
	var in service.ClockInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := a.svc.AdvanceClock(r.Context(), principal(r.Context()).Merchant, &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
