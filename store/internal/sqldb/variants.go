package sqldb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tenderpay/tender"
)

// Query variants: a query text that differs by request (its order, its
// direction, or an optional line) is generated in every form once, when the
// store opens, under its own name ("TransactionList total desc",
// "ListRangePageAsc"); a request picks one by name. No SQL is built per
// request, no request text can reach SQL (a sort outside the whitelist has
// no variant), and every variant can be prepared ahead (Migrate prepares
// them all). A list's count is generated from the list the same way, so
// that the total counts the very rows the list pages.
//
// The other load-time expansions stay where they are, as generation at
// open too: list_positions.go's ListPage TABLE/COLUMNS (withListPages),
// multirow.go's "NAME xN", and TransactionUpdatePending in New.

// orderMarker stands, in a query of orderings, for its ORDER BY terms.
const orderMarker = "/*ORDER*/"

// byCustomerMarker starts a line that only the " by customer" variant
// keeps (without the marker): one customer's rows by a plain equality,
// which SQLite plans on the customer_id index where "($3 = ” OR
// customer_id = $3)" scans the merchant's rows.
const byCustomerMarker = "--BYCUSTOMER "

// byCustomer names the variant of query name for a list of one customer's
// rows when customerID is set (see byCustomerMarker), else name itself.
func byCustomer(name, customerID string) string {
	if customerID == "" {
		return name
	}
	return name + " by customer"
}

// descMarker and ascMarker start a line that only one direction of a
// query written for both (directed) keeps, without the marker: the query
// itself (newest first) keeps the --DESC lines, its "Asc" variant (oldest
// first) the --ASC lines; both keep the unmarked lines. A query's last
// line is never marked (ParseQueries drops trailing comments).
const (
	descMarker = "--DESC "
	ascMarker  = "--ASC "
)

// directed are the queries written for both directions: the position
// pages, whose range, blocks and total are the same either way and whose
// walk and page differ. ListRangePage and ListRangePageAsc are templates
// of withListPages, so directions come first.
var directed = []string{"ListRangePage", "TransactionFilterPage", "InvoiceCustomerPage"}

// marks reports whether a line of q starts with marker.
func marks(q, marker string) bool {
	return strings.HasPrefix(q, marker) || strings.Contains(q, "\n"+marker)
}

// direction is q with the lines of marker keep (unmarked) and without those
// of marker drop.
func direction(q, keep, drop string) string {
	var b strings.Builder
	for line := range strings.Lines(q) {
		if strings.HasPrefix(line, drop) {
			continue
		}
		b.WriteString(strings.TrimPrefix(line, keep))
	}
	return b.String()
}

// counts are the count queries generated from a list query: the list's
// text from its first FROM up to its ORDER BY, under SELECT count(*), with
// the list's parameters but the limit and offset. A list's --BYCUSTOMER
// line is its count's too.
var counts = map[string]string{
	"MerchantCountPartner": "MerchantList",
	"CustomerCount":        "CustomerList",
	"ItemCount":            "ItemList",
	"PaymentMethodCount":   "PaymentMethodList",
	"TransactionCount":     "TransactionList",
	"InvoiceCount":         "InvoiceList",
	"MessageCount":         "MessageList",
	"ScheduleCount":        "ScheduleList",
	"PaymentLinkCount":     "PaymentLinkList",
	"FileCount":            "FileList",
	"DisputeCount":         "DisputeList",
	"EventCount":           "EventList",
	"EventCountByName":     "EventListByName",
	"EventCountByObject":   "EventListByObject",
}

// countOf is the count of list (see counts), false if list has no FROM
// before an ORDER BY /*ORDER*/.
func countOf(list string) (string, bool) {
	var code strings.Builder // list without its leading comment lines
	for line := range strings.Lines(list) {
		if code.Len() > 0 || !strings.HasPrefix(strings.TrimSpace(line), "--") {
			code.WriteString(line)
		}
	}
	c := code.String()
	from, order := strings.Index(c, "FROM "), strings.Index(c, "ORDER BY "+orderMarker)
	if from < 0 || order < from {
		return "", false
	}
	return searchArgLast("SELECT count(*) " + strings.TrimSpace(c[from:order]) + ";"), true
}

// orderings are the queries with an /*ORDER*/ marker and the columns each
// may be sorted by: the whitelists of the root package. New fails on a
// query with the marker that is not here, or one here without it.
var orderings = map[string][]string{
	"MerchantList":                  tender.MerchantSorts,
	"CustomerList":                  tender.CustomerSorts,
	"ItemList":                      tender.ItemSorts,
	"PaymentMethodList":             tender.PaymentMethodSorts,
	"PaymentMethodList by customer": tender.PaymentMethodSorts,
	"TransactionList":               tender.TransactionSorts,
	"InvoiceList":                   tender.InvoiceSorts,
	"InvoiceList by customer":       tender.InvoiceSorts,
	"MessageList":                   {"created_at"},
	"ScheduleList":                  tender.ScheduleSorts,
	"ScheduleList by customer":      tender.ScheduleSorts,
	"PaymentLinkList":               tender.PaymentLinkSorts,
	"FileList":                      tender.FileSorts,
	"DisputeList":                   tender.DisputeSorts,
	// Events are in seq order whatever the sort asked.
	"EventList":         {"seq"},
	"EventListByName":   {"seq"},
	"EventListByObject": {"seq"},
}

// orderTerms is the ORDER BY of a variant: the column, then id for a
// stable order among equal values; seq (events) is unique by itself.
func orderTerms(col, dir string) string {
	if col == "seq" {
		return "seq " + dir
	}
	return col + " " + dir + ", id " + dir
}

// withVariants replaces each query with a marker by its variants and adds
// each list's count: directions first (withListPages takes the
// ListRangePage pair), then counts (a list's by-customer line is its
// count's too), by customer, and orders. queries is changed in place.
func withVariants(queries map[string]string) (map[string]string, error) {
	for _, name := range directed {
		q, ok := queries[name]
		if !ok || !marks(q, descMarker) || !marks(q, ascMarker) {
			return nil, fmt.Errorf("sqldb: no query %s with %q and %q lines", name, descMarker, ascMarker)
		}
		if _, dup := queries[name+"Asc"]; dup {
			return nil, fmt.Errorf("sqldb: %sAsc is generated from %s; the dialect defines it too", name, name)
		}
		queries[name], queries[name+"Asc"] = direction(q, descMarker, ascMarker), direction(q, ascMarker, descMarker)
	}
	for name, q := range queries {
		if marks(q, descMarker) || marks(q, ascMarker) {
			return nil, fmt.Errorf("sqldb: query %s has direction lines but is not in directed", name)
		}
	}
	for count, list := range counts {
		q, ok := countOf(queries[list])
		if !ok {
			return nil, fmt.Errorf("sqldb: no query %s with a FROM and %s to count", list, orderMarker)
		}
		if _, dup := queries[count]; dup {
			return nil, fmt.Errorf("sqldb: %s is generated from %s; the dialect defines it too", count, list)
		}
		queries[count] = q
	}
	var marked []string
	for name, q := range queries {
		if strings.Contains(q, byCustomerMarker) {
			marked = append(marked, name)
		}
	}
	for _, name := range marked {
		// The template itself is the variant for all customers: the
		// marked line is a comment there.
		queries[name+" by customer"] = strings.Replace(queries[name], byCustomerMarker, "", 1)
	}
	// Then the " by keywords" variants (search.go), of the by-customer
	// variants too: the template keeps the marked line as a comment.
	var searched []string
	for name, q := range queries {
		if strings.Contains(q, searchMarker) {
			searched = append(searched, name)
		}
	}
	for _, name := range searched {
		queries[name+searchSuffix] = searchVariant(queries[name])
	}
	for name, sorts := range orderings {
		q, ok := queries[name]
		if !ok || !strings.Contains(q, orderMarker) {
			return nil, fmt.Errorf("sqldb: no query %s with %s to order", name, orderMarker)
		}
		for _, n := range []string{name, name + searchSuffix} {
			q, ok := queries[n]
			if !ok {
				continue
			}
			for _, col := range sorts {
				for _, dir := range []string{"asc", "desc"} {
					queries[n+" "+col+" "+dir] = strings.Replace(q, orderMarker, orderTerms(col, strings.ToUpper(dir)), 1)
				}
			}
			delete(queries, n)
		}
	}
	for name, q := range queries {
		if strings.Contains(q, orderMarker) {
			return nil, fmt.Errorf("sqldb: query %s has %s but no orderings entry", name, orderMarker)
		}
	}
	return queries, nil
}

// ordered is the variant of query name for p's sort: p.Sort if the
// query's whitelist has it, created_at otherwise (the first column for a
// list without it), ascending unless p.Desc.
func (e *exec) ordered(name string, p tender.ListParams) string {
	sorts := orderings[strings.TrimSuffix(name, searchSuffix)]
	col := "created_at"
	if slices.Contains(sorts, p.Sort) {
		col = p.Sort
	} else if !slices.Contains(sorts, col) && len(sorts) > 0 {
		col = sorts[0]
	}
	dir := "asc"
	if p.Desc {
		dir = "desc"
	}
	q, ok := e.d.Queries[name+" "+col+" "+dir]
	if !ok {
		panic("sqldb: no ordered variant of " + name) // a query missing from orderings
	}
	return q
}
