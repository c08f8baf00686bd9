package httpapi

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/tenderpay/tender"
)

// The query parameters of the lists. Each list route declares its own in
// the route table (which the OpenAPI document shows), and any other
// parameter is a 422 naming it, so a filter a client believes in is never
// silently dropped.

// createdParams bound created_at: Stax's startDate/endDate and the
// start_date/end_date spelling some clients send.
var createdParams = []queryParam{
	{"start_date", "string", "created at or after (YYYY-MM-DD[ HH:MM:SS])"},
	{"end_date", "string", "created at or before (a bare date: that whole day)"},
	{"startDate", "string", "as start_date"},
	{"endDate", "string", "as end_date"},
}

// updatedParams bound updated_at.
var updatedParams = []queryParam{
	{"updated_start_date", "string", "updated at or after"},
	{"updated_end_date", "string", "updated at or before"},
}

// totalParams bound total (invoices; transactions declare their own).
var totalParams = []queryParam{
	{"total_min", "number", "total at least (dollars)"}, {"total_max", "number", "total at most (dollars)"},
}

// dueParams bound due_at (invoices).
var dueParams = []queryParam{
	{"due_start_date", "string", "due at or after"},
	{"due_end_date", "string", "due at or before (a bare date: that whole day)"},
}

// listQuery joins parameter groups.
func listQuery(groups ...[]queryParam) []queryParam {
	var out []queryParam
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// unknownParams returns a 422 naming each query parameter of q that rt
// does not declare (nil when there is none).
func unknownParams(rt route, q url.Values) error {
	var bad []string
	for name := range q {
		known := false
		for _, p := range rt.query {
			known = known || p.name == name
		}
		if !known {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	errs := tender.FieldErrors{}
	for _, name := range bad {
		if len(name) > 64 {
			name = name[:64]
		}
		errs.Add(name, "The "+name+" parameter is not supported on this list.")
	}
	return errs.Err()
}

// createdRange reads start_date/end_date (or startDate/endDate).
func createdRange(q url.Values, errs tender.FieldErrors) (from, to time.Time) {
	startName, endName := "start_date", "end_date"
	if q.Get(startName) == "" && q.Get("startDate") != "" {
		startName = "startDate"
	}
	if q.Get(endName) == "" && q.Get("endDate") != "" {
		endName = "endDate"
	}
	return dateRange(q.Get(startName), q.Get(endName), startName, endName, errs)
}

// updatedRange reads updated_start_date/updated_end_date.
func updatedRange(q url.Values, errs tender.FieldErrors) (from, to time.Time) {
	return dateRange(q.Get("updated_start_date"), q.Get("updated_end_date"), "updated_start_date", "updated_end_date", errs)
}

// dateRange parses a start and an end date; a bare date as the end covers
// that whole day.
func dateRange(start, end, startName, endName string, errs tender.FieldErrors) (from, to time.Time) {
	if start != "" {
		t, ok := tender.ParseTime(start)
		if !ok {
			errs.Add(startName, "The "+strings.ReplaceAll(startName, "_", " ")+" is not a valid date.")
		}
		from = t
	}
	if end != "" {
		t, ok := tender.ParseTime(end)
		if !ok {
			errs.Add(endName, "The "+strings.ReplaceAll(endName, "_", " ")+" is not a valid date.")
		} else if len(end) == len("2006-01-02") {
			t = t.Add(24*time.Hour - time.Microsecond)
		}
		to = t
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		errs.Add(endName, "The "+strings.ReplaceAll(endName, "_", " ")+" must be a date after or equal to the start date.")
	}
	return from, to
}

// boolParam reads a true/false (1/0) parameter; nil when absent.
func boolParam(q url.Values, name string, errs tender.FieldErrors) *bool {
	var v bool
	switch strings.ToLower(q.Get(name)) {
	case "":
		return nil
	case "true", "1":
		v = true
	case "false", "0":
	default:
		errs.Add(name, "The "+strings.ReplaceAll(name, "_", " ")+" field must be true or false.")
		return nil
	}
	return &v
}

// amountParam reads a dollar amount parameter (exact to the cent); nil
// when absent.
func amountParam(q url.Values, name string, errs tender.FieldErrors) *tender.Amount {
	s := q.Get(name)
	if s == "" {
		return nil
	}
	a, err := tender.ParseAmount(s)
	if err != nil {
		errs.Add(name, "The "+strings.ReplaceAll(name, "_", " ")+" must be an amount in dollars, exact to the cent.")
		return nil
	}
	return &a
}
