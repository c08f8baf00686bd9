package httpapi_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tenderpay/tender/internal/apitest"
)

// TestStaxCoverage compares the operations of a third-party harvest of
// Stax's OpenAPI description (testdata/stax-operations.txt) with the route
// table. Every operation Tender does not serve must be listed in
// docs/stax-coverage.md with its reason; an operation listed there must be
// one Tender does not serve; the count the document states must be the
// count served.
func TestStaxCoverage(t *testing.T) {
	e := apitest.Start(t, "sqlite", apitest.Options{})
	served := map[string]bool{}
	for _, rt := range e.Server.API.Routes() {
		served[staxOp(rt.Method+" "+rt.Path)] = true
	}
	harvest := readLines(t, "testdata/stax-operations.txt")
	doc, err := os.ReadFile("../docs/stax-coverage.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^- `([A-Z]+ [^`]+)`: \\S").FindAllStringSubmatch(string(doc), -1) {
		listed[staxOp(m[1])] = true
	}
	var have, missing []string
	inHarvest := map[string]bool{}
	for _, op := range harvest {
		key := staxOp(op)
		inHarvest[key] = true
		if served[key] {
			have = append(have, op)
			if listed[key] {
				t.Errorf("%s is served but docs/stax-coverage.md lists it as not served", op)
			}
			continue
		}
		missing = append(missing, op)
		if !listed[key] {
			t.Errorf("%s is not served and docs/stax-coverage.md gives no reason", op)
		}
	}
	for op := range listed {
		if !inHarvest[op] {
			t.Errorf("docs/stax-coverage.md lists %s, which the harvest does not have", op)
		}
	}
	t.Logf("Tender serves %d of the harvest's %d operations; %d are listed with a reason", len(have), len(harvest), len(missing))
	want := "Served today: **" + strconv.Itoa(len(have)) + " of " + strconv.Itoa(len(harvest)) + "**"
	if !strings.Contains(string(doc), want) {
		t.Errorf("docs/stax-coverage.md should say %q", want)
	}
}

var paramRE = regexp.MustCompile(`\{[^}]*\}`)

// staxOp normalises "METHOD /path/{name}/" to "METHOD /path/{}".
func staxOp(op string) string {
	method, path, _ := strings.Cut(strings.TrimSpace(op), " ")
	// The harvest spells Stax's file deletion "DELETE /file{id}" (its
	// operation id is delete_file{id}); Stax's route, like its GET and
	// PUT, is /file/{id}.
	if path == "/file{id}" {
		path = "/file/{id}"
	}
	path = paramRE.ReplaceAllString(path, "{}")
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	return method + " " + path
}

func readLines(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
