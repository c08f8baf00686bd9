package httpapi

import (
	"encoding/json"
	"net/http"
)

// updateTransaction is PUT /transaction/{id}: meta, notes and reference
// only (any other field is a 422 naming it).
func (a *API) updateTransaction(w http.ResponseWriter, r *http.Request) error {
	var body map[string]json.RawMessage
	if err := decode(r, &body); err != nil {
		return err
	}
	v, err := a.svc.UpdateTransaction(r.Context(), merchantID(r), r.PathValue("id"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// relatedTransactions is GET /transaction/{id}/related (a bare array).
func (a *API) relatedTransactions(w http.ResponseWriter, r *http.Request) error {
	vs, err := a.svc.RelatedTransactions(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, vs)
	return nil
}
