package tender

import (
	"encoding/json"
	"time"
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
func (c Customer) MarshalJSON() ([]byte, error) {
	type plain Customer
	missing := c.MissingAddressComponents()
	return json.Marshal(struct {
		plain
		HasAddress bool            `json:"has_address"`
		Missing    []string        `json:"missing_address_components"`
		Options    json.RawMessage `json:"options"`
	}{plain(c), len(missing) == 0, missing, json.RawMessage(`{}`)})
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
func (pm PaymentMethod) MarshalJSON() ([]byte, error) {
	type plain PaymentMethod
	var exp *Time
	if t, ok := pm.CardExpiry(); ok {
		v := NewTime(t)
		exp = &v
	}
	return json.Marshal(struct {
		plain
		CardExpDatetime *Time `json:"card_exp_datetime"`
		IsTokenized     bool  `json:"is_tokenized"`
	}{plain(pm), exp, true})
}
