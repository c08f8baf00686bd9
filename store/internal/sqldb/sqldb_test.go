package sqldb

import (
	"maps"
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

// storeQueries parses the named queries of the store in dir, all its files.
func storeQueries(t *testing.T, dir string) map[string]string {
	t.Helper()
	var src strings.Builder
	for _, f := range []string{"queries.sql", "queries_report.sql", "queries_disputes.sql", "queries_sales.sql"} {
		b, err := os.ReadFile(dir + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
		src.WriteByte('\n')
	}
	q, err := ParseQueries(src.String())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestQueriesAreSingleStatements: every query of both stores, as written
// and as generated (variants.go), is one statement with nothing after its
// ";" (SQLite's driver keeps such a statement prepared; anything after it,
// it re-parses on every run).
func TestQueriesAreSingleStatements(t *testing.T) {
	for _, dir := range []string{"../../sqlite", "../../postgres"} {
		q := storeQueries(t, dir)
		generated, err := withVariants(maps.Clone(q))
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(q, generated)
		for name, s := range q {
			var code strings.Builder // s without its comments
			for line := range strings.Lines(s) {
				line, _, _ = strings.Cut(line, "--")
				code.WriteString(line)
			}
			c := code.String()
			if i := strings.Index(c, ";"); i >= 0 && strings.TrimSpace(c[i+1:]) != "" {
				t.Errorf("%s: %s has more after its first \";\": %.60q", dir, name, c[i+1:])
			}
			if strings.Contains(c, ";") && !strings.HasSuffix(s, ";") {
				t.Errorf("%s: %s has comments after it: %.60q", dir, name, s[strings.LastIndex(s, ";")+1:])
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
		parsed = storeQueries(t, dir)
		q, err := withVariants(maps.Clone(parsed))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		q = withListPages(q)
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
	stray := maps.Clone(parsed)
	stray["Stray"] = "SELECT 1 ORDER BY /*ORDER*/;"
	if _, err := withVariants(stray); err == nil || !strings.Contains(err.Error(), "Stray") {
		t.Errorf("a query with /*ORDER*/ but no orderings entry: %v", err)
	}
}

// TestDirectedAndCounted: each directed query gives its newest-first and
// its oldest-first ("Asc") variant, neither keeping a marker or the other's
// lines; each list gives its count, the list's rows under count(*) with no
// order or page, by customer where the list is. A query that has direction
// lines without being directed, or a count the dialect writes too, fails.
func TestDirectedAndCounted(t *testing.T) {
	for _, dir := range []string{"../../sqlite", "../../postgres"} {
		parsed := storeQueries(t, dir)
		q, err := withVariants(maps.Clone(parsed))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, name := range directed {
			desc, asc := q[name], q[name+"Asc"]
			for _, v := range []string{desc, asc} {
				if marks(v, descMarker) || marks(v, ascMarker) || !strings.HasSuffix(v, "LIMIT $2;") {
					t.Errorf("%s: a direction of %s keeps a marker or lost its end: %.80q", dir, name, v)
				}
			}
			if !strings.Contains(desc, "ORDER BY page.g, page.pos DESC") || !strings.Contains(asc, "ORDER BY page.g, page.pos, ") ||
				strings.Count(desc, "UNION ALL") != 1 || strings.Count(asc, "UNION ALL") != 1 {
				t.Errorf("%s: %s's directions are mixed", dir, name)
			}
		}
		for count, list := range counts {
			c := q[count]
			if !strings.HasPrefix(c, "SELECT count(*) FROM ") || strings.Contains(c, "ORDER BY") || strings.Contains(c, "LIMIT") {
				t.Errorf("%s: %s from %s = %q", dir, count, list, c)
			}
		}
		if c := q["InvoiceCount by customer"]; !strings.Contains(c, "SELECT count(*) FROM invoices") || strings.Contains(c, byCustomerMarker) {
			t.Errorf("%s: InvoiceCount by customer = %q", dir, c)
		}
		stray := maps.Clone(parsed)
		stray["Stray"] = "SELECT 1\n--ASC  ORDER BY x\nLIMIT 1;"
		if _, err := withVariants(stray); err == nil || !strings.Contains(err.Error(), "Stray") {
			t.Errorf("%s: a query with direction lines but not directed: %v", dir, err)
		}
		twice := maps.Clone(parsed)
		twice["CustomerCount"] = "SELECT count(*) FROM customers;"
		if _, err := withVariants(twice); err == nil || !strings.Contains(err.Error(), "CustomerCount") {
			t.Errorf("%s: a count the dialect writes too: %v", dir, err)
		}
	}
}

// TestIncludes: {{Name}} is query Name without its ";"; an unknown name,
// or an included query that includes another, fails.
func TestIncludes(t *testing.T) {
	q := map[string]string{"A": "INSERT INTO a VALUES ($1);", "B": "WITH x AS (SELECT 1)\n{{A}};"}
	if err := withIncludes(q); err != nil || q["B"] != "WITH x AS (SELECT 1)\nINSERT INTO a VALUES ($1);" {
		t.Fatalf("B = %q, %v", q["B"], err)
	}
	for _, bad := range []map[string]string{
		{"B": "{{A}};"},
		{"A": "{{C}};", "B": "{{A}};", "C": "SELECT 1;"},
	} {
		if err := withIncludes(bad); err == nil || !strings.Contains(err.Error(), "includes") {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

// TestCountOfSearchArgLast: a count generated from a list takes the
// keyword pattern as its last argument, as the list does after its limit
// and offset; the search line's other arguments stay.
func TestCountOfSearchArgLast(t *testing.T) {
	list := "SELECT id FROM t\n  WHERE a = $1 --NOSEARCH\n  --SEARCH WHERE +a = $1 AND rowid IN (SELECT rowid FROM s WHERE s MATCH $4)\n  AND b = $2\nORDER BY /*ORDER*/ LIMIT $2 OFFSET $3;"
	count, ok := countOf(list)
	if !ok {
		t.Fatal("no count")
	}
	if want := "--SEARCH WHERE +a = $1 AND rowid IN (SELECT rowid FROM s WHERE s MATCH $3)"; !strings.Contains(count, want) {
		t.Errorf("count:\n%s\nwant the line %s", count, want)
	}
	if got := searchArgLast(list); got != list {
		t.Errorf("the list's own numbering changed:\n%s", got)
	}
}
