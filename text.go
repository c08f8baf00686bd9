package tender

import (
	"strings"
	"unicode/utf8"
)

// Text that the stores cannot both keep is refused at the edge: PostgreSQL
// rejects NUL in text and jsonb (SQLite would store it), and a string that
// is not valid UTF-8 would be silently altered on its way in (Go's JSON
// decoder replaces such bytes with U+FFFD) and then used, an email address
// as a recipient for instance. Both are a 422 naming the field.

// Messages of the two text flaws, after "The <field> ".
const (
	flawNUL  = "must not contain NUL characters."
	flawUTF8 = "must be valid UTF-8."
)

// Truncate returns s cut to at most n bytes: the one helper for bounding a
// string kept in a log line or an error column.
func Truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TextFlaw returns why s cannot be stored as text ("" when it can).
func TextFlaw(s string) string {
	switch {
	case !utf8.ValidString(s):
		return flawUTF8
	case strings.IndexByte(s, 0) >= 0:
		return flawNUL
	}
	return ""
}

// AddTextFlaw records flaw (from TextFlaw or JSONStringFlaw) for field.
func (f FieldErrors) AddTextFlaw(field, flaw string) {
	f.Add(field, "The "+humanField(field)+" "+flaw)
}

// JSONStringFlaw is TextFlaw for the raw contents of a JSON string literal
// (between its quotes, escapes not yet decoded): its bytes must be UTF-8,
// and its escapes may name neither NUL (\u0000) nor half of a surrogate pair
// (a lone \ud800 decodes to U+FFFD as an invalid byte would).
func JSONStringFlaw(raw []byte) string {
	if !utf8.Valid(raw) {
		return flawUTF8
	}
	nul := false
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++
		if i >= len(raw) || raw[i] != 'u' {
			continue
		}
		r, ok := hex4(raw[i+1:])
		if !ok {
			return flawUTF8
		}
		i += 4
		switch {
		case r == 0:
			nul = true
		case r >= 0xD800 && r < 0xDC00:
			if i+6 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if lo, ok := hex4(raw[i+3:]); ok && lo >= 0xDC00 && lo < 0xE000 {
					i += 6
					continue
				}
			}
			return flawUTF8
		case r >= 0xDC00 && r < 0xE000:
			return flawUTF8
		}
	}
	if nul {
		return flawNUL
	}
	return ""
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
