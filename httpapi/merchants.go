package httpapi

import (
	"net/http"
	"strings"

	"github.com/tenderpay/tender"
)

// --- self, keys ---------------------------------------------------------

type selfBody struct {
	Merchant *tender.Merchant `json:"merchant"`
	Key      struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
	} `json:"key"`
	// User is the team user a user's key acts for (absent for a
	// merchant's own key).
	User *tender.TeamUser `json:"user,omitempty"`
}

func (a *API) getSelf(w http.ResponseWriter, r *http.Request) error {
	p := principal(r.Context())
	var out selfBody
	out.Merchant = p.Merchant
	out.Key.ID, out.Key.Kind = p.KeyID, p.Kind
	if p.User != nil {
		u, err := a.svc.Self(r.Context(), p.User)
		if err != nil {
			return err
		}
		out.User = u
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// selfUpdate is PUT /self's body.
type selfUpdate struct {
	Name            *string `json:"name"`
	Email           *string `json:"email"`
	Password        *string `json:"password"`
	CurrentPassword string  `json:"current_password"`
}

func (a *API) putSelf(w http.ResponseWriter, r *http.Request) error {
	p := principal(r.Context())
	var in selfUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := a.svc.UpdateSelf(r.Context(), p.User, &tender.SelfUpdate{Name: in.Name, Email: in.Email,
		Password: in.Password, CurrentPassword: in.CurrentPassword})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

type keyInput struct {
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at"`
	// UserID makes the key one of a team user's (it acts with the user's
	// role).
	UserID string `json:"user_id"`
}

func (a *API) createTeamKey(w http.ResponseWriter, r *http.Request) error {
	var in keyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	k, err := a.svc.CreateUserKey(r.Context(), merchantID(r), in.UserID, strings.TrimSpace(in.Name), in.ExpiresAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}

func (a *API) listTeamKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := a.svc.MerchantKeys(r.Context(), merchantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}

func (a *API) revokeTeamKey(w http.ResponseWriter, r *http.Request) error {
	k, err := a.svc.RevokeMerchantKey(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, k)
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
	lp := listParams(r.URL.Query(), tender.MerchantSorts, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	page, err := a.svc.PartnerMerchants(r.Context(), principal(r.Context()).Partner.ID, lp)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, paginate(a, r, lp, page))
	return nil
}

func (a *API) getMerchant(w http.ResponseWriter, r *http.Request) error {
	m, err := a.svc.PartnerMerchant(r.Context(), principal(r.Context()).Partner.ID, r.PathValue("id"))
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
	m, err := a.svc.PartnerMerchant(r.Context(), principal(r.Context()).Partner.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	k, err := a.svc.CreateUserKey(r.Context(), m.ID, in.UserID, strings.TrimSpace(in.Name), in.ExpiresAt)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, k)
	return nil
}
