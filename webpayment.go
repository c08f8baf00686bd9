package tender

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
)

// WebPaymentInput is what Stax.js sends with the public web-payments token
// (POST /webpayment/{token}/tokenize and /pay) and what the hosted invoice
// page sends (POST /pay/invoice/{id}): the library's extraDetails plus the
// card number and CVV from the hosted fields, or the bank account.
type WebPaymentInput struct {
	Method *string `json:"method"`

	// Customer demographics: matched against existing customers, or stored
	// on a new one. Never sent to the processor.
	CustomerID     *string `json:"customer_id"`
	Firstname      *string `json:"firstname"`
	Lastname       *string `json:"lastname"`
	Company        *string `json:"company"`
	Email          *string `json:"email"`
	Phone          *string `json:"phone"`
	Address1       *string `json:"address_1"`
	Address2       *string `json:"address_2"`
	AddressCity    *string `json:"address_city"`
	AddressState   *string `json:"address_state"`
	AddressZip     *string `json:"address_zip"`
	AddressCountry *string `json:"address_country"`
	// MatchCustomer false disables customer matching (default on).
	MatchCustomer *Flag `json:"match_customer"`

	// Card: the hosted fields send card_number and card_cvv; expiry is
	// month and year (Stax.js) or card_exp (MMYY).
	PersonName *string    `json:"person_name"`
	CardNumber *string    `json:"card_number"`
	CardCVV    *string    `json:"card_cvv"`
	CardExp    *string    `json:"card_exp"`
	Month      *LooseText `json:"month"`
	Year       *LooseText `json:"year"`

	BankName       *string `json:"bank_name"`
	BankAccount    *string `json:"bank_account"`
	BankRouting    *string `json:"bank_routing"`
	BankType       *string `json:"bank_type"`
	BankHolderType *string `json:"bank_holder_type"`

	// pay() only.
	Total         AmountInput     `json:"total"`
	URL           *string         `json:"url"`
	Meta          json.RawMessage `json:"meta"`
	SendReceipt   *Flag           `json:"send_receipt"`
	IdempotencyID string          `json:"idempotency_id"`
	// Validate is accepted for Stax.js compatibility; the card is always
	// validated.
	Validate *Flag `json:"validate"`
}

// LooseText is a JSON string that also accepts a number (Stax.js clients
// send month and year either way).
type LooseText string

// UnmarshalJSON accepts a string, a number or null.
func (l *LooseText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*l = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = LooseText(s)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*l = LooseText(n.String())
	default:
		return &json.UnmarshalTypeError{Value: "non-string " + string(b), Type: reflect.TypeFor[string]()}
	}
	return nil
}

// CustomerInput returns the demographics as a customer input.
func (in *WebPaymentInput) CustomerInput() *CustomerInput {
	return &CustomerInput{Firstname: in.Firstname, Lastname: in.Lastname, Company: in.Company, Email: in.Email,
		Phone: in.Phone, Address1: in.Address1, Address2: in.Address2, AddressCity: in.AddressCity,
		AddressState: in.AddressState, AddressZip: in.AddressZip, AddressCountry: in.AddressCountry}
}

// PaymentMethodInput returns the card or bank part, for customerID. The
// holder's name is person_name, else firstname and lastname; the expiry is
// card_exp, else month and year (a four-digit year is shortened).
func (in *WebPaymentInput) PaymentMethodInput(customerID string) *PaymentMethodInput {
	name := strings.TrimSpace(deref(in.PersonName))
	if name == "" {
		name = strings.TrimSpace(deref(in.Firstname) + " " + deref(in.Lastname))
	}
	if name == "" {
		name = strings.TrimSpace(deref(in.Company))
	}
	out := &PaymentMethodInput{
		Method: in.Method, CustomerID: &customerID, PersonName: &name, CardNumber: in.CardNumber, CardCVV: in.CardCVV,
		CardExp: in.CardExp, BankName: in.BankName, BankAccount: in.BankAccount, BankRouting: in.BankRouting,
		BankType: in.BankType, BankHolderType: in.BankHolderType,
	}
	if out.CardExp == nil && (in.Month != nil || in.Year != nil) {
		month, year := "", ""
		if in.Month != nil {
			month = strings.TrimSpace(string(*in.Month))
		}
		if in.Year != nil {
			year = strings.TrimSpace(string(*in.Year))
		}
		if len(month) == 1 {
			month = "0" + month
		}
		if len(year) == 4 {
			year = year[2:]
		}
		exp := month + year
		out.CardExp = &exp
	}
	return out
}

// MatchCustomerEnabled reports whether customer matching is on (the
// default; match_customer: false turns it off).
func (in *WebPaymentInput) MatchCustomerEnabled() bool {
	return in.MatchCustomer == nil || bool(*in.MatchCustomer)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// MatchGroup is one group of demographics Stax.js customer matching
// compares. A group applies only when every one of its fields is given, and
// matches a live customer whose fields are all exactly equal (email without
// regard to case).
type MatchGroup int

// The groups, in the order they are tried (Stax.js General Information:
// "Customer Matching"). An explicit customer_id comes before all of them.
const (
	MatchEmail          MatchGroup = iota // email
	MatchCompanyAddress                   // company, address_1, address_city
	MatchFirstnamePhone                   // firstname, phone
	MatchNameAddress                      // firstname, lastname, address_1, address_zip
	MatchLastnamePhone                    // lastname, phone
)

// MatchGroups lists every group in order.
var MatchGroups = []MatchGroup{MatchEmail, MatchCompanyAddress, MatchFirstnamePhone, MatchNameAddress, MatchLastnamePhone}

// Fields returns probe's values of the group's fields, in order.
func (g MatchGroup) Fields(probe *Customer) []string {
	switch g {
	case MatchEmail:
		return []string{probe.Email}
	case MatchCompanyAddress:
		return []string{probe.Company, probe.Address1, probe.AddressCity}
	case MatchFirstnamePhone:
		return []string{probe.Firstname, probe.Phone}
	case MatchNameAddress:
		return []string{probe.Firstname, probe.Lastname, probe.Address1, probe.AddressZip}
	case MatchLastnamePhone:
		return []string{probe.Lastname, probe.Phone}
	}
	return nil
}

// Applies reports whether probe gives every field of the group.
func (g MatchGroup) Applies(probe *Customer) bool {
	fields := g.Fields(probe)
	for _, f := range fields {
		if f == "" {
			return false
		}
	}
	return len(fields) > 0
}

// String names the group.
func (g MatchGroup) String() string {
	return [...]string{"email", "company+address_1+address_city", "firstname+phone",
		"firstname+lastname+address_1+address_zip", "lastname+phone"}[g]
}
