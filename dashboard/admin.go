package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/tenderpay/tender"
	"github.com/tenderpay/tender/service"
)

// The API keys and settings pages are an owner's or admin's: the service
// refuses staff (403), so the pages do too.

type keysData struct {
	Keys   []*service.KeyView
	New    *service.NewKey
	Name   string
	Errors []string
	Notice string
}

func (d *Dashboard) keys(w http.ResponseWriter, r *http.Request) error {
	data := keysData{}
	if r.URL.Query().Get("revoked") != "" {
		data.Notice = "Key revoked."
	}
	return d.renderKeys(w, r, http.StatusOK, data)
}

func (d *Dashboard) renderKeys(w http.ResponseWriter, r *http.Request, status int, data keysData) error {
	keys, err := d.svc.MerchantKeysAs(r.Context(), session(r).User)
	if err != nil {
		return err
	}
	data.Keys = keys
	d.render(w, r, status, "keys.html", "API keys", "keys", data)
	return nil
}

// createKey shows the new key's secret once, on the page that answers
// the POST (never in a URL, never again).
func (d *Dashboard) createKey(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimSpace(r.PostFormValue("name"))
	k, err := d.svc.CreateMerchantKeyAs(r.Context(), session(r).User, name, r.PostFormValue("expires_at"))
	if err != nil {
		if tender.ErrorCode(err) != tender.EINVALID {
			return err
		}
		return d.renderKeys(w, r, http.StatusUnprocessableEntity, keysData{Name: name, Errors: fieldErrors(err)})
	}
	return d.renderKeys(w, r, http.StatusOK, keysData{New: k})
}

func (d *Dashboard) revokeKey(w http.ResponseWriter, r *http.Request) error {
	if _, err := d.svc.RevokeMerchantKeyAs(r.Context(), session(r).User, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/dashboard/keys?revoked=1", http.StatusSeeOther)
	return nil
}

type settingsData struct {
	Merchant             *tender.Merchant
	Name, Email, Origins string
	Errors               []string
	Notice               string
}

func (d *Dashboard) settings(w http.ResponseWriter, r *http.Request) error {
	m, err := d.svc.MerchantSettingsAs(r.Context(), session(r).User)
	if err != nil {
		return err
	}
	data := settingsData{Merchant: m, Name: m.CompanyName, Email: m.ContactEmail, Origins: strings.Join(m.AllowedOrigins, "\n")}
	if r.URL.Query().Get("saved") != "" {
		data.Notice = "Settings saved."
	}
	d.render(w, r, http.StatusOK, "settings.html", "Settings", "settings", data)
	return nil
}

func (d *Dashboard) saveSettings(w http.ResponseWriter, r *http.Request) error {
	u := session(r).User
	data := settingsData{Name: strings.TrimSpace(r.PostFormValue("company_name")),
		Email: strings.TrimSpace(r.PostFormValue("contact_email")), Origins: r.PostFormValue("allowed_origins")}
	origins := strings.Fields(data.Origins)
	if origins == nil {
		origins = []string{}
	}
	_, err := d.svc.UpdateMerchantAs(r.Context(), u, data.Name, data.Email, origins)
	if err == nil {
		http.Redirect(w, r, "/dashboard/settings?"+url.Values{"saved": {"1"}}.Encode(), http.StatusSeeOther)
		return nil
	}
	if tender.ErrorCode(err) != tender.EINVALID {
		return err
	}
	data.Errors = fieldErrors(err)
	if data.Merchant, err = d.svc.MerchantSettingsAs(r.Context(), u); err != nil {
		return err
	}
	d.render(w, r, http.StatusUnprocessableEntity, "settings.html", "Settings", "settings", data)
	return nil
}
