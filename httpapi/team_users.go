package httpapi

import (
	"net/http"

	"github.com/tenderpay/tender"
)

// teamUserInput is POST /team/user's body, in Stax's names.
type teamUserInput struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	TeamRole string `json:"team_role"`
	Password string `json:"password"`
}

// teamUserUpdate is PUT /team/user/{id}'s body: absent fields stay.
type teamUserUpdate struct {
	Name        *string `json:"name"`
	TeamRole    *string `json:"team_role"`
	TeamEnabled *bool   `json:"team_enabled"`
	Password    *string `json:"password"`
}

func (a *API) listTeamUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := a.svc.TeamUsers(r.Context(), merchantID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, users)
	return nil
}

func (a *API) createTeamUser(w http.ResponseWriter, r *http.Request) error {
	var in teamUserInput
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := a.svc.CreateTeamUser(r.Context(), merchantID(r), &tender.TeamUserInput{Name: in.Name, Email: in.Email,
		Role: in.TeamRole, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (a *API) getTeamUser(w http.ResponseWriter, r *http.Request) error {
	u, err := a.svc.TeamUser(r.Context(), merchantID(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) updateTeamUser(w http.ResponseWriter, r *http.Request) error {
	// Find first: another merchant's user is a 404 whatever the body.
	if _, err := a.svc.TeamUser(r.Context(), merchantID(r), r.PathValue("id")); err != nil {
		return err
	}
	var in teamUserUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := a.svc.UpdateTeamUser(r.Context(), merchantID(r), r.PathValue("id"), &tender.TeamUserUpdate{
		Name: in.Name, Role: in.TeamRole, Enabled: in.TeamEnabled, Password: in.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (a *API) listMerchantKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := a.svc.PartnerMerchantKeys(r.Context(), principal(r.Context()).Partner.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keys)
	return nil
}
