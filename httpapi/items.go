package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

func (a *API) createItem(w http.ResponseWriter, r *http.Request) error {
	var in tender.ItemInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := a.svc.CreateItem(r.Context(), merchantID(r), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (a *API) listItems(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	errs := tender.FieldErrors{}
	lp := listParams(q, tender.ItemSorts, errs)
	f := tender.ItemFilter{Category: q.Get("category"), Code: q.Get("code"), Keywords: keywords(q, errs)}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	f.UpdatedFrom, f.UpdatedTo = updatedRange(q, errs)
	f.Active = boolParam(q, "is_active", errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Items(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getItem(w http.ResponseWriter, r *http.Request) error {
	it, err := a.svc.Item(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (a *API) updateItem(w http.ResponseWriter, r *http.Request) error {
	var in tender.ItemInput
	if err := decode(r, &in); err != nil {
		return err
	}
	it, err := a.svc.UpdateItem(r.Context(), merchantID(r), r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (a *API) deleteItem(w http.ResponseWriter, r *http.Request) error {
	it, err := a.svc.DeleteItem(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

// adjustStock serves PUT /item/{id}/increment (take false) and /decrement.
func (a *API) adjustStock(take bool) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in tender.StockInput
		if err := decode(r, &in); err != nil {
			return err
		}
		it, err := a.svc.AdjustStock(r.Context(), merchantID(r), r.PathValue("id"), &in, take)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, it)
		return nil
	}
}

func (a *API) itemByCode(w http.ResponseWriter, r *http.Request) error {
	it, err := a.svc.ItemByCode(r.Context(), merchantID(r), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}
