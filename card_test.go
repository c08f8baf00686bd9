package tender

import (
	"strings"
	"testing"
	"time"
)

func TestCards(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		number, brand string
		valid         bool
	}{
		{"4111111111111111", "visa", true}, {"4242424242424242", "visa", true},
		{"5555555555554444", "mastercard", true}, {"2223003122003222", "mastercard", true},
		{"378282246310005", "amex", true}, {"6011111111111117", "discover", true},
		{"4000000000000002", "visa", true}, {"4000000000009995", "visa", true}, {"4000000000009987", "visa", true},
		{"4000000000009979", "visa", true}, {"4000000000000069", "visa", true}, {"4000000000000127", "visa", true},
		{"4000000000000119", "visa", true}, {"3530111333300000", "jcb", true}, {"36227206271667", "diners", true},
		{"4111111111111112", "", false}, {"411111111111111a", "", false}, {"41111111111", "", false},
		{"41111111111111111111", "", false}, {"", "", false}, {"9999999999999995", "", false},
	} {
		errs := FieldErrors{}
		brand, _, _ := ValidateCard(errs, tc.number, "", "1230", time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
		if tc.valid != (len(errs) == 0) || tc.valid && brand != tc.brand {
			t.Errorf("%s: brand %q errs %v, want brand %q valid %v", tc.number, brand, errs, tc.brand, tc.valid)
		}
		for _, msgs := range errs {
			for _, m := range msgs {
				if tc.number != "" && strings.Contains(m, tc.number) {
					t.Errorf("message echoes the number: %s", m)
				}
			}
		}
	}
}

func TestCardExpAndCVV(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		exp, cvv, number string
		field            string // "" = valid
	}{
		{"1126", "123", "4111111111111111", ""}, // this month
		{"1026", "123", "4111111111111111", "card_exp"},
		{"11/26", "123", "4111111111111111", ""},
		{"112026", "123", "4111111111111111", ""},
		{"1326", "123", "4111111111111111", "card_exp"},
		{"0026", "123", "4111111111111111", "card_exp"},
		{"1/25", "123", "4111111111111111", "card_exp"},
		{"1260", "123", "4111111111111111", "card_exp"}, // too far
		{"", "123", "4111111111111111", "card_exp"},
		{"1230", "12", "4111111111111111", "card_cvv"},
		{"1230", "1234", "4111111111111111", "card_cvv"},
		{"1230", "1234", "378282246310005", ""},
		{"1230", "123", "378282246310005", "card_cvv"},
		{"1230", "12a", "4111111111111111", "card_cvv"},
	} {
		errs := FieldErrors{}
		ValidateCard(errs, tc.number, tc.cvv, tc.exp, now)
		if tc.field == "" && len(errs) > 0 || tc.field != "" && len(errs[tc.field]) == 0 {
			t.Errorf("exp %q cvv %q: %v, want error on %q", tc.exp, tc.cvv, errs, tc.field)
		}
		for _, msgs := range errs {
			for _, m := range msgs {
				if strings.Contains(m, tc.cvv) && len(tc.cvv) >= 3 {
					t.Errorf("message echoes the CVV: %s", m)
				}
			}
		}
	}
	// December rolls over into January.
	if _, y := ValidateCardExp(FieldErrors{}, "1226", time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)); y != 2026 {
		t.Error("December card invalid on Dec 31")
	}
	if FormatCardExp(4, 2030) != "042030" {
		t.Error(FormatCardExp(4, 2030))
	}
}

func TestBank(t *testing.T) {
	t.Parallel()
	for r, ok := range map[string]bool{"021000021": true, "011000015": true, "123456789": false, "02100002": false, "99100002x": false} {
		if ValidateRouting(r) != ok {
			t.Errorf("routing %s: want %v", r, ok)
		}
	}
	errs := FieldErrors{}
	ValidateBank(errs, "12", "123456789", "loan", "")
	for _, f := range []string{"bank_account", "bank_routing", "bank_type", "bank_holder_type"} {
		if len(errs[f]) == 0 {
			t.Errorf("no error on %s: %v", f, errs)
		}
	}
	errs = FieldErrors{}
	ValidateBank(errs, "9876543210", "021000021", "checking", "personal")
	if len(errs) > 0 {
		t.Error(errs)
	}
}

func FuzzValidateCard(f *testing.F) {
	for _, s := range []string{"4111111111111111", "378282246310005", "", "abc", "4111-1111",
		"4111\x00111111111111", "\xff\xfe4111111111111111", "4111111111111111\xc3"} { // NUL, invalid UTF-8
		f.Add(s, "123", "1230")
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, number, cvv, exp string) {
		errs := FieldErrors{}
		ValidateCard(errs, number, cvv, exp, now)
		for _, msgs := range errs {
			for _, m := range msgs {
				if len(number) >= 12 && strings.Contains(m, number) {
					t.Fatalf("message echoes the number: %s", m)
				}
			}
		}
	})
}
