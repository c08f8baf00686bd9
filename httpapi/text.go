package httpapi

import (
	"encoding/json"
	"net/url"
	"sort"
	"strconv"

	"github.com/tenderpay/tender"
)

// The request-decoding edge refuses text neither store can keep as sent
// (tender.TextFlaw): NUL characters and invalid UTF-8, in any string of a
// JSON body (keys too, nested in meta or not) and in any query parameter.
// Doing it here, before a handler runs, gives every route the same 422 on
// both stores, and nothing is written.

// bodyTextErrors returns a 422 naming each string of body (valid JSON) that
// has a flaw, by its path: "firstname", "meta.foo.bar", "funding.0.account_id".
func bodyTextErrors(body []byte) error {
	s := &jsonTextScan{b: body, errs: tender.FieldErrors{}}
	s.value("")
	return s.errs.Err()
}

// jsonTextScan walks a valid JSON document, checking its strings.
type jsonTextScan struct {
	b    []byte
	i    int
	errs tender.FieldErrors
}

func (s *jsonTextScan) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *jsonTextScan) value(path string) {
	s.ws()
	if s.i >= len(s.b) {
		return
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		for {
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] == '}' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			raw := s.str()
			key := decodedKey(raw)
			if flaw := tender.JSONStringFlaw(raw); flaw != "" {
				// The key itself cannot name the field.
				s.errs.AddTextFlaw(orBody(path), flaw)
				key = "?"
			}
			s.ws()
			s.i++ // ':'
			s.value(join(path, key))
		}
	case '[':
		s.i++
		for n := 0; ; {
			s.ws()
			if s.i >= len(s.b) || s.b[s.i] == ']' {
				s.i++
				return
			}
			if s.b[s.i] == ',' {
				s.i++
				continue
			}
			s.value(join(path, strconv.Itoa(n)))
			n++
		}
	case '"':
		if flaw := tender.JSONStringFlaw(s.str()); flaw != "" {
			s.errs.AddTextFlaw(orBody(path), flaw)
		}
	default: // number, true, false, null
		for s.i < len(s.b) && !isJSONDelim(s.b[s.i]) {
			s.i++
		}
	}
}

// str consumes a string literal and returns its raw contents.
func (s *jsonTextScan) str() []byte {
	s.i++ // opening quote
	start := s.i
	for s.i < len(s.b) && s.b[s.i] != '"' {
		if s.b[s.i] == '\\' {
			s.i++
		}
		s.i++
	}
	end := min(s.i, len(s.b))
	s.i++ // closing quote
	return s.b[start:end]
}

func isJSONDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func decodedKey(raw []byte) string {
	var k string
	if err := json.Unmarshal(append(append([]byte{'"'}, raw...), '"'), &k); err != nil {
		return "?"
	}
	return k
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// queryTextErrors returns a 422 naming each query parameter (keywords[],
// customer_id, ...) whose name or a value has a flaw.
func queryTextErrors(q url.Values) error {
	errs := tender.FieldErrors{}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if flaw := tender.TextFlaw(k); flaw != "" {
			errs.AddTextFlaw("query", flaw)
			continue
		}
		for _, v := range q[k] {
			if flaw := tender.TextFlaw(v); flaw != "" {
				errs.AddTextFlaw(k, flaw)
				break
			}
		}
	}
	return errs.Err()
}
