package tender

import (
	"strconv"
	"strings"
	"time"
)

// NormalizeCardNumber strips the spaces and dashes people type.
func NormalizeCardNumber(s string) string {
	return strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
}

// Luhn reports whether the digits of number pass the Luhn checksum.
func Luhn(number string) bool {
	if number == "" || !digits(number) {
		return false
	}
	sum, double := 0, false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func prefixIn(number string, n, lo, hi int) bool {
	if len(number) < n {
		return false
	}
	v, err := strconv.Atoi(number[:n])
	return err == nil && v >= lo && v <= hi
}

// CardBrand names the brand of a card number as Stax's card_type does, or
// "" when unknown.
func CardBrand(number string) string {
	switch {
	case prefixIn(number, 1, 4, 4):
		return "visa"
	case prefixIn(number, 2, 51, 55), prefixIn(number, 4, 2221, 2720):
		return "mastercard"
	case prefixIn(number, 2, 34, 34), prefixIn(number, 2, 37, 37):
		return "amex"
	case prefixIn(number, 4, 6011, 6011), prefixIn(number, 6, 622126, 622925), prefixIn(number, 3, 644, 649), prefixIn(number, 2, 65, 65):
		return "discover"
	case prefixIn(number, 4, 3528, 3589):
		return "jcb"
	case prefixIn(number, 3, 300, 305), prefixIn(number, 2, 36, 36), prefixIn(number, 2, 38, 39):
		return "diners"
	}
	return ""
}

// ValidateCard checks a card number, CVV (when given) and expiry, adding
// messages to errs under card_number, card_cvv and card_exp. Messages never
// contain the values. It returns the brand and expiry month and year.
func ValidateCard(errs FieldErrors, number, cvv, exp string, now time.Time) (brand string, month, year int) {
	switch {
	case number == "":
		errs.Required("card_number")
	case !digits(number):
		errs.Add("card_number", "The card number must contain only digits.")
	case len(number) < 12 || len(number) > 19:
		errs.Add("card_number", "The card number must be between 12 and 19 digits.")
	case !Luhn(number):
		errs.Add("card_number", "The card number is invalid.")
	default:
		brand = CardBrand(number)
		if brand == "" {
			errs.Add("card_number", "The card number is not a supported card brand.")
		}
	}
	if cvv != "" {
		want := 3
		if brand == "amex" {
			want = 4
		}
		if !digits(cvv) || len(cvv) != want {
			errs.Add("card_cvv", "The card cvv must be "+strconv.Itoa(want)+" digits.")
		}
	}
	month, year = ValidateCardExp(errs, exp, now)
	return brand, month, year
}

// ValidateCardExp parses an expiry "MMYY" (also "MM/YY" and "MMYYYY") that
// must not have passed: a card is valid through the end of its month.
func ValidateCardExp(errs FieldErrors, exp string, now time.Time) (month, year int) {
	exp = strings.ReplaceAll(strings.TrimSpace(exp), "/", "")
	if exp == "" {
		errs.Required("card_exp")
		return 0, 0
	}
	if !digits(exp) || (len(exp) != 4 && len(exp) != 6) {
		errs.Add("card_exp", "The card exp must be in the format MMYY.")
		return 0, 0
	}
	month, _ = strconv.Atoi(exp[:2])
	year, _ = strconv.Atoi(exp[2:])
	if len(exp) == 4 {
		year += 2000
	}
	if month < 1 || month > 12 {
		errs.Add("card_exp", "The card exp month must be between 01 and 12.")
		return 0, 0
	}
	now = now.UTC()
	endOfMonth := time.Date(year, time.Month(month)+1, 1, 0, 0, 0, 0, time.UTC)
	if !now.Before(endOfMonth) {
		errs.Add("card_exp", "The card exp must be a date in the future.")
		return 0, 0
	}
	if year > now.Year()+20 {
		errs.Add("card_exp", "The card exp is too far in the future.")
		return 0, 0
	}
	return month, year
}

// FormatCardExp is Stax's response shape of an expiry: "MMYYYY".
func FormatCardExp(month, year int) string {
	if month == 0 {
		return ""
	}
	return strconv.Itoa(month/10) + strconv.Itoa(month%10) + strconv.Itoa(year)
}

// ValidateRouting checks an ABA routing number: nine digits, a valid
// Federal Reserve prefix and the 3-7-1 checksum.
func ValidateRouting(number string) bool {
	if len(number) != 9 || !digits(number) {
		return false
	}
	p, _ := strconv.Atoi(number[:2])
	if !(p <= 12 || p >= 21 && p <= 32 || p >= 61 && p <= 72 || p == 80) {
		return false
	}
	w := [9]int{3, 7, 1, 3, 7, 1, 3, 7, 1}
	sum := 0
	for i := range 9 {
		sum += int(number[i]-'0') * w[i]
	}
	return sum%10 == 0
}

// ValidateBank checks an ACH account, adding messages to errs. Messages
// never contain the numbers.
func ValidateBank(errs FieldErrors, account, routing, bankType, holderType string) {
	switch {
	case account == "":
		errs.Required("bank_account")
	case !digits(account) || len(account) < 4 || len(account) > 17:
		errs.Add("bank_account", "The bank account must be 4 to 17 digits.")
	}
	switch {
	case routing == "":
		errs.Required("bank_routing")
	case !ValidateRouting(routing):
		errs.Add("bank_routing", "The bank routing number is invalid.")
	}
	switch bankType {
	case "":
		errs.Required("bank_type")
	case "checking", "savings":
	default:
		errs.Add("bank_type", "The bank type must be checking or savings.")
	}
	switch holderType {
	case "":
		errs.Required("bank_holder_type")
	case "personal", "business":
	default:
		errs.Add("bank_holder_type", "The bank holder type must be personal or business.")
	}
}

// LastFour returns the last four characters of a number.
func LastFour(number string) string {
	if len(number) <= 4 {
		return number
	}
	return number[len(number)-4:]
}

// BIN returns the first six digits of a card number.
func BIN(number string) string {
	if len(number) < 6 {
		return number
	}
	return number[:6]
}
