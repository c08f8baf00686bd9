package tender

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Amount is money in integer minor units (cents). At the API edge it is a
// decimal number of dollars (Stax's shape: 8, 10.5, 0.01), parsed exactly
// without floating point.
type Amount int64

// MaxAmount bounds any single amount: $99,999,999.99.
const MaxAmount Amount = 9_999_999_999

var errAmountSyntax = errors.New("must be a number of dollars with at most two decimal places")

// ParseAmount parses a decimal dollar string ("10", "10.5", "10.50", "-1.25")
// exactly. Exponents, more than two decimals and values beyond MaxAmount are
// rejected.
func ParseAmount(s string) (Amount, error) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && !hasDot || (hasDot && frac == "" && whole == "") {
		return 0, errAmountSyntax
	}
	if len(frac) > 2 {
		// Allow trailing zeros beyond cents: 1.500 is exact.
		if strings.Trim(frac[2:], "0") != "" {
			return 0, errAmountSyntax
		}
		frac = frac[:2]
	}
	if !digits(whole) || !digits(frac) || len(whole) > 11 {
		return 0, errAmountSyntax
	}
	var cents int64
	for _, c := range whole {
		cents = cents*10 + int64(c-'0')
	}
	for i := 0; i < 2; i++ {
		cents *= 10
		if i < len(frac) {
			cents += int64(frac[i] - '0')
		}
	}
	if Amount(cents) > MaxAmount {
		return 0, errors.New("is too large")
	}
	if neg {
		cents = -cents
	}
	return Amount(cents), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String formats a as dollars with the fewest decimals that are exact:
// 800 → "8", 1050 → "10.5", 1 → "0.01".
func (a Amount) String() string { return string(a.AppendJSON(nil)) }

// AppendJSON appends a as a JSON number of dollars (String's digits).
func (a Amount) AppendJSON(dst []byte) []byte {
	n := int64(a)
	if n < 0 {
		dst, n = append(dst, '-'), -n
	}
	dst = strconv.AppendInt(dst, n/100, 10)
	c := n % 100
	switch {
	case c == 0:
		return dst
	case c%10 == 0:
		return strconv.AppendInt(append(dst, '.'), c/10, 10)
	case c < 10:
		return strconv.AppendInt(append(dst, '.', '0'), c, 10)
	default:
		return strconv.AppendInt(append(dst, '.'), c, 10)
	}
}

// MarshalJSON writes a as a JSON number of dollars.
func (a Amount) MarshalJSON() ([]byte, error) { return a.AppendJSON(nil), nil }

// UnmarshalJSON accepts a JSON number or a numeric string of dollars.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return errAmountSyntax
		}
		s = str
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// AmountInput captures an amount from a request body without failing the
// JSON decode, so that a bad value becomes a 422 naming its field rather than
// a generic decode error.
type AmountInput struct {
	raw string
	set bool
}

// UnmarshalJSON records the raw JSON value.
func (in *AmountInput) UnmarshalJSON(b []byte) error {
	in.raw, in.set = string(b), string(b) != "null"
	return nil
}

// IsSet reports whether the field was present and not null.
func (in AmountInput) IsSet() bool { return in.set }

// NewAmountInput returns an input as if the JSON number s had been decoded.
func NewAmountInput(s string) AmountInput { return AmountInput{raw: s, set: true} }

// Parse validates the input as an amount for field, adding messages to errs.
// min is the smallest allowed value; required adds "field is required" when
// absent.
func (in AmountInput) Parse(errs FieldErrors, field string, required bool, min Amount) Amount {
	if !in.set {
		if required {
			errs.Required(field)
		}
		return 0
	}
	s := in.raw
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal([]byte(s), &s); err != nil {
			errs.Add(field, "The "+humanField(field)+" must be a number.")
			return 0
		}
	}
	a, err := ParseAmount(s)
	if err != nil {
		errs.Add(field, "The "+humanField(field)+" "+err.Error()+".")
		return 0
	}
	if a < min {
		errs.Add(field, "The "+humanField(field)+" must be at least "+min.String()+".")
		return 0
	}
	return a
}
