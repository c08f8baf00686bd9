package tender

import (
	"encoding/json"
	"strconv"
	"strings"
)

// TerminalAskInput is the body of the device requests that move no money:
// POST /terminal/print (text), /terminal/promptChoice (message, choices),
// /terminal/promptInput (message, input_type, max_length),
// /terminal/prompt/signature (message) and /terminal/tokenize
// (customer_id). The register is named by register (Tender's terminal
// routes) or register_id (Stax's prompt routes): an id or a register_num.
type TerminalAskInput struct {
	Register      json.RawMessage `json:"register"`
	RegisterID    json.RawMessage `json:"register_id"`
	Message       string          `json:"message"`
	Text          string          `json:"text"`
	Choices       []string        `json:"choices"`
	InputType     *string         `json:"input_type"`
	MaxLength     *int            `json:"max_length"`
	CustomerID    *string         `json:"customer_id"`
	CustomerIDAlt *string         `json:"customerId"`
}

// TerminalAsk is a validated TerminalAskInput.
type TerminalAsk struct {
	RegisterID  string
	RegisterNum int
	Params      TerminalParams
}

// Limits of the device's screen and printer.
const (
	MaxPrintText    = 4000
	MaxChoices      = 10
	MaxChoiceLen    = 64
	MaxInputLen     = 255
	MaxSignatureLen = 32 << 10
)

// InputTypes are the keyboards of POST /terminal/promptInput.
var InputTypes = []string{"text", "number"}

// Validate checks the input of a device request of kind (TermPrint,
// TermChoice, TermInput, TermSignature, TermTokenize).
func (in *TerminalAskInput) Validate(kind string) (*TerminalAsk, error) {
	errs := FieldErrors{}
	a := &TerminalAsk{}
	raw, field := in.Register, "register"
	if len(raw) == 0 || string(raw) == "null" {
		raw, field = in.RegisterID, "register_id"
	}
	var ok bool
	if a.RegisterID, a.RegisterNum, ok = RegisterRef(raw); !ok {
		if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` {
			errs.Required("register_id")
		} else {
			errs.Add(field, "The register must be a register id or register_num.")
		}
	}
	p := &a.Params
	p.Message = strings.TrimSpace(in.Message)
	MaxLen(errs, "message", p.Message, 255)
	switch kind {
	case TermPrint:
		p.Text = strings.TrimRight(in.Text, " \t\r\n")
		if strings.TrimSpace(p.Text) == "" {
			errs.Required("text")
		}
		MaxLen(errs, "text", p.Text, MaxPrintText)
	case TermChoice:
		if p.Message == "" {
			errs.Required("message")
		}
		switch {
		case len(in.Choices) < 2:
			errs.Add("choices", "The choices must have at least 2 options.")
		case len(in.Choices) > MaxChoices:
			errs.Add("choices", "The choices may not have more than 10 options.")
		}
		seen := map[string]bool{}
		for i, c := range in.Choices {
			c = strings.TrimSpace(c)
			f := "choices." + strconv.Itoa(i)
			switch {
			case c == "":
				errs.Add(f, "The option may not be empty.")
			case len(c) > MaxChoiceLen:
				errs.Add(f, "The option may not be greater than 64 characters.")
			case seen[strings.ToLower(c)]:
				errs.Add(f, "The options must be distinct.")
			}
			seen[strings.ToLower(c)] = true
			p.Choices = append(p.Choices, c)
		}
	case TermInput:
		if p.Message == "" {
			errs.Required("message")
		}
		p.InputType = "text"
		if in.InputType != nil {
			if p.InputType = oneOf(*in.InputType, InputTypes); p.InputType == "" {
				errs.Add("input_type", "The input_type must be one of text, number.")
			}
		}
		p.MaxLength = MaxInputLen
		if in.MaxLength != nil {
			if *in.MaxLength < 1 || *in.MaxLength > MaxInputLen {
				errs.Add("max_length", "The max_length must be between 1 and 255.")
			}
			p.MaxLength = *in.MaxLength
		}
	case TermTokenize:
		p.CustomerID = strings.TrimSpace(firstSet(in.CustomerID, in.CustomerIDAlt))
	}
	return a, errs.Err()
}

// ValidInput reports whether s is an acceptable answer to a free-input
// prompt of params: at most MaxLength characters, and for a number
// keyboard an optional minus sign, digits and at most one decimal point.
func ValidInput(p *TerminalParams, s string) bool {
	if len([]rune(s)) > p.MaxLength || TextFlaw(s) != "" {
		return false
	}
	if p.InputType != "number" {
		return true
	}
	digits, dot := 0, false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' && i == 0:
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// ValidSignature reports whether s is SVG path data as a device captures
// a signature: moveto/lineto/curve commands and numbers only, starting
// with a moveto (so it is safe to put in a path's d attribute).
func ValidSignature(s string) bool {
	if s == "" || len(s) > MaxSignatureLen || (s[0] != 'M' && s[0] != 'm') {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("MLHVCSQTZmlhvcsqtz0123456789 .,-", rune(s[i])) {
			return false
		}
	}
	return true
}
