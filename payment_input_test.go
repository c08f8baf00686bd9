package tender

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// fieldsOf returns the fields a validation error names (nil for none).
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != EINVALID {
		t.Fatalf("want a validation error, got %v", err)
	}
	var out []string
	for f := range e.Fields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func decode[T any](t *testing.T, body string) *T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return &v
}

func TestChargeInputValidate(t *testing.T) {
	long := strings.Repeat("k", MaxIdempotencyID+1)
	for name, tc := range map[string]struct {
		body     string
		credit   bool
		fields   []string
		wantType string
	}{
		"charge":             {`{"payment_method_id":" pm ","total":"10.00"}`, false, nil, TxCharge},
		"pre-auth":           {`{"payment_method_id":"pm","total":1,"pre_auth":1}`, false, nil, TxPreAuth},
		"credit":             {`{"payment_method_id":"pm","total":1}`, true, nil, TxCredit},
		"credit pre-auth":    {`{"payment_method_id":"pm","total":1,"pre_auth":true}`, true, []string{"pre_auth"}, ""},
		"missing everything": {`{}`, false, []string{"payment_method_id", "total"}, ""},
		"zero total":         {`{"payment_method_id":"pm","total":0}`, false, []string{"total"}, ""},
		"bad meta":           {`{"payment_method_id":"pm","total":1,"meta":[1]}`, false, []string{"meta"}, ""},
		"long key":           {`{"payment_method_id":"pm","total":1,"idempotency_id":"` + long + `"}`, false, []string{"idempotency_id"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := decode[ChargeInput](t, tc.body).Validate(tc.credit)
			if got := fieldsOf(t, err); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields %v, want %v", got, tc.fields)
			}
			if err == nil && (c.Type != tc.wantType || c.PaymentMethodID != "pm" || c.Total <= 0 || string(c.Meta) != "{}") {
				t.Fatalf("validated %+v", c)
			}
		})
	}
}

func TestActionInputValidate(t *testing.T) {
	if a, err := decode[ActionInput](t, `{"total":"1.25"}`).Validate(OpRefund); err != nil || a != 125 {
		t.Fatalf("refund 1.25: %v %v", a, err)
	}
	if a, err := decode[ActionInput](t, `{"total":"nope"}`).Validate(OpVoid); err != nil || a != 0 {
		t.Fatalf("a void ignores total: %v %v", a, err)
	}
	if _, err := decode[ActionInput](t, `{"total":-1}`).Validate(OpCapture); !slices.Equal(fieldsOf(t, err), []string{"total"}) {
		t.Fatalf("negative capture: %v", err)
	}
}

func TestPayInvoiceInputValidate(t *testing.T) {
	p, err := decode[PayInvoiceInput](t, `{"total":"5.00","funding":[{"account_id":"a","amount":"2.00"},{"account_id":"b","amount":3}],"email_receipt":1}`).Validate()
	if err != nil || p.Total != 500 || len(p.Funding) != 2 || p.Funding[1].Amount != 300 || !p.EmailReceipt || p.PaymentMethodID != "" {
		t.Fatalf("valid payment: %+v %v", p, err)
	}
	_, err = decode[PayInvoiceInput](t, `{"funding":[{"account_id":"a","amount":1},{"account_id":"a","amount":1},{"amount":0}]}`).Validate()
	if got, want := fieldsOf(t, err), []string{"funding.1.account_id", "funding.2.account_id", "funding.2.amount"}; !slices.Equal(got, want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
}

func TestManualPaymentInputValidate(t *testing.T) {
	for method, want := range map[string]string{"cash": "CASH", "bank-transfer": "BANK TRANSFER", "Bank_Transfer": "BANK TRANSFER", " giftcard ": "GIFTCARD"} {
		if p, err := decode[ManualPaymentInput](t, `{}`).Validate(method); err != nil || p.Method != want || p.Total != 0 {
			t.Fatalf("%q: %+v %v", method, p, err)
		}
	}
	_, err := decode[ManualPaymentInput](t, `{"total":"x"}`).Validate("barter")
	if got := fieldsOf(t, err); !slices.Equal(got, []string{"method", "total"}) {
		t.Fatalf("fields %v", got)
	}
}
