package sqldb

import (
	"os"
	"strings"
	"testing"

	"github.com/tenderpay/tender"
)

func TestParseQueries(t *testing.T) {
	q, err := ParseQueries(`-- name: A
-- what A does
SELECT 1
FROM t;

-- a comment about B
-- name: B
SELECT 2;
-- trailing

`)
	if err != nil {
		t.Fatal(err)
	}
	if q["A"] != "-- what A does\nSELECT 1\nFROM t;" || q["B"] != "SELECT 2;" || len(q) != 2 {
		t.Fatalf("queries = %q", q)
	}
	if _, err := ParseQueries("-- name: A\nSELECT 1;\n-- name: A\nSELECT 2;"); err == nil {
		t.Fatal("a name defined twice was accepted")
	}
}

// TestQueriesAreSingleStatements: every query of both stores is one
// statement with nothing after its ";" (SQLite's driver keeps such a
// statement prepared; anything after it, it re-parses on every run).
func TestQueriesAreSingleStatements(t *testing.T) {
	for _, f := range []string{"../../sqlite/queries.sql", "../../postgres/queries.sql"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseQueries(string(src))
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range q {
			var code strings.Builder // s without its comments
			for line := range strings.Lines(s) {
				line, _, _ = strings.Cut(line, "--")
				code.WriteString(line)
			}
			c := code.String()
			if i := strings.Index(c, ";"); i >= 0 && strings.TrimSpace(c[i+1:]) != "" {
				t.Errorf("%s: %s has more after its first \";\": %.60q", f, name, c[i+1:])
			}
			if strings.Contains(c, ";") && !strings.HasSuffix(s, ";") {
				t.Errorf("%s: %s has comments after it: %.60q", f, name, s[strings.LastIndex(s, ";")+1:])
			}
		}
	}
}

// TestCapabilitiesMatchQueries: a declared capability whose query is
// missing, or a capability's query present but undeclared, fails at open.
func TestCapabilitiesMatchQueries(t *testing.T) {
	ok := &Dialect{Name: "x", FinalizeInOne: true, Queries: map[string]string{"TransactionFinalize": "SELECT 1;"}}
	if err := ok.checkCapabilities(); err != nil {
		t.Fatal(err)
	}
	lacking := &Dialect{Name: "x", NumbererLocks: true, Queries: map[string]string{"ListPositionsLock": "SELECT true;"}}
	if err := lacking.checkCapabilities(); err == nil || !strings.Contains(err.Error(), "TransactionPositionsLock") {
		t.Fatalf("declared NumbererLocks without TransactionPositionsLock: %v", err)
	}
	undeclared := &Dialect{Name: "x", Queries: map[string]string{"TransactionCreateClaimed": "SELECT 1;"}}
	if err := undeclared.checkCapabilities(); err == nil || !strings.Contains(err.Error(), "CreateClaimedInOne") {
		t.Fatalf("TransactionCreateClaimed without CreateClaimedInOne: %v", err)
	}
}

// TestOrderedVariants: every /*ORDER*/ query of both stores has a variant
// per whitelisted sort and direction, none keeps a marker, and a sort
// outside the whitelist picks the created_at variant (it never reaches SQL).
func TestOrderedVariants(t *testing.T) {
	var parsed map[string]string
	for _, dir := range []string{"../../sqlite", "../../postgres"} {
		var src strings.Builder
		for _, f := range []string{"queries.sql", "queries_report.sql", "queries_disputes.sql", "queries_sales.sql"} {
			b, err := os.ReadFile(dir + "/" + f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
			src.WriteByte('\n')
		}
		var err error
		if parsed, err = ParseQueries(src.String()); err != nil {
			t.Fatal(err)
		}
		q, err := withVariants(withListPages(parsed))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for name, s := range q {
			if strings.Contains(s, orderMarker) {
				t.Errorf("%s: %s keeps %s", dir, name, orderMarker)
			}
		}
		e := &exec{d: &Dialect{Queries: q}}
		evil := tender.ListParams{Sort: "total; DROP TABLE transactions", Desc: true}
		if got := e.ordered("TransactionList", evil); got != q["TransactionList created_at desc"] || !strings.Contains(got, "created_at DESC, id DESC") {
			t.Errorf("%s: an unknown sort gave %.80q", dir, got[strings.Index(got, "ORDER BY"):])
		}
		if got := e.ordered("InvoiceList by customer", tender.ListParams{Sort: "due_at"}); !strings.Contains(got, "due_at ASC, id ASC") ||
			strings.Contains(got, byCustomerMarker) {
			t.Errorf("%s: InvoiceList by customer due_at asc = %q", dir, got)
		}
		if got := e.ordered("EventList", tender.ListParams{Sort: "created_at", Desc: true}); !strings.Contains(got, "ORDER BY seq DESC LIMIT") {
			t.Errorf("%s: EventList desc = %q", dir, got)
		}
		// The keyword search variants (search.go): each list's, the
		// by-customer invoices' too, ordered, the marked line live and
		// any line it replaces gone; the base query keeps it a comment.
		for _, name := range []string{"CustomerCount", "CustomerList", "ItemCount", "ItemList", "TransactionCount",
			"TransactionList", "InvoiceCount", "InvoiceList", "InvoiceCount by customer", "InvoiceList by customer"} {
			base, searched := q[name], q[name+searchSuffix]
			if orderings[name] != nil {
				base, searched = e.ordered(name, tender.ListParams{}), e.ordered(name+searchSuffix, tender.ListParams{})
			}
			if !strings.Contains(base, searchMarker) || searched == "" || strings.Contains(searched, searchMarker) ||
				strings.Contains(searched, noSearchMarker) || !strings.Contains(searched, "search") || !strings.Contains(searched, "merchant_id = $1") {
				t.Errorf("%s: %s by keywords = %q", dir, name, searched)
			}
		}
	}
	parsed["Stray"] = "SELECT 1 ORDER BY /*ORDER*/;"
	if _, err := withVariants(withListPages(parsed)); err == nil || !strings.Contains(err.Error(), "Stray") {
		t.Errorf("a query with /*ORDER*/ but no orderings entry: %v", err)
	}
}
