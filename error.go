// Package tender holds Tender's domain: the objects of the Stax API (merchants,
// keys, customers, items, ...), their validation and the error codes that every
// layer speaks. It imports neither SQL nor HTTP; the store and httpapi packages
// implement and serve it.
package tender

import (
	"errors"
	"fmt"
	"sort"
)

// Error codes. Each maps to one HTTP status in package httpapi.
const (
	ECONFLICT     = "conflict"     // a unique key or state conflict
	EINTERNAL     = "internal"     // anything unexpected; never shown in detail
	EINVALID      = "invalid"      // validation failed; see Error.Fields
	ENOTFOUND     = "not_found"    // no such object for this merchant
	EUNAUTHORIZED = "unauthorized" // missing or bad credentials
	EFORBIDDEN    = "forbidden"    // credentials valid but not for this route
	ETOOLARGE     = "too_large"    // request body over the limit
	EMEDIATYPE    = "media_type"   // not application/json
	ERATELIMIT    = "rate_limited" // throttled
	EDECLINED     = "declined"     // gateway declined (400 with the transaction)
	EINFLIGHT     = "in_flight"    // an identical idempotent request is running
	EUNAVAILABLE  = "unavailable"  // a dependency (database, gateway) is down
	EBADREQUEST   = "bad_request"  // a request that cannot be read (a bad processor event signature)
)

// Error is the one error type the domain returns. Message is safe to show a
// client; it never contains card data or internal detail.
type Error struct {
	Code    string
	Message string
	// Fields holds per-field validation messages for EINVALID, in Stax's
	// shape: field name → messages.
	Fields FieldErrors
	// Cause, if set, is the underlying error (logged, never shown).
	Cause error
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("tender error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields.Names())
	}
	if e.Cause != nil {
		return fmt.Sprintf("tender error: code=%s message=%s cause=%v", e.Code, e.Message, e.Cause)
	}
	return fmt.Sprintf("tender error: code=%s message=%s", e.Code, e.Message)
}

// Errorf builds an *Error with a formatted, client-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// NotFound is the error for an object that does not exist or belongs to
// another merchant: the two are indistinguishable on purpose.
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found", what)
}

// FieldErrors collects validation messages per field, Stax style:
// {"total":["The total field is required."]}.
type FieldErrors map[string][]string

// Add appends a message for field.
func (f FieldErrors) Add(field, msg string) { f[field] = append(f[field], msg) }

// Required adds Laravel's "The x field is required." message.
func (f FieldErrors) Required(field string) {
	f.Add(field, fmt.Sprintf("The %s field is required.", humanField(field)))
}

// Names returns the sorted field names (used in logs; never values).
func (f FieldErrors) Names() []string {
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Err returns an EINVALID *Error carrying f, or nil when f is empty.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "The given data was invalid.", Fields: f}
}

func humanField(field string) string {
	b := []byte(field)
	for i, c := range b {
		if c == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}
