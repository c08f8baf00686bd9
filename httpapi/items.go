package httpapi

import (
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/store"
)

// --- self, keys ---------------------------------------------------------

type selfBody struct {
	Merchant *tender.Merchant `json:"merchant"`
	Key      struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"key"`
}

func (a *API) getSelf(w http.ResponseWriter, r *http.Request) error {
	p := principal(r.Context())
	var out selfBody
	out.Merchant = p.Merchant
	out.Key.ID, out.Key.Kind = p.KeyID, p.Kind
	writeJSON(w, http.StatusOK, out)
	return nil
}

type keyInput struct {
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
}

func (a *API) createTeamKey(w http.ResponseWriter, r *http.Request) error {
	var in keyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	k, err := a.svc.CreateMerchantKey(r.Context(), merchantID(r), strings.TrimSpace(in.Name), in.ExpiresAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (a *API) getEphemeral(w http.ResponseWriter, r *http.Request) error {
	k, err := a.svc.CreateEphemeralKey(r.Context(), merchantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": k.Key, "expires_at": k.ExpiresAt})
	return nil
}

// --- partner: merchants ---------------------------------------------------

func (a *API) createMerchant(w http.ResponseWriter, r *http.Request) error {
	var in tender.MerchantInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p := principal(r.Context())
	out, err := a.svc.CreateMerchant(r.Context(), p.Partner.ID, false, &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) listMerchants(w http.ResponseWriter, r *http.Request) error {
	errs := tender.FieldErrors{}
	lp := listParams(r.URL.Query(), store.MerchantSorts, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Store.MerchantList(r.Context(), principal(r.Context()).Partner.ID, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getMerchant(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.PartnerMerchant(r.Context(), a.svc.Store, principal(r.Context()).Partner.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) updateMerchant(w http.ResponseWriter, r *http.Request) error {
	var in tender.MerchantInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := a.svc.UpdateMerchant(r.Context(), principal(r.Context()).Partner.ID, r.PathValue("id"), &in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (a *API) createMerchantKey(w http.ResponseWriter, r *http.Request) error {
	var in keyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := a.svc.PartnerMerchant(r.Context(), a.svc.Store, principal(r.Context()).Partner.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	k, err := a.svc.CreateMerchantKey(r.Context(), m.ID, strings.TrimSpace(in.Name), in.ExpiresAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

// --- customers ------------------------------------------------------------

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
	lp := listParams(q, store.CustomerSorts, errs)
	f := tender.CustomerFilter{
		Email: q.Get("email"), Firstname: q.Get("firstname"), Lastname: q.Get("lastname"),
		Company: q.Get("company"), Phone: q.Get("phone"), Reference: q.Get("reference"),
		Keywords: keywords(q, errs),
	}
	f.CreatedFrom, f.CreatedTo = createdRange(q, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Store.CustomerList(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) error {
	c, err := a.svc.Store.CustomerGet(r.Context(), merchantID(r), r.PathValue("id"))
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

// --- items ----------------------------------------------------------------

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
	lp := listParams(q, store.ItemSorts, errs)
	f := tender.ItemFilter{Category: q.Get("category"), Code: q.Get("code"), Keywords: keywords(q, errs)}
	switch strings.ToLower(q.Get("is_active")) {
	case "":
	case "true", "1":
		t := true
		f.Active = &t
	case "false", "0":
		fl := false
		f.Active = &fl
	default:
		errs.Add("is_active", "The is active field must be true or false.")
	}
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.Store.ItemList(r.Context(), merchantID(r), f, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getItem(w http.ResponseWriter, r *http.Request) error {
	it, err := a.svc.Store.ItemGet(r.Context(), merchantID(r), r.PathValue("id"))
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
