package tender

import (
	"strconv"
	"time"
)

// TimeLayout is Stax's timestamp shape, always UTC.
const TimeLayout = "2006-01-02 15:04:05"

// Time is a UTC timestamp that marshals as "YYYY-MM-DD HH:MM:SS".
type Time struct{ time.Time }

// NewTime truncates t to microseconds (what both databases keep) in UTC.
func NewTime(t time.Time) Time { return Time{t.UTC().Truncate(time.Microsecond)} }

// MarshalJSON writes the Stax timestamp string.
func (t Time) MarshalJSON() ([]byte, error) { return t.AppendJSON(nil), nil }

// AppendJSON appends the Stax timestamp string, null for the zero time.
func (t Time) AppendJSON(dst []byte) []byte {
	if t.IsZero() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, TimeLayout)
	return append(dst, '"')
}

// AppendTimePtr appends *t as JSON, or null for nil.
func AppendTimePtr(dst []byte, t *Time) []byte {
	if t == nil {
		return append(dst, "null"...)
	}
	return t.AppendJSON(dst)
}

// TimePtr returns a pointer to NewTime(t), or nil for the zero time.
func TimePtr(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	v := NewTime(t)
	return &v
}

// ParseTime accepts "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DD" or RFC 3339.
func ParseTime(s string) (time.Time, bool) {
	for _, layout := range []string{TimeLayout, "2006-01-02", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func itoa(i int) string { return strconv.Itoa(i) }
