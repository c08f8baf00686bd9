package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tenderpay/tender"
)

// positionPage reads a default list (newest first, no filter) by list
// position (migrations 010 and 012) with query, whose rows are scan's
// columns followed by the list's total; totalQuery gives the total alone
// past the last page. Both take merchantID, then query the page's limit and
// offset, then extra. One statement, so the total and the page come from
// one snapshot.
func positionPage[T any](ctx context.Context, e *exec, scan func(rowScanner) (T, error), query, totalQuery, merchantID string, p tender.ListParams, extra ...any) (*tender.Page[T], error) {
	page := &tender.Page[T]{}
	items, err := all(ctx, e, e.r, func(row rowScanner) (T, error) {
		return scan(withTotal{row, &page.Total})
	}, query, append([]any{merchantID, p.PerPage, p.Offset()}, extra...)...)
	if err != nil {
		return nil, err
	}
	page.Items = items
	if len(items) == 0 { // past the end: the total alone
		if err := e.r.QueryRowContext(ctx, totalQuery, append([]any{merchantID}, extra...)...).Scan(&page.Total); err != nil {
			return nil, e.d.wrap(err)
		}
	}
	return page, nil
}

// listObjects gives, for each list of migration 012, its table and the
// columns its scan function reads, in order: the TABLE and COLUMNS markers
// of the ListPage query (constants, never request text).
var listObjects = map[string]struct{ table, columns string }{
	"customers": {"customers", `o.id, o.merchant_id, o.firstname, o.lastname, o.company, o.email, o.cc_emails, o.phone,
    o.address_1, o.address_2, o.address_city, o.address_state, o.address_zip, o.address_country, o.notes,
    o.reference, o.allow_invoice_cc, o.created_at, o.updated_at, o.deleted_at`},
	"payment_methods": {"payment_methods", `o.id, o.merchant_id, o.customer_id, o.method, o.nickname, o.person_name,
    o.card_type, o.card_last_four, o.card_exp, o.bin_type, o.has_cvv, o.is_default, o.bank_name, o.bank_type,
    o.bank_holder_type, o.address_1, o.address_2, o.address_city, o.address_state, o.address_zip,
    o.address_country, o.meta, o.is_usable_in_vt, o.fingerprint, o.created_at, o.updated_at, o.deleted_at`},
	"items": {"items", `o.id, o.merchant_id, o.item, o.code, o.category, o.details, o.is_active, o.is_taxable,
    o.is_service, o.is_discount, o.price, o.in_stock, o.low_stock_alert, o.meta, o.created_at, o.updated_at,
    o.deleted_at`},
	"invoices": {"invoices", `o.id, o.merchant_id, o.customer_id, o.payment_method_id, o.total, o.meta, o.status,
    o.url, o.sent_at, o.viewed_at, o.paid_at, o.due_at, o.balance_due, o.total_paid, o.pending_payments,
    o.payment_attempt_failed, o.payment_attempt_message, o.is_partial_payment_enabled, o.stock_applied,
    o.schedule_id, o.occurrence, o.autopay_done, o.created_at, o.updated_at, o.deleted_at`},
	"schedules": {"schedules", `o.id, o.merchant_id, o.customer_id, o.payment_method_id, o.rule, o.total, o.url,
    o.meta, o.email_notification, o.active, o.status, o.next_run_at, o.last_run_at, o.runs, o.created_at,
    o.updated_at, o.deleted_at`},
}

func init() {
	requiredQueries = append(requiredQueries, "TransactionPage", "TransactionPageTotal",
		"TransactionFilterPage", "TransactionFilterPageAsc", "TransactionFilterPageTotal", "TransactionFilterPositionsSet",
		"TransactionPositionsDequeue", "ListPage", "ListPageTotal",
		"ListPositionsDequeue", "ListPositionsMax", "ListPositionsSet", "ListBlocksAdd", "ListRangePage", "ListRangePageAsc", "ListRangePageTotal",
		"InvoiceCustomerPage", "InvoiceCustomerPageAsc", "InvoiceCustomerPageTotal", "InvoiceCustomerPositionsSet",
		"InvoiceCustomerBlocksAdd")
}

// withListPages returns queries with each list's page query ("ListPage
// customers", ...) in place of the ListPage template: its TABLE and
// COLUMNS markers replaced once, when the store opens, not on every page
// (and so the statements prepared ahead are the ones run).
func withListPages(queries map[string]string) map[string]string {
	out := make(map[string]string, len(queries)+len(listObjects))
	templates := []string{"ListPage", "ListRangePage", "ListRangePageAsc", "ListRangePageTotal"}
	for name, q := range queries {
		if !slices.Contains(templates, name) {
			out[name] = q
		}
	}
	for list, obj := range listObjects {
		r := strings.NewReplacer("/*TABLE*/", obj.table, "/*COLUMNS*/", obj.columns)
		for _, name := range templates {
			out[name+" "+list] = r.Replace(queries[name])
		}
	}
	return out
}

// listPage is positionPage for a list of migration 012.
func listPage[T any](ctx context.Context, e *exec, scan func(rowScanner) (T, error), list, merchantID string, p tender.ListParams) (*tender.Page[T], error) {
	query, ok := e.d.Queries["ListPage "+list]
	if !ok {
		return nil, fmt.Errorf("sqldb: no list %q", list)
	}
	return positionPage(ctx, e, scan, query, e.q("ListPageTotal"), merchantID, p, list)
}

// listRangePage reads a list filtered by nothing but a created_at range
// (from and to, zero = open), newest or oldest first, by list position:
// O(page + range / 1000) however deep the page, the total included (see
// ListRangePage and ListRangePageAsc). Other orders and filters count and
// skip.
func listRangePage[T any](ctx context.Context, e *exec, scan func(rowScanner) (T, error), list, merchantID string, from, to time.Time, p tender.ListParams) (*tender.Page[T], error) {
	name := "ListRangePage "
	if !p.Desc {
		name = "ListRangePageAsc "
	}
	query, ok := e.d.Queries[name+list]
	if !ok {
		return nil, fmt.Errorf("sqldb: no list %q", list)
	}
	if from.IsZero() {
		from = rangeStart
	}
	if to.IsZero() {
		to = rangeEnd
	}
	return positionPage(ctx, e, scan, query, e.d.Queries["ListRangePageTotal "+list], merchantID, p, list, e.t(from), e.t(to))
}

// rangePaged reports whether a list filtered by created (a filter's
// CreatedOnly) and read in p's order takes listRangePage: by created_at,
// either way.
func rangePaged(created bool, p tender.ListParams) bool {
	return created && p.Sort == "created_at"
}

// holdsLock takes the dialect's transaction-scoped lock query name (one
// numberer at a time on PostgreSQL) and reports whether it got it; a
// dialect without NumbererLocks (SQLite: InTx already holds the one write
// lock) always does.
func (e *exec) holdsLock(ctx context.Context, name string) (bool, error) {
	if !e.d.NumbererLocks {
		return true, nil
	}
	var got bool
	err := e.w.QueryRowContext(ctx, e.q(name)).Scan(&got)
	return got, e.d.wrap(err)
}

// positions hands out the next list positions of each key (a merchant's
// list), after the highest one stored, which last reads once a key.
type positions[K comparable] struct {
	last func(K) (int64, error)
	next map[K]int64
}

func (p *positions[K]) take(k K) (int64, error) {
	if p.next == nil {
		p.next = map[K]int64{}
	}
	n, ok := p.next[k]
	if !ok {
		var err error
		if n, err = p.last(k); err != nil {
			return 0, err
		}
	}
	n++
	p.next[k] = n
	return n, nil
}

// ListPositionsAssign numbers up to limit queued objects of the lists of
// migration 012 created before before, oldest first: each gets the next
// position in its merchant's list, and the live ones count in their block. The queue rows
// are taken out first (DELETE ... RETURNING): on PostgreSQL their row locks
// order the numberer against a concurrent delete of the same object.
func (e *exec) ListPositionsAssign(ctx context.Context, before time.Time, limit int) (int, error) {
	if got, err := e.holdsLock(ctx, "ListPositionsLock"); err != nil || !got {
		return 0, err
	}
	type queued struct {
		list, id, merchant string
		created            time.Time
		live               bool
	}
	batch, err := all(ctx, e, e.w, func(row rowScanner) (queued, error) {
		var q queued
		var created timeCol
		err := row.Scan(&q.list, (*textCol)(&q.id), (*textCol)(&q.merchant), &created, &q.live)
		q.created = created.t
		return q, err
	}, e.q("ListPositionsDequeue"), e.t(before), limit)
	if err != nil || len(batch) == 0 {
		return 0, err
	}
	slices.SortFunc(batch, func(a, b queued) int {
		return cmp.Or(a.created.Compare(b.created), cmp.Compare(a.id, b.id))
	})
	type position struct {
		List     string `json:"list"`
		ID       string `json:"id"`
		Merchant string `json:"merchant"`
		Pos      int64  `json:"pos"`
		Live     bool   `json:"live"`
	}
	type key struct{ list, merchant string }
	next := positions[key]{last: func(k key) (n int64, err error) {
		err = e.w.QueryRowContext(ctx, e.q("ListPositionsMax"), k.list, k.merchant).Scan(&n)
		return n, e.d.wrap(err)
	}}
	set := make([]position, len(batch))
	for i, q := range batch {
		n, err := next.take(key{q.list, q.merchant})
		if err != nil {
			return 0, err
		}
		set[i] = position{q.list, q.id, q.merchant, n, q.live}
	}
	js := mustJSON(set)
	if _, err := e.w.ExecContext(ctx, e.q("ListPositionsSet"), js); err != nil {
		return 0, e.d.wrap(err)
	}
	// The blocks' counts; then the numbered invoices' places in their
	// customers' lists (migration 032) and those lists' block counts.
	for _, name := range []string{"ListBlocksAdd", "InvoiceCustomerPositionsSet", "InvoiceCustomerBlocksAdd"} {
		if _, err := e.w.ExecContext(ctx, e.q(name), js); err != nil {
			return 0, e.d.wrap(err)
		}
	}
	return len(batch), nil
}
