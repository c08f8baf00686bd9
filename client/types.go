package client

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Amount is money in cents; it is written and read as decimal dollars,
// exact to the cent, as the API speaks them (10.50), never through a float.
type Amount int64

// Dollars returns the amount of dollars and cents.
func Dollars(dollars, cents int64) Amount { return Amount(dollars*100 + cents) }

// String is the amount in dollars: "10.50", "-0.05".
func (a Amount) String() string {
	sign, v := "", int64(a)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MarshalJSON writes the amount as a JSON number of dollars.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON reads a JSON number (or numeric string) of dollars with at
// most two decimals.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*a = 0
		return nil
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 || strings.ContainsAny(s, "eE+") {
		return fmt.Errorf("tender: amount %s is not exact to the cent", b)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return fmt.Errorf("tender: amount %s: %w", b, err)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	v := w*100 + f
	if neg {
		v = -v
	}
	*a = Amount(v)
	return nil
}

// TimeLayout is how the API writes times (UTC).
const TimeLayout = "2006-01-02 15:04:05"

// Time is a time as the API writes it: "YYYY-MM-DD HH:MM:SS", UTC. A null
// time is a nil *Time.
type Time struct{ time.Time }

// MarshalJSON writes the time in the API's layout.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(TimeLayout))
}

// UnmarshalJSON reads the API's layout (RFC 3339 too).
func (t *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	for _, layout := range []string{TimeLayout, time.RFC3339Nano} {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("tender: time %q is not %s", s, TimeLayout)
}

// Meta is a free-form object (meta, options).
type Meta map[string]any

// Page is one page of a list (Laravel's paginator).
type Page[T any] struct {
	CurrentPage  int     `json:"current_page"`
	Data         []T     `json:"data"`
	FirstPageURL string  `json:"first_page_url"`
	From         *int    `json:"from"`
	LastPage     int     `json:"last_page"`
	LastPageURL  string  `json:"last_page_url"`
	NextPageURL  *string `json:"next_page_url"`
	Path         string  `json:"path"`
	PerPage      int     `json:"per_page"`
	PrevPageURL  *string `json:"prev_page_url"`
	To           *int    `json:"to"`
	Total        int     `json:"total"`
}

// ListParams pages and sorts a list; Filter adds the route's own filters
// (customer_id, status, ...).
type ListParams struct {
	Page, PerPage int
	Sort, Order   string
	Keywords      []string
	Filter        map[string]string
}

func (p *ListParams) values() map[string][]string {
	v := map[string][]string{}
	if p == nil {
		return v
	}
	if p.Page > 0 {
		v["page"] = []string{strconv.Itoa(p.Page)}
	}
	if p.PerPage > 0 {
		v["per_page"] = []string{strconv.Itoa(p.PerPage)}
	}
	if p.Sort != "" {
		v["sort"] = []string{p.Sort}
	}
	if p.Order != "" {
		v["order"] = []string{p.Order}
	}
	if len(p.Keywords) > 0 {
		v["keywords[]"] = p.Keywords
	}
	for k, x := range p.Filter {
		v[k] = []string{x}
	}
	return v
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
