package tender

import (
	"encoding/json"
	"time"
)

// Payment method kinds.
const (
	MethodCard = "card"
	MethodBank = "bank"
)

// PaymentMethod is a tokenized card or bank account (Stax's payment_method).
// The card or account number itself lives only in the vault, encrypted; this
// object carries what may be shown: brand, last four, expiry, BIN type.
type PaymentMethod struct {
	ID             string          `json:"id"`
	CustomerID     string          `json:"customer_id"`
	MerchantID     string          `json:"merchant_id"`
	Method         string          `json:"method"`
	Nickname       string          `json:"nickname"`
	PersonName     string          `json:"person_name"`
	CardType       string          `json:"card_type"`
	CardLastFour   string          `json:"card_last_four"`
	CardExp        string          `json:"card_exp"` // MMYYYY
	BinType        string          `json:"bin_type"` // CREDIT | DEBIT | PREPAID (sandbox: CREDIT)
	HasCVV         bool            `json:"has_cvv"`
	IsDefault      bool            `json:"is_default"`
	BankName       string          `json:"bank_name"`
	BankType       string          `json:"bank_type"`
	BankHolderType string          `json:"bank_holder_type"`
	Address1       string          `json:"address_1"`
	Address2       string          `json:"address_2"`
	AddressCity    string          `json:"address_city"`
	AddressState   string          `json:"address_state"`
	AddressZip     string          `json:"address_zip"`
	AddressCountry string          `json:"address_country"`
	Meta           json.RawMessage `json:"meta"`
	IsUsableInVT   bool            `json:"is_usable_in_vt"`
	Fingerprint    string          `json:"-"`
	CreatedAt      Time            `json:"created_at"`
	UpdatedAt      Time            `json:"updated_at"`
	DeletedAt      *Time           `json:"deleted_at"`
}

// PaymentMethodSecret is the vault side of a payment method: sealed
// (encrypted) number and CVV. It is never serialised to a client.
type PaymentMethodSecret struct {
	PaymentMethodID string
	SealedNumber    string // card number or bank account number
	SealedCVV       string // "" once erased (after the first authorization)
	BankRouting     string // routing numbers are public; kept for the processor
}

// PaymentMethodInput is the body of POST and PUT /payment-method.
type PaymentMethodInput struct {
	Method         *string         `json:"method"`
	CustomerID     *string         `json:"customer_id"`
	PersonName     *string         `json:"person_name"`
	CardNumber     *string         `json:"card_number"`
	CardCVV        *string         `json:"card_cvv"`
	CardExp        *string         `json:"card_exp"`
	BankName       *string         `json:"bank_name"`
	BankAccount    *string         `json:"bank_account"`
	BankRouting    *string         `json:"bank_routing"`
	BankType       *string         `json:"bank_type"`
	BankHolderType *string         `json:"bank_holder_type"`
	Nickname       *string         `json:"nickname"`
	IsDefault      *bool           `json:"is_default"`
	Address1       *string         `json:"address_1"`
	Address2       *string         `json:"address_2"`
	AddressCity    *string         `json:"address_city"`
	AddressState   *string         `json:"address_state"`
	AddressZip     *string         `json:"address_zip"`
	AddressCountry *string         `json:"address_country"`
	Meta           json.RawMessage `json:"meta"`
}

// ApplyAddress copies billing address, nickname and default flag.
func (in *PaymentMethodInput) ApplyAddress(pm *PaymentMethod, errs FieldErrors) {
	set(&pm.Address1, in.Address1)
	set(&pm.Address2, in.Address2)
	set(&pm.AddressCity, in.AddressCity)
	set(&pm.AddressState, in.AddressState)
	set(&pm.AddressZip, in.AddressZip)
	set(&pm.AddressCountry, in.AddressCountry)
	set(&pm.Nickname, in.Nickname)
	set(&pm.PersonName, in.PersonName)
	if in.IsDefault != nil {
		pm.IsDefault = *in.IsDefault
	}
	if len(in.Meta) > 0 && string(in.Meta) != "null" {
		if !IsJSONObject(in.Meta) {
			errs.Add("meta", "The meta must be an object.")
		} else {
			pm.Meta = in.Meta
		}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{
		{"address_1", pm.Address1, 255}, {"address_2", pm.Address2, 255}, {"address_city", pm.AddressCity, 255},
		{"address_state", pm.AddressState, 2}, {"address_zip", pm.AddressZip, 16},
		{"address_country", pm.AddressCountry, 3}, {"nickname", pm.Nickname, 255}, {"person_name", pm.PersonName, 255},
	} {
		MaxLen(errs, f.name, f.v, f.max)
	}
	if len(pm.Meta) > 16<<10 {
		errs.Add("meta", "The meta may not be greater than 16384 bytes.")
	}
}

// PaymentMethodFilter narrows GET /payment-method.
type PaymentMethodFilter struct {
	CustomerID             string
	Method                 string
	CreatedFrom, CreatedTo time.Time
	UpdatedFrom, UpdatedTo time.Time
}

// IsZero reports whether f filters nothing.
func (f PaymentMethodFilter) IsZero() bool {
	return f.CustomerID == "" && f.Method == "" && f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() &&
		f.UpdatedFrom.IsZero() && f.UpdatedTo.IsZero()
}
