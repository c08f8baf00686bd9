package tender_test

import (
	"encoding/json"
	"testing"

	"github.com/tenderpay/tender"
)

func TestWebPaymentInput(t *testing.T) {
	for _, tc := range []struct {
		body, exp, name string
		match           bool
	}{
		{`{"month":"12","year":"2030","firstname":"Jane","lastname":"Doe"}`, "1230", "Jane Doe", true},
		{`{"month":3,"year":30,"company":"Acme","match_customer":false}`, "0330", "Acme", false},
		{`{"card_exp":"0931","month":"12","year":"2030","person_name":"J D","match_customer":"1"}`, "0931", "J D", true},
		{`{"firstname":"Solo"}`, "", "Solo", true},
	} {
		var in tender.WebPaymentInput
		if err := json.Unmarshal([]byte(tc.body), &in); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		pm := in.PaymentMethodInput("c1")
		exp := ""
		if pm.CardExp != nil {
			exp = *pm.CardExp
		}
		if exp != tc.exp || *pm.PersonName != tc.name || *pm.CustomerID != "c1" || in.MatchCustomerEnabled() != tc.match {
			t.Errorf("%s: exp %q name %q match %v", tc.body, exp, *pm.PersonName, in.MatchCustomerEnabled())
		}
	}
	var in tender.WebPaymentInput
	if err := json.Unmarshal([]byte(`{"month":{"x":1}}`), &in); err == nil {
		t.Error("an object as month was accepted")
	}
}

func TestMatchGroups(t *testing.T) {
	c := &tender.Customer{Firstname: "Bob", Phone: "555", Lastname: "Smith"}
	var applies []string
	for _, g := range tender.MatchGroups {
		if g.Applies(c) {
			applies = append(applies, g.String())
		}
	}
	if len(applies) != 2 || applies[0] != "firstname+phone" || applies[1] != "lastname+phone" {
		t.Errorf("groups applying to %+v: %v", c, applies)
	}
}
