package tender

import (
	"time"

	"github.com/tenderpay/tender/internal/jsonenc"
)

// Fields Stax clients read that follow from the stored ones, added when an
// object is encoded (API responses and webhook payloads alike).

// addressComponents are the parts of a customer's address a mailing
// address needs.
var addressComponents = []string{"address_1", "address_city", "address_state", "address_zip"}

// MissingAddressComponents lists the parts of c's address that are empty.
func (c *Customer) MissingAddressComponents() []string {
	values := []string{c.Address1, c.AddressCity, c.AddressState, c.AddressZip}
	out := []string{}
	for i, v := range values {
		if v == "" {
			out = append(out, addressComponents[i])
		}
	}
	return out
}

// MarshalJSON adds has_address (every component present),
// missing_address_components and options (an empty object: Tender keeps no
// per-customer options).
func (c Customer) MarshalJSON() ([]byte, error) { return c.AppendJSON(nil), nil }

// AppendJSON appends c as MarshalJSON writes it, without reflection (a
// customer is in every charge's answer). TestCustomerAppendJSON holds it
// to encoding/json's output for the same fields.
func (c *Customer) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = jsonenc.String(jsonenc.Key(dst, "id"), c.ID)
	dst = jsonenc.String(jsonenc.Key(dst, "merchant_id"), c.MerchantID)
	dst = jsonenc.String(jsonenc.Key(dst, "firstname"), c.Firstname)
	dst = jsonenc.String(jsonenc.Key(dst, "lastname"), c.Lastname)
	dst = jsonenc.String(jsonenc.Key(dst, "company"), c.Company)
	dst = jsonenc.String(jsonenc.Key(dst, "email"), c.Email)
	dst = jsonenc.Strings(jsonenc.Key(dst, "cc_emails"), c.CCEmails)
	dst = jsonenc.String(jsonenc.Key(dst, "phone"), c.Phone)
	dst = jsonenc.String(jsonenc.Key(dst, "address_1"), c.Address1)
	dst = jsonenc.String(jsonenc.Key(dst, "address_2"), c.Address2)
	dst = jsonenc.String(jsonenc.Key(dst, "address_city"), c.AddressCity)
	dst = jsonenc.String(jsonenc.Key(dst, "address_state"), c.AddressState)
	dst = jsonenc.String(jsonenc.Key(dst, "address_zip"), c.AddressZip)
	dst = jsonenc.String(jsonenc.Key(dst, "address_country"), c.AddressCountry)
	dst = jsonenc.String(jsonenc.Key(dst, "notes"), c.Notes)
	dst = jsonenc.String(jsonenc.Key(dst, "reference"), c.Reference)
	dst = jsonenc.Bool(jsonenc.Key(dst, "allow_invoice_credit_card_payments"), c.AllowInvoiceCreditCardPayments)
	dst = c.CreatedAt.AppendJSON(jsonenc.Key(dst, "created_at"))
	dst = c.UpdatedAt.AppendJSON(jsonenc.Key(dst, "updated_at"))
	dst = AppendTimePtr(jsonenc.Key(dst, "deleted_at"), c.DeletedAt)
	missing := c.MissingAddressComponents()
	dst = jsonenc.Bool(jsonenc.Key(dst, "has_address"), len(missing) == 0)
	dst = jsonenc.Strings(jsonenc.Key(dst, "missing_address_components"), missing)
	return append(dst, `,"options":{}}`...)
}

// CardExpiry is the last second of a card's expiry month (card_exp MMYYYY);
// false for a bank account or an unreadable expiry.
func (pm *PaymentMethod) CardExpiry() (time.Time, bool) {
	if pm.Method != MethodCard || len(pm.CardExp) != 6 {
		return time.Time{}, false
	}
	t, err := time.Parse("012006", pm.CardExp)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 1, 0).Add(-time.Second), true
}

// MarshalJSON adds card_exp_datetime (the expiry month's last second, null
// for banks) and is_tokenized (always true: every stored number is in the
// vault).
func (pm PaymentMethod) MarshalJSON() ([]byte, error) { return pm.AppendJSON(nil) }

// AppendJSON appends pm as MarshalJSON writes it, without reflection (a
// payment method is in every charge's answer); an error only when its meta
// is not valid JSON. TestPaymentMethodAppendJSON holds it to
// encoding/json's output for the same fields.
func (pm *PaymentMethod) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, '{')
	dst = jsonenc.String(jsonenc.Key(dst, "id"), pm.ID)
	dst = jsonenc.String(jsonenc.Key(dst, "customer_id"), pm.CustomerID)
	dst = jsonenc.String(jsonenc.Key(dst, "merchant_id"), pm.MerchantID)
	dst = jsonenc.String(jsonenc.Key(dst, "method"), pm.Method)
	dst = jsonenc.String(jsonenc.Key(dst, "nickname"), pm.Nickname)
	dst = jsonenc.String(jsonenc.Key(dst, "person_name"), pm.PersonName)
	dst = jsonenc.String(jsonenc.Key(dst, "card_type"), pm.CardType)
	dst = jsonenc.String(jsonenc.Key(dst, "card_last_four"), pm.CardLastFour)
	dst = jsonenc.String(jsonenc.Key(dst, "card_exp"), pm.CardExp)
	dst = jsonenc.String(jsonenc.Key(dst, "bin_type"), pm.BinType)
	dst = jsonenc.Bool(jsonenc.Key(dst, "has_cvv"), pm.HasCVV)
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_default"), pm.IsDefault)
	dst = jsonenc.String(jsonenc.Key(dst, "bank_name"), pm.BankName)
	dst = jsonenc.String(jsonenc.Key(dst, "bank_type"), pm.BankType)
	dst = jsonenc.String(jsonenc.Key(dst, "bank_holder_type"), pm.BankHolderType)
	dst = jsonenc.String(jsonenc.Key(dst, "address_1"), pm.Address1)
	dst = jsonenc.String(jsonenc.Key(dst, "address_2"), pm.Address2)
	dst = jsonenc.String(jsonenc.Key(dst, "address_city"), pm.AddressCity)
	dst = jsonenc.String(jsonenc.Key(dst, "address_state"), pm.AddressState)
	dst = jsonenc.String(jsonenc.Key(dst, "address_zip"), pm.AddressZip)
	dst = jsonenc.String(jsonenc.Key(dst, "address_country"), pm.AddressCountry)
	dst, err := jsonenc.Raw(jsonenc.Key(dst, "meta"), pm.Meta)
	if err != nil {
		return nil, err
	}
	dst = jsonenc.Bool(jsonenc.Key(dst, "is_usable_in_vt"), pm.IsUsableInVT)
	dst = pm.CreatedAt.AppendJSON(jsonenc.Key(dst, "created_at"))
	dst = pm.UpdatedAt.AppendJSON(jsonenc.Key(dst, "updated_at"))
	dst = AppendTimePtr(jsonenc.Key(dst, "deleted_at"), pm.DeletedAt)
	dst = jsonenc.Key(dst, "card_exp_datetime")
	if t, ok := pm.CardExpiry(); ok {
		dst = NewTime(t).AppendJSON(dst)
	} else {
		dst = append(dst, "null"...)
	}
	return append(dst, `,"is_tokenized":true}`...), nil
}
