package dashboard

import (
	"io"
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
	// BrandingErrors are the branding form's; Primary and Accent its
	// colours (Tender's own when the merchant has none).
	BrandingErrors  []string
	Primary, Accent string
}

// Tender's own colours, which the colour pickers start from.
const defaultPrimary, defaultAccent = "#1a56db", "#1a56db"

func newSettingsData(m *tender.Merchant) settingsData {
	data := settingsData{Merchant: m, Name: m.CompanyName, Email: m.ContactEmail, Origins: strings.Join(m.AllowedOrigins, "\n"),
		Primary: m.Branding.PrimaryColor, Accent: m.Branding.AccentColor}
	if data.Primary == "" {
		data.Primary = defaultPrimary
	}
	if data.Accent == "" {
		data.Accent = defaultAccent
	}
	return data
}

func (d *Dashboard) settings(w http.ResponseWriter, r *http.Request) error {
	m, err := d.svc.MerchantSettingsAs(r.Context(), session(r).User)
	if err != nil {
		return err
	}
	data := newSettingsData(m)
	switch {
	case r.URL.Query().Get("saved") != "":
		data.Notice = "Settings saved."
	case r.URL.Query().Get("branding") != "":
		data.Notice = "Branding saved: the hosted invoice and payment-link pages show it."
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
	errs := fieldErrors(err)
	m, err := d.svc.MerchantSettingsAs(r.Context(), u)
	if err != nil {
		return err
	}
	form := data
	data = newSettingsData(m)
	data.Name, data.Email, data.Origins, data.Errors = form.Name, form.Email, form.Origins, errs
	d.render(w, r, http.StatusUnprocessableEntity, "settings.html", "Settings", "settings", data)
	return nil
}

// saveBranding saves the branding form (multipart: the logo file, the two
// colours, "reset_colors" for Tender's own, "remove_logo") through the
// service the API's branding routes use; staff are refused there.
func (d *Dashboard) saveBranding(w http.ResponseWriter, r *http.Request) error {
	u := session(r).User
	primary, accent := strings.TrimSpace(r.PostFormValue("primary_color")), strings.TrimSpace(r.PostFormValue("accent_color"))
	if r.PostFormValue("reset_colors") != "" {
		primary, accent = "", ""
	}
	_, err := d.svc.SetBrandingColorsAs(r.Context(), u, &tender.BrandingInput{PrimaryColor: &primary, AccentColor: &accent})
	if err == nil {
		if f, _, ferr := r.FormFile("logo"); ferr == nil {
			// One byte more than allowed tells a too-large logo from a full one.
			data, rerr := io.ReadAll(io.LimitReader(f, tender.MaxLogoBytes+1))
			_ = f.Close()
			if rerr != nil {
				return rerr
			}
			if len(data) > 0 {
				_, err = d.svc.SetLogoAs(r.Context(), u, data)
			}
		} else if r.PostFormValue("remove_logo") != "" {
			_, err = d.svc.SetLogoAs(r.Context(), u, nil)
		}
	}
	if err == nil {
		http.Redirect(w, r, "/dashboard/settings?"+url.Values{"branding": {"1"}}.Encode()+"#branding", http.StatusSeeOther)
		return nil
	}
	if tender.ErrorCode(err) != tender.EINVALID {
		return err
	}
	m, merr := d.svc.MerchantSettingsAs(r.Context(), u)
	if merr != nil {
		return merr
	}
	data := newSettingsData(m)
	data.BrandingErrors = fieldErrors(err)
	d.render(w, r, http.StatusUnprocessableEntity, "settings.html", "Settings", "settings", data)
	return nil
}
