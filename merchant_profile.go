package tender

import (
	"encoding/json"
	"regexp"
	"strings"
)

// MerchantProfile is what a merchant says about its own business (PUT
// /team), its team options (PUT /team/options) and its branding (POST
// /team/option/branding, PUT /team/option/advanced_customizations). It is
// embedded in Merchant, so its fields sit beside company_name in Stax's
// flat merchant shape; the store keeps it as one JSON document.
type MerchantProfile struct {
	ContactName    string `json:"contact_name"`
	ContactPhone   string `json:"contact_phone"`
	Address1       string `json:"address_1"`
	Address2       string `json:"address_2"`
	AddressCity    string `json:"address_city"`
	AddressState   string `json:"address_state"`
	AddressZip     string `json:"address_zip"`
	AddressCountry string `json:"address_country"`
	// Options are the merchant's own settings: a flat object of names to
	// strings, numbers or booleans, kept for the merchant's integrations.
	Options map[string]any `json:"options"`
	// Branding is what the hosted invoice page and emails show.
	Branding Branding `json:"branding"`
}

// Branding is the merchant's logo and colours.
type Branding struct {
	// LogoURL is the public address of the uploaded logo ("" for none); its
	// query changes with each upload, so caches never show an old logo.
	LogoURL string `json:"logo_url"`
	// PrimaryColor colours the hosted page's button and header rule;
	// AccentColor its links. "#rrggbb", "" for Tender's own.
	PrimaryColor string `json:"primary_color"`
	AccentColor  string `json:"accent_color"`
}

// TeamInput is the body of PUT /team: the merchant's own business details.
// What the operator or a partner decides (status, processor, features,
// allowed origins) is not here.
type TeamInput struct {
	CompanyName    *string `json:"company_name"`
	ContactName    *string `json:"contact_name"`
	ContactEmail   *string `json:"contact_email"`
	ContactPhone   *string `json:"contact_phone"`
	Address1       *string `json:"address_1"`
	Address2       *string `json:"address_2"`
	AddressCity    *string `json:"address_city"`
	AddressState   *string `json:"address_state"`
	AddressZip     *string `json:"address_zip"`
	AddressCountry *string `json:"address_country"`
}

// Apply validates in and copies it onto m.
func (in *TeamInput) Apply(m *Merchant) error {
	trim := func(p *string) *string {
		if p == nil {
			return nil
		}
		v := strings.TrimSpace(*p)
		return &v
	}
	set(&m.CompanyName, trim(in.CompanyName))
	set(&m.ContactName, trim(in.ContactName))
	set(&m.ContactEmail, trim(in.ContactEmail))
	set(&m.ContactPhone, trim(in.ContactPhone))
	set(&m.Address1, trim(in.Address1))
	set(&m.Address2, trim(in.Address2))
	set(&m.AddressCity, trim(in.AddressCity))
	set(&m.AddressState, trim(in.AddressState))
	set(&m.AddressZip, trim(in.AddressZip))
	set(&m.AddressCountry, trim(in.AddressCountry))
	errs := FieldErrors{}
	if in.CompanyName != nil && m.CompanyName == "" {
		errs.Add("company_name", "The company name may not be empty.")
	}
	MaxLen(errs, "company_name", m.CompanyName, 255)
	if m.ContactEmail != "" && !ValidEmail(m.ContactEmail) {
		errs.Add("contact_email", "The contact email must be a valid email address.")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"contact_name", m.ContactName, 255}, {"contact_phone", m.ContactPhone, 32},
		{"address_1", m.Address1, 255}, {"address_2", m.Address2, 255}, {"address_city", m.AddressCity, 255},
		{"address_state", m.AddressState, 64}, {"address_zip", m.AddressZip, 16},
	} {
		MaxLen(errs, f.name, f.v, f.max)
	}
	if m.AddressCountry != "" && !countryCode.MatchString(m.AddressCountry) {
		errs.Add("address_country", "The address country must be a three-letter country code, such as USA.")
	}
	return errs.Err()
}

var countryCode = regexp.MustCompile(`^[A-Z]{3}$`)

// Team option limits: the options are a settings object, not a data store.
const (
	MaxTeamOptions       = 100
	MaxTeamOptionName    = 64
	MaxTeamOptionValue   = 1000
	teamOptionNameSyntax = `^[A-Za-z][A-Za-z0-9_.-]*$`
)

var teamOptionName = regexp.MustCompile(teamOptionNameSyntax)

// MergeTeamOptions applies a PUT /team/options body to current: each name
// set to a string, number or boolean replaces the option, null removes it.
// It returns the new options or the field errors.
func MergeTeamOptions(current map[string]any, body map[string]json.RawMessage) (map[string]any, error) {
	out := make(map[string]any, len(current)+len(body))
	for k, v := range current {
		out[k] = v
	}
	errs := FieldErrors{}
	if len(body) == 0 {
		errs.Add("options", "Send at least one option: an object of names to strings, numbers, booleans or null.")
	}
	for name, raw := range body {
		if len(name) > MaxTeamOptionName || !teamOptionName.MatchString(name) {
			errs.Add(name, "An option name starts with a letter and holds at most 64 letters, digits, '_', '.' or '-'.")
			continue
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(string(raw)))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			errs.Add(name, "The option's value is not valid JSON.")
			continue
		}
		switch x := v.(type) {
		case nil:
			delete(out, name)
		case string:
			if len(x) > MaxTeamOptionValue {
				errs.Add(name, "An option's value may not be longer than 1000 characters.")
				continue
			}
			out[name] = x
		case json.Number, bool:
			out[name] = x
		default:
			errs.Add(name, "An option's value must be a string, a number, a boolean or null.")
		}
	}
	if len(out) > MaxTeamOptions {
		errs.Add("options", "A merchant may keep at most 100 options.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// BrandingInput is the body of PUT /team/option/advanced_customizations.
type BrandingInput struct {
	PrimaryColor *string `json:"primary_color"`
	AccentColor  *string `json:"accent_color"`
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Apply validates in and copies it onto b; "" restores Tender's colour.
func (in *BrandingInput) Apply(b *Branding) error {
	errs := FieldErrors{}
	for _, f := range []struct {
		name string
		src  *string
		dst  *string
	}{{"primary_color", in.PrimaryColor, &b.PrimaryColor}, {"accent_color", in.AccentColor, &b.AccentColor}} {
		if f.src == nil {
			continue
		}
		v := strings.TrimSpace(*f.src)
		if v != "" && !hexColor.MatchString(v) {
			errs.Add(f.name, "The colour must be written #rrggbb, such as #0a66c2.")
			continue
		}
		*f.dst = strings.ToLower(v)
	}
	if in.PrimaryColor == nil && in.AccentColor == nil {
		errs.Add("primary_color", "Send primary_color or accent_color.")
	}
	return errs.Err()
}

// Logo limits and types: a logo is shown on public pages, so only raster
// images whose bytes say what they are (never SVG, which can carry script).
const MaxLogoBytes = 512 << 10

// LogoTypes are the content types a logo may have, as sniffed from its bytes.
var LogoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// Logo is a merchant's uploaded logo.
type Logo struct {
	ContentType string
	Data        []byte
	UpdatedAt   Time
}
