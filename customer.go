package tender

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Customer is a merchant's customer (Stax's customer object).
type Customer struct {
	ID                             string   `json:"id"`
	MerchantID                     string   `json:"merchant_id"`
	Firstname                      string   `json:"firstname"`
	Lastname                       string   `json:"lastname"`
	Company                        string   `json:"company"`
	Email                          string   `json:"email"`
	CCEmails                       []string `json:"cc_emails"`
	Phone                          string   `json:"phone"`
	Address1                       string   `json:"address_1"`
	Address2                       string   `json:"address_2"`
	AddressCity                    string   `json:"address_city"`
	AddressState                   string   `json:"address_state"`
	AddressZip                     string   `json:"address_zip"`
	AddressCountry                 string   `json:"address_country"`
	Notes                          string   `json:"notes"`
	Reference                      string   `json:"reference"`
	AllowInvoiceCreditCardPayments bool     `json:"allow_invoice_credit_card_payments"`
	CreatedAt                      Time     `json:"created_at"`
	UpdatedAt                      Time     `json:"updated_at"`
	DeletedAt                      *Time    `json:"deleted_at"`
}

// CustomerInput is the body of POST and PUT /customer. Absent fields (nil) are
// left unchanged by an update.
type CustomerInput struct {
	Firstname                      *string   `json:"firstname"`
	Lastname                       *string   `json:"lastname"`
	Company                        *string   `json:"company"`
	Email                          *string   `json:"email"`
	CCEmails                       *[]string `json:"cc_emails"`
	Phone                          *string   `json:"phone"`
	Address1                       *string   `json:"address_1"`
	Address2                       *string   `json:"address_2"`
	AddressCity                    *string   `json:"address_city"`
	AddressState                   *string   `json:"address_state"`
	AddressZip                     *string   `json:"address_zip"`
	AddressCountry                 *string   `json:"address_country"`
	Notes                          *string   `json:"notes"`
	Reference                      *string   `json:"reference"`
	AllowInvoiceCreditCardPayments *bool     `json:"allow_invoice_credit_card_payments"`
}

// set copies an optional input string onto dst, trimmed; nil leaves dst.
func set(dst *string, src *string) {
	if src != nil {
		*dst = strings.TrimSpace(*src)
	}
}

// Apply copies the set fields of in onto c, trimming whitespace.
func (in *CustomerInput) Apply(c *Customer) {
	set(&c.Firstname, in.Firstname)
	set(&c.Lastname, in.Lastname)
	set(&c.Company, in.Company)
	set(&c.Email, in.Email)
	set(&c.Phone, in.Phone)
	set(&c.Address1, in.Address1)
	set(&c.Address2, in.Address2)
	set(&c.AddressCity, in.AddressCity)
	set(&c.AddressState, in.AddressState)
	set(&c.AddressZip, in.AddressZip)
	set(&c.AddressCountry, in.AddressCountry)
	set(&c.Notes, in.Notes)
	set(&c.Reference, in.Reference)
	if in.CCEmails != nil {
		c.CCEmails = make([]string, 0, len(*in.CCEmails))
		for _, e := range *in.CCEmails {
			c.CCEmails = append(c.CCEmails, strings.TrimSpace(e))
		}
	}
	if in.AllowInvoiceCreditCardPayments != nil {
		c.AllowInvoiceCreditCardPayments = *in.AllowInvoiceCreditCardPayments
	}
	if c.CCEmails == nil {
		c.CCEmails = []string{}
	}
}

// Validate checks c as it would be stored.
func (c *Customer) Validate() error {
	errs := FieldErrors{}
	if c.Firstname == "" && c.Lastname == "" && c.Email == "" && c.Company == "" {
		msg := "At least one of firstname, lastname, email or company is required."
		errs.Add("firstname", msg)
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"firstname", c.Firstname, 50}, {"lastname", c.Lastname, 50}, {"company", c.Company, 100},
		{"email", c.Email, 100}, {"phone", c.Phone, 30}, {"address_1", c.Address1, 255},
		{"address_2", c.Address2, 255}, {"address_city", c.AddressCity, 255},
		{"address_state", c.AddressState, 2}, {"address_zip", c.AddressZip, 16},
		{"address_country", c.AddressCountry, 3}, {"notes", c.Notes, 2000}, {"reference", c.Reference, 255},
	} {
		MaxLen(errs, f.name, f.v, f.max)
	}
	if c.Email != "" && !ValidEmail(c.Email) {
		errs.Add("email", "The email must be a valid email address.")
	}
	if len(c.CCEmails) > 20 {
		errs.Add("cc_emails", "The cc emails may not have more than 20 items.")
	}
	for i, e := range c.CCEmails {
		if !ValidEmail(e) {
			errs.Add("cc_emails."+itoa(i), "The cc_emails."+itoa(i)+" must be a valid email address.")
		}
	}
	return errs.Err()
}

// MaxLen adds Laravel's max-length message when v has more than max runes.
func MaxLen(errs FieldErrors, field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		errs.Add(field, "The "+humanField(field)+" may not be greater than "+itoa(max)+" characters.")
	}
}

// ValidEmail reports whether s is a bare email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// CustomerFilter narrows GET /customer.
type CustomerFilter struct {
	Email     string
	Firstname string
	Lastname  string
	Company   string
	Phone     string
	Reference string
	Keywords  []string
	// CreatedFrom/CreatedTo bound created_at (inclusive), zero = open;
	// UpdatedFrom/UpdatedTo updated_at.
	CreatedFrom, CreatedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
}

// IsZero reports whether f filters nothing.
func (f CustomerFilter) IsZero() bool {
	return f.Email == "" && f.Firstname == "" && f.Lastname == "" && f.Company == "" && f.Phone == "" &&
		f.Reference == "" && len(f.Keywords) == 0 && f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() &&
		f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero()
}
