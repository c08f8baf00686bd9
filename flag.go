package tender

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// Flag is a boolean that also accepts Stax clients' 0/1 and "true"/"1"
// strings.
type Flag bool

// UnmarshalJSON accepts true, false, 0, 1, "true", "false", "0", "1", null.
func (f *Flag) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		*f = false
		return nil
	}
	v, err := strconv.ParseBool(strings.ToLower(s))
	if err != nil {
		// json fills in the field name of an *UnmarshalTypeError.
		return &json.UnmarshalTypeError{Value: "non-boolean " + s, Type: reflect.TypeFor[bool]()}
	}
	*f = Flag(v)
	return nil
}
