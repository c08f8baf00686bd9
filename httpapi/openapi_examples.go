package httpapi

import (
	"strings"
)

// exampleOf builds an example value of s from the component schemas: a
// response example for every operation that is valid by construction.
// Strings take a value by the property's name.
func exampleOf(s schema, name string, comps schema, depth int) any {
	if r, ok := s["$ref"].(string); ok {
		if depth > 3 {
			return nil
		}
		n := strings.TrimPrefix(r, "#/components/schemas/")
		return exampleOf(comps[n].(schema), name, comps, depth+1)
	}
	if alts, ok := s["oneOf"].([]schema); ok {
		if depth > 2 {
			return nil // a nested object: null is one of the choices
		}
		return exampleOf(alts[0], name, comps, depth)
	}
	// An enumerated value is its first choice.
	if e, ok := s["enum"].([]string); ok && len(e) > 0 {
		return e[0]
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	typ := s["type"]
	if types, ok := typ.([]string); ok {
		if types[len(types)-1] == "null" && (strings.HasSuffix(name, "_at") || strings.HasSuffix(name, "_url") || name == "from" || name == "to") {
			return nil
		}
		typ = types[0]
	}
	switch typ {
	case "object":
		if ap, ok := s["additionalProperties"].(schema); ok {
			return map[string]any{"total": exampleOf(ap, "totals", comps, depth)}
		}
		props, _ := s["properties"].(schema)
		out := make(map[string]any, len(props))
		for k, p := range props {
			out[k] = exampleOf(p.(schema), k, comps, depth)
		}
		return out
	case "array":
		if m, ok := s["maxItems"].(int); ok && m == 0 {
			return []any{}
		}
		if depth > 2 {
			return []any{}
		}
		items, _ := s["items"].(schema)
		if items == nil {
			return []any{}
		}
		return []any{exampleOf(items, strings.TrimSuffix(name, "s"), comps, depth+1)}
	case "integer":
		return 1
	case "number":
		return 10.5
	case "boolean":
		return true
	case "string":
		return stringExample(name)
	case "null":
		return nil
	}
	return map[string]any{}
}

func stringExample(name string) string {
	switch {
	case name == "id" || strings.HasSuffix(name, "_id"):
		return pmExample
	case strings.HasSuffix(name, "_at"):
		return "2026-12-04 19:00:00"
	case strings.Contains(name, "email") || name == "to":
		return "jane@example.com"
	case strings.HasSuffix(name, "url") || name == "path":
		return "https://tender.example.com/"
	case name == "status":
		return "SUCCESS"
	case name == "total":
		return "The total must be at least 0.01."
	}
	if v, ok := stringExamples[name]; ok {
		return v
	}
	return "text"
}

var stringExamples = map[string]string{
	"firstname": "Jane", "lastname": "Doe", "company": "Main Street Barbers", "company_name": "Main Street Barbers",
	"phone": "5555550100", "method": "card", "card_type": "visa", "card_last_four": "1111", "last_four": "1111",
	"card_exp": "1230", "type": "charge", "event": "create_transaction", "message": "", "api_key": "tnd_sk_...",
	"token": "tnd_eph_...", "kind": "merchant", "item": "Widget", "person_name": "Jane Doe", "channel": "email",
	"pairing_code": "K7QP-2MZD", "batch_time": "23:00", "rule": "DTSTART:20300115T090000Z\nRRULE:FREQ=MONTHLY;COUNT=12",
	"secret": "whsec_...", "subject": "Receipt from Main Street Barbers: $10.50", "nickname": "Front counter",
	"hosted_payments_token": "tnd_wp_...", "serial": "SIM-0001", "error": "Not found.",
}
