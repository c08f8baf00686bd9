// Package jsonenc appends JSON values to a byte slice exactly as the API's
// encoder writes them (encoding/json with HTML escaping off), without
// reflection. The types every charge answers with (a transaction, its
// customer and payment method) write themselves through it; everything
// else goes through encoding/json. Tests compare both byte for byte.
package jsonenc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// safe marks the ASCII bytes a JSON string holds as they are: all but the
// control characters, the quote and the backslash (<, > and & included:
// the API does not escape HTML).
var safe = func() (s [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		s[b] = b != '"' && b != '\\'
	}
	return s
}()

// String appends s as a JSON string: control characters escaped, invalid
// UTF-8 replaced by U+FFFD, U+2028 and U+2029 escaped (as encoding/json).
func String(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Key appends "name": after a comma unless dst ends an opening brace.
// name is a literal of the caller's, which needs no escaping.
func Key(dst []byte, name string) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	return append(dst, '"', ':')
}

// Bool appends true or false.
func Bool(dst []byte, v bool) []byte {
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// StringPtr appends *s, or null for nil.
func StringPtr(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return String(dst, *s)
}

// Strings appends a JSON array of strings; null for a nil slice.
func Strings(dst []byte, ss []string) []byte {
	if ss == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range ss {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = String(dst, s)
	}
	return append(dst, ']')
}

// Raw appends raw JSON compacted, null when empty (as encoding/json writes
// a json.RawMessage); an error when raw is not valid JSON.
func Raw(dst []byte, raw json.RawMessage) ([]byte, error) {
	if raw == nil {
		return append(dst, "null"...), nil
	}
	b := bytes.NewBuffer(dst)
	if err := json.Compact(b, raw); err != nil {
		return dst, fmt.Errorf("jsonenc: raw JSON: %w", err)
	}
	return b.Bytes(), nil
}

// Appender is a value that writes its own JSON (a transaction's view, a
// payment method's).
type Appender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// Marshal is a's JSON in a new buffer sized for a charge's answer (about
// 2.5 KB), so that one allocation holds it.
func Marshal(a Appender) ([]byte, error) { return a.AppendJSON(make([]byte, 0, 3072)) }

// Encode is v as the API writes it (no trailing newline): its own JSON when
// it is an Appender (Marshal), else Reflect's. Responses, events' payloads
// and idempotent replays are these bytes.
func Encode(v any) ([]byte, error) {
	if a, ok := v.(Appender); ok {
		return Marshal(a)
	}
	return Reflect(v)
}

// Reflect is v as encoding/json writes it with the API's settings (HTML
// escaping off, no trailing newline): what a value that does not write its
// own JSON is written as, and what an Appender's output is held to.
func Reflect(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
