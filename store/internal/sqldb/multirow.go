package sqldb

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// multiRowQueries are the queries that end in one VALUES tuple and insert
// many rows at once: New adds, for each size of multiRowSizes, a version
// with that many tuples. Rows go as bound parameters in statements that stay
// prepared, which costs SQLite half what rows decoded from one JSON
// parameter did.
var multiRowQueries = []string{"DeliveriesInsert"}

// multiRowSizes are the statement sizes, largest first: n rows take at
// most n/64 + 3*3 statements.
var multiRowSizes = []int{64, 16, 4, 1}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// MaxParam is the highest placeholder ($N) in q: how many arguments it
// takes.
func MaxParam(q string) int {
	most := 0
	for _, m := range placeholder.FindAllStringSubmatch(q, -1) {
		n, _ := strconv.Atoi(m[1])
		most = max(most, n)
	}
	return most
}

// withMultiRow adds "NAME xN" for each multi-row query and size. Numbered
// parameters ($1) are renumbered in each tuple; anonymous ones (?) stay.
func withMultiRow(queries map[string]string) (map[string]string, error) {
	for _, name := range multiRowQueries {
		q, ok := queries[name]
		if !ok {
			continue
		}
		i := strings.LastIndex(q, "VALUES")
		if i < 0 {
			return nil, fmt.Errorf("sqldb: %s has no VALUES", name)
		}
		head, tuple := q[:i+len("VALUES")], strings.TrimSuffix(strings.TrimSpace(q[i+len("VALUES"):]), ";")
		width := MaxParam(tuple)
		for _, size := range multiRowSizes {
			var b strings.Builder
			b.WriteString(head)
			for r := range size {
				if r > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n    ")
				b.WriteString(placeholder.ReplaceAllStringFunc(tuple, func(p string) string {
					n, _ := strconv.Atoi(p[1:])
					return "$" + strconv.Itoa(n+r*width)
				}))
			}
			queries[fmt.Sprintf("%s x%d", name, size)] = b.String()
		}
	}
	return queries, nil
}

// execRows inserts rows (each one tuple's arguments) with the multi-row
// versions of query name, in order.
func (e *exec) execRows(ctx context.Context, name string, rows [][]any) error {
	for len(rows) > 0 {
		size := multiRowSizes[len(multiRowSizes)-1]
		for _, s := range multiRowSizes {
			if s <= len(rows) {
				size = s
				break
			}
		}
		var args []any
		for _, r := range rows[:size] {
			args = append(args, r...)
		}
		if _, err := e.w.ExecContext(ctx, e.q(fmt.Sprintf("%s x%d", name, size)), args...); err != nil {
			return e.d.wrap(err)
		}
		rows = rows[size:]
	}
	return nil
}
